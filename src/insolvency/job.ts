// The scheduled insolvency watch (#27) for one tenant: every connection's portfolio against the BODACC (SIRENs) and
// Companies House (UK company numbers; only with COMPANIES_HOUSE_API_KEY, else they are skipped and the result says
// so), a demo company against its simulated publishers (src/demo/insolvency.ts); then the claim reminders. Daily for
// the whole portfolio, and after a sync for the numbers never read yet.
import { daysBetween } from '../model/index.js';
import type { Alert } from '../model/collections.js';
import { alertKey } from '../rules/alerts.js';
import type { Sql } from '../store/db.js';
import { planActions, type PlannedOutboxItem } from '../store/outbox.js';
import { listConnections } from '../store/tenants.js';
import { demoSettingsOf } from '../demo/host.js';
import type { TaskRequest } from '../model/task.js';
import { BODACC_BASE, type Get } from './bodacc.js';
import { COMPANIES_HOUSE_BASE } from './companies-house.js';
import { addResults, emptyResult, watchConnection, type CompaniesHouseDeps, type WatchResult } from './watch.js';

/** Days before the claim declaration's deadline when the team is reminded (issue #27): each said once. */
export const CLAIM_REMINDER_DAYS = [30, 14, 3] as const;
const NEAREST_FIRST = [...CLAIM_REMINDER_DAYS].sort((a, b) => a - b);

export interface InsolvencyJobDeps {
  openTask: (req: TaskRequest) => Promise<void>;
  /** The publisher's base for real companies (BODACC_URL), default the DILA's open-data API. */
  base?: string;
  get?: Get;
  /** Companies House for real companies (COMPANIES_HOUSE_API_KEY, COMPANIES_HOUSE_URL); without a key UK numbers are skipped. */
  companiesHouse?: CompaniesHouseDeps;
  unchecked?: boolean;
  today: string;
  now?: Date;
}

export interface InsolvencyJobResult extends WatchResult {
  reminders: number;
}

export async function runInsolvencyJob(sql: Sql, tenantId: string, deps: InsolvencyJobDeps): Promise<InsolvencyJobResult> {
  let out: WatchResult = emptyResult();
  for (const c of await listConnections(sql, tenantId)) {
    if (c.status !== 'active') continue;
    const watch = { openTask: deps.openTask, unchecked: deps.unchecked ?? false, ...(deps.get ? { get: deps.get } : {}) };
    if (demoSettingsOf(c)) {
      // Loaded for demo companies only: the simulated publishers bring the simulators' HTTP layer (msw).
      const { serveDemoPublisher } = await import('../demo/insolvency.js');
      const publisher = await serveDemoPublisher(sql, tenantId, c.id);
      try {
        out = addResults(out, await watchConnection(sql, tenantId, c.id, { ...watch, base: publisher.base, companiesHouse: { ...publisher.companiesHouse, intervalMs: 0 } }));
      } finally {
        await publisher.close();
      }
    } else {
      const ch = deps.companiesHouse ?? {};
      out = addResults(out, await watchConnection(sql, tenantId, c.id, { ...watch, base: deps.base ?? BODACC_BASE, companiesHouse: { ...ch, base: ch.base ?? COMPANIES_HOUSE_BASE } }));
    }
  }
  const reminders = await remindClaimDeadlines(sql, tenantId, deps.today, deps.now ?? new Date());
  return { ...out, reminders };
}

/**
 * For each open claim-declaration task, the reminder of the nearest threshold passed (30, 14 or 3 days before its
 * deadline), planned as an alert once per task and threshold: a run missed on the day still reminds the day after,
 * and a task done or past its deadline is left alone (the worklist shows it overdue).
 */
export async function remindClaimDeadlines(sql: Sql, tenantId: string, today: string, now: Date): Promise<number> {
  const tasks = await sql<{ id: string; connection_id: string; customer_external_id: string; due_on: string; title: string; name: string | null; claim: string | null }[]>`
    select t.id::text, t.connection_id::text, t.customer_external_id, t.due_on::text, t.title, c.name, t.detail->>'claim' as claim from tasks t
    left join customers c on c.tenant_id = t.tenant_id and c.connection_id = t.connection_id and c.external_id = t.customer_external_id
    where t.tenant_id = ${tenantId} and t.kind = 'declare_claim' and t.state <> 'done' and t.due_on >= ${today}::date`;
  const items: PlannedOutboxItem[] = [];
  for (const t of tasks) {
    const left = daysBetween(today, t.due_on);
    const threshold = NEAREST_FIRST.find((d) => left <= d);
    if (threshold === undefined) continue;
    const alert: Alert = {
      key: alertKey(tenantId, 'claim_deadline', t.id, threshold),
      tenantId,
      kind: 'claim_deadline',
      severity: threshold <= 3 ? 'critical' : 'warning',
      raisedOn: today,
      customerExternalId: t.customer_external_id,
      invoiceExternalId: null,
      message: t.claim === 'proof_of_debt'
        // UK: no bar by this date (a choice of ours, effects.ts ukProofDue); the office-holder's notice of intended dividend sets the last date for proving.
        ? `Send the proof of debt against ${t.name ?? t.customer_external_id} to the office-holder by ${t.due_on} (${left} day(s) left). The last date for proving is the one in the office-holder's notice of intended dividend (Insolvency (England and Wales) Rules 2016, r14.29).`
        : `The claim against ${t.name ?? t.customer_external_id} must be declared to the mandataire by ${t.due_on} (${left} day(s) left; Code de commerce R622-24). Past that date the claim is barred from the proceedings.`,
      data: { task: t.id, deadline: t.due_on, daysLeft: left, threshold },
    };
    items.push({ idempotencyKey: alert.key, kind: 'alert', dueAt: now.toISOString(), payload: alert, connectionId: t.connection_id });
  }
  const planned = await planActions(sql, tenantId, items);
  return planned.length;
}
