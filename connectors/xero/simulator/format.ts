// Xero's wire formats: Microsoft JSON dates, *String companions, exact JSON numbers from integer cents.

const DAY_MS = 86_400_000;

/** `/Date(1518685950940+0000)/`, the form of every date and instant field. */
export function msDate(ms: number): string {
  return `/Date(${ms}+0000)/`;
}

// Few distinct business dates exist, and seeding 100k documents converts them millions of times.
const msByYmd = new Map<string, number>();
const ymdByDay = new Map<number, string>();

/** Business date (midnight UTC) as milliseconds. */
export function ymdToMs(ymd: string): number {
  let ms = msByYmd.get(ymd);
  if (ms === undefined) {
    ms = Date.parse(`${ymd}T00:00:00Z`);
    if (msByYmd.size < 100_000) msByYmd.set(ymd, ms);
  }
  return ms;
}

export function msToYmd(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let ymd = ymdByDay.get(day);
  if (ymd === undefined) {
    ymd = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (ymdByDay.size < 100_000) ymdByDay.set(day, ymd);
  }
  return ymd;
}

export function addDays(ymd: string, days: number): string {
  return msToYmd(ymdToMs(ymd) + days * DAY_MS);
}

/** The `DateString` companion: `2026-05-31T00:00:00`. */
export function dateString(ymd: string): string {
  return `${ymd}T00:00:00`;
}

/** Instant without zone designator, as `DateUTCString` and webhook `eventDateUtc` carry it. */
export function utcString(ms: number, millis = false): string {
  const iso = new Date(ms).toISOString();
  return millis ? iso.slice(0, 23) : iso.slice(0, 19);
}

/** A JSON number built from the decimal text of integer cents, so 36207 becomes exactly 362.07. */
export function money(cents: number): number {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return Number(`${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`);
}

/** Parses a JSON number or decimal string into integer cents without float arithmetic; undefined if not money. */
export function toCents(value: unknown): number | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  const text = typeof value === 'number' ? String(value) : value.trim();
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) return undefined;
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] === '-' ? -cents : cents;
}

/**
 * Parses a date Xero accepts on writes: `YYYY-MM-DD`, `YYYY-MM-DDT00:00:00` or `/Date(ms+zzzz)/`.
 * Returns the business date or undefined when it is not a real calendar date.
 */
export function parseBusinessDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(value);
  if (ms) return msToYmd(Number(ms[1]));
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T00:00:00(?:\.0+)?)?$/.exec(value);
  if (!m) return undefined;
  const ymd = `${m[1]}-${m[2]}-${m[3]}`;
  const t = ymdToMs(ymd);
  return Number.isFinite(t) && msToYmd(t) === ymd ? ymd : undefined;
}

/**
 * Parses an `If-Modified-Since` value: ISO without offset is UTC (Xero's documented form), ISO with offset,
 * or an HTTP date. Returns NaN when unreadable.
 */
export function parseIfModifiedSince(value: string): number {
  const v = value.trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(v)) return Date.parse(`${v}Z`);
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return Date.parse(`${v}T00:00:00Z`);
  return Date.parse(v);
}
