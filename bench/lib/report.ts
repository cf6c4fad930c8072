/** Result records, medians, the Markdown tables, and the update of BENCHMARKS.md. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const UPLOADERS = ['ours', 'ours-base', 'ours2', 'ours-h2', 'ours2-h2', 'component', 'uppy', 'curl', 'curl-tls', 'curl-h2'] as const;
export type UploaderName = (typeof UPLOADERS)[number];

/** Browser uploaders driven through a bench page. */
export type BrowserUploader = Exclude<UploaderName, 'curl' | 'curl-tls' | 'curl-h2'>;
/** curl runs: plain HTTP/1.1 through the recording proxy, or through the TLS front (HTTP/1.1 or HTTP/2). */
export type CurlUploader = Extract<UploaderName, 'curl' | 'curl-tls' | 'curl-h2'>;

export const UPLOADER_TITLES: Record<UploaderName, string> = {
  ours: 's3-direct-upload (createUploader, defaults)',
  'ours-base': 's3-direct-upload before this branch (createUploader, defaults; the merge base with main, built in the same run)',
  ours2: 's3-direct-upload, signer with alternateEndpoints (2 host names; defaults)',
  'ours-h2': 's3-direct-upload over HTTP/2 (createUploader, defaults; TLS front)',
  'ours2-h2': 's3-direct-upload over HTTP/2, signer with alternateEndpoints (2 host names of the front: 2 connections)',
  component: 's3-direct-upload <S3Uploader> with style.css (defaults)',
  uppy: 'Uppy 6.3.1 (@uppy/aws-s3, defaults)',
  curl: 'curl, 8 connections',
  'curl-tls': 'curl, 8 connections, HTTP/1.1 over TLS (the same front)',
  'curl-h2': 'curl over HTTP/2, 8 streams on one connection (the same front)',
};

/** Our own rows, which get the × Uppy and × ours columns. */
const OURS: readonly UploaderName[] = ['ours', 'ours-base', 'ours2', 'ours-h2', 'ours2-h2', 'component'];

/** The uploader's name, with the options the run changed from the defaults. */
function titleOf(uploader: UploaderName, results: BenchResults): string {
  const options = results.options as { ours?: Record<string, unknown>; uppy?: Record<string, unknown>; curlParallel?: number };
  const changed = OURS.includes(uploader) ? options.ours : uploader === 'uppy' ? options.uppy : undefined;
  if (uploader === 'curl' && options.curlParallel !== undefined && options.curlParallel !== 8)
    return `curl, ${options.curlParallel} connections`;
  if (changed && Object.keys(changed).length > 0)
    return `${UPLOADER_TITLES[uploader].replace(/[,;] defaults\)$/, '')} ${JSON.stringify(changed)})`;
  return UPLOADER_TITLES[uploader];
}

export interface ScenarioDef {
  id: 'large' | 'medium' | 'small';
  title: string;
  count: number;
  size: number;
}

export interface RunRecord {
  scenario: ScenarioDef['id'];
  uploader: UploaderName;
  run: number;
  ok: boolean;
  errors: string[];
  files: number;
  bytes: number;
  wallMs: number;
  mibps: number;
  filesPerSecond: number;
  signer: { requests: number; perFile: number; byOperation: Record<string, number>; handlerMs: number };
  s3: { requests: number; byMethod: Record<string, number>; maxPutsInFlight: number; putBytes: number; putBusyMs: number };
  /** From the start to the first PUT sent (page trace; curl: the signing before curl starts). */
  firstPutMs?: number;
  renderer?: {
    pid: number;
    rssBeforeFiles: number;
    rssBaseline: number;
    rssPeak: number;
    rssGrowth: number;
    heapBaseline: number;
    heapPeak: number;
    heapGrowth: number;
    generateMs: number;
    browserRssPeak: number;
    /** Renderer RSS every 100 ms (large scenario only), [ms, bytes]. */
    series?: Array<[number, number]>;
  };
  page?: { progressEvents: number; stateUpdates: number; longTasks: number; longTaskMs: number; longestTaskMs?: number };
  /** The HTTP/2 front's view (ours-h2, curl-tls, curl-h2): requests in flight at most, TCP connections used. */
  front?: { maxInFlight: number; connections: number; protocols: Record<string, number>; medianRequestMs: number };
  cpuMs: {
    renderer?: number;
    browser?: number;
    network?: number;
    gpu?: number;
    curl?: number;
    /** This Node process: proxy, signers, static server, sampling. */
    node: number;
    radosgw: number;
    osd: number;
    mon: number;
    /** Busy CPU of the whole machine over the run (all cores). */
    machineBusy: number;
    machineTotal: number;
    /** Busy CPU of processes that are not ours (other users of the machine). */
    foreign: number;
  };
  curl?: { signingMs: number; curlMs: number; transfers: number };
  /** Storage requests as the proxy saw them and signer requests (`sign:<operation>`), large and medium scenarios: [what, start ms, end ms, request bytes, status], from the first one. */
  timeline?: Array<[string, number, number, number, number]>;
  /** The page's own fetch and XHR calls (large and medium scenarios): [what, start ms, end ms] from the upload's start. */
  pageTrace?: Array<[string, number, number]>;
}

export interface Profile {
  id: string;
  title: string;
  rttMs: number;
  bwMiBps: number;
}

export interface BenchResults {
  version: 1;
  startedAt: string;
  finishedAt?: string;
  profile: Profile;
  options: Record<string, unknown>;
  machine: Record<string, unknown>;
  scenarios: ScenarioDef[];
  runs: RunRecord[];
}

export function median(values: number[]): number {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const MiB = 1024 * 1024;
const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const mib = (bytes: number | undefined, digits = 0) => (bytes === undefined ? '–' : fmt(bytes / MiB, digits));
const secs = (ms: number | undefined, digits = 1) => (ms === undefined ? '–' : fmt(ms / 1000, digits));

export interface Summary {
  scenario: ScenarioDef['id'];
  uploader: UploaderName;
  runs: number;
  failed: number;
  mibps: number;
  mibpsRuns: number[];
  wallMs: number;
  signerPerFile: number;
  s3PerFile: Record<string, number>;
  maxPutsInFlight: number;
  avgPutsInFlight: number;
  firstPutMs?: number;
  rssGrowth?: number;
  heapGrowth?: number;
  rendererCpuMs?: number;
  networkCpuMs?: number;
  browserCpuMs?: number;
  curlCpuMs?: number;
  nodeCpuMs: number;
  storageCpuMs: number;
  foreignShare: number;
  progressEvents?: number;
  longTaskMs?: number;
  longestTaskMs?: number;
  frontMaxInFlight?: number;
  frontConnections?: number;
}

export function summarize(results: BenchResults): Summary[] {
  const out: Summary[] = [];
  for (const scenario of results.scenarios) {
    for (const uploader of UPLOADERS) {
      const all = results.runs.filter((run) => run.scenario === scenario.id && run.uploader === uploader);
      if (all.length === 0) continue;
      const runs = all.filter((run) => run.ok);
      const pick = (f: (run: RunRecord) => number | undefined) => {
        const values = runs.map(f).filter((value): value is number => value !== undefined);
        return values.length > 0 ? median(values) : undefined;
      };
      const methods = new Set(runs.flatMap((run) => Object.keys(run.s3.byMethod)));
      out.push({
        scenario: scenario.id,
        uploader,
        runs: all.length,
        failed: all.length - runs.length,
        mibps: pick((run) => run.mibps) ?? Number.NaN,
        mibpsRuns: all.map((run) => (run.ok ? run.mibps : Number.NaN)),
        wallMs: pick((run) => run.wallMs) ?? Number.NaN,
        signerPerFile: pick((run) => run.signer.perFile) ?? Number.NaN,
        s3PerFile: Object.fromEntries(
          [...methods].map((method) => [method, pick((run) => (run.s3.byMethod[method] ?? 0) / run.files) ?? 0]),
        ),
        maxPutsInFlight: pick((run) => run.s3.maxPutsInFlight) ?? Number.NaN,
        avgPutsInFlight: pick((run) => run.s3.putBusyMs / run.wallMs) ?? Number.NaN,
        firstPutMs: pick((run) => run.firstPutMs),
        rssGrowth: pick((run) => run.renderer?.rssGrowth),
        heapGrowth: pick((run) => run.renderer?.heapGrowth),
        rendererCpuMs: pick((run) => run.cpuMs.renderer),
        networkCpuMs: pick((run) => run.cpuMs.network),
        browserCpuMs: pick((run) => run.cpuMs.browser),
        curlCpuMs: pick((run) => run.cpuMs.curl),
        nodeCpuMs: pick((run) => run.cpuMs.node) ?? Number.NaN,
        storageCpuMs: pick((run) => run.cpuMs.radosgw + run.cpuMs.osd + run.cpuMs.mon) ?? Number.NaN,
        foreignShare: pick((run) => (run.cpuMs.machineTotal > 0 ? run.cpuMs.foreign / run.cpuMs.machineTotal : 0)) ?? Number.NaN,
        progressEvents: pick((run) => run.page?.progressEvents),
        longTaskMs: pick((run) => run.page?.longTaskMs),
        longestTaskMs: pick((run) => run.page?.longestTaskMs),
        frontMaxInFlight: pick((run) => run.front?.maxInFlight),
        frontConnections: pick((run) => run.front?.connections),
      });
    }
  }
  return out;
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | undefined;
}

/** The targets of issue #6 that this profile can judge. */
export function checkTargets(
  results: BenchResults,
  summaries: Summary[],
  memoryBudget: { partsInFlight: number; partSize: number },
): TargetCheck[] {
  const get = (scenario: string, uploader: UploaderName) => summaries.find((s) => s.scenario === scenario && s.uploader === uploader);
  const ratio = (scenario: string, a: UploaderName, b: UploaderName) => {
    const x = get(scenario, a);
    const y = get(scenario, b);
    return x && y ? x.mibps / y.mibps : Number.NaN;
  };
  const shaped = results.profile.rttMs > 0 || results.profile.bwMiBps > 0;
  const large = results.scenarios.find((s) => s.id === 'large');
  const small = results.scenarios.find((s) => s.id === 'small');
  const checks: TargetCheck[] = [];
  const add = (target: string, value: number, threshold: number, unit = '×') => {
    checks.push({
      target,
      measured: Number.isFinite(value) ? `${value.toFixed(2)}${unit}` : 'not measured',
      met: Number.isFinite(value) ? value >= threshold : undefined,
    });
  };
  if (large) {
    const label = `${large.title}`;
    add(`${label}: ≥ 0.9× curl${shaped ? ' (shaped)' : ' (loopback)'}`, ratio('large', 'ours', 'curl'), 0.9);
    if (get('large', 'ours2'))
      add(`${label}, 2 host names: ≥ 0.9× curl${shaped ? ' (shaped)' : ' (loopback)'}`, ratio('large', 'ours2', 'curl'), 0.9);
    if (shaped) add(`${label}: ≥ 4× Uppy 6 (shaped)`, ratio('large', 'ours', 'uppy'), 4);
    else
      checks.push({
        target: `${label}: vs Uppy 6 (no target on loopback)`,
        measured: `${fmt(ratio('large', 'ours', 'uppy'), 2)}×`,
        met: undefined,
      });
    const growth = get('large', 'ours')?.rssGrowth;
    const budget = memoryBudget.partsInFlight * memoryBudget.partSize + 32 * MiB;
    checks.push({
      target: `${label}: renderer RSS growth ≤ ${memoryBudget.partsInFlight} parts × ${mib(memoryBudget.partSize)} MiB + 32 MiB = ${mib(budget)} MiB`,
      measured: growth === undefined ? 'not measured' : `${mib(growth, 1)} MiB`,
      met: growth === undefined ? undefined : growth <= budget,
    });
  }
  if (small) {
    add(`${small.title}: ≥ 0.7× curl`, ratio('small', 'ours', 'curl'), 0.7);
    if (get('small', 'ours2')) add(`${small.title}, 2 host names: ≥ 0.7× curl`, ratio('small', 'ours2', 'curl'), 0.7);
    add(`${small.title}: ≥ 2.5× Uppy 6`, ratio('small', 'ours', 'uppy'), 2.5);
    if (get('small', 'ours2')) add(`${small.title}, 2 host names: ≥ 2.5× Uppy 6`, ratio('small', 'ours2', 'uppy'), 2.5);
  }
  // Issue #14: HTTP/2 and the component.
  if (small && get('small', 'ours-h2') && get('small', 'ours'))
    add(`${small.title}: over HTTP/2 ≥ 2× this library over HTTP/1.1`, ratio('small', 'ours-h2', 'ours'), 2);
  if (large && get('large', 'ours-h2') && get('large', 'curl'))
    add(`${large.title}: over HTTP/2 ≥ 0.95× curl with 8 connections`, ratio('large', 'ours-h2', 'curl'), 0.95);
  if (large && get('large', 'ours-h2') && get('large', 'curl-tls'))
    add(`${large.title}: over HTTP/2 ≥ 0.95× curl with 8 connections over TLS`, ratio('large', 'ours-h2', 'curl-tls'), 0.95);
  if (small && get('small', 'component') && get('small', 'ours')) {
    const component = get('small', 'component') as Summary;
    const core = get('small', 'ours') as Summary;
    const over = component.wallMs / core.wallMs - 1;
    checks.push({
      target: `${small.title}: <S3Uploader> wall time within 10 % of the headless core`,
      measured: `${over >= 0 ? '+' : ''}${fmt(over * 100, 1)} %`,
      met: Number.isFinite(over) ? over <= 0.1 : undefined,
    });
  }
  return checks;
}

export function markdown(results: BenchResults, memoryBudget: { partsInFlight: number; partSize: number }): string {
  const summaries = summarize(results);
  const lines: string[] = [];
  const o = results.options as { runs?: number };
  lines.push(`### ${results.profile.title}`);
  lines.push('');
  lines.push(
    `${results.startedAt.slice(0, 16).replace('T', ' ')} UTC · ${String(o.runs)} run(s) per uploader and scenario, alternating · medians · ` +
      `${String(results.machine.nproc)} cores (${String(results.machine.cpuModel)}), ${String(results.machine.memoryGiB)} GiB · Chromium ${String(results.machine.chromium)} · ${String(results.machine.ceph)}`,
  );
  for (const scenario of results.scenarios) {
    const rows = summaries.filter((s) => s.scenario === scenario.id);
    if (rows.length === 0) continue;
    const curl = rows.find((s) => s.uploader === 'curl');
    const uppy = rows.find((s) => s.uploader === 'uppy');
    const ours = rows.find((s) => s.uploader === 'ours');
    lines.push('');
    lines.push(`#### ${scenario.title}`);
    lines.push('');
    lines.push(
      '| uploader | MiB/s | each run | wall s | × curl | × Uppy | × ours (HTTP/1.1) | signer req / file | S3 req / file | to 1st upload request ms | uploads in flight max / avg | TCP connections (front) | renderer RSS growth MiB | renderer CPU s | renderer CPU ms / file | longest task ms | network svc CPU s | Node proxy+signer CPU s | RGW+OSD CPU s | other load |',
    );
    lines.push('|---|--:|---|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
    for (const row of rows) {
      const s3 = Object.entries(row.s3PerFile)
        .sort()
        .map(([method, n]) => `${method} ${fmt(n, n >= 10 ? 0 : 2)}`)
        .join(', ');
      const cells = [
        titleOf(row.uploader, results) + (row.failed ? ` (${row.failed} failed)` : ''),
        fmt(row.mibps),
        row.mibpsRuns.map((value) => fmt(value)).join(' / '),
        secs(row.wallMs, 2),
        curl && row.uploader !== 'curl' ? `${fmt(row.mibps / curl.mibps, 2)}` : '',
        uppy && OURS.includes(row.uploader) ? `${fmt(row.mibps / uppy.mibps, 2)}` : '',
        ours && row.uploader !== 'ours' ? `${fmt(row.mibps / ours.mibps, 2)}` : '',
        fmt(row.signerPerFile, 2),
        s3,
        row.firstPutMs === undefined ? '' : fmt(row.firstPutMs, 0),
        `${fmt(row.maxPutsInFlight, 0)} / ${fmt(row.avgPutsInFlight, 1)}`,
        row.frontConnections === undefined ? '' : fmt(row.frontConnections, 0),
        row.rssGrowth === undefined ? '' : mib(row.rssGrowth, 1),
        row.rendererCpuMs === undefined ? '' : secs(row.rendererCpuMs),
        row.rendererCpuMs === undefined ? '' : fmt(row.rendererCpuMs / (scenario.count || 1), 2),
        row.longestTaskMs === undefined ? '' : fmt(row.longestTaskMs, 0),
        row.networkCpuMs === undefined ? (row.curlCpuMs === undefined ? '' : `curl ${secs(row.curlCpuMs)}`) : secs(row.networkCpuMs),
        secs(row.nodeCpuMs),
        secs(row.storageCpuMs),
        `${fmt(row.foreignShare * 100, 0)} %`,
      ];
      lines.push(`| ${cells.join(' | ')} |`);
    }
  }
  const checks = checkTargets(results, summaries, memoryBudget);
  if (checks.length > 0) {
    lines.push('');
    lines.push('#### Targets (issues #6 and #14)');
    lines.push('');
    lines.push('| target | measured | met |');
    lines.push('|---|--:|:-:|');
    for (const check of checks)
      lines.push(`| ${check.target} | ${check.measured} | ${check.met === undefined ? '–' : check.met ? 'yes' : '**no**'} |`);
  }
  return lines.join('\n');
}

/** Replaces (or appends) this profile's block in BENCHMARKS.md, between its markers. */
export function updateBenchmarksMd(path: string, profileId: string, block: string): void {
  const start = `<!-- bench:${profileId}:start -->`;
  const end = `<!-- bench:${profileId}:end -->`;
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const replacement = `${start}\n${block}\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  let next: string;
  if (from >= 0 && to > from) next = text.slice(0, from) + replacement + text.slice(to + end.length);
  else {
    const anchor = '<!-- bench:tables -->';
    const at = text.indexOf(anchor);
    next =
      at >= 0
        ? `${text.slice(0, at + anchor.length)}\n\n${replacement}\n${text.slice(at + anchor.length)}`
        : `${text.trimEnd()}\n\n${replacement}\n`;
  }
  writeFileSync(path, next);
}
