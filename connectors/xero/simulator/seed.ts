// Seeds a deterministic organisation from the kit's company plan: contacts, ACCREC invoices, credit notes, payments, and a few bills to ignore.
import { planCompany, type PlanCustomer, type PlanInvoice } from '../../../src/simulator/company.js';
import { addDays, msToYmd, ymdToMs } from '../../../src/simulator/ledger.js';
import { createRandom, type Random } from '../../../src/simulator/prng.js';
import type { Store } from './store.js';
import type { ContactRec, CreditNoteRec, InvoiceRec, LineRec } from './types.js';

const DAY_MS = 86_400_000;

const SUPPLIERS = ['EDF Entreprises', 'Orange Business', 'Bureau Vallée'];
const SUPPLIES = ['Électricité', 'Télécom', 'Fournitures de bureau'];

/** A v4-shaped UUID from the seeded generator, so the same seed gives the same ids. */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function word(rnd: Random): string {
  const n = Math.floor(rnd.next() * 0x1_0000_0000);
  return `${HEX[n >>> 24]}${HEX[(n >>> 16) & 255]}${HEX[(n >>> 8) & 255]}${HEX[n & 255]}`;
}

export function uuid(rnd: Random): string {
  const a = word(rnd);
  const b = word(rnd);
  const c = word(rnd);
  const d = word(rnd);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${'89ab'[parseInt(c.charAt(0), 16) & 3]}${c.slice(1, 4)}-${c.slice(4, 8)}${d}`;
}

export interface SeedCounts {
  seed: number;
  customers: number;
  invoices: number;
  bills: number;
  creditNotes: number;
  /** At most this many customer payments; default: as the customers' habits make them. */
  payments?: number;
  spreadDays: number;
}

export function seedOrganisation(store: Store, c: SeedCounts): void {
  const nowMs = store.opts.now();
  const today = msToYmd(nowMs);
  const plan = planCompany({ ...c, today, ...(c.payments === undefined ? {} : { payments: c.payments }) });
  // Only what the plan does not say is drawn here (ids, Xero-only fields), from a stream of its own.
  const rnd = createRandom(c.seed ^ 0x9b0);
  // Seeded activity happens in the past, so incremental reads from "now" see only what tests change.
  const instantOn = (ymd: string, minuteOfDay: number, minMs = 0) => Math.min(nowMs - 60_000, Math.max(minMs, ymdToMs(ymd) + minuteOfDay * 60_000 + rnd.int(0, 59_999)));

  // UK customers' company registration numbers (SIMULATED), drawn from a stream of their own so the other draws and
  // the ids stay as they were: two UK customers in three carry one, some Scottish (SC + 6 digits), most 8 digits.
  const regRnd = createRandom(c.seed ^ 0x5c0);
  const companyNumber = (p: Pick<PlanCustomer, 'country'>, supplier: boolean): string | undefined => {
    if (supplier || p.country !== 'GB') return undefined;
    const has = regRnd.chance(2 / 3);
    const scottish = regRnd.chance(0.2);
    const digits = String(regRnd.int(scottish ? 100_000 : 1_000_000, scottish ? 999_999 : 15_999_999));
    if (!has) return undefined;
    return scottish ? `SC${digits}` : digits.padStart(8, '0');
  };
  const contact = (p: Pick<PlanCustomer, 'trade' | 'form' | 'given' | 'family' | 'street' | 'city' | 'postalCode' | 'country' | 'phone' | 'createdDaysAgo'> & { email?: string }, supplier: boolean, i: number): ContactRec => {
    const created = nowMs - p.createdDaysAgo * DAY_MS;
    const number = companyNumber(p, supplier);
    return {
      kind: 'Contact', id: uuid(rnd), num: store.nextNum(), createMs: created, updatedMs: created, history: [],
      name: p.trade + p.form, firstName: p.given, lastName: p.family, email: p.email ?? '',
      ...(supplier ? {} : { contactNumber: `RL-${String(i + 1).padStart(6, '0')}`, accountNumber: `C${String(i + 1).padStart(5, '0')}` }),
      ...(number ? { companyNumber: number } : {}),
      status: 'ACTIVE', isSupplier: supplier, ...(rnd.chance(0.3) ? { currency: store.opts.currency } : {}),
      city: p.city, postalCode: p.postalCode, country: p.country === 'FR' ? 'France' : 'United Kingdom', street: p.street, phone: p.phone, invoices: [],
    };
  };
  const customers = plan.customers.map((p, i) => contact(p, false, i));
  for (const rec of customers) store.insert(rec, true);

  const line = (description: string, quantity: number, unitCents: number, accountCode: string, taxType: string): LineRec => {
    const lineCents = quantity * unitCents;
    return { id: uuid(rnd), description, quantity, unitCents, lineCents, taxCents: Math.round((lineCents * store.opts.taxPercent) / 100), accountCode, taxType };
  };
  const makeInvoice = (type: 'ACCREC' | 'ACCPAY', number: string, who: ContactRec, p: Omit<PlanInvoice, 'customer' | 'lines'>, lines: LineRec[]): InvoiceRec => {
    const status = { open: 'AUTHORISED', draft: 'DRAFT', void: 'VOIDED', deleted: 'DELETED' }[p.state] as InvoiceRec['status'];
    const created = instantOn(p.issueDate, p.minuteOfDay);
    const subCents = lines.reduce((s, l) => s + l.lineCents, 0);
    const taxCents = lines.reduce((s, l) => s + l.taxCents, 0);
    // A fixed object shape (no conditional spreads) keeps 100k records fast to build and read.
    const inv: InvoiceRec = {
      kind: 'Invoice', id: uuid(rnd), num: store.nextNum(), createMs: created, updatedMs: created, history: [], corrupt: false, type, number,
      reference: p.purchaseOrder ?? '', contact: who, date: p.issueDate,
      dueDate: status === 'DRAFT' && rnd.chance(0.5) ? undefined : p.dueDate, expectedPaymentDate: undefined, lines, subCents, taxCents, totalCents: subCents + taxCents,
      status, currency: store.opts.currency, fullyPaidMs: undefined, sentToContact: type === 'ACCREC' && p.sent, payments: [], allocations: [],
    };
    store.addHistory(inv, 'Created', `${type === 'ACCREC' ? 'INV' : 'Bill'} ${inv.number} to ${who.name} for ${inv.totalCents / 100}.`, created);
    if (status === 'VOIDED' || status === 'DELETED') {
      inv.updatedMs = instantOn(addDays(p.issueDate, rnd.int(0, 10)), p.minuteOfDay, created);
      store.addHistory(inv, status === 'VOIDED' ? 'Voided' : 'Deleted', `INV ${inv.number} ${status.toLowerCase()}.`, inv.updatedMs);
    }
    store.insert(inv, true);
    return inv;
  };
  const invoices = plan.invoices.map((p, i) =>
    makeInvoice('ACCREC', `INV-${String(i + 1).padStart(5, '0')}`, customers[p.customer]!, p, p.lines.map((l) => line(l.description, l.quantity, l.unitMinor, '706', 'OUTPUT'))),
  );

  // A few suppliers and their bills: receivables tools must skip them.
  const suppliers = c.bills > 0 ? SUPPLIERS.map((name, i) => contact({ ...plan.customers[i % plan.customers.length]!, trade: name, form: '', email: `factures@${uuid(rnd).slice(0, 8)}.example` }, true, c.customers + i)) : [];
  for (const sup of suppliers) store.insert(sup, true);
  const bills: InvoiceRec[] = [];
  for (let i = 0; i < c.bills; i++) {
    const date = addDays(today, -rnd.int(0, c.spreadDays));
    const k = rnd.int(0, SUPPLIERS.length - 1);
    const bill = makeInvoice('ACCPAY', `F-${rnd.int(1000, 99999)}`, suppliers[k]!, { issueDate: date, dueDate: addDays(date, 30), minuteOfDay: rnd.int(480, 1079), state: rnd.chance(0.9) ? 'open' : 'void', sent: false }, [line(SUPPLIES[k]!, 1, rnd.int(20, 900) * 100, '606', 'INPUT')]);
    bills.push(bill);
  }

  // Credit notes before payments, so that an allocation never exceeds what is left to pay.
  let cnNum = 0;
  const makeCredit = (type: 'ACCRECCREDIT' | 'ACCPAYCREDIT', who: ContactRec, date: string, minuteOfDay: number, netCents: number, target?: InvoiceRec): CreditNoteRec => {
    const created = instantOn(date, minuteOfDay);
    const code = type === 'ACCRECCREDIT' ? '706' : '606';
    const l = line(target ? `Avoir sur ${target.number}` : 'Remise commerciale', 1, netCents, code, type === 'ACCRECCREDIT' ? 'OUTPUT' : 'INPUT');
    const cn: CreditNoteRec = {
      kind: 'CreditNote', id: uuid(rnd), num: store.nextNum(), createMs: created, updatedMs: created, history: [], type,
      number: type === 'ACCRECCREDIT' ? `CN-${String(++cnNum).padStart(5, '0')}` : `AV-${rnd.int(100, 999)}`,
      reference: target ? `Avoir ${target.number}` : 'Geste commercial', contact: who, date, lines: [l],
      subCents: l.lineCents, taxCents: l.taxCents, totalCents: l.lineCents + l.taxCents, status: 'AUTHORISED', currency: store.opts.currency, allocations: [],
    };
    store.insert(cn, true);
    return cn;
  };
  for (const p of plan.credits) {
    const target = p.invoice === undefined ? undefined : invoices[p.invoice];
    const cn = makeCredit('ACCRECCREDIT', customers[p.customer]!, p.date, p.minuteOfDay, p.netMinor, target);
    const cents = target ? Math.min(cn.totalCents, store.dueCents(target)) : 0;
    if (target && cents > 0) store.allocate(cn, target, cents, { id: uuid(rnd), date: cn.date, ms: instantOn(cn.date, p.minuteOfDay, cn.createMs), seeding: true });
    else if (!target && rnd.chance(0.3)) cn.status = 'DRAFT';
  }
  if (c.bills > 0) {
    for (let i = 0; i < Math.max(1, Math.round(c.creditNotes / 5)); i++) makeCredit('ACCPAYCREDIT', rnd.pick(suppliers), addDays(today, -rnd.int(0, c.spreadDays)), rnd.int(480, 1079), rnd.int(20, 400) * 100);
  }

  // Payments as the customers' habits made them: Xero records one payment per invoice, even for one bank transfer.
  const pay = (inv: InvoiceRec, cents: number, date: string, minuteOfDay: number, reference: string) => {
    const ms = instantOn(date, minuteOfDay, inv.updatedMs);
    const p = store.addPayment(inv, cents, { id: uuid(rnd), date, reference, ms, seeding: true });
    p.isReconciled = rnd.chance(0.6);
    // A few payments were deleted the next day and entered again (a bookkeeping correction): the deleted one stays
    // listed with Status DELETED beside the one that counts. Left deleted, they would reopen old invoices that were paid.
    if (rnd.chance(0.05)) {
      p.status = 'DELETED';
      p.updatedMs = instantOn(addDays(date, 1), minuteOfDay, ms);
      store.settle(inv, date);
      inv.updatedMs = Math.max(inv.updatedMs, p.updatedMs);
      const again = store.addPayment(inv, cents, { id: uuid(rnd), date, reference, ms: p.updatedMs, seeding: true });
      again.isReconciled = rnd.chance(0.6);
    }
  };
  for (const pp of plan.payments) {
    for (const a of pp.applies) {
      const inv = invoices[a.invoice]!;
      const due = store.dueCents(inv);
      if (due <= 0 || inv.status !== 'AUTHORISED') continue;
      pay(inv, a.share === 'full' ? due : Math.max(1, Math.min(due - 1, Math.round((due * a.share) / 100))), pp.date, pp.minuteOfDay, pp.reference ?? (rnd.chance(0.5) ? `VIR ${inv.number}` : ''));
    }
  }
  for (const bill of bills) {
    if (bill.status !== 'AUTHORISED' || !rnd.chance(0.6)) continue;
    const date = addDays(bill.date, rnd.int(1, 30));
    pay(bill, store.dueCents(bill), date < today ? date : today, rnd.int(480, 1079), '');
  }

  for (const t of [store.contacts, store.invoices, store.creditNotes, store.payments] as const) t.reindex();
  // Contacts were last edited when their latest document was.
  for (const ct of store.contacts.ordered) for (const inv of ct.invoices) ct.updatedMs = Math.max(ct.updatedMs, inv.createMs);
  store.contacts.reindex();
}
