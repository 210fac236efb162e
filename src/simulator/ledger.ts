// The simulators' ledger arithmetic: amounts as integer minor units (never floats), business dates as YYYY-MM-DD in UTC days.
const DAY_MS = 86_400_000;

/** Decimal text of an amount held in minor units, with `digits` decimals ("362.07", "-0.50", "1500" with 0 digits). */
export function formatMinor(minor: number, digits: number): string {
  if (!Number.isSafeInteger(minor)) throw new Error(`amount ${minor} is not an integer number of minor units`);
  const sign = minor < 0 ? '-' : '';
  const abs = String(Math.abs(minor)).padStart(digits + 1, '0');
  if (digits === 0) return sign + abs;
  return `${sign}${abs.slice(0, abs.length - digits)}.${abs.slice(abs.length - digits)}`;
}

/**
 * The JSON number a provider writes for an amount. Built from the decimal text ("362.07"), so it is the same number
 * JSON.parse gives for the provider's own text, never the product of float arithmetic.
 */
export function jsonMoney(minor: number, digits: number): number {
  return Number(formatMinor(minor, digits));
}

/**
 * Minor units of an amount a client sent (JSON number or decimal string), or undefined when it is not an amount or has
 * more than `digits` decimals (trailing zeros aside).
 */
export function parseMinor(value: unknown, digits: number): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return undefined;
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > digits) return undefined;
  const minor = Number(m[2]) * 10 ** digits + Number(frac.padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(minor)) return undefined;
  return m[1] === '-' ? -minor : minor;
}

// Few distinct business dates exist, and seeding 100k documents converts them millions of times.
const msByYmd = new Map<string, number>();
const ymdByDay = new Map<number, string>();

/** A business date's UTC midnight, in milliseconds. */
export function ymdToMs(ymd: string): number {
  let ms = msByYmd.get(ymd);
  if (ms === undefined) {
    ms = Date.parse(`${ymd}T00:00:00Z`);
    if (msByYmd.size < 100_000) msByYmd.set(ymd, ms);
  }
  return ms;
}

/** The UTC calendar date of an instant. */
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

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((ymdToMs(to) - ymdToMs(from)) / DAY_MS);
}
