// Mapping overrides: the tenant's synced records to check one against, a try on one record, activation and revert.
import { activeMapping, compileMapping, deactivateOverride, mapRecord, saveOverride, type ActiveMapping } from '../mapping/index.js';
import type { EntityKind } from '../model/index.js';
import { listDocuments } from '../store/documents.js';
import { listConnections } from '../store/tenants.js';
import type { AppDeps } from './deps.js';

/** How many synced records an override is checked against before it is activated. */
const SAMPLES = 50;

/** Raw payloads of the tenant's synced records of one provider and entity (newest connections first), with their ids. */
export async function syncedSamples(deps: AppDeps, tenantId: string, provider: string, entity: EntityKind, limit = SAMPLES): Promise<{ id: string; raw: unknown }[]> {
  const connections = (await listConnections(deps.sql, tenantId)).filter((x) => x.provider === provider);
  const out: { id: string; raw: unknown }[] = [];
  for (const x of connections.reverse()) {
    if (out.length >= limit) break;
    for (const d of await listDocuments(deps.sql, tenantId, entity, { connectionId: x.id, limit: limit - out.length, withRaw: true })) out.push({ id: d.record.externalId, raw: d.raw });
  }
  return out;
}

/** The mapping the tenant's syncs of one provider and entity run: its active override, else the shipped one. */
export const currentMapping = (deps: AppDeps, tenantId: string, provider: string, entity: EntityKind): Promise<ActiveMapping> => activeMapping(deps.sql, tenantId, provider, entity);

/** A refusal names the synced record it failed on (null when it is not about one record). */
export type Activation = { ok: true; id: string } | { ok: false; failures: { index: number; recordId: string | null; path: string; reason: string }[] };

/** Activates `source` as the tenant's override once it maps every one of the tenant's synced records of that kind. */
export async function activateOverride(deps: AppDeps, tenantId: string, provider: string, entity: EntityKind, source: string): Promise<Activation> {
  const samples = await syncedSamples(deps, tenantId, provider, entity);
  const r = await saveOverride(deps.sql, tenantId, provider, entity, source, samples.map((s) => s.raw));
  if (r.ok) return r;
  return { ok: false, failures: r.failures.map((f) => ({ ...f, recordId: f.index >= 0 ? samples[f.index]?.id ?? null : null })) };
}

/** Goes back to the shipped mapping; false when no override was active. */
export const revertOverride = (deps: AppDeps, tenantId: string, provider: string, entity: EntityKind): Promise<boolean> => deactivateOverride(deps.sql, tenantId, provider, entity);

export type MappingTry = { kind: 'no_record' } | { kind: 'mapped'; value: unknown } | { kind: 'skipped'; reason: string } | { kind: 'failed'; message: string };

/** Runs `source` on one of the tenant's synced records (by its id), without saving anything. */
export async function tryMapping(deps: AppDeps, tenantId: string, provider: string, entity: EntityKind, source: string, recordId: string | undefined): Promise<MappingTry> {
  const sample = (await syncedSamples(deps, tenantId, provider, entity)).find((s) => s.id === recordId);
  if (!sample) return { kind: 'no_record' };
  try {
    const r = await mapRecord(compileMapping(source), entity, sample.raw, { provider });
    return r.ok === true ? { kind: 'mapped', value: r.value } : r.ok === 'skipped' ? { kind: 'skipped', reason: r.reason } : { kind: 'failed', message: `${r.error.path}: ${r.error.reason}` };
  } catch (err) {
    return { kind: 'failed', message: err instanceof Error ? err.message : String(err) };
  }
}
