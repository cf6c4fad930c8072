/**
 * The `s3-direct-upload` command line, run as a child process (node + tsx, the
 * real argv and exit path) against a real Ceph RGW and the package's own signer.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CreateBucketCommand,
  GetBucketCorsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBytes } from '../../src/cli/args.js';
import { mergeCorsRules, normalizeOrigin, uploadCorsConfiguration, uploadCorsRule } from '../../src/cli/cors-rules.js';
import { contentTypeFor } from '../../src/cli/mime.js';
import { redactor } from '../../src/protocol/redact.js';
import { createSignHandler, toNodeListener } from '../../src/server/index.js';
import { type RgwServer, startRgw } from '../support/rgw.js';

const ROOT = resolve(import.meta.dirname, '../..');
const MiB = 1024 * 1024;
const BUCKET = 'cli-tests';
const TOKEN = 'ci-token-123';

let rgw: RgwServer;
let s3: S3Client;
let dir: string;
let signer: Server;
let broken: Server;
let signUrl: string;
let brokenUrl: string;
let brokenCalls = 0;
let bigFile: string;
let bigSha256: string;
let smallFile: string;
const smallBody = 'build 42: all green\n';

interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Environment of every run: no AWS configuration from this machine, no instance-metadata probing. */
function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('AWS_') && !name.startsWith('S3_')) env[name] = value;
  return {
    ...env,
    AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

function rgwEnv(): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: rgw.accessKeyId,
    AWS_SECRET_ACCESS_KEY: rgw.secretAccessKey,
    AWS_REGION: rgw.region,
    AWS_ENDPOINT_URL_S3: rgw.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
  };
}

function startCli(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    cwd: ROOT,
    env: baseEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<CliRun>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return startCli(args, env).done;
}

function expectNoPresignedUrl(...texts: string[]): void {
  for (const text of texts) {
    expect(text).not.toContain('X-Amz-Signature');
    expect(text).not.toContain('X-Amz-Credential');
  }
}

function curl(args: string[]): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    execFile('curl', ['-sf', ...args], { encoding: 'buffer', maxBuffer: 64 * MiB }, (error, stdout) =>
      error ? reject(error) : resolvePromise(stdout),
    );
  });
}

async function objectBytes(key: string): Promise<Buffer> {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

async function openUploads(): Promise<number> {
  return (await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads?.length ?? 0;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolvePromise) =>
    server.listen(0, '127.0.0.1', () => resolvePromise(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/upload`)),
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-test-'));
  const big = randomBytes(50 * MiB);
  bigSha256 = createHash('sha256').update(big).digest('hex');
  bigFile = join(dir, 'build-artifacts.bin');
  smallFile = join(dir, 'build.log');
  await writeFile(bigFile, big);
  await writeFile(smallFile, smallBody);

  rgw = await startRgw();
  const credentials = { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey };
  s3 = new S3Client({
    endpoint: rgw.endpoint,
    region: rgw.region,
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));

  // The demo's signer, behind a bearer token as a CI job would meet it.
  const sign = toNodeListener(
    createSignHandler({
      bucket: BUCKET,
      endpoint: rgw.endpoint,
      region: rgw.region,
      forcePathStyle: true,
      credentials,
      prefix: 'ci',
      secret: 'cli-test-secret-cli-test-secret-cli-t',
    }),
  );
  signer = createServer((request, response) => {
    if (request.headers.authorization !== `Bearer ${TOKEN}`) {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: 'unauthorized', message: 'A bearer token is required.' } }));
      return;
    }
    void sign(request, response);
  });
  signUrl = await listen(signer);
  broken = createServer((_request, response) => {
    brokenCalls++;
    response.writeHead(500, { 'content-type': 'text/plain' });
    response.end('upstream exploded');
  });
  brokenUrl = await listen(broken);
}, 120_000);

afterAll(async () => {
  signer?.close();
  broken?.close();
  s3?.destroy();
  await rgw?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('s3-direct-upload put', () => {
  it('uploads a 50 MiB file as multipart and a small one by single PUT, byte for byte', async () => {
    const run = await cli([
      'put',
      bigFile,
      smallFile,
      '--sign-url',
      signUrl,
      '--header',
      `Authorization: Bearer ${TOKEN}`,
      '--multipart-threshold',
      '8MiB',
      '--part-size',
      '5MiB',
      '--concurrency',
      '4',
      '--metadata',
      'build=42',
      '--json',
    ]);
    expectNoPresignedUrl(run.stdout, run.stderr);
    expect(run.code, run.stderr).toBe(0);
    const results = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const big = results.find((result) => result.file === bigFile);
    const small = results.find((result) => result.file === smallFile);
    expect(big).toMatchObject({
      status: 'complete',
      size: 50 * MiB,
      key: expect.stringMatching(/^ci\/[0-9a-f-]{36}\/build-artifacts\.bin$/),
    });
    expect(small).toMatchObject({
      status: 'complete',
      size: smallBody.length,
      key: expect.stringMatching(/^ci\/[0-9a-f-]{36}\/build\.log$/),
    });

    expect(
      createHash('sha256')
        .update(await objectBytes(big.key))
        .digest('hex'),
    ).toBe(bigSha256);
    expect((await objectBytes(small.key)).toString()).toBe(smallBody);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: small.key }));
    expect(head.ContentType).toBe('text/plain; charset=utf-8');
    expect(head.Metadata).toEqual({ build: '42' });
    // Ten 5 MiB parts: a multipart upload, completed.
    const bigHead = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: big.key }));
    expect(bigHead.ContentLength).toBe(50 * MiB);
    expect(bigHead.ContentType).toBe('application/octet-stream');
    expect(await openUploads()).toBe(0);
    // Not a terminal: plain progress lines on stderr.
    // Decimal units, as the widget shows them: 50 MiB is 52.4 MB.
    expect(run.stderr).toContain(`start  ${bigFile} (52.4 MB)`);
    expect(run.stderr).toMatch(/build-artifacts\.bin 50% \(/);
    expect(run.stderr).toMatch(/2 of 2 files uploaded/);
  });

  it('prints a line per uploaded file, and exits 1 when the endpoint refuses the token', async () => {
    const ok = await cli(['put', smallFile, '--sign-url', signUrl, '-H', `Authorization: Bearer ${TOKEN}`]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(
      /^done {3}\S+build\.log -> ci\/[0-9a-f-]{36}\/build\.log \(20 bytes, \d+\.\d\d s, [\d.,]+ (byte|kB|MB|GB)\/s\)\n$/,
    );

    const refused = await cli(['put', smallFile, '--sign-url', signUrl, '-H', 'Authorization: Bearer wrong']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `The signing endpoint ${signUrl} refused "presign-put" (401 unauthorized): A bearer token is required.`,
    );
    expect(refused.stdout).toBe('');
  });

  it('exits 1 naming the endpoint when it answers 500 to everything, and never prints a presigned URL', async () => {
    // Two retries (the default 5 waits up to ~30 s in all; the message is the same).
    const run = await cli([
      'put',
      smallFile,
      bigFile,
      '--sign-url',
      brokenUrl,
      '--multipart-threshold',
      '8MiB',
      '--retries',
      '2',
      '--json',
    ]);
    expectNoPresignedUrl(run.stdout, run.stderr);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`The signing endpoint ${brokenUrl} answered "presign-put" with HTTP 500: upstream exploded.`);
    expect(run.stderr).toContain(`The signing endpoint ${brokenUrl} answered "create-multipart" with HTTP 500`);
    const results = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    // Each file's first call and two retries: the engine's retry path, not a give-up at the first 500.
    expect(brokenCalls).toBe(6);
    expect(results.map((result) => [result.status, result.error.code, result.error.status])).toEqual([
      ['error', 'endpoint_refused', 500],
      ['error', 'endpoint_refused', 500],
    ]);
  }, 60_000);

  it('exits 2 on usage errors before uploading anything', async () => {
    const noUrl = await cli(['put', smallFile]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('--sign-url is required');
    const badSize = await cli(['put', smallFile, '--sign-url', signUrl, '--part-size', '1MiB']);
    expect(badSize.code).toBe(2);
    expect(badSize.stderr).toContain("--part-size must be from 5MiB to 5GiB (S3's limits)");
  });

  it('on SIGINT cancels the transfer, aborts the multipart upload and exits 130', async () => {
    const { child, done } = startCli([
      'put',
      bigFile,
      '--sign-url',
      signUrl,
      '-H',
      `Authorization: Bearer ${TOKEN}`,
      '--multipart-threshold',
      '5MiB',
      '--part-size',
      '5MiB',
      '--concurrency',
      '1',
      '--json',
    ]);
    // Interrupt once the first part is stored.
    await new Promise<void>((resolvePromise) => {
      const onData = (chunk: string) => {
        if (/ 10% \(/.test(chunk)) {
          child.stderr?.off('data', onData);
          resolvePromise();
        }
      };
      child.stderr?.on('data', onData);
    });
    child.kill('SIGINT');
    const run = await done;
    expect(run.code, run.stderr).toBe(130);
    expect(JSON.parse(run.stdout)).toMatchObject({ file: bigFile, status: 'canceled' });
    expect(run.stderr).toContain('Canceling');
    expect(await openUploads()).toBe(0);
  });
});

describe('s3-direct-upload presign', () => {
  it('prints a GET URL that downloads the object (credentials, endpoint, region and path style from the environment)', async () => {
    const body = randomBytes(300 * 1024);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'reports/q3 report.bin', Body: body }));
    const run = await cli(['presign', 's3://cli-tests/reports/q3 report.bin', '--expires-in', '120'], rgwEnv());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const url = run.stdout.trim();
    expect(run.stdout).toBe(`${url}\n`);
    expect(new URL(url).origin).toBe(rgw.endpoint);
    expect(new URL(url).pathname).toBe('/cli-tests/reports/q3%20report.bin');
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('120');
    expect(Buffer.compare(await curl([url]), body)).toBe(0);
  });

  it('refuses more than 7 days with exit 2 instead of clamping', async () => {
    const run = await cli(['presign', 's3://cli-tests/reports/q3 report.bin', '--expires-in', '604801'], rgwEnv());
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('7 days');
  });

  it('prints a PUT URL that curl can upload to, with the signed Content-Type', async () => {
    const file = join(dir, 'upload-me.txt');
    await writeFile(file, 'uploaded with curl\n');
    const run = await cli(
      ['presign', 's3://cli-tests/incoming/upload-me.txt', '--method', 'PUT', '--content-type', 'text/plain'],
      rgwEnv(),
    );
    expect(run.code, run.stderr).toBe(0);
    const url = run.stdout.trim();
    await curl(['-X', 'PUT', '-H', 'Content-Type: text/plain', '--data-binary', `@${file}`, url]);
    expect((await objectBytes('incoming/upload-me.txt')).toString()).toBe('uploaded with curl\n');
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'incoming/upload-me.txt' }));
    expect(head.ContentType).toBe('text/plain');
    // The type is part of the signature: another one is refused.
    await expect(curl(['-X', 'PUT', '-H', 'Content-Type: text/html', '--data-binary', `@${file}`, url])).rejects.toThrow();
  });

  it('exits 1 with a hint when there are no credentials', async () => {
    const run = await cli(['presign', 's3://cli-tests/x'], { AWS_REGION: 'us-east-1' });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('AWS_ACCESS_KEY_ID');
  });
});

describe('s3-direct-upload cors', () => {
  it('prints the rules without touching the bucket', async () => {
    const run = await cli(['cors', 's3://cli-tests', '--origin', 'https://app.example']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(uploadCorsConfiguration(['https://app.example']));
    expect(JSON.parse(run.stdout).CORSRules[0]).toMatchObject({
      AllowedOrigins: ['https://app.example'],
      AllowedMethods: ['PUT', 'POST', 'GET'],
      AllowedHeaders: ['*'],
      ExposeHeaders: ['ETag'],
      MaxAgeSeconds: 3600,
    });
  });

  it('--apply puts the rule first on the bucket, keeps rules for other origins, adds origins on a second run and replaces them with --replace', async () => {
    const other = { AllowedOrigins: ['https://other.example'], AllowedMethods: ['GET'], MaxAgeSeconds: 60 };
    await s3.send(new PutBucketCorsCommand({ Bucket: BUCKET, CORSConfiguration: { CORSRules: [other] } }));

    const run = await cli(['cors', 's3://cli-tests', '--origin', 'http://127.0.0.1:5173', '--apply'], rgwEnv());
    expect(run.code, run.stderr).toBe(0);
    // RGW answers the methods in its own order.
    const expected = {
      ID: 's3-direct-upload',
      AllowedOrigins: ['http://127.0.0.1:5173'],
      AllowedMethods: expect.arrayContaining(['PUT', 'POST', 'GET']),
      AllowedHeaders: ['*'],
      ExposeHeaders: ['ETag'],
      MaxAgeSeconds: 3600,
    };
    const { CORSRules = [] } = await s3.send(new GetBucketCorsCommand({ Bucket: BUCKET }));
    expect(CORSRules).toHaveLength(2);
    expect(CORSRules[0]).toMatchObject(expected);
    expect(CORSRules[0]?.AllowedMethods).toHaveLength(3);
    expect(CORSRules[1]).toMatchObject(other);
    // What the command printed is what the bucket has.
    expect(JSON.parse(run.stdout).CORSRules).toEqual(JSON.parse(JSON.stringify(CORSRules)));

    // A second app's origin joins the rule: the first app keeps working.
    const again = await cli(['cors', 's3://cli-tests', '--origin', 'https://app.example', '--apply'], rgwEnv());
    expect(again.code, again.stderr).toBe(0);
    const after = (await s3.send(new GetBucketCorsCommand({ Bucket: BUCKET }))).CORSRules ?? [];
    expect(after).toHaveLength(2);
    expect([...(after[0]?.AllowedOrigins ?? [])].sort()).toEqual(['http://127.0.0.1:5173', 'https://app.example']);
    expect(after[1]).toMatchObject(other);

    const replaced = await cli(['cors', 's3://cli-tests', '--origin', 'https://app.example', '--apply', '--replace'], rgwEnv());
    expect(replaced.code, replaced.stderr).toBe(0);
    const only = (await s3.send(new GetBucketCorsCommand({ Bucket: BUCKET }))).CORSRules ?? [];
    expect(only[0]?.AllowedOrigins).toEqual(['https://app.example']);
    expect(only).toHaveLength(2);
  });

  it('exits 2 for an origin with a path', async () => {
    const run = await cli(['cors', 's3://cli-tests', '--origin', 'https://app.example/upload']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not an origin');
  });
});

describe('CLI helpers (pure)', () => {
  it('parses sizes with binary and decimal units, and refuses the rest', () => {
    expect(parseBytes('16777216', '--x')).toBe(16 * MiB);
    expect(parseBytes('16MiB', '--x')).toBe(16 * MiB);
    expect(parseBytes('16m', '--x')).toBe(16 * MiB);
    expect(parseBytes('1.5GiB', '--x')).toBe(1.5 * 1024 * MiB);
    expect(parseBytes('5MB', '--x')).toBe(5_000_000);
    expect(() => parseBytes('5 parsecs', '--x')).toThrow('--x must be a whole number of bytes');
    expect(() => parseBytes('1.5', '--x')).toThrow();
  });

  it('builds the CORS rule from normalised origins and merges it in front of other rules', () => {
    expect(normalizeOrigin('HTTPS://App.Example/')).toBe('https://app.example');
    expect(normalizeOrigin('http://127.0.0.1:5173')).toBe('http://127.0.0.1:5173');
    expect(normalizeOrigin('*')).toBe('*');
    for (const bad of ['app.example', 'https://app.example/path', 'ftp://app.example', 'https://u@app.example', 'https://*.*.example']) {
      expect(() => normalizeOrigin(bad), bad).toThrow('is not an origin');
    }
    const rule = uploadCorsRule(['https://a.example', 'https://a.example/']);
    expect(rule.AllowedOrigins).toEqual(['https://a.example']);
    const other = { AllowedOrigins: ['https://b.example'], AllowedMethods: ['GET'] };
    const stale = { ...uploadCorsRule(['https://old.example']) };
    // An earlier rule of ours gives its origins to the new one (a second app does not lock out the first)…
    expect(mergeCorsRules([stale, other], rule)).toEqual([
      { ...rule, AllowedOrigins: ['https://old.example', 'https://a.example'] },
      other,
    ]);
    // …unless replaced.
    expect(mergeCorsRules([stale, other], rule, true)).toEqual([rule, other]);
    expect(() => uploadCorsConfiguration([])).toThrow();
  });

  it('redacts presigned URLs and secrets in the signing URL', () => {
    const redact = redactor('https://app.example/api/upload?token=s3cret');
    expect(redact('PUT https://b.s3.amazonaws.com/k?X-Amz-Signature=abc&X-Amz-Credential=x failed')).toBe('PUT [presigned URL] failed');
    expect(redact('The signing endpoint https://app.example/api/upload?token=s3cret refused')).toBe(
      'The signing endpoint https://app.example/api/upload refused',
    );
  });

  it('types files by extension', () => {
    expect(contentTypeFor('logs/build.LOG')).toBe('text/plain; charset=utf-8');
    expect(contentTypeFor('dist.tar.gz')).toBe('application/gzip');
    expect(contentTypeFor('Makefile')).toBe('application/octet-stream');
  });
});
