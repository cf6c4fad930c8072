import { describe, expect, it } from 'vitest';
import { createCliEngine, type PutSettings, parsePutArgs } from '../../../src/cli/put.js';
import { requestedPartSize } from '../../../src/engine/multipart.js';
import { TransferEngine } from '../../../src/engine/transfer-engine.js';
import { transferSettings } from '../../../src/engine/transfer-options.js';
import { browserSend } from '../../../src/engine/xhr.js';
import { SignClient } from '../../../src/protocol/client.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const signUrl = 'https://app.example/api/upload';

/** How a file of `size` bytes goes up with an engine's settings: one request, or multipart in parts of this size. */
function plan(engine: TransferEngine, size: number) {
  return engine.isMultipart(size) ? { multipart: true, partSize: requestedPartSize(size, engine.settings.partSize) } : { multipart: false };
}

function cliSettings(argv: string[]): PutSettings {
  const settings = parsePutArgs(argv, {});
  if (settings === 'help') throw new Error('help asked for');
  return settings;
}

describe('one transfer engine for the browser and the CLI', () => {
  const client = new SignClient({ signUrl });
  // What the browser's uploader builds (uploader.ts) and what `s3-direct-upload put` builds, both at their defaults.
  const browser = new TransferEngine(transferSettings({ signUrl }, client), browserSend);
  const cli = createCliEngine(cliSettings(['file.bin', '--sign-url', signUrl]), client);

  it.each([1, 16 * MiB, 16 * MiB + 1, 100 * MiB, GiB, 4.5 * GiB, 80 * GiB, 5 * 1024 * GiB])(
    'plans a file of %d bytes the same way',
    (size) => {
      expect(plan(cli, size)).toEqual(plan(browser, size));
    },
  );

  it('the part size grows with the file, as the browser’s does (the CLI once kept 8 MiB parts for every size)', () => {
    expect(plan(cli, GiB)).toEqual({ multipart: true, partSize: 16 * MiB });
    expect(plan(cli, 100 * GiB)).toMatchObject({ multipart: true });
    const { partSize } = plan(cli, 100 * GiB) as { partSize: number };
    expect(Math.ceil((100 * GiB) / partSize)).toBeLessThanOrEqual(10_000);
  });

  it('the same settings: thresholds, retries, stall timeout, concurrency per host; forms only in the browser', () => {
    const { client: _cliClient, formPostMaxSize: cliForms, ...cliRest } = cli.settings;
    const { client: _browserClient, formPostMaxSize: browserForms, ...browserRest } = browser.settings;
    expect(cliRest).toEqual(browserRest);
    expect(cliForms).toBe(0);
    expect(browserForms).toBeGreaterThan(0);
  });

  it('flags given on the command line win: --part-size, --multipart-threshold, --concurrency', () => {
    const settings = cliSettings([
      'file.bin',
      '--sign-url',
      signUrl,
      '--part-size',
      '5MiB',
      '--multipart-threshold',
      '8MiB',
      '--concurrency',
      '3',
    ]);
    const engine = createCliEngine(settings, client);
    expect(plan(engine, 9 * MiB)).toEqual({ multipart: true, partSize: 5 * MiB });
    expect(engine.settings).toMatchObject({ maxConcurrentRequests: 3, concurrencyPerHost: false });
  });
});
