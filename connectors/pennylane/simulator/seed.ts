// Seeds a deterministic French company from the kit's plan: company and individual customers (SIREN/SIRET), EUR invoices at 20 % and 5.5 % VAT, credit notes, bank receipts.
import { planCompany, slug, type PlanOptions } from '../../../src/simulator/company.js';
import { addDays, msToYmd, ymdToMs } from '../../../src/simulator/ledger.js';
import { createRandom, type Random } from '../../../src/simulator/prng.js';
import type { Store } from './store.js';
import type { CustomerRec, InvoiceRec, LineRec, PaymentConditions, TransactionRec, VatRate } from './types.js';
import { VAT_RATES } from './types.js';

const DAY_MS = 86_400_000;

/** The kit's plan options this seeder takes (spreadDays required: the simulator always states it). */
export type SeedCounts = Pick<PlanOptions, 'seed' | 'customers' | 'invoices' | 'creditNotes' | 'payments'> & { spreadDays: number };

/** Luhn check digit, as SIREN and SIRET numbers carry. */
function luhn(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) d *= 2;
    if (d > 9) d -= 9;
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

export function siren(r: Random): string {
  const body = String(r.int(10_000_000, 99_999_999));
  return body + luhn(body);
}

/** French intra-community VAT number from a SIREN: FR + key + SIREN, key = (12 + 3 × (SIREN mod 97)) mod 97. */
export function frVatNumber(sirenText: string): string {
  const key = (12 + 3 * (Number(sirenText) % 97)) % 97;
  return `FR${String(key).padStart(2, '0')}${sirenText}`;
}

/** LME-compliant terms (Code de commerce L441-10: 60 days, or 45 days end of month), by the plan's days. */
const CONDITIONS: Record<number, PaymentConditions> = { 0: 'upon_receipt', 15: '15_days', 30: '30_days', 45: '45_days', 60: '60_days' };

/** 5.5 % applies to a few goods (books, some food); the demo puts it on supplies lines. */
const SUPPLIES = 7;

export function lineOf(label: string, quantity: number, unitCents: number, vatRate: VatRate): LineRec {
  const netCents = quantity * unitCents;
  return { label, quantity, unitCents, vatRate, netCents, taxCents: Math.round((netCents * VAT_RATES[vatRate]) / 1000) };
}

export function totals(lines: LineRec[]): { netCents: number; taxCents: number; totalCents: number } {
  const netCents = lines.reduce((s, l) => s + l.netCents, 0);
  const taxCents = lines.reduce((s, l) => s + l.taxCents, 0);
  return { netCents, taxCents, totalCents: netCents + taxCents };
}

export function newInvoice(store: Store, o: { customer: CustomerRec; number: string; date: string; deadline: string; lines: LineRec[]; draft: boolean; creditNote: boolean; createdMs: number; id?: number }): InvoiceRec {
  const t = totals(o.lines);
  const sign = o.creditNote ? -1 : 1;
  const inv: InvoiceRec = {
    kind: 'invoice', id: o.id ?? store.next.invoice++, createdMs: o.createdMs, updatedMs: o.createdMs, creditNote: o.creditNote, customer: o.customer,
    number: o.number, label: `${o.creditNote ? 'Avoir' : 'Facture'} ${o.customer.name} - ${o.number}`, draft: o.draft, proforma: false, date: o.date, deadline: o.deadline,
    lines: o.lines.map((l) => ({ ...l, quantity: l.quantity * sign, netCents: l.netCents * sign, taxCents: l.taxCents * sign })),
    netCents: sign * t.netCents, taxCents: sign * t.taxCents, totalCents: sign * t.totalCents, credited: null, archivedMs: null,
    externalReference: '', eInvoicing: null, categories: [], appendices: [], matches: [], credits: [],
  };
  store.invoices.set(inv.id, inv);
  return inv;
}

/** Pennylane's e-invoicing statuses (webhook reference, customer_invoice.e_invoicing_status_updated). */
const SEEDED_E_STATUSES: readonly { status: string; reason: string | null }[] = [
  { status: 'submitted', reason: null },
  { status: 'sent', reason: null },
  { status: 'accepted', reason: null },
  { status: 'approved', reason: null },
  { status: 'in_dispute', reason: 'incorrect_billed_quantity' },
  { status: 'refused', reason: 'incorrect_prices' },
];

export function seedCompany(store: Store, c: SeedCounts): void {
  const nowMs = store.now();
  const today = msToYmd(nowMs);
  const plan = planCompany({ seed: c.seed, today, customers: c.customers, invoices: c.invoices, creditNotes: c.creditNotes, spreadDays: c.spreadDays, ...(c.payments === undefined ? {} : { payments: c.payments }) });
  const r = createRandom(c.seed ^ 0x9e1);
  // Seeded activity happened in the past, so reading the changelogs from now on sees only what tests change.
  const instantOn = (ymd: string, minuteOfDay: number, minMs = 0) => Math.min(nowMs - 60_000, Math.max(minMs, ymdToMs(ymd) + minuteOfDay * 60_000 + r.int(0, 59_999)));

  let customerId = 1_338_400_000_000;
  const customers = plan.customers.map((p): CustomerRec => {
    customerId += r.int(1_000, 900_000);
    const created = nowMs - p.createdDaysAgo * DAY_MS;
    // A French trade without a legal form is a sole trader (entrepreneur individuel): an individual customer.
    const individual = p.french && p.form === '';
    const sirenText = siren(r);
    return {
      kind: 'customer', id: customerId, createdMs: created, updatedMs: created, type: individual ? 'individual' : 'company',
      name: individual ? `${p.given} ${p.family}` : p.trade + p.form, firstName: individual ? p.given : '', lastName: individual ? p.family : '',
      emails: p.email ? [p.email] : [], phone: p.phone,
      billing: { address: p.street, postal_code: p.postalCode, city: p.city, country_alpha2: p.country },
      paymentConditions: CONDITIONS[p.termDays] ?? '30_days',
      regNo: individual ? '' : p.french ? (r.chance(0.5) ? sirenText : `${sirenText}${String(r.int(1, 99)).padStart(4, '0')}${luhn(sirenText)}`) : '',
      vatNumber: individual ? '' : p.french ? frVatNumber(sirenText) : `GB${r.int(100_000_000, 999_999_999)}`,
      reference: `CLI-${String(customerId % 100_000).padStart(5, '0')}`, externalReference: `pl-${slug(p.trade)}-${customerId % 10_000}`, notes: null,
      ledgerAccountId: 14_067_000_000_000 + customerId % 1_000_000,
    };
  });
  for (const cust of customers) store.customers.set(cust.id, cust);

  let invoiceId = 25_460_000_000_000;
  const nextInvoiceId = () => (invoiceId += r.int(4_096, 3_000_000));
  const seq = { invoice: 0, credit: 0 };
  const year = today.slice(0, 4);
  const invoices: InvoiceRec[] = [];
  plan.invoices.forEach((p, k) => {
    const customer = customers[p.customer]!;
    const created = instantOn(p.issueDate, p.minuteOfDay);
    const lines = p.lines.map((l) => lineOf(l.description, l.quantity, l.unitMinor, l.service === SUPPLIES ? 'FR_55' : 'FR_200'));
    // Pennylane deletes only drafts; a plan's deleted invoice is a draft nobody kept (never created here).
    const draft = p.state === 'draft' || p.state === 'deleted';
    const number = draft ? '' : `F-${year}-${String(++seq.invoice).padStart(4, '0')}`;
    const inv = newInvoice(store, { customer, number, date: p.issueDate, deadline: p.dueDate, lines, draft, creditNote: false, createdMs: created, id: nextInvoiceId() });
    if (p.state === 'deleted') store.invoices.delete(inv.id);
    invoices[k] = inv;
    if (p.state === 'void') {
      // A finalized invoice cannot be deleted: it is cancelled by a credit note of its whole amount.
      const cn = newInvoice(store, { customer, number: `AV-${year}-${String(++seq.credit).padStart(4, '0')}`, date: addDays(p.issueDate, r.int(0, 5)), deadline: addDays(p.issueDate, r.int(0, 5)), lines: p.lines.map((l) => lineOf(`Annulation : ${l.description}`, l.quantity, l.unitMinor, l.service === SUPPLIES ? 'FR_55' : 'FR_200')), draft: false, creditNote: true, createdMs: created + 3_600_000, id: nextInvoiceId() });
      cn.credited = inv;
      inv.credits.push(cn);
    }
    // A few finalized documents sit in the archive: not receivables (reference A3.2).
    if (p.state === 'open' && r.chance(0.01)) inv.archivedMs = created + DAY_MS;
    if (p.state === 'open' && !draft && customer.type === 'company' && customer.billing.country_alpha2 === 'FR' && p.issueDate >= addDays(today, -60) && r.chance(0.3)) {
      const e = r.pick(SEEDED_E_STATUSES);
      inv.eInvoicing = { ...e, updatedMs: Math.min(nowMs - 60_000, created + r.int(1, 5) * DAY_MS) };
    }
  });
  for (const cr of plan.credits) {
    const customer = customers[cr.customer]!;
    const target = cr.invoice === undefined ? undefined : invoices[cr.invoice];
    const created = instantOn(cr.date, cr.minuteOfDay);
    const cn = newInvoice(store, { customer, number: `AV-${year}-${String(++seq.credit).padStart(4, '0')}`, date: cr.date, deadline: cr.date, lines: [lineOf('Avoir commercial', 1, cr.netMinor, cr.service === SUPPLIES ? 'FR_55' : 'FR_200')], draft: false, creditNote: true, createdMs: created, id: nextInvoiceId() });
    if (target && !target.draft && target.archivedMs === null && store.remainingCents(target) >= -cn.totalCents) {
      cn.credited = target;
      target.credits.push(cn);
    }
  }

  let txId = 612_800_000;
  const bankAccountId = 8812;
  const tx = (date: string, minute: number, cents: number, label: string, customer: CustomerRec | null): TransactionRec => {
    txId += r.int(1, 5_000);
    const created = instantOn(date, minute);
    const t: TransactionRec = { kind: 'transaction', id: txId, createdMs: created, updatedMs: created, date, label, amountCents: cents, customer, bankAccountId, matches: [] };
    store.transactions.set(t.id, t);
    return t;
  };
  for (const p of plan.payments) {
    const targets = p.applies.map((a) => ({ inv: invoices[a.invoice]!, share: a.share })).filter((a) => a.inv && !a.inv.draft && a.inv.archivedMs === null);
    const parts = targets.map((a) => {
      const due = store.remainingCents(a.inv);
      return { inv: a.inv, cents: a.share === 'full' ? due : Math.round((due * a.share) / 100) };
    }).filter((x) => x.cents > 0);
    if (!parts.length) continue;
    const customer = parts[0]!.inv.customer;
    const total = parts.reduce((s, x) => s + x.cents, 0);
    const label = `VIR SEPA ${customer.name.toUpperCase()} ${parts.map((x) => x.inv.number).join(' ')}`.slice(0, 120);
    const t = tx(p.date, p.minuteOfDay, total, p.method === 'cheque' ? `REMISE CHEQUE ${p.reference ?? ''}`.trim() : label, customer);
    for (const x of parts) {
      t.matches.push({ invoice: x.inv, cents: x.cents });
      x.inv.matches.push({ tx: t, cents: x.cents });
      x.inv.updatedMs = Math.max(x.inv.updatedMs, t.createdMs);
    }
  }
  // Bank lines that are not customer receipts: supplier debits and a few unidentified transfers in.
  const days = Math.max(1, c.spreadDays);
  for (let k = 0; k < Math.round(plan.payments.length * 0.15); k++) {
    const date = addDays(today, -r.int(1, days));
    if (r.chance(0.7)) tx(date, r.int(480, 1080), -r.int(2_000, 250_000), r.pick(['PRLV SEPA EDF ENTREPRISES', 'PRLV SEPA ORANGE BUSINESS', 'CB BUREAU VALLEE', 'FRAIS BANCAIRES']), null);
    else tx(date, r.int(480, 1080), r.int(1_000, 90_000), 'VIR SEPA REMISE NON IDENTIFIEE', null);
  }
  const groupCreated = nowMs - 400 * DAY_MS;
  const group = { id: store.next.group++, label: 'Activité', createdMs: groupCreated };
  store.groups.set(group.id, group);
  for (const label of ['Conseil', 'Formation', 'Maintenance']) {
    const cat = { id: store.next.category++, label, group, analyticalCode: label.slice(0, 3).toUpperCase(), createdMs: groupCreated, updatedMs: groupCreated };
    store.categories.set(cat.id, cat);
  }
  // The company's own analytics on some invoices: write-back must keep them.
  const own = [...store.categories.values()];
  for (const inv of invoices) if (inv && !inv.draft && r.chance(0.4)) inv.categories.push({ categoryId: r.pick(own).id, weight: '1' });
}
