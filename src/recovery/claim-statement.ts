// Claim statement for a recovery file (issue #25 point 1): per invoice and per rate period, exact to the cent.
// Every figure comes from the penalty engine (src/rules/late-payment-interest.ts, computePenalty); this module only
// gathers, groups and adds the already-rounded amounts, so the statement and the engine can never disagree.
import { Dec, formatAmount } from '../model/index.js';
import { computePenalty, type Party, type PenaltySegment } from '../rules/index.js';
import type { RateBook } from '../rules/rate-tables.js';

/** The jurisdictions a recovery file is written for: a French requête / petites créances, a UK Letter of Claim. */
export const CLAIM_JURISDICTIONS = ['FR', 'UK'] as const;
export type ClaimJurisdiction = (typeof CLAIM_JURISDICTIONS)[number];

const HOME_CURRENCY: Record<ClaimJurisdiction, string> = { FR: 'EUR', UK: 'GBP' };

export interface ClaimInvoiceInput {
  number: string;
  issueDate: string;
  dueDate: string;
  /** Gross amount, decimal string. */
  amount: string;
  /** Dated reductions (payments, credit notes applied); principal-first, as the engine allocates them. */
  payments?: ReadonlyArray<{ date: string; amount: string }>;
}

export interface ClaimInput {
  jurisdiction: ClaimJurisdiction;
  currency: string;
  /** Last day of interest counted (inclusive). */
  asOf: string;
  debtor?: Party;
  invoices: ReadonlyArray<ClaimInvoiceInput>;
  rates?: RateBook;
}

export interface ClaimLine {
  number: string;
  issueDate: string;
  dueDate: string;
  amount: string;
  paid: string;
  principalDue: string;
  segments: PenaltySegment[];
  interest: string;
  compensation: string;
  total: string;
}

export interface ClaimPeriod {
  /** Half-year the rate belongs to, e.g. 2025-H2. */
  period: string;
  rate: string;
  referenceRate: string | null;
  margin: string | null;
  days: number;
  interest: string;
}

export interface ClaimStatement {
  jurisdiction: ClaimJurisdiction;
  regime: string;
  currency: string;
  asOf: string;
  lines: ClaimLine[];
  periods: ClaimPeriod[];
  totals: { amount: string; paid: string; principalDue: string; interest: string; compensation: string; claimed: string };
  warnings: string[];
}

/**
 * Builds the statement. Throws on a currency the jurisdiction's fixed compensation is not stated in (a French file
 * claims euros, a UK letter pounds) and on an empty list: a file with nothing to claim is refused, not printed.
 */
export function buildClaimStatement(input: ClaimInput): ClaimStatement {
  if (!(CLAIM_JURISDICTIONS as readonly string[]).includes(input.jurisdiction)) throw new Error(`a recovery file is written for FR or UK, not "${input.jurisdiction}"`);
  const home = HOME_CURRENCY[input.jurisdiction];
  if (input.currency !== home) throw new Error(`a ${input.jurisdiction} recovery file claims ${home}; these invoices are in ${input.currency}`);
  if (input.invoices.length === 0) throw new Error('no invoice to claim');
  const seen = new Set<string>();
  const warnings: string[] = [];
  const lines: ClaimLine[] = [];
  let regime = '';
  for (const inv of input.invoices) {
    if (seen.has(inv.number)) throw new Error(`invoice ${inv.number} listed twice`);
    seen.add(inv.number);
    const r = computePenalty({
      jurisdiction: input.jurisdiction,
      amount: inv.amount,
      currency: input.currency,
      dueDate: inv.dueDate,
      asOf: input.asOf,
      payments: inv.payments ?? [],
      debtor: input.debtor ?? 'business',
      ...(input.rates ? { rates: input.rates } : {}),
    });
    regime = r.regime;
    for (const w of r.warnings) warnings.push(`${inv.number}: ${w}`);
    const paid = (inv.payments ?? []).filter((p) => p.date <= input.asOf).reduce((a, p) => a.plus(p.amount), new Dec(0));
    const principalDue = Dec.max(new Dec(inv.amount).minus(paid), new Dec(0));
    const compensation = r.compensationCurrency === input.currency ? r.compensation : '0';
    lines.push({
      number: inv.number,
      issueDate: inv.issueDate,
      dueDate: inv.dueDate,
      amount: formatAmount(new Dec(inv.amount), input.currency),
      paid: formatAmount(paid, input.currency),
      principalDue: formatAmount(principalDue, input.currency),
      segments: r.segments,
      interest: r.interest,
      compensation: formatAmount(new Dec(compensation), input.currency),
      total: formatAmount(principalDue.plus(r.interest).plus(compensation), input.currency),
    });
  }
  const byKey = new Map<string, ClaimPeriod>();
  for (const line of lines) {
    for (const s of line.segments) {
      const key = `${s.period}\u0000${s.rate}`;
      const p = byKey.get(key) ?? { period: s.period, rate: s.rate, referenceRate: s.referenceRate, margin: s.margin, days: 0, interest: '0' };
      p.days += s.days;
      p.interest = new Dec(p.interest).plus(s.interest).toString();
      byKey.set(key, p);
    }
  }
  const periods = [...byKey.values()]
    .sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0))
    .map((p) => ({ ...p, interest: formatAmount(new Dec(p.interest), input.currency) }));
  const sum = (pick: (l: ClaimLine) => string) => lines.reduce((a, l) => a.plus(pick(l)), new Dec(0));
  const c = input.currency;
  return {
    jurisdiction: input.jurisdiction,
    regime,
    currency: c,
    asOf: input.asOf,
    lines,
    periods,
    totals: {
      amount: formatAmount(sum((l) => l.amount), c),
      paid: formatAmount(sum((l) => l.paid), c),
      principalDue: formatAmount(sum((l) => l.principalDue), c),
      interest: formatAmount(sum((l) => l.interest), c),
      compensation: formatAmount(sum((l) => l.compensation), c),
      claimed: formatAmount(sum((l) => l.total), c),
    },
    warnings,
  };
}
