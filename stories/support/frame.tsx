import type { Decorator } from '@storybook/react-vite';
import type { HTMLAttributes } from 'react';

/** Renders the story inside a `<div>` with these attributes: the page width, a page theme, a page direction. */
export function inside(attributes: HTMLAttributes<HTMLDivElement> & Record<`data-${string}`, string>): Decorator {
  return (Story) => (
    <div {...attributes}>
      <Story />
    </div>
  );
}
