// Dunning policies per tenant, versioned; saving a new version deactivates the previous one atomically, and cancels
// in the same transaction the actions planned under the old version for a step the new one changed or removed (the
// next evaluation plans them again under the new version, at the new step's date, with the new template).
import type { CancelWhy } from '../model/collections.js';
import { FRENCH_B2B_POLICY, UK_POLICY } from '../rules/default-policies.js';
import { parsePolicy, type Policy } from '../rules/policy.js';
import { cancelPlanned, plannedDunning } from './cancel.js';
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
    const [before] = await db<{ document: unknown }[]>`select document from policies where tenant_id = ${tenantId} and active`;
    await db`update policies set active = false where tenant_id = ${tenantId} and active`;
    const doc = { ...(document as Record<string, unknown>), id: policyId, version };
    await db`insert into policies (tenant_id, policy_id, version, document, active) values (${tenantId}, ${policyId}, ${version}, ${JSON.stringify(doc)}::text::jsonb, true)`;
    const previous = before ? parsePolicy(before.document) : await defaultPolicy(db, tenantId);
    await cancelChangedSteps(db, tenantId, previous, parsePolicy(doc));
    return version;
  });
}

async function defaultPolicy(db: Sql, tenantId: string): Promise<Policy> {
  const [t] = await db<{ locale: string }[]>`select locale from tenants where id = ${tenantId}`;
  return t?.locale === 'fr' ? FRENCH_B2B_POLICY : UK_POLICY;
}

/** JSON with sorted keys: two parses of one step compare equal whatever order their fields came in. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : x));

/**
 * Steps the new version changed (offset, channel, template, conditions…) or removed. Policy-wide settings (daily cap,
 * quiet days, calendar) change how the next evaluation plans, not what an already planned action says: those stay.
 */
export function changedSteps(previous: Policy, next: Policy): string[] {
  const now = new Map(next.steps.map((s) => [s.id, canonical(s)]));
  return previous.steps.filter((s) => now.get(s.id) !== canonical(s)).map((s) => s.id);
}

async function cancelChangedSteps(db: Sql, tenantId: string, previous: Policy, next: Policy): Promise<void> {
  const changed = new Set(changedSteps(previous, next));
  if (changed.size === 0) return;
  const rows = (await plannedDunning(db, tenantId, {})).filter((r) => changed.has(r.action.stepId));
  for (const stepId of changed) {
    const mine = rows.filter((r) => r.action.stepId === stepId);
    const why: CancelWhy = { code: 'policy', from: previous.version, to: next.version, step: stepId };
    await cancelPlanned(db, tenantId, mine, why, `policy changed: step ${stepId} is planned again, as the new policy says, at the next evaluation`, null);
  }
}
