// Sage Accounting API v3.1 simulator: a user with two businesses (a seeded UK one in GBP, a small Irish one in EUR) behind msw handlers that behave like Sage's OAuth and API.
import type { HttpHandler } from 'msw';
import { FaultInjector, type FaultControls } from '../../../src/simulator/faults.js';
import { addDays, msToYmd, parseMinor } from '../../../src/simulator/ledger.js';
import { liftQuotas, Quotas } from '../../../src/simulator/quotas.js';
import { decimal, deletablePayment, scenarioHooks } from '../../../src/simulator/scenario.js';
import { defineSimulator } from '../../../src/simulator/serve.js';
import { takeSnapshot, readSnapshot } from '../../../src/simulator/snapshot.js';
import { fromGraphJson, toGraphJson } from '../../../src/simulator/graph.js';
import { createStats } from '../../../src/simulator/stats.js';
import type { ProviderScenario, ProviderSimulator, ScenarioEntity, SimulatorData, SimulatorFactory } from '../../../src/simulator/types.js';
import type { OAuthSnapshot } from '../../../src/simulator/oauth.js';
import { createHandlers, sageStatsExtras, type SageStats } from './api.js';
import { OAuthServer } from './oauth.js';
import { lineOf, newArtefact, newContact, seedBusiness } from './seed.js';
import { BusinessStore } from './store.js';
import { DOCUMENTED_LIMITS, SAGE_BASE_URLS, type ArtefactRec, type ContactRec, type PaymentRec, type SageBaseUrls, type SageLimits, type SageSimulatorOptions } from './types.js';

export { DOCUMENTED_LIMITS, SAGE_BASE_URLS };
export type { SageBaseUrls, SageLimits, SageSimulatorOptions, SageStats };

export const DEFAULT_CLIENT_ID = 'sim-sage-client-id-relance-0000';
export const DEFAULT_CLIENT_SECRET = 'sim-sage-client-secret-00000000000000000000000000';
/** The lead business (the user's first), seeded at the requested size. */
export const DEFAULT_BUSINESS_ID = '3b7a2c1d9e8f4a5b6c7d8e9f0a1b2c3d';
export const DEFAULT_BUSINESS_NAME = 'Relance Demo Ltd';
/** The user's second business: a small Irish company in euros. */
export const SECOND_BUSINESS_ID = '9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f';
export const SECOND_BUSINESS_NAME = 'Relance Demo Ireland Ltd';
export const DEFAULT_SEED = 1;

type Json = Record<string, unknown>;

export interface SageSimulator extends ProviderSimulator {
  readonly provider: 'sage';
  handlers: HttpHandler[];
  baseUrls: SageBaseUrls;
  /** The lead business (the X-Business a connection sends). */
  externalTenantId: string;
  /** Every business of the consenting user, lead first. */
  businessIds: string[];
  clientId: string;
  clientSecret: string;
  webhookSecret: null;
  limits: SageLimits;
  /**
   * Entities of the lead business: `contact`, `invoice`, `credit_note`, `payment`, `allocation`. Bodies: contact
   * `{name, email?, currency?}`; invoice and credit note `{contact_id, date?, due_date?, lines:[{description, quantity?,
   * unit_price, tax_rate_id?}]}`; payment `{contact_id?, allocated_artefacts:[{artefact_id, amount}], date?, total_amount?}`;
   * allocation `{contact_id, lines:[{artefact_id, amount}]}` (amounts sum to zero). Patches: contact `{notes, email,
   * name}`, invoice `{due_date, sent}`. Remove deletes (the record leaves lists and shows under deleted_since); void sets
   * VOID with a void_reason.
   */
  data: SimulatorData & {
    /** The business's store (tests that look at attachments, notes or `sent`). */
    business(id?: string): BusinessStore;
  };
  faults: FaultControls & { corrupt(entity: string, id: string): void };
  stats: SageStats;
  resetRateLimits(): void;
  /**
   * Right after the next API read of this contact is answered, the user adds `text` to the contact's notes in Sage:
   * the edit a read-modify-write of the notes must not lose. `kept()` says whether the text is still there.
   */
  editNotesAfterRead(contactId: string, text: string): { kept(): boolean };
}

export function createSageSimulator(opts: SageSimulatorOptions = {}): SageSimulator {
  const now = () => (opts.clock ? opts.clock() : new Date()).getTime();
  const limits: SageLimits = { ...DOCUMENTED_LIMITS, ...opts.limits };
  const baseUrls: SageBaseUrls = { ...SAGE_BASE_URLS, ...opts.baseUrls };
  const clientId = opts.clientId ?? DEFAULT_CLIENT_ID;
  const clientSecret = opts.clientSecret ?? DEFAULT_CLIENT_SECRET;
  const seed = opts.seed ?? DEFAULT_SEED;
  const invoices = opts.invoices ?? 200;
  const businesses = new Map<string, BusinessStore>();
  const lead = new BusinessStore({ id: DEFAULT_BUSINESS_ID, name: DEFAULT_BUSINESS_NAME, country: 'GB', currency: 'GBP', createdMs: now() - 900 * 86_400_000 }, now);
  seedBusiness(lead, {
    seed,
    customers: Math.max(1, opts.customers ?? 25),
    invoices,
    creditNotes: opts.creditNotes ?? Math.max(0, Math.round(invoices * 0.06)),
    ...(opts.payments === undefined ? {} : { payments: opts.payments }),
    spreadDays: opts.spreadDays ?? 180,
    currency: 'GBP',
  });
  businesses.set(lead.business.id, lead);
  if (opts.secondBusiness !== false) {
    const second = new BusinessStore({ id: SECOND_BUSINESS_ID, name: SECOND_BUSINESS_NAME, country: 'IE', currency: 'EUR', createdMs: now() - 400 * 86_400_000 }, now);
    seedBusiness(second, { seed: seed + 1, customers: 4, invoices: 12, creditNotes: 1, spreadDays: 90, currency: 'EUR' });
    businesses.set(second.business.id, second);
  }
  const businessIds = [...businesses.keys()];
  const oauth = new OAuthServer({ clientId, clientSecret, userId: 'e5a1c0ffee00112233445566778899aa', businesses: () => businessIds, now, limits: () => limits });
  const gate = { quotas: new Quotas(() => ({ perMinute: limits.perMinute, concurrent: limits.concurrent })), faults: new FaultInjector(() => oauth.expireAccessTokens()), stats: createStats(sageStatsExtras), now };
  const afterRead = new Map<string, () => void>();
  const handlers = createHandlers({
    businesses,
    oauth,
    baseUrls,
    limits: () => limits,
    gate,
    afterContactRead: (_store, c) => {
      const edit = afterRead.get(c.id);
      afterRead.delete(c.id);
      edit?.();
    },
  });

  const store = (id?: string) => {
    const s = businesses.get(id ?? DEFAULT_BUSINESS_ID);
    if (!s) throw new Error(`business ${String(id)} not found`);
    return s;
  };
  const contactOf = (id: unknown): ContactRec => {
    const c = lead.contacts.get(String(id));
    if (!c || c.deletedMs !== null) throw new Error(`contact ${String(id)} not found`);
    return c;
  };
  const artefactOf = (id: string): ArtefactRec => {
    const a = lead.invoices.get(id) ?? lead.creditNotes.get(id);
    if (!a || a.deletedMs !== null) throw new Error(`artefact ${id} not found`);
    return a;
  };
  const cents = (v: unknown, what: string) => {
    const c = parseMinor(v, 2);
    if (c === undefined) throw new Error(`${what}: "${String(v)}" is not an amount with at most 2 decimals`);
    return c;
  };
  type Kind = 'contact' | 'invoice' | 'credit_note' | 'payment' | 'allocation';
  const kindOf = (entity: string): Kind => {
    const k = entity.replace(/s$/, '').replace(/^sales_/, '').replace(/^contact_(payment|allocation)$/, '$1');
    if (k === 'contact' || k === 'customer') return 'contact';
    if (k === 'invoice' || k === 'credit_note' || k === 'payment' || k === 'allocation') return k;
    throw new Error(`unknown Sage entity "${entity}": expected contact, invoice, credit_note, payment or allocation`);
  };
  const table = (kind: Kind) =>
    (kind === 'contact' ? lead.contacts : kind === 'invoice' ? lead.invoices : kind === 'credit_note' ? lead.creditNotes : kind === 'payment' ? lead.payments : lead.allocations) as Map<string, { id: string; deletedMs: number | null; updatedMs: number; corrupt?: boolean }>;
  const render = (kind: Kind, rec: unknown): Json =>
    kind === 'contact' ? lead.renderContact(rec as ContactRec) : kind === 'invoice' || kind === 'credit_note' ? lead.renderArtefact(rec as ArtefactRec, { paymentsAllocations: true }) : kind === 'payment' ? lead.renderPayment(rec as PaymentRec) : lead.renderAllocation(rec as never);

  let numbers = { invoice: lead.invoices.size, credit: lead.creditNotes.size };
  const create = (kind: Kind, body: Json): Json => {
    const ms = now();
    if (kind === 'contact') return lead.renderContact(newContact(lead, { name: String(body['name'] ?? 'New customer'), email: typeof body['email'] === 'string' ? body['email'] : null, currency: body['currency'] === 'EUR' ? 'EUR' : 'GBP', createdMs: ms }));
    if (kind === 'invoice' || kind === 'credit_note') {
      const contact = contactOf(body['contact_id']);
      const lines = (Array.isArray(body['lines']) ? (body['lines'] as Json[]) : []).map((l) => lineOf(lead, String(l['description'] ?? ''), Number(l['quantity'] ?? 1), cents(l['unit_price'], 'unit_price'), (l['tax_rate_id'] as 'GB_STANDARD' | 'GB_ZERO' | 'GB_EXEMPT' | undefined) ?? 'GB_STANDARD'));
      if (!lines.length) throw new Error('lines are required');
      const date = typeof body['date'] === 'string' ? body['date'] : msToYmd(ms);
      const number = kind === 'invoice' ? `SI-${++numbers.invoice}` : `SCN-${++numbers.credit}`;
      const a = newArtefact(lead, { kind, contact, number: body['draft'] === true ? '' : number, date, dueDate: typeof body['due_date'] === 'string' ? body['due_date'] : addDays(date, contact.creditDays ?? 30), lines, createdMs: ms });
      a.draft = body['draft'] === true;
      return lead.renderArtefact(a);
    }
    if (kind === 'payment') {
      const parts = (Array.isArray(body['allocated_artefacts']) ? (body['allocated_artefacts'] as Json[]) : []).map((x) => ({ artefact: artefactOf(String(x['artefact_id'])), cents: cents(x['amount'], 'amount') }));
      for (const x of parts) if (x.artefact.kind !== 'invoice' || x.artefact.voidReason !== null || x.cents > lead.outstandingCents(x.artefact)) throw new Error(`${x.artefact.number} cannot take ${decimal(x.cents, 'GBP')}: Sage allocates receipts to what an invoice still owes`);
      const contact = parts[0]?.artefact.contact ?? contactOf(body['contact_id']);
      const total = body['total_amount'] !== undefined ? cents(body['total_amount'], 'total_amount') : parts.reduce((s, x) => s + x.cents, 0);
      const id = lead.newId();
      const p: PaymentRec = { kind: 'payment', id, createdMs: ms, updatedMs: ms, deletedMs: null, contact, date: typeof body['date'] === 'string' ? body['date'] : msToYmd(ms), reference: typeof body['reference'] === 'string' ? body['reference'] : `BACS ${contact.reference}`, currency: contact.currency, totalCents: total, allocated: parts.map((x) => ({ id: lead.newId(), ...x })) };
      lead.payments.set(id, p);
      lead.ledgerChanged();
      return lead.renderPayment(p);
    }
    const contact = contactOf(body['contact_id']);
    const lines = (Array.isArray(body['lines']) ? (body['lines'] as Json[]) : []).map((x) => ({ id: lead.newId(), artefact: (lead.payments.get(String(x['artefact_id'])) ?? artefactOf(String(x['artefact_id']))) as ArtefactRec | PaymentRec, cents: cents(x['amount'], 'amount') }));
    if (lines.reduce((s, l) => s + l.cents, 0) !== 0) throw new Error('a contact allocation sums to zero');
    const id = lead.newId();
    lead.allocations.set(id, { kind: 'allocation', id, createdMs: ms, updatedMs: ms, deletedMs: null, contact, date: msToYmd(ms), lines });
    lead.ledgerChanged();
    return lead.renderAllocation(lead.allocations.get(id)!);
  };

  const data: SageSimulator['data'] = {
    list: (entity) => [...table(kindOf(entity)).values()].filter((r) => r.deletedMs === null).map((r) => render(kindOf(entity), r)),
    get: (entity, id) => {
      const rec = table(kindOf(entity)).get(id);
      return rec && rec.deletedMs === null ? render(kindOf(entity), rec) : undefined;
    },
    count: (entity) => [...table(kindOf(entity)).values()].filter((r) => r.deletedMs === null).length,
    create: (entity, body) => create(kindOf(entity), body),
    update: (entity, id, patch) => {
      const kind = kindOf(entity);
      if (kind === 'contact') {
        const c = contactOf(id);
        if ('notes' in patch) c.notes = patch['notes'] === null ? null : String(patch['notes']);
        if (typeof patch['email'] === 'string') c.email = patch['email'];
        if (typeof patch['name'] === 'string') c.name = patch['name'];
        lead.touch(c);
        return lead.renderContact(c);
      }
      if (kind === 'invoice' || kind === 'credit_note') {
        const a = artefactOf(id);
        if (typeof patch['due_date'] === 'string') a.dueDate = patch['due_date'];
        if (typeof patch['sent'] === 'boolean') a.sent = patch['sent'];
        lead.touch(a);
        return lead.renderArtefact(a);
      }
      throw new Error('payments and allocations are deleted and made again, not edited');
    },
    remove: (entity, id) => {
      const kind = kindOf(entity);
      const rec = table(kind).get(id);
      if (!rec || rec.deletedMs !== null) throw new Error(`${entity} ${id} not found`);
      if (kind === 'contact' && [...lead.invoices.values(), ...lead.creditNotes.values(), ...lead.payments.values()].some((x) => x.contact === rec)) throw new Error(`contact ${id} has transactions: Sage deletes only contacts without any`);
      // Sage deletes drafts; a posted invoice or credit note is voided instead (reference B3.2).
      if ((kind === 'invoice' || kind === 'credit_note') && !(rec as ArtefactRec).draft) throw new Error(`${(rec as ArtefactRec).number} is posted: Sage voids it (DELETE with a void_reason) rather than deleting it`);
      rec.deletedMs = now();
      lead.touch(rec);
      // Payments and allocations come off the invoices they settled (the invoices' own updated_at is left alone: UNCONFIRMED whether Sage moves it).
      if (kind === 'payment' || kind === 'allocation') lead.ledgerChanged();
    },
    void: (entity, id) => {
      const kind = kindOf(entity);
      if (kind !== 'invoice' && kind !== 'credit_note') throw new Error('only invoices and credit notes are voided');
      const a = artefactOf(id);
      // DELETE /sales_invoices/{key} with a void_reason, once no payments or allocations remain (reference B3.2).
      if (lead.settledCents(a) > 0) throw new Error(`${a.number} has payments or allocations: Sage voids only once none remain`);
      a.voidReason = 'Voided by the user';
      lead.touch(a);
      return lead.renderArtefact(a);
    },
    business: store,
  };

  const sim: Omit<SageSimulator, 'scenario'> = {
    provider: 'sage',
    handlers,
    baseUrls,
    externalTenantId: DEFAULT_BUSINESS_ID,
    businessIds,
    clientId,
    clientSecret,
    webhookSecret: null,
    limits,
    data,
    oauth: { authorize: (p) => oauth.authorize({ ...p, scope: p.scope ?? 'full_access' }), expireAccessTokens: () => oauth.expireAccessTokens(), revokeAll: () => oauth.revokeAll() },
    faults: Object.assign(gate.faults.controls, {
      corrupt: (entity: string, id: string) => {
        const rec = table(kindOf(entity)).get(id);
        if (!rec) throw new Error(`${entity} ${id} not found`);
        rec.corrupt = true;
        lead.touch(rec);
      },
    }),
    stats: gate.stats,
    liftQuotas: () => liftQuotas(limits),
    resetRateLimits: () => gate.quotas.reset(),
    editNotesAfterRead(contactId, text) {
      const c = contactOf(contactId);
      afterRead.set(c.id, () => {
        c.notes = c.notes ? `${c.notes}\n${text}` : text;
        lead.touch(c);
      });
      return { kept: () => (c.notes ?? '').includes(text) };
    },
    snapshot: () => takeSnapshot('sage', DEFAULT_BUSINESS_ID, { businesses: toGraphJson([...businesses.values()].map((b) => ({ business: b.business, serial: b.serial, contacts: b.contacts, invoices: b.invoices, creditNotes: b.creditNotes, payments: b.payments, allocations: b.allocations }))), oauth: oauth.snapshot() }),
    restore(snapshot) {
      const snap = readSnapshot<{ businesses: unknown; oauth: OAuthSnapshot }>(snapshot, 'sage', DEFAULT_BUSINESS_ID);
      oauth.restore(snap.oauth);
      const saved = fromGraphJson<{ business: { id: string }; serial: number; contacts: BusinessStore['contacts']; invoices: BusinessStore['invoices']; creditNotes: BusinessStore['creditNotes']; payments: BusinessStore['payments']; allocations: BusinessStore['allocations'] }[]>(snap.businesses);
      for (const s of saved) {
        const b = businesses.get(s.business.id);
        if (!b) continue;
        Object.assign(b, { serial: s.serial, contacts: s.contacts, invoices: s.invoices, creditNotes: s.creditNotes, payments: s.payments, allocations: s.allocations });
        b.ledgerChanged();
      }
    },
  };
  return Object.assign(sim, { scenario: sageScenario(sim, lead) });
}

/** Served on one local port, every Sage host under one origin at its own path. */
export const simulator: SimulatorFactory<SageSimulator, SageSimulatorOptions> = defineSimulator(
  'sage',
  createSageSimulator,
  (origin) => ({ api: `${origin}/v3.1`, authorize: `${origin}/oauth2/auth/central`, token: `${origin}/token`, revoke: `${origin}/revoke` }),
  {
    // About one request a second (the connector's own pace, Sage publishing no limit): the suite's default company
    // (5,500 invoices) is some 60 requests, a minute; 3,000 invoices still leave most of the backfill after the first kill.
    resume: { customers: 60, invoices: 3000, payments: 600, creditNotes: 30 },
  },
);

export const startSimulatorServer = simulator.serve;

// ---- scenario: the provider-neutral operations the contract suite (test/contract) drives ------------------------

function sageScenario(sim: Omit<SageSimulator, 'scenario'>, store: BusinessStore): ProviderScenario {
  let made = 0;
  const live = <T extends { deletedMs: number | null }>(m: Map<string, T>) => [...m.values()].filter((r) => r.deletedMs === null);
  const ids = <T extends { id: string }>(rows: T[]) => rows.map((r) => r.id);
  const hooks = scenarioHooks(sim.baseUrls.api);
  sim.handlers.unshift(hooks.handler);
  const scenario: ProviderScenario = {
    receivables(entity) {
      if (entity === 'customer') return ids(live(store.contacts));
      if (entity === 'invoice') return ids(live(store.invoices));
      if (entity === 'credit_note') return ids(live(store.creditNotes));
      return ids(live(store.payments));
    },
    openInvoices: () => ids(live(store.invoices).filter((i) => i.voidReason === null && !i.draft && store.settledCents(i) === 0 && i.totalCents > 0)),
    invoice(id) {
      const i = store.invoices.get(id);
      if (!i || i.deletedMs !== null) return null;
      return { customerId: i.contact.id, total: decimal(i.totalCents, i.currency), amountDue: decimal(store.outstandingCents(i), i.currency), dueDate: i.dueDate, voided: i.voidReason !== null };
    },
    createInvoice: ({ customerId, total, dueDate }) =>
      String(sim.data.create('invoice', { contact_id: customerId, lines: [{ description: 'Scenario', quantity: 1, unit_price: total, tax_rate_id: 'GB_EXEMPT' }], ...(dueDate ? { due_date: dueDate } : {}) })['id']),
    updateInvoice(id, patch) {
      sim.data.update('invoice', id, patch.dueDate ? { due_date: patch.dueDate } : {});
    },
    voidInvoice: (id) => void sim.data.void('invoice', id),
    pay: (invoiceId, amount) => String(sim.data.create('payment', { allocated_artefacts: [{ artefact_id: invoiceId, amount }] })['id']),
    // Deleted records (contacts without transactions, drafts, payments) leave every list; `deleted_since` names them (reference B5).
    deletes: { customer: 'removed', invoice: 'removed', credit_note: 'removed', payment: 'removed' },
    deletable(entity) {
      made++;
      const customer = live(store.contacts)[0]!;
      if (entity === 'customer') return String(sim.data.create('contact', { name: `Scenario customer ${made}` })['id']);
      // Drafts are what Sage deletes (posted documents are voided).
      if (entity === 'invoice' || entity === 'credit_note') return String(sim.data.create(entity, { contact_id: customer.id, draft: true, lines: [{ description: `Scenario ${made}`, unit_price: '10.00' }] })['id']);
      return deletablePayment(scenario);
    },
    delete(entity, id) {
      sim.data.remove(entity === 'customer' ? 'contact' : entity, id);
    },
    corrupt(entity: ScenarioEntity, id) {
      sim.faults.corrupt(entity === 'customer' ? 'contact' : entity, id);
    },
    // The user adds a line to the customer's notes in Sage right after our read of the contact: the notes block
    // write-back must keep it (Sage has no version on contacts: the last write wins).
    editConcurrently(invoiceId) {
      const inv = store.invoices.get(invoiceId)!;
      return sim.editNotesAfterRead(inv.contact.id, 'Called 22/11: director on holiday until December.');
    },
    versionedWrites: false,
    // The audit trail: each attachment's name, description and text.
    writtenStatus: (invoiceId) => (store.invoices.get(invoiceId)?.attachments ?? []).filter((a) => a.deletedMs === null).map((a) => `${a.fileName}\n${a.description}\n${a.text}`).join('\n'),
    expireTokensAfter: (requests) => sim.faults.expireTokenAfter(requests),
    quota: () => ({ perMinute: sim.limits.perMinute, concurrent: sim.limits.concurrent }),
    // A single read of an invoice or credit note marks it as sent unless mark_as_sent=false (reference B8.4).
    untouchedByReads: () => [...store.invoices.values(), ...store.creditNotes.values()].map((a) => [a.id, a.sent]),
  };
  return scenario;
}
