// Business dates (YYYY-MM-DD, no time zone) and instants (ISO 8601 with an explicit offset), with the
// tenant's time zone passed explicitly wherever one becomes the other.

const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The number written by the ASCII digits of `s` in [from, to), or -1 when one of them is not a digit. */
function digitsAt(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** True when `s` holds a real calendar date written YYYY-MM-DD at `at` (whatever follows). */
function calendarDateAt(s: string, at: number): boolean {
  if (s.charCodeAt(at + 4) !== 45 || s.charCodeAt(at + 7) !== 45) return false;
  const y = digitsAt(s, at, at + 4);
  const mo = digitsAt(s, at + 5, at + 7);
  const d = digitsAt(s, at + 8, at + 10);
  // Date.UTC reads years 0-99 as 1900-1999: such dates never round-tripped, and stay refused.
  if (y < 100 || mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (mo === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[mo - 1]!);
}

/**
 * True when `s` is a real calendar date written YYYY-MM-DD (2025-02-30 is not). Read digit by digit: a regular
 * expression's match array, for every date of every record synced, was a tenth of the mapping's garbage (#29).
 */
export function isBusinessDate(s: string): boolean {
  return s.length === 10 && calendarDateAt(s, 0);
}

/** Days from 1970-01-01 to a calendar date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

/**
 * The epoch milliseconds of `YYYY-MM-DDTHH:MM:SS[.mmm](Z|±HH:MM)` when every part is in range (a real date, hours to
 * 23, offsets to 23:59), else undefined: callers keep their general path (regular expressions and Date.parse) for
 * everything else. What providers send and what utcIso writes; the mapping and the schema read an instant in every
 * synced record, and the general path cost about 0.8 µs each time (#29). Equal to Date.parse where it answers (tested).
 */
export function isoInstantMs(s: string): number | undefined {
  if (s.length < 20 || !calendarDateAt(s, 0) || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  const h = digitsAt(s, 11, 13);
  const min = digitsAt(s, 14, 16);
  const sec = digitsAt(s, 17, 19);
  if (h < 0 || h > 23 || min < 0 || min > 59 || sec < 0 || sec > 59) return undefined;
  let at = 19;
  let ms = 0;
  if (s.charCodeAt(at) === 46) {
    ms = digitsAt(s, 20, 23);
    if (ms < 0) return undefined;
    at = 23;
  }
  let offset = 0;
  const zone = s.charCodeAt(at);
  if (zone === 90) {
    if (s.length !== at + 1) return undefined;
  } else if (zone === 43 || zone === 45) {
    if (s.length !== at + 6 || s.charCodeAt(at + 3) !== 58) return undefined;
    const oh = digitsAt(s, at + 1, at + 3);
    const om = digitsAt(s, at + 4, at + 6);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return undefined;
    offset = (zone === 45 ? -1 : 1) * (oh * 60 + om) * 60_000;
  } else return undefined;
  const days = daysFromCivil(digitsAt(s, 0, 4), digitsAt(s, 5, 7), digitsAt(s, 8, 10));
  return days * 86_400_000 + h * 3_600_000 + min * 60_000 + sec * 1000 + ms - offset;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * `new Date(ms).toISOString()`, by arithmetic for the years 1000-9999 (days to civil dates: H. Hinnant's algorithm):
 * toISOString cost 0.77 µs a call, this 0.19, and every record synced has an instant (#29). Other years, and
 * anything not finite, go to toISOString itself.
 */
export function utcIso(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (!(y >= 1000 && y <= 9999) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const min = Math.floor(rest / 60_000);
  rest -= min * 60_000;
  const sec = Math.floor(rest / 1000);
  return `${y}-${pad2(m)}-${pad2(d)}T${pad2(h)}:${pad2(min)}:${pad2(sec)}.${pad3(rest - sec * 1000)}Z`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True when `s` is an ISO 8601 instant carrying its offset (Z or ±HH:MM) and a valid date. */
export function isInstant(s: string): boolean {
  return isoInstantMs(s) !== undefined || INSTANT_RE.test(s) && isBusinessDate(s.slice(0, 10)) && !Number.isNaN(Date.parse(s));
}

/** Days from `a` to `b` (b − a), both business dates. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** The business date `days` after `date` (negative goes back). */
export function addDays(date: string, days: number): string {
  const t = new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000);
  return t.toISOString().slice(0, 10);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** One formatter per time zone: building an Intl.DateTimeFormat costs far more than using one. */
function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f;
}

/** The calendar date an instant falls on in `timeZone` (an IANA name such as Europe/Paris). */
export function dateInZone(instant: Date | string, timeZone: string): string {
  const d = typeof instant === 'string' ? new Date(instant) : instant;
  const parts = zoneFormatter(timeZone).formatToParts(d);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** True when `tz` is an IANA time zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
