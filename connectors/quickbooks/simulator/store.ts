// The simulated company's books: id-ordered tables, the accounting rules (balances, voids, deletes) and QBO JSON rendering.
import { COMPANY_USER, currencyName, itemById, termById } from './catalog.js';
import { addDays, moneyNumber, moneyString, parseMoney, type FaultError, type Zone } from './format.js';
import type {
  AnyRec, CreditMemoRec, CustomerRec, CustomFieldRec, EntityName, InvoiceRec, LineRec, PaymentLineRec, PaymentRec, RecOf, WebhookEvent, WebhookOperation,
} from './types.js';

/** An Intuit fault raised by a rule; the HTTP layer renders it as `{"Fault":…}`. */
export class QboFault extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly errors: FaultError[],
  ) {
    super(errors.map((e) => `${e.code} ${e.Message}`).join('; '));
  }
}

export const objectNotFound = (): QboFault =>
  new QboFault(400, 'ValidationFault', [
    {
      Message: 'Object Not Found',
      Detail: "Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.",
      code: '610',
    },
  ]);

const requiredParam = (name: string): QboFault =>
  new QboFault(400, 'ValidationFault', [
    { Message: 'Required param missing, need to supply the required value for the API', Detail: `Required parameter ${name} is missing in the request`, code: '2020' },
  ]);

const invalidAmount = (detail: string): QboFault =>
  new QboFault(400, 'ValidationFault', [{ Message: 'A business validation error has occurred while processing your request', Detail: `Business Validation Error: ${detail}`, code: '6000' }]);

/** Records of one entity, in Id order, with a lazily rebuilt LastUpdatedTime order for incremental reads. */
export class Table<R extends AnyRec> {
  readonly byId = new Map<string, R>();
  readonly ordered: R[] = [];
  private byUpdated: R[] | null = null;

  add(rec: R): void {
    this.byId.set(rec.id, rec);
    const last = this.ordered[this.ordered.length - 1];
    if (!last || last.num < rec.num) this.ordered.push(rec);
    else this.ordered.splice(this.indexOf(rec.num, true), 0, rec);
    this.byUpdated = null;
  }

  remove(rec: R): void {
    this.byId.delete(rec.id);
    const i = this.indexOf(rec.num, false);
    if (i >= 0) this.ordered.splice(i, 1);
    this.byUpdated = null;
  }

  touched(): void {
    this.byUpdated = null;
  }

  /** Records by (LastUpdatedTime, Id) ascending; rebuilt only after a change. */
  updatedOrder(): R[] {
    if (!this.byUpdated) this.byUpdated = this.ordered.slice().sort((a, b) => a.updatedMs - b.updatedMs || a.num - b.num);
    return this.byUpdated;
  }

  private indexOf(num: number, insertion: boolean): number {
    let lo = 0;
    let hi = this.ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.ordered[mid] as R).num < num) lo = mid + 1;
      else hi = mid;
    }
    if (insertion) return lo;
    return this.ordered[lo]?.num === num ? lo : -1;
  }
}

export interface Tombstone {
  id: string;
  num: number;
  deletedMs: number;
}

export interface StoreContext {
  now: () => number;
  zone: Zone;
  currency: string;
  taxPercent: number;
  customFieldDefinitions: { DefinitionId: string; Name: string }[];
}

type Json = Record<string, unknown>;

export class Store {
  readonly customers = new Table<CustomerRec>();
  readonly invoices = new Table<InvoiceRec>();
  readonly creditMemos = new Table<CreditMemoRec>();
  readonly payments = new Table<PaymentRec>();
  readonly tombstones: Record<EntityName, Tombstone[]> = { Customer: [], Invoice: [], CreditMemo: [], Payment: [] };
  /** Bumped on every change; query caches key on it. */
  version = 0;
  nextTxnNum = 1;
  nextCustomerNum = 1;
  nextDocNumber = 1001;
  /** Changes not yet taken by webhooks.drain(). */
  pendingEvents: WebhookEvent[] = [];

  constructor(readonly ctx: StoreContext) {}

  /** The records (pointing at each other), tombstones and counters, for the simulator's snapshot. */
  state(): object {
    const { customers, invoices, creditMemos, payments, tombstones, version, nextTxnNum, nextCustomerNum, nextDocNumber } = this;
    return { records: [customers, invoices, creditMemos, payments].flatMap((t) => t.ordered as AnyRec[]), tombstones, version, nextTxnNum, nextCustomerNum, nextDocNumber };
  }

  restoreState(state: unknown): void {
    const s = state as { records: AnyRec[]; tombstones: Store['tombstones']; version: number; nextTxnNum: number; nextCustomerNum: number; nextDocNumber: number };
    for (const table of [this.customers, this.invoices, this.creditMemos, this.payments]) for (const rec of [...table.ordered]) table.remove(rec as never);
    for (const r of s.records) this.table(r.kind).add(r as never);
    Object.assign(this.tombstones, s.tombstones);
    this.version = s.version + 1;
    this.nextTxnNum = s.nextTxnNum;
    this.nextCustomerNum = s.nextCustomerNum;
    this.nextDocNumber = s.nextDocNumber;
    this.pendingEvents = [];
  }

  table<E extends EntityName>(entity: E): Table<RecOf<E>> {
    const tables = { Customer: this.customers, Invoice: this.invoices, CreditMemo: this.creditMemos, Payment: this.payments };
    return tables[entity] as unknown as Table<RecOf<E>>;
  }

  /** Now, truncated to whole seconds like Intuit's LastUpdatedTime. */
  stamp(): number {
    return Math.floor(this.ctx.now() / 1000) * 1000;
  }

  private event(rec: AnyRec, operation: WebhookOperation, at: number): void {
    this.pendingEvents.push({ name: rec.kind, id: rec.id, operation, lastUpdated: new Date(at).toISOString() });
  }

  /** Records a change: new LastUpdatedTime, SyncToken + 1, a webhook event, and invalidated indexes. */
  touch(rec: AnyRec, operation: WebhookOperation = 'Update', bumpSync = true): void {
    const at = Math.max(this.stamp(), rec.updatedMs);
    rec.updatedMs = at;
    if (bumpSync) rec.syncToken += 1;
    this.table(rec.kind).touched();
    this.version += 1;
    this.event(rec, operation, at);
  }

  /**
   * Customer Balance = open invoices − unused credit memos − unapplied payments. A change moves the customer's
   * LastUpdatedTime but not its SyncToken (recorded sandbox: customer "Cool Cars" SyncToken 0, updated at the
   * instant of its payment).
   */
  refreshCustomerBalance(c: CustomerRec): void {
    const balance = computeCustomerBalance(c);
    if (balance === c.balance) return;
    c.balance = balance;
    c.updatedMs = Math.max(this.stamp(), c.updatedMs);
    this.customers.touched();
    this.version += 1;
  }

  // ---- creation ------------------------------------------------------------------------------------------

  createCustomer(body: Json): CustomerRec {
    const display = str(body.DisplayName) ?? str(body.CompanyName) ?? [str(body.GivenName), str(body.FamilyName)].filter(Boolean).join(' ');
    if (!display) throw requiredParam('DisplayName');
    for (const c of this.customers.ordered) {
      if (c.displayName === display) {
        throw new QboFault(400, 'ValidationFault', [
          { Message: 'Duplicate Name Exists Error', Detail: `The name supplied already exists. : Id=${c.id}`, code: '6240' },
        ]);
      }
    }
    const at = this.stamp();
    const num = this.nextCustomerNum++;
    const bill = obj(body.BillAddr);
    const c: CustomerRec = {
      kind: 'Customer',
      id: String(num),
      num,
      syncToken: 0,
      createMs: at,
      updatedMs: at,
      displayName: display,
      companyName: str(body.CompanyName),
      givenName: str(body.GivenName) ?? '',
      familyName: str(body.FamilyName) ?? '',
      email: str(obj(body.PrimaryEmailAddr).Address),
      phone: str(obj(body.PrimaryPhone).FreeFormNumber),
      addr: { id: String(1000 + num), line1: str(bill.Line1) ?? '', city: str(bill.City) ?? '', postalCode: str(bill.PostalCode) ?? '', country: str(bill.Country) ?? '' },
      active: body.Active !== false,
      currency: str(obj(body.CurrencyRef).value) ?? this.ctx.currency,
      termId: str(obj(body.SalesTermRef).value) ?? '3',
      notes: str(body.Notes),
      v4: `0020${(num * 2654435761).toString(16).padStart(34, '0').slice(-34)}`,
      preferredDelivery: 'Email',
      balance: 0,
      invoices: [],
      creditMemos: [],
      payments: [],
    };
    this.customers.add(c);
    this.version += 1;
    this.event(c, 'Create', at);
    return c;
  }

  private customerRef(body: Json): CustomerRec {
    const id = str(obj(body.CustomerRef).value);
    if (!id) throw requiredParam('CustomerRef');
    const c = this.customers.byId.get(id);
    if (!c || !c.active) throw objectNotFound();
    return c;
  }

  private linesFrom(body: Json): LineRec[] {
    const raw = Array.isArray(body.Line) ? (body.Line as unknown[]) : [];
    const lines: LineRec[] = [];
    for (const l of raw) {
      const line = obj(l);
      const type = str(line.DetailType) ?? 'SalesItemLineDetail';
      if (type !== 'SalesItemLineDetail') continue;
      const detail = obj(line.SalesItemLineDetail);
      const qty = detail.Qty === undefined ? 1 : Number(detail.Qty);
      let amount: number;
      let unit: number;
      try {
        unit = detail.UnitPrice === undefined ? Number.NaN : parseMoney(detail.UnitPrice, this.ctx.currency);
        amount = line.Amount === undefined ? unit * qty : parseMoney(line.Amount, this.ctx.currency);
        if (Number.isNaN(unit)) unit = qty ? Math.round(amount / qty) : amount;
      } catch (err) {
        throw invalidAmount((err as Error).message);
      }
      if (!Number.isSafeInteger(amount)) throw invalidAmount('Amount is not a valid number');
      lines.push({ description: str(line.Description) ?? '', itemId: str(obj(detail.ItemRef).value) ?? '1', unit, qty, amount });
    }
    if (!lines.length) throw requiredParam('Line');
    return lines;
  }

  private taxOf(lines: LineRec[]): number {
    const subtotal = lines.reduce((s, l) => s + l.amount, 0);
    return Math.round((subtotal * Math.round(this.ctx.taxPercent * 100)) / 10_000);
  }

  createInvoice(body: Json): InvoiceRec {
    const customer = this.customerRef(body);
    const lines = this.linesFrom(body);
    const at = this.stamp();
    const txnDate = str(body.TxnDate) ?? this.ctx.zone.localDate(at);
    const termId = str(obj(body.SalesTermRef).value) ?? customer.termId;
    const tax = this.taxOf(lines);
    const total = lines.reduce((s, l) => s + l.amount, 0) + tax;
    const num = this.nextTxnNum++;
    const inv: InvoiceRec = {
      kind: 'Invoice',
      id: String(num),
      num,
      syncToken: 0,
      createMs: at,
      updatedMs: at,
      docNumber: str(body.DocNumber) ?? String(this.nextDocNumber++),
      txnDate,
      dueDate: str(body.DueDate) ?? addDays(txnDate, termById(termId).days),
      termId,
      customer,
      lines,
      tax,
      total,
      balance: total,
      privateNote: str(body.PrivateNote),
      customerMemo: str(obj(body.CustomerMemo).value),
      customFields: this.customFieldsFrom(body.CustomField, []),
      emailStatus: 'NotSet',
      billEmail: str(obj(body.BillEmail).Address) ?? customer.email,
      voided: false,
      links: [],
    };
    this.invoices.add(inv);
    customer.invoices.push(inv);
    this.version += 1;
    this.event(inv, 'Create', at);
    this.refreshCustomerBalance(customer);
    return inv;
  }

  createCreditMemo(body: Json): CreditMemoRec {
    const customer = this.customerRef(body);
    const lines = this.linesFrom(body);
    const at = this.stamp();
    const tax = this.taxOf(lines);
    const total = lines.reduce((s, l) => s + l.amount, 0) + tax;
    const num = this.nextTxnNum++;
    const cm: CreditMemoRec = {
      kind: 'CreditMemo',
      id: String(num),
      num,
      syncToken: 0,
      createMs: at,
      updatedMs: at,
      docNumber: str(body.DocNumber) ?? String(this.nextDocNumber++),
      txnDate: str(body.TxnDate) ?? this.ctx.zone.localDate(at),
      customer,
      lines,
      tax,
      total,
      remaining: total,
      privateNote: str(body.PrivateNote),
      customerMemo: str(obj(body.CustomerMemo).value),
      customFields: [],
      emailStatus: 'NotSet',
      voided: false,
      links: [],
    };
    this.creditMemos.add(cm);
    customer.creditMemos.push(cm);
    this.version += 1;
    this.event(cm, 'Create', at);
    this.refreshCustomerBalance(customer);
    return cm;
  }

  /**
   * A customer payment. Lines apply money to invoices or consume credit memos; TotalAmt = invoice lines −
   * credit-memo lines + UnappliedAmt, so a pure credit application has TotalAmt 0 (recorded sandbox payment 74).
   */
  createPayment(body: Json): PaymentRec {
    const customer = this.customerRef(body);
    const currency = this.ctx.currency;
    const lines: PaymentLineRec[] = [];
    for (const l of Array.isArray(body.Line) ? (body.Line as unknown[]) : []) {
      const line = obj(l);
      const link = obj(Array.isArray(line.LinkedTxn) ? line.LinkedTxn[0] : undefined);
      const type = str(link.TxnType);
      const targetId = str(link.TxnId);
      if (!targetId) continue;
      const target = type === 'CreditMemo' ? this.creditMemos.byId.get(targetId) : this.invoices.byId.get(targetId);
      if (!target || target.customer !== customer || target.voided) throw objectNotFound();
      let amount: number;
      try {
        amount = parseMoney(line.Amount, currency);
      } catch (err) {
        throw invalidAmount((err as Error).message);
      }
      const open = target.kind === 'Invoice' ? target.balance : target.remaining;
      if (amount <= 0 || amount > open) {
        throw invalidAmount(`The amount applied to ${target.kind} ${target.docNumber} exceeds its open balance of ${moneyString(open, currency)}`);
      }
      lines.push({ amount, target });
    }
    let total: number;
    try {
      total = body.TotalAmt === undefined ? sumApplied(lines) : parseMoney(body.TotalAmt, currency);
    } catch (err) {
      throw invalidAmount((err as Error).message);
    }
    if (total < 0 || total < sumApplied(lines)) throw invalidAmount('The payment amount is less than the amounts applied');
    const at = this.stamp();
    const num = this.nextTxnNum++;
    const p: PaymentRec = {
      kind: 'Payment',
      id: String(num),
      num,
      syncToken: 0,
      createMs: at,
      updatedMs: at,
      txnDate: str(body.TxnDate) ?? this.ctx.zone.localDate(at),
      customer,
      total,
      lines,
      refNum: str(body.PaymentRefNum),
      methodId: str(obj(body.PaymentMethodRef).value),
      privateNote: str(body.PrivateNote),
      voided: false,
    };
    this.payments.add(p);
    customer.payments.push(p);
    this.version += 1;
    this.event(p, 'Create', at);
    for (const line of lines) {
      const t = line.target;
      if (t.kind === 'Invoice') t.balance -= line.amount;
      else t.remaining -= line.amount;
      t.links.push(p);
      this.touch(t);
    }
    this.refreshCustomerBalance(customer);
    return p;
  }

  // ---- changes -------------------------------------------------------------------------------------------

  /** Sparse update (`"sparse":true`) or full update (omitted writable fields are cleared, as Intuit documents). */
  update(rec: AnyRec, body: Json, sparse: boolean): void {
    const has = (k: string) => Object.prototype.hasOwnProperty.call(body, k);
    if (rec.kind === 'Customer') {
      if (has('DisplayName') && str(body.DisplayName)) rec.displayName = str(body.DisplayName) as string;
      if (has('CompanyName') || !sparse) rec.companyName = str(body.CompanyName);
      if (has('PrimaryEmailAddr') || !sparse) rec.email = str(obj(body.PrimaryEmailAddr).Address);
      if (has('PrimaryPhone') || !sparse) rec.phone = str(obj(body.PrimaryPhone).FreeFormNumber);
      if (has('Notes') || !sparse) rec.notes = str(body.Notes);
      if (has('Active') && typeof body.Active === 'boolean') {
        if (!body.Active && rec.balance !== 0) {
          throw invalidAmount('The balance on this customer is not zero. You cannot make a customer with a non-zero balance inactive.');
        }
        rec.active = body.Active;
        this.touch(rec, body.Active ? 'Update' : 'Delete');
        return;
      }
      this.touch(rec);
      return;
    }
    if (rec.kind === 'Payment') {
      if (has('PrivateNote') || !sparse) rec.privateNote = str(body.PrivateNote);
      if (has('PaymentRefNum') || !sparse) rec.refNum = str(body.PaymentRefNum);
      this.touch(rec);
      return;
    }
    if (rec.voided && has('Line')) throw invalidAmount('You cannot change the amounts of a voided transaction');
    if (has('PrivateNote') || !sparse) rec.privateNote = str(body.PrivateNote);
    if (has('CustomerMemo') || !sparse) rec.customerMemo = str(obj(body.CustomerMemo).value);
    if (has('CustomField')) rec.customFields = this.customFieldsFrom(body.CustomField, rec.customFields);
    else if (!sparse) rec.customFields = [];
    if (has('EmailStatus') && ['NotSet', 'NeedToSend', 'EmailSent'].includes(String(body.EmailStatus))) {
      rec.emailStatus = body.EmailStatus as InvoiceRec['emailStatus'];
    }
    if (has('TxnDate') && str(body.TxnDate)) rec.txnDate = str(body.TxnDate) as string;
    if (rec.kind === 'Invoice') {
      if (has('DueDate') && str(body.DueDate)) rec.dueDate = str(body.DueDate) as string;
      if (has('BillEmail') || !sparse) rec.billEmail = str(obj(body.BillEmail).Address);
    }
    if (has('Line')) {
      const lines = this.linesFrom(body);
      const tax = this.taxOf(lines);
      const total = lines.reduce((s, l) => s + l.amount, 0) + tax;
      const applied = rec.total - (rec.kind === 'Invoice' ? rec.balance : rec.remaining);
      if (total < applied) throw invalidAmount('The new total is less than the amount already applied');
      rec.lines = lines;
      rec.tax = tax;
      rec.total = total;
      if (rec.kind === 'Invoice') rec.balance = total - applied;
      else rec.remaining = total - applied;
    }
    this.touch(rec);
    this.refreshCustomerBalance(rec.customer);
  }

  private customFieldsFrom(raw: unknown, current: CustomFieldRec[]): CustomFieldRec[] {
    const out = current.map((f) => ({ ...f }));
    if (!Array.isArray(raw)) return out;
    for (const f of raw) {
      const field = obj(f);
      const def = this.ctx.customFieldDefinitions.find((d) => d.DefinitionId === str(field.DefinitionId));
      // Intuit ignores values for fields the company has not defined (UNCONFIRMED: it may also reject them).
      if (!def) continue;
      const value = str(field.StringValue) ?? '';
      const existing = out.find((x) => x.definitionId === def.DefinitionId);
      if (existing) existing.value = value;
      else out.push({ definitionId: def.DefinitionId, name: def.Name, value });
    }
    return out;
  }

  /** Detaches a payment's lines from the forms they paid, giving the money back to the forms. */
  private unapply(p: PaymentRec, only?: InvoiceRec | CreditMemoRec): void {
    const kept: PaymentLineRec[] = [];
    for (const line of p.lines) {
      if (only && line.target !== only) {
        kept.push(line);
        continue;
      }
      const t = line.target;
      if (t.kind === 'Invoice') t.balance += line.amount;
      else t.remaining += line.amount;
      t.links = t.links.filter((x) => x !== p);
    }
    p.lines = kept;
  }

  /**
   * Void an invoice or credit memo: it stays, every amount and quantity becomes 0, its links are cleared (the
   * payments' money becomes unapplied) and PrivateNote starts with "Voided" (Intuit Invoice reference).
   * Void a payment: its amounts become 0 and the invoices it paid are open again.
   */
  void(rec: InvoiceRec | CreditMemoRec | PaymentRec): void {
    if (rec.voided) return;
    rec.voided = true;
    rec.privateNote = rec.privateNote ? `Voided - ${rec.privateNote}` : 'Voided';
    if (rec.kind === 'Payment') {
      const targets = rec.lines.map((l) => l.target);
      this.unapply(rec);
      rec.total = 0;
      this.touch(rec, 'Void');
      for (const t of targets) this.touch(t);
      this.refreshCustomerBalance(rec.customer);
      return;
    }
    const payers = rec.links.slice();
    for (const p of payers) {
      for (const line of p.lines) if (line.target === rec) line.amount = 0;
      p.lines = p.lines.filter((l) => l.target !== rec);
      this.touch(p);
    }
    rec.links = [];
    for (const l of rec.lines) {
      l.amount = 0;
      l.qty = 0;
    }
    rec.tax = 0;
    rec.total = 0;
    if (rec.kind === 'Invoice') rec.balance = 0;
    else rec.remaining = 0;
    this.touch(rec, 'Void');
    this.refreshCustomerBalance(rec.customer);
  }

  /** Hard delete of a transaction (CDC and webhooks are then the only trace); customers are made inactive instead. */
  remove(rec: AnyRec): void {
    if (rec.kind === 'Customer') {
      this.update(rec, { Active: false }, true);
      return;
    }
    if (rec.kind === 'Payment') {
      const targets = rec.lines.map((l) => l.target);
      this.unapply(rec);
      for (const t of targets) this.touch(t);
      rec.customer.payments = rec.customer.payments.filter((x) => x !== rec);
    } else {
      for (const p of rec.links.slice()) {
        this.unapply(p, rec);
        this.touch(p);
      }
      if (rec.kind === 'Invoice') rec.customer.invoices = rec.customer.invoices.filter((x) => x !== rec);
      else rec.customer.creditMemos = rec.customer.creditMemos.filter((x) => x !== rec);
    }
    const at = this.stamp();
    this.table(rec.kind).remove(rec as never);
    this.tombstones[rec.kind].push({ id: rec.id, num: rec.num, deletedMs: at });
    this.version += 1;
    this.event(rec, 'Delete', at);
    this.refreshCustomerBalance(rec.customer);
  }

  // ---- rendering -----------------------------------------------------------------------------------------

  render(rec: AnyRec): Json {
    switch (rec.kind) {
      case 'Customer':
        return this.renderCustomer(rec);
      case 'Invoice':
        return this.renderInvoice(rec);
      case 'CreditMemo':
        return this.renderCreditMemo(rec);
      case 'Payment':
        return this.renderPayment(rec);
    }
  }

  private money(minor: number): number {
    return moneyNumber(minor, this.ctx.currency);
  }

  private meta(rec: AnyRec, withUser: boolean): Json {
    const z = this.ctx.zone;
    return withUser
      ? { CreateTime: z.instant(rec.createMs), LastModifiedByRef: { value: COMPANY_USER.id }, LastUpdatedTime: z.instant(rec.updatedMs) }
      : { CreateTime: z.instant(rec.createMs), LastUpdatedTime: z.instant(rec.updatedMs) };
  }

  private currencyRef(code: string): Json {
    return { value: code, name: currencyName(code) };
  }

  renderCustomer(c: CustomerRec): Json {
    const name = c.active ? c.displayName : `${c.displayName} (deleted)`;
    const balance: unknown = c.corrupt ? 'abc' : this.money(c.balance);
    return {
      Taxable: this.ctx.taxPercent > 0,
      BillAddr: { Id: c.addr.id, Line1: c.addr.line1, City: c.addr.city, PostalCode: c.addr.postalCode, Country: c.addr.country },
      Job: false,
      BillWithParent: false,
      Balance: balance,
      BalanceWithJobs: balance,
      CurrencyRef: this.currencyRef(c.currency),
      PreferredDeliveryMethod: c.preferredDelivery,
      IsProject: false,
      ClientEntityId: '0',
      domain: 'QBO',
      sparse: false,
      Id: c.id,
      SyncToken: String(c.syncToken),
      MetaData: this.meta(c, false),
      GivenName: c.givenName,
      FamilyName: c.familyName,
      FullyQualifiedName: name,
      ...(c.companyName ? { CompanyName: c.companyName } : {}),
      DisplayName: name,
      PrintOnCheckName: c.companyName ?? c.displayName,
      Active: c.active,
      V4IDPseudonym: c.v4,
      ...(c.phone ? { PrimaryPhone: { FreeFormNumber: c.phone } } : {}),
      ...(c.email ? { PrimaryEmailAddr: { Address: c.email } } : {}),
      SalesTermRef: { value: c.termId },
      ...(c.notes ? { Notes: c.notes } : {}),
    };
  }

  private renderLines(lines: LineRec[]): Json[] {
    const taxCode = this.ctx.taxPercent > 0 ? '2' : 'NON';
    const out: Json[] = lines.map((l, i) => {
      const item = itemById(l.itemId);
      return {
        Id: String(i + 1),
        LineNum: i + 1,
        ...(l.description ? { Description: l.description } : {}),
        Amount: this.money(l.amount),
        DetailType: 'SalesItemLineDetail',
        SalesItemLineDetail: {
          ItemRef: { value: item.id, name: item.name },
          UnitPrice: this.money(l.unit),
          Qty: l.qty,
          ItemAccountRef: { value: item.accountId, name: item.accountName },
          TaxCodeRef: { value: taxCode },
        },
        CustomExtensions: [],
      };
    });
    out.push({ Amount: this.money(lines.reduce((s, l) => s + l.amount, 0)), DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} });
    return out;
  }

  private renderTax(lines: LineRec[], tax: number): Json {
    if (this.ctx.taxPercent <= 0) return { TotalTax: 0 };
    const net = lines.reduce((s, l) => s + l.amount, 0);
    return {
      TxnTaxCodeRef: { value: '2' },
      TotalTax: this.money(tax),
      TaxLine: [
        {
          Amount: this.money(tax),
          DetailType: 'TaxLineDetail',
          TaxLineDetail: { TaxRateRef: { value: '3' }, PercentBased: true, TaxPercent: this.ctx.taxPercent, NetAmountTaxable: this.money(net) },
        },
      ],
    };
  }

  private renderCustomFields(fields: CustomFieldRec[]): Json[] {
    return this.ctx.customFieldDefinitions.map((d) => {
      const f = fields.find((x) => x.definitionId === d.DefinitionId);
      return f && f.value
        ? { DefinitionId: d.DefinitionId, Name: d.Name, Type: 'StringType', StringValue: f.value }
        : { DefinitionId: d.DefinitionId, Name: d.Name, Type: 'StringType' };
    });
  }

  private billAddr(c: CustomerRec): Json {
    return { Id: c.addr.id, Line1: c.addr.line1, City: c.addr.city, PostalCode: c.addr.postalCode, Country: c.addr.country };
  }

  renderInvoice(inv: InvoiceRec): Json {
    const term = termById(inv.termId);
    return {
      AllowIPNPayment: false,
      AllowOnlinePayment: false,
      AllowOnlineCreditCardPayment: true,
      AllowOnlineACHPayment: true,
      domain: 'QBO',
      sparse: false,
      Id: inv.id,
      SyncToken: String(inv.syncToken),
      MetaData: this.meta(inv, true),
      CustomField: this.renderCustomFields(inv.customFields),
      DocNumber: inv.docNumber,
      TxnDate: inv.txnDate,
      CurrencyRef: this.currencyRef(this.ctx.currency),
      ...(inv.privateNote ? { PrivateNote: inv.privateNote } : {}),
      LinkedTxn: inv.links.map((p) => ({ TxnId: p.id, TxnType: 'Payment' })),
      Line: this.renderLines(inv.lines),
      TxnTaxDetail: this.renderTax(inv.lines, inv.tax),
      CustomerRef: { value: inv.customer.id, name: inv.customer.displayName },
      ...(inv.customerMemo ? { CustomerMemo: { value: inv.customerMemo } } : {}),
      BillAddr: this.billAddr(inv.customer),
      FreeFormAddress: false,
      SalesTermRef: { value: term.id, name: term.name },
      DueDate: inv.dueDate,
      TotalAmt: inv.corrupt ? 'abc' : this.money(inv.total),
      ApplyTaxAfterDiscount: false,
      PrintStatus: 'NotSet',
      EmailStatus: inv.emailStatus,
      ...(inv.billEmail ? { BillEmail: { Address: inv.billEmail } } : {}),
      Balance: this.money(inv.balance),
      ...(inv.deliveryMs ? { DeliveryInfo: { DeliveryType: 'Email', DeliveryTime: this.ctx.zone.instant(inv.deliveryMs) } } : {}),
    };
  }

  renderCreditMemo(cm: CreditMemoRec): Json {
    return {
      RemainingCredit: this.money(cm.remaining),
      domain: 'QBO',
      sparse: false,
      Id: cm.id,
      SyncToken: String(cm.syncToken),
      MetaData: this.meta(cm, false),
      CustomField: this.renderCustomFields(cm.customFields),
      DocNumber: cm.docNumber,
      TxnDate: cm.txnDate,
      CurrencyRef: this.currencyRef(this.ctx.currency),
      ...(cm.privateNote ? { PrivateNote: cm.privateNote } : {}),
      Line: this.renderLines(cm.lines),
      TxnTaxDetail: this.renderTax(cm.lines, cm.tax),
      CustomerRef: { value: cm.customer.id, name: cm.customer.displayName },
      ...(cm.customerMemo ? { CustomerMemo: { value: cm.customerMemo } } : {}),
      BillAddr: this.billAddr(cm.customer),
      FreeFormAddress: false,
      TotalAmt: cm.corrupt ? 'abc' : this.money(cm.total),
      ApplyTaxAfterDiscount: false,
      PrintStatus: 'NotSet',
      EmailStatus: cm.emailStatus,
      Balance: this.money(cm.remaining),
    };
  }

  renderPayment(p: PaymentRec): Json {
    const currency = this.ctx.currency;
    const nv = (Name: string, Value: string) => ({
      name: '{http://schema.intuit.com/finance/v3}NameValue',
      declaredType: 'com.intuit.schema.finance.v3.NameValue',
      scope: 'javax.xml.bind.JAXBElement$GlobalScope',
      value: { Name, Value },
      nil: false,
      globalScope: true,
      typeSubstituted: false,
    });
    return {
      CustomerRef: { value: p.customer.id, name: p.customer.displayName },
      DepositToAccountRef: { value: '4' },
      TotalAmt: p.corrupt ? 'abc' : this.money(p.total),
      UnappliedAmt: this.money(unappliedOf(p)),
      ProcessPayment: false,
      domain: 'QBO',
      sparse: false,
      Id: p.id,
      SyncToken: String(p.syncToken),
      MetaData: this.meta(p, false),
      TxnDate: p.txnDate,
      CurrencyRef: this.currencyRef(currency),
      ...(p.methodId ? { PaymentMethodRef: { value: p.methodId } } : {}),
      ...(p.refNum ? { PaymentRefNum: p.refNum } : {}),
      ...(p.privateNote ? { PrivateNote: p.privateNote } : {}),
      Line: p.lines.map((l) => {
        const open = l.target.kind === 'Invoice' ? l.target.balance : l.target.remaining;
        return {
          Amount: this.money(l.amount),
          LinkedTxn: [{ TxnId: l.target.id, TxnType: l.target.kind }],
          LineEx: {
            any: [nv('txnId', l.target.id), nv('txnOpenBalance', moneyString(open + l.amount, currency)), nv('txnReferenceNumber', l.target.docNumber)],
          },
        };
      }),
    };
  }

  renderDeleted(t: Tombstone): Json {
    return { domain: 'QBO', status: 'Deleted', Id: t.id, MetaData: { LastUpdatedTime: this.ctx.zone.instant(t.deletedMs) } };
  }
}

function sumApplied(lines: PaymentLineRec[]): number {
  let s = 0;
  for (const l of lines) s += l.target.kind === 'Invoice' ? l.amount : -l.amount;
  return s;
}

/** UnappliedAmt = TotalAmt − invoice lines + credit-memo lines. */
export function unappliedOf(p: PaymentRec): number {
  return p.total - sumApplied(p.lines);
}

export function computeCustomerBalance(c: CustomerRec): number {
  let b = 0;
  for (const i of c.invoices) b += i.balance;
  for (const m of c.creditMemos) b -= m.remaining;
  for (const p of c.payments) b -= unappliedOf(p);
  return b;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

function obj(v: unknown): Json {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}
