// Tenant mapping overrides in `mapping_overrides`: validated before activation, one active per tenant/provider/entity.
import type { EntityKind } from '../model/entities.js';
import type { Sql } from '../store/db.js';
import { compileMapping, loadShippedMapping, mapRecordNow, validateOverride, type CompiledMapping, type MapResult, type OverrideCheck } from './loader.js';

export type SaveOverrideResult = { ok: true; id: string } | { ok: false; failures: OverrideCheck['failures'] };

/** The mapping a tenant's records go through, and where it came from. */
export interface ActiveMapping {
  mapping: CompiledMapping;
  /** The active override's id, or null for the shipped mapping. */
  overrideId: string | null;
}

// Override rows never change text once written, so a compiled override is cached by id for the process. Overrides are
// compiled by compileMapping, so they always run on JSONata (the subset serves only proven shipped mappings).
const compiledById = new Map<string, CompiledMapping>();

/**
 * Validates `source` against `samples` (it must compile and map every one), then, in one transaction, deactivates
 * the tenant's current override for this provider/entity and activates the new one. Refused overrides are not stored.
 */
export async function saveOverride(
  sql: Sql,
  tenantId: string,
  provider: string,
  entity: EntityKind,
  source: string,
  samples: readonly unknown[],
  context: Record<string, unknown> = {},
): Promise<SaveOverrideResult> {
  if (samples.length === 0) {
    return { ok: false, failures: [{ index: -1, path: '(samples)', reason: 'give at least one sample record to check the override against' }] };
  }
  const check = await validateOverride(provider, entity, source, samples, context);
  if (!check.ok) return { ok: false, failures: check.failures };
  const id = await sql.begin(async (tx) => {
    const db = tx as unknown as Sql;
    // Serialises concurrent saves for the same key so the partial unique index never trips mid-swap.
    await db`select pg_advisory_xact_lock(hashtext(${`mapping:${tenantId}:${provider}:${entity}`}))`;
    await db`update mapping_overrides set active = false
             where tenant_id = ${tenantId} and provider = ${provider} and entity = ${entity} and active`;
    const [row] = await db<{ id: string }[]>`insert into mapping_overrides (tenant_id, provider, entity, expression, active)
             values (${tenantId}, ${provider}, ${entity}, ${source}, true) returning id::text as id`;
    return row!.id;
  });
  return { ok: true, id };
}

/** The tenant's active override for provider/entity, else the shipped mapping. */
export async function activeMapping(sql: Sql, tenantId: string, provider: string, entity: EntityKind): Promise<ActiveMapping> {
  const [row] = await sql<{ id: string; expression: string }[]>`select id::text as id, expression from mapping_overrides
      where tenant_id = ${tenantId} and provider = ${provider} and entity = ${entity} and active limit 1`;
  if (!row) return { mapping: loadShippedMapping(provider, entity), overrideId: null };
  let compiled = compiledById.get(row.id);
  if (!compiled) {
    compiled = compileMapping(row.expression);
    compiledById.set(row.id, compiled);
  }
  return { mapping: compiled, overrideId: row.id };
}

/** Deactivates the tenant's override for provider/entity (the shipped mapping applies again); true if one was active. */
export async function deactivateOverride(sql: Sql, tenantId: string, provider: string, entity: EntityKind): Promise<boolean> {
  const rows = await sql`update mapping_overrides set active = false
      where tenant_id = ${tenantId} and provider = ${provider} and entity = ${entity} and active returning id`;
  return rows.length > 0;
}

/**
 * A resolver for the sync engine (`SyncDeps.mappers`): per tenant/provider/entity, a function mapping one raw record
 * through the active mapping. The override lookup happens once per call (i.e. once per stream), not per record.
 */
export function mapperResolver(sql: Sql) {
  return async <K extends EntityKind>(tenantId: string, provider: string, entity: K) => {
    const { mapping } = await activeMapping(sql, tenantId, provider, entity);
    return (raw: unknown, context: Record<string, unknown>): MapResult<K> | Promise<MapResult<K>> => mapRecordNow(mapping, entity, raw, context);
  };
}
