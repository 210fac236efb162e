// Seeds a deterministic company from the kit's company plan: QBO customers, invoices, credit memos (applied by zero payments) and payments.
import { planCompany, type PlanCustomer } from '../../../src/simulator/company.js';
import { createRandom, type Random } from '../../../src/simulator/prng.js';
import { ITEMS, TERMS } from './catalog.js';
import type { Zone } from './format.js';
import { computeCustomerBalance, type Store } from './store.js';
import type { CreditMemoRec, CustomerRec, InvoiceRec, LineRec, PaymentRec } from './types.js';

export interface SeedCounts {
  seed: number;
  customers: number;
  invoices: number;
  creditNotes: number;
  /** At most this many customer payments; default: as the customers' habits make them. */
  payments?: number;
}

const DAY = 86_400_000;
const CREDIT_LINK_NOTE = 'Created by QB Online to link credits to charges.';

export function seedCompany(store: Store, counts: SeedCounts): void {
  const { zone, currency, taxPercent } = store.ctx;
  const now = Math.floor(store.ctx.now() / 1000) * 1000;
  const today = zone.localDate(now);
  const plan = planCompany({ ...counts, today, drafts: false, deletions: false, ...(counts.payments === undefined ? {} : { payments: counts.payments }) });
  // Only what the plan does not say is drawn here (ids, QBO-only fields), from a stream of its own.
  const r = createRandom(counts.seed ^ 0x9b0);
  // An instant on `date`; today's times that would fall after now are folded back into the past hour.
  const at = (date: string, minuteOfDay: number): number => {
    const t = dayStart(zone, date) + minuteOfDay * 60_000 + r.int(0, 59) * 1000;
    return t < now ? t : now - 1000 - ((t - now) % 3_600_000);
  };

  const customers = plan.customers.map((c) => makeCustomer(r, c, now, currency));
  const txns: (InvoiceRec | CreditMemoRec | PaymentRec)[] = [];
  const taxOf = (lines: LineRec[]) => Math.round((lines.reduce((s, l) => s + l.amount, 0) * Math.round(taxPercent * 100)) / 10_000);

  // QuickBooks has no draft invoices, and a deleted one leaves no record: the plan has neither.
  const invoices = new Map<number, InvoiceRec>();
  plan.invoices.forEach((p, i) => {
    const customer = customers[p.customer]!;
    const createMs = at(p.issueDate, p.minuteOfDay);
    const lines: LineRec[] = p.lines.map((l) => ({ description: l.description, itemId: ITEMS[l.service]!.id, unit: l.unitMinor, qty: l.quantity, amount: l.unitMinor * l.quantity }));
    const tax = taxOf(lines);
    const total = lines.reduce((s, l) => s + l.amount, 0) + tax;
    const inv: InvoiceRec = {
      kind: 'Invoice', id: '', num: 0, syncToken: 0, createMs, updatedMs: createMs, docNumber: '', txnDate: p.issueDate,
      dueDate: p.dueDate, termId: customer.termId, customer, lines, tax, total, balance: total,
      customFields: [], emailStatus: p.sent ? 'EmailSent' : 'NotSet', billEmail: customer.email, voided: false, links: [],
      ...(p.sent ? { deliveryMs: Math.min(createMs + r.int(60, 3600) * 1000, now - 1000) } : {}),
      ...(r.chance(0.6) ? { customerMemo: 'Merci pour votre confiance. Paiement par virement à réception.' } : {}),
    };
    if (inv.deliveryMs) inv.syncToken += 1;
    // QuickBooks zeroes a voided invoice and notes it.
    if (p.state === 'void') {
      for (const l of inv.lines) Object.assign(l, { amount: 0, qty: 0 });
      Object.assign(inv, { voided: true, tax: 0, total: 0, balance: 0, privateNote: 'Voided', updatedMs: Math.min(createMs + r.int(1, 5) * DAY, now - 1000), syncToken: inv.syncToken + 1 });
    }
    invoices.set(i, inv);
    customer.invoices.push(inv);
    txns.push(inv);
  });

  // Credit memos; one allocated to an invoice is applied by a zero-amount Payment, as QBO does.
  for (const c of plan.credits) {
    const customer = customers[c.customer]!;
    const createMs = at(c.date, c.minuteOfDay);
    const item = ITEMS[c.service]!;
    const lines: LineRec[] = [{ description: `Avoir : ${item.name.toLowerCase()}`, itemId: item.id, unit: c.netMinor, qty: 1, amount: c.netMinor }];
    const total = c.netMinor + taxOf(lines);
    const cm: CreditMemoRec = {
      kind: 'CreditMemo', id: '', num: 0, syncToken: 0, createMs, updatedMs: createMs, docNumber: '', txnDate: c.date, customer, lines, tax: total - c.netMinor,
      total, remaining: total, customFields: [], emailStatus: 'NotSet', voided: false, links: [],
      ...(r.chance(0.5) ? { privateNote: 'Geste commercial suite réclamation' } : {}),
    };
    customer.creditMemos.push(cm);
    txns.push(cm);
    const inv = c.invoice === undefined ? undefined : invoices.get(c.invoice);
    const applied = inv ? Math.min(cm.remaining, inv.balance) : 0;
    if (inv && applied > 0) {
      const p = makePayment(customer, c.date, Math.min(createMs + 600_000, now - 1000), 0, CREDIT_LINK_NOTE);
      apply(p, inv, applied);
      apply(p, cm, applied);
      customer.payments.push(p);
      txns.push(p);
    }
  }

  // Customer payments, as the customers' habits made them.
  for (const pp of plan.payments) {
    const targets = pp.applies.map((a) => ({ inv: invoices.get(a.invoice), share: a.share })).filter((a): a is { inv: InvoiceRec; share: 'full' | number } => !!a.inv && a.inv.balance > 0);
    if (!targets.length) continue;
    const first = targets[0]!.inv;
    const createMs = Math.max(at(pp.date, pp.minuteOfDay), Math.min(first.createMs + 60_000, now - 1000));
    const p = makePayment(first.customer, pp.date, createMs, 0, undefined);
    if (pp.reference) {
      p.refNum = pp.reference;
      p.methodId = pp.method === 'transfer' ? '3' : '2';
    }
    for (const t of targets) apply(p, t.inv, t.share === 'full' ? t.inv.balance : Math.max(1, Math.min(t.inv.balance - 1, Math.round((t.inv.balance * t.share) / 100))));
    p.total = p.lines.reduce((s, l) => s + l.amount, 0);
    first.customer.payments.push(p);
    txns.push(p);
  }

  // Customers in creation order; ids follow it. Transaction ids follow creation order across entities (one QBO sequence).
  const order = customers.map((c, i) => ({ c, i })).sort((a, b) => a.c.createMs - b.c.createMs);
  order.forEach(({ c }, n) => {
    c.num = n + 1;
    c.id = String(n + 1);
    c.addr.id = String(100 + n);
  });
  txns.sort((a, b) => a.createMs - b.createMs);
  let doc = 1001;
  txns.forEach((t, i) => {
    t.num = i + 1;
    t.id = String(i + 1);
    if (t.kind !== 'Payment') t.docNumber = String(doc++);
  });

  for (const { c, i } of order) {
    let last = c.createMs;
    for (const t of [...c.invoices, ...c.creditMemos, ...c.payments]) last = Math.max(last, t.updatedMs);
    c.updatedMs = floorSec(last);
    c.balance = computeCustomerBalance(c);
    // A customer with no activity was made inactive (QBO refuses to deactivate one with a balance).
    if (plan.customers[i]!.dormant) {
      c.active = false;
      c.syncToken = 1;
      c.updatedMs = floorSec(Math.min(c.createMs + r.int(30, 120) * DAY, now - 1000));
    }
    store.customers.add(c);
  }
  for (const t of txns) {
    t.createMs = floorSec(t.createMs);
    t.updatedMs = floorSec(Math.max(t.updatedMs, t.createMs));
    store.table(t.kind).add(t as never);
  }
  store.nextCustomerNum = customers.length + 1;
  store.nextTxnNum = txns.length + 1;
  store.nextDocNumber = doc;
}

function apply(p: PaymentRec, target: InvoiceRec | CreditMemoRec, amount: number): void {
  if (amount <= 0) return;
  p.lines.push({ amount, target });
  if (target.kind === 'Invoice') target.balance -= amount;
  else target.remaining -= amount;
  target.links.push(p);
  target.syncToken += 1;
  target.updatedMs = Math.max(target.updatedMs, p.createMs);
}

function makePayment(customer: CustomerRec, txnDate: string, createMs: number, total: number, privateNote: string | undefined): PaymentRec {
  return {
    kind: 'Payment', id: '', num: 0, syncToken: 0, createMs, updatedMs: createMs, txnDate, customer, total, lines: [], voided: false,
    ...(privateNote ? { privateNote } : {}),
  };
}

/** The plan's customer as a QBO Customer (no id yet: ids follow creation order). */
function makeCustomer(r: Random, c: PlanCustomer, now: number, currency: string): CustomerRec {
  const createMs = floorSec(now - c.createdDaysAgo * DAY + r.int(0, 86_399) * 1000);
  return {
    kind: 'Customer', id: '', num: 0, syncToken: 0, createMs, updatedMs: createMs, displayName: c.trade + c.form, companyName: c.trade + c.form,
    givenName: c.given, familyName: c.family, ...(c.email ? { email: c.email } : {}), phone: c.phone,
    addr: { id: '', line1: c.street, city: c.city, postalCode: c.postalCode, country: c.country },
    active: true, currency, termId: termIdOf(c.termDays), v4: `0020${hex(r, 34)}`, preferredDelivery: c.email ? 'Email' : 'Print', balance: 0,
    invoices: [], creditMemos: [], payments: [],
  };
}

function termIdOf(days: number): string {
  return TERMS.find((t) => t.days === days)?.id ?? '3';
}

function dayStart(zone: Zone, date: string): number {
  return zone.parse(date) ?? Date.parse(`${date}T00:00:00Z`);
}

function floorSec(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

function hex(r: Random, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[r.int(0, 15)];
  return s;
}
