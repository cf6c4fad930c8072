import { useEffect, useState } from 'react';

/**
 * A thumbnail for images (an object URL, revoked when the row goes or the
 * file changes) and an icon by type for everything else, which the
 * stylesheet picks from the type and the name's extension (data-type,
 * data-name). Decorative: the file's name is next to it.
 */
export function FilePreview({ data, type, name }: { data: Blob; type: string; name: string }) {
  const image = type.startsWith('image/');
  const [url, setUrl] = useState<string>();
  const [broken, setBroken] = useState(false);
  useEffect(() => {
    // Large images would be decoded in full for a 40 px thumbnail: show the icon instead.
    if (!image || data.size > 20 * 1024 * 1024 || typeof URL.createObjectURL !== 'function') return;
    const objectUrl = URL.createObjectURL(data);
    setUrl(objectUrl);
    return () => {
      URL.revokeObjectURL(objectUrl);
      setUrl(undefined);
    };
  }, [data, image]);
  // An image the browser cannot decode gets the icon, not a broken-image glyph.
  if (url && !broken) return <img className="s3u-preview" src={url} alt="" decoding="async" onError={() => setBroken(true)} />;
  return <span className="s3u-preview s3u-preview--icon" data-type={type} data-name={name} aria-hidden="true" />;
}
