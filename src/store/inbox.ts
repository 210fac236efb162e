// Inbound events (webhooks) stored before they are acknowledged; a redelivery is recognised by its key.
import type { Sql } from './db.js';

export interface InboxEvent {
  id: string;
  tenantId: string;
  connectionId: string | null;
  provider: string;
  dedupeKey: string;
  payload: unknown;
  attempts: number;
}

/** Stores events; returns only the ones that were new (redeliveries are dropped by the unique key). */
export async function addToInbox(
  sql: Sql,
  tenantId: string,
  events: readonly { connectionId: string | null; provider: string; dedupeKey: string; payload: unknown }[],
): Promise<string[]> {
  if (events.length === 0) return [];
  const payload = JSON.stringify(events.map((e) => ({ connection_id: e.connectionId, provider: e.provider, dedupe_key: e.dedupeKey, payload: e.payload })));
  const rows = await sql<{ id: string }[]>`
    insert into inbox (tenant_id, connection_id, provider, dedupe_key, payload)
    select ${tenantId}::uuid, r.connection_id, r.provider, r.dedupe_key, r.payload
    from jsonb_to_recordset(${payload}::text::jsonb) as r(connection_id uuid, provider text, dedupe_key text, payload jsonb)
    on conflict (tenant_id, provider, dedupe_key) do nothing
    returning id::text`;
  return rows.map((r) => r.id);
}

/** Pending events of a tenant, oldest first. */
export async function pendingInbox(sql: Sql, tenantId: string, limit = 100): Promise<InboxEvent[]> {
  const rows = await sql<{ id: string; tenant_id: string; connection_id: string | null; provider: string; dedupe_key: string; payload: unknown; attempts: number }[]>`
    select id::text, tenant_id, connection_id, provider, dedupe_key, payload, attempts from inbox
    where tenant_id = ${tenantId} and processed_at is null order by id limit ${limit}`;
  return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, connectionId: r.connection_id, provider: r.provider, dedupeKey: r.dedupe_key, payload: r.payload, attempts: r.attempts }));
}

export async function markInboxProcessed(sql: Sql, tenantId: string, ids: readonly string[], error?: string): Promise<void> {
  if (ids.length === 0) return;
  if (error) {
    await sql`update inbox set attempts = attempts + 1, last_error = ${error} where tenant_id = ${tenantId} and id = any(${ids as string[]}::bigint[])`;
  } else {
    await sql`update inbox set processed_at = now(), attempts = attempts + 1, last_error = null where tenant_id = ${tenantId} and id = any(${ids as string[]}::bigint[])`;
  }
}
