import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createUploader, MemoryResumeStore } from '../../../src/index.js';
import { S3Uploader } from '../../../src/react/index.js';

const SIGN_URL = '/api/upload';

/** What an app written in JavaScript, or with `as any`, or reading its settings from the environment, can hand over. */
const hostile: Array<[string, Record<string, unknown>, RegExp]> = [
  ['no options', {}, /`signUrl` must be the signing endpoint’s URL/],
  ['an empty signUrl', { signUrl: '  ' }, /`signUrl`/],
  ['a signUrl that is a number', { signUrl: 3000 }, /`signUrl`/],
  ['headers as a string', { headers: 'Bearer x' }, /`headers` must be headers/],
  ['credentials misspelt', { credentials: 'includes' }, /`credentials` must be 'omit', 'same-origin' or 'include'/],
  ['partSize from Number(undefined)', { partSize: Number.NaN }, /`partSize` must be a whole number from 1 to 5368709120; got NaN/],
  ['partSize as a string', { partSize: '8MB' }, /`partSize` .*got string/],
  ['a part larger than S3 takes', { partSize: 6 * 1024 ** 3 }, /`partSize`/],
  ['a negative threshold', { multipartThreshold: -1 }, /`multipartThreshold`/],
  ['no requests at all', { maxConcurrentRequests: 0 }, /`maxConcurrentRequests`/],
  ['a fractional form size', { formPostMaxSize: 1.5 }, /`formPostMaxSize`/],
  ['expiresIn under a minute', { expiresIn: 30 }, /`expiresIn` must be a whole number from 60/],
  ['expiresIn over 7 days', { expiresIn: 604_801 }, /`expiresIn`/],
  ['a batch over the protocol maximum', { maxBatchSize: 101 }, /`maxBatchSize`/],
  ['a zero timeout', { timeoutMs: 0 }, /`timeoutMs`/],
  ['a stall timeout as a string', { stallTimeoutMs: '30s' }, /`stallTimeoutMs`/],
  ['retry as a number', { retry: 3 }, /`retry` must be an object/],
  ['a retry setting misspelt', { retry: { attempt: 3 } }, /`retry.attempt` is not a retry setting/],
  ['no attempts', { retry: { attempts: 0 } }, /`retry.attempts`/],
  ['a checksum the server never asks for', { checksum: 'sha1' }, /`checksum` must be 'md5', 'sha256' or 'crc32'/],
  ['persist as a string', { persist: 'yes' }, /`persist` must be true, false or \{ store, maxAgeMs \}/],
  ['a store without methods', { persist: { store: {} } }, /`persist.store` must be a ResumeStore/],
  ['a negative persist age', { persist: { maxAgeMs: -1 } }, /`persist.maxAgeMs`/],
  ['the old name of persist', { resume: false }, /`resume` is now `persist`/],
  ['maxFileSize from a form field', { maxFileSize: '10MB' }, /`maxFileSize` must be a whole number of 0 or more; got string/],
  ['a negative minFileSize', { minFileSize: -1 }, /`minFileSize`/],
  ['maxFiles NaN', { maxFiles: Number.NaN }, /`maxFiles` .*got NaN/],
  ['a fractional maxTotalSize', { maxTotalSize: 0.5 }, /`maxTotalSize`/],
  ['accept as a number', { accept: 7 }, /`accept` must be a string/],
  ['accept with a non-string', { accept: ['image/*', 3] }, /`accept`/],
  ['autoUpload as a string', { autoUpload: 'false' }, /`autoUpload` must be true or false/],
  ['metadata as a string', { metadata: 'team=a' }, /`metadata` must be an object of strings or a function/],
  ['a callback that is not a function', { onComplete: 'done' }, /`onComplete` must be a function/],
];

describe('options are checked when they are given', () => {
  it.each(hostile)('createUploader refuses %s with a TypeError naming the option', (_, options, message) => {
    const given = 'signUrl' in options || Object.keys(options).length === 0 ? options : { signUrl: SIGN_URL, ...options };
    expect(() => createUploader(given as never)).toThrow(TypeError);
    expect(() => createUploader(given as never)).toThrow(message);
  });

  it.each(hostile)('setOptions refuses %s and keeps the options it had', (_, options, message) => {
    const uploader = createUploader({ signUrl: SIGN_URL });
    const given = 'signUrl' in options || Object.keys(options).length === 0 ? options : { signUrl: SIGN_URL, ...options };
    expect(() => uploader.setOptions(given as never)).toThrow(message);
    // The uploader still works with the options it had: nothing was half-taken.
    expect(() => uploader.setOptions({ signUrl: SIGN_URL })).not.toThrow();
    uploader.destroy();
  });

  it('takes every valid form, limits without a limit (Infinity) included', () => {
    const valid = [
      { signUrl: SIGN_URL },
      { signUrl: async () => ({}) },
      {
        signUrl: SIGN_URL,
        headers: () => ({ authorization: 'Bearer x' }),
        credentials: 'include' as const,
        timeoutMs: 1,
        expiresIn: 60,
        maxBatchSize: 100,
        multipartThreshold: 0,
        partSize: 5 * 1024 * 1024,
        maxConcurrentRequests: 1,
        formPostMaxSize: 0,
        stallTimeoutMs: 1,
        retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0, perFile: 0 },
        checksum: 'crc32' as const,
        persist: { store: new MemoryResumeStore(), maxAgeMs: 0 },
        maxFileSize: Number.POSITIVE_INFINITY,
        minFileSize: 0,
        maxFiles: 1,
        maxTotalSize: 0,
        accept: ['image/*', '.pdf'],
        autoUpload: false,
        metadata: { team: 'a' },
        onComplete: () => {},
      },
      { signUrl: SIGN_URL, persist: false, accept: 'image/*', metadata: () => ({}) },
    ];
    for (const options of valid) createUploader(options).destroy();
  });

  it('<S3Uploader> with a wrong prop fails where it is rendered, naming the prop', () => {
    expect(() => renderToString(createElement(S3Uploader, { signUrl: SIGN_URL, maxFileSize: '10MB' as never }))).toThrow(
      /`maxFileSize` must be a whole number/,
    );
  });
});
