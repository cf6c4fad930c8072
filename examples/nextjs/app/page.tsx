'use client';

import { useState } from 'react';
import { S3Uploader } from 's3-direct-upload/react';

export default function Home() {
  const [keys, setKeys] = useState<string[]>([]);
  return (
    <main style={{ maxWidth: 640, margin: '3rem auto', padding: '0 1rem', fontFamily: 'system-ui, sans-serif' }}>
      <h1>Upload to S3</h1>
      <S3Uploader
        signUrl="/api/upload"
        onComplete={(results) => {
          const stored = results.flatMap((result) => (result.status === 'complete' && result.key ? [result.key] : []));
          setKeys((previous) => [...stored, ...previous]);
        }}
      />
      {keys.length > 0 && (
        <>
          <h2>Stored</h2>
          <ul>
            {keys.map((key) => (
              <li key={key}>
                <code>{key}</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </main>
  );
}
