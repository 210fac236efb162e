// A customer's recovery file as the pages and the API serve it: the claim from the stored books, the invoices' own PDFs
// read from the books through the connection's connector (a demo company hosted meanwhile), the operator's rates.
import { hostDemosFor } from '../demo/host.js';
import { invoicePdfFromBooks } from '../recovery/books.js';
import { customerRecoveryFile, type CustomerRecovery } from '../recovery/service.js';
import type { Connection, Tenant } from '../store/tenants.js';
import { nowOf, type InlineSync } from './deps.js';
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
