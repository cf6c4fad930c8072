/**
 * Upload speed per file, smoothed (exponentially weighted over samples at
 * least 250 ms apart), so the displayed speed and time left do not jump with
 * every progress event — and honest when bytes stop: sampled without new
 * bytes, the speed decays, and after `WAITING_AFTER_MS` with none the file
 * is *waiting* (no speed, no time left) until bytes move again.
 */
export class SpeedMeter {
  readonly #samples = new Map<string, Sample>();

  /** The file's speed (bytes/s, undefined until known) and whether it is waiting, given its bytes sent so far. */
  sample(fileId: string, bytes: number, now = performance.now()): Reading {
    const previous = this.#samples.get(fileId);
    if (!previous) {
      this.#samples.set(fileId, { bytes, time: now, moved: now });
      return {};
    }
    const moved = bytes > previous.bytes ? now : previous.moved;
    if (now - moved >= WAITING_AFTER_MS) {
      this.#samples.set(fileId, { bytes, time: now, moved });
      return { waiting: true };
    }
    const elapsed = now - previous.time;
    if (elapsed < MIN_SAMPLE_MS) return previous.speed === undefined ? {} : { speed: previous.speed };
    const instant = (Math.max(0, bytes - previous.bytes) * 1000) / elapsed;
    const speed = previous.speed === undefined ? instant : SMOOTHING * instant + (1 - SMOOTHING) * previous.speed;
    this.#samples.set(fileId, { bytes, time: now, moved, speed });
    return { speed };
  }

  forget(fileId: string): void {
    this.#samples.delete(fileId);
  }
}

export interface Reading {
  /** Bytes per second, smoothed; absent until two samples, and while waiting. */
  speed?: number;
  /** No bytes have moved for `WAITING_AFTER_MS`. */
  waiting?: true;
}

interface Sample {
  bytes: number;
  time: number;
  /** When the byte count last grew. */
  moved: number;
  speed?: number;
}

/** No new bytes for this long and a file is waiting: its speed and time left are no longer shown as if it moved. */
export const WAITING_AFTER_MS = 3000;
/** How often an uploader with uploading files looks at their speed even when no progress event comes. */
export const SPEED_TICK_MS = 1000;
const MIN_SAMPLE_MS = 250;
const SMOOTHING = 0.3;
