// Receivables of one currency at any date, rebuilt from the synced snapshot by rolling back later payments and credits.
//
// Why roll back rather than replay: the synced `amountDue` is the ledger's own figure (it includes
// write-offs and adjustments we may not see as allocations), so "open today" must equal it exactly. The
// open amount at an earlier date D is `amountDue + Σ clearings dated after D`, bounded to [0, total];
// an invoice issued after D owed nothing yet. Payment allocations are dated by the payment's value date,
// credit-note allocations by their own date, else the credit note's issue date. Draft and void invoices,
// void payments and void/draft credit notes are left out (the ledger gives no void date).
import { Decimal } from 'decimal.js';
import type { CreditNote, Invoice, Payment } from '../model/index.js';
import { Dec, addDays, daysBetween, formatAmount } from '../model/index.js';
import type { OpenItem, PaidItem } from './formulas.js';

interface Clearing {
  date: string;
  amount: Decimal;
  kind: 'payment' | 'credit';
}

export interface LedgerInvoice {
  invoice: Invoice;
  total: Decimal;
  amountDue: Decimal;
  /** Payments and credits applied to it, in date order. */
  clearings: Clearing[];
  /** Date of the latest clearing ('' when none) and today's balance bounded to [0, total]: the fast path of openAt. */
  lastClearing: string;
  openNow: Decimal;
}

export interface Ledger {
  currency: string;
  invoices: LedgerInvoice[];
  payments: Payment[];
  creditNotes: CreditNote[];
  /** Facts we could not use, said in words for the dashboard. */
  warnings: string[];
  /** Invoice totals by issue date, so period sales cost one lookup per day rather than a pass over all invoices. */
  salesByDay: Map<string, Decimal>;
}

export interface Facts {
  invoices: readonly Invoice[];
  payments: readonly Payment[];
  creditNotes: readonly CreditNote[];
}

const dec = (v: Decimal.Value) => new Dec(v);
const ZERO = dec(0);

/** Indexes the facts of one currency; records in other currencies are ignored (no FX conversion). */
export function buildLedger(facts: Facts, currency: string): Ledger {
  const warnings: string[] = [];
  const invoices = facts.invoices.filter((i) => i.currency === currency && i.status !== 'draft' && i.status !== 'void');
  const byId = new Map<string, LedgerInvoice>();
  for (const invoice of invoices) byId.set(invoice.externalId, { invoice, total: dec(invoice.total), amountDue: dec(invoice.amountDue), clearings: [], lastClearing: '', openNow: dec(0) });

  const payments = facts.payments.filter((p) => p.status !== 'void');
  let foreign = 0;
  for (const p of payments) {
    for (const a of p.allocations) {
      const target = byId.get(a.invoiceExternalId);
      if (!target) continue;
      if (p.currency !== currency) {
        foreign += 1;
        continue;
      }
      target.clearings.push({ date: p.date, amount: dec(a.amount), kind: 'payment' });
    }
  }
  if (foreign > 0) warnings.push(`${foreign} payment allocation(s) to ${currency} invoices were made in another currency and are left out of the history of those invoices`);

  const creditNotes = facts.creditNotes.filter((c) => c.currency === currency && c.status !== 'void' && c.status !== 'draft');
  for (const c of creditNotes) {
    for (const a of c.allocations) {
      const target = byId.get(a.invoiceExternalId);
      if (target) target.clearings.push({ date: a.date ?? c.issueDate, amount: dec(a.amount), kind: 'credit' });
    }
  }
  const salesByDay = new Map<string, Decimal>();
  for (const li of byId.values()) {
    li.clearings.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    li.lastClearing = li.clearings.length ? li.clearings[li.clearings.length - 1]!.date : '';
    li.openNow = Decimal.max(0, Decimal.min(li.total, li.amountDue));
    const d = li.invoice.issueDate;
    salesByDay.set(d, (salesByDay.get(d) ?? dec(0)).plus(li.total));
  }
  return { currency, invoices: [...byId.values()], payments: payments.filter((p) => p.currency === currency), creditNotes, warnings, salesByDay };
}

/** What the invoice still owed at the end of `date`. */
export function openAt(li: LedgerInvoice, date: string): Decimal {
  if (li.invoice.issueDate > date) return ZERO;
  if (li.lastClearing <= date) return li.openNow;
  let open = li.amountDue;
  for (const c of li.clearings) if (c.date > date) open = open.plus(c.amount);
  return Decimal.max(0, Decimal.min(li.total, open));
}

/** Open items (due date, amount owed) at the end of `date`, zero balances left out. */
export function openItemsAt(ledger: Ledger, date: string): OpenItem[] {
  const out: OpenItem[] = [];
  for (const li of ledger.invoices) {
    const open = openAt(li, date);
    if (open.gt(0)) out.push({ dueDate: li.invoice.dueDate, amount: formatAmount(open, ledger.currency) });
  }
  return out;
}

export interface ReceivablesAt {
  /** Σ open invoice amounts. */
  total: string;
  /** Of which not yet past due (due date ≥ date). */
  current: string;
  pastDue: string;
  openInvoices: number;
}

/** Gross receivables at the end of `date`: open invoices only (unapplied credits and cash are reported apart). */
export function receivablesAt(ledger: Ledger, date: string): ReceivablesAt {
  let total = dec(0);
  let current = dec(0);
  let n = 0;
  for (const li of ledger.invoices) {
    const open = openAt(li, date);
    if (open.lte(0)) continue;
    n += 1;
    total = total.plus(open);
    if (li.invoice.dueDate >= date) current = current.plus(open);
  }
  const c = ledger.currency;
  return { total: formatAmount(total, c), current: formatAmount(current, c), pastDue: formatAmount(total.minus(current), c), openInvoices: n };
}

/** Invoice totals issued in [from, to] (gross credit sales; credit notes act through their allocations). */
export function billings(ledger: Ledger, from: string, to: string): string {
  let sum = dec(0);
  if (daysBetween(from, to) > ledger.salesByDay.size) {
    for (const [d, v] of ledger.salesByDay) if (d >= from && d <= to) sum = sum.plus(v);
  } else {
    for (let d = from; d <= to; d = addDays(d, 1)) {
      const v = ledger.salesByDay.get(d);
      if (v) sum = sum.plus(v);
    }
  }
  return formatAmount(sum, ledger.currency);
}

/** Credit-note totals issued in [from, to], shown beside sales so a reader sees what was credited. */
export function credited(ledger: Ledger, from: string, to: string): string {
  let sum = dec(0);
  for (const c of ledger.creditNotes) if (c.issueDate >= from && c.issueDate <= to) sum = sum.plus(c.total);
  return formatAmount(sum, ledger.currency);
}

/** Cash received in [from, to]: posted payments by value date, applied or not; credit notes never count (§7 hygiene). */
export function cashCollected(ledger: Ledger, from: string, to: string): string {
  let sum = dec(0);
  for (const p of ledger.payments) if (p.date >= from && p.date <= to) sum = sum.plus(p.amount);
  return formatAmount(sum, ledger.currency);
}

/** Unapplied credit (credit notes issued by `date`, not yet allocated then) and unapplied cash at the end of `date`. */
export function unappliedAt(ledger: Ledger, date: string): { credits: string; cash: string } {
  let credits = dec(0);
  for (const c of ledger.creditNotes) {
    if (c.issueDate > date) continue;
    let rem = dec(c.remaining);
    for (const a of c.allocations) if ((a.date ?? c.issueDate) > date) rem = rem.plus(a.amount);
    credits = credits.plus(Decimal.min(rem, c.total));
  }
  let cash = dec(0);
  for (const p of ledger.payments) if (p.date <= date) cash = cash.plus(p.unapplied);
  return { credits: formatAmount(credits, ledger.currency), cash: formatAmount(cash, ledger.currency) };
}

/**
 * The day an invoice was cleared (open balance reached zero), or null while it is still owed at `asOf`.
 * Undetermined (null) when the ledger says it is settled but no dated clearing explains it.
 */
export function clearedOn(li: LedgerInvoice, asOf: string): string | null {
  if (openAt(li, asOf).gt(0)) return null;
  for (const c of li.clearings) {
    if (c.date > asOf) break;
    if (openAt(li, c.date).lte(0)) return c.date;
  }
  return null;
}

/**
 * Invoices paid (cleared, at least in part by a payment) with the clearing date in [from, to]; an invoice
 * cleared by credit notes alone was cancelled, not paid, and is left out. Also counts settled invoices
 * whose payment date is unknown.
 */
export function paidItems(ledger: Ledger, from: string, to: string): { items: PaidItem[]; undated: number } {
  const items: PaidItem[] = [];
  let undated = 0;
  for (const li of ledger.invoices) {
    if (li.invoice.issueDate > to) continue;
    const on = clearedOn(li, to);
    if (on === null) {
      if (li.amountDue.lte(0) && li.clearings.length === 0 && li.invoice.status === 'paid') undated += 1;
      continue;
    }
    if (on < from) continue;
    if (!li.clearings.some((c) => c.kind === 'payment' && c.date <= on)) continue;
    items.push({ dueDate: li.invoice.dueDate, paidOn: on, amount: formatAmount(li.total, ledger.currency) });
  }
  return { items, undated };
}

/** Amount falling due in [from, to], and how much of it had been cleared by `to` (due-based collection rate). */
export function fallingDue(ledger: Ledger, from: string, to: string): { fallingDue: string; collected: string } {
  let due = dec(0);
  let got = dec(0);
  for (const li of ledger.invoices) {
    const d = li.invoice.dueDate;
    if (d < from || d > to || li.invoice.issueDate > to) continue;
    due = due.plus(li.total);
    let cash = dec(0);
    for (const c of li.clearings) if (c.kind === 'payment' && c.date <= to) cash = cash.plus(c.amount);
    got = got.plus(Decimal.min(cash, li.total));
  }
  return { fallingDue: formatAmount(due, ledger.currency), collected: formatAmount(got, ledger.currency) };
}

/** The period of `days` days ending on `asOf` inclusive, and the day before it starts (where "beginning AR" is read). */
export function periodEnding(asOf: string, days: number): { from: string; to: string; before: string } {
  if (!Number.isInteger(days) || days < 1) throw new Error(`periodDays must be a positive whole number of days, got ${days}`);
  const from = addDays(asOf, -(days - 1));
  return { from, to: asOf, before: addDays(from, -1) };
}

/** Day-count convention of the count-back: actual calendar days, or every month 30 days (§7.2: store which). */
export type MonthConvention = 'actual' | '30-day';

export interface CountBackPeriod {
  month: string;
  from: string;
  to: string;
  days: number;
}

/**
 * The months of a count-back ending on `asOf`, most recent first: the month of `asOf` from its 1st to
 * `asOf` (a partial month counts only its elapsed days), then `months − 1` whole calendar months before it.
 * Under '30-day' a whole month counts 30 days and a partial one min(elapsed days, 30).
 */
export function countBackPeriods(asOf: string, months: number, convention: MonthConvention = 'actual'): CountBackPeriod[] {
  if (!Number.isInteger(months) || months < 1) throw new Error(`count-back months must be a positive whole number, got ${months}`);
  const out: CountBackPeriod[] = [];
  let to = asOf;
  for (let i = 0; i < months; i += 1) {
    const from = `${to.slice(0, 7)}-01`;
    const elapsed = Number(to.slice(8, 10));
    const wholeMonth = addDays(to, 1).slice(8, 10) === '01';
    const days = convention === 'actual' ? elapsed : wholeMonth ? 30 : Math.min(elapsed, 30);
    out.push({ month: to.slice(0, 7), from, to, days });
    to = addDays(from, -1);
  }
  return out;
}
