// Statutory late-payment interest and fixed recovery compensation (FR, UK, DE, EU, US), computed per segment with exact decimals.
// Law: late-payment law notes (shared/reference/late-payment-law.md) §1, §2, §5, §10. Pure: the as-of date is an input.
import { Dec, addDays, daysBetween, formatAmount, isBusinessDate, isCurrency, isDecimalString, toAmount } from '../model/index.js';
import type { PenaltyBasis } from '../model/collections.js';
import { deBasiszinssatz, ecbMroForHalf, frTauxLegal, halfYearOf, nextHalfYearStart, ukReferenceRate, type RateBook } from './rate-tables.js';

export const JURISDICTIONS = ['FR', 'UK', 'DE', 'EU', 'US'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];
export type Party = 'business' | 'consumer';
export type DayCount = 'ACT/365F' | 'ACT/ACT';

export interface PenaltyInput {
  jurisdiction: Jurisdiction;
  /** Gross (TTC) amount of the invoice, decimal string. */
  amount: string;
  currency: string;
  dueDate: string;
  /** Last day counted; interest runs up to and including it (or to the day of full payment). */
  asOf: string;
  /**
   * Dated reductions: funds made available to the creditor, credit notes applied, write-offs. The day of a reduction
   * still accrues on the balance before it.
   */
  payments?: ReadonlyArray<{ date: string; amount: string }>;
  debtor?: Party;
  /** Who the creditor is; a business creditor uses the French "autres cas" taux légal (law §1.7). */
  creditor?: Party;
  /** FR B2C: date the mise en demeure was received; interest starts the next day (or that day with noticeStart same_day). */
  noticeDate?: string;
  noticeStart?: 'next_day' | 'same_day';
  /** Agreed annual rate in percent, e.g. "15". */
  contractRate?: string;
  /** ACT/365F by default (all practitioner examples); ACT/ACT divides each day by its year's length (law §10.6). */
  dayCount?: DayCount;
  /** Rates fetched from the publishers (src/rates); without them only RATES_FILE and the shipped table are known. */
  rates?: RateBook;
}

export interface PenaltySegment {
  from: string;
  to: string;
  days: number;
  balance: string;
  /** Applied annual rate in percent. */
  rate: string;
  referenceRate: string | null;
  margin: string | null;
  period: string;
  interest: string;
}

export interface PenaltyResult {
  jurisdiction: Jurisdiction;
  regime: string;
  currency: string;
  asOf: string;
  start: string | null;
  segments: PenaltySegment[];
  interest: string;
  compensation: string;
  compensationCurrency: string;
  total: string;
  warnings: string[];
}

type RateFor = (periodStart: string) => { rate: Dec; reference: Dec | null; margin: Dec | null; period: string };

interface Regime {
  name: string;
  start: string | null;
  /** True when each half-year uses its own rate (FR, DE, EU); false when fixed at the start (UK, contract). */
  segmentedByHalfYear: boolean;
  rateFor: RateFor;
  compensation: (originalDebt: Dec) => { amount: Dec; currency: string };
}

const ZERO = new Dec(0);

function pct(d: Dec): string {
  return d.toFixed(Math.max(2, d.decimalPlaces()));
}

function isWeekend(date: string): boolean {
  const wd = new Date(`${date}T00:00:00Z`).getUTCDay();
  return wd === 0 || wd === 6;
}

function regimeFor(input: PenaltyInput, warnings: string[]): Regime {
  const debtor = input.debtor ?? 'business';
  const creditor = input.creditor ?? 'business';
  const contract = input.contractRate !== undefined ? new Dec(input.contractRate) : null;
  const dueNext = addDays(input.dueDate, 1);
  const none = () => ({ amount: ZERO, currency: input.currency });
  const fixed = (rate: Dec, period: string): RateFor => () => ({ rate, reference: null, margin: null, period });

  switch (input.jurisdiction) {
    case 'FR': {
      if (debtor === 'consumer') {
        warnings.push('B2C_FEES_BLOCKED: no €40 or recovery fees may be charged to a consumer (CPCE L111-8)');
        if (contract) warnings.push('CONTRACT_RATE_IGNORED: a B2C contractual late-interest clause needs unfair-terms review; legal-rate interest computed instead');
        if (!input.noticeDate) {
          warnings.push('NO_FORMAL_NOTICE: consumer interest runs only from the mise en demeure (C. civ. 1344-1); none given');
          return { name: 'FR_B2C', start: null, segmentedByHalfYear: true, rateFor: fixed(ZERO, ''), compensation: none };
        }
        const start = input.noticeStart === 'same_day' ? input.noticeDate : addDays(input.noticeDate, 1);
        return {
          name: 'FR_B2C',
          start,
          segmentedByHalfYear: true,
          rateFor: (d) => {
            const h = halfYearOf(d);
            const tl = new Dec(frTauxLegal(h, creditor, input.rates));
            return { rate: tl, reference: tl, margin: ZERO, period: h };
          },
          compensation: none,
        };
      }
      const eur40 = () => ({ amount: new Dec(40), currency: 'EUR' });
      if (contract) {
        return {
          name: 'FR_B2B_CONTRACT',
          start: dueNext,
          segmentedByHalfYear: true,
          rateFor: (d) => {
            const h = halfYearOf(d);
            const floor = new Dec(frTauxLegal(h, 'business', input.rates)).times(3);
            if (contract.lt(floor)) {
              const w = `CONTRACT_RATE_BELOW_FLOOR: ${pct(contract)} % is below 3 × taux légal = ${pct(floor)} % in ${h}; the floor applies (L441-10 II)`;
              if (!warnings.includes(w)) warnings.push(w);
              return { rate: floor, reference: null, margin: null, period: h };
            }
            return { rate: contract, reference: null, margin: null, period: h };
          },
          compensation: eur40,
        };
      }
      return {
        name: 'FR_B2B',
        start: dueNext,
        segmentedByHalfYear: true,
        rateFor: (d) => {
          const h = halfYearOf(d);
          const mro = new Dec(ecbMroForHalf(h, input.rates));
          return { rate: mro.plus(10), reference: mro, margin: new Dec(10), period: h };
        },
        compensation: eur40,
      };
    }
    case 'UK': {
      if (debtor === 'consumer') {
        warnings.push('UK_CONSUMER_EXCLUDED: the Late Payment of Commercial Debts (Interest) Act 1998 does not apply to consumer debts');
        return { name: 'UK_NONE', start: null, segmentedByHalfYear: false, rateFor: fixed(ZERO, ''), compensation: none };
      }
      const ukFixed = (debt: Dec) => ({ amount: new Dec(debt.lt(1000) ? 40 : debt.lt(10000) ? 70 : 100), currency: 'GBP' });
      const h = halfYearOf(dueNext);
      if (contract) {
        warnings.push('CONTRACT_RATE_REPLACES_STATUTORY: valid only if the contract gives a substantial remedy for late payment');
        return { name: 'UK_CONTRACT', start: dueNext, segmentedByHalfYear: false, rateFor: fixed(contract, h), compensation: ukFixed };
      }
      // Fixed for the whole delay: the reference of the half-year in which interest starts (law §2.5).
      const ref = new Dec(ukReferenceRate(h, input.rates));
      return {
        name: 'UK_LPCDA',
        start: dueNext,
        segmentedByHalfYear: false,
        rateFor: () => ({ rate: ref.plus(8), reference: ref, margin: new Dec(8), period: h }),
        compensation: ukFixed,
      };
    }
    case 'DE': {
      const margin = new Dec(debtor === 'consumer' || creditor === 'consumer' ? 5 : 9);
      // §193 BGB: a due date on a weekend moves to the next working day (public holidays not checked here).
      let due = input.dueDate;
      while (isWeekend(due)) due = addDays(due, 1);
      if (due !== input.dueDate) warnings.push(`DUE_DATE_SHIFTED: ${input.dueDate} falls on a weekend; Verzug starts after ${due} (§193 BGB)`);
      return {
        name: margin.eq(9) ? 'DE_B2B' : 'DE_CONS',
        start: addDays(due, 1),
        segmentedByHalfYear: true,
        rateFor: (d) => {
          const h = halfYearOf(d);
          const base = new Dec(deBasiszinssatz(h, input.rates));
          const statutory = base.plus(margin);
          if (contract && contract.gt(statutory)) return { rate: contract, reference: null, margin: null, period: h };
          return { rate: statutory, reference: base, margin, period: h };
        },
        compensation: () => ({ amount: debtor === 'consumer' ? ZERO : new Dec(40), currency: 'EUR' }),
      };
    }
    case 'EU': {
      if (debtor === 'consumer') {
        warnings.push('EU_CONSUMER_EXCLUDED: Directive 2011/7/EU covers commercial transactions only');
        return { name: 'EU_NONE', start: null, segmentedByHalfYear: true, rateFor: fixed(ZERO, ''), compensation: none };
      }
      return {
        name: 'EU_DIRECTIVE',
        start: dueNext,
        segmentedByHalfYear: true,
        rateFor: (d) => {
          const h = halfYearOf(d);
          const mro = new Dec(ecbMroForHalf(h, input.rates));
          const statutory = mro.plus(8);
          if (contract && contract.gt(statutory)) return { rate: contract, reference: null, margin: null, period: h };
          return { rate: statutory, reference: mro, margin: new Dec(8), period: h };
        },
        compensation: () => ({ amount: new Dec(40), currency: 'EUR' }),
      };
    }
    case 'US': {
      if (!contract) {
        warnings.push('US_NO_STATUTORY_RATE: no statutory late-payment interest for private B2B invoices; give the agreed contract rate');
        return { name: 'US_CONTRACT_ONLY', start: null, segmentedByHalfYear: false, rateFor: fixed(ZERO, ''), compensation: none };
      }
      return { name: 'US_CONTRACT', start: dueNext, segmentedByHalfYear: false, rateFor: fixed(contract, 'contract'), compensation: none };
    }
  }
}

function validate(input: PenaltyInput): void {
  if (!(JURISDICTIONS as readonly string[]).includes(input.jurisdiction)) throw new Error(`unknown jurisdiction "${input.jurisdiction}": expected one of ${JURISDICTIONS.join(', ')}`);
  if (!isCurrency(input.currency)) throw new Error(`unknown currency "${input.currency}"`);
  for (const [name, d] of [['dueDate', input.dueDate], ['asOf', input.asOf], ['noticeDate', input.noticeDate]] as const) {
    if (d !== undefined && !isBusinessDate(d)) throw new Error(`${name} "${d}" is not a date written YYYY-MM-DD`);
  }
  if (!isDecimalString(input.amount) || new Dec(input.amount).lte(0)) throw new Error(`amount "${input.amount}" must be a positive decimal string`);
  if (input.contractRate !== undefined && (!/^\d+(\.\d+)?$/.test(input.contractRate))) throw new Error(`contract rate "${input.contractRate}" must be a percentage such as 12.5`);
  for (const p of input.payments ?? []) {
    if (!isBusinessDate(p.date)) throw new Error(`payment date "${p.date}" is not a date written YYYY-MM-DD`);
    if (!isDecimalString(p.amount) || new Dec(p.amount).lte(0)) throw new Error(`payment amount "${p.amount}" must be a positive decimal string`);
  }
}

/**
 * Late-payment interest and fixed compensation for one invoice as of a date.
 * Interest per segment = balance × rate/100 × days / 365 (or the year's length under ACT/ACT), rounded
 * half-up to the currency's minor unit at the end of each segment. Throws RateMissing for an unknown period.
 */
export function computePenalty(input: PenaltyInput): PenaltyResult {
  validate(input);
  const warnings: string[] = [];
  const regime = regimeFor(input, warnings);
  const payments = [...(input.payments ?? [])].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const principal = new Dec(input.amount);
  // B(d): principal minus payments made strictly before d (principal-first allocation, law §10.3).
  const balanceOn = (d: string): Dec => {
    let b = principal;
    for (const p of payments) if (p.date < d) b = b.minus(p.amount);
    return Dec.max(b, ZERO);
  };

  const segments: PenaltySegment[] = [];
  const dayCount = input.dayCount ?? 'ACT/365F';
  const start = regime.start;
  if (start && start <= input.asOf) {
    const breaks = new Set<string>([start]);
    for (const p of payments) if (p.date >= start && p.date < input.asOf) breaks.add(addDays(p.date, 1));
    for (let d = start; ; ) {
      const next = regime.segmentedByHalfYear || dayCount === 'ACT/ACT' ? nextHalfYearStart(d) : null;
      if (!next || next > input.asOf) break;
      if (regime.segmentedByHalfYear || next.endsWith('-01-01')) breaks.add(next);
      d = next;
    }
    const points = [...breaks].sort();
    for (let i = 0; i < points.length; i++) {
      const from = points[i] as string;
      const to = i + 1 < points.length ? addDays(points[i + 1] as string, -1) : input.asOf;
      const balance = balanceOn(from);
      if (balance.lte(0)) continue;
      const days = daysBetween(from, to) + 1;
      const r = regime.rateFor(from);
      const yearDays = dayCount === 'ACT/ACT' ? daysBetween(`${from.slice(0, 4)}-01-01`, `${Number(from.slice(0, 4)) + 1}-01-01`) : 365;
      const interest = balance.times(r.rate).div(100).times(days).div(yearDays);
      segments.push({
        from,
        to,
        days,
        balance: formatAmount(balance, input.currency),
        rate: pct(r.rate),
        referenceRate: r.reference ? pct(r.reference) : null,
        margin: r.margin ? pct(r.margin) : null,
        period: r.period,
        interest: formatAmount(interest, input.currency),
      });
    }
  }
  const interest = segments.reduce((acc, s) => acc.plus(s.interest), ZERO);

  // Compensation is owed once per invoice that was late at all, even if since paid (law §1.4, §5): late from the first
  // day of delay, the regime's start. For DE that is after a weekend due date moved to the Monday (§193 BGB), so a
  // payment on that Monday is on time. Regimes without a start owe no fixed sum.
  const lateFrom = start;
  const wasLate = lateFrom !== null && lateFrom <= input.asOf && balanceOn(lateFrom).gt(0);
  const comp = wasLate ? regime.compensation(balanceOn(lateFrom)) : { amount: ZERO, currency: input.currency };
  const compensationCurrency = comp.amount.isZero() ? input.currency : comp.currency;
  let total = interest;
  if (compensationCurrency === input.currency) total = total.plus(comp.amount);
  else warnings.push(`COMPENSATION_CURRENCY_DIFFERS: the fixed sum is ${formatAmount(comp.amount, comp.currency)} ${comp.currency}, not added to the ${input.currency} total`);

  return {
    jurisdiction: input.jurisdiction,
    regime: regime.name,
    currency: input.currency,
    asOf: input.asOf,
    start,
    segments,
    interest: formatAmount(interest, input.currency),
    compensation: formatAmount(comp.amount, compensationCurrency),
    compensationCurrency,
    total: formatAmount(total, input.currency),
    warnings,
  };
}

export function isJurisdiction(x: string): x is Jurisdiction {
  return (JURISDICTIONS as readonly string[]).includes(x);
}

/** The penalty input a planned action recorded, recomputed as of another date (the send date). */
export function penaltyInputFromBasis(basis: PenaltyBasis, currency: string, asOf: string, rates?: RateBook): PenaltyInput {
  if (!isJurisdiction(basis.jurisdiction)) throw new Error(`unknown jurisdiction "${basis.jurisdiction}": expected one of ${JURISDICTIONS.join(', ')}`);
  const input: PenaltyInput = { jurisdiction: basis.jurisdiction, amount: basis.amount, currency, dueDate: basis.dueDate, asOf, debtor: basis.debtor, payments: basis.reductions.map(({ date, amount }) => ({ date, amount })) };
  if (basis.contractRate) input.contractRate = basis.contractRate;
  if (rates) input.rates = rates;
  return input;
}

/** The figures a planned action states; a missing rate becomes the action's error instead of a wrong figure. */
export function penaltyFromBasis(basis: PenaltyBasis, currency: string, asOf: string, rates?: RateBook): { interest: string | null; compensation: string | null; compensationCurrency: string | null; warnings: string[]; error: string | null } {
  try {
    const r = computePenalty(penaltyInputFromBasis(basis, currency, asOf, rates));
    return { interest: r.interest, compensation: r.compensation, compensationCurrency: r.compensationCurrency, warnings: [...basis.notes, ...r.warnings], error: null };
  } catch (e) {
    return { interest: null, compensation: null, compensationCurrency: null, warnings: [...basis.notes], error: (e as Error).message };
  }
}

const CLI_USAGE =
  'usage: relance penalty --jurisdiction FR|UK|DE|EU|US --amount 10000.00 --currency EUR --due 2025-05-15 ' +
  '[--paid DATE:AMOUNT ...] [--reduction DATE:AMOUNT ...] [--as-of DATE] [--debtor business|consumer] [--creditor business|consumer] [--notice DATE] [--contract-rate PCT] [--day-count ACT/365F|ACT/ACT]';

/**
 * Parses `relance penalty` arguments and returns computePenalty's result. The engine has no clock:
 * --as-of defaults to opts.today, else to the date of the last payment when the invoice is fully paid.
 */
export function runPenaltyCli(argv: string[], opts: { today?: string; rates?: RateBook } = {}): PenaltyResult {
  const values = new Map<string, string>();
  const paid: string[] = [];
  const known = new Set(['jurisdiction', 'amount', 'currency', 'due', 'paid', 'reduction', 'as-of', 'debtor', 'creditor', 'notice', 'contract-rate', 'day-count']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"\n${CLI_USAGE}`);
    let name = arg.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    } else {
      value = argv[++i];
    }
    if (!known.has(name)) throw new Error(`unknown option --${name}\n${CLI_USAGE}`);
    if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value\n${CLI_USAGE}`);
    // A credit note applied or a write-off reduces the balance from its date exactly as a payment does.
    if (name === 'paid' || name === 'reduction') paid.push(`${name}\u0000${value}`);
    else if (values.has(name)) throw new Error(`--${name} given twice`);
    else values.set(name, value);
  }
  const need = (name: string): string => {
    const v = values.get(name);
    if (v === undefined) throw new Error(`--${name} is required\n${CLI_USAGE}`);
    return v;
  };
  const jurisdiction = need('jurisdiction').toUpperCase();
  if (!(JURISDICTIONS as readonly string[]).includes(jurisdiction)) throw new Error(`--jurisdiction must be one of ${JURISDICTIONS.join(', ')}, got "${jurisdiction}"`);
  const currency = need('currency').toUpperCase();
  if (!isCurrency(currency)) throw new Error(`--currency "${currency}" is not an ISO 4217 code such as EUR`);
  const date = (name: string, v: string): string => {
    if (!isBusinessDate(v)) throw new Error(`--${name} "${v}" is not a date written YYYY-MM-DD`);
    return v;
  };
  const money = (name: string, v: string): string => {
    try {
      return toAmount(v, currency);
    } catch (e) {
      throw new Error(`--${name} "${v}": ${(e as Error).message}`);
    }
  };
  const amount = money('amount', need('amount'));
  const due = date('due', need('due'));
  const payments = paid.map((entry) => {
    const [name, p] = entry.split('\u0000') as [string, string];
    const m = /^(\d{4}-\d{2}-\d{2}):(.+)$/.exec(p);
    if (!m) throw new Error(`--${name} "${p}" must be DATE:AMOUNT, e.g. 2025-06-10:4000.00`);
    return { date: date(name, m[1] as string), amount: money(name, m[2] as string) };
  });
  const party = (name: string): Party | undefined => {
    const v = values.get(name);
    if (v === undefined) return undefined;
    if (v !== 'business' && v !== 'consumer') throw new Error(`--${name} must be business or consumer, got "${v}"`);
    return v;
  };
  const paidTotal = payments.reduce((a, p) => a.plus(p.amount), ZERO);
  const lastPayment = payments.map((p) => p.date).sort().at(-1);
  let asOf = values.get('as-of') ?? opts.today;
  if (asOf === undefined && lastPayment && paidTotal.gte(amount)) asOf = lastPayment;
  if (asOf === undefined) throw new Error(`--as-of is required while the invoice is not fully paid\n${CLI_USAGE}`);
  date('as-of', asOf);
  const contractRate = values.get('contract-rate')?.replace(/%$/, '');
  if (contractRate !== undefined && !/^\d+(\.\d+)?$/.test(contractRate)) throw new Error(`--contract-rate "${contractRate}" must be a percentage such as 12.5`);
  const dayCount = values.get('day-count');
  if (dayCount !== undefined && dayCount !== 'ACT/365F' && dayCount !== 'ACT/ACT') throw new Error(`--day-count must be ACT/365F or ACT/ACT`);
  const notice = values.get('notice');
  const input: PenaltyInput = { jurisdiction: jurisdiction as Jurisdiction, amount, currency, dueDate: due, asOf, payments };
  const debtor = party('debtor');
  const creditor = party('creditor');
  if (debtor) input.debtor = debtor;
  if (creditor) input.creditor = creditor;
  if (notice !== undefined) input.noticeDate = date('notice', notice);
  if (contractRate !== undefined) input.contractRate = contractRate;
  if (dayCount) input.dayCount = dayCount;
  if (opts.rates) input.rates = opts.rates;
  return computePenalty(input);
}
