import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeDigest } from '../../../src/engine/digest.js';

describe('computeDigest (in place, as where no Worker exists)', () => {
  it('matches known digests of "hello"', async () => {
    const hello = new Blob(['hello']);
    expect(await computeDigest('md5', hello)).toBe('XUFAKrxLKna5cZ2REBfFkg==');
    expect(await computeDigest('sha256', hello)).toBe('LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=');
    expect(await computeDigest('crc32', hello)).toBe('NhCmhg==');
  });

  it.each([0, 1, 55, 56, 63, 64, 65, 1_000_003])('matches node:crypto MD5 and SHA-256 for %i random bytes', async (size) => {
    const bytes = randomBytes(size);
    const blob = new Blob([bytes]);
    expect(await computeDigest('md5', blob)).toBe(createHash('md5').update(bytes).digest('base64'));
    expect(await computeDigest('sha256', blob)).toBe(createHash('sha256').update(bytes).digest('base64'));
  });
});
