import { formatBytes as formatSize, formatSpeed } from '../react/format.js';
/**
 * Progress of a `put`, on stderr: a redrawn block of bars on a terminal, plain
 * lines elsewhere (CI logs), nothing with --quiet. Lines that must stay
 * (results, errors) go through `print`, so they never tear a bar apart.
 */

export interface Writable {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressFile {
  label: string;
  size: number;
}

export type ProgressMode = 'tty' | 'lines' | 'quiet';

export interface Progress {
  /** A file starts uploading. */
  start(index: number): void;
  /** Bytes of the file stored or in flight; never less than before. */
  update(index: number, bytes: number): void;
  /** The file finished, failed or was canceled; its bar goes. */
  end(index: number, bytes: number): void;
  /** Writes a line that stays, above the bars. */
  print(stream: Writable, line: string): void;
  /** Removes the bars for good. */
  close(): void;
}

const REDRAW_MS = 100;
const MAX_BARS = 8;
const BAR_WIDTH = 16;

/**
 * Sizes and rates in the widget's convention (src/react/format.ts): decimal
 * units as their symbols say (1 MB = 1,000,000 bytes), in English, with a plain
 * space for terminals and logs.
 */
export function formatBytes(bytes: number): string {
  return plain(formatSize(bytes, 'en'));
}

/** "12.3 MB/s"; `-` when no time has passed. */
export function formatRate(bytes: number, seconds: number): string {
  return seconds > 0 ? plain(formatSpeed(bytes / seconds, 'en')) : '- MB/s';
}

const plain = (text: string) => text.replaceAll('\u00a0', ' ');

export function createProgress(mode: ProgressMode, stream: Writable, files: ProgressFile[]): Progress {
  if (mode === 'tty') return new TtyProgress(stream, files);
  if (mode === 'lines') return new LineProgress(stream, files);
  return {
    start() {},
    update() {},
    end() {},
    print: (target, line) => void target.write(`${line}\n`),
    close() {},
  };
}

interface FileState {
  bytes: number;
  startedAt?: number;
  active: boolean;
  ended: boolean;
}

/** Plain lines: start, every 10 %, nothing else (results are printed by the command). */
class LineProgress implements Progress {
  readonly #deciles: number[];

  constructor(
    private readonly stream: Writable,
    private readonly files: ProgressFile[],
  ) {
    this.#deciles = files.map(() => 0);
  }

  start(index: number): void {
    const file = this.files[index] as ProgressFile;
    this.stream.write(`start  ${file.label} (${formatBytes(file.size)})\n`);
  }

  update(index: number, bytes: number): void {
    const file = this.files[index] as ProgressFile;
    if (file.size === 0) return;
    const reached = Math.min(9, Math.floor((bytes / file.size) * 10));
    // Progress arrives at most every 100 ms: a fast file may pass several marks at once, and each gets its line.
    for (let decile = (this.#deciles[index] ?? 0) + 1; decile <= reached; decile++) {
      const at = decile === reached ? bytes : (file.size * decile) / 10;
      this.stream.write(`       ${file.label} ${decile * 10}% (${formatBytes(at)} of ${formatBytes(file.size)})\n`);
    }
    this.#deciles[index] = Math.max(this.#deciles[index] ?? 0, reached);
  }

  end(): void {}

  print(target: Writable, line: string): void {
    target.write(`${line}\n`);
  }

  close(): void {}
}

/** A block of bars at the bottom of the terminal: the files in flight and the total, redrawn at most every 100 ms. */
class TtyProgress implements Progress {
  readonly #states: FileState[];
  readonly #startedAt = Date.now();
  #drawnLines = 0;
  #lastDraw = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(
    private readonly stream: Writable,
    private readonly files: ProgressFile[],
  ) {
    this.#states = files.map(() => ({ bytes: 0, active: false, ended: false }));
  }

  start(index: number): void {
    const state = this.#states[index] as FileState;
    state.active = true;
    state.startedAt = Date.now();
    this.#schedule();
  }

  update(index: number, bytes: number): void {
    (this.#states[index] as FileState).bytes = bytes;
    this.#schedule();
  }

  end(index: number, bytes: number): void {
    const state = this.#states[index] as FileState;
    state.bytes = bytes;
    state.active = false;
    state.ended = true;
    this.#schedule();
  }

  print(target: Writable, line: string): void {
    this.#clear();
    target.write(`${line}\n`);
    if (!this.#closed) this.#draw();
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#clear();
    this.#closed = true;
  }

  #schedule(): void {
    if (this.#closed || this.#timer) return;
    const wait = REDRAW_MS - (Date.now() - this.#lastDraw);
    if (wait <= 0) {
      this.#draw();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#draw();
    }, wait);
    this.#timer.unref?.();
  }

  /** Moves back to the first line of the block and erases it and everything below. */
  #clear(): void {
    if (this.#drawnLines === 0) return;
    const up = this.#drawnLines > 1 ? `\x1b[${this.#drawnLines - 1}A` : '';
    this.stream.write(`\r${up}\x1b[J`);
    this.#drawnLines = 0;
  }

  #draw(): void {
    if (this.#closed) return;
    this.#lastDraw = Date.now();
    // A pseudo-terminal may report 0 columns.
    const width = Math.max(40, (this.stream.columns || 80) - 1);
    const lines: string[] = [];
    const active = this.#states.flatMap((state, index) => (state.active ? [index] : []));
    for (const index of active.slice(0, MAX_BARS)) {
      const file = this.files[index] as ProgressFile;
      const state = this.#states[index] as FileState;
      lines.push(this.#line(file.label, state.bytes, file.size, state.startedAt ?? this.#startedAt, width));
    }
    if (active.length > MAX_BARS) lines.push(`  … and ${active.length - MAX_BARS} more`);
    let bytes = 0;
    let size = 0;
    for (const [index, state] of this.#states.entries()) {
      bytes += state.bytes;
      size += (this.files[index] as ProgressFile).size;
    }
    const ended = this.#states.filter((state) => state.ended).length;
    lines.push(this.#line(`total ${ended}/${this.files.length}`, bytes, size, this.#startedAt, width));
    this.#clear();
    this.stream.write(lines.map((line) => [...line].slice(0, width).join('')).join('\n'));
    this.#drawnLines = lines.length;
  }

  #line(label: string, bytes: number, size: number, since: number, width: number): string {
    const fraction = size > 0 ? Math.min(1, bytes / size) : 0;
    const filled = Math.round(fraction * BAR_WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
    const seconds = (Date.now() - since) / 1000;
    const numbers = `${bar} ${`${Math.floor(fraction * 100)}%`.padStart(4)}  ${formatBytes(bytes)}/${formatBytes(size)}  ${formatRate(bytes, seconds)}`;
    const labelWidth = Math.max(10, Math.min(40, width - numbers.length - 4));
    return `  ${fitLabel(label, labelWidth).padEnd(labelWidth)}  ${numbers}`;
  }
}

/** Cuts a label to `width` characters, keeping the end of a long path (its file name). */
function fitLabel(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `…${chars.slice(chars.length - width + 1).join('')}`;
}
