const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** "1.5 MB" style sizes in the user's locale (binary steps, as operating systems show file sizes). */
export function formatBytes(bytes: number, locale?: string): string {
  return formatScaled(bytes, locale, '');
}

function formatScaled(bytes: number, locale: string | undefined, suffix: '' | '-per-second'): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return number(value, locale, {
    style: 'unit',
    unit: `${UNITS[unit]}${suffix}`,
    unitDisplay: unit === 0 && suffix === '' ? 'long' : 'short',
    maximumFractionDigits: unit === 0 || value >= 100 ? 0 : 1,
  });
}

/** A number in the locale's digits and grouping: "1,000", "1.000", "١٬٠٠٠"; `options` as Intl.NumberFormat takes them. */
export const number = (value: number, locale?: string, options?: Intl.NumberFormatOptions): string =>
  new Intl.NumberFormat(locale, options).format(value);

export function formatPercent(fraction: number, locale?: string): string {
  return number(fraction, locale, { style: 'percent', maximumFractionDigits: 0 });
}

/** "12 s", "3 min", "1 h 5 min" in the user's locale. */
export function formatDuration(seconds: number, locale?: string): string {
  const unit = (value: number, name: 'second' | 'minute' | 'hour') =>
    number(value, locale, { style: 'unit', unit: name, unitDisplay: 'short', maximumFractionDigits: 0 });
  if (seconds < 60) return unit(Math.max(1, Math.round(seconds)), 'second');
  if (seconds < 3600) return unit(Math.round(seconds / 60), 'minute');
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.round((seconds % 3600) / 60);
  return minutes > 0 ? `${unit(hours, 'hour')} ${unit(minutes, 'minute')}` : unit(hours, 'hour');
}

/** "3.2 MB/s", with the locale's own unit pattern. */
export function formatSpeed(bytesPerSecond: number, locale?: string): string {
  return formatScaled(bytesPerSecond, locale, '-per-second');
}
