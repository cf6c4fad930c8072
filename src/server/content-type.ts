import type { FileContext } from '../protocol/types.js';
import { SignError } from './errors.js';

/**
 * A MIME type with optional parameters (RFC 6838 token characters; quoted
 * values of visible ASCII and spaces only, and only spaces around the `;`,
 * so nothing signed into a header can carry CR, LF, TAB, NUL or another
 * control character).
 */
export const MIME_TYPE =
  /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}( *; *[a-z0-9!#$&^_.+-]+=("[\x20\x21\x23-\x5b\x5d-\x7e]*"|[a-z0-9!#$&^_.+-]+))*$/i;

/** The type a file is stored as when nothing better is allowed: browsers download it rather than render it. */
export const INERT_TYPE = 'application/octet-stream';

/** `type/subtype`, lower case, without parameters. */
export function essenceOf(type: string): string {
  return (type.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * Types a browser runs script in when it renders them from the bucket's
 * origin: HTML, XHTML, SVG, any XML (XSLT can run script), JavaScript and
 * its relatives, Flash, HTA.
 */
export function isActiveType(type: string): boolean {
  const essence = essenceOf(type);
  return (
    essence === 'text/html' ||
    essence === 'text/xml' ||
    essence === 'text/xsl' ||
    essence === 'application/xml' ||
    essence.endsWith('+xml') ||
    /(java|ecma|j|vb)script$/.test(essence) ||
    essence === 'application/x-shockwave-flash' ||
    essence === 'application/hta' ||
    essence === 'text/x-component'
  );
}

/** Extensions whose files are active content, with the types that are theirs. */
const ACTIVE_EXTENSIONS: Record<string, readonly string[]> = {
  '.svg': ['image/svg+xml'],
  '.svgz': ['image/svg+xml'],
  '.html': ['text/html'],
  '.htm': ['text/html'],
  '.xhtml': ['application/xhtml+xml'],
  '.xml': ['application/xml', 'text/xml'],
  '.xsl': ['text/xsl', 'application/xslt+xml', 'application/xml'],
  '.js': ['text/javascript', 'application/javascript'],
  '.mjs': ['text/javascript', 'application/javascript'],
};

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/**
 * The Content-Type signed into a file's upload: one the rules allow for that
 * file's name. A type is taken when an exact entry of `allowedTypes` names
 * it, or a wildcard (`image/*`) covers it and it is not active content, or
 * the name's extension is listed and the type is not active content (an
 * active type only with its own extension: `.svg` with `image/svg+xml`).
 * Without `allowedTypes`, any type is signed but active content, which is
 * stored as `application/octet-stream`. Throws 415 naming the reason.
 */
export function signedContentType(
  file: Pick<FileContext, 'name' | 'type'>,
  allowedTypes: readonly string[] | undefined,
  field: string,
): string {
  const type = file.type.trim();
  const essence = essenceOf(type);
  const active = essence !== '' && isActiveType(essence);
  if (!allowedTypes) return essence === '' || active ? INERT_TYPE : type;

  const entries = allowedTypes.map((entry) => entry.trim().toLowerCase()).filter(Boolean);
  const extension = extensionOf(file.name);
  if (essence !== '' && entries.includes(essence)) return type;
  const wildcard = entries.some((entry) => entry.endsWith('/*') && essence.startsWith(entry.slice(0, -1)));
  if (wildcard && !active) return type;
  if (extension !== '' && entries.includes(extension)) {
    if (essence === '') return INERT_TYPE;
    if (!active || ACTIVE_EXTENSIONS[extension]?.includes(essence)) return type;
    throw new SignError(
      415,
      'type_not_allowed',
      `"${file.name}" is declared as ${essence}, content a browser runs script in, which is not a type for ${extension}; list ${essence} in allowedTypes to accept it.`,
      `${field}.type`,
    );
  }
  if (wildcard && active) {
    throw new SignError(
      415,
      'type_not_allowed',
      `"${file.name}" is ${essence}, which can carry script; a wildcard does not admit it: list ${essence} in allowedTypes to accept it.`,
      `${field}.type`,
    );
  }
  throw new SignError(
    415,
    'type_not_allowed',
    `"${file.name}" (${essence || 'no type'}) is not an accepted type; accepted: ${allowedTypes.join(', ')}.`,
    `${field}.type`,
  );
}
