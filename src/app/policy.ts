// The dunning policy: the one in force (the shipped default until a version is saved), saving a new version from a
// document or from the editor, and the pick lists the editor offers.
import { TEMPLATE_IDS } from '../actions/templates.js';
import { policyFor } from '../collections/run.js';
import { Policy } from '../rules/policy.js';
import { policyProblems, problemMessage } from '../rules/policy-checks.js';
import { customerChoices, openInvoiceChoices, type Choice } from '../store/pick-lists.js';
import { activePolicy, savePolicy } from '../store/policies.js';
import type { Tenant } from '../store/tenants.js';
import type { AppDeps } from './deps.js';

/** The policy in force and its stored version (null: the shipped default). */
export async function currentPolicy(deps: AppDeps, tenant: Tenant): Promise<{ version: number | null; policy: Policy }> {
  const [stored, policy] = await Promise.all([activePolicy(deps.sql, tenant.id), policyFor(deps.sql, tenant)]);
  return { version: stored?.version ?? null, policy };
}

export type PolicySave = { ok: true; version: number; policy: Policy } | { ok: false; issues: { path: string; message: string }[] };

/**
 * Saves a policy document (its id and version are the current ones) as a new version, once it passes the Policy
 * schema and the step checks (templates known, steps in order).
 */
export async function savePolicyDocument(deps: AppDeps, tenant: Tenant, document: Record<string, unknown>): Promise<PolicySave> {
  const current = await policyFor(deps.sql, tenant);
  const parsed = Policy.safeParse({ ...document, id: current.id, version: current.version });
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) };
  const problems = policyProblems(parsed.data, new Set(TEMPLATE_IDS));
  if (problems.length) return { ok: false, issues: problems.map((p) => ({ path: `steps.${p.index}`, message: problemMessage(p) })) };
  const version = await savePolicy(deps.sql, tenant.id, current.id, parsed.data);
  return { ok: true, version, policy: { ...parsed.data, version } };
}

/** Saves a policy the editor has already read and checked as the next version of the policy in force; gives that version. */
export function savePolicyVersion(deps: AppDeps, tenant: Tenant, policyId: string, policy: Policy): Promise<number> {
  return savePolicy(deps.sql, tenant.id, policyId, policy);
}

/** The customers and open invoices an exception can name (the editor's pick lists). */
export async function policyChoices(deps: AppDeps, tenant: Tenant): Promise<{ customers: Choice[]; invoices: Choice[] }> {
  const [customers, invoices] = await Promise.all([customerChoices(deps.sql, tenant.id), openInvoiceChoices(deps.sql, tenant.id)]);
  return { customers, invoices };
}
