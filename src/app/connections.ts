// The tenant's connected companies as the Connections page lists them: invoices stored, whether the company can still
// be chosen, the sending switch, what waits while sending is off, and the quarantined records.
import { countDocuments } from '../store/documents.js';
import { listQuarantine } from '../store/quarantine.js';
import { listSending } from '../store/sending.js';
import { listConnections } from '../store/tenants.js';
import { hasSyncedData } from './connect.js';
import type { AppDeps } from './deps.js';
import { sendingOff } from './sending.js';

export async function connectionsOverview(deps: AppDeps, tenantId: string, now: Date) {
  const [connections, quarantined, sending, off] = await Promise.all([listConnections(deps.sql, tenantId), listQuarantine(deps.sql, tenantId), listSending(deps.sql, tenantId), sendingOff(deps, tenantId, now)]);
  const counts = await Promise.all(connections.map((x) => countDocuments(deps.sql, tenantId, 'invoice', x.id)));
  // The company can still be chosen where the provider offers several and nothing is stored yet.
  const pickable = await Promise.all(connections.map(async (x) => deps.registry.has(x.provider) && !!deps.registry.get(x.provider).auth.tenants && !(await hasSyncedData(deps, tenantId, x.id))));
  return { connections, counts, pickable, quarantined, sending, off };
}
