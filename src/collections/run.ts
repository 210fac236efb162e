// The imperative shell around the pure rules engine: load a connection's facts, evaluate, write planned actions and alerts to the outbox.
import { localTimeToInstant } from '../rules/business-calendar.js';
import { dateInZone, type CreditNote, type Customer, type Invoice, type Payment } from '../model/index.js';
import { computeAlerts, rateMissingAlerts } from '../rules/alerts.js';
import { RATE_NAMES } from '../rates/publishers.js';
import { missingRates, ratesUsedBy } from '../rates/staleness.js';
import { rateBookFor } from '../demo/rates.js';
import { FRENCH_B2B_POLICY, UK_POLICY } from '../rules/default-policies.js';
import { DUNNING_CHANNELS, evaluateDay, isPreDue, untimely, type EvaluateInput, type Held } from '../rules/evaluate.js';
import { PlannedAction as PlannedActionSchema } from '../model/collections.js';
import { parsePolicy, type Policy } from '../rules/policy.js';
import { NO_ADDED_RATES, type AddedRates } from '../rules/rate-tables.js';
import { preview, type PreviewDay } from '../rules/preview.js';
import type { Sql } from '../store/db.js';
import { listDocuments } from '../store/documents.js';
import { listOutbox, planActions, type PlannedOutboxItem } from '../store/outbox.js';
import { stepHistory } from '../store/step-history.js';
import { closePause, listPauses } from '../store/pauses.js';
import { activePolicy } from '../store/policies.js';
import { getConnection, getTenant, type Connection, type Tenant } from '../store/tenants.js';

export interface Facts {
  tenant: Tenant;
  connection: Connection;
  policy: Policy;
  customers: Customer[];
  invoices: Invoice[];
  creditNotes: CreditNote[];
  payments: Payment[];
}

/** The tenant's active policy, else the shipped default for its locale (French B2B for fr, UK otherwise). */
export async function policyFor(sql: Sql, tenant: Tenant): Promise<Policy> {
  const stored = await activePolicy(sql, tenant.id);
  if (stored) return parsePolicy(stored.document);
  return tenant.locale === 'fr' ? FRENCH_B2B_POLICY : UK_POLICY;
}

/** Scope of keys and alerts: a tenant may connect two companies whose ids collide. */
export const evaluationScope = (tenantId: string, connectionId: string) => `${tenantId}/${connectionId}`;

export async function loadFacts(sql: Sql, tenantId: string, connectionId: string): Promise<Facts> {
  const [tenant, connection] = await Promise.all([getTenant(sql, tenantId), getConnection(sql, tenantId, connectionId)]);
  if (!tenant || !connection) throw new Error(`Connection ${connectionId} does not exist for tenant ${tenantId}.`);
  const filter = { connectionId };
  const [customers, invoices, creditNotes, payments, policy] = await Promise.all([
    listDocuments(sql, tenantId, 'customer', filter),
    listDocuments(sql, tenantId, 'invoice', filter),
    listDocuments(sql, tenantId, 'credit_note', filter),
    listDocuments(sql, tenantId, 'payment', filter),
    policyFor(sql, tenant),
  ]);
  return {
    tenant,
    connection,
    policy,
    customers: customers.map((d) => d.record),
    invoices: invoices.map((d) => d.record),
    creditNotes: creditNotes.map((d) => d.record),
    payments: payments.map((d) => d.record),
  };
}

async function evaluationInput(sql: Sql, facts: Facts, today: string, added: AddedRates): Promise<EvaluateInput> {
  const pauses = await listPauses(sql, facts.tenant.id, { connectionId: facts.connection.id, states: ['active'] });
  // What became of earlier steps: escalation waits for its predecessor's delivery, a cancelled step is planned again.
  const preDue = new Set(facts.policy.steps.filter((s) => isPreDue(facts.policy, { stepId: s.id })).map((s) => s.id));
  const outbox = await stepHistory(sql, facts.tenant.id, facts.connection.id, facts.tenant.timeZone, today, preDue);
  return {
    tenantId: evaluationScope(facts.tenant.id, facts.connection.id),
    today,
    timeZone: facts.tenant.timeZone,
    policy: facts.policy,
    customers: facts.customers,
    invoices: facts.invoices,
    creditNotes: facts.creditNotes,
    payments: facts.payments,
    pauses,
    alreadyPlanned: outbox.planned,
    history: outbox.history,
    revisions: outbox.revisions,
    load: outbox.load,
    lastContact: outbox.lastContact,
    // Passed as a value: the engine reads the fetched rates after RATES_FILE and before the shipped table; a demo
    // company also reads the simulated publishers' rates where no real source knows one (src/demo/rates.ts).
    rates: await rateBookFor(sql, facts.connection, today, added),
  };
}

export interface RunResult {
  today: string;
  planned: number;
  alerts: number;
  /** Keys newly written to the outbox (a re-run of the same day writes none). */
  keys: string[];
  /** What could have been planned and waits, with the reason (a step not sent yet, a deadline, the daily cap). */
  held: Held[];
  closedPauses: number;
}

/**
 * Whether a synced fact of the connection changed since its last evaluation started (or it was never evaluated). A
 * sync wakes the evaluation when it changed something; a worker that died between storing the changes and that
 * wake-up leaves the next sync nothing to change, and this is how that sync knows the evaluation is still owed.
 */
export async function factsChangedSinceEvaluation(sql: Sql, tenantId: string, connectionId: string): Promise<boolean> {
  const [row] = await sql<{ changed: boolean }[]>`
    with last as (select coalesce(max(started_at), '-infinity'::timestamptz) as at from evaluation_runs where tenant_id = ${tenantId} and connection_id = ${connectionId})
    select exists (select 1 from invoices d, last where d.tenant_id = ${tenantId} and d.connection_id = ${connectionId} and d.changed_at >= last.at)
      or exists (select 1 from customers d, last where d.tenant_id = ${tenantId} and d.connection_id = ${connectionId} and d.changed_at >= last.at)
      or exists (select 1 from payments d, last where d.tenant_id = ${tenantId} and d.connection_id = ${connectionId} and d.changed_at >= last.at)
      or exists (select 1 from credit_notes d, last where d.tenant_id = ${tenantId} and d.connection_id = ${connectionId} and d.changed_at >= last.at) as changed`;
  return row?.changed ?? false;
}

/** One evaluation of a connection for the tenant's business day: idempotent, so running it twice plans nothing new. */
/** `added`: the operator's RATES_FILE (src/rules/rate-overrides.ts), parsed once at start and passed down. */
export async function runEvaluation(sql: Sql, tenantId: string, connectionId: string, now: Date = new Date(), added: AddedRates = NO_ADDED_RATES): Promise<RunResult> {
  // On the database's clock, the one that stamps changed facts (factsChangedSinceEvaluation compares the two).
  const [{ started }] = (await sql<{ started: Date }[]>`select now() as started`) as unknown as [{ started: Date }];
  const facts = await loadFacts(sql, tenantId, connectionId);
  const today = dateInZone(now, facts.tenant.timeZone);
  const input = await evaluationInput(sql, facts, today, added);
  const { actions, held } = await evaluateDay(input);
  const alerts = computeAlerts({ tenantId: input.tenantId, today, customers: facts.customers, invoices: facts.invoices, pauses: input.pauses ?? [] });
  // Only when a step's penalties actually wait; keyed by the tenant (not the connection or invoice): once per period.
  if (actions.some((a) => a.penalties.some((p) => p.error !== null))) {
    const used = ratesUsedBy(facts.policy);
    const missing = missingRates(input.rates ?? {}, today).filter((m) => used.includes(m.kind));
    alerts.push(...rateMissingAlerts(tenantId, today, missing.map((m) => ({ ...m, name: RATE_NAMES[m.kind] }))));
  }
  const items: PlannedOutboxItem[] = [
    ...actions.map((a) => ({
      idempotencyKey: a.idempotencyKey,
      kind: a.channel,
      // Due from the start of its day where the company is: the tenant's midnight, not UTC's (an hour early or late
      // otherwise, and a day early for a company west of Greenwich in its evening).
      dueAt: a.notBefore ?? localTimeToInstant(a.dueOn, 0, facts.tenant.timeZone),
      payload: a,
      covers: a.covers,
      connectionId,
    })),
    ...alerts.map((a) => ({ idempotencyKey: a.key, kind: 'alert', dueAt: now.toISOString(), payload: a, connectionId })),
  ];
  // A stable order (due time, then key) so executors work through a day's actions the same way every run.
  items.sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.idempotencyKey.localeCompare(b.idempotencyKey));
  const keys = await planActions(sql, tenantId, items);
  // Promises whose date has passed end here: broken if the invoice is still open (the evaluator has planned the alert), kept otherwise.
  let closedPauses = 0;
  const openIds = new Set(facts.invoices.filter((i) => i.status === 'open' || i.status === 'partially_paid').map((i) => i.externalId));
  for (const p of input.pauses ?? []) {
    if (!p.expiresOn || p.expiresOn >= today) continue;
    const state = p.kind !== 'promise' ? 'expired' : p.invoiceExternalId && !openIds.has(p.invoiceExternalId) ? 'resolved' : 'broken';
    if (await closePause(sql, tenantId, p.id, state, 'relance', `${state} on ${today}`)) closedPauses++;
  }
  await sql`
    insert into evaluation_runs (tenant_id, connection_id, run_on, started_at, planned, alerts)
    values (${tenantId}, ${connectionId}, ${today}, ${started}, ${actions.length}, ${alerts.length})
    on conflict (tenant_id, connection_id, run_on) do update set started_at = excluded.started_at, finished_at = now(), planned = evaluation_runs.planned + excluded.planned, alerts = evaluation_runs.alerts + excluded.alerts`;
  return { today, planned: actions.length, alerts: alerts.length, keys, held, closedPauses };
}

/** What would be planned over the next `days` days, with reasons: no side effects. */
export async function previewConnection(sql: Sql, tenantId: string, connectionId: string, days: number, now: Date = new Date(), added: AddedRates = NO_ADDED_RATES): Promise<{ today: string; days: PreviewDay[] }> {
  const facts = await loadFacts(sql, tenantId, connectionId);
  const today = dateInZone(now, facts.tenant.timeZone);
  const out = await preview({ ...(await evaluationInput(sql, facts, today, added)), days });
  // What the outbox already holds for customers goes out first: shown on its send day, today at the earliest, so the
  // preview a user reviews before switching sending on lists everything that would leave.
  const waiting = await listOutbox(sql, tenantId, { connectionId, states: ['planned', 'sending'], limit: 100_000 });
  const byDate = new Map(out.map((d) => [d.date, d]));
  for (const item of waiting) {
    const parsed = PlannedActionSchema.safeParse(item.payload);
    // What the executor would cancel on sending (a courtesy note past its due date) is not shown as leaving.
    if (!parsed.success || !DUNNING_CHANNELS.has(parsed.data.channel) || untimely(parsed.data, today)) continue;
    const due = dateInZone(item.dueAt, facts.tenant.timeZone);
    const date = due < today ? today : due;
    let day = byDate.get(date);
    if (!day) byDate.set(date, (day = { date, actions: [], held: [] }));
    (day.alreadyPlanned ??= []).push(parsed.data);
  }
  return { today, days: [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date)) };
}
