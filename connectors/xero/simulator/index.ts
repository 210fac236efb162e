// Xero Accounting API simulator: a seeded organisation behind msw handlers that behave like Xero Identity and API 2.0.
import type { HttpHandler } from 'msw';
import { createRandom } from '../../../src/simulator/prng.js';
import { FaultInjector, type FaultControls } from '../../../src/simulator/faults.js';
import { liftQuotas, Quotas } from '../../../src/simulator/quotas.js';
import { decimal, deletablePayment, pendingDelivery, scenarioHooks, type ScenarioHooks } from '../../../src/simulator/scenario.js';
import { defineSimulator } from '../../../src/simulator/serve.js';
import { persistence } from '../../../src/simulator/snapshot.js';
import { createStats } from '../../../src/simulator/stats.js';
import type { ProviderScenario, ProviderSimulator, ScenarioEntity, SimulatorData, SimulatorFactory } from '../../../src/simulator/types.js';
import { createHandlers, xeroStatsExtras, type XeroStats } from './api.js';
import { msToYmd, parseBusinessDate, toCents } from './format.js';
import { RATE_PROBLEMS, type RateProblem } from './limits.js';
import { OAuthServer, type Tenant } from './oauth.js';
import { createLister } from './query.js';
import { seedOrganisation, uuid } from './seed.js';
import { Store } from './store.js';
import {
  DOCUMENTED_LIMITS, entityName, TIER_LIMITS, XERO_BASE_URLS, type AnyRec, type ContactRec, type CreditNoteRec, type EntityName, type EventCategory, type InvoiceRec, type LineRec,
  type WebhookEventInput, type XeroBaseUrls, type XeroLimits, type XeroSimulatorOptions,
} from './types.js';
import { buildDelivery, buildIntentToReceive, signXero, type BuiltWebhook } from './webhooks.js';

export { DOCUMENTED_LIMITS, XERO_BASE_URLS, signXero };
export type { BuiltWebhook, EntityName, EventCategory, RateProblem, WebhookEventInput, XeroBaseUrls, XeroLimits, XeroSimulatorOptions, XeroStats };

export const DEFAULT_CLIENT_ID = 'SIMXERO0RELANCE0CLIENT0ID0000000';
export const DEFAULT_CLIENT_SECRET = 'sim-xero-client-secret-0000000000000000000000000';
export const DEFAULT_WEBHOOK_KEY = 'sim-xero-webhook-key-00000000000000000000000000000000000000000000000000000000000000000000';
export const DEFAULT_TENANT_ID = '8f3a2b1c-4d5e-4f60-9a7b-0c1d2e3f4a5b';
export const DEFAULT_TENANT_NAME = 'Relance Démo SARL';
export const DEFAULT_SEED = 1;

type Json = Record<string, unknown>;

export interface XeroSimulator extends ProviderSimulator {
  readonly provider: 'xero';
  handlers: HttpHandler[];
  baseUrls: XeroBaseUrls;
  /** The tenantId of the seeded organisation (the `xero-tenant-id` header). */
  externalTenantId: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** The app's webhook signing key. */
  webhookSecret: string;
  /** Live limits; tests may change them between calls. */
  limits: XeroLimits;
  /**
   * Bodies in Xero's shape: Contact `{Name, EmailAddress}`; Invoice `{Type?, Contact:{ContactID}, Date?, DueDate?,
   * LineItems:[{Description, Quantity, UnitAmount}], Status?}`; CreditNote `{Type?, Contact, LineItems, Status?}`; Payment
   * `{Invoice:{InvoiceID}, Amount, Date?, Reference?}` (numbers or decimal strings). Patches use Xero's field names (Name,
   * EmailAddress, ContactStatus, Reference, DueDate, ExpectedPaymentDate, SentToContact…) and bump UpdatedDateUTC. Remove
   * makes invoices, credit notes and payments DELETED and contacts ARCHIVED: all stay readable, as in Xero.
   */
  data: SimulatorData & {
    /** A customer payment on one invoice; returns the Payment. */
    pay(invoiceId: string, amount: string, opts?: { date?: string; reference?: string }): Json;
    /** Allocates credit from a credit note to an invoice; returns the credit note. */
    allocate(creditNoteId: string, invoiceId: string, amount: string, opts?: { date?: string }): Json;
    /** The History & notes of a record, as GET …/History returns them. */
    history(entity: string, id: string): Json[];
  };
  oauth: {
    authorize(params: { redirectUri: string; state: string; scope?: string; codeChallenge?: string }): string;
    /** Shortcut for tests: a fresh connection's tokens without the HTTP dance. */
    connect(scope?: string): { accessToken: string; refreshToken: string; tenantId: string; expiresIn: number };
    expireAccessTokens(): void;
    revokeAll(): void;
  };
  webhooks: {
    /** A signed delivery of these events (tenant, clock, resourceUrl and CREDITNOTE data filled in). */
    build(events: WebhookEventInput[]): BuiltWebhook;
    /** The Intent-to-Receive probe, correctly signed or not. */
    buildIntentToReceive(opts: { valid: boolean }): BuiltWebhook;
    /** Events Xero would send for data changes since the last drain (INVOICE, CONTACT, CREDITNOTE; never payments). */
    drain(): WebhookEventInput[];
    sign(body: string): string;
  };
  faults: FaultControls & {
    /** The next calls get 429; default `minute` with Retry-After 1 s (real minute windows say up to 60). */
    throttleNext(count: number, opts?: { problem?: RateProblem; retryAfter?: number }): void;
    corrupt(entity: string, id: string): void;
  };
  stats: XeroStats;
  /** Forgets every rate-limit window (e.g. between benchmark phases). */
  resetRateLimits(): void;
  /** The whole state as JSON (organisation data and OAuth grants), and back: the demo survives restarts. */
  snapshot(): unknown;
  restore(snapshot: unknown): void;
}

// Webhook sequence numbers grow across deliveries, as Xero's do.
let sequence = 1000;

export function createXeroSimulator(opts: XeroSimulatorOptions = {}): XeroSimulator {
  const now = () => (opts.clock ? opts.clock() : new Date()).getTime();
  const limits: XeroLimits = { ...DOCUMENTED_LIMITS, ...TIER_LIMITS[opts.tier ?? 'standard'], ...opts.limits };
  const baseUrls: XeroBaseUrls = { ...XERO_BASE_URLS, ...opts.baseUrls };
  const tenant: Tenant = { tenantId: opts.tenantId ?? DEFAULT_TENANT_ID, tenantName: opts.tenantName ?? DEFAULT_TENANT_NAME, tenantType: 'ORGANISATION' };
  const clientId = opts.clientId ?? DEFAULT_CLIENT_ID;
  const clientSecret = opts.clientSecret ?? DEFAULT_CLIENT_SECRET;
  const webhookKey = opts.webhookSecret ?? DEFAULT_WEBHOOK_KEY;
  const currency = opts.currency ?? 'EUR';
  const pending: WebhookEventInput[] = [];
  const store = new Store({
    now,
    currency,
    taxPercent: opts.taxPercent ?? 20,
    // Capped so a long-running demo server that nobody drains does not grow without bound.
    onChange: (category, rec, type) => pending.length < 50_000 && pending.push({ eventCategory: category, resourceId: rec.id, eventType: type, eventDateUtc: new Date(now()).toISOString() }),
  });
  const seed = opts.seed ?? DEFAULT_SEED;
  const invoices = opts.invoices ?? 200;
  seedOrganisation(store, {
    seed,
    customers: Math.max(1, opts.customers ?? 25),
    invoices,
    bills: opts.bills ?? Math.round(invoices * 0.1),
    creditNotes: opts.creditNotes ?? Math.max(0, Math.round(invoices * 0.06)),
    ...(opts.payments === undefined ? {} : { payments: opts.payments }),
    spreadDays: opts.spreadDays ?? 180,
  });
  // Ids for records created after seeding come from their own seeded stream, so runs stay reproducible.
  const rnd = createRandom(seed ^ 0x5eed);
  const oauth = new OAuthServer({ clientId, clientSecret, tenants: [tenant], now, limits: () => limits });
  const gate = { quotas: new Quotas(() => limits), faults: new FaultInjector(() => oauth.expireAccessTokens()), stats: createStats(xeroStatsExtras), now };
  const throttleNext = gate.faults.controls.throttleNext;
  const handlers = createHandlers({
    store,
    list: createLister(store),
    oauth,
    tenant,
    baseUrls,
    limits: () => limits,
    now,
    appName: opts.appName ?? 'Relance',
    currency,
    gate,
  });

  const entityOf = (name: string): EntityName => {
    const e = entityName(name);
    if (!e) throw new Error(`unknown Xero entity "${name}": expected Contact, Invoice, CreditNote or Payment`);
    return e;
  };
  const recOf = (name: string, id: string): AnyRec => {
    const rec = store.table(entityOf(name)).get(id);
    if (!rec) throw new Error(`${entityOf(name)} ${id} not found`);
    return rec;
  };
  const today = () => msToYmd(now());
  const cents = (v: unknown, what: string): number => {
    const c = toCents(v);
    if (c === undefined) throw new Error(`${what}: "${String(v)}" is not an amount with at most 2 decimals`);
    return c;
  };
  const contactOf = (body: Json): ContactRec => {
    const ref = body.Contact as Json | undefined;
    const c = typeof ref?.ContactID === 'string' ? store.contacts.get(ref.ContactID) : undefined;
    if (!c) throw new Error('Contact.ContactID of an existing contact is required');
    return c;
  };
  const linesOf = (body: Json, accountCode: string): LineRec[] => {
    const items = Array.isArray(body.LineItems) ? (body.LineItems as Json[]) : [];
    if (!items.length) throw new Error('LineItems are required');
    return items.map((li) => {
      const quantity = Number(li.Quantity ?? 1);
      const unitCents = cents(li.UnitAmount, 'UnitAmount');
      const lineCents = quantity * unitCents;
      if (!Number.isInteger(lineCents)) throw new Error('Quantity must be a whole number in the simulator');
      const taxCents = li.TaxAmount !== undefined ? cents(li.TaxAmount, 'TaxAmount') : Math.round((lineCents * store.opts.taxPercent) / 100);
      return { id: uuid(rnd), description: String(li.Description ?? ''), quantity, unitCents, lineCents, taxCents, accountCode: String(li.AccountCode ?? accountCode), taxType: String(li.TaxType ?? 'OUTPUT') };
    });
  };
  const dateOf = (v: unknown, fallback: string | undefined): string | undefined => {
    if (v === undefined) return fallback;
    const d = parseBusinessDate(v);
    if (!d) throw new Error(`"${String(v)}" is not a date`);
    return d;
  };

  const create = (entity: string, body: Json): AnyRec => {
    const e = entityOf(entity);
    const ms = now();
    const base = { id: uuid(rnd), num: store.nextNum(), createMs: ms, updatedMs: ms, history: [] };
    if (e === 'Contact') {
      const c: ContactRec = {
        kind: 'Contact',
        ...base,
        name: String(body.Name ?? 'New contact'),
        firstName: String(body.FirstName ?? ''),
        lastName: String(body.LastName ?? ''),
        email: String(body.EmailAddress ?? ''),
        ...(typeof body.ContactNumber === 'string' ? { contactNumber: body.ContactNumber } : {}),
        ...(typeof body.AccountNumber === 'string' ? { accountNumber: body.AccountNumber } : {}),
        ...(typeof body.CompanyNumber === 'string' ? { companyNumber: body.CompanyNumber } : {}),
        status: 'ACTIVE',
        isSupplier: body.IsSupplier === true,
        ...(typeof body.DefaultCurrency === 'string' ? { currency: body.DefaultCurrency } : {}),
        city: 'Paris',
        postalCode: '75001',
        country: 'France',
        street: '1 rue de Rivoli',
        phone: '',
        invoices: [],
      };
      store.insert(c);
      return c;
    }
    if (e === 'Invoice' || e === 'CreditNote') {
      const contact = contactOf(body);
      const isCredit = e === 'CreditNote';
      const type = String(body.Type ?? (isCredit ? 'ACCRECCREDIT' : 'ACCREC'));
      const lines = linesOf(body, type.startsWith('ACCREC') ? '706' : '606');
      const subCents = lines.reduce((s, l) => s + l.lineCents, 0);
      const taxCents = lines.reduce((s, l) => s + l.taxCents, 0);
      const date = dateOf(body.Date, today()) as string;
      const status = String(body.Status ?? 'AUTHORISED') as 'DRAFT' | 'SUBMITTED' | 'AUTHORISED';
      const doc = { ...base, contact, date, lines, subCents, taxCents, totalCents: subCents + taxCents, status, currency: String(body.CurrencyCode ?? currency), reference: String(body.Reference ?? '') };
      if (isCredit) {
        const cn: CreditNoteRec = { kind: 'CreditNote', ...doc, type: type === 'ACCPAYCREDIT' ? 'ACCPAYCREDIT' : 'ACCRECCREDIT', number: String(body.CreditNoteNumber ?? `CN-${String(store.creditNotes.ordered.length + 1).padStart(5, '0')}`), allocations: [] };
        store.addHistory(cn, 'Created', `Credit Note ${cn.number} created.`, ms);
        store.insert(cn);
        return cn;
      }
      const invType = type === 'ACCPAY' ? 'ACCPAY' : 'ACCREC';
      const inv: InvoiceRec = {
        kind: 'Invoice',
        ...doc,
        type: invType,
        number: String(body.InvoiceNumber ?? `INV-${String(store.invoices.ordered.filter((i) => i.type === 'ACCREC').length + 1).padStart(5, '0')}`),
        ...(dateOf(body.DueDate, undefined) ? { dueDate: dateOf(body.DueDate, undefined) as string } : status === 'AUTHORISED' ? { dueDate: store.dueDateFor(date, 30) } : {}),
        sentToContact: false,
        payments: [],
        allocations: [],
      };
      store.addHistory(inv, 'Created', `INV ${inv.number} to ${contact.name}.`, ms);
      store.insert(inv);
      return inv;
    }
    const invRef = body.Invoice as Json | undefined;
    const inv = typeof invRef?.InvoiceID === 'string' ? store.invoices.get(invRef.InvoiceID) : undefined;
    if (!inv) throw new Error('Invoice.InvoiceID of an existing invoice is required');
    return payInvoice(inv, cents(body.Amount, 'Amount'), { date: dateOf(body.Date, today()) as string, reference: String(body.Reference ?? '') });
  };

  const payInvoice = (inv: InvoiceRec, amountCents: number, o: { date: string; reference: string }) => {
    const status = store.status(inv);
    if (status !== 'AUTHORISED') throw new Error(`Invoice ${inv.number} is ${status}: payments apply only to AUTHORISED invoices`);
    if (amountCents <= 0 || amountCents > store.dueCents(inv)) throw new Error(`Payment amount exceeds the amount outstanding on invoice ${inv.number}`);
    return store.addPayment(inv, amountCents, { id: uuid(rnd), date: o.date, reference: o.reference });
  };

  const sim: Omit<XeroSimulator, 'scenario'> = {
    provider: 'xero',
    handlers,
    baseUrls,
    externalTenantId: tenant.tenantId,
    tenantId: tenant.tenantId,
    clientId,
    clientSecret,
    webhookSecret: webhookKey,
    limits,
    data: {
      list: (entity) => (store.table(entityOf(entity)).ordered as AnyRec[]).map((r) => store.render(r)),
      get: (entity, id) => {
        const rec = store.table(entityOf(entity)).get(id);
        return rec ? store.render(rec) : undefined;
      },
      count: (entity) => store.table(entityOf(entity)).ordered.length,
      create: (entity, body) => store.render(create(entity, body)),
      update: (entity, id, patch) => {
        const rec = recOf(entity, id);
        if (rec.kind === 'Contact') {
          if (typeof patch.Name === 'string') rec.name = patch.Name;
          if (typeof patch.EmailAddress === 'string') rec.email = patch.EmailAddress;
          if (typeof patch.FirstName === 'string') rec.firstName = patch.FirstName;
          if (typeof patch.LastName === 'string') rec.lastName = patch.LastName;
          if (typeof patch.CompanyNumber === 'string') rec.companyNumber = patch.CompanyNumber;
          if (patch.ContactStatus === 'ARCHIVED' || patch.ContactStatus === 'ACTIVE') rec.status = patch.ContactStatus;
        } else if (rec.kind === 'Invoice') {
          if (typeof patch.Reference === 'string') rec.reference = patch.Reference;
          if ('DueDate' in patch) rec.dueDate = dateOf(patch.DueDate, undefined);
          if ('ExpectedPaymentDate' in patch) rec.expectedPaymentDate = patch.ExpectedPaymentDate === null ? undefined : dateOf(patch.ExpectedPaymentDate, undefined);
          if (typeof patch.SentToContact === 'boolean') rec.sentToContact = patch.SentToContact;
          if (patch.Status === 'AUTHORISED' && (rec.status === 'DRAFT' || rec.status === 'SUBMITTED')) {
            rec.status = 'AUTHORISED';
            rec.dueDate ??= store.dueDateFor(rec.date, 30);
          }
        } else if (rec.kind === 'CreditNote') {
          if (typeof patch.Reference === 'string') rec.reference = patch.Reference;
          if (patch.Status === 'AUTHORISED' && rec.status === 'DRAFT') rec.status = 'AUTHORISED';
        } else {
          if (typeof patch.Reference === 'string') rec.reference = patch.Reference;
          if (typeof patch.IsReconciled === 'boolean') rec.isReconciled = patch.IsReconciled;
        }
        store.addHistory(rec, 'Edited', 'Edited in the simulator.');
        store.touch(rec);
        return store.render(rec);
      },
      remove: (entity, id) => {
        const rec = recOf(entity, id);
        if (rec.kind === 'Contact') {
          rec.status = 'ARCHIVED';
          store.touch(rec);
        } else if (rec.kind === 'Payment') {
          store.deletePayment(rec);
        } else {
          // Xero deletes only drafts and submitted documents; an approved one must be voided.
          const status = store.status(rec);
          if (status !== 'DRAFT' && status !== 'SUBMITTED') throw new Error(`${rec.number} is ${status}: Xero deletes only DRAFT or SUBMITTED documents; void it instead`);
          store.setStatus(rec, 'DELETED');
        }
      },
      void: (entity, id) => {
        const rec = recOf(entity, id);
        if (rec.kind === 'Contact') throw new Error('contacts cannot be voided; use remove() to archive one');
        if (rec.kind === 'Payment') store.deletePayment(rec);
        else {
          const live = rec.kind === 'Invoice' ? rec.payments.some((p) => p.status === 'AUTHORISED') || rec.allocations.some((a) => !a.isDeleted) : rec.allocations.some((a) => !a.isDeleted);
          if (live) throw new Error(`${rec.number} has payments or allocations: Xero refuses to void it until they are removed`);
          store.setStatus(rec, 'VOIDED');
        }
        return store.render(rec);
      },
      pay: (invoiceId, amount, extra = {}) => {
        const inv = store.invoices.get(invoiceId);
        if (!inv) throw new Error(`Invoice ${invoiceId} not found`);
        return store.render(payInvoice(inv, cents(amount, 'amount'), { date: extra.date ?? today(), reference: extra.reference ?? '' }));
      },
      allocate: (creditNoteId, invoiceId, amount, extra = {}) => {
        const cn = store.creditNotes.get(creditNoteId);
        const inv = store.invoices.get(invoiceId);
        if (!cn || !inv) throw new Error('credit note or invoice not found');
        const c = cents(amount, 'amount');
        if (store.status(cn) !== 'AUTHORISED' || store.status(inv) !== 'AUTHORISED') throw new Error('both documents must be AUTHORISED');
        if (c <= 0 || c > store.remainingCredit(cn) || c > store.dueCents(inv)) throw new Error('allocation exceeds the remaining credit or the amount due');
        store.allocate(cn, inv, c, { id: uuid(rnd), date: extra.date ?? today() });
        return store.render(cn);
      },
      history: (entity, id) => recOf(entity, id).history.map((h) => store.renderHistory(h)),
    },
    oauth: {
      authorize: (params) => oauth.authorize(params),
      connect: (scope) => {
        const redirectUri = 'https://relance.example/oauth/xero/callback';
        const code = new URL(oauth.authorize({ redirectUri, state: 'connect', ...(scope ? { scope } : {}) })).searchParams.get('code') ?? '';
        const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
        const reply = oauth.token(basic, new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }));
        return { accessToken: String(reply.body.access_token), refreshToken: String(reply.body.refresh_token), tenantId: tenant.tenantId, expiresIn: Number(reply.body.expires_in) };
      },
      expireAccessTokens: () => oauth.expireAccessTokens(),
      revokeAll: () => oauth.revokeAll(),
    },
    webhooks: {
      build: (events) =>
        buildDelivery(events, {
          apiBase: baseUrls.api,
          tenantId: tenant.tenantId,
          nowMs: now(),
          key: webhookKey,
          sequence: () => ++sequence,
          dataFor: (category, id) => {
            if (category !== 'CREDITNOTE') return undefined;
            const cn = store.creditNotes.get(id);
            return cn ? { Type: cn.type, Status: store.status(cn) } : undefined;
          },
        }),
      buildIntentToReceive: ({ valid }) => buildIntentToReceive(valid, webhookKey),
      drain: () => pending.splice(0, pending.length),
      sign: (body) => signXero(body, webhookKey),
    },
    faults: Object.assign(gate.faults.controls, {
      throttleNext: (n: number, o: { problem?: RateProblem; retryAfter?: number } = {}) => throttleNext(n, { window: RATE_PROBLEMS[o.problem ?? 'minute'], retryAfter: o.retryAfter ?? 1 }),
      corrupt: (entity: string, id: string) => {
        const rec = recOf(entity, id);
        rec.corrupt = true;
        store.touch(rec);
      },
    }),
    stats: gate.stats,
    liftQuotas: () => liftQuotas(limits),
    resetRateLimits: () => gate.quotas.reset(),
    ...persistence('xero', tenant.tenantId, { store, oauth }),
  };
  const hooks = scenarioHooks(baseUrls.api);
  handlers.unshift(hooks.handler);
  return Object.assign(sim, { scenario: xeroScenario(sim, store, hooks) });
}
/**
 * The Xero simulator, as the registry hands it to the demo host, `relance simulate`, tests and benchmarks; served on one
 * local port, every host of the provider sits under one origin at its own path.
 */
export const simulator: SimulatorFactory<XeroSimulator, XeroSimulatorOptions> = defineSimulator('xero', createXeroSimulator, (origin) => ({
  api: `${origin}/api.xro/2.0`,
  connections: `${origin}/connections`,
  authorize: `${origin}/identity/connect/authorize`,
  token: `${origin}/connect/token`,
  revoke: `${origin}/connect/revocation`,
}));

export const startSimulatorServer = simulator.serve;

// ---- scenario: the provider-neutral operations the contract suite (test/contract) drives ------------------------

const XERO_ENTITY: Record<ScenarioEntity, EntityName> = { customer: 'Contact', invoice: 'Invoice', credit_note: 'CreditNote', payment: 'Payment' };
const USER_REFERENCE = 'Edited by a user meanwhile';

function xeroScenario(sim: Omit<XeroSimulator, 'scenario'>, store: Store, hooks: ScenarioHooks): ProviderScenario {
  const currency = store.opts.currency;
  let made = 0;
  const idOf = (rendered: Json, key: string) => String(rendered[key]);
  const firstCustomer = () => {
    const c = store.contacts.ordered.find((x) => x.status === 'ACTIVE' && !x.isSupplier);
    if (!c) throw new Error('the organisation has no active customer contact');
    return c.id;
  };
  const scenario: ProviderScenario = {
    // Sales only: supplier bills (ACCPAY), their credit notes and payments are not receivables. Every contact is synced.
    receivables(entity) {
      if (entity === 'customer') return store.contacts.ordered.map((c) => c.id);
      if (entity === 'invoice') return store.invoices.ordered.filter((i) => i.type === 'ACCREC').map((i) => i.id);
      if (entity === 'credit_note') return store.creditNotes.ordered.filter((c) => c.type === 'ACCRECCREDIT').map((c) => c.id);
      return store.payments.ordered.filter((p) => p.invoice.type === 'ACCREC').map((p) => p.id);
    },
    openInvoices: () =>
      store.invoices.ordered
        .filter((i) => i.type === 'ACCREC' && i.status === 'AUTHORISED' && store.paidCents(i) === 0 && store.creditedCents(i) === 0 && i.totalCents > 0)
        .map((i) => i.id),
    invoice(id) {
      const i = store.invoices.get(id);
      return i ? { customerId: i.contact.id, total: decimal(i.totalCents, i.currency || currency), amountDue: decimal(store.dueCents(i), i.currency || currency), dueDate: i.dueDate ?? null, voided: i.status === 'VOIDED' || i.status === 'DELETED' } : null;
    },
    createInvoice: ({ customerId, total, dueDate }) =>
      idOf(sim.data.create('Invoice', { Type: 'ACCREC', Contact: { ContactID: customerId }, LineItems: [{ Description: 'Scenario', Quantity: 1, UnitAmount: total, TaxAmount: '0' }], ...(dueDate ? { DueDate: dueDate } : {}), Status: 'AUTHORISED' }), 'InvoiceID'),
    updateInvoice(id, patch) {
      sim.data.update('Invoice', id, patch.dueDate ? { DueDate: patch.dueDate } : {});
    },
    voidInvoice(id) {
      sim.data.void('Invoice', id);
    },
    pay: (invoiceId, amount) => idOf(sim.data.pay(invoiceId, amount), 'PaymentID'),
    // Drafts are DELETED and approved documents only VOIDED; payments are DELETED; contacts ARCHIVED. All stay listed.
    deletes: { customer: 'archived', invoice: 'status', credit_note: 'status', payment: 'status' },
    deletable(entity) {
      made++;
      const draft = { Contact: { ContactID: firstCustomer() }, LineItems: [{ Description: 'Draft', Quantity: 1, UnitAmount: '25.00' }], Status: 'DRAFT' };
      if (entity === 'customer') return idOf(sim.data.create('Contact', { Name: `Scenario customer ${made}` }), 'ContactID');
      if (entity === 'invoice') return idOf(sim.data.create('Invoice', { ...draft, Type: 'ACCREC', DueDate: '2027-01-31' }), 'InvoiceID');
      if (entity === 'credit_note') return idOf(sim.data.create('CreditNote', { ...draft, Type: 'ACCRECCREDIT' }), 'CreditNoteID');
      return deletablePayment(scenario);
    },
    delete(entity, id) {
      const rec = entity === 'invoice' ? store.invoices.get(id) : entity === 'credit_note' ? store.creditNotes.get(id) : undefined;
      if (rec && rec.status !== 'DRAFT' && rec.status !== 'SUBMITTED') throw new Error(`Xero deletes drafts only; ${rec.number} is ${rec.status}: void it instead`);
      sim.data.remove(XERO_ENTITY[entity], id);
    },
    corrupt(entity, id) {
      sim.faults.corrupt(XERO_ENTITY[entity], id);
    },
    pendingWebhook: () => pendingDelivery(sim.webhooks),
    editConcurrently(invoiceId) {
      hooks.armEdit(() => sim.data.update('Invoice', invoiceId, { Reference: USER_REFERENCE }));
      return { kept: () => sim.data.get('Invoice', invoiceId)?.['Reference'] === USER_REFERENCE };
    },
    // No version on writes: History notes are appended, and a field update overwrites only the fields it sends.
    versionedWrites: false,
    writtenStatus: (invoiceId) =>
      sim.data
        .history('Invoice', invoiceId)
        .filter((h) => h['Changes'] === 'Note')
        .map((h) => String(h['Details']))
        .join('\n'),
    expireTokensAfter: (requests) => sim.faults.expireTokenAfter(requests),
    quota: () => ({ perMinute: sim.limits.perMinute, concurrent: sim.limits.concurrent }),
  };
  return scenario;
}
