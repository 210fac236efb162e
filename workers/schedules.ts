// Schedules per connection: incremental sync, token refresh, nightly reconciliation, daily evaluation at the tenant's send time, inbox and outbox sweeps.
import { DEFAULT_SYNC_EVERY_MS } from '../src/connectors/types.js';
import type { Service } from '../src/service.js';
import { dateInZone } from '../src/model/index.js';
import { currentMissingRates } from '../src/rates/job.js';
import { getTenant, listActiveConnections } from '../src/store/tenants.js';

export async function installSchedules(service: Service): Promise<number> {
  const { sql } = service.runtime;
  const connections = await listActiveConnections(sql);
  const tenants = new Set<string>();
  for (const c of connections) {
    const tenant = await getTenant(sql, c.tenantId);
    if (!tenant) continue;
    const ids = { tenantId: c.tenantId, connectionId: c.id };
    const every = service.registry.has(c.provider) ? (service.registry.get(c.provider).syncEveryMs ?? DEFAULT_SYNC_EVERY_MS) : DEFAULT_SYNC_EVERY_MS;
    await service.queue.schedule('sync', { ...ids, full: false }, { id: `sync:${c.id}`, everyMs: every });
    await service.queue.schedule('refresh', ids, { id: `refresh:${c.id}`, everyMs: 10 * 60_000 });
    await service.queue.schedule('reconcile', ids, { id: `reconcile:${c.id}`, cron: '30 2 * * *', timeZone: tenant.timeZone });
    await service.queue.schedule('evaluate', ids, { id: `evaluate:${c.id}`, cron: '0 8 * * *', timeZone: tenant.timeZone });
    if (!tenants.has(c.tenantId)) {
      tenants.add(c.tenantId);
      // Sweeps: a lost wake-up (Redis restarted, process killed) is picked up from PostgreSQL within a minute.
      await service.queue.schedule('actions', { tenantId: c.tenantId }, { id: `actions:${c.tenantId}`, everyMs: 60_000 });
    }
    await service.queue.schedule('webhook', { tenantId: c.tenantId, provider: c.provider }, { id: `webhook:${c.tenantId}:${c.provider}`, everyMs: 60_000 });
  }
  // Reference rates: daily, and now when the current half-year has a rate nobody knows yet.
  await service.queue.schedule('rates', {}, { id: 'rates', cron: '15 6 * * *', timeZone: service.config.DEFAULT_TIME_ZONE });
  if ((await currentMissingRates(sql, dateInZone(new Date(), service.config.DEFAULT_TIME_ZONE))).length) await service.queue.enqueue('rates', {}, { jobId: 'rates-startup' });
  return connections.length;
}
