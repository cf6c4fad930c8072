import type { JSX } from 'react';
import { describe, expectTypeOf, it } from 'vitest';
import type { UseS3UploadResult } from '../../../src/react/index.js';

/**
 * What `<input ref>` accepts under React 18's @types/react (18.3): a string,
 * a callback, or a RefObject<T> — whose `current` is `T | null`, compared by
 * TypeScript through T, so RefObject<HTMLInputElement | null> is refused.
 */
interface React18RefObject<T> {
  readonly current: T | null;
}
type React18Ref<T> = string | ((instance: T | null) => void) | React18RefObject<T> | null | undefined;

describe('getInputProps() types', () => {
  it('gives a ref that React 18 and React 19 types both accept on <input>', () => {
    type Ref = ReturnType<UseS3UploadResult['getInputProps']>['ref'];
    // A callback ref: no object-ref variance between the two versions' RefObject.
    expectTypeOf<Ref>().toEqualTypeOf<(element: HTMLInputElement | null) => void>();
    expectTypeOf<Ref>().toExtend<React18Ref<HTMLInputElement>>();
    expectTypeOf<Ref>().toExtend<NonNullable<JSX.IntrinsicElements['input']['ref']>>();
    // The old type fails React 18's check through its RefObject's type argument.
    expectTypeOf<React18RefObject<HTMLInputElement | null>>().not.toExtend<React18RefObject<HTMLInputElement>>();
  });
});
