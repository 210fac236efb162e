// Cancels planned actions for a reason other than their invoice changing (a pause opened after planning, a person, a
// policy change), with the reason as data (`why`) for the pages and a plain sentence for logs, in one transaction per
// call. Only `planned` rows move (compare-and-set): an action already being sent is the executor's to settle, and it
// checks pauses again before it sends (actions/executor.ts).
import type { CancelWhy, PlannedAction } from '../model/collections.js';
import { DUNNING_CHANNELS } from '../rules/evaluate.js';
import { recordActivities } from './activity.js';
import type { Sql } from './db.js';

export interface PlannedRow {
  id: string;
  key: string;
  kind: string;
  dueAt: Date;
  connectionId: string | null;
  action: PlannedAction;
}

/** Planned dunning actions (email, letter, call, hand-off) of a connection, optionally for one customer or by id. */
export async function plannedDunning(db: Sql, tenantId: string, filter: { connectionId?: string | null; customerExternalId?: string; ids?: readonly string[] }): Promise<PlannedRow[]> {
  const rows = await db<{ id: string; idempotency_key: string; kind: string; due_at: Date; connection_id: string | null; payload: PlannedAction }[]>`
    select id::text, idempotency_key, kind, due_at, connection_id, payload from outbox
    where tenant_id = ${tenantId} and state = 'planned' and kind = any(${[...DUNNING_CHANNELS]}::text[])
      and (${filter.connectionId ?? null}::uuid is null or connection_id = ${filter.connectionId ?? null}::uuid)
      and (${filter.customerExternalId ?? null}::text is null or payload->>'customerExternalId' = ${filter.customerExternalId ?? null})
      and (${filter.ids ? [...filter.ids] : null}::bigint[] is null or id = any(${filter.ids ? [...filter.ids] : null}::bigint[]))
    order by due_at, id`;
  return rows.map((r) => ({ id: r.id, key: r.idempotency_key, kind: r.kind, dueAt: r.due_at, connectionId: r.connection_id, action: r.payload }));
}

/** Cancels the given planned rows still `planned`, each with the same why; returns the rows actually cancelled. */
export async function cancelPlanned(db: Sql, tenantId: string, rows: readonly PlannedRow[], why: CancelWhy, reason: string, actor: string | null): Promise<PlannedRow[]> {
  if (rows.length === 0) return [];
  const done = await db<{ id: string }[]>`
    update outbox set state = 'cancelled', updated_at = now(), last_error = ${reason},
      result = ${JSON.stringify({ cancelled: reason, why })}::text::jsonb
    where tenant_id = ${tenantId} and state = 'planned' and id = any(${rows.map((r) => r.id)}::bigint[])
    returning id::text`;
  const ids = new Set(done.map((d) => d.id));
  const cancelled = rows.filter((r) => ids.has(r.id));
  await recordActivities(
    db,
    tenantId,
    cancelled.map((r) => ({
      connectionId: r.connectionId,
      actionKey: r.key,
      kind: 'cancelled' as const,
      channel: r.kind,
      customerExternalId: r.action.customerExternalId,
      invoiceExternalIds: [...new Set((r.action.invoices ?? []).map((l) => l.instalmentOf ?? l.externalId))],
      reason,
      why,
      actor,
    })),
  );
  return cancelled;
}
