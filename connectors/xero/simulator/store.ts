// The simulated organisation's records: tables with id and update-time indexes, derived amounts, and Xero JSON rendering.
import { addDays, dateString, money, msDate, msToYmd, ymdToMs } from './format.js';
import type {
  AllocationRec, AnyRec, ContactRec, CreditNoteRec, DocStatus, EntityName, EventCategory, HistoryRec, InvoiceRec, LineRec, PaymentRec, RecOf,
} from './types.js';

type Json = Record<string, unknown>;

/** Records of one entity: creation order, id lookup, and an update-time index for If-Modified-Since and ordering. */
export class Table<R extends AnyRec> {
  readonly ordered: R[] = [];
  readonly byId = new Map<string, R>();
  /** Entries in ascending time; an entry is live only while its rev is the record's latest (touching appends a new one). */
  private byUpdated: Entry<R>[] = [];
  private readonly revs = new Map<R, number>();
  private stale = 0;

  /** Seeding skips the time index (timestamps arrive out of order) and calls reindex() once at the end. */
  add(rec: R, indexNow = true): void {
    this.ordered.push(rec);
    this.byId.set(rec.id.toLowerCase(), rec);
    if (indexNow) this.index(rec);
  }

  get(id: string): R | undefined {
    return this.byId.get(id.toLowerCase());
  }

  /** Re-indexes a record after its updatedMs changed. */
  index(rec: R): void {
    const rev = (this.revs.get(rec) ?? 0) + 1;
    if (rev > 1) this.stale++;
    this.revs.set(rec, rev);
    const entry = { rec, ms: rec.updatedMs, rev };
    const list = this.byUpdated;
    const last = list[list.length - 1];
    if (!last || last.ms <= entry.ms) list.push(entry);
    else list.splice(this.lowerBound(entry.ms + 1), 0, entry);
    if (this.stale > 1024 && this.stale > list.length / 2) this.compact();
  }

  /** Records by ascending UpdatedDateUTC (ties by change order), optionally only those updated after `sinceMs`. */
  *updatedSince(sinceMs?: number): Generator<R> {
    const list = this.byUpdated;
    for (let i = sinceMs === undefined ? 0 : this.lowerBound(sinceMs + 1); i < list.length; i++) {
      const e = list[i] as Entry<R>;
      if (this.revs.get(e.rec) === e.rev) yield e.rec;
    }
  }

  private lowerBound(ms: number): number {
    let lo = 0;
    let hi = this.byUpdated.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.byUpdated[mid] as Entry<R>).ms < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private compact(): void {
    this.byUpdated = this.byUpdated.filter((e) => this.revs.get(e.rec) === e.rev);
    this.stale = 0;
  }

  /** Rebuilds the time index (after bulk seeding with out-of-order timestamps). */
  reindex(): void {
    this.byUpdated = this.ordered.map((rec) => ({ rec, ms: rec.updatedMs, rev: 1 })).sort((a, b) => a.ms - b.ms || a.rec.num - b.rec.num);
    this.revs.clear();
    for (const rec of this.ordered) this.revs.set(rec, 1);
    this.stale = 0;
  }
}

interface Entry<R> {
  rec: R;
  ms: number;
  rev: number;
}

export interface StoreOptions {
  now: () => number;
  currency: string;
  taxPercent: number;
  /** For webhook resourceUrl and the pending events list. */
  onChange?: (category: EventCategory, rec: AnyRec, type: 'CREATE' | 'UPDATE') => void;
}

export class Store {
  readonly contacts = new Table<ContactRec>();
  readonly invoices = new Table<InvoiceRec>();
  readonly creditNotes = new Table<CreditNoteRec>();
  readonly payments = new Table<PaymentRec>();
  /** Bumped on every change; list caches key on it. */
  version = 0;
  private seq = 0;

  constructor(readonly opts: StoreOptions) {}

  table<E extends EntityName>(e: E): Table<RecOf<E>> {
    const t = { Contact: this.contacts, Invoice: this.invoices, CreditNote: this.creditNotes, Payment: this.payments }[e];
    return t as unknown as Table<RecOf<E>>;
  }

  /** The records (sharing their payments and allocations) and counters, for the simulator's snapshot. */
  state(): object {
    return { contacts: this.contacts.ordered, invoices: this.invoices.ordered, creditNotes: this.creditNotes.ordered, payments: this.payments.ordered, seq: this.seq, version: this.version };
  }

  restoreState(state: unknown): void {
    const s = state as { contacts: AnyRec[]; invoices: AnyRec[]; creditNotes: AnyRec[]; payments: AnyRec[]; seq: number; version: number };
    const tables = [[this.contacts, s.contacts], [this.invoices, s.invoices], [this.creditNotes, s.creditNotes], [this.payments, s.payments]] as const;
    for (const [table, rows] of tables) {
      const t = table as unknown as Table<AnyRec>;
      t.ordered.length = 0;
      t.byId.clear();
      for (const rec of rows) t.add(rec, false);
      t.reindex();
    }
    this.seq = s.seq;
    this.version = s.version + 1;
  }

  nextNum(): number {
    return ++this.seq;
  }

  /** Marks a record changed now (UpdatedDateUTC) and tells webhook listeners. */
  touch(rec: AnyRec, ms = this.opts.now(), type: 'CREATE' | 'UPDATE' = 'UPDATE'): void {
    // Xero timestamps never go backwards for a record even if the simulator clock is moved back.
    rec.updatedMs = Math.max(ms, rec.updatedMs);
    this.version++;
    (this.table(rec.kind) as Table<AnyRec>).index(rec);
    const category = rec.kind === 'Invoice' ? 'INVOICE' : rec.kind === 'Contact' ? 'CONTACT' : rec.kind === 'CreditNote' ? 'CREDITNOTE' : undefined;
    if (category) this.opts.onChange?.(category, rec, type);
  }

  insert(rec: AnyRec, seeding = false): void {
    (this.table(rec.kind) as Table<AnyRec>).add(rec, !seeding);
    if (rec.kind === 'Invoice') rec.contact.invoices.push(rec);
    this.version++;
    if (!seeding) {
      const category = rec.kind === 'Invoice' ? 'INVOICE' : rec.kind === 'Contact' ? 'CONTACT' : rec.kind === 'CreditNote' ? 'CREDITNOTE' : undefined;
      if (category) this.opts.onChange?.(category, rec, 'CREATE');
    }
  }

  // ---- derived amounts -------------------------------------------------------------------------------

  paidCents(inv: InvoiceRec): number {
    let s = 0;
    for (const p of inv.payments) if (p.status === 'AUTHORISED') s += p.cents;
    return s;
  }

  creditedCents(inv: InvoiceRec): number {
    let s = 0;
    for (const a of inv.allocations) if (!a.isDeleted) s += a.cents;
    return s;
  }

  dueCents(inv: InvoiceRec): number {
    if (inv.status === 'VOIDED' || inv.status === 'DELETED') return 0;
    return inv.totalCents - this.paidCents(inv) - this.creditedCents(inv);
  }

  remainingCredit(cn: CreditNoteRec): number {
    if (cn.status === 'VOIDED' || cn.status === 'DELETED') return 0;
    let s = 0;
    for (const a of cn.allocations) if (!a.isDeleted) s += a.cents;
    return cn.totalCents - s;
  }

  /** Stored status, except that an authorised document with nothing left to pay or allocate is PAID. */
  status(rec: InvoiceRec | CreditNoteRec): DocStatus {
    if (rec.status !== 'AUTHORISED' && rec.status !== 'PAID') return rec.status;
    const left = rec.kind === 'Invoice' ? this.dueCents(rec) : this.remainingCredit(rec);
    return left === 0 && rec.totalCents > 0 ? 'PAID' : 'AUTHORISED';
  }

  /** Keeps FullyPaidOnDate in step after a payment or allocation change. */
  settle(rec: InvoiceRec | CreditNoteRec, onDate: string): void {
    const paid = this.status(rec) === 'PAID';
    rec.status = paid ? 'PAID' : rec.status === 'PAID' ? 'AUTHORISED' : rec.status;
    rec.fullyPaidMs = paid ? (rec.fullyPaidMs ?? ymdToMs(onDate)) : undefined;
  }

  // ---- rendering -------------------------------------------------------------------------------------

  contactRef(c: ContactRec): Json {
    return { ContactID: c.id, Name: c.name, Addresses: [], Phones: [], ContactGroups: [], ContactPersons: [], HasValidationErrors: false };
  }

  private lines(lines: LineRec[], rec: AnyRec): Json[] {
    return lines.map((l) => ({
      Description: l.description,
      UnitAmount: money(l.unitCents),
      TaxType: l.taxType,
      TaxAmount: money(l.taxCents),
      LineAmount: rec.corrupt ? 'abc' : money(l.lineCents),
      AccountCode: l.accountCode,
      Tracking: [],
      Quantity: l.quantity,
      LineItemID: l.id,
    }));
  }

  renderContact(c: ContactRec, summaryOnly = false): Json {
    const out: Json = { ContactID: c.id };
    if (c.contactNumber) out.ContactNumber = c.contactNumber;
    if (c.accountNumber) out.AccountNumber = c.accountNumber;
    if (c.companyNumber) out.CompanyNumber = c.companyNumber;
    Object.assign(out, {
      ContactStatus: c.status,
      Name: c.name,
      FirstName: c.firstName,
      LastName: c.lastName,
      EmailAddress: c.email,
      BankAccountDetails: '',
      Addresses: [
        { AddressType: 'STREET', City: '', Region: '', PostalCode: '', Country: '' },
        { AddressType: 'POBOX', AddressLine1: c.street, City: c.city, Region: '', PostalCode: c.postalCode, Country: c.country },
      ],
      Phones: [
        { PhoneType: 'DDI', PhoneNumber: '', PhoneAreaCode: '', PhoneCountryCode: '' },
        { PhoneType: 'DEFAULT', PhoneNumber: c.phone, PhoneAreaCode: '', PhoneCountryCode: '33' },
        { PhoneType: 'FAX', PhoneNumber: '', PhoneAreaCode: '', PhoneCountryCode: '' },
        { PhoneType: 'MOBILE', PhoneNumber: '', PhoneAreaCode: '', PhoneCountryCode: '' },
      ],
      UpdatedDateUTC: msDate(c.updatedMs),
      ContactGroups: [],
      IsSupplier: c.isSupplier,
      IsCustomer: c.invoices.some((i) => i.type === 'ACCREC' && i.status !== 'DELETED'),
    });
    if (c.currency) out.DefaultCurrency = c.currency;
    if (!summaryOnly && c.invoices.length > 0) {
      // Balances appear only on contacts with documents (observed in the recorded Demo Company).
      const today = msToYmd(this.opts.now());
      const sums = { ACCREC: [0, 0], ACCPAY: [0, 0] };
      for (const inv of c.invoices) {
        if (this.status(inv) !== 'AUTHORISED') continue;
        const due = this.dueCents(inv);
        const s = sums[inv.type];
        s[0] = (s[0] as number) + due;
        if (inv.dueDate && inv.dueDate < today) s[1] = (s[1] as number) + due;
      }
      out.Balances = {
        AccountsReceivable: { Outstanding: money(sums.ACCREC[0] as number), Overdue: money(sums.ACCREC[1] as number) },
        AccountsPayable: { Outstanding: money(sums.ACCPAY[0] as number), Overdue: money(sums.ACCPAY[1] as number) },
      };
    }
    Object.assign(out, { ContactPersons: [], HasAttachments: false, HasValidationErrors: false });
    return out;
  }

  paymentSummary(p: PaymentRec): Json {
    return { PaymentID: p.id, Date: msDate(ymdToMs(p.date)), Amount: money(p.cents), Reference: p.reference, CurrencyRate: 1, HasAccount: false, HasValidationErrors: false };
  }

  renderInvoice(inv: InvoiceRec, opts: { summaryOnly?: boolean; withLines?: boolean } = {}): Json {
    const summary = opts.summaryOnly === true;
    const withLines = opts.withLines !== false && !summary;
    const paid = this.paidCents(inv);
    const credited = this.creditedCents(inv);
    const due = this.dueCents(inv);
    const status = this.status(inv);
    const out: Json = {
      Type: inv.type,
      InvoiceID: inv.id,
      InvoiceNumber: inv.number,
      Reference: inv.reference,
    };
    if (!summary) {
      out.Payments = inv.payments.filter((p) => p.status === 'AUTHORISED').map((p) => this.paymentSummary(p));
      out.CreditNotes = inv.allocations
        .filter((a) => !a.isDeleted)
        .map((a) => ({
          CreditNoteID: a.creditNote.id,
          CreditNoteNumber: a.creditNote.number,
          ID: a.creditNote.id,
          HasErrors: false,
          InvoiceAddresses: [],
          AppliedAmount: money(a.cents),
          DateString: dateString(a.date),
          Date: msDate(ymdToMs(a.date)),
          LineItems: [],
          Total: money(a.creditNote.totalCents),
        }));
      out.Prepayments = [];
      out.Overpayments = [];
    }
    Object.assign(out, {
      AmountDue: inv.corrupt ? 'abc' : money(due),
      AmountPaid: money(paid),
      AmountCredited: money(credited),
      IsDiscounted: false,
      HasAttachments: false,
      InvoiceAddresses: [],
      HasErrors: false,
      InvoicePaymentServices: [],
      Contact: summary ? { ContactID: inv.contact.id, Name: inv.contact.name } : this.contactRef(inv.contact),
      DateString: dateString(inv.date),
      Date: msDate(ymdToMs(inv.date)),
    });
    if (inv.dueDate) Object.assign(out, { DueDateString: dateString(inv.dueDate), DueDate: msDate(ymdToMs(inv.dueDate)) });
    if (inv.expectedPaymentDate) {
      Object.assign(out, { ExpectedPaymentDate: msDate(ymdToMs(inv.expectedPaymentDate)), ExpectedPaymentDateString: dateString(inv.expectedPaymentDate) });
    }
    out.Status = status;
    out.LineAmountTypes = 'Exclusive';
    if (withLines) out.LineItems = this.lines(inv.lines, inv);
    Object.assign(out, {
      SubTotal: money(inv.subCents),
      TotalTax: money(inv.taxCents),
      Total: money(inv.totalCents),
      UpdatedDateUTC: msDate(inv.updatedMs),
      CurrencyCode: inv.currency,
    });
    if (inv.fullyPaidMs !== undefined && status === 'PAID') out.FullyPaidOnDate = msDate(inv.fullyPaidMs);
    if (inv.sentToContact) out.SentToContact = true;
    return out;
  }

  renderCreditNote(cn: CreditNoteRec): Json {
    const status = this.status(cn);
    const out: Json = {
      CreditNoteID: cn.id,
      CreditNoteNumber: cn.number,
      Payments: [],
      ID: cn.id,
      HasErrors: false,
      InvoiceAddresses: [],
      Type: cn.type,
      Reference: cn.reference,
      RemainingCredit: cn.corrupt ? 'abc' : money(this.remainingCredit(cn)),
      Allocations: cn.allocations.map((a) => {
        const al: Json = {
          AllocationID: a.id,
          Amount: money(a.cents),
          Date: msDate(ymdToMs(a.date)),
          Invoice: {
            InvoiceID: a.invoice.id,
            InvoiceNumber: a.invoice.number,
            Payments: [],
            CreditNotes: [],
            Prepayments: [],
            Overpayments: [],
            IsDiscounted: false,
            InvoiceAddresses: [],
            HasErrors: false,
            InvoicePaymentServices: [],
            LineItems: [],
          },
        };
        if (a.isDeleted) al.IsDeleted = true;
        return al;
      }),
      HasAttachments: false,
      Contact: this.contactRef(cn.contact),
      DateString: dateString(cn.date),
      Date: msDate(ymdToMs(cn.date)),
      Status: status,
      LineAmountTypes: 'Exclusive',
      LineItems: this.lines(cn.lines, cn),
      SubTotal: money(cn.subCents),
      TotalTax: money(cn.taxCents),
      Total: money(cn.totalCents),
      UpdatedDateUTC: msDate(cn.updatedMs),
      CurrencyCode: cn.currency,
    };
    if (cn.fullyPaidMs !== undefined && status === 'PAID') out.FullyPaidOnDate = msDate(cn.fullyPaidMs);
    return out;
  }

  renderPayment(p: PaymentRec): Json {
    const inv = p.invoice;
    return {
      PaymentID: p.id,
      Date: msDate(ymdToMs(p.date)),
      BankAmount: money(p.cents),
      Amount: p.corrupt ? 'abc' : money(p.cents),
      Reference: p.reference,
      CurrencyRate: 1,
      PaymentType: inv.type === 'ACCREC' ? 'ACCRECPAYMENT' : 'ACCPAYPAYMENT',
      Status: p.status,
      UpdatedDateUTC: msDate(p.updatedMs),
      HasAccount: true,
      IsReconciled: p.isReconciled,
      Account: { AccountID: 'a3b2c1d0-5e4f-4a3b-9c2d-1e0f9a8b7c6d', Code: '512' },
      Invoice: {
        Type: inv.type,
        InvoiceID: inv.id,
        InvoiceNumber: inv.number,
        Payments: [],
        CreditNotes: [],
        Prepayments: [],
        Overpayments: [],
        IsDiscounted: false,
        InvoiceAddresses: [],
        HasErrors: false,
        InvoicePaymentServices: [],
        Contact: this.contactRef(inv.contact),
        LineItems: [],
        CurrencyCode: inv.currency,
      },
      HasValidationErrors: false,
    };
  }

  render(rec: AnyRec, opts: { summaryOnly?: boolean; withLines?: boolean } = {}): Json {
    switch (rec.kind) {
      case 'Contact':
        return this.renderContact(rec, opts.summaryOnly);
      case 'Invoice':
        return this.renderInvoice(rec, opts);
      case 'CreditNote':
        return this.renderCreditNote(rec);
      case 'Payment':
        return this.renderPayment(rec);
    }
  }

  renderHistory(h: HistoryRec): Json {
    return { Changes: h.changes, DateUTCString: new Date(h.ms).toISOString().slice(0, 19), DateUTC: msDate(h.ms), User: h.user, Details: h.details };
  }

  // ---- mutations shared by the API and the data-control surface ---------------------------------------

  addHistory(rec: AnyRec, changes: string, details: string, ms = this.opts.now(), user = 'System Generated'): HistoryRec {
    const h = { changes, details, user, ms };
    rec.history.push(h);
    return h;
  }

  addPayment(inv: InvoiceRec, cents: number, p: { id: string; date: string; reference: string; ms?: number; seeding?: boolean }): PaymentRec {
    const ms = p.ms ?? this.opts.now();
    const pay: PaymentRec = {
      kind: 'Payment',
      id: p.id,
      num: this.nextNum(),
      createMs: ms,
      updatedMs: ms,
      history: [],
      invoice: inv,
      date: p.date,
      cents,
      reference: p.reference,
      status: 'AUTHORISED',
      isReconciled: false,
    };
    this.addHistory(pay, 'Created', `Payment received from ${inv.contact.name} on ${p.date} for ${money(cents).toFixed(2)}.`, ms);
    inv.payments.push(pay);
    this.insert(pay, p.seeding);
    this.settle(inv, p.date);
    this.addHistory(inv, 'Payment', `Payment received from ${inv.contact.name} on ${p.date} for ${money(cents).toFixed(2)}.`, ms);
    if (p.seeding) inv.updatedMs = Math.max(inv.updatedMs, ms);
    else this.touch(inv, ms);
    return pay;
  }

  deletePayment(pay: PaymentRec): void {
    if (pay.status === 'DELETED') return;
    pay.status = 'DELETED';
    this.addHistory(pay, 'Deleted', 'Payment deleted.');
    this.touch(pay);
    this.settle(pay.invoice, msToYmd(this.opts.now()));
    this.touch(pay.invoice);
  }

  allocate(cn: CreditNoteRec, inv: InvoiceRec, cents: number, a: { id: string; date: string; ms?: number; seeding?: boolean }): AllocationRec {
    const ms = a.ms ?? this.opts.now();
    const alloc: AllocationRec = { id: a.id, cents, date: a.date, invoice: inv, creditNote: cn, isDeleted: false };
    cn.allocations.push(alloc);
    inv.allocations.push(alloc);
    this.settle(cn, a.date);
    this.settle(inv, a.date);
    this.addHistory(inv, 'Credit Applied', `Credit Note ${cn.number} applied for ${money(cents).toFixed(2)}.`, ms);
    if (a.seeding) {
      cn.updatedMs = Math.max(cn.updatedMs, ms);
      inv.updatedMs = Math.max(inv.updatedMs, ms);
    } else {
      this.touch(inv, ms);
      this.touch(cn, ms);
    }
    return alloc;
  }

  /** VOIDED (approved documents) or DELETED (drafts, payments); Xero keeps them listed either way. */
  setStatus(rec: InvoiceRec | CreditNoteRec, status: 'VOIDED' | 'DELETED' | 'AUTHORISED'): void {
    rec.status = status;
    if (status !== 'AUTHORISED') rec.fullyPaidMs = undefined;
    this.addHistory(rec, status === 'VOIDED' ? 'Voided' : status === 'DELETED' ? 'Deleted' : 'Approved', `${rec.kind === 'Invoice' ? 'INV' : 'CN'} ${rec.number} ${status.toLowerCase()}.`);
    this.touch(rec);
  }

  dueDateFor(date: string, days: number): string {
    return addDays(date, days);
  }
}
