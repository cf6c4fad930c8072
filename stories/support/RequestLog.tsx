import { useSyncExternalStore } from 'react';
import { formatBytes } from '../../src/react/index.js';
import { type BackendEvent, backend } from './backend.js';

function line(event: BackendEvent): string {
  if (event.kind === 'sign') return `POST /api/upload ${event.operation} (${event.detail}) → ${event.status}`;
  const what = event.partNumber === null ? event.key : `${event.key} part ${event.partNumber}`;
  return `PUT ${what}, ${formatBytes(event.bytes)} → ${event.status === 'held' ? 'waiting…' : '200 + ETag'}`;
}

/** What the mocked network saw, for stories where the requests are the point (multipart). */
export function RequestLog() {
  const events = useSyncExternalStore(backend.subscribe, backend.getEvents);
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
