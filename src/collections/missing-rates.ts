// The reference rates one tenant's dashboard warns of: those its active policy reads, demo companies' simulated rates included.
import type { Sql } from '../store/db.js';
import { NO_ADDED_RATES, type AddedRates } from '../rules/rate-tables.js';
import { loadRateBook } from '../store/rates.js';
import { listConnections, type Tenant } from '../store/tenants.js';
import type { RateKind } from '../rates/publishers.js';
import { missingRates, ratesUsedBy, type MissingRate } from '../rates/staleness.js';
import { demoSettingsOf } from '../demo/host.js';
import { withDemoRates } from '../demo/rates.js';
import { policyFor } from './run.js';

/**
 * For one tenant's dashboard: the rates its active policy reads, and those of them unknown for the current half-year.
 * A French tenant on the French policy hears of the ECB rate only; /health stays global (currentMissingRates).
 */
export async function tenantMissingRates(sql: Sql, tenant: Tenant, today: string, added: AddedRates = NO_ADDED_RATES): Promise<{ used: RateKind[]; missing: MissingRate[] }> {
  const used = ratesUsedBy(await policyFor(sql, tenant));
  if (used.length === 0) return { used, missing: [] };
  // A tenant whose companies are all demos reads the simulated rates too (src/demo/rates.ts), as its previews do.
  const connections = await listConnections(sql, tenant.id);
  const demoOnly = connections.length > 0 && connections.every((c) => demoSettingsOf(c));
  const book = { ...(await loadRateBook(sql)), added };
  return { used, missing: missingRates(demoOnly ? withDemoRates(book, today) : book, today).filter((m) => used.includes(m.kind)) };
}
