// Collections KPI formulas (late-payment-law.md §7) as pure functions of already-aggregated amounts and items.
//
// Multi-currency: every function here works on amounts of ONE currency. KPIs are computed per currency
// and never converted (no FX): a tenant invoicing in EUR and GBP gets two sets of figures.
// Amounts are decimal strings computed with decimal.js; day counts come back with one decimal ("42.3"),
// percentages with two ("87.50"); a figure that has no meaning (no sales, nothing paid) is null, never
// NaN or Infinity.
import { Decimal } from 'decimal.js';
import { Dec, daysBetween, formatAmount } from '../model/index.js';

/** Days as shown on the dashboard: one decimal, half-up ("73.2"). */
export function formatDays(value: Decimal): string {
  return fixed(value, 1);
}

/** Percentages as shown on the dashboard: two decimals, half-up ("66.67"). */
export function formatPercent(value: Decimal): string {
  return fixed(value, 2);
}

function fixed(value: Decimal, places: number): string {
  const s = value.toDecimalPlaces(places, Decimal.ROUND_HALF_UP).toFixed(places);
  return /^-0(\.0+)?$/.test(s) ? s.slice(1) : s;
}

const dec = (v: Decimal.Value) => new Dec(v);

/** `numerator / denominator × scale`, or null when the denominator is not positive (no meaningful ratio). */
function ratio(numerator: Decimal.Value, denominator: Decimal.Value, scale: Decimal.Value): Decimal | null {
  const d = dec(denominator);
  if (!d.isFinite() || d.lte(0)) return null;
  return dec(numerator).div(d).times(scale);
}

/** Simple DSO, §7.1: `DSO = ending AR / credit sales of the period × days in period`; null when there were no sales. */
export function dsoSimple(input: { receivables: string; creditSales: string; days: number }): string | null {
  const v = ratio(input.receivables, input.creditSales, input.days);
  return v === null ? null : formatDays(v);
}

/** Best possible DSO, §7.3: `BPDSO = current (not yet due) AR / credit sales × days`; null when there were no sales. */
export function bestPossibleDso(input: { currentReceivables: string; creditSales: string; days: number }): string | null {
  const v = ratio(input.currentReceivables, input.creditSales, input.days);
  return v === null ? null : formatDays(v);
}

/**
 * Average days delinquent, §7.4 (standard): `ADD = DSO − BPDSO` with both on the same sales and days, i.e.
 * `(AR − current AR) / credit sales × days`, computed exactly before rounding (so it is not the difference
 * of two rounded figures); null when there were no sales.
 */
export function averageDaysDelinquent(input: { receivables: string; currentReceivables: string; creditSales: string; days: number }): string | null {
  const v = ratio(dec(input.receivables).minus(input.currentReceivables), input.creditSales, input.days);
  return v === null ? null : formatDays(v);
}

/** One month of the count-back, most recent first: its credit sales and how many days it counts for. */
export interface CountBackMonth {
  sales: string;
  days: number;
}

export interface CountBackResult {
  /** Days, or null when the months carry no sales at all. */
  days: string | null;
  /** Months consumed, the last one possibly in part. */
  monthsUsed: number;
  /** True when the AR was larger than all the months' sales: `days` is then a lower bound ("more than"). */
  exhausted: boolean;
}

/**
 * Count-back (exhaustion) DSO, §7.2: subtract each month's sales from ending AR, most recent month first,
 * adding that month's days while its sales are fully absorbed; for the last month add
 * `remaining / month sales × days`. A month whose sales are not positive absorbs nothing and counts in full.
 */
export function dsoCountBack(input: { receivables: string; months: readonly CountBackMonth[] }): CountBackResult {
  const anySales = input.months.some((m) => dec(m.sales).gt(0));
  if (!anySales) return { days: null, monthsUsed: 0, exhausted: false };
  let remaining = dec(input.receivables);
  if (remaining.lte(0)) return { days: formatDays(dec(0)), monthsUsed: 0, exhausted: false };
  let total = dec(0);
  let used = 0;
  for (const m of input.months) {
    used += 1;
    const sales = dec(m.sales);
    if (sales.gt(0) && remaining.lte(sales)) {
      total = total.plus(remaining.div(sales).times(m.days));
      return { days: formatDays(total), monthsUsed: used, exhausted: false };
    }
    remaining = remaining.minus(sales.gt(0) ? sales : 0);
    total = total.plus(m.days);
  }
  return { days: formatDays(total), monthsUsed: used, exhausted: true };
}

/**
 * Collection effectiveness index, §7.5:
 * `CEI = (beginning AR + credit sales − ending total AR) / (beginning AR + credit sales − ending current AR) × 100`.
 * For a multi-month period pass `salesDivisor` = number of months to use `credit sales / N` in both terms
 * (Oracle ACM variant the reference cites); default 1 (the period's sales as they are). Null when the
 * denominator is not positive.
 */
export function cei(input: { beginningReceivables: string; creditSales: string; endingReceivables: string; endingCurrentReceivables: string; salesDivisor?: number }): string | null {
  const sales = dec(input.creditSales).div(input.salesDivisor ?? 1);
  const base = dec(input.beginningReceivables).plus(sales);
  const v = ratio(base.minus(input.endingReceivables), base.minus(input.endingCurrentReceivables), 100);
  return v === null ? null : formatPercent(v);
}

/** Collection rate, §7.7 period cash ratio: `cash collected / (opening AR + billings) × 100`; null when both are zero. */
export function collectionRate(input: { collected: string; beginningReceivables: string; billings: string }): string | null {
  const v = ratio(input.collected, dec(input.beginningReceivables).plus(input.billings), 100);
  return v === null ? null : formatPercent(v);
}

/** Collection rate, §7.7 due-based: `amount collected of items falling due in the period / amount falling due × 100`. */
export function dueBasedCollectionRate(input: { collected: string; fallingDue: string }): string | null {
  const v = ratio(input.collected, input.fallingDue, 100);
  return v === null ? null : formatPercent(v);
}

/** An open receivable item: its due date and what is still owed on it. */
export interface OpenItem {
  dueDate: string;
  amount: string;
}

export interface AgingBucket {
  key: string;
  label: string;
  /** Inclusive bounds in days past due; `minDays` null for "current", `maxDays` null for the last bucket. */
  minDays: number | null;
  maxDays: number | null;
  amount: string;
  count: number;
  /** Share of the total, percent; null when there is nothing open. */
  share: string | null;
}

export interface Aging {
  asOf: string;
  total: string;
  count: number;
  buckets: AgingBucket[];
}

/** The reference's buckets: current, 1–30, 31–60, 61–90, 90+ (§7.6). */
export const DEFAULT_AGING_EDGES: readonly number[] = [30, 60, 90];

/**
 * Aging by days past due, §7.6: `days past due = asOf − due date`; an item is "current" when not past due
 * (asOf ≤ due date), else in the first bucket whose upper edge it does not exceed; past the last edge it
 * is in "N+" (N = last edge; e.g. 121 days → 90+). `edges` are the inclusive upper bounds, strictly
 * increasing positive integers. Items are aged by due date only, never by invoice date (§7.6: never mix).
 */
export function agingBuckets(items: readonly OpenItem[], asOf: string, currency: string, edges: readonly number[] = DEFAULT_AGING_EDGES): Aging {
  if (edges.length === 0 || edges.some((e, i) => !Number.isInteger(e) || e < 1 || (i > 0 && e <= edges[i - 1]!))) {
    throw new Error(`aging edges must be strictly increasing positive whole days, got [${edges.join(', ')}]`);
  }
  const specs: { key: string; label: string; minDays: number | null; maxDays: number | null }[] = [{ key: 'current', label: 'Current', minDays: null, maxDays: 0 }];
  let from = 1;
  for (const e of edges) {
    specs.push({ key: `${from}-${e}`, label: `${from}–${e}`, minDays: from, maxDays: e });
    from = e + 1;
  }
  const last = edges[edges.length - 1]!;
  specs.push({ key: `${last}+`, label: `${last}+`, minDays: last + 1, maxDays: null });

  const sums = specs.map(() => dec(0));
  const counts = specs.map(() => 0);
  let total = dec(0);
  let count = 0;
  for (const item of items) {
    const amount = dec(item.amount);
    if (amount.isZero()) continue;
    const late = daysBetween(item.dueDate, asOf);
    const idx = late <= 0 ? 0 : specs.findIndex((s, i) => i > 0 && (s.maxDays === null || late <= s.maxDays));
    sums[idx] = sums[idx]!.plus(amount);
    counts[idx]! += 1;
    total = total.plus(amount);
    count += 1;
  }
  return {
    asOf,
    total: formatAmount(total, currency),
    count,
    buckets: specs.map((s, i) => {
      const share = ratio(sums[i]!, total, 100);
      return { ...s, amount: formatAmount(sums[i]!, currency), count: counts[i]!, share: share === null ? null : formatPercent(share) };
    }),
  };
}

/**
 * Invoice-weighted average days delinquent, §7.4 variant: `Σ(days past due × open amount) / Σ open amount`.
 * `includeCurrent` counts not-yet-due items with 0 days (the reference leaves the choice open: both shown).
 */
export function weightedDaysDelinquent(items: readonly OpenItem[], asOf: string, options: { includeCurrent: boolean }): string | null {
  let weighted = dec(0);
  let total = dec(0);
  for (const item of items) {
    const late = Math.max(0, daysBetween(item.dueDate, asOf));
    if (late === 0 && !options.includeCurrent) continue;
    weighted = weighted.plus(dec(item.amount).times(late));
    total = total.plus(item.amount);
  }
  const v = ratio(weighted, total, 1);
  return v === null ? null : formatDays(v);
}

/** A paid invoice: when it was due, the value date it was paid on, and its amount. */
export interface PaidItem {
  dueDate: string;
  paidOn: string;
  amount: string;
}

export interface PaidOnTime {
  byCount: string | null;
  byAmount: string | null;
  onTime: number;
  paid: number;
  onTimeAmount: string;
  paidAmount: string;
}

/**
 * % paid on time, §7.10: an invoice is on time when `paid on ≤ due date + graceDays` (grace stored with
 * the figure; default 0); given both by count (`on time / paid`) and by amount (`on-time amount / paid amount`).
 */
export function paidOnTimeRate(items: readonly PaidItem[], currency: string, options: { graceDays?: number } = {}): PaidOnTime {
  const grace = options.graceDays ?? 0;
  let onTime = 0;
  let onTimeAmount = dec(0);
  let paidAmount = dec(0);
  for (const item of items) {
    paidAmount = paidAmount.plus(item.amount);
    if (daysBetween(item.dueDate, item.paidOn) <= grace) {
      onTime += 1;
      onTimeAmount = onTimeAmount.plus(item.amount);
    }
  }
  const byCount = ratio(onTime, items.length, 100);
  const byAmount = ratio(onTimeAmount, paidAmount, 100);
  return {
    byCount: byCount === null ? null : formatPercent(byCount),
    byAmount: byAmount === null ? null : formatPercent(byAmount),
    onTime,
    paid: items.length,
    onTimeAmount: formatAmount(onTimeAmount, currency),
    paidAmount: formatAmount(paidAmount, currency),
  };
}

/** A promise to pay: the promised date and the date what it covered was cleared (null while still owed). */
export interface PromiseItem {
  promisedOn: string;
  clearedOn: string | null;
}

export interface PromiseKept {
  rate: string | null;
  kept: number;
  broken: number;
  pending: number;
}

/**
 * Promise-kept rate (anchors §5.11; not defined in the law reference, so defined here):
 * `kept / (kept + broken) × 100`. Kept = cleared on or before the promised date; broken = the promised date
 * is before asOf and it was not cleared by then (a late payment still breaks the promise); pending = the
 * promised date is today or later and nothing is cleared yet (left out of the rate).
 */
export function promiseKeptRate(promises: readonly PromiseItem[], asOf: string): PromiseKept {
  let kept = 0;
  let broken = 0;
  let pending = 0;
  for (const p of promises) {
    if (p.clearedOn !== null && p.clearedOn <= p.promisedOn && p.clearedOn <= asOf) kept += 1;
    else if (p.promisedOn < asOf) broken += 1;
    else pending += 1;
  }
  const v = ratio(kept, kept + broken, 100);
  return { rate: v === null ? null : formatPercent(v), kept, broken, pending };
}
