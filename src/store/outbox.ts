// Planned actions keyed by idempotency key, and their state machine planned → sending → sent | failed | cancelled.
import type { Sql } from './db.js';

export type OutboxState = 'planned' | 'sending' | 'sent' | 'failed' | 'cancelled';

export interface PlannedOutboxItem {
  idempotencyKey: string;
  kind: string;
  dueAt: string;
  payload: unknown;
  /** Per-invoice step keys a grouped action stands for: planned too, so never planned again on their own. */
  covers?: readonly string[];
  connectionId?: string | null;
}

export interface OutboxItem extends PlannedOutboxItem {
  id: string;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  result: unknown;
}

/** Plans actions; an idempotency key already present is ignored. Returns the keys that were new. */
export async function planActions(sql: Sql, tenantId: string, items: readonly PlannedOutboxItem[]): Promise<string[]> {
  if (items.length === 0) return [];
  const payload = JSON.stringify(
    items.map((i) => ({ idempotency_key: i.idempotencyKey, kind: i.kind, due_at: i.dueAt, payload: i.payload, covers: i.covers ?? [], connection_id: i.connectionId ?? null })),
  );
  const rows = await sql<{ idempotency_key: string }[]>`
    insert into outbox (tenant_id, idempotency_key, kind, due_at, payload, covers, connection_id)
    select ${tenantId}::uuid, e.v->>'idempotency_key', e.v->>'kind', (e.v->>'due_at')::timestamptz, e.v->'payload',
      array(select jsonb_array_elements_text(e.v->'covers')), (e.v->>'connection_id')::uuid
    from jsonb_array_elements(${payload}::text::jsonb) with ordinality as e(v, ord)
    -- ids follow the order given, so executors work through the items in that order
    order by e.ord
    on conflict (tenant_id, idempotency_key) do nothing
    returning idempotency_key`;
  return rows.map((r) => r.idempotency_key);
}

/**
 * Moves one action between states only from the expected state (compare-and-set), so two workers can
 * never both move it to `sending`. Returns false when it was not in `from`.
 */
export async function transition(
  sql: Sql,
  tenantId: string,
  id: string,
  from: OutboxState,
  to: OutboxState,
  extra: { error?: string; result?: unknown; attempt?: number } = {},
): Promise<boolean> {
  const res = await sql`
    update outbox set state = ${to}, updated_at = now(),
      attempts = attempts + ${to === 'sending' ? 1 : 0},
      last_error = ${extra.error ?? null},
      result = coalesce(${extra.result === undefined ? null : JSON.stringify(extra.result)}::text::jsonb, result)
    where tenant_id = ${tenantId} and id = ${id} and state = ${from}
      and (${extra.attempt ?? null}::int is null or attempts = ${extra.attempt ?? null}::int)`;
  return res.count === 1;
}

export async function listOutbox(sql: Sql, tenantId: string, opts: { states?: OutboxState[]; dueBefore?: Date; limit?: number; connectionId?: string } = {}): Promise<OutboxItem[]> {
  const rows = await sql<{ id: string; idempotency_key: string; kind: string; due_at: Date; payload: unknown; state: OutboxState; attempts: number; last_error: string | null; result: unknown }[]>`
    select id::text, idempotency_key, kind, due_at, payload, state, attempts, last_error, result from outbox
    where tenant_id = ${tenantId}
      and (${opts.connectionId ?? null}::uuid is null or connection_id = ${opts.connectionId ?? null}::uuid)
      and (${opts.states ?? null}::text[] is null or state = any(${opts.states ?? null}::text[]))
      and (${opts.dueBefore ?? null}::timestamptz is null or due_at <= ${opts.dueBefore ?? null}::timestamptz)
    order by due_at, id limit ${opts.limit ?? 1000}`;
  return rows.map((r) => ({ id: r.id, idempotencyKey: r.idempotency_key, kind: r.kind, dueAt: r.due_at.toISOString(), payload: r.payload, state: r.state, attempts: r.attempts, lastError: r.last_error, result: r.result }));
}

export interface SentReminder {
  key: string;
  /** email or letter. */
  kind: string;
  templateId: string | null;
  /** When the executor recorded it sent. */
  sentAt: Date;
  /** A letter sent by registered post (the executor's proof says so). */
  registered: boolean;
  /** The invoices it named, of those asked about. */
  invoiceExternalIds: string[];
}

/**
 * The e-mails and letters sent to a customer that name any of `invoiceExternalIds` (an instalment counts for its
 * invoice), oldest first: the reminders a claim can enclose as proof. One connection, one tenant.
 */
export async function sentReminders(sql: Sql, tenantId: string, connectionId: string, customerExternalId: string, invoiceExternalIds: readonly string[]): Promise<SentReminder[]> {
  if (invoiceExternalIds.length === 0) return [];
  const ids = [...invoiceExternalIds];
  const rows = await sql<{ idempotency_key: string; kind: string; template_id: string | null; updated_at: Date; registered: boolean | null; invoices: string[] }[]>`
    select o.idempotency_key, o.kind, o.payload->>'templateId' as template_id, o.updated_at, (o.result->>'registered')::boolean as registered,
      array(select distinct coalesce(e->>'instalmentOf', e->>'externalId') from jsonb_array_elements(coalesce(o.payload->'invoices', '[]'::jsonb)) e
            where coalesce(e->>'instalmentOf', e->>'externalId') = any(${ids}::text[]) order by 1) as invoices
    from outbox o
    where o.tenant_id = ${tenantId} and o.connection_id = ${connectionId} and o.state = 'sent' and o.kind in ('email', 'letter')
      and o.payload->>'customerExternalId' = ${customerExternalId}
      and exists (select 1 from jsonb_array_elements(coalesce(o.payload->'invoices', '[]'::jsonb)) e where coalesce(e->>'instalmentOf', e->>'externalId') = any(${ids}::text[]))
    order by o.updated_at, o.id`;
  return rows.map((r) => ({ key: r.idempotency_key, kind: r.kind, templateId: r.template_id, sentAt: r.updated_at, registered: r.registered === true, invoiceExternalIds: r.invoices }));
}
