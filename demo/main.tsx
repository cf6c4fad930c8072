import { StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { formatBytes, S3Uploader } from '../src/react/index.js';
import '../src/styles/style.css';
import './demo.css';

/** True when the demo runs on its embedded s3rver (vite.config.ts). */
declare const __DEMO_FAKE_S3__: boolean;

interface StoredObject {
  key: string;
  size: number;
  lastModified: string;
  url: string;
}

function BucketListing({ refresh }: { refresh: number }) {
  const [state, setState] = useState<{ storage?: string; objects: StoredObject[]; error?: string }>({ objects: [] });
  useEffect(() => {
    void refresh;
    fetch('/api/objects')
      .then((response) => response.json())
      .then((body) => setState(body.error ? { objects: [], error: body.error.message } : body))
      .catch((error: unknown) => setState({ objects: [], error: String(error) }));
  }, [refresh]);
  return (
    <section className="demo-objects" aria-labelledby="objects-heading">
      <h2 id="objects-heading">In the bucket</h2>
      {state.storage && <p className="demo-muted">Storage: {state.storage}</p>}
      {state.error && <p role="alert">Could not list the bucket: {state.error}</p>}
      {state.objects.length === 0 && !state.error ? (
        <p className="demo-muted">Nothing uploaded yet.</p>
      ) : (
        <ul>
          {state.objects.map((object) => (
            <li key={object.key}>
              <a href={object.url}>{object.key.split('/').pop()}</a>
              <span className="demo-muted">
                {' '}
                {formatBytes(object.size)} · <code>{object.key}</code>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Demo() {
  const [refresh, setRefresh] = useState(0);
  const onComplete = useCallback(() => setRefresh((count) => count + 1), []);
  return (
    <main className="demo">
      <h1>s3-direct-upload</h1>
      <p className="demo-muted">
        Files go from this page straight into the bucket with presigned URLs. Large files are sent as multipart uploads with parts in
        parallel.
      </p>
      <S3Uploader signUrl="/api/upload" onComplete={onComplete} {...(__DEMO_FAKE_S3__ ? { multipartThreshold: 5 * 1024 ** 3 } : {})} />
      <BucketListing refresh={refresh} />
    </main>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <Demo />
  </StrictMode>,
);
