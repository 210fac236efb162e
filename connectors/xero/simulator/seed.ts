// Deterministic seeded organisation: customers, ACCREC invoices with payments and credit notes, a few bills to ignore.
import { createRandom, type Random } from '../../../src/simulator/prng.js';
import { addDays, daysBetween, msToYmd, ymdToMs } from '../../../src/simulator/ledger.js';
import type { Store } from './store.js';
import type { ContactRec, CreditNoteRec, InvoiceRec, LineRec } from './types.js';

const DAY_MS = 86_400_000;

const FR_PREFIX = ['Boulangerie', 'Atelier', 'Menuiserie', 'Cabinet', 'Transports', 'Librairie', 'Fromagerie', 'Garage', 'Imprimerie', 'Société'];
const FR_NAMES = ['Lefèvre', 'Dubois', 'Moreau', 'Laurent', 'Girard', 'Roux', 'Fournier', 'Chevalier', 'Bérénice', 'Mercier', 'Lambert', 'Faure'];
const EN_PREFIX = ['Harbor', 'Northwind', 'Bluebell', 'Oakridge', 'Kestrel', 'Summit', 'Riverside', 'Granite', 'Maple', 'Lighthouse'];
const EN_SUFFIX = ['Logistics Ltd', 'Consulting', 'Trading Co', 'Studios', 'Supplies Ltd', 'Partners', 'Engineering', 'Foods'];
const FIRST = ['Camille', 'Léa', 'Hugo', 'Chloé', 'Louis', 'Zoé', 'Dana', 'Sam', 'Oliver', 'Emma', 'Noah', 'Amélie'];
const LAST = ['Martin', 'Bernard', 'Petit', 'Durand', 'Reyes', 'Okafor', 'Smith', 'Taylor', 'Brown', 'Rousseau'];
const CITIES: [string, string, string][] = [
  ['Paris', '75011', 'France'],
  ['Lyon', '69002', 'France'],
  ['Nantes', '44000', 'France'],
  ['Bordeaux', '33000', 'France'],
  ['Lille', '59000', 'France'],
  ['London', 'EC1V 9HX', 'United Kingdom'],
  ['Bruxelles', '1000', 'Belgium'],
];
const SERVICES = ['Prestation de conseil', 'Maintenance mensuelle', 'Formation, demi-journée', 'Freight handling', 'Licence logicielle', 'Développement sur mesure', 'Storage, monthly', 'Audit annuel'];
const SUPPLIERS = ['EDF Entreprises', 'Orange Business', 'Bureau Vallée'];
const TERMS = [15, 30, 30, 30, 45, 60];

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

function slug(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export interface SeedCounts {
  seed: number;
  customers: number;
  invoices: number;
  bills: number;
  creditNotes: number;
  payments: number;
  spreadDays: number;
}

export function seedOrganisation(store: Store, c: SeedCounts): void {
  const rnd = createRandom(c.seed);
  const nowMs = store.opts.now();
  const today = msToYmd(nowMs);
  // Seeded activity happens in the past, so incremental reads from "now" see only what tests change.
  const instantOn = (ymd: string, minMs = 0) => Math.min(nowMs - 60_000, Math.max(minMs, ymdToMs(ymd) + rnd.int(8, 18) * 3_600_000 + rnd.int(0, 3_599_999)));

  const contact = (name: string, supplier: boolean, i: number): ContactRec => {
    const french = !/Ltd|Co$|Studios|Partners|Engineering|Foods|Consulting/.test(name);
    const [city, postalCode, country] = french ? rnd.pick(CITIES.slice(0, 5)) : rnd.pick(CITIES);
    const created = nowMs - (c.spreadDays + rnd.int(10, 400)) * DAY_MS;
    const first = rnd.pick(FIRST);
    const last = rnd.pick(LAST);
    return {
      kind: 'Contact',
      id: uuid(rnd),
      num: store.nextNum(),
      createMs: created,
      updatedMs: created,
      history: [],
      name,
      firstName: first,
      lastName: last,
      email: `${slug(first)}.${slug(last)}@${slug(name)}.example`,
      ...(supplier ? {} : { contactNumber: `RL-${String(i + 1).padStart(6, '0')}`, accountNumber: `C${String(i + 1).padStart(5, '0')}` }),
      status: 'ACTIVE',
      isSupplier: supplier,
      ...(rnd.chance(0.3) ? { currency: store.opts.currency } : {}),
      city,
      postalCode,
      country,
      street: `${rnd.int(1, 180)} ${french ? 'rue de la République' : 'High Street'}`,
      phone: `0${rnd.int(1, 9)} ${rnd.int(10, 99)} ${rnd.int(10, 99)} ${rnd.int(10, 99)} ${rnd.int(10, 99)}`,
      invoices: [],
    };
  };

  const customers: ContactRec[] = [];
  const usedNames = new Set<string>();
  for (let i = 0; i < c.customers; i++) {
    let name = '';
    for (let tries = 0; tries < 5 && (!name || usedNames.has(name)); tries++) {
      name = rnd.chance(0.6) ? `${rnd.pick(FR_PREFIX)} ${rnd.pick(FR_NAMES)}` : `${rnd.pick(EN_PREFIX)} ${rnd.pick(EN_SUFFIX)}`;
    }
    if (usedNames.has(name)) name = `${name} ${i + 1}`;
    usedNames.add(name);
    const rec = contact(name, false, i);
    customers.push(rec);
    store.insert(rec, true);
  }
  const suppliers = c.bills > 0 ? SUPPLIERS.map((n, i) => contact(n, true, c.customers + i)) : [];
  for (const s of suppliers) store.insert(s, true);

  const lines = (count: number, accountCode: string, taxType: string): LineRec[] => {
    const out: LineRec[] = [];
    for (let i = 0; i < count; i++) {
      const quantity = rnd.int(1, 10);
      const unitCents = rnd.int(20, 2500) * 100 + (rnd.chance(0.5) ? rnd.int(0, 99) : 0);
      const lineCents = quantity * unitCents;
      out.push({ id: uuid(rnd), description: rnd.pick(SERVICES), quantity, unitCents, lineCents, taxCents: Math.round((lineCents * store.opts.taxPercent) / 100), accountCode, taxType });
    }
    return out;
  };
  const totals = (ls: LineRec[]) => {
    let sub = 0;
    let tax = 0;
    for (const l of ls) {
      sub += l.lineCents;
      tax += l.taxCents;
    }
    return { subCents: sub, taxCents: tax, totalCents: sub + tax };
  };

  const makeInvoice = (type: 'ACCREC' | 'ACCPAY', n: number, who: ContactRec): InvoiceRec => {
    const date = addDays(today, -rnd.int(0, c.spreadDays));
    const roll = rnd.next();
    const status = roll < 0.05 ? 'DRAFT' : roll < 0.08 ? 'VOIDED' : roll < 0.1 ? 'DELETED' : 'AUTHORISED';
    const ls = lines(rnd.int(1, 3), type === 'ACCREC' ? '706' : '606', type === 'ACCREC' ? 'OUTPUT' : 'INPUT');
    const created = instantOn(date);
    const t = totals(ls);
    // A fixed object shape (no conditional spreads) keeps 100k records fast to build and read.
    const inv: InvoiceRec = {
      kind: 'Invoice',
      id: uuid(rnd),
      num: store.nextNum(),
      createMs: created,
      updatedMs: created,
      history: [],
      corrupt: false,
      type,
      number: type === 'ACCREC' ? `INV-${String(n).padStart(5, '0')}` : `F-${rnd.int(1000, 99999)}`,
      reference: type === 'ACCREC' && rnd.chance(0.6) ? `PO ${rnd.int(1000, 9999)}` : '',
      contact: who,
      date,
      dueDate: status === 'DRAFT' && rnd.chance(0.5) ? undefined : addDays(date, rnd.pick(TERMS)),
      expectedPaymentDate: undefined,
      lines: ls,
      subCents: t.subCents,
      taxCents: t.taxCents,
      totalCents: t.totalCents,
      status,
      currency: store.opts.currency,
      fullyPaidMs: undefined,
      sentToContact: status === 'AUTHORISED' && type === 'ACCREC' && rnd.chance(0.7),
      payments: [],
      allocations: [],
    };
    store.addHistory(inv, 'Created', `${type === 'ACCREC' ? 'INV' : 'Bill'} ${inv.number} to ${who.name} for ${inv.totalCents / 100}.`, created);
    if (status === 'VOIDED' || status === 'DELETED') {
      const when = instantOn(addDays(date, rnd.int(0, 10)), created);
      inv.updatedMs = when;
      store.addHistory(inv, status === 'VOIDED' ? 'Voided' : 'Deleted', `INV ${inv.number} ${status.toLowerCase()}.`, when);
    }
    return inv;
  };

  const open: InvoiceRec[] = [];
  for (let i = 0; i < c.invoices; i++) {
    const inv = makeInvoice('ACCREC', i + 1, rnd.pick(customers));
    store.insert(inv, true);
    if (inv.status === 'AUTHORISED') open.push(inv);
  }
  const bills: InvoiceRec[] = [];
  for (let i = 0; i < c.bills; i++) {
    const bill = makeInvoice('ACCPAY', i + 1, rnd.pick(suppliers));
    store.insert(bill, true);
    bills.push(bill);
  }

  const pickOpen = (): InvoiceRec | undefined => {
    for (let tries = 0; tries < 64 && open.length; tries++) {
      const idx = rnd.int(0, open.length - 1);
      const inv = open[idx] as InvoiceRec;
      if (store.dueCents(inv) > 0 && inv.date < today) return inv;
      open[idx] = open[open.length - 1] as InvoiceRec;
      open.pop();
    }
    return undefined;
  };

  // Credit notes before payments, so that an allocation never exceeds what is left to pay.
  let cnNum = 0;
  const makeCredit = (type: 'ACCRECCREDIT' | 'ACCPAYCREDIT', target: InvoiceRec | undefined, who: ContactRec): CreditNoteRec => {
    const date = target ? addDays(target.date, rnd.int(1, Math.max(1, Math.min(30, daysBetween(target.date, today))))) : addDays(today, -rnd.int(0, c.spreadDays));
    const maxCents = target ? store.dueCents(target) : 50_000;
    const totalCents = Math.max(100, Math.min(maxCents, rnd.int(1, 20) * 2400));
    // One exclusive line whose VAT lands exactly on the total.
    const subCents = Math.round((totalCents * 100) / (100 + store.opts.taxPercent));
    const taxCents = totalCents - subCents;
    const created = instantOn(date);
    const cn: CreditNoteRec = {
      kind: 'CreditNote',
      id: uuid(rnd),
      num: store.nextNum(),
      createMs: created,
      updatedMs: created,
      history: [],
      type,
      number: type === 'ACCRECCREDIT' ? `CN-${String(++cnNum).padStart(5, '0')}` : `AV-${rnd.int(100, 999)}`,
      reference: target ? `Avoir ${target.number}` : 'Geste commercial',
      contact: who,
      date,
      lines: [{ id: uuid(rnd), description: target ? `Avoir sur ${target.number}` : 'Remise commerciale', quantity: 1, unitCents: subCents, lineCents: subCents, taxCents, accountCode: type === 'ACCRECCREDIT' ? '706' : '606', taxType: type === 'ACCRECCREDIT' ? 'OUTPUT' : 'INPUT' }],
      subCents,
      taxCents,
      totalCents,
      status: 'AUTHORISED',
      currency: store.opts.currency,
      allocations: [],
    };
    store.insert(cn, true);
    return cn;
  };
  for (let i = 0; i < c.creditNotes; i++) {
    const roll = rnd.next();
    const target = roll < 0.75 ? pickOpen() : undefined;
    const who = target ? target.contact : rnd.pick(customers);
    const cn = makeCredit('ACCRECCREDIT', target, who);
    if (target) {
      store.allocate(cn, target, cn.totalCents, { id: uuid(rnd), date: cn.date, ms: instantOn(cn.date, cn.createMs), seeding: true });
    } else if (roll > 0.92) {
      cn.status = 'DRAFT';
    }
  }
  if (c.bills > 0) {
    for (let i = 0; i < Math.max(1, Math.round(c.creditNotes / 5)); i++) makeCredit('ACCPAYCREDIT', undefined, rnd.pick(suppliers));
  }

  const pay = (inv: InvoiceRec, full: boolean) => {
    const due = store.dueCents(inv);
    const cents = full || due < 200 ? due : rnd.int(1, Math.floor(due / 100) - 1) * 100;
    const date = addDays(inv.date, rnd.int(1, Math.max(1, Math.min(90, daysBetween(inv.date, today)))));
    const ms = instantOn(date, inv.updatedMs);
    const p = store.addPayment(inv, cents, { id: uuid(rnd), date, reference: rnd.chance(0.5) ? `VIR ${inv.number}` : '', ms, seeding: true });
    p.isReconciled = rnd.chance(0.6);
    // A few payments were later deleted in Xero: they stay listed with Status DELETED.
    if (rnd.chance(0.05)) {
      p.status = 'DELETED';
      p.updatedMs = instantOn(addDays(date, 1), ms);
      store.settle(inv, date);
      inv.updatedMs = Math.max(inv.updatedMs, p.updatedMs);
    }
  };
  for (let i = 0; i < c.payments; i++) {
    const inv = pickOpen();
    if (!inv) break;
    pay(inv, rnd.chance(0.75));
  }
  for (const bill of bills) if (bill.status === 'AUTHORISED' && rnd.chance(0.6)) pay(bill, true);

  for (const t of [store.contacts, store.invoices, store.creditNotes, store.payments] as const) t.reindex();
  // Contacts were last edited when their latest document was.
  for (const ct of store.contacts.ordered) for (const inv of ct.invoices) ct.updatedMs = Math.max(ct.updatedMs, inv.createMs);
  store.contacts.reindex();
}
