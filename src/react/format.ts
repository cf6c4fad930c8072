const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte', 'petabyte'] as const;

/** Number and unit stay on one line: "3 MB/s" never wraps into "3" and "MB/s". */
const glued = (text: string) => text.replaceAll(' ', '\u00a0');

/**
 * "1.5 MB" style sizes in the user's locale, in decimal units as their
 * symbols say (1 kB = 1000 bytes, 1 MB = 1000 kB), number and unit joined by
 * a no-break space. Sizes show one decimal below 100; give `limit` for a
 * limit the app configured, which is shown with up to three decimals and
 * rounded towards what is allowed ("floor" for a maximum, "ceil" for a
 * minimum): a 10,000,000-byte limit reads "10 MB", 1024 bytes "1.024 kB".
 */
export function formatBytes(bytes: number, locale?: string, limit?: 'floor' | 'ceil'): string {
  return formatScaled(bytes, locale, '', limit);
}

function formatScaled(bytes: number, locale: string | undefined, suffix: '' | '-per-second', limit?: 'floor' | 'ceil'): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return glued(
    number(value, locale, {
      style: 'unit',
      unit: `${UNITS[unit]}${suffix}`,
      unitDisplay: unit === 0 && suffix === '' ? 'long' : 'short',
      maximumFractionDigits: unit === 0 ? 0 : limit ? 3 : value >= 100 ? 0 : 1,
      ...(limit ? { roundingMode: limit } : {}),
    }),
  );
}

/** Formatters made once per locale and options: making an Intl.NumberFormat costs far more than using one. */
const formats = new Map<string, Intl.NumberFormat>();

/** A number in the locale's digits and grouping: "1,000", "1.000", "١٬٠٠٠"; `options` as Intl.NumberFormat takes them. */
export function number(value: number, locale?: string, options?: Intl.NumberFormatOptions): string {
  const key = `${locale ?? ''}\u0000${options ? JSON.stringify(options) : ''}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    formats.set(key, format);
  }
  return format.format(value);
}

export function formatPercent(fraction: number, locale?: string): string {
  return glued(number(fraction, locale, { style: 'percent', maximumFractionDigits: 0 }));
}

/** "12 sec", "3 min", "1 hr 5 min" in the user's locale, never broken across lines. */
export function formatDuration(seconds: number, locale?: string): string {
  const unit = (value: number, name: 'second' | 'minute' | 'hour') =>
    number(value, locale, { style: 'unit', unit: name, unitDisplay: 'short', maximumFractionDigits: 0 });
  if (seconds < 60) return glued(unit(Math.max(1, Math.round(seconds)), 'second'));
  if (seconds < 3600) return glued(unit(Math.round(seconds / 60), 'minute'));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.round((seconds % 3600) / 60);
  return glued(minutes > 0 ? `${unit(hours, 'hour')} ${unit(minutes, 'minute')}` : unit(hours, 'hour'));
}

/** "3.2 MB/s", with the locale's own unit pattern. */
export function formatSpeed(bytesPerSecond: number, locale?: string): string {
  return formatScaled(bytesPerSecond, locale, '-per-second');
}
