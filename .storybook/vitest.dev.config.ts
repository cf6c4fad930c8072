// TEMPORARY (dev only): the storybook project as it will sit in vite.config.ts.
import { resolve } from 'node:path';
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumLaunchOptions } from '../vite.config.js';

export default defineConfig({
  root: resolve(import.meta.dirname, '..'),
  plugins: [react()],
  publicDir: false,
  test: {
    projects: [
      {
        extends: true,
        plugins: [storybookTest({ configDir: resolve(import.meta.dirname, '../.storybook') })],
        test: {
          name: 'storybook',
          testTimeout: 90_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: chromiumLaunchOptions }),
            instances: [{ browser: 'chromium' }],
            screenshotFailures: false,
          },
        },
      },
    ],
  },
});
