// What was planned, sent, failed or cancelled (the outbox) and the activity log with its proofs; a planned action cancelled by a person.
import { policyFor } from '../collections/run.js';
import type { CancelWhy } from '../model/collections.js';
import { getLetter, listActivity } from '../store/activity.js';
import { cancelPlanned, plannedDunning } from '../store/cancel.js';
import { listDocuments } from '../store/documents.js';
import { listOutbox, type OutboxState } from '../store/outbox.js';
import type { Tenant } from '../store/tenants.js';
import type { AppDeps } from './deps.js';

/** The outbox (newest first, optionally in some states only) and the activity log. */
export async function activityLog(deps: AppDeps, tenantId: string, options: { states?: OutboxState[] | undefined; outboxLimit: number; logLimit: number }) {
  const [outbox, log] = await Promise.all([
    listOutbox(deps.sql, tenantId, { ...(options.states ? { states: options.states } : {}), limit: options.outboxLimit }),
    listActivity(deps.sql, tenantId, { limit: options.logLimit }),
  ]);
  return { outbox, log };
}

/**
 * The activity page's reading: the log and outbox, with the customers (for their names), the invoices the log
 * mentions (for their numbers: never the provider's id) and the policy (for its steps' names).
 */
export async function activityPage(deps: AppDeps, tenant: Tenant, states: OutboxState[] | undefined) {
  const [{ outbox, log }, customers, policy] = await Promise.all([activityLog(deps, tenant.id, { states, outboxLimit: 300, logLimit: 200 }), listDocuments(deps.sql, tenant.id, 'customer'), policyFor(deps.sql, tenant)]);
  const mentioned = [...new Set(log.flatMap((a) => a.invoiceExternalIds))];
  const invoices = mentioned.length ? await listDocuments(deps.sql, tenant.id, 'invoice', { externalIds: mentioned }) : [];
  return { outbox, log, customers, invoices, policy };
}

/** A generated letter as stored, with its sha256 (the proof of what was posted); null when the tenant has none by that key. */
export const storedLetter = (deps: AppDeps, tenantId: string, actionKey: string) => getLetter(deps.sql, tenantId, actionKey);

/** A person cancels a planned dunning action, saying why: it is never sent. False when it was not planned (any more). */
export async function cancelPlannedAction(deps: AppDeps, tenantId: string, outboxId: string, by: string, note: string): Promise<boolean> {
  const [row] = await plannedDunning(deps.sql, tenantId, { ids: [outboxId] });
  if (!row) return false;
  const why: CancelWhy = { code: 'user', by, note };
  const done = await cancelPlanned(deps.sql, tenantId, [row], why, `cancelled by ${by}: ${note}`, by);
  return done.length > 0;
}
