/**
 * The curl baseline: the same signer (this library's protocol, same plan as
 * the browser: multipart above 16 MiB, its default part size), then every PUT by one
 * `curl --parallel --parallel-max 8` — what this machine does with 8
 * connections and no browser. The same files as the browser's, split into
 * part files for multipart (curl sends whole files), before the clock starts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { choosePartSize, defaultPartSize } from '../../src/protocol/part-plan.js';
import type {
  CompletedPart,
  CreateMultipartResponse,
  FileContext,
  MultipartHandle,
  PresignPutResponse,
  SignedRequest,
  SignPartsResponse,
} from '../../src/protocol/types.js';

export interface CurlWorkload {
  count: number;
  size: number;
  name: string;
}

interface PreparedFile {
  context: FileContext;
  multipart: boolean;
  partSize: number;
  /** One path for a single PUT; one per part for multipart. */
  paths: string[];
}

export interface PreparedCurl {
  dir: string;
  files: PreparedFile[];
}

export interface CurlResult {
  ok: boolean;
  wallMs: number;
  files: number;
  bytes: number;
  completed: number;
  errors: string[];
  transfers: number;
  /** CPU time of curl itself (user + system), ms. */
  curlCpuMs: number;
  /** Time from the first signer call until curl starts, ms. */
  signingMs: number;
  /** Time curl ran, ms. */
  curlMs: number;
}

const MiB = 1024 * 1024;

/** Writes `count` files of random bytes to `dir` (what every uploader of a scenario sends); returns their paths. */
export function writeRandomFiles(dir: string, workload: CurlWorkload): string[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const buffer = Buffer.allocUnsafe(Math.min(8 * MiB, Math.max(workload.size, 1)));
  const paths: string[] = [];
  for (let index = 0; index < workload.count; index++) {
    const path = join(dir, `${workload.name}-${String(index).padStart(4, '0')}.bin`);
    const fd = openSync(path, 'w');
    for (let written = 0; written < workload.size; ) {
      const n = Math.min(buffer.length, workload.size - written);
      randomFillSync(buffer, 0, n);
      written += writeSync(fd, buffer, 0, n);
    }
    closeSync(fd);
    paths.push(path);
  }
  return paths;
}

/** curl uploads whole files only: multipart files are split into part files in `dir` (same plan as the browser). */
export function prepareCurlFiles(dir: string, sources: string[], threshold = 16 * MiB): PreparedCurl {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files: PreparedFile[] = [];
  for (const source of sources) {
    const size = statSync(source).size;
    const name = basename(source);
    const multipart = size > threshold;
    const partSize = choosePartSize(size, defaultPartSize(size));
    const paths: string[] = [];
    if (!multipart) paths.push(source);
    else {
      const input = openSync(source, 'r');
      const buffer = Buffer.allocUnsafe(partSize);
      for (let start = 0, part = 1; start < size; start += partSize, part++) {
        const length = Math.min(partSize, size - start);
        const read = readSync(input, buffer, 0, length, start);
        const path = join(dir, `${name}.part${part}`);
        writeFileSync(path, buffer.subarray(0, read));
        paths.push(path);
      }
      closeSync(input);
    }
    files.push({ context: { name, size, type: 'application/octet-stream' }, multipart, partSize, paths });
  }
  return { dir, files };
}

export function removeCurlFiles(prepared: PreparedCurl | undefined): void {
  if (prepared && existsSync(prepared.dir)) rmSync(prepared.dir, { recursive: true, force: true });
}

/** A value for a double-quoted curl config string. */
function quote(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

async function call<T>(signUrl: string, body: Record<string, unknown>): Promise<T> {
  const response = await fetch(signUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ v: 1, ...body }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`signer ${String(body.operation)}: ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

interface Transfer {
  request: SignedRequest;
  path: string;
  file: number;
  partNumber?: number;
}

/** Runs one curl upload of the prepared files; `track` receives the child so that the caller can stop it. */
export async function runCurl(
  prepared: PreparedCurl,
  options: {
    signUrl: string;
    parallel: number;
    track: (child: ChildProcess | undefined) => void;
    /** Options for every transfer, as config-file lines (`insecure`, `http1.1`: through the TLS front); `next` resets them, so each block gets them. */
    transferOptions?: string[];
    /** Open a connection per transfer at once (default); false lets curl multiplex HTTP/2 streams on one connection. */
    immediate?: boolean;
  },
): Promise<CurlResult> {
  const errors: string[] = [];
  const started = performance.now();
  const transfers: Transfer[] = [];
  const uploads = new Map<number, MultipartHandle>();

  // 1. Sign: create every multipart upload and sign its parts (≤ 100 per call); presign single PUTs in batches of 100.
  const singles = prepared.files.map((file, index) => ({ file, index })).filter(({ file }) => !file.multipart);
  const multiparts = prepared.files.map((file, index) => ({ file, index })).filter(({ file }) => file.multipart);
  const jobs: Promise<void>[] = [];
  for (let start = 0; start < singles.length; start += 100) {
    const batch = singles.slice(start, start + 100);
    jobs.push(
      call<PresignPutResponse>(options.signUrl, { operation: 'presign-put', files: batch.map(({ file }) => file.context) }).then(
        ({ results }) => {
          results.forEach((result, i) => {
            const entry = batch[i];
            if (!entry) return;
            if (!result.ok) throw new Error(`presign-put refused ${entry.file.context.name}: ${result.error.message}`);
            transfers.push({ request: result, path: entry.file.paths[0] as string, file: entry.index });
          });
        },
      ),
    );
  }
  for (const { file, index } of multiparts) {
    jobs.push(
      (async () => {
        const { upload } = await call<CreateMultipartResponse>(options.signUrl, {
          operation: 'create-multipart',
          file: file.context,
          partSize: file.partSize,
        });
        if (upload.partSize !== file.partSize) throw new Error(`the signer chose ${upload.partSize}-byte parts`);
        uploads.set(index, upload);
        const numbers = file.paths.map((_, i) => i + 1);
        const batches: Promise<void>[] = [];
        for (let start = 0; start < numbers.length; start += 100) {
          const partNumbers = numbers.slice(start, start + 100);
          batches.push(
            call<SignPartsResponse>(options.signUrl, { operation: 'sign-parts', file: file.context, upload, partNumbers }).then(
              ({ parts }) => {
                for (const part of parts) {
                  transfers.push({
                    request: part,
                    path: file.paths[part.partNumber - 1] as string,
                    file: index,
                    partNumber: part.partNumber,
                  });
                }
              },
            ),
          );
        }
        await Promise.all(batches);
      })(),
    );
  }
  await Promise.all(jobs);
  // Part order, file by file: what a sequential plan would send first goes first.
  transfers.sort((a, b) => a.file - b.file || (a.partNumber ?? 0) - (b.partNumber ?? 0));
  const signedAt = performance.now();

  // 2. One curl for every PUT, 8 connections.
  const config = transfers
    .map((transfer, id) =>
      [
        `url = "${transfer.request.url}"`,
        `upload-file = "${transfer.path}"`,
        // Quoted config values take \\ and \" escapes: Content-Disposition carries quotes (filename="…").
        ...Object.entries(transfer.request.headers).map(([name, value]) => `header = "${quote(`${name}: ${value}`)}"`),
        'header = "Expect:"',
        ...(options.transferOptions ?? []),
        'output = "/dev/null"',
        `write-out = "${id} %{http_code} %header{etag}\\n"`,
      ].join('\n'),
    )
    .join('\nnext\n');
  const configPath = join(prepared.dir, 'curl.config');
  writeFileSync(configPath, `${config}\n`);
  const { stdout, stderr, code } = await runCurlProcess(
    [
      '--silent',
      '--show-error',
      '--parallel',
      ...(options.immediate === false ? [] : ['--parallel-immediate']),
      '--parallel-max',
      String(options.parallel),
      '--config',
      configPath,
    ],
    options.track,
  );
  const curlDone = performance.now();
  if (code !== 0) errors.push(`curl exited with ${code}: ${lastLines(stderr, 3)}`);
  const etags = new Map<number, string>();
  for (const line of stdout.split('\n')) {
    const match = /^(\d+) (\d{3}) ?(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, id, status, etag] = match;
    if (status !== '200') errors.push(`PUT ${id}: HTTP ${status}`);
    else etags.set(Number(id), etag ?? '');
  }
  if (etags.size !== transfers.length) errors.push(`${transfers.length - etags.size} of ${transfers.length} PUTs did not answer 200`);

  // 3. Complete the multipart uploads.
  let completed = singles.filter(({ index }) => transfers.every((t, id) => t.file !== index || etags.has(id))).length;
  await Promise.all(
    multiparts.map(async ({ file, index }) => {
      const upload = uploads.get(index);
      if (!upload) return;
      const parts: CompletedPart[] = [];
      transfers.forEach((transfer, id) => {
        if (transfer.file === index && transfer.partNumber) parts.push({ partNumber: transfer.partNumber, etag: etags.get(id) ?? '' });
      });
      try {
        await call(options.signUrl, { operation: 'complete-multipart', file: file.context, upload, parts });
        completed++;
      } catch (error) {
        errors.push(String(error));
      }
    }),
  );
  const wallMs = performance.now() - started;
  const cpu = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(stderr.trim());
  const curlCpuMs = cpu ? (Number(cpu[1]) * 60 + Number(cpu[2]) + Number(cpu[3]) * 60 + Number(cpu[4])) * 1000 : Number.NaN;
  return {
    ok: errors.length === 0 && completed === prepared.files.length,
    wallMs,
    files: prepared.files.length,
    bytes: prepared.files.reduce((sum, file) => sum + file.context.size, 0),
    completed,
    errors: errors.slice(0, 5),
    transfers: transfers.length,
    curlCpuMs,
    signingMs: signedAt - started,
    curlMs: curlDone - signedAt,
  };
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}

/** curl under a shell whose `times` reports the CPU curl used; its own process group, so a stop reaches both. */
function runCurlProcess(
  args: string[],
  track: (child: ChildProcess | undefined) => void,
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', 'curl "$@"; rc=$?; times >&2; exit $rc', 'bench-curl', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    track(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', (error) => {
      track(undefined);
      reject(error);
    });
    child.on('close', (code) => {
      track(undefined);
      resolve({ stdout, stderr, code: code ?? -1 });
    });
  });
}
