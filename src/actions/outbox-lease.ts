// Outbox queries the executor needs beyond store/outbox.ts: due items with their connection, the claim that honours the sending switch, lease reclaim of stale `sending`, retry scheduling.
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
  /** Why the previous attempt did not finish (a retry, a held letter), when there was one. */
  lastError?: string | null;
}

/**
 * Whether a `planned` item of `outbox` may start: its connection's sending switch is on (src/store/sending.ts).
 * Off, nothing reaches a customer or the ERP (email, letter, task, write-back): the item stays `planned`, neither
 * cancelled nor failed, and goes out once sending is turned on. Two exceptions:
 * - kind 'alert' (rule alerts: a broken promise, a missing reference rate) goes to the company's own team, never to a
 *   customer or the ERP, and is what tells them something needs a look while they review: it keeps flowing;
 * - an item with no connection (planned before outbox items carried one) has no switch anyone could turn on, so
 *   holding it would hold it for ever; the rules engine always plans with the connection.
 */
export const mayStart = (sql: Sql) => sql`(o.kind = 'alert' or o.connection_id is null
  or exists (select 1 from connections c where c.tenant_id = o.tenant_id and c.id = o.connection_id and c.sending_enabled))`;

/**
 * Planned items due by `now` whose connection may send, and `sending` items whose lease (measured on the database
 * clock, since it is about a worker having died) has run out: those were claimed by a process that never finished,
 * so they are in flight and finish even when sending was turned off meanwhile.
 */
export async function dueItems(sql: Sql, tenantId: string, now: Date, leaseMs: number, limit: number): Promise<DueItem[]> {
  const rows = await sql<{ id: string; idempotency_key: string; kind: string; state: OutboxState; attempts: number; payload: unknown; connection_id: string | null; result: unknown; last_error: string | null }[]>`
    select o.id::text, o.idempotency_key, o.kind, o.state, o.attempts, o.payload, o.connection_id, o.result, o.last_error from outbox o
    where o.tenant_id = ${tenantId}
      and ((o.state = 'planned' and o.due_at <= ${now} and ${mayStart(sql)})
        or (o.state = 'sending' and o.updated_at <= now() - make_interval(secs => ${leaseMs / 1000})))
    order by o.due_at, o.id limit ${limit}`;
  return rows.map((r) => ({ id: r.id, idempotencyKey: r.idempotency_key, kind: r.kind, state: r.state, attempts: r.attempts, payload: r.payload, connectionId: r.connection_id, result: r.result, lastError: r.last_error }));
}

/**
 * Claims a `planned` item (planned → sending, compare-and-set) only if its connection may still send: the switch is
 * read in the same statement as the claim, so once turning sending off has committed no item starts, even one read
 * by `dueItems` just before. Returns the attempt number it claimed, or null when another worker got it or sending is off.
 */
export async function claimPlanned(sql: Sql, tenantId: string, id: string): Promise<number | null> {
  const [row] = await sql<{ attempts: number }[]>`
    update outbox o set state = 'sending', updated_at = now(), attempts = o.attempts + 1, last_error = null
    where o.tenant_id = ${tenantId} and o.id = ${id} and o.state = 'planned' and ${mayStart(sql)}
    returning o.attempts`;
  return row ? row.attempts : null;
}

/**
 * `planned` items held because their connection's sending is off, per connection: `due` are due by `now` (they would
 * go out at once if it were on), `planned` counts every held item whatever its date. For the executor's log and the pages.
 */
export async function heldItems(sql: Sql, tenantId: string, now: Date): Promise<{ connectionId: string; due: number; planned: number }[]> {
  const rows = await sql<{ connection_id: string; due: number; planned: number }[]>`
    select o.connection_id::text, (count(*) filter (where o.due_at <= ${now}))::int as due, count(*)::int as planned from outbox o
    where o.tenant_id = ${tenantId} and o.state = 'planned' and not ${mayStart(sql)}
    group by o.connection_id order by o.connection_id`;
  return rows.map((r) => ({ connectionId: r.connection_id, due: r.due, planned: r.planned }));
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

/**
 * Renews the lease of attempt `attempt` on a `sending` item while its worker runs it: an action slower than the lease
 * (a provider pacing one request a second, a paused quota, a slow mail server) is not taken over by another worker
 * while its own is alive, which would run it twice. A no-op once the item left `sending` or another attempt took it.
 */
export async function renewLease(sql: Sql, tenantId: string, id: string, attempt: number): Promise<boolean> {
  const res = await sql`
    update outbox set updated_at = now()
    where tenant_id = ${tenantId} and id = ${id} and state = 'sending' and attempts = ${attempt}`;
  return res.count === 1;
}

/**
 * Notes on a `sending` item, just before its message goes to the server, that attempt `attempt` is handing it over
 * (and renews the lease): a worker that later takes the item over knows the message may have gone out. False when
 * the item is no longer this attempt's (its lease ran out and another worker took it over): it must not be sent.
 */
export async function markSubmitting(sql: Sql, tenantId: string, id: string, attempt: number, messageId: string): Promise<boolean> {
  const res = await sql`
    update outbox set result = ${JSON.stringify({ submitting: attempt, messageId })}::text::jsonb, updated_at = now()
    where tenant_id = ${tenantId} and id = ${id} and state = 'sending' and attempts = ${attempt}`;
  return res.count === 1;
}

/**
 * Withdraws attempt `attempt`'s hand-over note once the mail server has answered with a refusal (any non-2xx reply,
 * at any stage, the end of the message included): the server did not take the message, so nothing is in doubt.
 */
export async function clearSubmitting(sql: Sql, tenantId: string, id: string, attempt: number): Promise<void> {
  await sql`
    update outbox set result = null
    where tenant_id = ${tenantId} and id = ${id} and state = 'sending' and attempts = ${attempt} and result ? 'submitting'`;
}

/** Whether an earlier attempt on this item reached the point of handing its message to the server (markSubmitting). */
export function submittedBefore(item: Pick<DueItem, 'result'>): boolean {
  const r = item.result as { submitting?: unknown } | null;
  return r !== null && typeof r === 'object' && typeof r.submitting === 'number';
}

/**
 * Puts attempt `attempt`'s `sending` item back to `planned` for a later attempt. An attempt whose lease ran out and
 * whose item another worker took over (attempt + 1, maybe handing its message over right now) changes nothing: put
 * back to `planned`, the item would be claimed and sent a third time.
 */
export async function retryLater(sql: Sql, tenantId: string, id: string, attempt: number, at: Date, error: string): Promise<boolean> {
  const res = await sql`
    update outbox set state = 'planned', due_at = ${at}, last_error = ${error}, updated_at = now()
    where tenant_id = ${tenantId} and id = ${id} and state = 'sending' and attempts = ${attempt}`;
  return res.count === 1;
}

/** Finds an item by key (any state), e.g. to attach a late bounce to the reminder it belongs to. */
export async function itemByKey(sql: Sql, tenantId: string, key: string): Promise<DueItem | null> {
  const [r] = await sql<{ id: string; idempotency_key: string; kind: string; state: OutboxState; attempts: number; payload: unknown; connection_id: string | null; result: unknown }[]>`
    select id::text, idempotency_key, kind, state, attempts, payload, connection_id, result from outbox
    where tenant_id = ${tenantId} and idempotency_key = ${key}`;
  return r ? { id: r.id, idempotencyKey: r.idempotency_key, kind: r.kind, state: r.state, attempts: r.attempts, payload: r.payload, connectionId: r.connection_id, result: r.result } : null;
}
