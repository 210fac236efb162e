// One simulated Sage business: contacts, sales invoices and credit notes, customer receipts, contact allocations, attachments, rendered as v3.1 does.
import { formatMinor, jsonMoney } from '../../../src/simulator/ledger.js';
import type { AllocationRec, ArtefactRec, AttachmentRec, BusinessRec, ContactRec, PaymentRec } from './types.js';

type Json = Record<string, unknown>;

/** Sage prints money the way Ruby's BigDecimal does: "1200.0", "580.5", "321.25" (reference D2 and SG-INV-GUIDE). */
export function sageAmount(cents: number): string {
  const text = formatMinor(cents, 2);
  return text.endsWith('0') ? text.slice(0, -1) : text;
}

/** Instants to the second, in UTC ("2026-02-25T09:16:02Z", reference D2). */
export const sageInstant = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

const link = (id: string, displayed: string, path: string) => ({ id, displayed_as: displayed, $path: `/${path}/${id}` });
const CURRENCY_NAMES = { GBP: 'Pound Sterling (GBP)', EUR: 'Euro (EUR)' } as const;
const currencyLink = (c: 'GBP' | 'EUR') => ({ id: c, displayed_as: CURRENCY_NAMES[c], $path: `/currencies/${c}` });
const STATUS_NAMES: Record<string, string> = { DRAFT: 'Draft', UNPAID: 'Unpaid', PART_PAID: 'Part Paid', PAID: 'Paid', VOID: 'Void' };

export class BusinessStore {
  contacts = new Map<string, ContactRec>();
  invoices = new Map<string, ArtefactRec>();
  creditNotes = new Map<string, ArtefactRec>();
  payments = new Map<string, PaymentRec>();
  allocations = new Map<string, AllocationRec>();
  attachments = new Map<string, AttachmentRec>();
  /** Ids handed out so far (saved with the snapshot, so ids made after a restore never repeat). */
  serial = 0;

  constructor(
    readonly business: BusinessRec,
    readonly now: () => number,
  ) {}

  /** A new 32-hex id, unique in this business and stable for a seed (the business id is its prefix's salt). */
  newId(): string {
    this.serial++;
    const salt = parseInt(this.business.id.slice(0, 8), 16);
    const a = (Math.imul(this.serial, 2_654_435_761) ^ salt) >>> 0;
    const b = (Math.imul(this.serial ^ 0x5bd1e995, 40_503) + salt) >>> 0;
    return `${a.toString(16).padStart(8, '0')}${b.toString(16).padStart(8, '0')}${this.serial.toString(16).padStart(16, '0')}`;
  }

  /** Every change moves `updated_at` on, strictly (two changes in one millisecond still differ). */
  touch(rec: { updatedMs: number }): void {
    rec.updatedMs = Math.max(rec.updatedMs + 1, this.now());
  }

  // ---- the ledger ----------------------------------------------------------------------------------------------

  /** Settled amounts per artefact, rebuilt after any change to payments or allocations (ledgerChanged). */
  private settledIndex: Map<ArtefactRec | PaymentRec, number> | null = null;

  /** Call after a payment or allocation is added, changed or deleted. */
  ledgerChanged(): void {
    this.settledIndex = null;
  }

  /** A new payment or allocation settled `cents` of `target`: the index follows without a rebuild (seeding 20k documents). */
  settled(target: ArtefactRec | PaymentRec, cents: number): void {
    if (this.settledIndex) this.settledIndex.set(target, (this.settledIndex.get(target) ?? 0) + Math.abs(cents));
  }

  private index(): Map<ArtefactRec | PaymentRec, number> {
    if (this.settledIndex) return this.settledIndex;
    const m = new Map<ArtefactRec | PaymentRec, number>();
    const add = (k: ArtefactRec | PaymentRec, cents: number) => m.set(k, (m.get(k) ?? 0) + cents);
    for (const p of this.payments.values()) if (p.deletedMs === null) for (const x of p.allocated) add(x.artefact, x.cents);
    for (const al of this.allocations.values()) if (al.deletedMs === null) for (const l of al.lines) add(l.artefact, Math.abs(l.cents));
    this.settledIndex = m;
    return m;
  }

  /** What payments and allocations have settled of an invoice, or used of a credit note (positive). */
  settledCents(a: ArtefactRec): number {
    return this.index().get(a) ?? 0;
  }

  outstandingCents(a: ArtefactRec): number {
    return a.voidReason !== null ? 0 : a.totalCents - this.settledCents(a);
  }

  lastPaid(a: ArtefactRec): string | null {
    const dates = [...this.payments.values()].filter((p) => p.deletedMs === null && p.allocated.some((x) => x.artefact === a)).map((p) => p.date);
    for (const al of this.allocations.values()) if (al.deletedMs === null && al.lines.some((l) => l.artefact === a)) dates.push(al.date);
    return dates.sort().at(-1) ?? null;
  }

  /** Sage's artefact status: PAID and PART_PAID come only from payments and allocations (reference B3.2). */
  status(a: ArtefactRec): 'DRAFT' | 'UNPAID' | 'PART_PAID' | 'PAID' | 'VOID' {
    if (a.voidReason !== null) return 'VOID';
    if (a.draft) return 'DRAFT';
    const settled = this.settledCents(a);
    if (settled === 0) return 'UNPAID';
    return settled >= a.totalCents ? 'PAID' : 'PART_PAID';
  }

  paymentOnAccountCents(p: PaymentRec): number {
    const used = this.index().get(p) ?? 0;
    return p.totalCents - p.allocated.reduce((s, x) => s + x.cents, 0) - used;
  }

  // ---- rendering -----------------------------------------------------------------------------------------------

  renderContact(c: ContactRec): Json {
    const balance = [...this.invoices.values()].filter((i) => i.contact === c && i.deletedMs === null).reduce((s, i) => s + this.outstandingCents(i), 0);
    return {
      ...link(c.id, `${c.name} (${c.reference})`, 'contacts'),
      contact_types: c.types.map((t) => ({ id: t, displayed_as: t === 'CUSTOMER' ? 'Customer' : 'Supplier', $path: `/contact_types/${t}` })),
      name: c.name,
      reference: c.reference,
      email: c.email,
      main_contact_person: c.person ? { ...link(c.person.id, c.person.name, 'contact_persons'), name: c.person.name, email: c.person.email, telephone: c.phone } : null,
      main_address: { address_line_1: c.address.line1, address_line_2: null, city: c.address.city, postal_code: c.address.postalCode, country: { id: c.address.country, displayed_as: c.address.country, $path: `/countries/${c.address.country}` } },
      tax_number: c.taxNumber,
      notes: c.notes,
      locale: c.locale,
      currency: currencyLink(c.currency),
      balance: c.corrupt ? 'lots' : sageAmount(balance),
      credit_limit: c.creditLimitCents === null ? null : sageAmount(c.creditLimitCents),
      credit_days: c.creditDays,
      system: false,
      gdpr_obfuscated: false,
      deletable: ![...this.invoices.values(), ...this.creditNotes.values()].some((i) => i.contact === c),
      deleted_at: c.deletedMs === null ? null : sageInstant(c.deletedMs),
      created_at: sageInstant(c.createdMs),
      updated_at: sageInstant(c.updatedMs),
      ...(c.corrupt ? { name: null } : {}),
    };
  }

  renderArtefact(a: ArtefactRec, opts: { paymentsAllocations?: boolean } = {}): Json {
    const path = a.kind === 'invoice' ? 'sales_invoices' : 'sales_credit_notes';
    const status = this.status(a);
    const settled = a.voidReason !== null ? 0 : this.settledCents(a);
    const outstanding = this.outstandingCents(a);
    const money = (cents: number) => (a.corrupt ? 'douze livres' : sageAmount(cents));
    const out: Json = {
      ...link(a.id, a.number || 'Draft', path),
      [a.kind === 'invoice' ? 'invoice_number' : 'credit_note_number']: a.number,
      contact: link(a.contact.id, `${a.contact.name} (${a.contact.reference})`, 'contacts'),
      contact_name: a.contact.name,
      contact_reference: a.contact.reference,
      date: a.date,
      ...(a.kind === 'invoice' ? { due_date: a.dueDate } : { original_invoice_date: null }),
      reference: a.reference,
      notes: a.notes,
      net_amount: money(a.netCents),
      tax_amount: money(a.taxCents),
      total_amount: money(a.totalCents),
      payments_allocations_total_amount: sageAmount(settled),
      payments_allocations_total_discount: '0.0',
      total_paid: sageAmount(settled),
      outstanding_amount: money(outstanding),
      currency: currencyLink(a.currency),
      exchange_rate: a.currency === this.business.currency ? '1.0' : a.currency === 'EUR' ? '0.85' : '1.17',
      status: { id: status, displayed_as: STATUS_NAMES[status], $path: `/artefact_statuses/${status}` },
      sent: a.sent,
      sent_by_email: a.sent,
      editable: settled === 0 && a.voidReason === null,
      void_reason: a.voidReason,
      last_paid: this.lastPaid(a),
      [a.kind === 'invoice' ? 'invoice_lines' : 'credit_note_lines']: a.lines.map((l) => ({
        id: l.id,
        displayed_as: l.description,
        description: l.description,
        quantity: sageAmount(l.quantity * 100),
        unit_price: sageAmount(l.unitCents),
        net_amount: sageAmount(l.netCents),
        tax_rate: { id: l.taxRate, displayed_as: l.taxRate === 'GB_STANDARD' ? 'Standard 20.00%' : l.taxRate === 'GB_ZERO' ? 'Zero 0.00%' : 'Exempt 0.00%', $path: `/tax_rates/${l.taxRate}` },
        tax_amount: sageAmount(l.taxCents),
        total_amount: sageAmount(l.netCents + l.taxCents),
      })),
      deleted_at: a.deletedMs === null ? null : sageInstant(a.deletedMs),
      created_at: sageInstant(a.createdMs),
      updated_at: sageInstant(a.updatedMs),
    };
    if (opts.paymentsAllocations) out['payments_allocations'] = this.paymentsAllocationsOf(a);
    return out;
  }

  private paymentsAllocationsOf(a: ArtefactRec): Json[] {
    const out: Json[] = [];
    for (const p of this.payments.values()) {
      if (p.deletedMs !== null) continue;
      for (const x of p.allocated) if (x.artefact === a) out.push({ date: p.date, type: 'Customer Receipt', reference: p.reference, amount: sageAmount(x.cents), discount: '0.0', contact_payment: link(p.id, p.reference ?? 'Customer Receipt', 'contact_payments') });
    }
    for (const al of this.allocations.values()) {
      if (al.deletedMs !== null) continue;
      for (const l of al.lines) if (l.artefact === a) out.push({ date: al.date, type: 'Customer Allocation', reference: null, amount: sageAmount(Math.abs(l.cents)), discount: '0.0', contact_allocation: link(al.id, 'Customer Allocation', 'contact_allocations') });
    }
    return out;
  }

  /**
   * Contact payments carry their amounts as JSON numbers here, where artefacts carry decimal strings: Sage's spec types
   * money as numbers and its answers send strings on artefacts (reference B3), so both forms reach the client.
   */
  renderPayment(p: PaymentRec): Json {
    const onAccount = this.paymentOnAccountCents(p);
    return {
      ...link(p.id, p.reference ?? 'Customer Receipt', 'contact_payments'),
      transaction_type: { id: 'CUSTOMER_RECEIPT', displayed_as: 'Customer Receipt', $path: '/transaction_types/CUSTOMER_RECEIPT' },
      contact: link(p.contact.id, `${p.contact.name} (${p.contact.reference})`, 'contacts'),
      bank_account: { id: '27cf77a0e56b4c420345893cfc404c94', displayed_as: 'Current Account (1200)', $path: '/bank_accounts/27cf77a0e56b4c420345893cfc404c94' },
      payment_method: { id: 'BANK_TRANSFER', displayed_as: 'Bank Transfer', $path: '/payment_methods/BANK_TRANSFER' },
      date: p.date,
      reference: p.reference,
      net_amount: p.corrupt ? 'NaN' : jsonMoney(p.totalCents, 2),
      tax_amount: 0,
      total_amount: p.corrupt ? 'NaN' : jsonMoney(p.totalCents, 2),
      currency: currencyLink(p.currency),
      exchange_rate: 1,
      base_currency_total_amount: jsonMoney(p.totalCents, 2),
      allocated_artefacts: p.allocated.map((x) => ({ id: x.id, artefact: link(x.artefact.id, x.artefact.number, 'sales_invoices'), amount: jsonMoney(x.cents, 2), discount: 0 })),
      payment_on_account: onAccount > 0 ? { id: `${p.id.slice(0, 24)}0000acc0`, displayed_as: 'Payment on Account', total_amount: jsonMoney(onAccount, 2), outstanding_amount: jsonMoney(onAccount, 2) } : null,
      editable: true,
      deleted_at: p.deletedMs === null ? null : sageInstant(p.deletedMs),
      created_at: sageInstant(p.createdMs),
      updated_at: sageInstant(p.updatedMs),
    };
  }

  renderAllocation(al: AllocationRec): Json {
    return {
      ...link(al.id, 'Customer Allocation', 'contact_allocations'),
      transaction_type: { id: 'CUSTOMER_ALLOCATION', displayed_as: 'Customer Allocation', $path: '/transaction_types/CUSTOMER_ALLOCATION' },
      date: al.date,
      contact: link(al.contact.id, `${al.contact.name} (${al.contact.reference})`, 'contacts'),
      allocated_artefacts: al.lines.map((l) => ({
        id: l.id,
        artefact: link(l.artefact.id, l.artefact.kind === 'payment' ? l.artefact.reference ?? 'Customer Receipt' : l.artefact.number, l.artefact.kind === 'payment' ? 'contact_payments' : l.artefact.kind === 'invoice' ? 'sales_invoices' : 'sales_credit_notes'),
        amount: sageAmount(l.cents),
      })),
      deleted_at: al.deletedMs === null ? null : sageInstant(al.deletedMs),
      created_at: sageInstant(al.createdMs),
      updated_at: sageInstant(al.updatedMs),
    };
  }

  renderAttachment(at: AttachmentRec): Json {
    return {
      ...link(at.id, at.fileName, 'attachments'),
      file: null,
      mime_type: at.mimeType,
      description: at.description,
      file_extension: at.fileName.includes('.') ? at.fileName.slice(at.fileName.lastIndexOf('.')) : '',
      file_name: at.fileName,
      file_size: at.sizeBytes,
      attachment_context_type: { id: at.contextType, displayed_as: at.contextType, $path: `/attachment_context_types/${at.contextType}` },
      attachment_context: { id: at.contextId, displayed_as: at.contextId, $path: `/sales_invoices/${at.contextId}` },
      is_public: at.isPublic,
      created_at: sageInstant(at.createdMs),
      updated_at: sageInstant(at.updatedMs),
    };
  }

  renderBusiness(): Json {
    const b = this.business;
    return {
      ...link(b.id, b.name, 'businesses'),
      name: b.name,
      address_line_1: b.country === 'GB' ? '1 Temple Quay' : '12 Grand Canal Dock',
      city: b.country === 'GB' ? 'Bristol' : 'Dublin',
      country: { id: b.country, displayed_as: b.country === 'GB' ? 'United Kingdom (GB)' : 'Ireland (IE)', $path: `/countries/${b.country}` },
      created_at: sageInstant(b.createdMs),
      updated_at: sageInstant(b.createdMs),
    };
  }
}
