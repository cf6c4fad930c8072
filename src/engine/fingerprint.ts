import { hex } from '../protocol/encoding.js';

const SAMPLE_BYTES = 64 * 1024;

/**
 * Identifies a file across reloads without reading all of it: name, size,
 * last-modified time, and a SHA-256 of three 64 KiB samples (start, middle,
 * end). A file edited in place changes its samples or its mtime, and is then
 * uploaded fresh.
 */
export async function fingerprint(file: Blob, name: string): Promise<string> {
  const size = file.size;
  const lastModified = file instanceof File ? file.lastModified : 0;
  const middle = Math.max(0, Math.floor(size / 2) - SAMPLE_BYTES / 2);
  const samples = new Blob([
    file.slice(0, SAMPLE_BYTES),
    file.slice(middle, middle + SAMPLE_BYTES),
    file.slice(Math.max(0, size - SAMPLE_BYTES)),
  ]);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await samples.arrayBuffer()));
  return `${name}\u0000${size}\u0000${lastModified}\u0000${hex(digest.subarray(0, 16))}`;
}
