// Pennylane Company API v2 simulator: a seeded French company behind msw handlers that behave like Pennylane's OAuth and API.
import type { HttpHandler } from 'msw';
import { FaultInjector, type FaultControls } from '../../../src/simulator/faults.js';
import { addDays, msToYmd, parseMinor } from '../../../src/simulator/ledger.js';
import { liftQuotas } from '../../../src/simulator/quotas.js';
import { decimal, deletablePayment, scenarioHooks, type ScenarioHooks } from '../../../src/simulator/scenario.js';
import { defineSimulator } from '../../../src/simulator/serve.js';
import { persistence } from '../../../src/simulator/snapshot.js';
import { createStats } from '../../../src/simulator/stats.js';
import type { ProviderScenario, ProviderSimulator, ScenarioEntity, SimulatorData, SimulatorFactory } from '../../../src/simulator/types.js';
import { createHandlers, pennylaneStatsExtras, type PennylaneStats } from './api.js';
import { WindowQuotas } from './limits.js';
import { OAuthServer } from './oauth.js';
import { lineOf, newInvoice, seedCompany } from './seed.js';
import { Store } from './store.js';
import { DOCUMENTED_LIMITS, PENNYLANE_BASE_URLS, type CustomerRec, type InvoiceRec, type PennylaneBaseUrls, type PennylaneLimits, type PennylaneSimulatorOptions, type TransactionRec } from './types.js';
import { buildDelivery, signPennylane, type BuiltWebhook, type EInvoicingEvent } from './webhooks.js';

export { DOCUMENTED_LIMITS, PENNYLANE_BASE_URLS, signPennylane };
export type { BuiltWebhook, PennylaneBaseUrls, PennylaneLimits, PennylaneSimulatorOptions, PennylaneStats };

export const DEFAULT_CLIENT_ID = 'sim-pennylane-client-id-relance';
export const DEFAULT_CLIENT_SECRET = 'sim-pennylane-client-secret-0000000000000000000000';
export const DEFAULT_WEBHOOK_SECRET = 'sim-pennylane-webhook-secret-000000000000000000000';
export const DEFAULT_COMPANY_ID = 7_412_093;
export const DEFAULT_COMPANY_NAME = 'Relance Démo SAS';
export const DEFAULT_SEED = 1;

type Json = Record<string, unknown>;

export interface PennylaneSimulator extends ProviderSimulator {
  readonly provider: 'pennylane';
  handlers: HttpHandler[];
  baseUrls: PennylaneBaseUrls;
  /** The company id `GET /me` returns: one connection per company. */
  externalTenantId: string;
  clientId: string;
  clientSecret: string;
  webhookSecret: string;
  limits: PennylaneLimits;
  /**
   * Entities: `customer`, `invoice` (invoices and credit notes alike, as /customer_invoices), `transaction`. Bodies:
   * customer `{name, customer_type?, emails?}`; invoice `{customer_id, date?, deadline?, lines:[{label, quantity?,
   * unit_price, vat_rate?}], draft?, credit_note?, credited_invoice_id?}`; transaction `{amount, date?, label?,
   * invoice_ids?}` (matched in order, each up to what it still owes). Patches: customer `{name, notes, emails}`,
   * invoice `{deadline, archived, e_invoicing:{status, reason}}`.
   */
  data: SimulatorData & {
    /** The e-invoicing platform reports a new status: the invoice changes (changelog) and a signed webhook is queued. */
    setEInvoicing(invoiceId: string, status: string, reason?: string | null): Json;
    /** Categories on an invoice as `GET …/categories` lists them. */
    categories(invoiceId: string): Json[];
  };
  oauth: {
    authorize(params: { redirectUri: string; state: string; scope?: string }): string;
    expireAccessTokens(): void;
    revokeAll(): void;
  };
  webhooks: {
    /** Deliveries queued by e-invoicing status changes since the last drain. */
    drain(): BuiltWebhook[];
    sign(body: string, nowSec: number): string;
  };
  faults: FaultControls & { corrupt(entity: string, id: string): void };
  stats: PennylaneStats;
  resetRateLimits(): void;
  /** Events older than the retention window are dropped (a company offline for weeks). */
  ageChangelogs(days: number): void;
  /**
   * Right after the next read of this invoice's categories is answered, the user files it under one of the company's
   * own analytic categories (a group of theirs): the change a read-merge-write must not overwrite. `kept()` says
   * whether it is still there. With `reads` above 1, the user does it again after each of that many reads, switching
   * between two of those categories: a user (or a rule of theirs) who never stops changing the invoice.
   */
  editCategoriesAfterRead(invoiceId: string, reads?: number): { kept(): boolean };
  /**
   * Right after the next read of this invoice's categories is answered, the user changes only the weights of some of
   * them (category id → weight, each group still summing to 1): the same categories, split differently.
   */
  reweighCategoriesAfterRead(invoiceId: string, weights: Readonly<Record<number, string>>): { done(): boolean };
}

let deliverySeq = 980_000;

export function createPennylaneSimulator(opts: PennylaneSimulatorOptions = {}): PennylaneSimulator {
  const now = () => (opts.clock ? opts.clock() : new Date()).getTime();
  const limits: PennylaneLimits = { ...DOCUMENTED_LIMITS, ...opts.limits };
  const baseUrls: PennylaneBaseUrls = { ...PENNYLANE_BASE_URLS, ...opts.baseUrls };
  const companyId = opts.companyId ?? DEFAULT_COMPANY_ID;
  const clientId = opts.clientId ?? DEFAULT_CLIENT_ID;
  const clientSecret = opts.clientSecret ?? DEFAULT_CLIENT_SECRET;
  const webhookSecret = opts.webhookSecret ?? DEFAULT_WEBHOOK_SECRET;
  const store = new Store({ now, apiBase: baseUrls.api });
  const invoices = opts.invoices ?? 200;
  seedCompany(store, {
    seed: opts.seed ?? DEFAULT_SEED,
    customers: Math.max(1, opts.customers ?? 25),
    invoices,
    creditNotes: opts.creditNotes ?? Math.max(0, Math.round(invoices * 0.06)),
    ...(opts.payments === undefined ? {} : { payments: opts.payments }),
    spreadDays: opts.spreadDays ?? 180,
  });
  const oauth = new OAuthServer({ clientId, clientSecret, companyId, now, limits: () => limits });
  const gate = { quotas: new WindowQuotas(() => limits), faults: new FaultInjector(() => oauth.expireAccessTokens()), stats: createStats(pennylaneStatsExtras), now };
  const apiTokens = [...(opts.apiTokens ?? [])];
  // One-shot edits that run right after a client has read an invoice's categories (see editCategoriesAfterRead).
  const afterRead = new Map<number, () => void>();
  const afterCategoriesRead = (inv: InvoiceRec) => {
    const edit = afterRead.get(inv.id);
    afterRead.delete(inv.id);
    edit?.();
  };
  const handlers = createHandlers({ store, oauth, baseUrls, limits: () => limits, companyId, companyName: opts.companyName ?? DEFAULT_COMPANY_NAME, companyRegNo: opts.companyRegNo ?? '912345672', apiTokens: () => apiTokens, gate, afterCategoriesRead });
  const deliveries: BuiltWebhook[] = [];

  const invoiceOf = (id: string): InvoiceRec => {
    const i = store.invoices.get(Number(id));
    if (!i) throw new Error(`customer invoice ${id} not found`);
    return i;
  };
  const customerOf = (id: unknown): CustomerRec => {
    const c = store.customers.get(Number(id));
    if (!c) throw new Error(`customer ${String(id)} not found`);
    return c;
  };
  const cents = (v: unknown, what: string) => {
    const c = parseMinor(v, 2);
    if (c === undefined) throw new Error(`${what}: "${String(v)}" is not an amount with at most 2 decimals`);
    return c;
  };
  const kindOf = (entity: string): 'customer' | 'invoice' | 'transaction' => {
    const k = entity.replace(/s$/, '');
    if (k === 'customer') return 'customer';
    if (k === 'invoice' || k === 'customer_invoice' || k === 'credit_note') return 'invoice';
    if (k === 'transaction' || k === 'payment') return 'transaction';
    throw new Error(`unknown Pennylane entity "${entity}": expected customer, invoice or transaction`);
  };

  const createCustomer = (body: Json): CustomerRec => {
    const ms = now();
    const type = body['customer_type'] === 'individual' ? 'individual' : 'company';
    const c: CustomerRec = {
      kind: 'customer', id: store.next.customer++, createdMs: ms, updatedMs: ms, type, name: String(body['name'] ?? 'Nouveau client'), firstName: '', lastName: '',
      emails: Array.isArray(body['emails']) ? (body['emails'] as unknown[]).map(String) : [], phone: '', billing: { address: '1 rue de Rivoli', postal_code: '75001', city: 'Paris', country_alpha2: 'FR' },
      paymentConditions: '30_days', regNo: '', vatNumber: '', reference: '', externalReference: '', notes: null, ledgerAccountId: 14_067_999_000_000 + (store.next.customer % 1_000_000),
    };
    store.customers.set(c.id, c);
    store.log('customers', c, 'insert');
    return c;
  };

  const createInvoice = (body: Json): InvoiceRec => {
    const customer = customerOf(body['customer_id']);
    const lines = (Array.isArray(body['lines']) ? (body['lines'] as Json[]) : []).map((l) => lineOf(String(l['label'] ?? ''), Number(l['quantity'] ?? 1), cents(l['unit_price'], 'unit_price'), (l['vat_rate'] as 'FR_200' | 'FR_55' | 'exempt' | undefined) ?? 'FR_200'));
    if (!lines.length) throw new Error('lines are required');
    const creditNote = body['credit_note'] === true;
    const draft = body['draft'] === true;
    const date = typeof body['date'] === 'string' ? body['date'] : msToYmd(now());
    const seqOf = [...store.invoices.values()].filter((i) => i.creditNote === creditNote && !i.draft).length + 1;
    const number = draft ? '' : `${creditNote ? 'AV' : 'F'}-${date.slice(0, 4)}-${String(seqOf).padStart(4, '0')}`;
    const inv = newInvoice(store, { customer, number, date, deadline: typeof body['deadline'] === 'string' ? body['deadline'] : addDays(date, 30), lines, draft, creditNote, createdMs: now() });
    if (creditNote && body['credited_invoice_id'] !== undefined) {
      const target = invoiceOf(String(body['credited_invoice_id']));
      inv.credited = target;
      target.credits.push(inv);
      store.touchInvoice(target);
    }
    store.log('customer_invoices', inv, 'insert');
    return inv;
  };

  const createTransaction = (body: Json): TransactionRec => {
    const amountCents = cents(body['amount'], 'amount');
    const targets = (Array.isArray(body['invoice_ids']) ? (body['invoice_ids'] as unknown[]) : []).map((id) => invoiceOf(String(id)));
    const customer = targets[0]?.customer ?? null;
    const ms = now();
    const t: TransactionRec = { kind: 'transaction', id: store.next.transaction++, createdMs: ms, updatedMs: ms, date: typeof body['date'] === 'string' ? body['date'] : msToYmd(ms), label: String(body['label'] ?? `VIR SEPA ${customer?.name.toUpperCase() ?? 'INCONNU'}`), amountCents, customer, bankAccountId: 8812, matches: [] };
    let left = amountCents;
    for (const inv of targets) {
      if (inv.draft || inv.creditNote) throw new Error(`${inv.number || inv.id} is a draft or a credit note: Pennylane matches transactions to finalized invoices`);
      const part = Math.min(left, store.remainingCents(inv));
      if (part <= 0) continue;
      left -= part;
      t.matches.push({ invoice: inv, cents: part });
      inv.matches.push({ tx: t, cents: part });
      store.touchInvoice(inv);
    }
    store.transactions.set(t.id, t);
    store.log('transactions', t, 'insert');
    return t;
  };

  const render = (kind: ReturnType<typeof kindOf>, rec: CustomerRec | InvoiceRec | TransactionRec): Json =>
    kind === 'customer' ? store.renderCustomer(rec as CustomerRec) : kind === 'invoice' ? store.renderInvoice(rec as InvoiceRec) : store.renderTransaction(rec as TransactionRec);
  const table = (kind: ReturnType<typeof kindOf>) => (kind === 'customer' ? store.customers : kind === 'invoice' ? store.invoices : store.transactions) as Map<number, CustomerRec | InvoiceRec | TransactionRec>;

  const unmatch = (t: TransactionRec) => {
    for (const m of t.matches) {
      m.invoice.matches = m.invoice.matches.filter((x) => x.tx !== t);
      store.touchInvoice(m.invoice);
    }
    t.matches = [];
  };

  const setEInvoicing = (invoiceId: string, status: string, reason: string | null = null): Json => {
    const inv = invoiceOf(invoiceId);
    const previous = inv.eInvoicing?.status ?? null;
    inv.eInvoicing = { status, reason, updatedMs: now() };
    store.touchInvoice(inv);
    const e: EInvoicingEvent = { deliveryId: ++deliverySeq, invoiceId: inv.id, status, reason, previous, createdSec: Math.floor(now() / 1000) };
    if (deliveries.length < 10_000) deliveries.push(buildDelivery(e, { companyId, secret: webhookSecret }));
    return store.renderInvoice(inv);
  };

  const data: PennylaneSimulator['data'] = {
    list: (entity) => [...table(kindOf(entity)).values()].map((r) => render(kindOf(entity), r)),
    get: (entity, id) => {
      const rec = table(kindOf(entity)).get(Number(id));
      return rec ? render(kindOf(entity), rec) : undefined;
    },
    count: (entity) => table(kindOf(entity)).size,
    create: (entity, body) => {
      const kind = kindOf(entity);
      return render(kind, kind === 'customer' ? createCustomer(body) : kind === 'invoice' ? createInvoice({ ...body, ...(entity.startsWith('credit') ? { credit_note: true } : {}) }) : createTransaction(body));
    },
    update: (entity, id, patch) => {
      const kind = kindOf(entity);
      if (kind === 'customer') {
        const c = customerOf(id);
        if (typeof patch['name'] === 'string') c.name = patch['name'];
        if ('notes' in patch) c.notes = patch['notes'] as string | null;
        if (Array.isArray(patch['emails'])) c.emails = (patch['emails'] as unknown[]).map(String);
        store.touchCustomer(c);
        return store.renderCustomer(c);
      }
      if (kind === 'invoice') {
        const inv = invoiceOf(id);
        if (typeof patch['deadline'] === 'string') inv.deadline = patch['deadline'];
        if (patch['archived'] === true) inv.archivedMs = now();
        if (patch['archived'] === false) inv.archivedMs = null;
        if (patch['draft'] === false && inv.draft) inv.draft = false;
        store.touchInvoice(inv);
        return store.renderInvoice(inv);
      }
      throw new Error('transactions are updated by matching (create one with invoice_ids) or removed');
    },
    remove: (entity, id) => {
      const kind = kindOf(entity);
      if (kind === 'customer') {
        const c = customerOf(id);
        if ([...store.invoices.values()].some((i) => i.customer === c)) throw new Error(`customer ${id} has documents: Pennylane deletes only customers without any`);
        store.customers.delete(c.id);
        store.log('customers', c, 'delete');
      } else if (kind === 'invoice') {
        const inv = invoiceOf(id);
        if (!inv.draft) throw new Error(`${inv.number} is finalized: Pennylane deletes drafts only; cancel it with a credit note`);
        store.invoices.delete(inv.id);
        store.log('customer_invoices', inv, 'delete');
      } else {
        // Unmatching: the bank line stays, it no longer pays any invoice.
        const t = store.transactions.get(Number(id));
        if (!t) throw new Error(`transaction ${id} not found`);
        unmatch(t);
        store.touchTransaction(t);
      }
    },
    void: (entity, id) => {
      if (kindOf(entity) !== 'invoice') throw new Error('only invoices are cancelled (by a credit note)');
      const inv = invoiceOf(id);
      if (inv.draft || inv.creditNote) throw new Error(`${inv.number || inv.id} is a draft or a credit note`);
      if (inv.matches.length) throw new Error(`${inv.number} has matched transactions: unmatch them before cancelling`);
      const due = store.remainingCents(inv);
      createInvoice({ customer_id: inv.customer.id, credit_note: true, credited_invoice_id: inv.id, lines: [{ label: `Annulation ${inv.number}`, quantity: 1, unit_price: decimal(due, 'EUR'), vat_rate: 'exempt' }] });
      return store.renderInvoice(inv);
    },
    setEInvoicing,
    categories: (invoiceId) => store.categoriesOf(invoiceOf(invoiceId)).map(({ cat, link }) => store.renderCategory(cat, link.weight)),
  };

  const sim: Omit<PennylaneSimulator, 'scenario'> = {
    provider: 'pennylane',
    handlers,
    baseUrls,
    externalTenantId: String(companyId),
    clientId,
    clientSecret,
    webhookSecret,
    limits,
    data,
    oauth: { authorize: (p) => oauth.authorize(p), expireAccessTokens: () => oauth.expireAccessTokens(), revokeAll: () => oauth.revokeAll() },
    webhooks: { drain: () => deliveries.splice(0, deliveries.length), sign: (body, nowSec) => signPennylane(body, webhookSecret, nowSec) },
    faults: Object.assign(gate.faults.controls, {
      corrupt: (entity: string, id: string) => {
        const rec = table(kindOf(entity)).get(Number(id));
        if (!rec) throw new Error(`${entity} ${id} not found`);
        rec.corrupt = true;
        if (rec.kind === 'customer') store.touchCustomer(rec);
        else if (rec.kind === 'invoice') store.touchInvoice(rec);
        else store.touchTransaction(rec);
      },
    }),
    stats: gate.stats,
    liftQuotas: () => {
      liftQuotas(limits);
      limits.perWindow = Number.POSITIVE_INFINITY;
    },
    resetRateLimits: () => gate.quotas.reset(),
    ageChangelogs: (days) => {
      for (const list of Object.values(store.changelogs)) for (const e of list) e.processedMs -= days * 86_400_000;
    },
    editCategoriesAfterRead(invoiceId, reads = 1) {
      const inv = invoiceOf(invoiceId);
      // One of the company's categories, or two to switch between when the user keeps at it.
      const own = reads > 1 ? ownCategoriesFor(store, inv, 2) : [ownCategoryFor(store, inv)];
      let n = 0;
      let last = own[0]!;
      const edit = () => {
        last = own[n % own.length]!;
        fileUnder(store, inv, last);
        if (++n < reads) afterRead.set(inv.id, edit);
      };
      afterRead.set(inv.id, edit);
      return { kept: () => inv.categories.some((l) => l.categoryId === last.id) };
    },
    reweighCategoriesAfterRead(invoiceId, weights) {
      const inv = invoiceOf(invoiceId);
      let done = false;
      afterRead.set(inv.id, () => {
        inv.categories = inv.categories.map((l) => (weights[l.categoryId] !== undefined ? { ...l, weight: weights[l.categoryId] as string } : l));
        store.touchInvoice(inv);
        done = true;
      });
      return { done: () => done };
    },
    ...persistence('pennylane', String(companyId), { store, oauth }),
  };
  const hooks = scenarioHooks(baseUrls.api);
  handlers.unshift(hooks.handler);
  return Object.assign(sim, { scenario: pennylaneScenario(sim, store, hooks) });
}

/** One of the company's own analytic categories (the seeded "Activité" group) the invoice is not filed under yet. */
function ownCategoryFor(store: Store, inv: InvoiceRec) {
  const [own] = ownCategoriesFor(store, inv, 1);
  if (!own) throw new Error(`invoice ${inv.id} is already under every "Activité" category`);
  return own;
}

/** `count` of the company's own analytic categories (the seeded "Activité" group) the invoice is not filed under yet. */
function ownCategoriesFor(store: Store, inv: InvoiceRec, count: number) {
  const own = [...store.categories.values()].filter((c) => c.group.label === 'Activité' && !inv.categories.some((l) => l.categoryId === c.id)).slice(0, count);
  if (own.length < count) throw new Error(`invoice ${inv.id} is already under all but ${own.length} "Activité" categories`);
  return own;
}

/** What a user does in Pennylane: the invoice filed under `cat`, in place of that group's earlier category. */
function fileUnder(store: Store, inv: InvoiceRec, cat: { id: number; group: unknown }) {
  inv.categories = [...inv.categories.filter((l) => store.categories.get(l.categoryId)?.group !== cat.group), { categoryId: cat.id, weight: '1' }];
  store.touchInvoice(inv);
}

/** Served on one local port, every Pennylane host under one origin at its own path. */
export const simulator: SimulatorFactory<PennylaneSimulator, PennylaneSimulatorOptions> = defineSimulator('pennylane', createPennylaneSimulator, (origin) => ({
  api: `${origin}/api/external/v2`,
  authorize: `${origin}/oauth/authorize`,
  token: `${origin}/oauth/token`,
  revoke: `${origin}/oauth/revoke`,
}), {
  // 25 requests per 5 s, and one GET /transactions/{id}/matched_invoices per incoming transfer: the suite's default
  // company (5,500 invoices, 1,200 payments) is about 1,300 requests, some 290 s at the quota, past the test's limit.
  // 1,500 invoices (15 pages) still leave most of the backfill after the first kill; the whole sync is about 230
  // requests, some 50 s.
  resume: { customers: 60, invoices: 1500, payments: 200, creditNotes: 30 },
});

export const startSimulatorServer = simulator.serve;

// ---- scenario: the provider-neutral operations the contract suite (test/contract) drives ------------------------

function pennylaneScenario(sim: Omit<PennylaneSimulator, 'scenario'>, store: Store, hooks: ScenarioHooks): ProviderScenario {
  let made = 0;
  const receivable = (i: InvoiceRec) => !i.draft && !i.proforma && i.archivedMs === null;
  const ids = <T extends { id: number }>(rows: Iterable<T>) => [...rows].map((r) => String(r.id));
  const scenario: ProviderScenario = {
    // Drafts, archived and pro-forma documents are not receivables; credit notes are listed on the same endpoint.
    receivables(entity) {
      if (entity === 'customer') return ids(store.customers.values());
      if (entity === 'invoice') return ids([...store.invoices.values()].filter((i) => !i.creditNote && receivable(i)));
      if (entity === 'credit_note') return ids([...store.invoices.values()].filter((i) => i.creditNote && receivable(i)));
      return ids([...store.transactions.values()].filter((t) => store.isReceipt(t)));
    },
    openInvoices: () => ids([...store.invoices.values()].filter((i) => !i.creditNote && receivable(i) && i.matches.length === 0 && i.credits.length === 0 && i.totalCents > 0)),
    invoice(id) {
      const i = store.invoices.get(Number(id));
      if (!i || i.creditNote) return null;
      return { customerId: String(i.customer.id), total: decimal(i.totalCents, 'EUR'), amountDue: decimal(store.remainingCents(i), 'EUR'), dueDate: i.deadline, voided: store.status(i) === 'cancelled' };
    },
    createInvoice: ({ customerId, total, dueDate }) =>
      String(sim.data.create('invoice', { customer_id: customerId, lines: [{ label: 'Scénario', quantity: 1, unit_price: total, vat_rate: 'exempt' }], ...(dueDate ? { deadline: dueDate } : {}) })['id']),
    updateInvoice(id, patch) {
      sim.data.update('invoice', id, patch.dueDate ? { deadline: patch.dueDate } : {});
    },
    voidInvoice: (id) => void sim.data.void('invoice', id),
    pay: (invoiceId, amount) => String(sim.data.create('transaction', { amount, invoice_ids: [invoiceId] })['id']),
    // Finalized invoices and credit notes are never deleted (drafts are, but drafts are not receivables); a customer
    // without documents is deleted for good; unmatching a transaction takes the payment away, the bank line stays.
    deletes: { customer: 'removed', invoice: null, credit_note: null, payment: 'removed' },
    deletable(entity) {
      made++;
      if (entity === 'customer') return String(sim.data.create('customer', { name: `Client scénario ${made}` })['id']);
      if (entity === 'payment') return deletablePayment(scenario);
      throw new Error(`Pennylane lets nobody delete a finalized ${entity}`);
    },
    delete(entity, id) {
      if (entity === 'invoice' || entity === 'credit_note') throw new Error(`Pennylane deletes drafts only; a finalized ${entity} is cancelled by a credit note`);
      sim.data.remove(entity === 'customer' ? 'customer' : 'transaction', id);
    },
    corrupt(entity: ScenarioEntity, id) {
      sim.faults.corrupt(entity === 'customer' ? 'customer' : entity === 'payment' ? 'transaction' : 'invoice', id);
    },
    // The user files the invoice under one of the company's own analytic categories, just before our write.
    editConcurrently(invoiceId) {
      const inv = store.invoices.get(Number(invoiceId))!;
      const own = ownCategoryFor(store, inv);
      hooks.armEdit(() => fileUnder(store, inv, own));
      return { kept: () => inv.categories.some((l) => l.categoryId === own.id) };
    },
    versionedWrites: false,
    // The audit trail: each appendix's name and text.
    writtenStatus: (invoiceId) => {
      const inv = store.invoices.get(Number(invoiceId));
      return inv ? inv.appendices.map((a) => `${a.filename}\n${a.text ?? ''}`).join('\n') : '';
    },
    expireTokensAfter: (requests) => sim.faults.expireTokenAfter(requests),
    // One window of 25 per 5 s: at most 300 a minute; nothing in flight can exceed a window's 25.
    quota: () => ({ perMinute: (sim.limits.perWindow * 60) / sim.limits.windowSec, concurrent: sim.limits.perWindow }),
  };
  return scenario;
}
