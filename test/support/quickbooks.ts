// QuickBooks shortcuts over the shared provider wiring.
import { quickbooks } from '../../connectors/quickbooks/index.js';
import type { Sql } from '../../src/store/db.js';
import { listDocuments } from '../../src/store/documents.js';
import { createQuickBooksSimulator, type QuickBooksSimulator, type QuickBooksSimulatorOptions } from '../../connectors/quickbooks/simulator/index.js';
import { connectTo, useSimulator } from './providers.js';

import { syncDeps } from './providers.js';

export { TEST_SECRET_KEY, fastGate, syncDeps } from './providers.js';

export const useQuickBooksSimulator = (options: QuickBooksSimulatorOptions) => useSimulator(createQuickBooksSimulator(options));

export async function connectQuickBooks(sql: Sql, sim: QuickBooksSimulator) {
  const c = await connectTo(sql, quickbooks, sim);
  return { ...c, realmId: c.externalTenantId };
}

/**
 * The end-to-end sync files' company (2300 invoices: three pages), engine wiring and a look-up of one stored invoice.
 * The gate runs on a virtual clock (fastGate), so the simulator's own windows are lifted; 429s are injected.
 */
export function useQuickBooksSync(sql: Sql) {
  const { sim, server } = useQuickBooksSimulator({ seed: 11, customers: 40, invoices: 2300, creditNotes: 25, payments: 900, limits: { perSecond: Infinity, perMinute: Infinity } });
  const invoiceById = async (tenantId: string, id: string) => (await listDocuments(sql, tenantId, 'invoice', { externalIds: [id] }))[0]?.record;
  return { sim, server, deps: syncDeps(sql), invoiceById };
}
