import { cleanup, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commands, userEvent } from 'vitest/browser';
import type { FileResult } from '../../src/index.js';
import '../../src/styles/style.css';
import { dropFiles, expectStoredIdentically, MiB, maxConcurrent, randomFile, renderUploader } from './browser-support.js';

beforeEach(async () => {
  await commands.s3ResetRequests();
});
afterEach(() => cleanup());

describe('<S3Uploader> against Ceph RGW', () => {
  it('uploads a 5 MiB file with one presigned PUT, byte-identical', async () => {
    const file = randomFile('report 2026.bin', 5 * MiB);
    const { batch } = renderUploader();
    const started = performance.now();
    dropFiles([file]);
    const [result] = await batch;
    console.log(`[e2e] 5 MiB single PUT: ${((performance.now() - started) / 1000).toFixed(2)} s`);
    await expectStoredIdentically(result as FileResult, file);
    const puts = (await commands.s3Requests()).filter((request) => request.method === 'PUT');
    expect(puts).toHaveLength(1);
    expect(puts[0]?.partNumber).toBeUndefined();
    expect(await screen.findByText('Uploaded')).toBeTruthy();
  });

  it('uploads 64 MiB by multipart with at least 4 parts in flight, byte-identical, and leaves no upload open', async () => {
    const file = randomFile('video.mp4', 64 * MiB, 'video/mp4');
    const { batch } = renderUploader({ multipartThreshold: 8 * MiB, partSize: 8 * MiB });
    const started = performance.now();
    dropFiles([file]);
    const [result] = await batch;
    const seconds = (performance.now() - started) / 1000;
    await expectStoredIdentically(result as FileResult, file);
    const parts = (await commands.s3Requests()).filter((request) => request.method === 'PUT' && request.partNumber);
    expect(new Set(parts.map((part) => part.partNumber)).size).toBe(8);
    const inFlight = maxConcurrent(parts);
    console.log(`[e2e] 64 MiB multipart: ${seconds.toFixed(2)} s, ${(64 / seconds).toFixed(1)} MiB/s, max parts in flight ${inFlight}`);
    expect(inFlight).toBeGreaterThanOrEqual(4);
    expect(await commands.s3OpenMultipartUploads()).toEqual([]);
  });

  it('with a second host name of the storage (alternateEndpoints), keeps 6 part PUTs in flight per host: more than 6 in all', async () => {
    await commands.configureSigner({ alternateHost: 'localhost' });
    // A per-connection bandwidth cap keeps parts in flight long enough to count them.
    await commands.s3SetLatency({ rttMs: 20, bytesPerSecondPerConnection: 4 * MiB });
    try {
      const file = randomFile('two-hosts.bin', 60 * MiB);
      const { batch } = renderUploader({ multipartThreshold: 8 * MiB, partSize: 5 * MiB });
      dropFiles([file]);
      const [result] = await batch;
      await expectStoredIdentically(result as FileResult, file);
      const parts = (await commands.s3Requests()).filter((request) => request.method === 'PUT' && request.partNumber);
      const hosts = new Set(parts.map((part) => part.host?.split(':')[0]));
      expect(hosts).toEqual(new Set(['127.0.0.1', 'localhost']));
      const inFlight = maxConcurrent(parts);
      console.log(`[e2e] 60 MiB over two host names: max parts in flight ${inFlight}`);
      expect(inFlight).toBeGreaterThan(6);
    } finally {
      await commands.s3SetLatency(null);
      await commands.configureSigner({});
    }
  });

  it('uploads 20 files of 32 KiB at once as form POSTs without CORS preflights, each byte-identical', async () => {
    const files = Array.from({ length: 20 }, (_, index) => randomFile(`log-${index}.txt`, 32 * 1024, 'text/plain'));
    const { input, batch } = renderUploader();
    const started = performance.now();
    await userEvent.upload(input, files);
    const results = await batch;
    console.log(`[e2e] 20 × 32 KiB: ${((performance.now() - started) / 1000).toFixed(2)} s`);
    expect(results).toHaveLength(20);
    for (const file of files) {
      const result = results.find((candidate) => candidate.name === file.name) as FileResult;
      await expectStoredIdentically(result, file);
    }
    // Small files go up as form POSTs: "simple" requests, so no OPTIONS round trip before each one.
    const requests = await commands.s3Requests();
    expect(requests.filter((request) => request.method === 'POST')).toHaveLength(20);
    expect(requests.filter((request) => request.method === 'OPTIONS' || request.method === 'PUT')).toHaveLength(0);
    // The status line says it (and the live region may be saying it at the same moment).
    expect(screen.getAllByText(/20 of 20 files uploaded/).length).toBeGreaterThan(0);
  });

  it('stores awkward names under safe keys, and a 0-byte file', async () => {
    const files = [
      randomFile('../../etc/passwd', 1024),
      randomFile('naïve résumé "final" 2.pdf', 2048, 'application/pdf'),
      randomFile('empty.txt', 0, 'text/plain'),
    ];
    const { input, batch } = renderUploader();
    await userEvent.upload(input, files);
    const results = await batch;
    expect(results.map((result) => result.status)).toEqual(['complete', 'complete', 'complete']);
    for (const [index, file] of files.entries()) await expectStoredIdentically(results[index] as FileResult, file);
    expect(results[0]?.key).toMatch(/^e2e\/[0-9a-f-]{36}\/passwd$/);
    expect(results[1]?.key).toMatch(/\/naïve résumé _final_ 2\.pdf$/);
  });

  it('cancel in the middle of a multipart upload leaves no multipart upload behind', async () => {
    const file = randomFile('big.iso', 64 * MiB);
    renderUploader({ multipartThreshold: 8 * MiB, partSize: 5 * MiB });
    dropFiles([file]);
    // Wait until parts are really on their way, then cancel.
    await waitFor(
      async () => {
        const parts = (await commands.s3Requests()).filter((request) => request.partNumber && request.status === 200);
        expect(parts.length).toBeGreaterThanOrEqual(1);
      },
      { timeout: 30_000, interval: 50 },
    );
    await userEvent.click(screen.getByRole('button', { name: 'Cancel big.iso' }));
    expect(await screen.findByText('Canceled')).toBeTruthy();
    await waitFor(async () => expect(await commands.s3OpenMultipartUploads()).toEqual([]), { timeout: 15_000, interval: 200 });
    // And it stays that way: no part in flight recreated anything.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await commands.s3OpenMultipartUploads()).toEqual([]);
    // Retry starts it again and completes.
    await userEvent.click(screen.getByRole('button', { name: 'Retry big.iso' }));
    expect(await screen.findByText('Uploaded', {}, { timeout: 60_000 })).toBeTruthy();
  });
});
