import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatSpeed } from '../../src/react/format.js';

describe('formatting with Intl', () => {
  it('formats sizes, speeds and durations in the locale', () => {
    expect(formatBytes(5, 'en')).toBe('5 bytes');
    expect(formatBytes(1536, 'en')).toBe('1.5 kB');
    expect(formatBytes(1536, 'de')).toBe('1,5 kB');
    expect(formatSpeed(3.2 * 1024 * 1024, 'en')).toBe('3.2 MB/s');
    expect(formatSpeed(3.2 * 1024 * 1024, 'ar')).not.toContain('/s');
    expect(formatDuration(42, 'en')).toBe('42 sec');
    expect(formatDuration(3900, 'en')).toBe('1 hr 5 min');
  });
});
