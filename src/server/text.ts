/**
 * Checks and clean-ups for text that came from a client and will end up in a
 * signed header, an object key or a download name.
 */

/** A UTF-16 surrogate without its partner: not Unicode text; the AWS SDK's URI encoding throws on it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/**
 * Characters a person cannot see: Unicode format characters (Cf: bidi
 * overrides such as U+202E, zero-width joiners and spaces, the BOM, soft
 * hyphen…) and the "filler" letters that render as blank.
 */
const INVISIBLE = /[\p{Cf}\u115f\u1160\u3164\uffa0\u2800]/gu;

/**
 * A client's value as an error message may quote it: a string, number,
 * boolean or null in JSON (cut to 40 characters), anything else by its kind.
 * Never serialises a structure, which a hostile body can nest beyond the stack's depth.
 */
export function quoted(value: unknown): string {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
    // Cut by code points: half an emoji would make the message malformed Unicode.
    const text = [...JSON.stringify(value)];
    return text.length > 40 ? `${text.slice(0, 39).join('')}…` : text.join('');
  }
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** Replaces each lone surrogate with U+FFFD (String.prototype.toWellFormed, for runtimes before ES2024). */
export function toWellFormed(text: string): string {
  return text.replace(new RegExp(LONE_SURROGATE.source, 'g'), '\ufffd');
}

/** True for well-formed Unicode (no lone surrogates). */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** True when the text holds a C0 or C1 control character (CR, LF, NUL, BEL, ESC…). */
export function hasControlCharacter(text: string): boolean {
  return CONTROL.test(text);
}

/** True when the text holds a character that is invisible when displayed (see INVISIBLE). */
export function hasInvisibleCharacter(text: string): boolean {
  INVISIBLE.lastIndex = 0;
  return INVISIBLE.test(text);
}

/** Removes invisible characters (bidi overrides, zero-width characters, fillers). */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}

/** Printable US-ASCII only (space to tilde): what S3 stores in a user-metadata header without re-encoding. */
export function isPrintableAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}
