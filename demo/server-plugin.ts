import { randomBytes } from 'node:crypto';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { Plugin } from 'vite';
import { createS3Client, createSignHandler, presignDownload, type StorageOptions, toNodeListener } from '../src/server/index.js';
import { type DemoStorage, startDemoStorage } from './local-s3.js';

/**
 * The demo's back end, inside Vite's dev server: the signing endpoint at
 * /api/upload and a listing of the bucket with presigned download links at /api/objects.
 */
export function demoServer(): Plugin {
  let storage: DemoStorage | undefined;
  return {
    name: 's3-direct-upload:demo-server',
    async configureServer(server) {
      storage = await startDemoStorage();
      const options: StorageOptions = {
        bucket: storage.bucket,
        region: storage.region,
        forcePathStyle: storage.forcePathStyle,
        ...(storage.endpoint ? { endpoint: storage.endpoint } : {}),
        ...(storage.accessKeyId ? { credentials: { accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey } } : {}),
      };
      const s3 = createS3Client(options);
      const sign = toNodeListener(
        createSignHandler({
          ...options,
          prefix: 'demo',
          // One process serves the demo: a secret of its own, made at start.
          secret: randomBytes(32),
          onError: (error) => server.config.logger.warn(`[sign] ${error instanceof Error ? error.message : String(error)}`),
        }),
      );
      server.middlewares.use('/api/upload', (request, response) => void sign(request, response));
      server.middlewares.use('/api/objects', async (_request, response) => {
        try {
          const listed = await s3.send(new ListObjectsV2Command({ Bucket: options.bucket, Prefix: 'demo/' }));
          const objects = await Promise.all(
            (listed.Contents ?? [])
              .sort((a, b) => (b.LastModified?.getTime() ?? 0) - (a.LastModified?.getTime() ?? 0))
              .map(async (object) => ({
                key: object.Key,
                size: object.Size,
                lastModified: object.LastModified?.toISOString(),
                url: await presignDownload(options, { key: object.Key as string, expiresIn: 300 }),
              })),
          );
          response.setHeader('content-type', 'application/json');
          response.setHeader('cache-control', 'no-store');
          response.end(JSON.stringify({ storage: storage?.description, objects }));
        } catch (error) {
          response.statusCode = 502;
          response.setHeader('content-type', 'application/json');
          response.end(
            JSON.stringify({ error: { code: 'storage_error', message: error instanceof Error ? error.message : String(error) } }),
          );
        }
      });
      server.httpServer?.once('close', () => void storage?.stop());
      server.config.logger.info(`  Storage: ${storage.description}`);
    },
  };
}
