// Pauses (disputes, promises, payment plans, holds): the input checked against the Pause schema and the customer's
// invoices, then opened; an active pause lifted. The settings pages and the API both come here.
import { Dec, type Invoice } from '../model/index.js';
import type { Tenant } from '../store/tenants.js';
import { Instalment, Pause } from '../model/collections.js';
import { closePause, listPauses, openPause, type OpenedPause, type StoredPause } from '../store/pauses.js';
import { customerDetail } from './customers.js';
import { nowOf, type AppDeps } from './deps.js';

/** Turns zod issues into "path → message" for showing each next to its field. */
export function issuesByPath(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const key = i.path.map(String).join('.') || '_';
    out[key] ??= i.message;
  }
  return out;
}

/** Parses "YYYY-MM-DD amount" lines; a bad line becomes an issue on `instalments`. */
export function parseInstalments(text: string | undefined): { ok: true; value: Instalment[] } | { ok: false; message: string } {
  const lines = (text ?? '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const out: Instalment[] = [];
  for (const line of lines) {
    const [dueOn, amount] = line.split(/[\s;]+/);
    const r = Instalment.safeParse({ dueOn, amount: amount?.replace(',', '.') });
    if (!r.success) return { ok: false, message: `"${line}": ${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join(', ')}` };
    out.push(r.data);
  }
  return { ok: true, value: out };
}

/** An amount as people type it ("1 250,00", "1250.00"): spaces dropped, a decimal comma read as a point. */
export function normalizeAmountInput(text: string | undefined): string | undefined {
  const v = (text ?? '').replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  return v === '' ? undefined : v;
}

/**
 * Validates a pause from form or API input against the Pause schema; the invoice must be one of the customer's. A
 * promise with an amount keeps the balance it covered when made, so it can later tell kept from broken (risk.ts).
 */
export function validatePauseInput(
  values: Record<string, string | undefined>,
  customerId: string,
  invoices: readonly Invoice[],
): { ok: true; pause: Omit<Pause, 'id' | 'createdAt'> } | { ok: false; errors: Record<string, string> } {
  const inst = parseInstalments(values['instalments']);
  const errors: Record<string, string> = {};
  if (!inst.ok) errors['instalments'] = inst.message;
  const invoiceId = values['invoiceExternalId'] || null;
  if (invoiceId && !invoices.some((i) => i.externalId === invoiceId)) errors['invoiceExternalId'] = 'is not an invoice of this customer';
  const amount = normalizeAmountInput(values['amount']);
  let balanceAtOpen: string | null = null;
  if (amount) {
    // What the promise covers, as the broken-promise rule reads it: its invoice, or the customer's open invoices due by the promised date.
    const promised = values['expiresOn'] || '9999-12-31';
    const covered = invoices.filter((i) => (invoiceId ? i.externalId === invoiceId : i.dueDate <= promised) && (i.status === 'open' || i.status === 'partially_paid'));
    const currencies = new Set(covered.map((i) => i.currency));
    if (currencies.size > 1) errors['amount'] = 'the invoices it covers are in several currencies: choose one invoice';
    else balanceAtOpen = covered.reduce((a, i) => a.plus(i.amountDue), new Dec(0)).toFixed();
  }
  const candidate = {
    id: 'new',
    kind: values['kind'],
    reason: values['reason'] ?? '',
    owner: values['owner'] ?? '',
    startsOn: values['startsOn'] ?? '',
    expiresOn: values['expiresOn'] || null,
    customerExternalId: customerId,
    invoiceExternalId: invoiceId,
    instalments: inst.ok ? inst.value : [],
    amount: amount ?? null,
    balanceAtOpen,
  };
  const r = Pause.safeParse(candidate);
  if (!r.success) for (const [k, m] of Object.entries(issuesByPath(r.error.issues))) errors[k] ??= m;
  if (!r.success || Object.keys(errors).length) return { ok: false, errors };
  const { id: _id, createdAt: _c, ...pause } = r.data;
  return { ok: true, pause };
}

export type SetPause = { ok: true; pause: OpenedPause } | { ok: false; errors: Record<string, string> } | null;

/** Opens a pause on one of the tenant's customers from form or API values; null when there is no such customer. */
export async function setPause(deps: AppDeps, tenant: Tenant, connectionId: string, customerId: string, values: Record<string, string | undefined>, actor: string): Promise<SetPause> {
  const d = await customerDetail(deps.sql, tenant, connectionId, customerId, nowOf(deps));
  if (!d) return null;
  const r = validatePauseInput(values, customerId, d.invoices);
  if (!r.ok) return r;
  return { ok: true, pause: await openPause(deps.sql, tenant.id, connectionId, r.pause, actor) };
}

/**
 * Lifts (resolves) an active pause of the tenant, optionally only one of a given customer; null when there is no such
 * pause, else whether it was still active.
 */
export async function liftPause(deps: AppDeps, tenantId: string, pauseId: string, actor: string, detail: string, of: { connectionId?: string; customerExternalId?: string } = {}): Promise<boolean | null> {
  if (!/^[0-9a-f-]{36}$/i.test(pauseId)) return null;
  const mine = await listPauses(deps.sql, tenantId, of);
  if (!mine.some((p) => p.id === pauseId)) return null;
  return closePause(deps.sql, tenantId, pauseId, 'resolved', actor, detail);
}

/** The tenant's pauses, in some states only or of one customer only when asked. */
export const pausesOf = (deps: AppDeps, tenantId: string, filter: Parameters<typeof listPauses>[2] = {}): Promise<StoredPause[]> => listPauses(deps.sql, tenantId, filter);
