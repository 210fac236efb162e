// The tenant's connected companies as the Connections page lists them: invoices stored, whether the company can still
// be chosen, the sending switch, what waits while sending is off, and the quarantined records; one connection, and a
// connection disconnected.
import { disconnectConnection } from '../store/auth.js';
import { countDocuments } from '../store/documents.js';
import { listQuarantine } from '../store/quarantine.js';
import { listSending } from '../store/sending.js';
import { getConnection, listConnections, type Connection } from '../store/tenants.js';
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

/** The tenant's connections, oldest first. */
export const tenantConnections = (deps: AppDeps, tenantId: string): Promise<Connection[]> => listConnections(deps.sql, tenantId);

/** One of the tenant's connections; null when the tenant has none by that id. */
export const connectionOf = (deps: AppDeps, tenantId: string, connectionId: string): Promise<Connection | null> => getConnection(deps.sql, tenantId, connectionId);

/** Disconnects one of the tenant's connections (its credentials forgotten, its data kept); false when there is no such connection. */
export const disconnect = (deps: AppDeps, tenantId: string, connectionId: string): Promise<boolean> => disconnectConnection(deps.sql, tenantId, connectionId);
