// Every collections KPI of one currency at one date, each with the inputs and formula behind it, and the DSO trend.
import type { CreditNote, Invoice, Pause, Payment } from '../model/index.js';
import { addDays } from '../model/index.js';
import {
  type Aging, type CountBackResult, type PaidOnTime, type PromiseItem, type PromiseKept, DEFAULT_AGING_EDGES, agingBuckets, averageDaysDelinquent,
  bestPossibleDso, cei, collectionRate, dsoCountBack, dsoSimple, dueBasedCollectionRate, paidOnTimeRate, promiseKeptRate, weightedDaysDelinquent,
} from './formulas.js';
import {
  type Ledger, type MonthConvention, billings, buildLedger, cashCollected, clearedOn, countBackPeriods, credited, fallingDue, openAt, openItemsAt,
  paidItems, periodEnding, receivablesAt, unappliedAt,
} from './ledger.js';

/** Said next to every figure: the dashboard never sums currencies. */
export const CURRENCY_NOTE = 'Computed per currency from records in that currency only; no FX conversion.';

/** A figure the dashboard can explain: its value, the formula, and the inputs it was computed from. */
export interface Figure {
  value: string | null;
  formula: string;
  inputs: Record<string, string | number | boolean | null>;
}

export interface KpiInput {
  invoices: readonly Invoice[];
  payments: readonly Payment[];
  creditNotes: readonly CreditNote[];
  /** Pauses of any kind; only promises to pay are read. */
  promises?: readonly Pause[];
  asOf: string;
  currency: string;
  /** Length of the period ending on asOf (inclusive) for simple DSO, BPDSO, ADD, CEI, rates. */
  periodDays: number;
  agingEdges?: readonly number[];
  /** How many months the count-back may look back (default 12). */
  countBackMonths?: number;
  monthConvention?: MonthConvention;
  /** Days after the due date still counted as on time (default 0). */
  graceDays?: number;
}

export interface KpiSnapshot {
  asOf: string;
  currency: string;
  note: string;
  period: { from: string; to: string; days: number };
  receivables: { total: string; current: string; pastDue: string; openInvoices: number; unappliedCredits: string; unappliedCash: string };
  sales: { invoiced: string; credited: string };
  dsoSimple: Figure;
  dsoCountBack: Figure & { months: Array<{ month: string; from: string; to: string; days: number; sales: string }>; exhausted: boolean; convention: MonthConvention };
  bestPossibleDso: Figure;
  averageDaysDelinquent: Figure;
  weightedDaysDelinquent: { allOpen: Figure; pastDueOnly: Figure };
  aging: Aging;
  atRisk: Figure;
  cei: Figure;
  collectionRate: Figure;
  dueBasedCollectionRate: Figure;
  paidOnTime: PaidOnTime & { graceDays: number; undated: number; formula: string };
  promiseKept: PromiseKept & { formula: string };
  warnings: string[];
}

/** Computes every KPI of `currency` as of `asOf` from the synced facts; pure (the clock is `asOf`). */
export function computeKpis(input: KpiInput): KpiSnapshot {
  const { asOf, currency, periodDays } = input;
  const ledger = buildLedger(input, currency);
  const period = periodEnding(asOf, periodDays);
  const ar = receivablesAt(ledger, asOf);
  const beginning = receivablesAt(ledger, period.before);
  const invoiced = billings(ledger, period.from, period.to);
  const unapplied = unappliedAt(ledger, asOf);
  const items = openItemsAt(ledger, asOf);
  const aging = agingBuckets(items, asOf, currency, input.agingEdges ?? DEFAULT_AGING_EDGES);

  const cb = countBack(ledger, ar.total, asOf, input.countBackMonths ?? 12, input.monthConvention ?? 'actual');
  const simpleInputs = { receivables: ar.total, creditSales: invoiced, days: periodDays };
  const collected = cashCollected(ledger, period.from, period.to);
  const due = fallingDue(ledger, period.from, period.to);
  const paid = paidItems(ledger, period.from, period.to);
  const graceDays = input.graceDays ?? 0;
  const top = aging.buckets[aging.buckets.length - 1]!;

  return {
    asOf,
    currency,
    note: CURRENCY_NOTE,
    period: { from: period.from, to: period.to, days: periodDays },
    receivables: { ...ar, unappliedCredits: unapplied.credits, unappliedCash: unapplied.cash },
    sales: { invoiced, credited: credited(ledger, period.from, period.to) },
    dsoSimple: { value: dsoSimple(simpleInputs), formula: 'ending AR / credit sales of the period × days in period', inputs: simpleInputs },
    dsoCountBack: {
      value: cb.result.days,
      formula: 'count back from ending AR through each month’s sales, most recent first; last month pro rata (remaining / month sales × days)',
      inputs: { receivables: ar.total, monthsUsed: cb.result.monthsUsed },
      months: cb.months,
      exhausted: cb.result.exhausted,
      convention: input.monthConvention ?? 'actual',
    },
    bestPossibleDso: {
      value: bestPossibleDso({ currentReceivables: ar.current, creditSales: invoiced, days: periodDays }),
      formula: 'current (not yet due) AR / credit sales × days',
      inputs: { currentReceivables: ar.current, creditSales: invoiced, days: periodDays },
    },
    averageDaysDelinquent: {
      value: averageDaysDelinquent({ receivables: ar.total, currentReceivables: ar.current, creditSales: invoiced, days: periodDays }),
      formula: 'DSO − best possible DSO = past-due AR / credit sales × days',
      inputs: { receivables: ar.total, currentReceivables: ar.current, creditSales: invoiced, days: periodDays },
    },
    weightedDaysDelinquent: {
      allOpen: { value: weightedDaysDelinquent(items, asOf, { includeCurrent: true }), formula: 'Σ(days past due × open amount) / Σ open amount, not-yet-due items at 0 days', inputs: { openAmount: ar.total } },
      pastDueOnly: { value: weightedDaysDelinquent(items, asOf, { includeCurrent: false }), formula: 'Σ(days past due × open amount) / Σ open amount, past-due items only', inputs: { openAmount: ar.pastDue } },
    },
    aging,
    atRisk: { value: top.share, formula: `share of open AR more than ${top.minDays! - 1} days past due`, inputs: { amount: top.amount, total: aging.total } },
    cei: {
      value: cei({ beginningReceivables: beginning.total, creditSales: invoiced, endingReceivables: ar.total, endingCurrentReceivables: ar.current }),
      formula: '(beginning AR + credit sales − ending total AR) / (beginning AR + credit sales − ending current AR) × 100',
      inputs: { beginningReceivables: beginning.total, beginningOn: period.before, creditSales: invoiced, endingReceivables: ar.total, endingCurrentReceivables: ar.current },
    },
    collectionRate: {
      value: collectionRate({ collected, beginningReceivables: beginning.total, billings: invoiced }),
      formula: 'cash collected / (opening AR + billings) × 100',
      inputs: { collected, beginningReceivables: beginning.total, billings: invoiced },
    },
    dueBasedCollectionRate: {
      value: dueBasedCollectionRate(due),
      formula: 'cash collected by period end on items falling due in the period / amount falling due × 100',
      inputs: { ...due },
    },
    paidOnTime: { ...paidOnTimeRate(paid.items, currency, { graceDays }), graceDays, undated: paid.undated, formula: 'invoices paid in the period on or before due date + grace, by count and by amount' },
    promiseKept: { ...promiseKeptRate(promiseItems(ledger, input.promises ?? [], period.from, asOf), asOf), formula: 'promises cleared by the promised date / promises fallen due × 100' },
    warnings: ledger.warnings,
  };
}

function countBack(ledger: Ledger, receivables: string, asOf: string, months: number, convention: MonthConvention): { result: CountBackResult; months: KpiSnapshot['dsoCountBack']['months'] } {
  const periods = countBackPeriods(asOf, months, convention).map((p) => ({ ...p, sales: billings(ledger, p.from, p.to) }));
  const result = dsoCountBack({ receivables, months: periods });
  return { result, months: periods.slice(0, Math.max(result.monthsUsed, 1)) };
}

/**
 * Promises to pay whose date is in the period or later, with when what they covered was cleared. A promise
 * on one invoice covers it; a customer-wide promise covers the customer's invoices of this currency that
 * were open when it was made and due by the promised date (as the rules engine's broken-promise test does).
 */
function promiseItems(ledger: Ledger, pauses: readonly Pause[], from: string, asOf: string): PromiseItem[] {
  const out: PromiseItem[] = [];
  for (const p of pauses) {
    if (p.kind !== 'promise' || !p.expiresOn || p.expiresOn < from || p.startsOn > asOf) continue;
    const promised = p.expiresOn;
    const madeBefore = addDays(p.startsOn, -1);
    const covered = ledger.invoices.filter((li) =>
      p.invoiceExternalId
        ? li.invoice.externalId === p.invoiceExternalId
        : li.invoice.customerExternalId === p.customerExternalId && li.invoice.dueDate <= promised && openAt(li, madeBefore).gt(0),
    );
    if (covered.length === 0) continue;
    let cleared: string | null = null;
    for (const li of covered) {
      const on = clearedOn(li, asOf);
      if (on === null) {
        cleared = null;
        break;
      }
      if (cleared === null || on > cleared) cleared = on;
    }
    out.push({ promisedOn: promised, clearedOn: cleared });
  }
  return out;
}

export interface TrendPoint {
  month: string;
  /** The date the point is read at: each month's last day, and asOf for the month of asOf. */
  asOf: string;
  dso: string | null;
  /** True when the count-back ran out of months (the value is then a lower bound). */
  exhausted: boolean;
  receivables: string;
}

/** DSO at the end of each of the last `months` months (the last point at asOf), oldest first, for the trend line. */
export function dsoTrend(input: {
  invoices: readonly Invoice[];
  payments: readonly Payment[];
  creditNotes: readonly CreditNote[];
  asOf: string;
  currency: string;
  months?: number;
  method?: 'count_back' | 'simple';
  /** For method 'simple'. */
  periodDays?: number;
  countBackMonths?: number;
  monthConvention?: MonthConvention;
}): TrendPoint[] {
  const ledger = buildLedger(input, input.currency);
  const points = countBackPeriods(input.asOf, input.months ?? 12).reverse();
  return points.map((p) => {
    const ar = receivablesAt(ledger, p.to);
    if (input.method === 'simple') {
      const days = input.periodDays ?? 90;
      const per = periodEnding(p.to, days);
      return { month: p.month, asOf: p.to, dso: dsoSimple({ receivables: ar.total, creditSales: billings(ledger, per.from, per.to), days }), exhausted: false, receivables: ar.total };
    }
    const { result } = countBack(ledger, ar.total, p.to, input.countBackMonths ?? 12, input.monthConvention ?? 'actual');
    return { month: p.month, asOf: p.to, dso: result.days, exhausted: result.exhausted, receivables: ar.total };
  });
}
