import { fileURLToPath } from 'node:url';
import express, { type RequestHandler } from 'express';
import { createSignHandler, toExpressHandler } from 's3-direct-upload/server';

const bucket = process.env.S3_BUCKET;
if (!bucket) throw new Error('Set S3_BUCKET (see README.md).');

const upload: RequestHandler = toExpressHandler(
  createSignHandler({
    bucket,
    region: process.env.S3_REGION ?? 'us-east-1',
    // MinIO, Ceph RGW, R2…: their URL, and path-style addressing.
    ...(process.env.S3_ENDPOINT ? { endpoint: process.env.S3_ENDPOINT, forcePathStyle: true } : {}),
    // Credentials: the AWS SDK's standard chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, a role).
    prefix: 'uploads', // every key: uploads/<uuid>/<sanitized name>
    maxFileSize: 5 * 1024 ** 3, // 5 GiB
    // The same secret on every instance, so any of them can serve a multipart upload.
    secret: process.env.UPLOAD_SECRET,
    // TODO(authorize): decide who may upload, and give each user a prefix of their own, e.g.
    //   authorize: async (request) => { const user = await userFromCookie(request.headers.get('cookie')); return user ? { prefix: `users/${user.id}` } : false; },
    onError: (error) => console.error('[upload]', error),
  }),
);

const app = express();
// A body parser for the app's other routes. toExpressHandler works behind it: it signs from the body the parser read.
app.use(express.json());
app.use(express.static(fileURLToPath(new URL('./public', import.meta.url))));
// POST signs; any other method gets 405 with `Allow: POST`.
app.all('/api/upload', upload);

const port = Number(process.env.PORT ?? 3000);
app.listen(port, (error) => {
  if (error) throw error;
  console.log(`Listening on http://localhost:${port}`);
});
