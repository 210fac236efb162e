// Custom JSONata functions every mapping gets: exact money, provider dates, instants and invoice status.
import { isCurrency } from '../model/currency.js';
import { isBusinessDate, isoInstantMs, utcIso } from '../model/dates.js';
import { Dec, compareAmounts, formatAmount, toAmount } from '../model/money.js';

/**
 * What a function returns for a value it cannot convert. It travels through the mapping output like a value, so the
 * loader can report the exact output path (`lines[0].amount`) with this reason, which a thrown error could not give.
 */
export class InvalidValue {
  constructor(readonly reason: string) {}
}

export function isInvalidValue(v: unknown): v is InvalidValue {
  // Most values are strings: the typeof test spares them a generic instanceof (profiled at 4 µs per invoice).
  return typeof v === 'object' && v !== null && v instanceof InvalidValue;
}

type Scalar = string | number | boolean | null | undefined;
type Arg = Scalar | InvalidValue | readonly unknown[] | Record<string, unknown>;

const MS_DATE_RE = /^\/Date\((-?\d+)([+-])?(\d{2})?(\d{2})?\)\/$/;
const ISO_RE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const DAY_MS = 86_400_000;

function describe(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : JSON.stringify(v) ?? String(v);
}

function firstInvalid(...values: unknown[]): InvalidValue | undefined {
  return values.find(isInvalidValue);
}

function currencyProblem(currency: unknown): InvalidValue | undefined {
  if (isInvalidValue(currency)) return currency;
  if (typeof currency !== 'string' || !isCurrency(currency)) {
    return new InvalidValue(`cannot format an amount without a known currency (got ${describe(currency)}): check the record's currency or context.homeCurrency`);
  }
  return undefined;
}

/** `$amount(value, currency)`: decimal string at the currency's minor units; undefined/null stay undefined. */
export function amount(value: Arg, currency: Arg): string | InvalidValue | undefined {
  if (value === undefined || value === null) return undefined;
  const bad = firstInvalid(value) ?? currencyProblem(currency);
  if (bad) return bad;
  if (typeof value !== 'string' && typeof value !== 'number') return new InvalidValue(`${describe(value)} is not an amount`);
  try {
    return toAmount(value, currency as string);
  } catch (err) {
    return new InvalidValue((err as Error).message);
  }
}

function toList(values: Arg): unknown[] {
  if (values === undefined || values === null) return [];
  return Array.isArray(values) ? values : [values];
}

/** `$sum_amounts(array, currency)`: exact sum of amounts (numbers or strings); an empty list sums to zero. */
export function sumAmountsFn(values: Arg, currency: Arg): string | InvalidValue {
  const bad = currencyProblem(currency);
  if (bad) return bad;
  let acc = new Dec(0);
  for (const v of toList(values)) {
    const a = amount(v as Arg, currency);
    if (a === undefined) continue;
    if (isInvalidValue(a)) return a;
    acc = acc.plus(a);
  }
  return formatAmount(acc, currency as string);
}

/** `$sub_amounts(a, b, currency)`: a − b, exact. */
export function subAmountsFn(a: Arg, b: Arg, currency: Arg): string | InvalidValue | undefined {
  const x = amount(a, currency);
  const y = amount(b ?? 0, currency);
  if (x === undefined) return undefined;
  const bad = firstInvalid(x, y);
  if (bad) return bad;
  return formatAmount(new Dec(x as string).minus(y as string), currency as string);
}

function plainDecimal(v: Arg): string | InvalidValue {
  if (isInvalidValue(v)) return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return new InvalidValue(`${v} is not an amount`);
    const s = String(v);
    return s.includes('e') ? new Dec(s).toFixed() : s;
  }
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return v.trim();
  return new InvalidValue(`${describe(v)} is not an amount`);
}

/** `$cmp_amounts(a, b)`: −1, 0 or 1 (missing counts as 0, so `$cmp_amounts(Balance, 0)` is safe). */
export function cmpAmountsFn(a: Arg, b: Arg): number | InvalidValue {
  const x = plainDecimal(a ?? 0);
  const y = plainDecimal(b ?? 0);
  const bad = firstInvalid(x, y);
  if (bad) return bad;
  return compareAmounts(x as string, y as string);
}

function offsetMinutes(sign: string | undefined, hh: string | undefined, mm: string | undefined): number {
  if (!sign) return 0;
  const m = Number(hh ?? 0) * 60 + Number(mm ?? 0);
  return sign === '-' ? -m : m;
}

function utcDate(ms: number): string {
  return utcIso(ms).slice(0, 10);
}

/**
 * `$msjson_date(value)`: the business date (YYYY-MM-DD) of a Microsoft JSON date (/Date(ms±hhmm)/).
 * `/Date(ms±hhmm)/`: ms is a UTC instant and the offset the organisation's. Business dates are written as the
 * midnight that starts the day; recorded data has it at UTC midnight with `+0000`, but a non-zero offset may mean
 * "local midnight" (ms + offset lands on 00:00). So: if the local time is midnight, that local day; else if the
 * instant is UTC midnight, the UTC day (the offset is then decoration); else the local day the instant falls on.
 * ISO strings (`DateString`, `2026-05-31T00:00:00`, with or without offset) give their written date part.
 */
export function msJsonDate(value: Arg): string | InvalidValue | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (isInvalidValue(value)) return value;
  if (typeof value !== 'string') return new InvalidValue(`${describe(value)} is not a Microsoft JSON date`);
  const ms = MS_DATE_RE.exec(value.trim());
  if (ms) {
    const t = Number(ms[1]);
    const local = t + offsetMinutes(ms[2], ms[3], ms[4]) * 60_000;
    if (((local % DAY_MS) + DAY_MS) % DAY_MS === 0) return utcDate(local);
    if (((t % DAY_MS) + DAY_MS) % DAY_MS === 0) return utcDate(t);
    return utcDate(local);
  }
  const iso = ISO_RE.exec(value.trim());
  if (iso && isBusinessDate(iso[1]!)) return iso[1]!;
  return new InvalidValue(`${describe(value)} is not a Microsoft JSON date (expected /Date(ms+hhmm)/ or YYYY-MM-DD…)`);
}

/** `$date(value)`: a plain YYYY-MM-DD business date, validated. */
export function businessDate(value: Arg): string | InvalidValue | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (isInvalidValue(value)) return value;
  if (typeof value === 'string' && isBusinessDate(value.trim())) return value.trim();
  return new InvalidValue(`${describe(value)} is not a date written YYYY-MM-DD`);
}

/**
 * Every instant is normalised to UTC (`…Z`, milliseconds kept): one form for both providers, so instants compare
 * as strings and a provider's zone never leaks into the model. The provider's offset carries no extra meaning.
 */
function isoUtc(ms: number): string | InvalidValue {
  if (!Number.isFinite(ms)) return new InvalidValue('is not a valid instant');
  return utcIso(ms);
}

/** `$msjson_instant(value)`: `/Date(ms±hhmm)/` (ms is UTC) or an ISO string → UTC ISO 8601 instant. */
export function msJsonInstant(value: Arg): string | InvalidValue | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (isInvalidValue(value)) return value;
  if (typeof value !== 'string') return new InvalidValue(`${describe(value)} is not a Microsoft JSON timestamp`);
  const ms = MS_DATE_RE.exec(value.trim());
  if (ms) return isoUtc(Number(ms[1]));
  // Providers' `…UTC` ISO strings (e.g. UpdatedDateUTC in some payloads) omit the Z: they are UTC.
  const iso = ISO_RE.exec(value.trim());
  if (iso && iso[2] !== undefined) return instantFromIso(value.trim(), iso[6] ?? 'Z');
  return new InvalidValue(`${describe(value)} is not a Microsoft JSON timestamp (expected /Date(ms+hhmm)/)`);
}

function instantFromIso(text: string, zone: string): string | InvalidValue {
  const withZone = (/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}${zone}`).replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const t = Date.parse(withZone.replace(' ', 'T'));
  if (Number.isNaN(t) || !isBusinessDate(text.slice(0, 10))) return new InvalidValue(`"${text}" is not an instant`);
  return isoUtc(t);
}

/** `$instant(value)`: an ISO 8601 timestamp that carries its offset (e.g. `2015-07-24T10:35:08-07:00`) → UTC instant. */
export function instant(value: Arg): string | InvalidValue | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (isInvalidValue(value)) return value;
  if (typeof value !== 'string') return new InvalidValue(`${describe(value)} is not an instant`);
  // The usual form, read without the regular expressions and Date.parse (same result: test/model/dates.test.ts).
  const t = isoInstantMs(value);
  if (t !== undefined) return utcIso(t);
  const iso = ISO_RE.exec(value.trim());
  if (!iso || iso[2] === undefined || iso[6] === undefined) {
    return new InvalidValue(`${describe(value)} is not an ISO 8601 instant with an offset`);
  }
  return instantFromIso(value.trim(), iso[6]);
}

/**
 * `$status(total, amountDue, sourceState)`: the model's invoice status. `sourceState` is what the provider says
 * beyond amounts: `void`, `draft` or `paid` win; anything else (`open`, undefined) derives from the amounts:
 * nothing due on a positive total → paid, less due than the total → partially_paid, else open.
 */
export function status(total: Arg, amountDue: Arg, sourceState: Arg): string | InvalidValue {
  if (sourceState === 'void' || sourceState === 'draft' || sourceState === 'paid') return sourceState;
  const t = plainDecimal(total ?? 0);
  const d = plainDecimal(amountDue ?? 0);
  const bad = firstInvalid(t, d);
  if (bad) return bad;
  if (compareAmounts(d as string, '0') <= 0) return compareAmounts(t as string, '0') > 0 ? 'paid' : 'open';
  if (compareAmounts(d as string, t as string) < 0) return 'partially_paid';
  return 'open';
}

/** Name → implementation and JSONata signature, registered on every compiled mapping. */
export const MAPPING_FUNCTIONS: ReadonlyArray<{ name: string; fn: (...args: Arg[]) => unknown; signature?: string }> = [
  { name: 'amount', fn: amount as (...args: Arg[]) => unknown },
  { name: 'sum_amounts', fn: sumAmountsFn as (...args: Arg[]) => unknown },
  { name: 'sub_amounts', fn: subAmountsFn as (...args: Arg[]) => unknown },
  { name: 'cmp_amounts', fn: cmpAmountsFn as (...args: Arg[]) => unknown },
  { name: 'date', fn: businessDate as (...args: Arg[]) => unknown },
  { name: 'msjson_date', fn: msJsonDate as (...args: Arg[]) => unknown },
  { name: 'msjson_instant', fn: msJsonInstant as (...args: Arg[]) => unknown },
  { name: 'instant', fn: instant as (...args: Arg[]) => unknown },
  { name: 'status', fn: status as (...args: Arg[]) => unknown },
];
