import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { demoServer } from './server-plugin.js';

/** `npm start`: the demo app with its signer and an embedded local S3. */
export default defineConfig({
  root: import.meta.dirname,
  publicDir: false,
  plugins: [react(), demoServer()],
  // The embedded s3rver has no ListParts, which completing a multipart upload needs: there, files go as single PUTs.
  define: { __DEMO_FAKE_S3__: JSON.stringify(!process.env.S3_ENDPOINT && !process.env.S3_BUCKET) },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
});
