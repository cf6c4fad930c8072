import { PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { MAX_EXPIRES_IN } from '../protocol/limits.js';
import { presignDownload } from '../server/download.js';
import { createS3Client } from '../server/s3-client.js';
import { parseCommand, parseInteger, parseS3Uri, UsageError } from './args.js';
import { PRESIGN_HELP } from './help.js';
import type { CliIo } from './io.js';
import { resolveStorage, STORAGE_OPTIONS, sdkErrorText } from './storage.js';

/** `s3-direct-upload presign s3://bucket/key`: prints a presigned GET (or PUT) URL, and nothing else, on stdout. */
export async function runPresign(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(argv, {
    method: { type: 'string' },
    'expires-in': { type: 'string' },
    'content-type': { type: 'string' },
    filename: { type: 'string' },
    ...STORAGE_OPTIONS,
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(PRESIGN_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('Name exactly one object: s3://bucket/key.');
  const { bucket, key } = parseS3Uri(positionals[0], 's3://bucket/key');
  if (key === '') throw new UsageError(`Name an object, not only a bucket: s3://${bucket}/key.`);
  const method = (values.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'PUT') throw new UsageError(`--method must be GET or PUT; got "${values.method}".`);
  // Refused, never clamped: a script asking for 30 days must learn it gets at most 7.
  const expiresIn = parseInteger(
    values['expires-in'] ?? '3600',
    '--expires-in',
    1,
    MAX_EXPIRES_IN,
    ' seconds (7 days, the longest a SigV4 presigned URL can live)',
  );
  const contentType = values['content-type'];
  if (method === 'PUT' && values.filename !== undefined) {
    throw new UsageError('--filename names a download; it applies to --method GET only.');
  }

  const storage = await resolveStorage(bucket, values, io.env);
  let url: string;
  try {
    url =
      method === 'GET'
        ? await presignDownload(storage, {
            key,
            expiresIn,
            ...(values.filename !== undefined ? { filename: values.filename } : {}),
            ...(contentType ? { contentType } : {}),
          })
        : await getSignedUrl(createS3Client(storage), new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: contentType }), {
            expiresIn,
            // Signed as a header: the uploader must send exactly this Content-Type.
            ...(contentType ? { signableHeaders: new Set(['content-type']) } : {}),
          });
  } catch (error) {
    const hint =
      error instanceof Error && error.name === 'CredentialsProviderError'
        ? ' Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run where a role is available.'
        : '';
    io.stderr.write(`s3-direct-upload presign: could not sign: ${sdkErrorText(error)}.${hint}\n`);
    return 1;
  }
  io.stdout.write(`${url}\n`);
  if (method === 'PUT' && contentType && io.stderr.isTTY) {
    io.stderr.write(`(send the header "Content-Type: ${contentType}" with the PUT: it is part of the signature)\n`);
  }
  return 0;
}
