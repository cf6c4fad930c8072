import type { ChecksumAlgorithm } from '../protocol/types.js';
import { invalid, SignError } from './errors.js';

/** Decoded digest length per algorithm, bytes. */
const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { md5: 16, sha256: 32, crc32: 4 };

/** The header S3 checks the body against, per algorithm. */
export const CHECKSUM_HEADER: Record<ChecksumAlgorithm, string> = {
  md5: 'content-md5',
  sha256: 'x-amz-checksum-sha256',
  crc32: 'x-amz-checksum-crc32',
};

/** The PutObject / UploadPart input field that carries the digest, so the presigner signs it. */
export const CHECKSUM_INPUT: Record<ChecksumAlgorithm, 'ContentMD5' | 'ChecksumSHA256' | 'ChecksumCRC32'> = {
  md5: 'ContentMD5',
  sha256: 'ChecksumSHA256',
  crc32: 'ChecksumCRC32',
};

/** Checks a client digest is present and well formed (base64 of the right length). */
export function requireDigest(algorithm: ChecksumAlgorithm, digest: string | undefined, field: string): string {
  if (digest === undefined || digest === '') {
    throw new SignError(400, 'checksum_required', `This endpoint requires a ${algorithm} digest of every upload (\`${field}\`).`, field);
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(digest) || digest.length % 4 !== 0 || base64Length(digest) !== DIGEST_BYTES[algorithm]) {
    throw invalid(field, `\`${field}\` is not a base64 ${algorithm} digest.`, 'invalid_checksum');
  }
  return digest;
}

function base64Length(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}
