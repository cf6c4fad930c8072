import { useSyncExternalStore } from 'react';
import { formatBytes } from '../../src/react/index.js';
import { type BackendEvent, backend } from './backend.js';

function line(event: BackendEvent): string {
  if (event.kind === 'sign') return `POST /api/upload ${event.operation} (${event.detail}) → ${event.status}`;
  const what = event.partNumber === null ? event.key : `${event.key} part ${event.partNumber}`;
  return `PUT ${what}, ${formatBytes(event.bytes)} → ${event.status === 'held' ? 'waiting…' : '200 + ETag'}`;
}

/**
 * Parts of one upload sent in parallel finish in whatever order the network
 * decides: a run of them is shown by part number, so the log (and the story's
 * reference picture) reads the same on every run.
 */
function inPartOrder(events: readonly BackendEvent[]): BackendEvent[] {
  const shown = [...events];
  const isPart = (event: BackendEvent | undefined, key: string) => event?.kind === 'put' && event.partNumber !== null && event.key === key;
  for (let start = 0; start < shown.length; ) {
    const first = shown[start] as BackendEvent;
    let end = start + 1;
    if (first.kind === 'put' && first.partNumber !== null) while (isPart(shown[end], first.key)) end++;
    const run = shown.slice(start, end) as Array<Extract<BackendEvent, { kind: 'put' }>>;
    if (run.length > 1) shown.splice(start, run.length, ...run.sort((a, b) => (a.partNumber ?? 0) - (b.partNumber ?? 0)));
    start = end;
  }
  return shown;
}

/** What the mocked network saw, for stories where the requests are the point (multipart). */
export function RequestLog() {
  const events = inPartOrder(useSyncExternalStore(backend.subscribe, backend.getEvents));
  return (
    <section className="story-log" aria-label="Requests (mocked network)">
      <h2 className="story-log__title">Requests (mocked network)</h2>
      {events.length === 0 ? (
        <p className="story-log__empty">None yet.</p>
      ) : (
        <ol>
          {events.map((event, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: an append-only log
            <li key={index}>{line(event)}</li>
          ))}
        </ol>
      )}
    </section>
  );
}
