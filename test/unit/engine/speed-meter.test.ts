import { describe, expect, it } from 'vitest';
import { SpeedMeter, WAITING_AFTER_MS } from '../../../src/engine/speed-meter.js';

describe('SpeedMeter', () => {
  it('smooths the speed while bytes flow', () => {
    const meter = new SpeedMeter();
    expect(meter.sample('a', 0, 0)).toEqual({});
    expect(meter.sample('a', 1_000_000, 1000).speed).toBeCloseTo(1_000_000);
    // Twice as fast for a second: the shown speed moves towards it, not to it.
    const { speed } = meter.sample('a', 3_000_000, 2000);
    expect(speed).toBeGreaterThan(1_000_000);
    expect(speed).toBeLessThan(2_000_000);
  });

  it('decays when no bytes arrive, then says the file is waiting (no speed, so no time left)', () => {
    const meter = new SpeedMeter();
    meter.sample('a', 0, 0);
    const flowing = meter.sample('a', 2_700_000, 1000).speed as number;
    const after1s = meter.sample('a', 2_700_000, 2000).speed as number;
    const after2s = meter.sample('a', 2_700_000, 3000).speed as number;
    expect(after1s).toBeLessThan(flowing);
    expect(after2s).toBeLessThan(after1s);
    expect(meter.sample('a', 2_700_000, 1000 + WAITING_AFTER_MS)).toEqual({ waiting: true });
    expect(meter.sample('a', 2_700_000, 20_000)).toEqual({ waiting: true });
    // Bytes again: no longer waiting.
    expect(meter.sample('a', 3_700_000, 21_000).waiting).toBeUndefined();
  });

  it('a file that never moved a byte is waiting after the same time', () => {
    const meter = new SpeedMeter();
    meter.sample('a', 0, 0);
    expect(meter.sample('a', 0, 1000)).toEqual({ speed: 0 });
    expect(meter.sample('a', 0, WAITING_AFTER_MS)).toEqual({ waiting: true });
  });
});
