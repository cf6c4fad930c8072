import type { ReactNode } from 'react';
import 's3-direct-upload/style.css';

export const metadata = { title: 'Upload to S3 — s3-direct-upload with Next.js' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
