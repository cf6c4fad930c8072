import { openAsBlob } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpPut } from '../../../src/cli/http-put.js';

describe('httpPut (the CLI’s sender)', () => {
  let server: Server;
  let url: string;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'http-put-'));
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(200, { ETag: '"x"' }).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bucket/key`;
  });
  afterAll(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const request = () => ({ url, method: 'PUT' as const, headers: {}, expiresAt: new Date(Date.now() + 60_000).toISOString() });

  it('sends a file and returns its ETag', async () => {
    const path = join(dir, 'ok.bin');
    await writeFile(path, Buffer.alloc(1024, 1));
    const blob = (await openAsBlob(path)) as unknown as Blob;
    await expect(httpPut(request(), blob, new AbortController().signal, () => {})).resolves.toEqual({ etag: '"x"' });
  });

  it('a file changed after it was chosen is file_unreadable, not a network fault, and not worth retrying', async () => {
    const path = join(dir, 'changing.bin');
    await writeFile(path, Buffer.alloc(1024 * 1024, 1));
    const blob = (await openAsBlob(path)) as unknown as Blob;
    await writeFile(path, Buffer.alloc(10, 2));
    await expect(httpPut(request(), blob, new AbortController().signal, () => {})).rejects.toMatchObject({
      code: 'file_unreadable',
      retryable: false,
    });
  });
});
