/**
 * NAB's timestamps: `YYYY-MM-DD HH:MM:SS` in the data files, with `.000000` fractional seconds on the
 * window edges of labels/combined_windows.json. Both are read as UTC (NAB's pandas reads them naive,
 * which compares the same way), so a row and a window edge match when they name the same instant.
 */

const D0 = 48; // '0'

/** The number written by `count` digits of s from `from`; NaN when one is not a digit (or past the end). */
export function digits(s: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - D0;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

const GENERAL = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(?:Z|[+-]00:?00)?\s*$/;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil), without a Date object. */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** Milliseconds since 1970 (UTC) of a calendar date and time; NaN when a field is out of range (month 13, 31 April, 24:00). */
export function utc(y: number, mo: number, d: number, h: number, mi: number, sec: number, frac: number): number {
  if (!(y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && h <= 23 && mi <= 59 && sec <= 59)) return NaN;
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > MONTH_DAYS[mo - 1] + (leap ? 1 : 0)) return NaN;
  return daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi) * 60 + sec) * 1000 + frac;
}

/**
 * Milliseconds since 1970 (UTC) of a NAB timestamp: `2014-04-10 07:15:00`, `2014-04-10 07:15:00.000000`,
 * also with a `T` separator, without seconds, date only, or with a `Z` / `+00:00` suffix.
 * Fractional seconds are kept (as a fraction of a millisecond below 1 ms). NaN when the text is not such a time.
 *
 * @example parseNabTime('2014-04-10 07:15:00.000000') === parseNabTime('2014-04-10 07:15:00') // true
 */
export function parseNabTime(s: string): number {
  // The corpus's own shape, read without a regular expression (365,558 rows).
  if ((s.length === 19 || (s.length > 20 && s.charCodeAt(19) === 46)) && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && s.charCodeAt(10) === 32 && s.charCodeAt(13) === 58 && s.charCodeAt(16) === 58) {
    let frac = 0;
    if (s.length > 20) {
      const f = digits(s, 20, s.length - 20);
      if (Number.isNaN(f)) return NaN;
      frac = f === 0 ? 0 : (f / 10 ** (s.length - 20)) * 1000;
    }
    const t = utc(digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2), digits(s, 11, 2), digits(s, 14, 2), digits(s, 17, 2), frac);
    if (!Number.isNaN(t)) return t;
  }
  const m = GENERAL.exec(s);
  if (!m) return NaN;
  const frac = m[7] ? Number(m[7]) * 1000 : 0;
  return utc(+m[1], +m[2], +m[3], m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, m[6] ? +m[6] : 0, frac);
}
