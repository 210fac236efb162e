// Seeds a deterministic company: customers, invoices over the last 180 days, payments, credit memos and voids.
import { createRandom, type Random } from '../../../src/simulator/prng.js';
import * as cat from './catalog.js';
import { addDays, type Zone } from './format.js';
import { computeCustomerBalance, type Store } from './store.js';
import type { CreditMemoRec, CustomerRec, InvoiceRec, LineRec, PaymentRec } from './types.js';

export interface SeedCounts {
  seed: number;
  customers: number;
  invoices: number;
  creditNotes: number;
  payments: number;
}

const DAY = 86_400_000;
const CREDIT_LINK_NOTE = 'Created by QB Online to link credits to charges.';

export function seedCompany(store: Store, counts: SeedCounts): void {
  const r = createRandom(counts.seed);
  const { zone, currency, taxPercent } = store.ctx;
  const now = Math.floor(store.ctx.now() / 1000) * 1000;
  const today = zone.localDate(now);
  // A time on `date`; today's times that would fall after now are folded back into the past hour.
  const at = (date: string, secondsIntoDay: number): number => {
    const t = dayStart(zone, date) + secondsIntoDay * 1000;
    return t < now ? t : now - 1000 - ((t - now) % 3_600_000);
  };

  // Customers: a few extra inactive ones with no transactions (QBO refuses to deactivate a customer with a balance).
  const inactiveCount = counts.customers >= 10 ? Math.max(1, Math.round(counts.customers * 0.04)) : 0;
  const names = new Set<string>();
  const customers: CustomerRec[] = [];
  for (let i = 0; i < counts.customers + inactiveCount; i++) customers.push(makeCustomer(r, names, now, currency));
  customers.sort((a, b) => a.createMs - b.createMs);
  customers.forEach((c, i) => {
    c.num = i + 1;
    c.id = String(i + 1);
    c.addr.id = String(100 + i);
  });
  const inactive = new Set<CustomerRec>();
  while (inactive.size < inactiveCount) inactive.add(customers[r.int(0, customers.length - 1)] as CustomerRec);
  const active = customers.filter((c) => !inactive.has(c));

  const txns: (InvoiceRec | CreditMemoRec | PaymentRec)[] = [];
  const taxOf = (lines: LineRec[]) => Math.round((lines.reduce((s, l) => s + l.amount, 0) * Math.round(taxPercent * 100)) / 10_000);

  // Invoices.
  const invoices: InvoiceRec[] = [];
  for (let i = 0; i < counts.invoices && active.length; i++) {
    const customer = active[Math.floor(Math.pow(r.next(), 1.6) * active.length)] as CustomerRec;
    const txnDate = addDays(today, -r.int(0, 179));
    const createMs = at(txnDate, r.int(8 * 3600, 18 * 3600));
    const lines: LineRec[] = [];
    for (let n = r.int(1, 4); n > 0; n--) {
      const item = r.pick(cat.ITEMS);
      const qty = item.id === '7' ? r.int(4, 40) : r.int(1, item.id === '8' ? 12 : 3);
      const unit = Math.round(r.int(item.min, item.max) / 50) * 50;
      lines.push({ description: r.pick(cat.LINE_DESCRIPTIONS[item.id] ?? [item.name]), itemId: item.id, unit, qty, amount: unit * qty });
    }
    const tax = taxOf(lines);
    const total = lines.reduce((s, l) => s + l.amount, 0) + tax;
    const emailed = r.chance(0.85);
    const inv: InvoiceRec = {
      kind: 'Invoice', id: '', num: 0, syncToken: 0, createMs, updatedMs: createMs, docNumber: '', txnDate,
      dueDate: addDays(txnDate, cat.termById(customer.termId).days), termId: customer.termId, customer, lines, tax, total, balance: total,
      customFields: [], emailStatus: emailed ? 'EmailSent' : 'NotSet', billEmail: customer.email, voided: false, links: [],
      ...(emailed ? { deliveryMs: Math.min(createMs + r.int(60, 3600) * 1000, now - 1000) } : {}),
      ...(r.chance(0.6) ? { customerMemo: 'Merci pour votre confiance. Paiement par virement à réception.' } : {}),
    };
    if (inv.deliveryMs) inv.syncToken += 1;
    invoices.push(inv);
    customer.invoices.push(inv);
    txns.push(inv);
  }

  // A few voided invoices (never paid ones).
  const voidCount = Math.round(invoices.length * 0.03);
  for (let k = 0; k < voidCount; k++) {
    const inv = invoices[r.int(0, invoices.length - 1)] as InvoiceRec;
    if (inv.voided) continue;
    inv.voided = true;
    for (const l of inv.lines) {
      l.amount = 0;
      l.qty = 0;
    }
    inv.tax = 0;
    inv.total = 0;
    inv.balance = 0;
    inv.privateNote = 'Voided';
    inv.updatedMs = Math.min(inv.createMs + r.int(1, 5) * DAY, now - 1000);
    inv.syncToken += 1;
  }

  // Credit memos; some applied to an open invoice of the same customer by a zero-amount Payment, as QBO does.
  const withInvoices = active.filter((c) => c.invoices.length > 0);
  for (let i = 0; i < counts.creditNotes && withInvoices.length; i++) {
    const customer = r.pick(withInvoices);
    const txnDate = addDays(today, -r.int(0, 150));
    const createMs = at(txnDate, r.int(8 * 3600, 18 * 3600));
    const item = r.pick(cat.ITEMS);
    const amount = r.int(20, 500) * 100;
    const lines: LineRec[] = [{ description: `Avoir : ${item.name.toLowerCase()}`, itemId: item.id, unit: amount, qty: 1, amount }];
    const tax = taxOf(lines);
    const cm: CreditMemoRec = {
      kind: 'CreditMemo', id: '', num: 0, syncToken: 0, createMs, updatedMs: createMs, docNumber: '', txnDate, customer, lines, tax,
      total: amount + tax, remaining: amount + tax, customFields: [], emailStatus: 'NotSet', voided: false, links: [],
      ...(r.chance(0.5) ? { privateNote: 'Geste commercial suite réclamation' } : {}),
    };
    customer.creditMemos.push(cm);
    txns.push(cm);
    if (r.chance(0.4)) {
      const inv = randomOpen(r, customer.invoices, createMs);
      if (inv) {
        const applied = Math.min(cm.remaining, inv.balance);
        const p = makePayment(customer, cm.txnDate, Math.min(createMs + 600_000, now - 1000), 0, CREDIT_LINK_NOTE);
        apply(p, inv, applied);
        apply(p, cm, applied);
        customer.payments.push(p);
        txns.push(p);
      }
    }
  }

  // Customer payments: mostly in full, some partial, some covering two invoices.
  const open = invoices.filter((i) => i.balance > 0);
  for (let i = 0; i < counts.payments && open.length; i++) {
    const idx = r.int(0, open.length - 1);
    const inv = open[idx] as InvoiceRec;
    if (inv.balance <= 0) {
      open[idx] = open[open.length - 1] as InvoiceRec;
      open.pop();
      i--;
      continue;
    }
    const daysSince = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${inv.txnDate}T00:00:00Z`)) / DAY);
    let offset = r.int(0, cat.termById(inv.termId).days + 40);
    if (offset > daysSince) offset = r.int(0, daysSince);
    const payDate = addDays(inv.txnDate, offset);
    const createMs = Math.max(at(payDate, r.int(8 * 3600, 18 * 3600)), Math.min(inv.createMs + 60_000, now - 1000));
    const p = makePayment(inv.customer, payDate, createMs, 0, undefined);
    if (r.chance(0.45)) {
      p.refNum = r.chance(0.7) ? `VIR-${r.int(100000, 999999)}` : `CHQ ${r.int(1000000, 9999999)}`;
      p.methodId = p.refNum.startsWith('VIR') ? '3' : '2';
    }
    const roll = r.next();
    if (roll < 0.2) {
      const part = Math.max(100, Math.round((inv.balance * r.int(20, 80)) / 100 / 100) * 100);
      apply(p, inv, Math.min(part, inv.balance - 1));
    } else {
      apply(p, inv, inv.balance);
      const other = roll > 0.85 ? randomOpen(r, inv.customer.invoices, createMs) : undefined;
      if (other && other !== inv) apply(p, other, other.balance);
    }
    p.total = p.lines.reduce((s, l) => s + l.amount, 0);
    if (p.total <= 0) continue;
    inv.customer.payments.push(p);
    txns.push(p);
  }

  // Ids follow creation order across all transactions (QBO numbers Invoice, Payment and CreditMemo from one sequence).
  txns.sort((a, b) => a.createMs - b.createMs);
  let doc = 1001;
  txns.forEach((t, i) => {
    t.num = i + 1;
    t.id = String(i + 1);
    if (t.kind !== 'Payment') t.docNumber = String(doc++);
  });

  for (const c of customers) {
    let last = c.createMs;
    for (const t of [...c.invoices, ...c.creditMemos, ...c.payments]) last = Math.max(last, t.updatedMs);
    c.updatedMs = floorSec(last);
    c.balance = computeCustomerBalance(c);
    if (inactive.has(c)) {
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

/** An open invoice created before `before`, found by a few random probes (no scan: seeding must stay linear). */
function randomOpen(r: Random, invoices: InvoiceRec[], before: number): InvoiceRec | undefined {
  for (let k = 0; k < 6 && invoices.length; k++) {
    const inv = invoices[r.int(0, invoices.length - 1)] as InvoiceRec;
    if (inv.balance > 0 && !inv.voided && inv.createMs < before) return inv;
  }
  return undefined;
}

function makeCustomer(r: Random, names: Set<string>, now: number, currency: string): CustomerRec {
  const french = r.chance(0.6);
  let company: string;
  let given: string;
  let family: string;
  let email: string | undefined;
  let phone: string;
  let city: readonly [string, string];
  let street: string;
  if (french) {
    family = r.pick(cat.FRENCH_SURNAMES);
    given = r.pick(cat.FRENCH_GIVEN);
    const base = `${r.pick(cat.FRENCH_TRADES)} ${family}`;
    company = base + r.pick(cat.FRENCH_FORMS);
    email = `${r.pick(['compta', 'factures', 'contact', 'comptabilite'])}@${slug(base)}.example`;
    phone = `+33 ${r.int(1, 5)} ${r.int(10, 99)} ${r.int(10, 99)} ${r.int(10, 99)} ${r.int(10, 99)}`;
    city = r.pick(cat.FRENCH_CITIES);
    street = `${r.int(1, 180)} ${r.pick(cat.FRENCH_STREETS)}`;
  } else {
    family = r.pick(cat.ENGLISH_SURNAMES);
    given = r.pick(cat.ENGLISH_GIVEN);
    const base = `${r.pick(cat.ENGLISH_PREFIXES)} ${r.pick(cat.ENGLISH_TRADES)}`;
    company = base + r.pick(cat.ENGLISH_FORMS);
    email = `${r.pick(['accounts', 'ap', 'finance', 'invoices'])}@${slug(base)}.example`;
    phone = `+44 20 7946 0${r.int(100, 999)}`;
    city = r.pick(cat.ENGLISH_CITIES);
    street = `${r.int(1, 240)} ${r.pick(cat.ENGLISH_STREETS)}`;
  }
  let display = company;
  for (let n = 2; names.has(display); n++) display = `${company} ${n}`;
  names.add(display);
  if (r.chance(0.06)) email = undefined;
  const createMs = floorSec(now - r.int(200, 720) * DAY + r.int(0, 86_399) * 1000);
  const termRoll = r.next();
  const termId = termRoll < 0.6 ? '3' : termRoll < 0.75 ? '4' : termRoll < 0.85 ? '5' : termRoll < 0.95 ? '2' : '1';
  return {
    kind: 'Customer', id: '', num: 0, syncToken: 0, createMs, updatedMs: createMs, displayName: display, companyName: company,
    givenName: given, familyName: family, ...(email ? { email } : {}), phone,
    addr: { id: '', line1: street, city: city[0], postalCode: city[1], country: french ? 'FR' : 'GB' },
    active: true, currency, termId, v4: `0020${hex(r, 34)}`, preferredDelivery: email ? 'Email' : 'Print', balance: 0,
    invoices: [], creditMemos: [], payments: [],
  };
}

function dayStart(zone: Zone, date: string): number {
  return zone.parse(date) ?? Date.parse(`${date}T00:00:00Z`);
}

function floorSec(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

function slug(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function hex(r: Random, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[r.int(0, 15)];
  return s;
}
