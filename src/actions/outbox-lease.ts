// Outbox queries the executor needs beyond store/outbox.ts: due items with their connection, lease reclaim of stale `sending`, retry scheduling.
// Candidates to move into src/store/outbox.ts (kept here because that file belongs to the store's owner).
import type { Sql } from '../store/db.js';
import type { OutboxState } from '../store/outbox.js';

export interface DueItem {
  id: string;
  idempotencyKey: string;
  kind: string;
  state: OutboxState;
  attempts: number;
  payload: unknown;
  connectionId: string | null;
  result: unknown;
}

/**
 * Planned items due by `now`, and `sending` items whose lease (measured on the database clock, since it
 * is about a worker having died) has run out: those were claimed by a process that never finished.
 */
export async function dueItems(sql: Sql, tenantId: string, now: Date, leaseMs: number, limit: number): Promise<DueItem[]> {
  const rows = await sql<{ id: string; idempotency_key: string; kind: string; state: OutboxState; attempts: number; payload: unknown; connection_id: string | null; result: unknown }[]>`
    select id::text, idempotency_key, kind, state, attempts, payload, connection_id, result from outbox
    where tenant_id = ${tenantId}
      and ((state = 'planned' and due_at <= ${now})
        or (state = 'sending' and updated_at <= now() - make_interval(secs => ${leaseMs / 1000})))
    order by due_at, id limit ${limit}`;
  return rows.map((r) => ({ id: r.id, idempotencyKey: r.idempotency_key, kind: r.kind, state: r.state, attempts: r.attempts, payload: r.payload, connectionId: r.connection_id, result: r.result }));
}

/** Takes over a `sending` item whose lease ran out (compare-and-set on the lease); returns the new attempt count, or null if another worker got it. */
export async function reclaimStale(sql: Sql, tenantId: string, id: string, leaseMs: number): Promise<number | null> {
  const [row] = await sql<{ attempts: number }[]>`
    update outbox set updated_at = now(), attempts = attempts + 1
    where tenant_id = ${tenantId} and id = ${id} and state = 'sending'
      and updated_at <= now() - make_interval(secs => ${leaseMs / 1000})
    returning attempts`;
  return row ? row.attempts : null;
}

/** Puts a `sending` item back to `planned` for a later attempt. */
export async function retryLater(sql: Sql, tenantId: string, id: string, at: Date, error: string): Promise<boolean> {
  const res = await sql`
    update outbox set state = 'planned', due_at = ${at}, last_error = ${error}, updated_at = now()
    where tenant_id = ${tenantId} and id = ${id} and state = 'sending'`;
  return res.count === 1;
}

/** Finds an item by key (any state), e.g. to attach a late bounce to the reminder it belongs to. */
export async function itemByKey(sql: Sql, tenantId: string, key: string): Promise<DueItem | null> {
  const [r] = await sql<{ id: string; idempotency_key: string; kind: string; state: OutboxState; attempts: number; payload: unknown; connection_id: string | null; result: unknown }[]>`
    select id::text, idempotency_key, kind, state, attempts, payload, connection_id, result from outbox
    where tenant_id = ${tenantId} and idempotency_key = ${key}`;
  return r ? { id: r.id, idempotencyKey: r.idempotency_key, kind: r.kind, state: r.state, attempts: r.attempts, payload: r.payload, connectionId: r.connection_id, result: r.result } : null;
}
