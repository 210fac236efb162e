// Xero's wire formats: Microsoft JSON dates, *String companions, exact JSON numbers from integer cents.
import { jsonMoney, msToYmd, parseMinor, ymdToMs } from '../../../src/simulator/ledger.js';

/** The simulated organisations keep amounts in cents: Xero rounds amounts to 2 decimals unless a call asks for 4. */
const CENTS = 2;

export { addDays, msToYmd, ymdToMs } from '../../../src/simulator/ledger.js';

/** `/Date(1518685950940+0000)/`, the form of every date and instant field. */
export function msDate(ms: number): string {
  return `/Date(${ms}+0000)/`;
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
export const money = (cents: number): number => jsonMoney(cents, CENTS);

/** Parses a JSON number or decimal string into integer cents without float arithmetic; undefined if not money. */
export const toCents = (value: unknown): number | undefined => parseMinor(value, CENTS);

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
