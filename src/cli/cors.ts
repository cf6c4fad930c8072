import { type CORSRule, GetBucketCorsCommand, PutBucketCorsCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../server/s3-client.js';
import { parseCommand, parseS3Uri, UsageError } from './args.js';
import { type CorsRule, mergeCorsRules, uploadCorsRule } from './cors-rules.js';
import { CORS_HELP } from './help.js';
import type { CliIo } from './io.js';
import { resolveStorage, STORAGE_OPTIONS, sdkErrorText } from './storage.js';

/** `s3-direct-upload cors s3://bucket --origin …`: prints the CORS rules the uploader needs, or applies them. */
export async function runCors(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(argv, {
    origin: { type: 'string', multiple: true },
    apply: { type: 'boolean' },
    replace: { type: 'boolean' },
    ...STORAGE_OPTIONS,
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(CORS_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('Name exactly one bucket: s3://bucket.');
  const { bucket, key } = parseS3Uri(positionals[0], 's3://bucket');
  if (key !== '') throw new UsageError(`CORS rules belong to a bucket, not an object: s3://${bucket}.`);
  const origins = values.origin ?? [];
  if (origins.length === 0) throw new UsageError('Name the app origins allowed to upload: --origin https://app.example (repeatable).');
  let rule: CorsRule;
  try {
    rule = uploadCorsRule(origins);
  } catch (error) {
    throw new UsageError(`--origin: ${(error as Error).message}`);
  }

  if (!values.apply) {
    io.stdout.write(`${JSON.stringify({ CORSRules: [rule] }, null, 2)}\n`);
    return 0;
  }

  const s3 = createS3Client(await resolveStorage(bucket, values, io.env));
  try {
    const existing = await readRules(s3, bucket);
    const merged = mergeCorsRules(existing, rule, values.replace === true);
    await s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: merged } }));
    const now = await readRules(s3, bucket);
    io.stdout.write(`${JSON.stringify({ CORSRules: now }, null, 2)}\n`);
    return 0;
  } catch (error) {
    io.stderr.write(`s3-direct-upload cors: the bucket ${bucket} refused: ${sdkErrorText(error)}\n`);
    return 1;
  } finally {
    s3.destroy();
  }
}

/** The bucket's CORS rules, `[]` when it has none. */
async function readRules(s3: S3Client, bucket: string): Promise<CorsRule[]> {
  try {
    const { CORSRules = [] } = await s3.send(new GetBucketCorsCommand({ Bucket: bucket }));
    return CORSRules.map(toRule);
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchCORSConfiguration') return [];
    throw error;
  }
}

/** Only the fields S3 has (the SDK's objects may carry undefined ones). */
function toRule(rule: CORSRule): CorsRule {
  return {
    ...(rule.ID ? { ID: rule.ID } : {}),
    AllowedOrigins: rule.AllowedOrigins ?? [],
    AllowedMethods: rule.AllowedMethods ?? [],
    ...(rule.AllowedHeaders?.length ? { AllowedHeaders: rule.AllowedHeaders } : {}),
    ...(rule.ExposeHeaders?.length ? { ExposeHeaders: rule.ExposeHeaders } : {}),
    ...(rule.MaxAgeSeconds !== undefined ? { MaxAgeSeconds: rule.MaxAgeSeconds } : {}),
  };
}
