// Switching sending on or off for a connection (waking the workers when it goes on), and what waits while it is off.
import { heldItems } from '../actions/outbox-lease.js';
import { getSending, listSending, MIGRATION_ACTOR, setSending, type SendingChange, type SendingState, type SendingVia } from '../store/sending.js';
import { listConnections, type Connection } from '../store/tenants.js';
import type { AppDeps } from './deps.js';

/**
 * Turns sending on or off for one connection of the tenant, recorded with `actor`; null when the tenant has no such
 * connection. Turned on, the workers are woken so what is due goes out now rather than at their next sweep.
 */
export async function switchSending(deps: AppDeps, tenantId: string, connectionId: string, enabled: boolean, actor: string, via: SendingVia): Promise<SendingChange | null> {
  const change = await setSending(deps.sql, tenantId, connectionId, enabled, actor, via);
  if (change?.changed && enabled) await deps.wakeActions?.(tenantId);
  return change;
}

/** Each of the tenant's connections' sending switch, by connection id. */
export const sendingStates = (deps: AppDeps, tenantId: string): Promise<Map<string, SendingState>> => listSending(deps.sql, tenantId);

/** One connection's sending switch; null when the tenant has no such connection. */
export const sendingStateOf = (deps: AppDeps, tenantId: string, connectionId: string): Promise<SendingState | null> => getSending(deps.sql, tenantId, connectionId);

/** Who last turned the switch, when a person did (not the migration that set every connection's first state). */
export const switchedBy = (state: SendingState): string | null => (state.changedBy && state.changedBy !== MIGRATION_ACTOR ? state.changedBy : null);

export interface SendingOff {
  connection: Connection;
  state: SendingState;
  /** Held actions due now: they go out as soon as sending is on. */
  due: number;
  /** Every held action (due now or later, alerts aside: those are not held). */
  planned: number;
}

/** The tenant's connections whose sending is off, with what waits for each (disconnected ones aside: nothing would go out anyway). */
export async function sendingOff(deps: AppDeps, tenantId: string, now: Date): Promise<SendingOff[]> {
  const [connections, states, held] = await Promise.all([listConnections(deps.sql, tenantId), listSending(deps.sql, tenantId), heldItems(deps.sql, tenantId, now)]);
  return connections
    .filter((c) => c.status !== 'disconnected' && states.get(c.id)?.enabled === false)
    .map((c) => {
      const h = held.find((x) => x.connectionId === c.id);
      return { connection: c, state: states.get(c.id)!, due: h?.due ?? 0, planned: h?.planned ?? 0 };
    });
}
