import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../../src/cli/progress.js';

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

describe('CLI progress, plain lines (CI logs)', () => {
  it('prints every 10 % mark once, also those a fast file passes between two updates', () => {
    const { stream, text } = sink();
    const progress = createProgress('lines', stream, [{ label: 'big.bin', size: 1000 }]);
    progress.start(0);
    progress.update(0, 120);
    progress.update(0, 130);
    // Updates come at most every 100 ms: 12 % → 57 % → 100 % (done, no line for 100 %).
    progress.update(0, 570);
    progress.update(0, 1000);
    progress.end(0, 1000);
    const marks = [...text().matchAll(/big\.bin (\d+)%/g)].map((match) => Number(match[1]));
    expect(marks).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
  });
});
