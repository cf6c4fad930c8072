import type { SignClient } from '../protocol/client.js';
import { planParts } from '../protocol/part-plan.js';
import type { FileContext, MultipartHandle } from '../protocol/types.js';
import type { MultipartEntry } from './file-task.js';
import { fingerprint } from './fingerprint.js';
import type { ResumeStore } from './resume-store.js';
import type { MultipartProgress } from './transfer.js';

/**
 * The multipart upload a previous page left open for this same file (same
 * fingerprint), with the parts already stored whose size is right; undefined
 * when there is none (an expired or mismatched record is deleted, an expired
 * upload aborted).
 */
export async function findStoredParts(
  store: ResumeStore,
  client: SignClient,
  key: string,
  size: number,
  maxAgeMs: number,
  abort: (file: FileContext, upload: MultipartHandle) => Promise<void>,
): Promise<{ file: FileContext; current: MultipartProgress } | undefined> {
  const record = await store.get(key);
  if (!record) return undefined;
  const expired = Date.now() - record.createdAt > maxAgeMs;
  if (expired || record.file.size !== size) {
    await store.delete(record.fingerprint);
    if (expired) void abort(record.file, record.upload);
    return undefined;
  }
  const { parts } = await client.send({ operation: 'list-parts', file: record.file, upload: record.upload });
  const plan = new Map(planParts(size, record.upload.partSize).map((part) => [part.partNumber, part.end - part.start]));
  const etags = new Map(parts.filter((part) => plan.get(part.partNumber) === part.size).map((part) => [part.partNumber, part.etag]));
  return { file: record.file, current: { upload: record.upload, etags } };
}

/** Fingerprints the file (once) and, when a stored upload of it is found, continues it in `entry`. */
export async function restoreEntry(
  entry: MultipartEntry,
  data: Blob,
  name: string,
  store: ResumeStore,
  client: SignClient,
  maxAgeMs: number,
  abort: (file: FileContext, upload: MultipartHandle) => Promise<void>,
): Promise<void> {
  entry.fingerprint ??= await fingerprint(data, name);
  const found = await findStoredParts(store, client, entry.fingerprint, data.size, maxAgeMs, abort);
  if (!found) return;
  entry.file = found.file;
  entry.current = found.current;
}
