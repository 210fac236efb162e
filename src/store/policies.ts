// Dunning policies per tenant, versioned; saving a new version deactivates the previous one atomically.
import type { Sql } from './db.js';

export interface StoredPolicy {
  policyId: string;
  version: number;
  document: unknown;
  createdAt: Date;
}

/** The active policy document of a tenant, or null when it still uses the default for its locale. */
export async function activePolicy(sql: Sql, tenantId: string): Promise<StoredPolicy | null> {
  const [row] = await sql<{ policy_id: string; version: number; document: unknown; created_at: Date }[]>`
    select policy_id, version, document, created_at from policies where tenant_id = ${tenantId} and active`;
  return row ? { policyId: row.policy_id, version: row.version, document: row.document, createdAt: row.created_at } : null;
}

/** Stores a validated policy document as the next version of its id and makes it the active one. */
export async function savePolicy(sql: Sql, tenantId: string, policyId: string, document: unknown): Promise<number> {
  return sql.begin(async (tx) => {
    const db = tx as unknown as Sql;
    await db`select pg_advisory_xact_lock(hashtextextended(${`relance:policy:${tenantId}`}, 0))`;
    const [row] = await db<{ v: number }[]>`select coalesce(max(version), 0) + 1 as v from policies where tenant_id = ${tenantId} and policy_id = ${policyId}`;
    const version = row!.v;
    await db`update policies set active = false where tenant_id = ${tenantId} and active`;
    const doc = { ...(document as Record<string, unknown>), id: policyId, version };
    await db`insert into policies (tenant_id, policy_id, version, document, active) values (${tenantId}, ${policyId}, ${version}, ${JSON.stringify(doc)}::text::jsonb, true)`;
    return version;
  });
}
