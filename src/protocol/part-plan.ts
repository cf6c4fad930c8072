import { S3_LIMITS } from './limits.js';

export { S3_LIMITS };

export interface PartRange {
  partNumber: number;
  start: number;
  end: number;
}

/**
 * Chooses a part size: the preferred size, raised so the file fits in
 * 10,000 parts, rounded up to a whole MiB, within S3's 5 MiB–5 GiB bounds.
 */
export function choosePartSize(
  fileSize: number,
  preferred: number,
  limits: { minPartSize: number; maxPartSize: number; maxParts: number } = S3_LIMITS,
): number {
  const mib = 1024 * 1024;
  const needed = Math.ceil(fileSize / limits.maxParts);
  const size = Math.max(preferred, needed, limits.minPartSize);
  // Whole MiB where the store's minimum allows it (a test store may accept smaller parts).
  const rounded = size >= mib ? Math.ceil(size / mib) * mib : size;
  return Math.min(rounded, limits.maxPartSize);
}

/**
 * The part size used when the app sets none: 8 MiB, growing with the file
 * to keep it near 64 parts, up to 32 MiB. Every part pays a CORS preflight,
 * a signature and a request, and on HTTP/1.1 each connection idles between
 * parts; fewer, larger parts of a big file measured 10–16 % faster
 * (BENCHMARKS.md), while 32 MiB keeps a retried part cheap.
 */
export function defaultPartSize(fileSize: number): number {
  const mib = 1024 * 1024;
  return Math.min(32 * mib, Math.max(8 * mib, Math.ceil(fileSize / 64 / mib) * mib));
}

/** Number of parts a file of this size has at this part size (a 0-byte file has none). */
export function partCount(fileSize: number, partSize: number): number {
  return Math.ceil(fileSize / partSize);
}

/** The byte range of each part, in order. */
export function planParts(fileSize: number, partSize: number): PartRange[] {
  const parts: PartRange[] = [];
  for (let start = 0, partNumber = 1; start < fileSize; start += partSize, partNumber++) {
    parts.push({ partNumber, start, end: Math.min(start + partSize, fileSize) });
  }
  return parts;
}
