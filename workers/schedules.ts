// Schedules: per connection its incremental sync, token refresh, nightly reconciliation and daily evaluation at the tenant's send time; one inbox and outbox sweep.
import { DEFAULT_SYNC_EVERY_MS } from '../src/connectors/types.js';
import { spreadPhase } from '../src/queue/driver.js';
import type { Service } from '../src/service.js';
import { dateInZone } from '../src/model/index.js';
import { currentMissingRates } from '../src/rates/job.js';
import { getTenant, listActiveConnections, type Connection } from '../src/store/tenants.js';

/** Connections scheduled at once (each one's schedules are set in order). */
const SCHEDULE_AT_ONCE = 20;

/** Outbox and webhook inbox sweep. */
const SWEEP_EVERY_MS = 60_000;

/** Token refresh: ahead of a 15-minute expiry window (workers/processors.ts). */
const REFRESH_EVERY_MS = 10 * 60_000;

export async function installSchedules(service: Service, done: Set<string> = new Set()): Promise<number> {
  const { sql } = service.runtime;
  const connections = await listActiveConnections(sql);
  await scheduleConnections(service, connections, done);
  // One sweep for every tenant: a lost wake-up (Redis restarted, process killed) is picked up from PostgreSQL within a
  // minute. One scheduler id for the whole service, whatever the number of processes and tenants: a minute costs one
  // query and a job per tenant with work due, not two jobs per tenant.
  await service.queue.schedule('sweep', {}, { id: 'sweep', everyMs: SWEEP_EVERY_MS });
  // Reference rates: daily, and now when the current half-year has a rate nobody knows yet.
  await service.queue.schedule('rates', {}, { id: 'rates', cron: '15 6 * * *', timeZone: service.config.DEFAULT_TIME_ZONE });
  if ((await currentMissingRates(sql, dateInZone(new Date(), service.config.DEFAULT_TIME_ZONE), service.addedRates)).length) await service.queue.enqueue('rates', {}, { jobId: 'rates-startup' });
  // The inbound mailbox: read now, then every INBOUND_IMAP_EVERY_MS (one reader at a time: one scheduler id).
  if (service.config.INBOUND_IMAP_URL) {
    await service.queue.schedule('inbound', {}, { id: 'inbound-imap', everyMs: service.config.INBOUND_IMAP_EVERY_MS });
    await service.queue.enqueue('inbound', {}, { jobId: 'inbound-startup' });
  }
  return connections.length;
}

/**
 * Schedules each connection's syncs, token refresh, reconciliation and daily evaluation.
 * Called at start-up for every active connection, then for those connected since (the service adopts them as they
 * appear): `done` holds the connections already scheduled by this process, so their timers are not reset.
 */
export async function scheduleConnections(service: Service, connections: readonly Connection[], done: Set<string> = new Set()): Promise<number> {
  const { sql } = service.runtime;
  let n = 0;
  const scheduleOne = async (c: Connection) => {
    const tenant = await getTenant(sql, c.tenantId);
    if (!tenant) return;
    const ids = { tenantId: c.tenantId, connectionId: c.id };
    // The operator's SYNC_EVERY_MS, else the provider's own cadence (one that publishes a tight quota syncs less often).
    const every = service.config.SYNC_EVERY_MS ?? (service.registry.has(c.provider) ? (service.registry.get(c.provider).syncEveryMs ?? DEFAULT_SYNC_EVERY_MS) : DEFAULT_SYNC_EVERY_MS);
    // Each connection at its own phase of the cycle (a stable hash of its id): set at the same start-up, they would all
    // fall due at one instant every cycle, and the last of them would start a whole burst late.
    await service.queue.schedule('sync', { ...ids, full: false }, { id: `sync:${c.id}`, everyMs: every, offsetMs: spreadPhase(`sync:${c.id}`, every) });
    await service.queue.schedule('refresh', ids, { id: `refresh:${c.id}`, everyMs: REFRESH_EVERY_MS, offsetMs: spreadPhase(`refresh:${c.id}`, REFRESH_EVERY_MS) });
    await service.queue.schedule('reconcile', ids, { id: `reconcile:${c.id}`, cron: '30 2 * * *', timeZone: tenant.timeZone });
    await service.queue.schedule('evaluate', ids, { id: `evaluate:${c.id}`, cron: '0 8 * * *', timeZone: tenant.timeZone });
    // The insolvency watch reads the publisher for the whole portfolio before the morning's evaluation.
    await service.queue.schedule('insolvency', { tenantId: c.tenantId, unchecked: false }, { id: `insolvency:${c.tenantId}`, cron: '0 7 * * *', timeZone: tenant.timeZone });
    // The tenant's own sweeps, set by earlier versions: the one sweep (installSchedules) replaces them.
    await service.queue.unschedule(`actions:${c.tenantId}`);
    await service.queue.unschedule(`webhook:${c.tenantId}:${c.provider}`);
    done.add(c.id);
    n++;
  };
  // A dozen round trips to Redis a connection: one after the other, 500 connections took over two minutes to schedule
  // on a busy machine while the process was already running jobs. Some at a time, in the order given.
  const pending = [...new Map(connections.filter((c) => !done.has(c.id)).map((c) => [c.id, c])).values()];
  for (let i = 0; i < pending.length; i += SCHEDULE_AT_ONCE) await Promise.all(pending.slice(i, i + SCHEDULE_AT_ONCE).map(scheduleOne));
  return n;
}
