import type { ErrorCode } from './types.js';

/**
 * A tiny schema language for the signing protocol. Each message is declared
 * once (schema-requests.ts, schema-responses.ts); its TypeScript type is
 * derived from the declaration (`Infer`, `ObjectOf`), and the same
 * declaration checks values on both sides. What differs between the sides is
 * the dialect: the browser phrases a problem as "`parts[0].url` should be a
 * non-empty string" (validate-response.ts), the server answers a 400 with a
 * code and its stricter text rules (validate-request.ts).
 */

/**
 * What a server needs, besides the browser's words, to phrase a problem in
 * its own (the browser's words are all the browser needs).
 */
export interface Detail {
  min?: number;
  max?: number;
  /** An array's items, in words ("files"). */
  noun?: string;
  /** A choice's allowed values. */
  values?: readonly unknown[];
  /** The string was empty (rather than no string). */
  empty?: boolean;
  /** The protocol error code a server answers; `invalid_request` when absent. */
  code?: ErrorCode;
}

/** How one side reports a problem, and the rules only that side applies. */
export interface Dialect {
  /** Refuses the value at `path`: `expected` says what it should be, in the browser's words ("a non-empty string"), or the rule broken. */
  fail(path: string, expected: string, detail?: Detail): never;
  /** Checks every string further (the server: its length, well-formed Unicode). */
  text?(value: string, path: string, max: number, code?: ErrorCode): void;
  /** Runs a check whose refusal becomes the value instead of failing the whole message (a batch's per-file verdict). */
  isolate?<T>(check: () => T): T;
}

/** Checks `value` (found at `path`; `parent` is the object holding it) and answers it, cleaned. */
export type Schema<T> = (value: unknown, path: string, dialect: Dialect, parent: Record<string, unknown>) => T;

declare const OPTIONAL: unique symbol;
/** A field that may be absent: its key is optional in the type and left out when the schema answers `undefined`. */
export type Optional<T> = Schema<T | undefined> & { readonly [OPTIONAL]: true };

export type Infer<S> = S extends Schema<infer T> ? T : never;
export type Fields = Record<string, Schema<unknown>>;

type Parsed<F extends Fields> = { [K in keyof F]: Exclude<Infer<F[K]>, undefined> };
type OptionalKeys<F extends Fields> = { [K in keyof F]: F[K] extends { readonly [OPTIONAL]: true } ? K : never }[keyof F];
type Flat<T> = { [K in keyof T]: T[K] } & {};
/** The object type an `object(fields)` answers. */
export type ObjectOf<F extends Fields> = Flat<Omit<Parsed<F>, OptionalKeys<F>> & Partial<Pick<Parsed<F>, OptionalKeys<F>>>>;

/** `a, b or c`, for messages. */
export function either(words: readonly string[]): string {
  return words.join(', ').replace(/, (?=[^,]*$)/, ' or ');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object with these fields, checked in this order; other keys are dropped. */
export function object<F extends Fields>(fields: F): Schema<ObjectOf<F>> {
  return (value, path, dialect) => {
    if (!isRecord(value)) return dialect.fail(path, 'an object');
    const out: Record<string, unknown> = {};
    for (const key in fields) {
      const parsed = (fields[key] as Schema<unknown>)(value[key], path ? `${path}.${key}` : key, dialect, value);
      if (parsed !== undefined) out[key] = parsed;
    }
    return out as ObjectOf<F>;
  };
}

/** An array of items; with `max`, of 1 to `max` items (`noun` names them in a message). */
export function array<T>(item: Schema<T>, max?: number, noun?: string): Schema<T[]> {
  return (value, path, dialect, parent) => {
    if (!Array.isArray(value) || (max !== undefined && (value.length === 0 || value.length > max))) {
      return dialect.fail(path, 'an array', { max, noun });
    }
    return value.map((entry, index) => item(entry, `${path}[${index}]`, dialect, parent));
  };
}

/** An object used as a map: every value checked, every key by `key` when given. */
export function record<T>(values: Schema<T>, key?: (name: string, path: string, dialect: Dialect) => void): Schema<Record<string, T>> {
  return (value, path, dialect) => {
    if (!isRecord(value)) return dialect.fail(path, 'an object');
    const out: Record<string, T> = {};
    for (const name of Object.keys(value)) {
      key?.(name, path, dialect);
      out[name] = values(value[name], `${path}.${name}`, dialect, value);
    }
    return out;
  };
}

export interface TextRules {
  /** The empty string is allowed. */
  empty?: boolean;
  /** Most UTF-16 code units (enforced where the dialect enforces lengths: the server). */
  max?: number;
  /** The code a server refuses it with. */
  code?: ErrorCode;
}

export function string<T extends string = string>({ empty, max = Infinity, code }: TextRules = {}): Schema<T> {
  return (value, path, dialect) => {
    if (typeof value !== 'string') return dialect.fail(path, empty ? 'a string' : 'a non-empty string', { code });
    dialect.text?.(value, path, max, code);
    if (!empty && value === '') dialect.fail(path, 'a non-empty string', { empty: true, code });
    return value as T;
  };
}

/** A whole number from `min` to `max` (default: the largest safe integer). */
export function integer(min: number, max?: number): Schema<number> {
  return (value, path, dialect) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > (max ?? value)) {
      return dialect.fail(path, `an integer ≥ ${min}`, { min, max });
    }
    return value;
  };
}

export const boolean: Schema<boolean> = (value, path, dialect) =>
  typeof value === 'boolean' ? value : dialect.fail(path, 'true or false');

export function oneOf<const T extends readonly unknown[]>(values: T): Schema<T[number]> {
  return (value, path, dialect) =>
    values.includes(value) ? (value as T[number]) : dialect.fail(path, either(values.map((entry) => JSON.stringify(entry))), { values });
}

/** Always this value, whatever was sent. */
export function always<const T>(value: T): Schema<T> {
  return () => value;
}

/** May be absent (or `blank`, treated as absent). */
export function optional<T>(schema: Schema<T>, blank?: unknown): Optional<T> {
  return ((value, path, dialect, parent) =>
    value === undefined || (blank !== undefined && value === blank) ? undefined : schema(value, path, dialect, parent)) as Optional<T>;
}

/** A hint: kept when it checks out, dropped (no error) when not, so a newer peer's values pass. */
export function lenient<T>(schema: Schema<T>): Optional<T> {
  return ((value, path, dialect, parent) => {
    try {
      return schema(value, path, dialect, parent);
    } catch {
      return undefined;
    }
  }) as Optional<T>;
}

/** `absent` stands in for a value that is absent or null. */
export function fallback<T>(schema: Schema<T>, absent: T): Schema<T> {
  return (value, path, dialect, parent) => schema(value ?? absent, path, dialect, parent);
}

/** Further checks (and clean-up) after the schema's own. */
export function refine<T, U = T>(schema: Schema<T>, then: (value: T, path: string, dialect: Dialect) => U): Schema<U> {
  return (value, path, dialect, parent) => then(schema(value, path, dialect, parent), path, dialect);
}

/** A dialect's `isolate` whose refusals are `Refusal`s: the refusal becomes the value; any other error still throws. */
export function isolating(Refusal: abstract new (...args: never[]) => Error): NonNullable<Dialect['isolate']> {
  return (check) => {
    try {
      return check();
    } catch (error) {
      if (error instanceof Refusal) return error as never;
      throw error;
    }
  };
}

/** Checked on its own: where the dialect isolates, a refusal becomes this value instead of failing the message. */
export function isolated<T>(schema: Schema<T>): Schema<T> {
  return (value, path, dialect, parent) =>
    dialect.isolate ? dialect.isolate(() => schema(value, path, dialect, parent)) : schema(value, path, dialect, parent);
}
