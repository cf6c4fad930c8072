import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { e2eCommands } from './test/e2e/commands.js';
import { signEndpointPlugin } from './test/e2e/sign-endpoint-plugin.js';
import { chromiumLaunchOptions } from './test/support/chromium.js';

const external = [
  /^react($|\/)/,
  /^react-dom($|\/)/,
  /^@uppy\//,
  /^@aws-sdk\//,
  ...builtinModules.flatMap((name) => [name, `node:${name}`]),
];

/**
 * Vitest browser mode in Debian's headless Chromium, for the e2e and storybook
 * projects. A function: Vitest names each project's `instances` in place, so
 * the projects must not share them. `extraArgs` go to this project's Chromium only.
 */
const chromiumBrowser = (extraArgs: string[] = []) => ({
  enabled: true,
  headless: true,
  provider: playwright({ launchOptions: { ...chromiumLaunchOptions, args: [...chromiumLaunchOptions.args, ...extraArgs] } }),
  instances: [{ browser: 'chromium' as const }],
  screenshotFailures: false,
});

export default defineConfig({
  plugins: [react()],
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    cssCodeSplit: true,
    lib: {
      entry: {
        index: resolve(import.meta.dirname, 'src/index.ts'),
        'react/index': resolve(import.meta.dirname, 'src/react/index.ts'),
        'server/index': resolve(import.meta.dirname, 'src/server/index.ts'),
        'uppy/index': resolve(import.meta.dirname, 'src/uppy/index.ts'),
        'cli/index': resolve(import.meta.dirname, 'src/cli/index.ts'),
        style: resolve(import.meta.dirname, 'src/styles/style.css'),
      },
      formats: ['es'],
    },
    rolldownOptions: {
      external,
      output: { assetFileNames: '[name][extname]', chunkFileNames: 'shared/[name]-[hash].js' },
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'jsdom',
          include: ['test/unit/**/*.test.{ts,tsx}'],
          setupFiles: ['test/unit/setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/node/**/*.test.ts', 'test/support/**/*.test.ts'],
          // The widget layout and forced-colour checks drive a real Chromium: under the full run on 2 cores they need more than 5 s.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          environment: 'node',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        plugins: [signEndpointPlugin()],
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.{ts,tsx}'],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // A fake camera, granted without a prompt, for Uppy's Webcam (uppy-ecosystem.test.ts); no other e2e test asks for media.
          browser: {
            ...chromiumBrowser(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']),
            commands: e2eCommands,
          },
        },
      },
      {
        // Every story in stories/ as a test in Chromium: render, play function, then axe (a11y.test in .storybook/preview.tsx).
        extends: true,
        // Imported when the project runs, so a library build does not load Storybook.
        plugins: [
          import('@storybook/addon-vitest/vitest-plugin').then(({ storybookTest }) =>
            storybookTest({ configDir: resolve(import.meta.dirname, '.storybook') }),
          ),
        ],
        test: {
          name: 'storybook',
          // The 1000-file story uploads for a while through MSW's service worker.
          testTimeout: 90_000,
          browser: chromiumBrowser(),
        },
      },
    ],
  },
});
