/**
 * Issue #6's benchmark: browser → S3 with this library's `createUploader`,
 * with plain Uppy 6 (@uppy/core + @uppy/aws-s3 6.3.1 at their defaults), and
 * with curl on 8 connections, against a real Ceph RGW on this machine behind
 * the recording (and optionally shaping) proxy of the e2e tests.
 *
 *   npm run bench                         # loopback, 3 runs each: 1 × 1 GiB, 8 × 64 MiB, 300 × 32 KiB
 *   npm run bench -- --rtt 40 --bw 8      # 40 ms RTT, 8 MiB/s per connection (S3 and signer)
 *   npm run bench -- --quick              # smoke run: 256 MiB, 4 × 64 MiB, 100 × 32 KiB, 1 run
 *
 * Options: --runs N · --quick · --rtt MS · --bw MiB/s · --scenarios large,medium,small ·
 * --uploaders ours,ours2,uppy,curl (default; also ours-base, ours-h2, component, curl-tls, curl-h2) · --base BRANCH (ours-base: its merge base) · --large-mib N · --ours '{"maxConcurrentRequests":8}' (createUploader options) ·
 * --uppy '{"limit":6}' (AwsS3 options) · --curl-parallel N · --signer-rtt MS (default: --rtt) · --chromium-arg FLAG · --no-proxy (presign for RGW itself: no proxy cost, no S3 counts) ·
 * --perf (system-wide `perf record` of each first run, report next to the results) ·
 * --cpu-profile (CDP JS profile of the page in each first run; pages built unminified) ·
 * --source disk|page (browser files: random files in /dev/shm picked through <input type=file>, default; or Blobs made in the page) · --no-warmup · --write-md · --label TEXT · --verbose
 *
 * Writes bench/results/<timestamp>-<profile>.json (gitignored) and prints Markdown tables;
 * --write-md puts them into BENCHMARKS.md between this profile's markers.
 * Everything started here (RGW daemons, Chromium, curl, servers) is stopped by PID on exit, error or signal.
 */
import { type ChildProcess, execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, PutBucketCorsCommand } from '@aws-sdk/client-s3';
import react from '@vitejs/plugin-react';
import { build } from 'vite';
import { choosePartSize, defaultPartSize } from '../src/protocol/part-plan.js';
import { createSignHandler } from '../src/server/index.js';
import { CHROMIUM_PATH } from '../test/support/chromium.js';
import { type H2Front, s3ClientThroughFront, startH2Front } from '../test/support/h2-front.js';
import { startRgw } from '../test/support/rgw.js';
import { testS3Client } from '../test/support/s3-client.js';
import { maxConcurrent, type S3Proxy, type S3RequestRecord, startS3Proxy } from '../test/support/s3-proxy.js';
import {
  type ChromiumHandle,
  chromiumPids,
  jsHeapUsed,
  launchChromium,
  type MemorySamples,
  openBenchPage,
  sampleMemory,
  settleMemory,
} from './lib/browser.js';
import { type PreparedCurl, prepareCurlFiles, removeCurlFiles, runCurl, writeRandomFiles } from './lib/curl.js';
import { startJsProfile } from './lib/js-profile.js';
import { perfAvailable, startPerf } from './lib/perf.js';
import { descendants, loadAverage, machineCpu, machineInfo, readRss, readStat } from './lib/proc.js';
import {
  type BenchResults,
  type BrowserUploader,
  type CurlUploader,
  markdown,
  type Profile,
  type RunRecord,
  type ScenarioDef,
  UPLOADERS,
  type UploaderName,
  updateBenchmarksMd,
} from './lib/report.js';
import { type BenchServer, startBenchServer } from './lib/servers.js';
import { createUppySigner } from './lib/uppy-signer.js';
import type { PageResult } from './pages/shared.js';

const MiB = 1024 * 1024;
const KiB = 1024;
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const BUCKET = 'bench-uploads';

interface Options {
  runs: number;
  quick: boolean;
  rttMs: number;
  bwMiBps: number;
  scenarios: Array<ScenarioDef['id']>;
  uploaders: UploaderName[];
  largeMiB?: number;
  ours: Record<string, unknown>;
  uppy: Record<string, unknown>;
  curlParallel: number;
  warmup: boolean;
  writeMd: boolean;
  label?: string;
  verbose: boolean;
  /** Presign for RGW itself, bypassing the recording proxy (loopback only; no S3 request counts). */
  noProxy: boolean;
  /** Record a system-wide `perf` profile of the first run of each uploader and scenario. */
  perf: boolean;
  /** Record a CDP JS CPU profile of the page in the first run of each browser uploader and scenario (pages built unminified). */
  cpuProfile: boolean;
  /** Where the browser's files come from: files on disk through <input type=file> (default), or Blobs made in the page. */
  source: 'disk' | 'page';
  /** Re-render the tables of an earlier results file instead of running. */
  from?: string;
  /** Round trip added to each signer request; default --rtt. */
  signerRttMs: number;
  /** Extra Chromium flags (experiments only, e.g. --disable-web-security to see what CORS preflights cost). */
  chromiumArgs: string[];
  chromium: string;
  /** The branch whose merge base is "today" for `ours-base`. */
  base: string;
}

function parseArgs(argv: string[]): Options {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const chromiumArgs: string[] = [];
  const takesValue = new Set([
    'runs',
    'from',
    'signer-rtt',
    'chromium-arg',
    'source',
    'rtt',
    'bw',
    'scenarios',
    'uploaders',
    'large-mib',
    'ours',
    'uppy',
    'curl-parallel',
    'label',
    'chromium',
    'base',
  ]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new Error(`bench: unexpected argument ${arg}`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (takesValue.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new Error(`bench: --${name} needs a value`);
      if (name === 'chromium-arg') chromiumArgs.push(value);
      else values.set(name, value);
    } else if (['quick', 'no-warmup', 'write-md', 'verbose', 'no-proxy', 'perf', 'cpu-profile', 'help'].includes(name)) flags.add(name);
    else throw new Error(`bench: unknown option --${name}`);
  }
  if (flags.has('help')) {
    console.log(
      'usage: npm run bench -- [--quick] [--runs N] [--rtt MS --bw MiB/s] [--scenarios large,medium,small] [--uploaders ours,ours-base,ours2,ours-h2,component,uppy,curl,curl-tls,curl-h2] [--base BRANCH] [--large-mib N] [--ours JSON] [--uppy JSON] [--curl-parallel N] [--signer-rtt MS] [--chromium-arg FLAG] [--source disk|page] [--no-proxy] [--perf] [--cpu-profile] [--no-warmup] [--write-md] [--from RESULTS.json] [--label TEXT] [--verbose]',
    );
    process.exit(0);
  }
  const number = (name: string, fallback: number) => {
    const raw = values.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`bench: --${name} must be a non-negative number`);
    return value;
  };
  const list = <T extends string>(name: string, allowed: readonly T[], fallback: readonly T[] = allowed): T[] => {
    const raw = values.get(name);
    if (raw === undefined) return [...fallback];
    const items = raw.split(',').map((item) => item.trim()) as T[];
    for (const item of items) if (!allowed.includes(item)) throw new Error(`bench: --${name}: unknown ${item}`);
    return items;
  };
  const json = (name: string) => {
    const raw = values.get(name);
    if (raw === undefined) return {};
    const parsed = JSON.parse(raw) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`bench: --${name} must be a JSON object`);
    return parsed as Record<string, unknown>;
  };
  const quick = flags.has('quick');
  const largeMiB = values.has('large-mib') ? number('large-mib', 1024) : undefined;
  return {
    runs: Math.max(1, Math.round(number('runs', quick ? 1 : 3))),
    quick,
    rttMs: number('rtt', 0),
    signerRttMs: number('signer-rtt', number('rtt', 0)),
    chromiumArgs,
    bwMiBps: number('bw', 0),
    scenarios: list('scenarios', ['large', 'medium', 'small'] as const),
    uploaders: list('uploaders', UPLOADERS, ['ours', 'ours2', 'uppy', 'curl']),
    ...(largeMiB !== undefined ? { largeMiB } : {}),
    ours: json('ours'),
    uppy: json('uppy'),
    curlParallel: Math.max(1, Math.round(number('curl-parallel', 8))),
    warmup: !flags.has('no-warmup'),
    writeMd: flags.has('write-md'),
    ...(values.has('label') ? { label: values.get('label') as string } : {}),
    verbose: flags.has('verbose'),
    noProxy: flags.has('no-proxy'),
    perf: flags.has('perf'),
    cpuProfile: flags.has('cpu-profile'),
    ...(values.has('from') ? { from: values.get('from') as string } : {}),
    source: (() => {
      const source = values.get('source') ?? 'disk';
      if (source !== 'disk' && source !== 'page') throw new Error('bench: --source is disk or page');
      return source;
    })(),
    chromium: values.get('chromium') ?? CHROMIUM_PATH,
    base: values.get('base') ?? 'main',
  };
}

function scenariosFor(options: Options): ScenarioDef[] {
  const largeMiB = options.largeMiB ?? (options.quick ? 256 : 1024);
  const largeTitle = largeMiB % 1024 === 0 ? `1 × ${largeMiB / 1024} GiB` : `1 × ${largeMiB} MiB`;
  const all: ScenarioDef[] = [
    { id: 'large', title: `${largeTitle} (multipart)`, count: 1, size: largeMiB * MiB },
    { id: 'medium', title: options.quick ? '4 × 64 MiB' : '8 × 64 MiB', count: options.quick ? 4 : 8, size: 64 * MiB },
    { id: 'small', title: options.quick ? '100 × 32 KiB' : '300 × 32 KiB', count: options.quick ? 100 : 300, size: 32 * KiB },
  ];
  return all.filter((scenario) => options.scenarios.includes(scenario.id));
}

function profileFor(options: Options): Profile {
  const shaped = options.rttMs > 0 || options.bwMiBps > 0;
  const parts = [shaped ? `shaped-${options.rttMs}ms-${options.bwMiBps}MiBps` : 'loopback'];
  if (options.quick) parts.push('quick');
  if (options.noProxy) parts.push('no-proxy');
  if (options.signerRttMs !== options.rttMs) parts.push(`signer-rtt-${options.signerRttMs}ms`);
  if (options.chromiumArgs.length > 0) parts.push('chromium-args');
  if (options.source === 'page') parts.push('page-blobs');
  if (options.label) parts.push(options.label.replace(/[^a-z0-9-]+/gi, '-'));
  const signer = options.signerRttMs === options.rttMs ? 'storage and signer' : `storage; signer ${options.signerRttMs} ms RTT`;
  let title = shaped
    ? `Shaped: ${options.rttMs} ms RTT, ${options.bwMiBps || '∞'} MiB/s per connection (${signer})`
    : 'Loopback (no shaping)';
  if (!shaped && options.signerRttMs > 0) title += `, signer ${options.signerRttMs} ms RTT`;
  if (options.noProxy) title += ', no proxy';
  if (options.chromiumArgs.length > 0) title += `, Chromium ${options.chromiumArgs.join(' ')}`;
  if (options.source === 'page') title += ', files made in the page';
  return {
    id: parts.join('-'),
    title: `${title}${options.quick ? ', quick' : ''}${options.label ? ` — ${options.label}` : ''}`,
    rttMs: options.rttMs,
    bwMiBps: options.bwMiBps,
  };
}

const log = (line: string) => console.error(`bench: ${line}`);

function which(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

function versionOf(cmd: string, args: string[]): string {
  try {
    return (
      execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
        .split('\n')[0]
        ?.trim() ?? '?'
    );
  } catch {
    return '?';
  }
}

/** Chromium, Ceph and curl from Debian, installed by scripts/install-system-deps.sh when missing. */
function ensureSystemPackages(chromiumPath: string): void {
  const missing = ['radosgw', 'radosgw-admin', 'ceph-mon', 'ceph-osd', 'ceph', 'monmaptool', 'curl'].some((bin) => !which(bin));
  if (!missing && existsSync(chromiumPath)) return;
  if (process.getuid?.() !== 0)
    throw new Error('bench: Chromium, Ceph or curl is missing; run `sudo bash scripts/install-system-deps.sh` first');
  log('installing system packages (scripts/install-system-deps.sh)');
  const result = spawnSync('bash', [join(root, 'scripts/install-system-deps.sh')], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('bench: scripts/install-system-deps.sh failed');
}

async function buildPages(outDir: string, minify: boolean, pagesDir = join(here, 'pages')): Promise<void> {
  await build({
    root: pagesDir,
    configFile: false,
    plugins: [react()],
    // Relative asset URLs: the base page is served from a subdirectory.
    base: './',
    logLevel: 'warn',
    publicDir: false,
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: false,
      minify,
      reportCompressedSize: false,
      rolldownOptions: {
        input: Object.fromEntries(
          ['ours', 'component', 'uppy']
            .map((name) => [name, join(pagesDir, `${name}.html`)])
            .filter(([, path]) => existsSync(path as string)),
        ),
      },
    },
  });
}

interface CpuSnapshot {
  renderer?: number;
  browser?: number;
  network?: number;
  gpu?: number;
  node: number;
  radosgw: number;
  osd: number;
  mon: number;
  machine: { busyMs: number; totalMs: number };
  tree: number;
}

function cpuSnapshot(pids: { renderer?: number; browser?: number; network?: number; gpu?: number }): CpuSnapshot {
  const tree = descendants(process.pid);
  const self = readStat(process.pid);
  const byComm = (comm: string) => tree.filter((p) => p.comm === comm).reduce((sum, p) => sum + p.cpuMs, 0);
  const usage = process.cpuUsage();
  const cpu = (pid: number | undefined) => (pid === undefined ? undefined : readStat(pid)?.cpuMs);
  const snapshot: CpuSnapshot = {
    node: (usage.user + usage.system) / 1000,
    radosgw: byComm('radosgw'),
    osd: byComm('ceph-osd'),
    mon: byComm('ceph-mon'),
    machine: machineCpu(),
    tree: (self ? self.cpuMs + self.childCpuMs : 0) + tree.reduce((sum, p) => sum + p.cpuMs + p.childCpuMs, 0),
  };
  for (const key of ['renderer', 'browser', 'network', 'gpu'] as const) {
    const value = cpu(pids[key]);
    if (value !== undefined) snapshot[key] = value;
  }
  return snapshot;
}

function cpuDelta(before: CpuSnapshot, after: CpuSnapshot): RunRecord['cpuMs'] {
  const diff = (key: 'renderer' | 'browser' | 'network' | 'gpu') => {
    const a = before[key];
    const b = after[key];
    return a !== undefined && b !== undefined ? { [key]: b - a } : {};
  };
  const machineBusy = after.machine.busyMs - before.machine.busyMs;
  return {
    ...diff('renderer'),
    ...diff('browser'),
    ...diff('network'),
    ...diff('gpu'),
    node: after.node - before.node,
    radosgw: after.radosgw - before.radosgw,
    osd: after.osd - before.osd,
    mon: after.mon - before.mon,
    machineBusy,
    machineTotal: after.machine.totalMs - before.machine.totalMs,
    foreign: Math.max(0, machineBusy - (after.tree - before.tree)),
  };
}

/**
 * A request that carries file bytes: a PUT (object or part), or a form POST
 * to the bucket itself (not Uppy's CreateMultipartUpload / Complete POSTs,
 * which address an object with ?uploads / ?uploadId).
 */
function carriesFile(record: S3RequestRecord): boolean {
  if (record.method === 'PUT') return true;
  return record.method === 'POST' && !('uploads' in record.query) && !('uploadId' in record.query);
}

/** The target's memory budget for the large file: parts in flight × part size (as the uploader chooses it) + 32 MiB. */
function memoryBudget(ours: Record<string, unknown>, scenarios: ScenarioDef[]): { partsInFlight: number; partSize: number } {
  const large = scenarios.find((scenario) => scenario.id === 'large');
  const size = large ? large.count * large.size : 0;
  return {
    partsInFlight: Number(ours.maxConcurrentRequests ?? 6),
    partSize: choosePartSize(size, ours.partSize === undefined ? defaultPartSize(size) : Number(ours.partSize)),
  };
}

/** What every run reports of itself: which one, whether it worked, how long, how fast. */
function outcome(
  scenario: ScenarioDef,
  uploader: UploaderName,
  run: number,
  result: { ok: boolean; errors: string[]; files: number; bytes: number; wallMs: number },
): Pick<RunRecord, 'scenario' | 'uploader' | 'run' | 'ok' | 'errors' | 'files' | 'bytes' | 'wallMs' | 'mibps' | 'filesPerSecond'> {
  return {
    scenario: scenario.id,
    uploader,
    run,
    ok: result.ok,
    errors: result.errors,
    files: result.files,
    bytes: result.bytes,
    wallMs: result.wallMs,
    mibps: result.bytes / MiB / (result.wallMs / 1000),
    filesPerSecond: result.files / (result.wallMs / 1000),
  };
}

function s3Stats(records: S3RequestRecord[]): RunRecord['s3'] {
  const byMethod: Record<string, number> = {};
  let putBytes = 0;
  let putBusyMs = 0;
  for (const record of records) {
    byMethod[record.method] = (byMethod[record.method] ?? 0) + 1;
    if (carriesFile(record)) {
      putBytes += record.requestBytes;
      putBusyMs += (record.endedAt ?? record.startedAt) - record.startedAt;
    }
  }
  return { requests: records.length, byMethod, maxPutsInFlight: maxConcurrent(records, carriesFile), putBytes, putBusyMs };
}

/** Storage requests and signer requests on one clock (both in this process), from the first of them. */
function timeline(records: S3RequestRecord[], server: BenchServer): NonNullable<RunRecord['timeline']> {
  const events: Array<[string, number, number, number, number]> = [
    ...records.map((r): [string, number, number, number, number] => [
      r.method,
      r.startedAt,
      r.endedAt ?? Number.NaN,
      r.requestBytes,
      r.status ?? 0,
    ]),
    ...server.stats().events.map(([label, start, end]): [string, number, number, number, number] => [label, start, end, 0, 0]),
  ].sort((a, b) => a[1] - b[1]);
  const t0 = events[0]?.[1] ?? 0;
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return events.map(([label, start, end, bytes, status]) => [label, round(start - t0), round(end - t0), bytes, status]);
}

function firstPut(trace: PageResult['trace']): { firstPutMs?: number } {
  // The first request carrying file bytes: a PUT, or a form POST (this library's small files).
  const starts = trace.filter(([what]) => /^xhr (PUT|POST form)/.test(what)).map(([, start]) => start);
  return starts.length > 0 ? { firstPutMs: Math.min(...starts) } : {};
}

function signerStats(server: BenchServer, uploader: UploaderName, files: number): RunRecord['signer'] {
  const stats = server.stats();
  const byOperation = uploader === 'uppy' ? stats.uppy : stats.ours;
  const requests = Object.values(byOperation).reduce((sum, n) => sum + n, 0);
  return { requests, perFile: requests / files, byOperation, handlerMs: stats.handlerMs };
}

/** Signers other than /api/upload, by uploader. */
const SIGN_URLS: Partial<Record<UploaderName, string>> = {
  ours2: '/api/upload-2',
  'ours-h2': '/api/upload-h2',
  'ours2-h2': '/api/upload-h2-2',
};

/** Uploaders that go through the HTTP/2 (TLS) front. */
const FRONTED = new Set<UploaderName>(['ours-h2', 'ours2-h2', 'curl-tls', 'curl-h2']);

function isCurl(uploader: UploaderName): uploader is CurlUploader {
  return uploader === 'curl' || uploader === 'curl-tls' || uploader === 'curl-h2';
}

/** The front's view of the run: requests in flight at most (all carry file bytes or preflights), TCP connections, protocols. */
function frontStats(front: H2Front): NonNullable<RunRecord['front']> {
  const records = front.requests();
  const protocols: Record<string, number> = {};
  for (const record of records) protocols[record.protocol] = (protocols[record.protocol] ?? 0) + 1;
  const durations = records
    .filter((record) => record.endedAt !== undefined)
    .map((record) => (record.endedAt as number) - record.startedAt)
    .sort((a, b) => a - b);
  return {
    maxInFlight: front.maxInFlight(),
    connections: new Set(records.map((record) => record.connection)).size,
    protocols,
    medianRequestMs: Math.round((durations[Math.floor(durations.length / 2)] ?? Number.NaN) * 10) / 10,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function describe(record: RunRecord): string {
  const base = `${record.scenario} ${record.uploader} #${record.run}: `;
  if (!record.ok) return `${base}FAILED ${record.errors.join('; ')}`;
  const parts = [
    `${record.mibps.toFixed(1)} MiB/s (${(record.wallMs / 1000).toFixed(2)} s)`,
    `signer ${record.signer.requests} req`,
    `S3 ${Object.entries(record.s3.byMethod)
      .map(([m, n]) => `${m} ${n}`)
      .join(' ')}`,
    `≤${record.s3.maxPutsInFlight} PUTs in flight`,
  ];
  if (record.renderer)
    parts.push(
      `renderer +${(record.renderer.rssGrowth / MiB).toFixed(1)} MiB RSS, ${((record.cpuMs.renderer ?? 0) / 1000).toFixed(1)} s CPU`,
    );
  if (record.cpuMs.curl !== undefined) parts.push(`curl ${(record.cpuMs.curl / 1000).toFixed(1)} s CPU`);
  parts.push(`RGW+OSD ${((record.cpuMs.radosgw + record.cpuMs.osd) / 1000).toFixed(1)} s CPU`);
  parts.push(`other load ${((record.cpuMs.foreign / Math.max(1, record.cpuMs.machineTotal)) * 100).toFixed(0)} %`);
  return base + parts.join(', ');
}

async function main(): Promise<void> {
  // The AWS SDK warns on every start that its 2027 releases need Node 22 (as scripts/test.sh says).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const options = parseArgs(process.argv.slice(2));
  if (options.from) {
    const earlier = JSON.parse(readFileSync(options.from, 'utf8')) as BenchResults;
    const tables = markdown(earlier, memoryBudget(earlier.options.ours as Record<string, unknown>, earlier.scenarios));
    console.log(`\n${tables}\n`);
    if (options.writeMd) {
      updateBenchmarksMd(join(root, 'BENCHMARKS.md'), earlier.profile.id, tables);
      log(`BENCHMARKS.md: updated the "${earlier.profile.id}" tables`);
    }
    return;
  }
  const profile = profileFor(options);
  const scenarios = scenariosFor(options);

  // Everything started is pushed here and stopped in reverse order, whatever happens.
  const stack: Array<{ name: string; stop: () => Promise<void> | void }> = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () => {
    stopping ??= (async () => {
      for (let entry = stack.pop(); entry; entry = stack.pop()) {
        try {
          await entry.stop();
        } catch (error) {
          log(`stopping ${entry.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return stopping;
  };
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    log(`${signal}: stopping everything this run started`);
    void stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

  try {
    ensureSystemPackages(options.chromium);
    if (options.perf && !perfAvailable()) throw new Error('bench: --perf needs linux-perf (`perf`)');
    const started = new Date();
    const stamp = started.toISOString().replace(/[:.]/g, '-');
    const resultsDir = join(here, 'results');
    mkdirSync(resultsDir, { recursive: true });
    const machine: Record<string, unknown> = {
      ...machineInfo(),
      node: process.version,
      ceph: versionOf('radosgw', ['--version'])
        .replace(/\s*\(.*$/, '')
        .replace(/^ceph version/, 'Ceph'),
      curl: versionOf('curl', ['--version']).split(' ').slice(0, 2).join(' '),
      loadAverageAtStart: loadAverage(),
    };

    const work = mkdtempSync(join(tmpdir(), 's3du-bench-'));
    stack.push({ name: 'the work directory', stop: () => rmSync(work, { recursive: true, force: true }) });
    const pagesDir = join(work, 'pages');
    log('building the pages (Vite)');
    await buildPages(pagesDir, !options.cpuProfile);
    if (options.uploaders.includes('ours-base')) {
      // "Today": the headless page and the library as they were where this branch left main, built the same way.
      const base = execFileSync('git', ['merge-base', 'HEAD', options.base], { cwd: root, encoding: 'utf8' }).trim();
      const baseDir = join(resultsDir, `.base-${stamp}`);
      mkdirSync(baseDir, { recursive: true });
      stack.push({ name: 'the base sources', stop: () => rmSync(baseDir, { recursive: true, force: true }) });
      execFileSync('sh', ['-c', `git archive ${base} src bench/pages | tar -x -C "${baseDir}"`], { cwd: root });
      rmSync(join(baseDir, 'bench/pages/uppy.html'), { force: true });
      log(`building the base page (${base.slice(0, 7)}, the merge base with ${options.base})`);
      await buildPages(join(pagesDir, 'base'), !options.cpuProfile, join(baseDir, 'bench/pages'));
      machine.base = base;
    }

    log('starting Ceph RGW');
    const rgw = await startRgw({ log: options.verbose ? log : undefined, blockSizeBytes: 64 * 1024 ** 3 });
    stack.push({ name: 'RGW', stop: () => rgw.stop() });
    const proxy = await startS3Proxy({ upstream: rgw.endpoint });
    stack.push({ name: 'the S3 proxy', stop: () => proxy.close() });
    if (options.rttMs > 0 || options.bwMiBps > 0) {
      proxy.setLatency({
        ...(options.rttMs > 0 ? { rttMs: options.rttMs } : {}),
        ...(options.bwMiBps > 0 ? { bytesPerSecondPerConnection: options.bwMiBps * MiB } : {}),
      });
    }
    if (options.noProxy && (options.rttMs > 0 || options.bwMiBps > 0)) throw new Error('bench: --no-proxy cannot shape (--rtt, --bw)');
    const storageUrl = options.noProxy ? rgw.endpoint : proxy.url;
    const credentials = { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey };
    const secret = randomBytes(32);
    const signerOptions = {
      bucket: BUCKET,
      prefix: 'bench',
      endpoint: storageUrl,
      region: rgw.region,
      forcePathStyle: true,
      credentials,
      secret,
    };
    const oursSigner = createSignHandler(signerOptions);
    // The same storage under a second host name: the browser opens 6 connections to each.
    const oursAlternate = createSignHandler({ ...signerOptions, alternateEndpoints: [storageUrl.replace('//127.0.0.1:', '//localhost:')] });
    // HTTP/2: a TLS front (test/support/h2-front.ts) before a second, unshaped recording proxy before the same RGW;
    // the front shapes, per TCP connection, as the first proxy does for HTTP/1.1.
    let front: H2Front | undefined;
    let frontProxy: S3Proxy | undefined;
    const more: Record<string, ReturnType<typeof createSignHandler>> = { '/api/upload-2': oursAlternate };
    if (options.uploaders.some((uploader) => FRONTED.has(uploader))) {
      const behind = await startS3Proxy({ upstream: rgw.endpoint });
      frontProxy = behind;
      stack.push({ name: 'the S3 proxy behind the HTTP/2 front', stop: () => behind.close() });
      const started = await startH2Front({ upstream: behind.url });
      front = started;
      stack.push({ name: 'the HTTP/2 front', stop: () => started.close() });
      if (options.rttMs > 0 || options.bwMiBps > 0) {
        started.setLatency({
          ...(options.rttMs > 0 ? { rttMs: options.rttMs } : {}),
          ...(options.bwMiBps > 0 ? { bytesPerSecondPerConnection: options.bwMiBps * MiB } : {}),
        });
      }
      // The signer says what the store speaks, as its table does for R2, Spaces and GCS; the front's Timing-Allow-Origin lets the page confirm it.
      const frontClient = s3ClientThroughFront(started, { region: rgw.region, credentials });
      stack.push({ name: 'the signer client through the front', stop: () => frontClient.destroy() });
      more['/api/upload-h2'] = createSignHandler({ ...signerOptions, client: frontClient, store: { name: 's3-compatible', http2: true } });
      // Two names of the front: Chromium opens one HTTP/2 connection to each (a throw-away certificate is never pooled across names).
      more['/api/upload-h2-2'] = createSignHandler({
        ...signerOptions,
        client: frontClient,
        store: { name: 's3-compatible', http2: true },
        alternateEndpoints: [started.url.replace('//127.0.0.1:', '//localhost:')],
      });
    }
    const proxyFor = (uploader: UploaderName): S3Proxy => (FRONTED.has(uploader) && frontProxy ? frontProxy : proxy);
    const uppyS3 = testS3Client({ ...rgw, endpoint: storageUrl });
    stack.push({ name: 'the Uppy signer client', stop: () => uppyS3.destroy() });
    const server = await startBenchServer({
      pagesDir,
      ours: oursSigner,
      more,
      uppy: createUppySigner(uppyS3, BUCKET, 'bench-uppy'),
      rttMs: options.signerRttMs,
    });
    stack.push({ name: 'the bench server', stop: () => server.close() });

    const admin = testS3Client(rgw);
    try {
      await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
      await admin.send(
        new PutBucketCorsCommand({
          Bucket: BUCKET,
          CORSConfiguration: {
            CORSRules: [
              {
                AllowedOrigins: [server.url],
                // PUT for this library; Uppy 6 in signRequest mode also POSTs (create, complete) and DELETEs (abort) from the browser.
                AllowedMethods: ['PUT', 'GET', 'POST', 'DELETE'],
                AllowedHeaders: ['*'],
                ExposeHeaders: ['ETag'],
                MaxAgeSeconds: 3600,
              },
            ],
          },
        }),
      );
    } finally {
      admin.destroy();
    }

    log('launching Chromium');
    const chromium: ChromiumHandle = await launchChromium(options.chromium, options.chromiumArgs);
    stack.push({ name: 'Chromium', stop: () => chromium.close() });
    machine.chromium = chromium.version;

    let perfChild: ChildProcess | undefined;
    stack.push({
      name: 'perf',
      stop: () => {
        if (perfChild?.pid !== undefined && perfChild.exitCode === null) process.kill(perfChild.pid, 'SIGKILL');
      },
    });
    let curlChild: ChildProcess | undefined;
    stack.push({
      name: 'curl',
      stop: () => {
        // Its own process group (bash + curl), started by us: stop it by that PID.
        if (curlChild?.pid !== undefined && curlChild.exitCode === null) process.kill(-curlChild.pid, 'SIGKILL');
      },
    });
    // The files every uploader sends: in memory (tmpfs) where there is one, so that no disk is measured.
    const dataRoot = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/s3du-bench-') : join(work, 'data');
    stack.push({ name: 'the data files', stop: () => rmSync(dataRoot, { recursive: true, force: true }) });

    const results: BenchResults = {
      version: 1,
      startedAt: started.toISOString(),
      profile,
      options: { ...options },
      machine,
      scenarios,
      runs: [],
    };

    const measureBrowser = async (
      uploader: BrowserUploader,
      scenario: ScenarioDef,
      run: number,
      sources: string[],
      onStart?: () => ReturnType<typeof startPerf>,
    ): Promise<RunRecord> => {
      const pageName =
        uploader === 'uppy' ? 'uppy' : uploader === 'component' ? 'component' : uploader === 'ours-base' ? 'base/ours' : 'ours';
      const page = await openBenchPage(chromium, `${server.url}/${pageName}.html`);
      const storage = proxyFor(uploader);
      try {
        const pids = { ...(await chromiumPids(chromium)), renderer: page.rendererPid };
        const rssBeforeFiles = readRss(page.rendererPid) ?? 0;
        let prepared: { generateMs: number; bytes: number };
        if (options.source === 'disk') {
          await page.page.setInputFiles('#files', sources);
          prepared = await page.page.evaluate(() => window.bench.useInput());
        } else {
          prepared = await page.page.evaluate((workload) => window.bench.prepare(workload), {
            count: scenario.count,
            size: scenario.size,
            name: `${scenario.id}-${uploader}-${run}`,
          });
        }
        if (prepared.bytes !== scenario.count * scenario.size)
          throw new Error(`the page has ${prepared.bytes} bytes of files, not ${scenario.count * scenario.size}`);
        await settleMemory(page.session);
        const rssBaseline = readRss(page.rendererPid) ?? 0;
        const heapBaseline = (await jsHeapUsed(page.session)) ?? 0;
        storage.reset();
        front?.reset();
        server.reset();
        const perf = onStart?.();
        const jsProfile =
          options.cpuProfile && run === 1
            ? await startJsProfile(page.session, join(resultsDir, `${stamp}-${scenario.id}-${uploader}`))
            : undefined;
        const before = cpuSnapshot(pids);
        const sampler = sampleMemory(page.session, { renderer: page.rendererPid, browser: pids.browser });
        let result: PageResult;
        let samples: MemorySamples;
        try {
          const signUrl = SIGN_URLS[uploader];
          const uploadOptions = uploader === 'uppy' ? options.uppy : { ...options.ours, ...(signUrl ? { signUrl } : {}) };
          result = await withTimeout(
            page.page.evaluate((o) => window.bench.upload(o), uploadOptions),
            120_000 + ((scenario.count * scenario.size) / (2 * MiB)) * 1000,
            `${uploader} ${scenario.title}`,
          );
        } finally {
          samples = sampler.stop();
        }
        const after = cpuSnapshot(pids);
        const profileReport = await perf?.stop();
        if (profileReport) log(`  perf profile: ${profileReport}`);
        const jsReport = await jsProfile?.stop();
        if (jsReport) log(`  JS profile: ${jsReport}`);
        const records = storage.requests();
        return {
          ...outcome(scenario, uploader, run, result),
          signer: signerStats(server, uploader, result.files),
          s3: s3Stats(records),
          ...firstPut(result.trace),
          timeline: timeline(records, server),
          renderer: {
            pid: page.rendererPid,
            rssBeforeFiles,
            rssBaseline,
            rssPeak: samples.rssPeak,
            rssGrowth: Math.max(0, samples.rssPeak - rssBaseline),
            heapBaseline,
            heapPeak: samples.heapPeak,
            heapGrowth: Math.max(0, samples.heapPeak - heapBaseline),
            generateMs: prepared.generateMs,
            browserRssPeak: samples.browserRssPeak,
            ...(scenario.id === 'large' ? { series: samples.rss.filter((_, i) => i % 5 === 0) } : {}),
          },
          page: {
            progressEvents: result.progressEvents,
            stateUpdates: result.stateUpdates,
            longTasks: result.longTasks,
            longTaskMs: result.longTaskMs,
            longestTaskMs: result.longestTaskMs,
          },
          ...(FRONTED.has(uploader) && front ? { front: frontStats(front) } : {}),
          ...(scenario.id !== 'small' ? { pageTrace: result.trace } : {}),
          cpuMs: cpuDelta(before, after),
        };
      } finally {
        await page.close();
      }
    };

    const measureCurl = async (
      uploader: CurlUploader,
      prepared: PreparedCurl,
      scenario: ScenarioDef,
      run: number,
      onStart?: () => ReturnType<typeof startPerf>,
    ): Promise<RunRecord> => {
      const storage = proxyFor(uploader);
      storage.reset();
      front?.reset();
      server.reset();
      const pids = await chromiumPids(chromium);
      const perf = onStart?.();
      const before = cpuSnapshot(pids);
      const result = await runCurl(prepared, {
        signUrl: `${server.url}/api/upload${uploader === 'curl' ? '' : '-h2'}`,
        parallel: options.curlParallel,
        // Through the TLS front: its certificate is a throw-away one. HTTP/1.1 opens a connection per transfer in
        // flight; HTTP/2 lets curl multiplex its 8 transfers as streams of one connection, as a browser does.
        ...(uploader === 'curl-tls' ? { transferOptions: ['insecure', 'http1.1'] } : {}),
        ...(uploader === 'curl-h2' ? { transferOptions: ['insecure', 'http2'], immediate: false } : {}),
        track: (child) => {
          curlChild = child;
        },
      });
      const after = cpuSnapshot(pids);
      const profileReport = await perf?.stop();
      if (profileReport) log(`  perf profile: ${profileReport}`);
      const cpuMs = cpuDelta(before, after);
      // The browser sits idle meanwhile; leave its processes out of this row.
      delete cpuMs.browser;
      delete cpuMs.network;
      delete cpuMs.gpu;
      return {
        ...outcome(scenario, uploader, run, result),
        signer: signerStats(server, uploader, result.files),
        s3: s3Stats(storage.requests()),
        firstPutMs: result.signingMs,
        timeline: timeline(storage.requests(), server),
        ...(FRONTED.has(uploader) && front ? { front: frontStats(front) } : {}),
        cpuMs: { ...cpuMs, curl: result.curlCpuMs },
        curl: { signingMs: result.signingMs, curlMs: result.curlMs, transfers: result.transfers },
      };
    };

    const measure = async (
      uploader: UploaderName,
      scenario: ScenarioDef,
      run: number,
      sources: string[],
      prepared: PreparedCurl | undefined,
    ) => {
      try {
        const profile = options.perf && run === 1 ? join(resultsDir, `${stamp}-${scenario.id}-${uploader}.perf.data`) : undefined;
        const onStart = profile ? () => startPerf(profile, (child) => (perfChild = child)) : undefined;
        const record = isCurl(uploader)
          ? await measureCurl(uploader, prepared as PreparedCurl, scenario, run, onStart)
          : await measureBrowser(uploader, scenario, run, sources, onStart);
        return record;
      } catch (error) {
        if (signalled) throw error;
        const message = error instanceof Error ? error.message : String(error);
        return {
          scenario: scenario.id,
          uploader,
          run,
          ok: false,
          errors: [message.slice(0, 500)],
          files: scenario.count,
          bytes: scenario.count * scenario.size,
          wallMs: Number.NaN,
          mibps: Number.NaN,
          filesPerSecond: Number.NaN,
          signer: { requests: 0, perFile: Number.NaN, byOperation: {}, handlerMs: 0 },
          s3: { requests: 0, byMethod: {}, maxPutsInFlight: 0, putBytes: 0, putBusyMs: 0 },
          cpuMs: { node: 0, radosgw: 0, osd: 0, mon: 0, machineBusy: 0, machineTotal: 0, foreign: 0 },
        } satisfies RunRecord;
      }
    };

    if (options.warmup) {
      log('warm-up (not recorded): 1 × 32 MiB and 20 × 32 KiB per uploader');
      for (const warm of [
        { id: 'large', title: 'warm-up 32 MiB', count: 1, size: 32 * MiB },
        { id: 'small', title: 'warm-up 20 × 32 KiB', count: 20, size: 32 * KiB },
      ] satisfies ScenarioDef[]) {
        const sources = writeRandomFiles(join(dataRoot, 'warm'), { ...warm, name: warm.id === 'large' ? 'warm-large' : 'warm-small' });
        const prepared = options.uploaders.some(isCurl) ? prepareCurlFiles(join(dataRoot, 'warm-curl'), sources) : undefined;
        for (const uploader of options.uploaders) {
          const record = await measure(uploader, warm, 0, sources, prepared);
          if (!record.ok) throw new Error(`warm-up failed: ${describe(record)}`);
          if (options.verbose) log(`  warm-up ${describe(record)}`);
        }
        removeCurlFiles(prepared);
      }
    }

    for (const scenario of scenarios) {
      log(`${scenario.title}: ${options.runs} run(s) × ${options.uploaders.join(', ')}`);
      const sources = writeRandomFiles(join(dataRoot, scenario.id), { count: scenario.count, size: scenario.size, name: scenario.id });
      const prepared = options.uploaders.some(isCurl) ? prepareCurlFiles(join(dataRoot, `${scenario.id}-curl`), sources) : undefined;
      try {
        for (let run = 1; run <= options.runs; run++) {
          for (const uploader of options.uploaders) {
            // The drop-in's cost is per file: measured on the small files only.
            if (uploader === 'component' && scenario.id !== 'small') continue;
            const record = await measure(uploader, scenario, run, sources, prepared);
            results.runs.push(record);
            log(`  ${describe(record)}`);
          }
        }
      } finally {
        removeCurlFiles(prepared);
        rmSync(join(dataRoot, scenario.id), { recursive: true, force: true });
      }
    }

    results.finishedAt = new Date().toISOString();
    machine.loadAverageAtEnd = loadAverage();
    const resultsPath = join(resultsDir, `${stamp}-${profile.id}.json`);
    writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
    const tables = markdown(results, memoryBudget(options.ours, results.scenarios));
    console.log(`\n${tables}\n`);
    log(`results: ${resultsPath}`);
    if (options.writeMd) {
      updateBenchmarksMd(join(root, 'BENCHMARKS.md'), profile.id, tables);
      log(`BENCHMARKS.md: updated the "${profile.id}" tables`);
    }
    if (results.runs.some((run) => !run.ok)) process.exitCode = 1;
  } finally {
    await stopAll();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
