import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { demoServer } from './server-plugin.js';

/** `npm start`: the demo app with its signer and an embedded local S3. */
export default defineConfig({
  root: import.meta.dirname,
  publicDir: false,
  plugins: [react(), demoServer()],
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
});
