import type { StorybookConfig } from '@storybook/react-vite';

/**
 * Storybook for the React widget. Stories mock the signing endpoint and the
 * bucket with MSW (the worker script is in ./public, served as a static dir:
 * it never reaches the library build, whose `publicDir` is off).
 * The Vite config is the project's vite.config.ts (React plugin); Storybook
 * drops its `build` section (library mode) by itself.
 */
const config: StorybookConfig = {
  framework: { name: '@storybook/react-vite', options: {} },
  stories: ['../stories/**/*.stories.@(ts|tsx)'],
  addons: ['@storybook/addon-a11y', '@storybook/addon-vitest'],
  staticDirs: ['./public'],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // No docs pages or controls: skip prop extraction (it was most of the build time).
  typescript: { reactDocgen: false },
  // Keep light-dark() as written (browsers from 2024 on): lowered for older targets it follows only a
  // color-scheme declared in processed CSS, not the one the stories and the pictures set on the page.
  viteFinal: (vite) => ({ ...vite, build: { ...vite.build, cssTarget: ['chrome123', 'edge123', 'firefox120', 'safari17.5'] } }),
};

export default config;
