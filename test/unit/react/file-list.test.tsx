import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { UploadFile } from '../../../src/engine/uploader.js';
import { FileItem, FileList } from '../../../src/react/parts.js';

const noop = () => {};
const fileView = (index: number, status: UploadFile['status'] = 'queued', bytesUploaded = 0): UploadFile => ({
  id: `f${index}`,
  name: `file-${index + 1}.txt`,
  size: 100,
  type: 'text/plain',
  data: new Blob(['x']),
  status,
  bytesUploaded,
  progress: bytesUploaded / 100,
});
const list = (files: readonly UploadFile[]) => (
  <FileList files={files}>{(file) => <FileItem key={file.id} file={file} onCancel={noop} onRetry={noop} onRemove={noop} />}</FileList>
);

/** A fake layout: rows 50 px apart, a scroller 200 px high that scrolls; every read is counted. */
function fakeLayout() {
  const reads = { count: 0 };
  const scroll = { top: 0 };
  const stubs: Array<[object, string, PropertyDescriptor | undefined]> = [];
  const stub = (target: object, name: string, get: (this: HTMLElement) => number) => {
    stubs.push([target, name, Object.getOwnPropertyDescriptor(target, name)]);
    Object.defineProperty(target, name, {
      configurable: true,
      get(this: HTMLElement) {
        reads.count++;
        return get.call(this);
      },
    });
  };
  const row = { pitch: 50 };
  stub(HTMLElement.prototype, 'offsetTop', function () {
    return Number(this.getAttribute('aria-posinset') ?? 1) * row.pitch;
  });
  stub(Element.prototype, 'clientHeight', () => 200);
  stub(Element.prototype, 'scrollHeight', () => 5000);
  stub(Element.prototype, 'scrollTop', () => scroll.top);
  // What the list writes: the test's scroll position follows.
  Object.defineProperty(Element.prototype, 'scrollTop', {
    ...Object.getOwnPropertyDescriptor(Element.prototype, 'scrollTop'),
    set(value: number) {
      scroll.top = Math.min(value, 5000 - 200);
    },
  });
  const restore = () => {
    for (const [target, name, descriptor] of stubs.reverse()) {
      if (descriptor) Object.defineProperty(target, name, descriptor);
      else delete (target as Record<string, unknown>)[name];
    }
  };
  return { reads, scroll, row, restore };
}

/** A ResizeObserver the test triggers by hand (jsdom has none). */
function fakeResizeObserver() {
  const observers: Array<{ callback: ResizeObserverCallback; targets: Element[] }> = [];
  class FakeResizeObserver {
    readonly entry: { callback: ResizeObserverCallback; targets: Element[] };
    constructor(callback: ResizeObserverCallback) {
      this.entry = { callback, targets: [] };
      observers.push(this.entry);
    }
    observe(target: Element) {
      this.entry.targets.push(target);
    }
    unobserve() {}
    disconnect() {
      observers.splice(observers.indexOf(this.entry), 1);
    }
  }
  vi.stubGlobal('ResizeObserver', FakeResizeObserver);
  const resize = () =>
    act(() => {
      for (const { callback } of [...observers]) callback([], {} as ResizeObserver);
    });
  return { observers, resize };
}

describe('FileList', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads no layout when a render changes no size; measures when the observer says a size changed', async () => {
    const layout = fakeLayout();
    try {
      const { observers, resize } = fakeResizeObserver();
      const files = Array.from({ length: 100 }, (_, index) => fileView(index));
      const { rerender, container } = render(list(files));
      // The scroller and the list are observed.
      expect(observers.flatMap((observer) => observer.targets)).toEqual([
        container.querySelector('.s3u-files'),
        container.querySelector('.s3u-list'),
      ]);
      // Before the observer reports, the first 24 rows.
      expect(screen.getAllByRole('listitem')).toHaveLength(24);
      await resize();
      // 200 px at 50 px a row, and 4 beyond: only the rows in view, each saying where it stands.
      const rows = screen.getAllByRole('listitem');
      expect(rows).toHaveLength(8);
      expect(rows[0]?.getAttribute('aria-posinset')).toBe('1');
      expect(rows[7]?.getAttribute('aria-setsize')).toBe('100');

      // Progress on every file, ten renders: not one layout read.
      layout.reads.count = 0;
      for (let step = 1; step <= 10; step++) {
        rerender(list(files.map((_, index) => fileView(index, 'uploading', step))));
      }
      expect(layout.reads.count).toBe(0);
      expect(within(rows[0] as HTMLElement).getByText('Uploading')).toBeTruthy();

      // Scrolled to 1000 px: rows 21 to 24 in view, 4 beyond each edge.
      layout.scroll.top = 1000;
      fireEvent.scroll(container.querySelector('.s3u-files') as HTMLElement);
      const scrolled = screen.getAllByRole('listitem');
      expect(scrolled.map((row) => row.getAttribute('aria-posinset'))).toEqual(
        Array.from({ length: 12 }, (_, index) => String(17 + index)),
      );
    } finally {
      layout.restore();
    }
  }, 20_000);

  it('keeps its place when the rows change height (zoom, forced colours): the row at the top, or the end', async () => {
    const layout = fakeLayout();
    try {
      const { resize } = fakeResizeObserver();
      const { container } = render(list(Array.from({ length: 100 }, (_, index) => fileView(index))));
      const scroller = container.querySelector('.s3u-files') as HTMLElement;
      await resize();
      // Row 21 at the top (1000 px at 50 px a row); the rows grow to 60 px: it stays at the top.
      layout.scroll.top = 1000;
      fireEvent.scroll(scroller);
      layout.row.pitch = 60;
      await resize();
      expect(layout.scroll.top).toBe(1200);
      // At the end, the rows shrink back: still at the end.
      layout.scroll.top = 4800;
      fireEvent.scroll(scroller);
      layout.row.pitch = 50;
      await resize();
      expect(layout.scroll.top).toBe(4800);
      expect(screen.getAllByRole('listitem').at(-1)?.getAttribute('aria-posinset')).toBe('100');
    } finally {
      layout.restore();
    }
  });

  it('renders the first rows, unmeasured, where there is no ResizeObserver (jsdom, old browsers)', () => {
    vi.stubGlobal('ResizeObserver', undefined);
    render(list(Array.from({ length: 100 }, (_, index) => fileView(index))));
    expect(screen.getAllByRole('listitem')).toHaveLength(24);
  });

  it('renders a short list whole', () => {
    fakeResizeObserver();
    render(list(Array.from({ length: 10 }, (_, index) => fileView(index))));
    expect(screen.getAllByRole('listitem')).toHaveLength(10);
  });
});
