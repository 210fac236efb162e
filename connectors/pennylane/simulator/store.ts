// The simulated Pennylane company: customers, invoices and credit notes, bank transactions, categories, and the changelogs every change writes.
import { formatMinor, msToYmd } from '../../../src/simulator/ledger.js';
import type {
  AppendixRec, CategoryGroupRec, CategoryLink, CategoryRec, ChangeEvent, ChangelogResource, CustomerRec, InvoiceRec, TransactionRec,
} from './types.js';

type Json = Record<string, unknown>;

/** Pennylane writes amounts the way Ruby's BigDecimal prints them: "600.0", "230.32", "-120.0" (seen in the recordings). */
export function plAmount(cents: number): string {
  const text = formatMinor(cents, 2);
  return text.endsWith('0') ? text.slice(0, -1) : text;
}

/** Instants with microseconds, as Pennylane renders them ("2026-07-08T12:06:19.330107Z"). */
export function plInstant(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}${String(Math.abs(ms) % 997).padStart(3, '0')}Z`;
}

export interface StoreOptions {
  now: () => number;
  apiBase: string;
}

export class Store {
  customers = new Map<number, CustomerRec>();
  invoices = new Map<number, InvoiceRec>();
  transactions = new Map<number, TransactionRec>();
  groups = new Map<number, CategoryGroupRec>();
  categories = new Map<number, CategoryRec>();
  changelogs: Record<ChangelogResource, ChangeEvent[]> = { customers: [], customer_invoices: [], transactions: [] };
  /** Ids handed out after seeding, per kind, so new records sort after seeded ones. */
  next = { customer: 1_338_700_000_000, invoice: 25_470_000_000_000, transaction: 612_900_000, category: 90_100, group: 9_150, appendix: 41_000 };
  /** Events are stamped with strictly increasing instants, so a changelog cursor (an instant) is exact. */
  private lastProcessed = 0;

  constructor(readonly opts: StoreOptions) {}

  now(): number {
    return this.opts.now();
  }

  // ---- changes -------------------------------------------------------------------------------------------------

  /** Records one change in the resource's changelog (processed a moment after the change, as Pennylane does). */
  log(resource: ChangelogResource, rec: { id: number; createdMs: number; updatedMs: number }, operation: ChangeEvent['operation']): void {
    const processedMs = Math.max(this.lastProcessed + 1, this.now());
    this.lastProcessed = processedMs;
    this.changelogs[resource].push({ id: rec.id, operation, processedMs, createdMs: rec.createdMs, updatedMs: rec.updatedMs });
  }

  touchCustomer(c: CustomerRec, op: ChangeEvent['operation'] = 'update'): void {
    c.updatedMs = Math.max(c.updatedMs + 1, this.now());
    this.log('customers', c, op);
  }

  touchInvoice(i: InvoiceRec, op: ChangeEvent['operation'] = 'update'): void {
    i.updatedMs = Math.max(i.updatedMs + 1, this.now());
    this.log('customer_invoices', i, op);
  }

  touchTransaction(t: TransactionRec, op: ChangeEvent['operation'] = 'update'): void {
    t.updatedMs = Math.max(t.updatedMs + 1, this.now());
    this.log('transactions', t, op);
  }

  // ---- settlement ----------------------------------------------------------------------------------------------

  /** What is still owed on an invoice: its total less matched transactions and linked credit notes (never below 0). */
  remainingCents(i: InvoiceRec): number {
    if (i.draft || i.creditNote) return 0;
    const settled = i.matches.reduce((s, m) => s + m.cents, 0) + i.credits.filter((c) => !c.draft).reduce((s, c) => s - c.totalCents, 0);
    return Math.max(0, i.totalCents - settled);
  }

  creditedCents(i: InvoiceRec): number {
    return i.credits.filter((c) => !c.draft).reduce((s, c) => s - c.totalCents, 0);
  }

  /**
   * The `status` string. Pennylane publishes no single enum; this is the union public integrations use (reference
   * A3.2): draft, upcoming, late, partially_paid, paid, cancelled, partially_cancelled, credit_note, archived, proforma.
   */
  status(i: InvoiceRec): string {
    if (i.creditNote) return 'credit_note';
    if (i.proforma) return 'proforma';
    if (i.draft) return 'draft';
    if (i.archivedMs !== null) return 'archived';
    const remaining = this.remainingCents(i);
    const credited = this.creditedCents(i);
    if (credited >= i.totalCents) return 'cancelled';
    if (remaining === 0) return 'paid';
    if (credited > 0) return 'partially_cancelled';
    if (remaining < i.totalCents) return 'partially_paid';
    return i.deadline < msToYmd(this.now()) ? 'late' : 'upcoming';
  }

  /** A transaction that pays at least one customer invoice: a receipt as Relance sees it. */
  isReceipt(t: TransactionRec): boolean {
    return t.amountCents > 0 && t.matches.some((m) => !m.invoice.creditNote);
  }

  // ---- rendering -----------------------------------------------------------------------------------------------

  private url(path: string): string {
    return `${this.opts.apiBase}${path}`;
  }

  renderCustomer(c: CustomerRec): Json {
    const base: Json = {
      billing_iban: null,
      created_at: plInstant(c.createdMs),
      customer_type: c.type,
      id: c.id,
      name: c.name,
      payment_conditions: c.paymentConditions,
      phone: c.phone,
      recipient: c.type === 'company' ? 'Service comptabilité' : '',
      reference: c.reference,
      updated_at: plInstant(c.updatedMs),
      billing_language: 'fr_FR',
    };
    // Individuals carry first/last names; companies carry SIREN/SIRET and VAT number (as in the recordings).
    const who: Json = c.type === 'individual' ? { last_name: c.lastName, first_name: c.firstName } : { vat_number: c.vatNumber, reg_no: c.regNo };
    return {
      ...base,
      ...who,
      ledger_account: { id: c.ledgerAccountId },
      notes: c.notes,
      emails: c.corrupt ? 'not-a-list' : [...c.emails],
      billing_address: { ...c.billing },
      delivery_address: { address: '', postal_code: '', city: '', country_alpha2: '' },
      external_reference: c.externalReference,
      contacts: { url: this.url(`/customers/${c.id}/contacts`) },
    };
  }

  /** The document's public link: on the app's origin, readable by anyone holding it (no token). */
  publicFileUrl(i: InvoiceRec): string {
    return `${new URL(this.opts.apiBase).origin}/public/invoice/pdf?encrypted_id=SIM${i.id.toString(36)}`;
  }

  /** The invoice a public link names, if it still exists. */
  byPublicId(encryptedId: string | null): InvoiceRec | undefined {
    const m = /^SIM([0-9a-z]+)$/.exec(encryptedId ?? '');
    return m ? this.invoices.get(parseInt(m[1]!, 36)) : undefined;
  }

  renderInvoice(i: InvoiceRec): Json {
    const remaining = this.remainingCents(i);
    const netRemaining = i.totalCents === 0 ? 0 : Math.round((remaining * i.netCents) / i.totalCents);
    const path = `/customer_invoices/${i.id}`;
    const amount = plAmount(i.totalCents);
    return {
      id: i.id,
      label: i.label,
      invoice_number: i.draft ? '' : i.number,
      currency: 'EUR',
      amount,
      currency_amount: i.corrupt ? 'douze euros' : amount,
      currency_amount_before_tax: plAmount(i.netCents),
      tax: plAmount(i.taxCents),
      currency_tax: plAmount(i.taxCents),
      // Drafts have no remaining amount yet (null in the recordings); a credit note's own remaining is 0 here (UNCONFIRMED).
      remaining_amount_with_tax: i.draft ? null : plAmount(remaining),
      remaining_amount_without_tax: i.draft ? null : plAmount(netRemaining),
      draft: i.draft,
      language: 'fr_FR',
      paid: !i.draft && !i.creditNote && i.totalCents > 0 && remaining === 0,
      status: this.status(i),
      filename: `${i.draft ? 'Brouillon' : i.number}.pdf`,
      date: i.date,
      deadline: i.deadline,
      special_mention: null,
      created_at: plInstant(i.createdMs),
      updated_at: plInstant(i.updatedMs),
      archived_at: i.archivedMs === null ? null : plInstant(i.archivedMs),
      pdf_invoice_free_text: 'Paiement par virement. Pénalités de retard : trois fois le taux d’intérêt légal ; indemnité forfaitaire pour frais de recouvrement : 40 €.',
      pdf_description: null,
      pdf_invoice_subject: null,
      public_file_url: this.publicFileUrl(i),
      exchange_rate: '1.0',
      discount: { type: 'relative', value: '0.0' },
      ledger_entry: i.draft ? null : { id: i.id },
      customer_invoice_template: null,
      transaction_reference: null,
      customer: { id: i.customer.id, url: this.url(`/customers/${i.customer.id}`) },
      billing_subscription: null,
      credited_invoice: i.credited ? { id: i.credited.id, url: this.url(`/customer_invoices/${i.credited.id}`) } : null,
      quote: null,
      invoice_line_sections: { url: this.url(`${path}/invoice_line_sections`) },
      invoice_lines: { url: this.url(`${path}/invoice_lines`) },
      custom_header_fields: { url: this.url(`${path}/custom_header_fields`) },
      categories: { url: this.url(`${path}/categories`) },
      payments: { url: this.url(`${path}/payments`) },
      matched_transactions: { url: this.url(`${path}/matched_transactions`) },
      appendices: { url: this.url(`${path}/appendices`) },
      external_reference: i.externalReference,
      e_invoicing: i.eInvoicing ? { status: i.eInvoicing.status, reason: i.eInvoicing.reason } : null,
      factur_x: !i.draft,
    };
  }

  renderLine(i: InvoiceRec, index: number): Json {
    const l = i.lines[index]!;
    return {
      id: i.id * 10 + index,
      label: l.label,
      quantity: String(l.quantity),
      unit: 'piece',
      raw_currency_unit_price: plAmount(l.unitCents),
      vat_rate: l.vatRate,
      currency_amount: plAmount(l.netCents + l.taxCents),
      currency_tax: plAmount(l.taxCents),
    };
  }

  renderTransaction(t: TransactionRec): Json {
    const matched = t.matches.reduce((s, m) => s + m.cents, 0);
    return {
      id: t.id,
      label: t.label,
      date: t.date,
      outstanding_balance: plAmount(Math.max(0, t.amountCents - matched)),
      amount: plAmount(t.amountCents),
      currency_amount: plAmount(t.amountCents),
      currency: 'EUR',
      fee: '0.0',
      currency_fee: '0.0',
      attachment_required: false,
      bank_account: { id: t.bankAccountId, url: this.url(`/bank_accounts/${t.bankAccountId}`) },
      journal: { id: 310 },
      customer: t.customer ? { id: t.customer.id, url: this.url(`/customers/${t.customer.id}`) } : null,
      categories: [],
      matched_invoices: { url: this.url(`/transactions/${t.id}/matched_invoices`) },
      archived_at: null,
      created_at: plInstant(t.createdMs),
      updated_at: plInstant(t.updatedMs),
    };
  }

  /**
   * One item of /transactions/{id}/matched_invoices. The item shape is not in the public reference we could read
   * (UNCONFIRMED): an id, a type and the invoice's URL, from which a client can tell customer from supplier invoices.
   */
  renderMatchedInvoice(i: InvoiceRec): Json {
    return { id: i.id, type: 'customer_invoice', url: this.url(`/customer_invoices/${i.id}`) };
  }

  /** One payment of /customer_invoices/{id}/payments: what the matched money was, without a per-invoice split. */
  renderPayment(m: { tx: TransactionRec; cents: number }): Json {
    return { id: m.tx.id, label: m.tx.label, currency: 'EUR', currency_amount: plAmount(m.tx.amountCents), status: 'paid', created_at: plInstant(m.tx.createdMs), updated_at: plInstant(m.tx.updatedMs) };
  }

  renderCategory(c: CategoryRec, weight?: string): Json {
    return {
      id: c.id,
      label: c.label,
      ...(weight === undefined ? {} : { weight }),
      category_group: { id: c.group.id },
      analytical_code: c.analyticalCode,
      created_at: plInstant(c.createdMs),
      updated_at: plInstant(c.updatedMs),
    };
  }

  renderGroup(g: CategoryGroupRec): Json {
    return { id: g.id, label: g.label, categories: { url: this.url(`/category_groups/${g.id}/categories`) }, created_at: plInstant(g.createdMs), updated_at: plInstant(g.createdMs) };
  }

  renderAppendix(i: InvoiceRec, a: AppendixRec): Json {
    return { id: a.id, url: `https://app.pennylane.com/public/appendix?encrypted_id=SIM${a.id.toString(36)}`, filename: a.filename, size: a.size, created_at: plInstant(a.createdMs), updated_at: plInstant(a.createdMs), customer_invoice: { id: i.id } };
  }

  categoriesOf(i: InvoiceRec): { cat: CategoryRec; link: CategoryLink }[] {
    return i.categories.flatMap((link) => {
      const cat = this.categories.get(link.categoryId);
      return cat ? [{ cat, link }] : [];
    });
  }

  // ---- snapshot ------------------------------------------------------------------------------------------------

  state(): object {
    return { customers: this.customers, invoices: this.invoices, transactions: this.transactions, groups: this.groups, categories: this.categories, changelogs: this.changelogs, next: this.next, lastProcessed: this.lastProcessed };
  }

  restoreState(s: unknown): void {
    const x = s as Store;
    Object.assign(this, { customers: x.customers, invoices: x.invoices, transactions: x.transactions, groups: x.groups, categories: x.categories, changelogs: x.changelogs, next: x.next });
    this.lastProcessed = (s as { lastProcessed: number }).lastProcessed;
  }
}
