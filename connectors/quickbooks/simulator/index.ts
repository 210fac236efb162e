// QuickBooks Online simulator: a seeded company behind msw handlers that behave like Intuit's OAuth and v3 API.
import type { HttpHandler } from 'msw';
import { toMinorUnits } from '../../../src/model/money.js';
import { FaultInjector } from '../../../src/simulator/faults.js';
import { liftQuotas, Quotas } from '../../../src/simulator/quotas.js';
import { decimal, deletablePayment, pendingDelivery, scenarioHooks, type ScenarioHooks } from '../../../src/simulator/scenario.js';
import { defineSimulator } from '../../../src/simulator/serve.js';
import { persistence, type SimulatorSnapshot } from '../../../src/simulator/snapshot.js';
import { createStats } from '../../../src/simulator/stats.js';
import type { ProviderScenario, ProviderSimulator, ScenarioEntity, SimulatorData, SimulatorFactory } from '../../../src/simulator/types.js';
import { createHandlers, qboStatsExtras, type QboStats } from './api.js';
import { createZone } from './format.js';
import { OAuthServer } from './oauth.js';
import { createQueryRunner } from './query.js';
import { seedCompany } from './seed.js';
import { objectNotFound, Store } from './store.js';
import {
  DOCUMENTED_LIMITS, entityName, INTUIT_BASE_URLS, type AnyRec, type EntityName, type QboBaseUrls, type QboLimits, type QuickBooksSimulatorOptions, type WebhookEvent,
} from './types.js';
import { buildWebhook, signIntuit, type BuiltWebhook, type WebhookFormat } from './webhooks.js';

export { DOCUMENTED_LIMITS, INTUIT_BASE_URLS, signIntuit };
export type { BuiltWebhook, EntityName, QboBaseUrls, QboLimits, QboStats, QuickBooksSimulatorOptions, WebhookEvent, WebhookFormat };

export const DEFAULT_CLIENT_ID = 'ABsim0QuickBooks0Relance0ClientId0000000000000000';
export const DEFAULT_CLIENT_SECRET = 'sim-qbo-client-secret-0000000000000000000';
export const DEFAULT_VERIFIER_TOKEN = 'sim-qbo-verifier-token-0000-0000-0000';
export const DEFAULT_REALM_ID = '9341455000000001';
export const DEFAULT_SEED = 1;

type Json = Record<string, unknown>;

export interface QuickBooksSimulator extends ProviderSimulator {
  readonly provider: 'quickbooks';
  handlers: HttpHandler[];
  baseUrls: QboBaseUrls;
  /** The realmId of the seeded company. */
  externalTenantId: string;
  realmId: string;
  clientId: string;
  clientSecret: string;
  /** Intuit's webhook verifier token. */
  webhookSecret: string;
  /** Live limits; tests may change them between calls. */
  limits: QboLimits;
  /**
   * Bodies in QBO's shape (`{"CustomerRef":{"value":"3"},"Line":[…]}`); updates are sparse and bump SyncToken; remove
   * hard-deletes a transaction (seen only by CDC and webhooks afterwards) and makes a customer inactive.
   */
  data: SimulatorData & {
    /** Records a customer payment applied to one invoice; returns the Payment. */
    pay(invoiceId: string, amount: string, opts?: { txnDate?: string; refNum?: string }): Json;
    /** Deleted transactions so far, per entity (ids). */
    deleted(entity: string): string[];
  };
  oauth: {
    authorize(params: { redirectUri: string; state: string; scope?: string }): string;
    /** Shortcut for tests: a fresh connection's tokens without the HTTP dance. */
    connect(): { accessToken: string; refreshToken: string; realmId: string; expiresIn: number };
    expireAccessTokens(): void;
    revokeAll(): void;
  };
  webhooks: {
    /** A signed delivery: build(events) or build({format, events}). */
    build(input: WebhookEvent[] | { format?: WebhookFormat; events: WebhookEvent[] }): BuiltWebhook;
    /** Events produced by data changes since the last drain (what Intuit would notify). */
    drain(): WebhookEvent[];
    sign(body: string): string;
  };
  stats: QboStats;
  /** The whole state as plain JSON (company data and OAuth grants), and back: the demo survives restarts. */
  snapshot(): SimulatorSnapshot;
  restore(snapshot: unknown): void;
}

export function createQuickBooksSimulator(opts: QuickBooksSimulatorOptions = {}): QuickBooksSimulator {
  const now = () => (opts.clock ? opts.clock() : new Date()).getTime();
  const limits: QboLimits = { ...DOCUMENTED_LIMITS, ...opts.limits };
  const baseUrls: QboBaseUrls = { ...INTUIT_BASE_URLS, ...opts.baseUrls };
  const realmId = opts.realmId ?? DEFAULT_REALM_ID;
  const clientId = opts.clientId ?? DEFAULT_CLIENT_ID;
  const clientSecret = opts.clientSecret ?? DEFAULT_CLIENT_SECRET;
  const verifierToken = opts.webhookSecret ?? DEFAULT_VERIFIER_TOKEN;
  const currency = opts.homeCurrency ?? 'EUR';
  const zone = createZone(opts.timeZone ?? 'America/Los_Angeles');
  const store = new Store({
    now,
    zone,
    currency,
    taxPercent: opts.taxPercent ?? (currency === 'USD' ? 0 : 20),
    customFieldDefinitions: opts.customFieldDefinitions ?? [{ DefinitionId: '1', Name: 'Relance' }],
  });
  const invoices = opts.invoices ?? 200;
  seedCompany(store, {
    seed: opts.seed ?? DEFAULT_SEED,
    customers: opts.customers ?? 25,
    invoices,
    creditNotes: opts.creditNotes ?? Math.max(0, Math.round(invoices * 0.06)),
    ...(opts.payments === undefined ? {} : { payments: opts.payments }),
  });
  const runner = createQueryRunner(store);
  const oauth = new OAuthServer({ clientId, clientSecret, realmId, now, limits: () => limits });
  const gate = { quotas: new Quotas(() => limits), faults: new FaultInjector(() => oauth.expireAccessTokens()), stats: createStats(qboStatsExtras), now };
  const handlers = createHandlers({ store, runner, oauth, realmId, baseUrls, limits: () => limits, now, zone, gate });

  const entityOf = (name: string): EntityName => {
    // Normalized-model names are accepted too ("credit_note" is QBO's CreditMemo).
    const e = entityName(name) ?? (/^credit[_-]?notes?$/i.test(name) ? 'CreditMemo' : undefined);
    if (!e) throw new Error(`unknown QuickBooks entity "${name}": expected Customer, Invoice, CreditMemo or Payment`);
    return e;
  };
  const recOf = (name: string, id: string): AnyRec => {
    const rec = store.table(entityOf(name)).byId.get(id);
    if (!rec) throw objectNotFound();
    return rec;
  };
  const source = `intuit.${Buffer.from(`${clientId}:${realmId}`).toString('base64').slice(0, 43)}=`;

  const sim: Omit<QuickBooksSimulator, 'scenario'> = {
    provider: 'quickbooks',
    handlers,
    baseUrls,
    externalTenantId: realmId,
    realmId,
    clientId,
    clientSecret,
    webhookSecret: verifierToken,
    limits,
    data: {
      list: (entity) => (store.table(entityOf(entity)).ordered as AnyRec[]).map((r) => store.render(r)),
      get: (entity, id) => {
        const rec = store.table(entityOf(entity)).byId.get(id);
        return rec ? store.render(rec) : undefined;
      },
      count: (entity) => store.table(entityOf(entity)).ordered.length,
      create: (entity, body) => {
        const e = entityOf(entity);
        const rec: AnyRec =
          e === 'Customer' ? store.createCustomer(body)
          : e === 'Invoice' ? store.createInvoice(body)
          : e === 'CreditMemo' ? store.createCreditMemo(body)
          : store.createPayment(body);
        return store.render(rec);
      },
      update: (entity, id, patch) => {
        const rec = recOf(entity, id);
        store.update(rec, patch, true);
        return store.render(rec);
      },
      remove: (entity, id) => store.remove(recOf(entity, id)),
      void: (entity, id) => {
        const rec = recOf(entity, id);
        if (rec.kind === 'Customer') throw new Error('customers cannot be voided; use remove() to make one inactive');
        store.void(rec);
        return store.render(rec);
      },
      pay: (invoiceId, amount, extra = {}) => {
        const inv = store.invoices.byId.get(invoiceId);
        if (!inv) throw objectNotFound();
        const p = store.createPayment({
          CustomerRef: { value: inv.customer.id },
          TotalAmt: amount,
          Line: [{ Amount: amount, LinkedTxn: [{ TxnId: inv.id, TxnType: 'Invoice' }] }],
          ...(extra.txnDate ? { TxnDate: extra.txnDate } : {}),
          ...(extra.refNum ? { PaymentRefNum: extra.refNum } : {}),
        });
        return store.render(p);
      },
      deleted: (entity) => store.tombstones[entityOf(entity)].map((t) => t.id),
    },
    oauth: {
      authorize: (params) => oauth.authorize(params),
      connect: () => {
        const redirectUri = 'https://relance.example/oauth/callback';
        const code = new URL(oauth.authorize({ redirectUri, state: 'connect' })).searchParams.get('code') ?? '';
        const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
        const reply = oauth.token(basic, new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }));
        const body = reply.body ?? {};
        return { accessToken: String(body.access_token), refreshToken: String(body.refresh_token), realmId, expiresIn: Number(body.expires_in) };
      },
      expireAccessTokens: () => oauth.expireAccessTokens(),
      revokeAll: () => oauth.revokeAll(),
    },
    webhooks: {
      build: (input) => {
        const { format, events } = Array.isArray(input) ? { format: undefined, events: input } : input;
        return buildWebhook(events, { format: format ?? opts.webhookFormat ?? 'cloudevents', realmId, verifierToken, nowMs: now(), source });
      },
      drain: () => store.pendingEvents.splice(0, store.pendingEvents.length),
      sign: (body) => signIntuit(body, verifierToken),
    },
    faults: Object.assign(gate.faults.controls, {
      corrupt: (entity: string, id: string) => {
        const rec = recOf(entity, id);
        rec.corrupt = true;
        store.touch(rec);
      },
    }),
    stats: gate.stats,
    liftQuotas: () => liftQuotas(limits),
    ...persistence('quickbooks', realmId, { store, oauth }),
  };
  const hooks = scenarioHooks(baseUrls.api);
  handlers.unshift(hooks.handler);
  return Object.assign(sim, { scenario: quickBooksScenario(sim, store, hooks) });
}

/**
 * The QuickBooks Online simulator, as the registry hands it to the demo host, `relance simulate`, tests and benchmarks; served on one
 * local port, every host of the provider sits under one origin at its own path.
 */
export const simulator: SimulatorFactory<QuickBooksSimulator, QuickBooksSimulatorOptions> = defineSimulator('quickbooks', createQuickBooksSimulator, (origin) => ({
  api: `${origin}/api`,
  authorize: `${origin}/connect/oauth2`,
  token: `${origin}/oauth2/v1/tokens/bearer`,
  revoke: `${origin}/v2/oauth2/tokens/revoke`,
}));

export const startSimulatorServer = simulator.serve;

// ---- scenario: the provider-neutral operations the contract suite (test/contract) drives ------------------------

const QBO_ENTITY: Record<ScenarioEntity, EntityName> = { customer: 'Customer', invoice: 'Invoice', credit_note: 'CreditMemo', payment: 'Payment' };
const USER_MEMO = 'Edited by a user meanwhile';

function quickBooksScenario(sim: Omit<QuickBooksSimulator, 'scenario'>, store: Store, hooks: ScenarioHooks): ProviderScenario {
  const currency = store.ctx.currency;
  let made = 0;
  const salesLine = (minor: number) => ({ Amount: decimal(minor, currency), DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '1' } } });
  /** QuickBooks always adds the company's tax: the net amount whose tax lands exactly on `total`. */
  const netFor = (total: string): number => {
    const want = Number(toMinorUnits(total, currency));
    const rate = Math.round(store.ctx.taxPercent * 100);
    const guess = Math.floor((want * 10_000) / (10_000 + rate));
    for (let net = guess - 2; net <= guess + 2; net++) if (net + Math.round((net * rate) / 10_000) === want) return net;
    throw new Error(`no net amount gives a total of ${total} at ${store.ctx.taxPercent} % tax: pick another total`);
  };
  const activeCustomer = () => {
    const c = store.customers.ordered.find((x) => x.active);
    if (!c) throw new Error('the company has no active customer');
    return c.id;
  };
  const scenario: ProviderScenario = {
    // Every customer (inactive ones too), invoice, credit memo and payment is a receivable document here.
    receivables: (entity) => store.table(QBO_ENTITY[entity]).ordered.map((r) => r.id),
    openInvoices: () => store.invoices.ordered.filter((i) => !i.voided && i.balance > 0 && i.balance === i.total && i.links.length === 0).map((i) => i.id),
    invoice(id) {
      const i = store.invoices.byId.get(id);
      return i ? { customerId: i.customer.id, total: decimal(i.total, currency), amountDue: decimal(i.balance, currency), dueDate: i.dueDate, voided: i.voided } : null;
    },
    createInvoice: ({ customerId, total, dueDate }) =>
      String(sim.data.create('Invoice', { CustomerRef: { value: customerId }, Line: [salesLine(netFor(total))], ...(dueDate ? { DueDate: dueDate } : {}) })['Id']),
    updateInvoice(id, patch) {
      sim.data.update('Invoice', id, patch.dueDate ? { DueDate: patch.dueDate } : {});
    },
    voidInvoice(id) {
      sim.data.void('Invoice', id);
    },
    pay: (invoiceId, amount) => String(sim.data.pay(invoiceId, amount)['Id']),
    // Transactions are hard-deleted (CDC and webhooks report them); a customer is only made inactive.
    deletes: { customer: 'archived', invoice: 'removed', credit_note: 'removed', payment: 'removed' },
    deletable(entity) {
      made++;
      if (entity === 'customer') return String(sim.data.create('Customer', { DisplayName: `Scenario customer ${made} ${sim.realmId}` })['Id']);
      if (entity === 'invoice') return scenario.createInvoice({ customerId: activeCustomer(), total: '60.00' });
      if (entity === 'credit_note') return String(sim.data.create('CreditMemo', { CustomerRef: { value: activeCustomer() }, Line: [salesLine(2500)] })['Id']);
      return deletablePayment(scenario);
    },
    delete(entity, id) {
      sim.data.remove(QBO_ENTITY[entity], id);
    },
    corrupt(entity, id) {
      sim.faults.corrupt(QBO_ENTITY[entity], id);
    },
    pendingWebhook: () => pendingDelivery(sim.webhooks),
    editConcurrently(invoiceId) {
      hooks.armEdit(() => sim.data.update('Invoice', invoiceId, { CustomerMemo: { value: USER_MEMO } }));
      return { kept: () => (sim.data.get('Invoice', invoiceId)?.['CustomerMemo'] as { value?: string } | undefined)?.value === USER_MEMO };
    },
    // Every update carries the SyncToken read; a stale one is refused with Fault 5010.
    versionedWrites: true,
    writtenStatus: (invoiceId) => String(sim.data.get('Invoice', invoiceId)?.['PrivateNote'] ?? ''),
    expireTokensAfter: (requests) => sim.faults.expireTokenAfter(requests),
    quota: () => ({ perSecond: sim.limits.perSecond, perMinute: sim.limits.perMinute, concurrent: sim.limits.concurrent }),
  };
  return scenario;
}
