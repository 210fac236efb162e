// Records that failed mapping or validation, kept whole with the reason so nothing is lost.
import type { Sql } from './db.js';

export interface QuarantineEntry {
  entity: string;
  externalId: string;
  reason: string;
  path: string | null;
  raw: unknown;
}

/** Adds or refreshes quarantined records in one statement; a later success resolves them (see `resolveQuarantined`). */
export async function quarantine(sql: Sql, tenantId: string, connectionId: string, entries: readonly QuarantineEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const payload = JSON.stringify(entries.map((e) => ({ entity: e.entity, external_id: e.externalId, reason: e.reason, path: e.path, raw: e.raw ?? null })));
  await sql`
    insert into quarantine as q (tenant_id, connection_id, entity, external_id, reason, path, raw)
    select ${tenantId}::uuid, ${connectionId}::uuid, r.entity, r.external_id, r.reason, r.path, coalesce(r.raw, 'null'::jsonb)
    from jsonb_to_recordset(${payload}::text::jsonb) as r(entity text, external_id text, reason text, path text, raw jsonb)
    on conflict (tenant_id, connection_id, entity, external_id) do update set
      reason = excluded.reason, path = excluded.path, raw = excluded.raw,
      last_seen_at = now(), occurrences = q.occurrences + 1, resolved_at = null`;
}

/** Marks quarantined records resolved once a later version of them synced cleanly. */
export async function resolveQuarantined(sql: Sql, tenantId: string, connectionId: string, entity: string, externalIds: readonly string[]): Promise<number> {
  if (externalIds.length === 0) return 0;
  const res = await sql`
    update quarantine set resolved_at = now()
    where tenant_id = ${tenantId} and connection_id = ${connectionId} and entity = ${entity}
      and external_id = any(${externalIds as string[]}) and resolved_at is null`;
  return res.count;
}

export async function listQuarantine(sql: Sql, tenantId: string, opts: { connectionId?: string; includeResolved?: boolean } = {}) {
  return sql<{ id: string; connection_id: string; entity: string; external_id: string; reason: string; path: string | null; raw: unknown; occurrences: number; last_seen_at: Date; resolved_at: Date | null }[]>`
    select id, connection_id, entity, external_id, reason, path, raw, occurrences, last_seen_at, resolved_at
    from quarantine
    where tenant_id = ${tenantId}
      and (${opts.connectionId ?? null}::uuid is null or connection_id = ${opts.connectionId ?? null}::uuid)
      and (${opts.includeResolved ?? false} or resolved_at is null)
    order by last_seen_at desc`;
}
