// Seeds a deterministic UK business from the kit's plan: customers (most in GBP, some in EUR), invoices at UK VAT, credit notes allocated through contact allocations, customer receipts.
import { planCompany, type PlanOptions } from '../../../src/simulator/company.js';
import { addDays, msToYmd, ymdToMs } from '../../../src/simulator/ledger.js';
import { createRandom } from '../../../src/simulator/prng.js';
import type { BusinessStore } from './store.js';
import type { ArtefactRec, ContactRec, LineRec } from './types.js';

const DAY_MS = 86_400_000;

export type SeedCounts = Pick<PlanOptions, 'seed' | 'customers' | 'invoices' | 'creditNotes' | 'payments'> & { spreadDays: number; currency: 'GBP' | 'EUR' };

/** UK VAT: standard 20 %; zero-rated supplies (books, some food) on the plan's supplies lines (service 7). */
export function lineOf(store: BusinessStore, description: string, quantity: number, unitCents: number, taxRate: LineRec['taxRate']): LineRec {
  const netCents = quantity * unitCents;
  return { id: store.newId(), description, quantity, unitCents, netCents, taxCents: taxRate === 'GB_STANDARD' ? Math.round(netCents / 5) : 0, taxRate };
}

export function newArtefact(store: BusinessStore, o: { kind: ArtefactRec['kind']; contact: ContactRec; number: string; date: string; dueDate: string; lines: LineRec[]; createdMs: number; reference?: string | null }): ArtefactRec {
  const netCents = o.lines.reduce((s, l) => s + l.netCents, 0);
  const taxCents = o.lines.reduce((s, l) => s + l.taxCents, 0);
  const a: ArtefactRec = {
    kind: o.kind, id: store.newId(), createdMs: o.createdMs, updatedMs: o.createdMs, deletedMs: null, number: o.number, contact: o.contact, date: o.date, dueDate: o.dueDate,
    reference: o.reference ?? null, notes: null, currency: o.contact.currency, lines: o.lines, netCents, taxCents, totalCents: netCents + taxCents, draft: false, voidReason: null, sent: false, attachments: [],
  };
  (o.kind === 'invoice' ? store.invoices : store.creditNotes).set(a.id, a);
  return a;
}

export function newContact(store: BusinessStore, o: { name: string; email: string | null; currency: 'GBP' | 'EUR'; createdMs: number; creditDays?: number | null }): ContactRec {
  const letters = o.name.replace(/[^A-Za-z]/g, '').toUpperCase().padEnd(4, 'X').slice(0, 4);
  const reference = `${letters}${String(store.contacts.size + 1).padStart(3, '0')}`;
  const c: ContactRec = {
    kind: 'contact', id: store.newId(), createdMs: o.createdMs, updatedMs: o.createdMs, deletedMs: null, name: o.name, reference, types: ['CUSTOMER'], email: o.email, person: null, phone: null,
    address: { line1: '1 High Street', city: 'Bristol', postalCode: 'BS1 4DB', country: 'GB' }, currency: o.currency, creditDays: o.creditDays ?? 30, creditLimitCents: null, notes: null, taxNumber: null, locale: 'en',
  };
  store.contacts.set(c.id, c);
  return c;
}

export function seedBusiness(store: BusinessStore, c: SeedCounts): void {
  const nowMs = store.now();
  const today = msToYmd(nowMs);
  // Sage Accounting keeps drafts off the ledger and deletes only unposted documents: the plan's drafts and deletions are plain open invoices.
  const plan = planCompany({ seed: c.seed, today, customers: c.customers, invoices: c.invoices, creditNotes: c.creditNotes, spreadDays: c.spreadDays, drafts: false, deletions: false, ...(c.payments === undefined ? {} : { payments: c.payments }) });
  const r = createRandom(c.seed ^ 0x5a6e);
  const instantOn = (ymd: string, minuteOfDay: number) => Math.min(nowMs - 60_000, ymdToMs(ymd) + minuteOfDay * 60_000 + r.int(0, 59_999));

  const contacts = plan.customers.map((p) => {
    // Each business invoices in its own currency (the UK one in pounds, the Irish one in euros): the demo's KPIs are per currency.
    const euro = c.currency === 'EUR';
    const contact = newContact(store, { name: `${p.trade}${p.country === 'GB' ? p.form : ' Ltd'}`, email: p.email ?? null, currency: c.currency, createdMs: nowMs - p.createdDaysAgo * DAY_MS, creditDays: r.chance(0.2) ? null : p.termDays || 30 });
    contact.phone = p.phone;
    contact.address = { line1: p.street, city: euro ? 'Dublin' : p.city, postalCode: euro ? 'D02 X285' : p.postalCode, country: euro ? 'IE' : 'GB' };
    if (r.chance(0.6)) contact.person = { id: store.newId(), name: `${p.given} ${p.family}`, email: p.email ?? null };
    if (r.chance(0.3)) contact.notes = r.pick(['Prefers phone calls before 11am.', 'Accounts payable: send statements monthly.', 'PO number required on every invoice.']);
    if (p.country === 'GB' && p.form) contact.taxNumber = `GB${r.int(100_000_000, 999_999_999)}`;
    return contact;
  });

  let seq = 0;
  const invoices = plan.invoices.map((p) => {
    const contact = contacts[p.customer]!;
    const lines = p.lines.map((l) => lineOf(store, l.description, l.quantity, l.unitMinor, l.service === 7 ? 'GB_ZERO' : 'GB_STANDARD'));
    const inv = newArtefact(store, { kind: 'invoice', contact, number: `SI-${++seq}`, date: p.issueDate, dueDate: p.dueDate, lines, createdMs: instantOn(p.issueDate, p.minuteOfDay), reference: p.purchaseOrder ?? null });
    inv.sent = p.sent;
    if (p.state === 'void') {
      inv.voidReason = 'Raised in error';
      inv.updatedMs = Math.min(nowMs - 60_000, inv.createdMs + DAY_MS);
    }
    return inv;
  });

  let cnSeq = 0;
  for (const cr of plan.credits) {
    const contact = contacts[cr.customer]!;
    const created = instantOn(cr.date, cr.minuteOfDay);
    const cn = newArtefact(store, { kind: 'credit_note', contact, number: `SCN-${++cnSeq}`, date: cr.date, dueDate: cr.date, lines: [lineOf(store, 'Goodwill credit', 1, cr.netMinor, 'GB_STANDARD')], createdMs: created });
    const target = cr.invoice === undefined ? undefined : invoices[cr.invoice];
    // A credit note reduces an invoice only through a contact allocation (reference B3.4): + on the invoice, − on the note.
    if (target && target.voidReason === null && target.currency === cn.currency && store.outstandingCents(target) >= cn.totalCents) {
      const id = store.newId();
      store.allocations.set(id, {
        kind: 'allocation', id, createdMs: created + 60_000, updatedMs: created + 60_000, deletedMs: null, contact, date: cr.date,
        lines: [{ id: store.newId(), artefact: target, cents: cn.totalCents }, { id: store.newId(), artefact: cn, cents: -cn.totalCents }],
      });
      store.settled(target, cn.totalCents);
      store.settled(cn, cn.totalCents);
    }
  }

  for (const p of plan.payments) {
    const parts = p.applies
      .map((a) => invoices[a.invoice]!)
      .filter((inv) => inv.voidReason === null)
      .map((inv, k) => {
        const due = store.outstandingCents(inv);
        const share = p.applies[k]!.share;
        return { inv, cents: share === 'full' ? due : Math.round((due * share) / 100) };
      })
      .filter((x) => x.cents > 0);
    if (!parts.length) continue;
    const created = instantOn(p.date, p.minuteOfDay);
    const id = store.newId();
    for (const x of parts) store.settled(x.inv, x.cents);
    store.payments.set(id, {
      kind: 'payment', id, createdMs: created, updatedMs: created, deletedMs: null, contact: parts[0]!.inv.contact, date: p.date,
      reference: p.reference ?? `BACS ${parts[0]!.inv.contact.reference} ${parts.map((x) => x.inv.number).join(' ')}`.slice(0, 25), currency: parts[0]!.inv.currency,
      totalCents: parts.reduce((s, x) => s + x.cents, 0), allocated: parts.map((x) => ({ id: store.newId(), artefact: x.inv, cents: x.cents })),
    });
  }
  // Old invoices were seen by the customer long ago; the seeded history ends before now.
  for (const inv of invoices) if (inv.date < addDays(today, -60)) inv.sent = true;
}
