import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatSpeed } from '../../../src/react/format.js';

/** What a person reads: the no-break spaces as plain spaces. */
const read = (text: string) => text.replaceAll('\u00a0', ' ');

describe('formatting with Intl', () => {
  it('formats sizes, speeds and durations in the locale, in decimal units as their symbols say', () => {
    expect(read(formatBytes(5, 'en'))).toBe('5 bytes');
    expect(read(formatBytes(1500, 'en'))).toBe('1.5 kB');
    expect(read(formatBytes(1500, 'de'))).toBe('1,5 kB');
    expect(read(formatBytes(40 * 1024 * 1024, 'en'))).toBe('41.9 MB');
    expect(read(formatSpeed(3.2e6, 'en'))).toBe('3.2 MB/s');
    expect(formatSpeed(3.2e6, 'ar')).not.toContain('/s');
    expect(read(formatDuration(42, 'en'))).toBe('42 sec');
    expect(read(formatDuration(3900, 'en'))).toBe('1 hr 5 min');
  });

  it('shows a limit as the number the app configured, rounded towards what is allowed', () => {
    expect(read(formatBytes(10_000_000, 'en', 'floor'))).toBe('10 MB');
    expect(read(formatBytes(1024, 'en', 'floor'))).toBe('1.024 kB');
    expect(read(formatBytes(5 * 1024 ** 3, 'en', 'floor'))).toBe('5.368 GB');
    expect(read(formatBytes(1_234_567, 'en', 'ceil'))).toBe('1.235 MB');
  });

  it('keeps numbers and their units together: no breakable space inside a value', () => {
    for (const text of [formatBytes(2.3e6, 'en'), formatSpeed(2.3e6, 'de'), formatDuration(3900, 'en'), formatBytes(12, 'ar')]) {
      expect(text).not.toMatch(/ /);
    }
  });
});
