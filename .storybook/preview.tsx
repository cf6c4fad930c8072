import type { Preview } from '@storybook/react-vite';
import { setupWorker } from 'msw/browser';
import { mswLoader } from 'msw-storybook-addon/csf3';
import '../src/styles/style.css';
import './preview.css';

/** Requests MSW must answer: everything else (Vite modules, Storybook's own files) goes to the network untouched. */
const mocked = (url: URL) => url.pathname.startsWith('/api/') || url.hostname.endsWith('.test');

const preview: Preview = {
  loaders: [
    mswLoader(async () => {
      const worker = setupWorker();
      await worker.start({
        quiet: true,
        onUnhandledRequest(request, print) {
          // A story that forgot a handler must fail loudly, not reach for a host that does not exist.
          if (mocked(new URL(request.url))) print.error();
        },
      });
      return worker;
    }),
  ],
  initialGlobals: { backgrounds: { value: 'light' } },
  parameters: {
    layout: 'padded',
    // The dark story puts the page in the widget's own dark background.
    backgrounds: {
      options: {
        light: { name: 'Light', value: '#ffffff' },
        dark: { name: 'Dark', value: '#0d1117' },
      },
    },
    controls: { disable: true },
    // Every story is checked with axe (addon-a11y); a violation fails its test.
    a11y: { test: 'error' },
  },
};

export default preview;
