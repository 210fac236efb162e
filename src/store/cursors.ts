// Sync cursors: where each stream of a connection has got to, saved after every page.
import type { Sql } from './db.js';

export async function loadCursor<T>(sql: Sql, tenantId: string, connectionId: string, stream: string): Promise<T | null> {
  const [row] = await sql<{ cursor: T }[]>`
    select cursor from sync_cursors where tenant_id = ${tenantId} and connection_id = ${connectionId} and stream = ${stream}`;
  return row ? row.cursor : null;
}

export async function saveCursor(sql: Sql, tenantId: string, connectionId: string, stream: string, cursor: unknown): Promise<void> {
  await sql`
    insert into sync_cursors (tenant_id, connection_id, stream, cursor)
    values (${tenantId}, ${connectionId}, ${stream}, ${JSON.stringify(cursor)}::text::jsonb)
    on conflict (tenant_id, connection_id, stream) do update set cursor = excluded.cursor, updated_at = now()`;
}

export async function clearCursors(sql: Sql, tenantId: string, connectionId: string): Promise<void> {
  await sql`delete from sync_cursors where tenant_id = ${tenantId} and connection_id = ${connectionId}`;
}
