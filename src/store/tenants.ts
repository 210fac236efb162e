// Tenants (one company using Relance) and their ERP connections; credentials are stored encrypted.
import type { Sql } from './db.js';
import { decryptJson, encryptJson } from './secrets.js';

export interface Tenant {
  id: string;
  name: string;
  timeZone: string;
  locale: string;
}

export async function createTenant(sql: Sql, input: { name: string; timeZone?: string; locale?: string }): Promise<Tenant> {
  const [row] = await sql<{ id: string; name: string; time_zone: string; locale: string }[]>`
    insert into tenants (name, time_zone, locale)
    values (${input.name}, ${input.timeZone ?? 'Europe/Paris'}, ${input.locale ?? 'fr'})
    returning id, name, time_zone, locale`;
  if (!row) throw new Error('tenant insert returned nothing');
  return { id: row.id, name: row.name, timeZone: row.time_zone, locale: row.locale };
}

export async function getTenant(sql: Sql, tenantId: string): Promise<Tenant | null> {
  const [row] = await sql<{ id: string; name: string; time_zone: string; locale: string }[]>`
    select id, name, time_zone, locale from tenants where id = ${tenantId}`;
  return row ? { id: row.id, name: row.name, timeZone: row.time_zone, locale: row.locale } : null;
}

/** Renames a tenant; with `ifNamed`, only while it still carries that name (a name the user gave is kept). */
export async function renameTenant(sql: Sql, tenantId: string, name: string, options: { ifNamed?: string } = {}): Promise<void> {
  if (options.ifNamed === undefined) await sql`update tenants set name = ${name} where id = ${tenantId}`;
  else await sql`update tenants set name = ${name} where id = ${tenantId} and name = ${options.ifNamed}`;
}

/** Deletes a tenant and (by the schema's cascades) all it holds: a provisional install's company superseded by an earlier one. */
export async function deleteTenant(sql: Sql, tenantId: string): Promise<void> {
  await sql`delete from tenants where id = ${tenantId}`;
}

export interface Connection {
  id: string;
  tenantId: string;
  provider: string;
  externalTenantId: string | null;
  status: string;
  statusDetail: string | null;
  settings: Record<string, unknown>;
  lastSyncAt: Date | null;
}

type ConnectionRow = {
  id: string;
  tenant_id: string;
  provider: string;
  external_tenant_id: string | null;
  status: string;
  status_detail: string | null;
  settings: Record<string, unknown>;
  last_sync_at: Date | null;
};

const toConnection = (r: ConnectionRow): Connection => ({
  id: r.id,
  tenantId: r.tenant_id,
  provider: r.provider,
  externalTenantId: r.external_tenant_id,
  status: r.status,
  statusDetail: r.status_detail,
  settings: r.settings,
  lastSyncAt: r.last_sync_at,
});

export async function createConnection(
  sql: Sql,
  tenantId: string,
  input: { provider: string; externalTenantId?: string | null; settings?: Record<string, unknown> },
): Promise<Connection> {
  const [row] = await sql<ConnectionRow[]>`
    insert into connections (tenant_id, provider, external_tenant_id, settings)
    values (${tenantId}, ${input.provider}, ${input.externalTenantId ?? null}, ${sql.json((input.settings ?? {}) as never)})
    returning id, tenant_id, provider, external_tenant_id, status, status_detail, settings, last_sync_at`;
  if (!row) throw new Error('connection insert returned nothing');
  return toConnection(row);
}

/** A connection of this tenant, or null (another tenant's id is simply not found). */
export async function getConnection(sql: Sql, tenantId: string, connectionId: string): Promise<Connection | null> {
  const [row] = await sql<ConnectionRow[]>`
    select id, tenant_id, provider, external_tenant_id, status, status_detail, settings, last_sync_at
    from connections where tenant_id = ${tenantId} and id = ${connectionId}`;
  return row ? toConnection(row) : null;
}

/** Finds a connection by id alone: for operator commands (CLI) that are handed only a connection id. */
export async function findConnectionById(sql: Sql, connectionId: string): Promise<Connection | null> {
  if (!/^[0-9a-f-]{36}$/i.test(connectionId)) return null;
  const [row] = await sql<ConnectionRow[]>`
    select id, tenant_id, provider, external_tenant_id, status, status_detail, settings, last_sync_at
    from connections where id = ${connectionId}`;
  return row ? toConnection(row) : null;
}

export async function listConnections(sql: Sql, tenantId: string): Promise<Connection[]> {
  const rows = await sql<ConnectionRow[]>`
    select id, tenant_id, provider, external_tenant_id, status, status_detail, settings, last_sync_at
    from connections where tenant_id = ${tenantId} order by created_at`;
  return rows.map(toConnection);
}

export async function updateConnection(
  sql: Sql,
  tenantId: string,
  connectionId: string,
  patch: { status?: string; statusDetail?: string | null; lastSyncAt?: Date; externalTenantId?: string },
): Promise<void> {
  await sql`
    update connections set
      status = coalesce(${patch.status ?? null}, status),
      status_detail = case when ${patch.statusDetail !== undefined} then ${patch.statusDetail ?? null} else status_detail end,
      last_sync_at = coalesce(${patch.lastSyncAt ?? null}, last_sync_at),
      external_tenant_id = coalesce(${patch.externalTenantId ?? null}, external_tenant_id),
      updated_at = now()
    where tenant_id = ${tenantId} and id = ${connectionId}`;
}

const aad = (tenantId: string, connectionId: string) => `${tenantId}/${connectionId}`;

export async function saveCredentials(sql: Sql, key: Buffer, tenantId: string, connectionId: string, credentials: unknown): Promise<void> {
  const blob = encryptJson(key, credentials, aad(tenantId, connectionId));
  await sql`update connections set credentials = ${blob}, updated_at = now() where tenant_id = ${tenantId} and id = ${connectionId}`;
}

export async function loadCredentials<T>(sql: Sql, key: Buffer, tenantId: string, connectionId: string): Promise<T | null> {
  const [row] = await sql<{ credentials: Buffer | null }[]>`
    select credentials from connections where tenant_id = ${tenantId} and id = ${connectionId}`;
  return row?.credentials ? decryptJson<T>(key, row.credentials, aad(tenantId, connectionId)) : null;
}

/**
 * Connections of a provider company, across tenants: the one lookup that cannot be tenant-scoped, because
 * a webhook names the provider's company, not ours. Callers scope every later query to the tenants found.
 */
export async function findConnectionsByExternalTenant(sql: Sql, provider: string, externalTenantId: string): Promise<Connection[]> {
  const rows = await sql<ConnectionRow[]>`
    select id, tenant_id, provider, external_tenant_id, status, status_detail, settings, last_sync_at
    from connections where provider = ${provider} and external_tenant_id = ${externalTenantId} and status <> 'disconnected'`;
  return rows.map(toConnection);
}

/** Every connection that should be kept in sync, across tenants: only for the scheduler, which then works per tenant. */
export async function listActiveConnections(sql: Sql): Promise<Connection[]> {
  const rows = await sql<ConnectionRow[]>`
    select id, tenant_id, provider, external_tenant_id, status, status_detail, settings, last_sync_at
    from connections where status in ('active', 'paused') and external_tenant_id is not null order by created_at`;
  return rows.map(toConnection);
}
