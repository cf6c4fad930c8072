import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { createUploader, type FileResult, type Uploader } from '../../src/index.js';
import type { StoreName } from '../../src/server/index.js';
import '../../src/styles/style.css';
import type { StoreQuirks } from '../support/store-quirks.js';
import { dropFiles, expectStoredIdentically, MiB, maxConcurrent, randomFile, renderUploader } from './browser-support.js';
import type { SeenRequest } from './commands.js';
import { E2E_SIGN_PATH } from './environment.js';

/**
 * Chromium → the proxy behaving like another store (test/support/store-quirks.ts) → Ceph RGW.
 * Each profile refuses what that store is documented to refuse; the signer, told the store, must
 * never send it anything of that, and every file must still arrive byte-identical.
 */

const SMALL_FILES = 40;
let run = 0;
let uploader: Uploader | undefined;

beforeEach(async () => {
  await commands.s3ResetRequests();
});
afterEach(async () => {
  uploader?.destroy();
  uploader = undefined;
  cleanup();
  await commands.s3SetStoreQuirks(null);
  await commands.configureSigner({});
});

/** Uploads with the headless uploader and resolves with the batch's results. */
function uploadAll(files: File[]): Promise<FileResult[]> {
  return new Promise((resolve) => {
    uploader = createUploader({
      signUrl: E2E_SIGN_PATH,
      multipartThreshold: 8 * MiB,
      partSize: 5 * MiB,
      persist: false,
      onComplete: resolve,
    });
    uploader.addFiles(files);
  });
}

async function expectAllStoredIdentically(files: File[], results: FileResult[]) {
  expect(results.filter((result) => result.status !== 'complete').map((result) => `${result.name}: ${result.error?.message}`)).toEqual([]);
  for (const file of files) {
    await expectStoredIdentically(results.find((result) => result.name === file.name) as FileResult, file);
  }
}

/** The widget at its defaults: drops the files, waits for the batch, checks every file in RGW; the store's requests and the time. */
async function uploadWithWidget(files: File[]) {
  const { batch } = renderUploader();
  const started = performance.now();
  dropFiles(files);
  const results = await batch;
  const seconds = (performance.now() - started) / 1000;
  await expectAllStoredIdentically(files, results);
  return { seconds, requests: await commands.s3Requests() };
}

/** Each refused form was sent once (its `key` field names the file), and only those on their way when the first refusal came back. */
function expectEachFormSentAtMostOnce(formPosts: SeenRequest[]) {
  const formKeys = formPosts.map((request) => request.formKey);
  expect(formKeys.every((key) => key !== undefined)).toBe(true);
  expect(new Set(formKeys).size).toBe(formKeys.length);
  expect(formPosts.length).toBeGreaterThan(0);
  expect(formPosts.length).toBeLessThanOrEqual(6);
}

const isPart = (request: SeenRequest) => request.method === 'PUT' && request.partNumber !== undefined;
/** A form POST goes to the bucket itself; the signer's multipart POSTs go to a key. */
const isFormPost = (request: SeenRequest) => request.method === 'POST' && /^\/e2e-uploads\/?$/.test(request.path);

const profiles: Array<{ name: string; article: 'a' | 'an'; quirks: StoreQuirks; store: StoreName; forms: boolean; partCap?: string }> = [
  // strictAcl: R2 is told nothing about x-amz-acl at all, so the signer must send none.
  {
    name: 'R2',
    article: 'an',
    quirks: { profile: 'r2', strictAcl: true },
    store: 'r2',
    forms: false,
    partCap: 'r2: 3 part uploads in flight per upload',
  },
  { name: 'B2', article: 'a', quirks: { profile: 'b2' }, store: 'b2', forms: false },
  { name: 'AWS', article: 'an', quirks: { profile: 'aws' }, store: 'aws', forms: true },
  { name: 'Spaces', article: 'a', quirks: { profile: 'spaces' }, store: 'spaces', forms: false },
];

describe('stores as their documentation describes them (store-quirks proxy in front of Ceph RGW)', () => {
  for (const { name, article, quirks, store, forms, partCap } of profiles) {
    it(`on ${article} ${name}-like store, with the signer told so: a single PUT, ${SMALL_FILES} small files and a multipart file with parts in parallel, byte-identical, and no request the store refuses`, async () => {
      await commands.s3SetStoreQuirks(quirks);
      await commands.configureSigner({ store });
      run++;
      const single = randomFile(`single-${name}-${run}.bin`, MiB);
      const small = Array.from({ length: SMALL_FILES }, (_, index) =>
        randomFile(`small-${name}-${run}-${index}.txt`, 2048 + index, 'text/plain'),
      );
      const big = randomFile(`big-${name}-${run}.bin`, 24 * MiB);
      const files = [single, ...small, big];
      const started = performance.now();
      const results = await uploadAll(files);
      const seconds = (performance.now() - started) / 1000;
      await expectAllStoredIdentically(files, results);

      const requests = await commands.s3Requests();
      const parts = requests.filter(isPart);
      const refused = requests.filter((request) => request.quirk && request.quirk !== partCap);
      const capped = requests.filter((request) => request.quirk === partCap).length;
      console.log(
        `[store-quirks] ${name}-like, store '${store}': ${files.length} files in ${seconds.toFixed(2)} s; ` +
          `${requests.filter(isFormPost).length} form POSTs, ` +
          `${requests.filter((request) => request.method === 'PUT' && !request.partNumber).length} PUTs, ${parts.length} part PUTs ` +
          `(max ${maxConcurrent(parts.filter((part) => !part.quirk))} in flight)${partCap ? `, ${capped} refused by the cap` : ''}`,
      );
      expect(refused.map((request) => `${request.method} ${request.path}: ${request.quirk}`)).toEqual([]);
      expect(new Set(parts.filter((part) => part.status === 200).map((part) => part.partNumber)).size).toBe(5);
      expect(maxConcurrent(parts.filter((part) => !part.quirk))).toBeGreaterThanOrEqual(2);
      // Forms only where the store has POST Object; the single file is over the form limit either way.
      const formPosts = requests.filter(isFormPost);
      expect(formPosts).toHaveLength(forms ? SMALL_FILES : 0);
    });
  }

  it('on an R2-like store the signer was not told about, the widget at its defaults uploads 300 small files and a multipart file byte-identical, and no request answered 501 is retried', async () => {
    // A generic endpoint: the signer offers form POSTs and signs x-amz-acl: private (which the R2-like profile lets pass).
    await commands.s3SetStoreQuirks({ profile: 'r2' });
    run++;
    const small = Array.from({ length: 300 }, (_, index) => randomFile(`r2-${run}-${index}.txt`, 1024 + index, 'text/plain'));
    const big = randomFile(`r2-big-${run}.bin`, 40 * MiB);
    const { seconds, requests } = await uploadWithWidget([...small, big]);
    const notImplemented = requests.filter((request) => request.status === 501);
    const formPosts = requests.filter(isFormPost);
    const puts = requests.filter((request) => request.method === 'PUT' && !request.partNumber);
    const parts = requests.filter(isPart);
    console.log(
      `[store-quirks] R2-like, signer not told: 301 files in ${seconds.toFixed(2)} s; ${formPosts.length} form POSTs ` +
        `(${(formPosts.length / small.length).toFixed(3)} per small file, ${notImplemented.length} answered 501), ${puts.length} PUTs, ` +
        `${parts.length} part PUTs (${parts.filter((part) => part.status === 429).length} answered 429 by the 3-part cap)`,
    );
    // Every 501 was a form POST, and no file's form was sent twice: a 501 is never retried. Every later file went by PUT from the start.
    expect(notImplemented.every((request) => request.quirk === 'r2: no POST Object')).toBe(true);
    expectEachFormSentAtMostOnce(formPosts);
    expect(puts.filter((request) => request.status === 200)).toHaveLength(300);
  });

  it('on an R2-like store whose CORS rule does not allow POST (its 501 reaches the page as a network error), the widget at its defaults uploads 100 small files byte-identical, each form sent at most once', async () => {
    await commands.s3SetStoreQuirks({ profile: 'r2', opaquePostRefusal: true });
    run++;
    const { seconds, requests } = await uploadWithWidget(
      Array.from({ length: 100 }, (_, index) => randomFile(`r2-opaque-${run}-${index}.txt`, 1024 + index, 'text/plain')),
    );
    const formPosts = requests.filter(isFormPost);
    console.log(
      `[store-quirks] R2-like, POST not in the CORS rule, signer not told: 100 files in ${seconds.toFixed(2)} s; ${formPosts.length} form POSTs, ` +
        `${requests.filter((request) => request.method === 'PUT').length} PUTs`,
    );
    expectEachFormSentAtMostOnce(formPosts);
  });
});
