import { createSignHandler, type SignHandler } from 's3-direct-upload/server';

/**
 * The signing endpoint: `POST /api/upload`. A route handler is a Fetch-API
 * handler, and so is `createSignHandler(…)`: nothing to adapt.
 * (Created on the first request, so `next build` needs no S3 settings.)
 */
let handler: SignHandler | undefined;

function signHandler(): SignHandler {
  handler ??= createSignHandler({
    bucket: required('S3_BUCKET'),
    region: process.env.S3_REGION ?? 'us-east-1',
    // MinIO, Ceph RGW, R2…: their URL, and path-style addressing.
    ...(process.env.S3_ENDPOINT ? { endpoint: process.env.S3_ENDPOINT, forcePathStyle: true } : {}),
    // Credentials: the AWS SDK's standard chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, a role).
    prefix: 'uploads', // every key: uploads/<uuid>/<sanitized name>
    maxFileSize: 5 * 1024 ** 3, // 5 GiB
    // The same secret on every instance (serverless functions included), so any of them can serve a multipart upload.
    secret: process.env.UPLOAD_SECRET,
    // TODO(authorize): decide who may upload, and give each user a prefix of their own, e.g.
    //   authorize: async (request) => { const user = await currentUser(request); return user ? { prefix: `users/${user.id}` } : false; },
    onError: (error) => console.error('[upload]', error),
  });
  return handler;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name} (see .env.example).`);
  return value;
}

export function POST(request: Request): Promise<Response> {
  return signHandler()(request);
}
