// QuickBooks shortcuts over the shared provider wiring.
import { quickbooks } from '../../connectors/quickbooks/index.js';
import type { Sql } from '../../src/store/db.js';
import { createQuickBooksSimulator, type QuickBooksSimulator, type QuickBooksSimulatorOptions } from '../simulators/quickbooks/index.js';
import { connectTo, useSimulator } from './providers.js';

export { TEST_SECRET_KEY, fastGate, syncDeps } from './providers.js';

export const useQuickBooksSimulator = (options: QuickBooksSimulatorOptions) => useSimulator(createQuickBooksSimulator(options));

export async function connectQuickBooks(sql: Sql, sim: QuickBooksSimulator) {
  const c = await connectTo(sql, quickbooks, sim);
  return { ...c, realmId: c.externalTenantId };
}
