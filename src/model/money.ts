// Money as decimal strings: parsing, validation against a currency's precision, and exact arithmetic.
import { Decimal } from 'decimal.js';
import { minorUnits } from './currency.js';

/** Decimal arithmetic with enough precision for any amount we store (numeric(18,4)) and interest rates. */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = Decimal;

const DECIMAL_RE = /^-?(0|[1-9]\d{0,13})(\.\d{1,4})?$/;

/** True when `s` is a plain decimal string (no exponent, no thousands separator, at most 4 decimals). */
export function isDecimalString(s: string): boolean {
  return DECIMAL_RE.test(s);
}

/** Digits after the decimal point in a decimal string ("12.50" → 2). */
export function scaleOf(s: string): number {
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/** Formats a decimal as a string with exactly the currency's minor-unit digits, rounding half away from zero. */
export function formatAmount(value: Decimal.Value, currency: string): string {
  const d = new Dec(value).toDecimalPlaces(minorUnits(currency), Decimal.ROUND_HALF_UP);
  const s = d.toFixed(minorUnits(currency));
  return s === '-0' || /^-0\.0+$/.test(s) ? s.slice(1) : s;
}

/** A plain decimal text without leading zeros: sign, integer digits, fraction digits. */
const PLAIN_AMOUNT_RE = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?$/;
interface PlainParts {
  neg: boolean;
  int: string;
  /** Without trailing zeros. */
  frac: string;
}
const plainParts = (m: RegExpExecArray): PlainParts => ({ neg: m[1] === '-', int: m[2]!, frac: (m[3] ?? '').replace(/0+$/, '') });
const signOf = (n: PlainParts): -1 | 0 | 1 => (n.int === '0' && n.frac === '' ? 0 : n.neg ? -1 : 1);

/**
 * Normalises a provider amount (decimal string, or a JSON number as some APIs send) to the currency's
 * precision. Throws when it carries more precision than the currency has (a float artefact such as
 * 0.30000000000000004 is refused, not silently rounded).
 */
export function toAmount(value: string | number, currency: string): string {
  const text = typeof value === 'number' ? numberToPlainString(value) : value.trim();
  const digits = minorUnits(currency);
  // The common case (no leading zeros) is formatted on the string itself: exact, and ~10× cheaper than decimal.js
  // on the sync's hot path. test/model/money.test.ts checks it against the decimal.js path on random inputs.
  const plain = PLAIN_AMOUNT_RE.exec(text);
  if (plain) {
    const p = plainParts(plain);
    if (p.frac.length > digits) throw new Error(`${text} has more than ${digits} decimals for ${currency}`);
    return `${signOf(p) < 0 ? '-' : ''}${p.int}${digits > 0 ? `.${p.frac.padEnd(digits, '0')}` : ''}`;
  }
  return toAmountWithDecimal(text, digits, currency);
}

/** The general path (leading zeros and the like), through decimal.js. */
export function toAmountWithDecimal(text: string, digits: number, currency: string): string {
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`"${text}" is not a decimal amount`);
  const d = new Dec(text);
  if (d.decimalPlaces() > digits) {
    throw new Error(`${text} has more than ${digits} decimals for ${currency}`);
  }
  return formatAmount(d, currency);
}

function numberToPlainString(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`${n} is not a finite amount`);
  // JSON numbers from providers are decimal literals; their shortest round-trip form is that literal.
  const s = String(n);
  return s.includes('e') ? new Dec(s).toFixed() : s;
}

/** Sum of decimal strings, formatted in `currency`. */
export function sumAmounts(values: readonly string[], currency: string): string {
  return formatAmount(values.reduce((acc, v) => acc.plus(v), new Dec(0)), currency);
}

/** a − b in `currency`. */
export function subtractAmounts(a: string, b: string, currency: string): string {
  return formatAmount(new Dec(a).minus(b), currency);
}

/** Compares two decimal strings: −1, 0 or 1. */
export function compareAmounts(a: string, b: string): -1 | 0 | 1 {
  const x = PLAIN_AMOUNT_RE.exec(a);
  const y = PLAIN_AMOUNT_RE.exec(b);
  if (!x || !y) return new Dec(a).comparedTo(b) as -1 | 0 | 1;
  // Plain decimal texts compare exactly on their digits: sign, then integer length, then digits.
  const p = plainParts(x);
  const q = plainParts(y);
  const sp = signOf(p);
  const sq = signOf(q);
  if (sp !== sq) return sp < sq ? -1 : 1;
  if (sp === 0) return 0;
  let magnitude: number;
  if (p.int.length !== q.int.length) magnitude = p.int.length < q.int.length ? -1 : 1;
  else if (p.int !== q.int) magnitude = p.int < q.int ? -1 : 1;
  else {
    const width = Math.max(p.frac.length, q.frac.length);
    const f = p.frac.padEnd(width, '0');
    const g = q.frac.padEnd(width, '0');
    magnitude = f === g ? 0 : f < g ? -1 : 1;
  }
  return (magnitude === 0 ? 0 : sp < 0 ? -magnitude : magnitude) as -1 | 0 | 1;
}

/** Integer minor units (cents) of a decimal string, as a bigint: "362.07" EUR → 36207n. */
export function toMinorUnits(amount: string, currency: string): bigint {
  return BigInt(new Dec(amount).times(new Dec(10).pow(minorUnits(currency))).toFixed(0));
}

/** Decimal string from integer minor units: 36207n EUR → "362.07". */
export function fromMinorUnits(minor: bigint, currency: string): string {
  return formatAmount(new Dec(minor.toString()).div(new Dec(10).pow(minorUnits(currency))), currency);
}
