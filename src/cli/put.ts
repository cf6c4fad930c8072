import { setMaxListeners } from 'node:events';
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { DEFAULT_RETRY, type RetryOptions } from '../engine/retry.js';
import type { MultipartProgress, TransferResult } from '../engine/transfer.js';
import { TransferEngine } from '../engine/transfer-engine.js';
import { transferSettings } from '../engine/transfer-options.js';
import { SignClient } from '../protocol/client.js';
import { isCanceled, UploadError, type UploadErrorCode } from '../protocol/errors.js';
import { S3_LIMITS } from '../protocol/part-plan.js';
import { redactor } from '../protocol/redact.js';
import type { FileContext } from '../protocol/types.js';
import { parseBytes, parseCommand, parseHeader, parseHttpUrl, parseInteger, parseMetadata, UsageError } from './args.js';
import { PUT_HELP } from './help.js';
import { httpPut } from './http-put.js';
import type { CliIo } from './io.js';
import { contentTypeFor } from './mime.js';
import { createProgress, formatBytes, formatRate } from './progress.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export interface PutSettings {
  files: string[];
  signUrl: string;
  headers: Array<[string, string]>;
  multipartThreshold?: number;
  /** Absent: the browser's default, growing with the file. */
  partSize?: number;
  /** Absent: the browser's default, 6 per storage host name. */
  concurrency?: number;
  retry: RetryOptions;
  metadata?: Record<string, string>;
  json: boolean;
  quiet: boolean;
}

/** How one file ended, as --json prints it. */
export interface PutFileResult {
  file: string;
  status: 'complete' | 'error' | 'canceled';
  size: number;
  key?: string;
  etag?: string;
  seconds?: number;
  error?: { code: string; message: string; status?: number; serverCode?: string; storageCode?: string };
}

export function parsePutArgs(argv: string[], env: CliIo['env']): PutSettings | 'help' {
  const { values, positionals } = parseCommand(argv, {
    'sign-url': { type: 'string' },
    header: { type: 'string', short: 'H', multiple: true },
    'multipart-threshold': { type: 'string' },
    'part-size': { type: 'string' },
    concurrency: { type: 'string' },
    retries: { type: 'string' },
    metadata: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  if (positionals.length === 0) throw new UsageError('Name at least one file to upload.');
  const signUrl = values['sign-url'] ?? env.S3_DIRECT_UPLOAD_SIGN_URL;
  if (!signUrl) throw new UsageError('--sign-url is required (or set S3_DIRECT_UPLOAD_SIGN_URL).');
  const envHeaders = (env.S3_DIRECT_UPLOAD_HEADERS ?? '').split(/\r?\n/).filter((line) => line.trim() !== '');
  const partSize = values['part-size'] === undefined ? undefined : parseBytes(values['part-size'], '--part-size');
  if (partSize !== undefined && (partSize < S3_LIMITS.minPartSize || partSize > S3_LIMITS.maxPartSize)) {
    throw new UsageError(`--part-size must be from 5MiB to 5GiB (S3's limits); got ${formatBytes(partSize)}.`);
  }
  const metadata = parseMetadata(values.metadata ?? []);
  const url = new URL(parseHttpUrl(signUrl, '--sign-url'));
  if (url.username || url.password) {
    throw new UsageError(
      '--sign-url cannot carry a user and password (fetch refuses them); send --header "Authorization: Basic …" instead.',
    );
  }
  return {
    files: positionals,
    signUrl,
    headers: [...envHeaders, ...(values.header ?? [])].map(parseHeader),
    ...(values['multipart-threshold'] !== undefined
      ? { multipartThreshold: parseBytes(values['multipart-threshold'], '--multipart-threshold') }
      : {}),
    ...(partSize !== undefined ? { partSize } : {}),
    ...(values.concurrency !== undefined ? { concurrency: parseInteger(values.concurrency, '--concurrency', 1, 64) } : {}),
    retry: {
      ...DEFAULT_RETRY,
      attempts: 1 + parseInteger(values.retries ?? String(DEFAULT_RETRY.attempts - 1), '--retries', 0, 20),
    },
    ...(metadata ? { metadata } : {}),
    json: values.json ?? false,
    quiet: values.quiet ?? false,
  };
}

/** `s3-direct-upload put`: uploads each file through the signing endpoint with the browser's engine. */
export async function runPut(argv: string[], io: CliIo): Promise<number> {
  const parsed = parsePutArgs(argv, io.env);
  if (parsed === 'help') {
    io.stdout.write(PUT_HELP);
    return EXIT.ok;
  }
  const settings: PutSettings = parsed;
  const redact = redactor(settings.signUrl);
  const client = new SignClient({ signUrl: settings.signUrl, headers: settings.headers });
  const engine = createCliEngine(settings, client);
  // Every queued request of every file listens to one cancel signal (the engine's design); Node warns past 10.
  setMaxListeners(0);
  const controller = new AbortController();

  const sizes = await Promise.all(
    settings.files.map((path) =>
      stat(path).then(
        (info) => (info.isFile() ? info : undefined),
        () => undefined,
      ),
    ),
  );
  const mode = settings.quiet ? 'quiet' : io.stderr.isTTY ? 'tty' : 'lines';
  const progress = createProgress(
    mode,
    io.stderr,
    settings.files.map((path, index) => ({ label: path, size: sizes[index]?.size ?? 0 })),
  );

  // Ctrl-C (or a CI runner's SIGTERM): stop every transfer, abort the multipart uploads, exit 130 (143).
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      progress.close();
      process.exit(signal === 'SIGTERM' ? 143 : EXIT.interrupted);
    }
    interrupted = signal;
    progress.print(io.stderr, 'Canceling: stopping transfers and aborting multipart uploads (Ctrl-C again to quit at once)…');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const startedAt = performance.now();
  const results: PutFileResult[] = [];
  const report = (result: PutFileResult) => {
    results.push(result);
    if (settings.json) progress.print(io.stdout, redact(JSON.stringify(result)));
    else if (result.status === 'complete') {
      const seconds = result.seconds ?? 0;
      progress.print(
        io.stdout,
        `done   ${result.file} -> ${result.key} (${result.size} bytes, ${seconds.toFixed(2)} s, ${formatRate(result.size, seconds)})`,
      );
    }
    if (result.status === 'error') progress.print(io.stderr, redact(`error  ${result.file}: ${result.error?.message}`));
  };

  try {
    await Promise.all(
      settings.files.map(async (path, index) => {
        const info = sizes[index];
        if (!info) {
          report(failure(path, 0, await whyUnreadable(path)));
          return;
        }
        const type = contentTypeFor(path);
        let data: Blob;
        try {
          // File-backed: parts are read from disk as they are sent, never the whole file into memory.
          data = (await openAsBlob(path, { type })) as unknown as Blob;
        } catch (error) {
          report(failure(path, info.size, { code: 'file_unreadable', message: `Cannot read the file: ${describe(error)}` }));
          return;
        }
        const file: FileContext = {
          name: basename(path),
          size: data.size,
          type,
          lastModified: Math.round(info.mtimeMs),
          ...(settings.metadata ? { metadata: settings.metadata } : {}),
        };
        report(await transfer(path, index, data, file));
      }),
    );
  } finally {
    progress.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const uploaded = results.filter((result) => result.status === 'complete');
  const failed = results.filter((result) => result.status === 'error').length;
  const canceled = results.filter((result) => result.status === 'canceled').length;
  if (!settings.quiet) {
    const seconds = (performance.now() - startedAt) / 1000;
    const bytes = uploaded.reduce((sum, result) => sum + result.size, 0);
    const tail = [failed ? `${failed} failed` : '', canceled ? `${canceled} canceled` : ''].filter(Boolean).join(', ');
    io.stderr.write(
      `${uploaded.length} of ${results.length} file${results.length === 1 ? '' : 's'} uploaded (${formatBytes(bytes)} in ${seconds.toFixed(1)} s, ${formatRate(bytes, seconds)})${tail ? `; ${tail}` : ''}.\n`,
    );
  }
  if (interrupted) return interrupted === 'SIGTERM' ? 143 : EXIT.interrupted;
  return failed > 0 || canceled > 0 ? EXIT.failed : EXIT.ok;

  async function transfer(path: string, index: number, data: Blob, file: FileContext): Promise<PutFileResult> {
    const started = performance.now();
    const multipart: { current?: MultipartProgress } = {};
    let reported = 0;
    progress.start(index);
    let result: TransferResult;
    try {
      result = await engine.run({
        data,
        file,
        priority: index,
        signal: controller.signal,
        multipart,
        onProgress: (bytes) => {
          reported = bytes;
          progress.update(index, bytes);
        },
      });
    } catch (error) {
      progress.end(index, reported);
      // No resume across runs: parts left behind would only be billed.
      const upload = multipart.current?.upload;
      if (upload) {
        await engine
          .abort(file, upload)
          .catch((abortError: unknown) =>
            progress.print(
              io.stderr,
              redact(
                `warning: could not abort the multipart upload of ${path} (key ${upload.key}, upload id ${upload.uploadId}): ${describe(abortError)}`,
              ),
            ),
          );
      }
      if (isCanceled(error)) return { file: path, status: 'canceled', size: data.size };
      return failure(path, data.size, error instanceof UploadError ? error : { code: 'internal_error', message: describe(error) });
    }
    progress.end(index, data.size);
    return {
      file: path,
      status: 'complete',
      size: data.size,
      key: result.key,
      ...(result.etag ? { etag: result.etag } : {}),
      seconds: Math.round(performance.now() - started) / 1000,
    };
  }
}

/**
 * The browser's transfer engine with the browser's defaults (transfer-options.ts),
 * from the command line's settings. Two differences, both because a terminal is
 * not a browser: no form POSTs (they exist to spare a browser its CORS
 * preflight), and no resume across runs (an interrupted run aborts its uploads).
 */
export function createCliEngine(settings: PutSettings, client: SignClient): TransferEngine {
  return new TransferEngine(
    transferSettings(
      {
        signUrl: settings.signUrl,
        ...(settings.multipartThreshold !== undefined ? { multipartThreshold: settings.multipartThreshold } : {}),
        ...(settings.partSize !== undefined ? { partSize: settings.partSize } : {}),
        ...(settings.concurrency !== undefined ? { maxConcurrentRequests: settings.concurrency } : {}),
        formPostMaxSize: 0,
        retry: settings.retry,
        persist: false,
      },
      client,
    ),
    httpPut,
  );
}

/** Why a file failed: the engine's UploadError, or a local problem before any transfer. */
type Failure = UploadError | { code: Extract<UploadErrorCode, 'file_unreadable' | 'internal_error'>; message: string };

function failure(path: string, size: number, error: Failure): PutFileResult {
  const details =
    error instanceof UploadError
      ? {
          ...(error.status !== undefined ? { status: error.status } : {}),
          ...(error.serverCode ? { serverCode: error.serverCode } : {}),
          ...(error.storageCode ? { storageCode: error.storageCode } : {}),
        }
      : {};
  return { file: path, status: 'error', size, error: { code: error.code, message: error.message, ...details } };
}

async function whyUnreadable(path: string): Promise<Failure> {
  const message = await stat(path).then(
    (info) => (info.isDirectory() ? 'It is a directory; name the files in it (a shell glob: dir/*).' : 'It is not a regular file.'),
    (error: unknown) => `Cannot read the file: ${describe(error)}`,
  );
  return { code: 'file_unreadable', message };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
