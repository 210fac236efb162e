// Dated reductions of an invoice (payments, credit-note allocations) for the late-payment interest computation.
// Law §1.3: penalties run on what is still unpaid, so every reduction counts from its date; an amount settled on a date
// we do not know is taken as settled before interest starts, so that no letter claims interest on money already settled.
import { Dec, formatAmount, type CreditNote, type Invoice, type Payment } from '../model/index.js';
import type { DatedReduction } from '../model/collections.js';

/** Every dated reduction known per invoice, built once per evaluation from the payments and credit notes. */
export type ReductionIndex = ReadonlyMap<string, ReadonlyArray<DatedReduction & { note?: string }>>;

export function indexReductions(payments: readonly Payment[], creditNotes: readonly CreditNote[]): ReductionIndex {
  const out = new Map<string, Array<DatedReduction & { note?: string }>>();
  const add = (invoiceId: string, r: DatedReduction & { note?: string }) => {
    let l = out.get(invoiceId);
    if (!l) out.set(invoiceId, (l = []));
    l.push(r);
  };
  for (const p of payments) {
    if (p.status === 'void') continue;
    for (const a of p.allocations) add(a.invoiceExternalId, { date: p.date, amount: a.amount, source: `payment ${p.reference ?? p.externalId}` });
  }
  for (const cn of creditNotes) {
    if (cn.status === 'void' || cn.status === 'draft') continue;
    const name = cn.number ?? cn.externalId;
    for (const a of cn.allocations) {
      // QuickBooks credit memos carry no application date: the credit note's own date is the best fact we have.
      const r: DatedReduction & { note?: string } = { date: a.date ?? cn.issueDate, amount: a.amount, source: `credit note ${name}` };
      if (!a.date) r.note = `credit note ${name} gives no date for its ${a.amount}`;
      add(a.invoiceExternalId, r);
    }
  }
  return out;
}

export interface InvoiceReductions {
  reductions: DatedReduction[];
  /** Said in the action's explanation and the penalty warnings: what was assumed and why. */
  warnings: string[];
}

/**
 * The reductions that take the invoice from its total to its amount due, in date order. What the ERP shows as
 * settled beyond the dated reductions (a write-off, a credit we do not see) is dated on the due date, i.e. settled
 * before any interest runs: the claim can then only be understated, never overstated.
 */
export function reductionsFor(inv: Invoice, index: ReductionIndex): InvoiceReductions {
  const name = inv.number ?? inv.externalId;
  const known = [...(index.get(inv.externalId) ?? [])].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const warnings = known.filter((r) => r.note).map((r) => `CREDIT_DATE_ASSUMED: ${r.note} applied to ${name}; its own date ${r.date} is used`);
  const reductions: DatedReduction[] = known.filter((r) => new Dec(r.amount).gt(0)).map(({ date, amount, source }) => ({ date, amount, source }));
  const settled = new Dec(inv.total).minus(inv.amountDue);
  const dated = reductions.reduce((a, r) => a.plus(r.amount), new Dec(0));
  const gap = settled.minus(dated);
  if (gap.gt(0)) {
    const amount = formatAmount(gap, inv.currency);
    reductions.unshift({ date: inv.dueDate, amount, source: 'settled on unknown dates' });
    warnings.push(`REDUCTION_DATES_UNKNOWN: ${amount} of ${name} was settled on dates the ERP does not give; no interest is claimed on it`);
  } else if (gap.lt(0) && dated.gt(0)) {
    warnings.push(`REDUCTIONS_EXCEED_SETTLED: payments and credits applied to ${name} exceed its total minus its amount due by ${formatAmount(gap.neg(), inv.currency)}; check the allocations in the ERP`);
  }
  return { reductions, warnings };
}
