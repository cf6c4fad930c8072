import { useEffect, useState } from 'react';

type Kind = 'image' | 'video' | 'audio' | 'pdf' | 'archive' | 'text' | 'file';

function kindOf(type: string, name: string): Kind {
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  if (type === 'application/pdf' || name.toLowerCase().endsWith('.pdf')) return 'pdf';
  if (/zip|tar|gzip|7z|rar|compressed/.test(type) || /\.(zip|tar|gz|tgz|7z|rar)$/i.test(name)) return 'archive';
  if (type.startsWith('text/') || /json|xml|csv/.test(type)) return 'text';
  return 'file';
}

const GLYPHS: Record<Kind, string> = {
  image: 'M4 5h16v14H4zM4 15l4-4 4 4 3-3 5 5',
  video: 'M4 6h11v12H4zM15 10l5-3v10l-5-3',
  audio: 'M9 17a2 2 0 1 1-2-2h2V5l9-2v12a2 2 0 1 1-2-2h2',
  pdf: 'M6 3h8l4 4v14H6zM14 3v4h4M9 13h6M9 17h6',
  archive: 'M5 4h14v16H5zM12 4v2m0 2v2m0 2v2m-1 2h2v3h-2z',
  text: 'M6 3h8l4 4v14H6zM14 3v4h4M9 12h6M9 15h6M9 18h4',
  file: 'M6 3h8l4 4v14H6zM14 3v4h4',
};

/**
 * A thumbnail for images (an object URL, revoked when the row goes or the
 * file changes) and an icon by type for everything else. Decorative: the
 * file's name is next to it.
 */
export function FilePreview({ data, type, name }: { data: Blob; type: string; name: string }) {
  const kind = kindOf(type, name);
  const [url, setUrl] = useState<string>();
  const [broken, setBroken] = useState(false);
  useEffect(() => {
    // Large images would be decoded in full for a 40 px thumbnail: show the icon instead.
    if (kind !== 'image' || data.size > 20 * 1024 * 1024 || typeof URL.createObjectURL !== 'function') return;
    const objectUrl = URL.createObjectURL(data);
    setUrl(objectUrl);
    return () => {
      URL.revokeObjectURL(objectUrl);
      setUrl(undefined);
    };
  }, [data, kind]);
  // An image the browser cannot decode gets the icon, not a broken-image glyph.
  if (url && !broken) return <img className="s3u-preview" src={url} alt="" decoding="async" onError={() => setBroken(true)} />;
  return (
    <svg className="s3u-preview s3u-preview--icon" data-kind={kind} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={GLYPHS[kind]} />
    </svg>
  );
}
