// The preview: the next 30 days of planned actions of one connection, from the real policy and synced facts, grouped by
// the day each message goes out, with what is already in the outbox, the letters the executor would hold, and the
// sending switch beside them.
import { companyFromProfile, letterGaps, type Gap } from '../actions/letterhead.js';
import { policyFor, previewConnection } from '../collections/run.js';
import type { PlannedAction } from '../model/collections.js';
import { dateInZone, type Customer } from '../model/index.js';
import type { Policy } from '../rules/policy.js';
import type { PreviewDay } from '../rules/preview.js';
import { getCompanyProfile } from '../store/company-profiles.js';
import { listDocuments } from '../store/documents.js';
import { getSending } from '../store/sending.js';
import type { Connection, Tenant } from '../store/tenants.js';
import { nowOf, type AppDeps } from './deps.js';
import { sendingOff, type SendingOff } from './sending.js';

/** One connection's planned actions for the next `days` days, with their reasons, as the API serves them. */
export const connectionPreview = (deps: AppDeps, tenantId: string, connectionId: string, days: number) => previewConnection(deps.sql, tenantId, connectionId, days, nowOf(deps), deps.addedRates);

export interface PlanDay {
  date: string;
  actions: PlannedAction[];
  held: PreviewDay['held'];
}

export interface Preview {
  days: PlanDay[];
  /** Idempotency keys of the actions already in the outbox (planned before today). */
  queued: Set<string>;
  /** Customer names by external id. */
  names: Map<string, string>;
  /** Invoice numbers by external id (read only when something is held). */
  invoiceNumbers: Map<string, string>;
  /** What a letter would be held for (company profile incomplete, no debtor address); empty: it goes. */
  heldFor(a: PlannedAction): Gap[];
  sending: Awaited<ReturnType<typeof getSending>>;
  /** The connection's sending off, with what waits (empty when it is on or there is no connection). */
  off: SendingOff[];
  total: number;
  policy: Policy;
  stepNames: Map<string, string>;
}

export async function previewPlan(deps: AppDeps, tenant: Tenant, chosen: Connection | null): Promise<Preview> {
  const result = chosen ? await previewConnection(deps.sql, tenant.id, chosen.id, 30, nowOf(deps), deps.addedRates) : null;
  const names = new Map<string, string>();
  const customers = new Map<string, Customer>();
  if (chosen) {
    for (const d of await listDocuments(deps.sql, tenant.id, 'customer', { connectionId: chosen.id })) {
      names.set(d.record.externalId, d.record.name);
      customers.set(d.record.externalId, d.record);
    }
  }
  // Letters the executor would hold (company profile incomplete, no debtor address): said on the action, not found out on sending.
  const company = companyFromProfile(await getCompanyProfile(deps.sql, tenant.id), tenant.name);
  const heldFor = (a: PlannedAction): Gap[] => letterGaps(a, company, customers.get(a.customerExternalId) ?? { address: null });
  // By the day each message goes out (a Saturday's plan leaves on Monday, inside the send window), as the customer
  // receives it; what waits stays on the day it was decided.
  const byDay = new Map<string, PlanDay>();
  const dayOf = (date: string) => byDay.get(date) ?? byDay.set(date, { date, actions: [], held: [] }).get(date)!;
  // Already in the outbox (planned before today, waiting for sending or its window): listed first, and marked.
  const queued = new Set<string>();
  for (const d of result?.days ?? []) {
    for (const a of d.alreadyPlanned ?? []) {
      dayOf(d.date).actions.push(a);
      queued.add(a.idempotencyKey);
    }
  }
  for (const d of result?.days ?? []) {
    for (const a of d.actions) dayOf(a.notBefore ? dateInZone(a.notBefore, tenant.timeZone) : d.date).actions.push(a);
    if (d.held.length) dayOf(d.date).held.push(...d.held);
  }
  const days = [...byDay.values()].sort((a, b) => a.date.localeCompare(b.date));
  const sending = chosen ? await getSending(deps.sql, tenant.id, chosen.id) : null;
  const off = chosen && sending && !sending.enabled ? (await sendingOff(deps, tenant.id, nowOf(deps))).filter((o) => o.connection.id === chosen.id) : [];
  const total = days.reduce((n, d) => n + d.actions.length, 0);
  // Steps by the names the policy gives them ("Relance 1"), not their ids.
  const policy = await policyFor(deps.sql, tenant);
  const stepNames = new Map(policy.steps.map((s) => [s.id, s.name || s.id]));
  const invoiceNumbers = new Map<string, string>();
  if (days.some((d) => d.held.length)) for (const d of await listDocuments(deps.sql, tenant.id, 'invoice', { connectionId: chosen!.id })) invoiceNumbers.set(d.record.externalId, d.record.number ?? d.record.externalId);
  return { days, queued, names, invoiceNumbers, heldFor, sending, off, total, policy, stepNames };
}
