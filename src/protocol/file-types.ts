/**
 * Whether a file matches an accept list: exact MIME types (`application/pdf`),
 * wildcards (`image/*`) or extensions (`.csv`) — the `<input accept>` syntax,
 * used alike by the browser's restrictions and the signer's `allowedTypes`.
 */
export function matchesType(file: { name: string; type: string }, allowed: readonly string[]): boolean {
  const type = file.type.split(';')[0]?.trim().toLowerCase() ?? '';
  const name = file.name.toLowerCase();
  return allowed.some((entry) => {
    const pattern = entry.trim().toLowerCase();
    if (pattern === '') return false;
    if (pattern.startsWith('.')) return name.endsWith(pattern);
    if (pattern.endsWith('/*')) return type.startsWith(pattern.slice(0, -1));
    return type === pattern;
  });
}

/** Splits `"image/*, .pdf"` or an array into entries. */
export function parseAccept(accept: string | readonly string[]): string[] {
  const entries = typeof accept === 'string' ? accept.split(',') : accept;
  return entries.map((entry) => entry.trim()).filter(Boolean);
}
