/**
 * A new user's app on the packed package (issue #11): test/fixtures/consumer is Vite's react-ts template with the
 * README's Quickstart (`<S3Uploader>`, the custom UI on `useS3Upload`, the Express signer, the Vite proxy).
 *
 * The package goes in as a user gets it: `npm pack` of the built dist (npm test builds first), extracted into the
 * fixture's node_modules. Everything else (react, vite, express, @uppy/core, the AWS SDK, typescript) resolves from
 * this repository's node_modules, so nothing is installed at test time. Then:
 * - `tsc` over the app with React 19 types, with React 18 types (types-react-18 and types-react-dom-18 through
 *   tsconfig `paths`), over the server, and over the app with `skipLibCheck: false` (and the lib it needs), with
 *   TypeScript 7 (the template's `typescript: ~7.0.2`, here the alias typescript-7, ~5× faster than 6); the app with
 *   React 18 types also with TypeScript 6 (this repository's, and what existing apps have): the oldest pair;
 * - the signer runs as the user would run it (`tsx server.ts`) against Ceph RGW, the bucket's CORS set by the packed
 *   CLI (`s3-direct-upload cors --apply`), the app built by `vite build` and served by `vite preview` (which
 *   forwards /api/upload to the signer with the dev server's proxy setting), and Chromium uploads through both UIs:
 *   a form POST, a single PUT and a multipart upload, checked byte for byte in the bucket.
 *   (A build rather than the dev server: the dev server's first page load waits for its dependency pre-bundling,
 *   which took over 30 s on a loaded machine.)
 *
 * CONSUMER_PACKAGE_DIR=<dir> packs another copy of the package (with its own dist/) instead of this repository.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { type Browser, chromium } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCorsWithCli, awsEnv, clientWithBucket } from '../support/app-store.js';
import { chromiumLaunchOptions } from '../support/chromium.js';
import { freePort, type RgwServer, startRgw } from '../support/rgw.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const BUCKET = 'consumer-uploads';
const repo = resolve(import.meta.dirname, '../..');
const fixture = join(repo, 'test/fixtures/consumer');
const installed = join(fixture, 'node_modules/s3-direct-upload');
/** The template's compiler, and this repository's. */
const compilers = { 'TypeScript 7': 'node_modules/typescript-7/bin/tsc', 'TypeScript 6': 'node_modules/typescript/bin/tsc' };
type Compiler = keyof typeof compilers;
/** What is typechecked, and with which compilers. */
const projects = [
  { title: 'with React 19 types (the template as created)', project: 'tsconfig.app.json', compilers: ['TypeScript 7'] },
  { title: 'with React 18 types', project: 'tsconfig.react18.json', compilers: ['TypeScript 7', 'TypeScript 6'] },
  { title: 'its Express signer', project: 'tsconfig.node.json', compilers: ['TypeScript 7'] },
  {
    title: 'with skipLibCheck: false, given lib "ESNext.Disposable" (for @uppy/core\'s Symbol.dispose)',
    project: 'tsconfig.strict.json',
    compilers: ['TypeScript 7'],
  },
] as const;
/** The package directory that is packed: this repository, or another copy of it with a build (CONSUMER_PACKAGE_DIR). */
const packageDir = process.env.CONSUMER_PACKAGE_DIR ?? repo;

interface Typecheck {
  code: number;
  output: string;
}

let tmp: string;
const typechecks = new Map<string, Promise<Typecheck>>();
let rgwStarting: Promise<RgwServer>;
let rgw: RgwServer | undefined;
let s3: S3Client | undefined;
let signer: ChildProcess | undefined;
let signerLog = '';
let appBuilt: Promise<unknown>;
let vite: PreviewServer | undefined;
let browserLaunching: Promise<Browser>;
let browser: Browser | undefined;

/**
 * Runs `tsc -p <project>` in the fixture, at most two at once (the suite may have two cores). Incremental, with its
 * state in node_modules/.cache: a first run (a fresh clone, CI) checks everything, ~25 s of CPU for the four; a rerun
 * checks what changed (errors found before are reported again).
 */
const typecheckQueue: Array<() => void> = [];
let typechecksRunning = 0;
function typecheck(compiler: Compiler, project: string): Promise<Typecheck> {
  return new Promise((resolvePromise) => {
    const start = () => {
      typechecksRunning++;
      const buildInfo = join(
        repo,
        'node_modules/.cache/consumer-fixture',
        `${compiler.replace(' ', '-')}-${project}`.replace(/\.json$/, '.tsbuildinfo'),
      );
      const args = [join(repo, compilers[compiler]), '-p', project, '--listFiles', '--incremental', '--tsBuildInfoFile', buildInfo];
      const child = spawn(process.execPath, args, { cwd: fixture, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      child.on('close', (code) => {
        typechecksRunning--;
        typecheckQueue.shift()?.();
        resolvePromise({ code: code ?? 1, output });
      });
    };
    if (typechecksRunning < 2) start();
    else typecheckQueue.push(start);
  });
}

/** The errors of a tsc run, without its --listFiles lines. */
const errors = (result: Typecheck) =>
  result.output
    .split('\n')
    .filter((line) => !line.startsWith('/'))
    .join('\n')
    .trim();

beforeAll(async () => {
  if (!existsSync(join(packageDir, 'dist/react/index.d.ts')))
    throw new Error(`No build in ${packageDir}/dist: run \`npm run build\` first (npm test does).`);
  // RGW takes ~10 s to come up, mostly waiting: start it now, while the package is packed, typechecked and built.
  rgwStarting = startRgw();
  rgwStarting.catch(() => {});
  tmp = await mkdtemp(join(tmpdir(), 'consumer-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: packageDir });
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
  await rm(join(fixture, 'node_modules'), { recursive: true, force: true });
  await mkdir(installed, { recursive: true });
  await run('tar', ['-xzf', join(tmp, filename), '-C', installed, '--strip-components=1']);
  // Two at a time, the longest first; they run on while RGW starts and the app uploads.
  const order = (run: { compiler: string; project: string }) =>
    run.project === 'tsconfig.strict.json' ? 0 : run.compiler === 'TypeScript 6' ? 1 : 2;
  const runs = projects.flatMap(({ project, compilers }) => compilers.map((compiler) => ({ compiler, project })));
  for (const { compiler, project } of runs.sort((a, b) => order(a) - order(b))) {
    typechecks.set(`${compiler} ${project}`, typecheck(compiler, project));
  }
  // The template's `npm run build` is `tsc -b && vite build`: the tsc part is above.
  appBuilt = build({
    root: fixture,
    configFile: join(fixture, 'vite.config.ts'),
    build: { outDir: join(tmp, 'dist'), emptyOutDir: true },
    logLevel: 'warn',
  });
  appBuilt.catch(() => {});
  browserLaunching = chromium.launch(chromiumLaunchOptions);
  browserLaunching.catch(() => {});
}, 60_000);

afterAll(async () => {
  await (browser ?? (await browserLaunching?.catch(() => undefined)))?.close();
  await vite?.close();
  if (signer && signer.exitCode === null) {
    const exited = new Promise((r) => signer?.once('exit', r));
    signer.kill('SIGTERM');
    await exited;
  }
  s3?.destroy();
  await (rgw ?? (await rgwStarting?.catch(() => undefined)))?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('a new Vite react-ts app on the packed package', () => {
  it('uploads through the Quickstart widget and the custom UI: form POST, single PUT and multipart, byte-identical', async () => {
    rgw = await rgwStarting;
    const [appPort, signerPort] = [await freePort(), await freePort()];
    const origin = `http://127.0.0.1:${appPort}`;

    // The signer, as a user runs it: `tsx server.ts` (it starts while the bucket is made).
    signer = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
      cwd: fixture,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...awsEnv(rgw),
        PORT: String(signerPort),
        S3_BUCKET: BUCKET,
        S3_REGION: rgw.region,
        S3_ENDPOINT: rgw.endpoint,
        UPLOAD_TOKEN_SECRET: randomBytes(32).toString('base64'),
      },
    });
    signer.stdout?.setEncoding('utf8').on('data', (chunk: string) => (signerLog += chunk));
    signer.stderr?.setEncoding('utf8').on('data', (chunk: string) => (signerLog += chunk));

    s3 = await clientWithBucket(rgw, BUCKET);
    // The bucket's CORS rule as the README sets it: the package's own command (its package.json `bin`).
    const { bin } = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    await applyCorsWithCli([join(installed, bin['s3-direct-upload'] as string)], { store: rgw, bucket: BUCKET, origin, cwd: fixture });

    await appBuilt;
    process.env.SIGNER_PORT = String(signerPort);
    try {
      vite = await preview({
        root: fixture,
        configFile: join(fixture, 'vite.config.ts'),
        build: { outDir: join(tmp, 'dist') },
        preview: { port: appPort, strictPort: true, host: '127.0.0.1' },
        logLevel: 'warn',
      });
    } finally {
      delete process.env.SIGNER_PORT;
    }
    browser = await browserLaunching;
    await listening(
      signerPort,
      () => signer,
      () => signerLog,
    );

    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(origin);
    const widget = page.getByRole('region', { name: 'Quickstart widget' });
    const custom = page.getByRole('region', { name: 'Custom UI' });
    await widget.getByRole('button', { name: /Drop files here/ }).waitFor({ timeout: 30_000 });

    // Files on disk: Chromium reads them itself (a 17 MiB buffer through the protocol took over 30 s on a loaded machine).
    const files = {
      // <S3Uploader>: up to 256 KiB goes as a form POST; above 16 MiB, multipart.
      'notes.txt': { input: widget, bytes: randomBytes(100 * 1024) },
      'video.bin': { input: widget, bytes: randomBytes(17 * MiB + 12_345) },
      // The custom UI (accept 'image/*,.pdf'): 1 MiB goes as a single PUT.
      'scan.pdf': { input: custom, bytes: randomBytes(1 * MiB) },
    };
    await mkdir(join(tmp, 'files'));
    for (const [name, { bytes }] of Object.entries(files)) await writeFile(join(tmp, 'files', name), bytes);
    await widget.locator('input[type=file]').setInputFiles([join(tmp, 'files/notes.txt'), join(tmp, 'files/video.bin')]);
    await custom.locator('input[type=file]').setInputFiles(join(tmp, 'files/scan.pdf'));

    // The Quickstart's onComplete hands saveKeys the keys of the batch; the app lists them.
    const saved = page.getByRole('list', { name: 'Saved keys' }).getByRole('listitem');
    await expect.poll(() => saved.count(), { timeout: 60_000, message: `saved keys; signer log:\n${signerLog}` }).toBe(2);
    await custom.getByText('scan.pdf: complete').waitFor({ timeout: 30_000 });
    const savedKeys = await saved.allTextContents();

    const listing = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    const keys = (listing.Contents ?? []).map((object) => object.Key as string);
    expect(keys).toHaveLength(3);
    for (const [name, file] of Object.entries(files)) {
      const key = keys.find((candidate) => candidate.endsWith(`/${name}`));
      expect(key, name).toBeDefined();
      // The widget sent the Quickstart's bearer token (users/…); the custom UI sent none (guests/…).
      expect(key, name).toMatch(file.input === widget ? /^users\/fixture-user\// : /^guests\//);
      if (file.input === widget) expect(savedKeys).toContain(key);
      const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      const stored = await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
      expect(stored.byteLength, name).toBe(file.bytes.byteLength);
      expect(sha256(stored), name).toBe(sha256(file.bytes));
    }
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? []).toEqual([]);
    expect(signerLog).toMatch(new RegExp(`stored users/fixture-user/.*/video\\.bin \\(${files['video.bin'].bytes.byteLength} bytes\\)`));
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  describe.each(projects)('typechecks $title', ({ project, compilers }) => {
    it.each(compilers)(`%s: tsc -p ${project}`, async (compiler) => {
      const result = (await typechecks.get(`${compiler} ${project}`)) as Typecheck;
      expect(errors(result)).toBe('');
      expect(result.code).toBe(0);
      expect(result.output).toContain('/test/fixtures/consumer/node_modules/s3-direct-upload/dist/');
      if (project === 'tsconfig.react18.json') {
        expect(result.output).toContain('/node_modules/types-react-18/index.d.ts');
        expect(result.output).toContain('/node_modules/types-react-dom-18/client.d.ts');
        expect(result.output).not.toContain('/node_modules/@types/react/index.d.ts');
      } else if (project !== 'tsconfig.node.json') {
        expect(result.output).toContain('/node_modules/@types/react/index.d.ts');
      }
    });
  });
});

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Resolves once something accepts connections on the port; rejects if the process exits first. */
async function listening(port: number, child: () => ChildProcess | undefined, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const process = child();
    if (process && process.exitCode !== null) throw new Error(`the signer exited with ${process.exitCode}:\n${log()}`);
    const open = await new Promise<boolean>((r) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        r(true);
      });
      socket.once('error', () => r(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the signer did not listen on ${port} within 30 s:\n${log()}`);
}
