// A customer's recovery file as the pages and the API serve it: the claim from the stored books, the invoices' own PDFs
// read from the books through the connection's connector (a demo company hosted meanwhile), the operator's rates; the
// zip, the hand-off and a case's steps.
import { hostDemosFor } from '../demo/host.js';
import { invoicePdfFromBooks } from '../recovery/books.js';
import { customerRecoveryFile, type CustomerRecovery } from '../recovery/service.js';
import { dateInZone } from '../model/index.js';
import { CASE_STATES, advanceCase, listCases, openCase, type CaseState } from '../recovery/cases.js';
import { handOffRecovery } from '../recovery/hand-off.js';
import { recoveryZip } from '../recovery/zip.js';
import { RateMissing } from '../rules/rate-tables.js';
import { getConnection, type Connection, type Tenant } from '../store/tenants.js';
import { nowOf, type AppDeps, type InlineSync } from './deps.js';
import { inlineSyncDeps } from './sync.js';

export async function recoveryFileOf(deps: InlineSync, tenant: Tenant, connection: Connection, customerExternalId: string): Promise<CustomerRecovery | null> {
  const closeDemos = await hostDemosFor(deps.config.home, [connection], deps.registry);
  try {
    return await customerRecoveryFile(deps.sql, tenant, connection.id, customerExternalId, nowOf(deps), {
      ...(deps.addedRates ? { added: deps.addedRates } : {}),
      invoicePdf: invoicePdfFromBooks(inlineSyncDeps(deps), tenant.id, connection.id),
    });
  } finally {
    await closeDemos();
  }
}

/**
 * The recovery file of a customer of one of the tenant's connections: null when the connection is not the tenant's
 * (another company's is simply not found), 'rate_missing' when a reference rate is not known yet (the interest cannot be
 * stated, and the file is never made with a guess).
 */
export async function recoveryFileFor(deps: InlineSync, tenant: Tenant, connectionId: string, customerExternalId: string): Promise<CustomerRecovery | 'rate_missing' | null> {
  const connection = /^[0-9a-f-]{36}$/i.test(connectionId) ? await getConnection(deps.sql, tenant.id, connectionId) : null;
  if (!connection) return null;
  try {
    // The invoices' own PDFs are read from the books (kept per version), the claim from the stored data.
    return await recoveryFileOf(deps, tenant, connection, customerExternalId);
  } catch (e) {
    if (e instanceof RateMissing) return 'rate_missing';
    throw e;
  }
}

/** The file and the invoices' documents in one zip. */
export async function recoveryZipFor(deps: AppDeps, tenant: Tenant, connectionId: string, customerExternalId: string, file: CustomerRecovery): Promise<Uint8Array> {
  return recoveryZip(deps.sql, tenant.id, connectionId, customerExternalId, file);
}

/** The tenant's recovery cases still open (handed over and not yet ended), every customer's. */
export const openCases = (deps: AppDeps, tenantId: string) => listCases(deps.sql, tenantId, { open: true });

export type CaseMove = { found: false } | { found: true; connectionId: string; customerExternalId: string; moved: boolean };

/**
 * A case moves forward: the state reached, its date and a note. Not the tenant's: not found; a state or date not valid,
 * or a move the case refuses: not moved. The books hear of the step in their company's language (the file's).
 */
export async function moveCase(deps: AppDeps, tenant: Tenant, caseId: string, step: { state: string; on: string; note: string; actor: string }): Promise<CaseMove> {
  if (!/^[0-9a-f-]{36}$/i.test(caseId)) return { found: false };
  const [mine] = await listCases(deps.sql, tenant.id, { id: caseId });
  if (!mine) return { found: false };
  const where = { found: true as const, connectionId: mine.connectionId, customerExternalId: mine.customerExternalId };
  const to = step.state as CaseState;
  if (!CASE_STATES.includes(to) || !/^\d{4}-\d{2}-\d{2}$/.test(step.on)) return { ...where, moved: false };
  const moved = await advanceCase(deps.sql, tenant.id, caseId, to, step.on, step.note, step.actor, mine.currency === 'GBP' || (mine.currency === null && tenant.locale !== 'fr') ? 'en' : 'fr');
  return { ...where, moved };
}

/** Hands the file over: dunning stops for the invoices it claims (one hold pause each, planned reminders cancelled), and a case opens. */
export async function handOffFile(deps: AppDeps, tenant: Tenant, connectionId: string, customerExternalId: string, file: CustomerRecovery, to: string, actor: string): Promise<void> {
  const on = dateInZone(nowOf(deps), tenant.timeZone);
  await handOffRecovery(deps.sql, tenant.id, connectionId, { customerExternalId, invoiceExternalIds: file.invoiceExternalIds, to, actor, on, language: file.statement.jurisdiction === 'FR' ? 'fr' : 'en' });
  await openCase(deps.sql, tenant.id, { connectionId, customerExternalId, invoiceExternalIds: file.invoiceExternalIds, handedTo: to, claimed: file.statement.totals.claimed, currency: file.statement.currency, on, actor });
}
