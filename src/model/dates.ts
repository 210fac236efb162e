// Business dates (YYYY-MM-DD, no time zone) and instants (ISO 8601 with an explicit offset), with the
// tenant's time zone passed explicitly wherever one becomes the other.

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** True when `s` is a real calendar date written YYYY-MM-DD (2025-02-30 is not). */
export function isBusinessDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  // Date.UTC reads years 0-99 as 1900-1999: such dates never round-tripped, and stay refused.
  if (y < 100 || mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (mo === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[mo - 1]!);
}
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True when `s` is an ISO 8601 instant carrying its offset (Z or ±HH:MM) and a valid date. */
export function isInstant(s: string): boolean {
  return INSTANT_RE.test(s) && isBusinessDate(s.slice(0, 10)) && !Number.isNaN(Date.parse(s));
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
