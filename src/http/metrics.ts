// Prometheus metrics: queue jobs, sync lag, provider requests and 429s, actions by state, quarantine size; gathered at scrape time.
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Service } from '../service.js';

export function createMetrics(service: Pick<Service, 'runtime' | 'queue' | 'requests'>): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'relance_' });
  const { sql } = service.runtime;

  new Gauge({
    name: 'relance_jobs',
    help: 'Queue jobs by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await service.queue.counts();
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'relance_provider_requests_total',
    help: 'Provider API requests since start (status 429 counted in relance_provider_throttled_total)',
    labelNames: ['provider'],
    registers: [registry],
    collect() {
      for (const [provider, c] of Object.entries(service.requests.byProvider)) this.set({ provider }, c.total);
    },
  });
  new Gauge({
    name: 'relance_provider_throttled_total',
    help: 'Provider answers with HTTP 429 since start',
    labelNames: ['provider'],
    registers: [registry],
    collect() {
      for (const [provider, c] of Object.entries(service.requests.byProvider)) this.set({ provider }, c.throttled);
    },
  });
  new Gauge({
    name: 'relance_sync_lag_seconds',
    help: 'Seconds since the last successful sync, worst connection per provider',
    labelNames: ['provider'],
    registers: [registry],
    async collect() {
      const rows = await sql<{ provider: string; lag: number }[]>`
        select provider, extract(epoch from now() - min(coalesce(last_sync_at, created_at)))::float8 as lag
        from connections where status in ('active','paused') group by provider`;
      for (const r of rows) this.set({ provider: r.provider }, r.lag);
    },
  });
  new Gauge({
    name: 'relance_actions',
    help: 'Outbox actions by kind and state',
    labelNames: ['kind', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await sql<{ kind: string; state: string; n: number }[]>`select kind, state, count(*)::int as n from outbox group by kind, state`;
      for (const r of rows) this.set({ kind: r.kind, state: r.state }, r.n);
    },
  });
  new Gauge({
    name: 'relance_quarantine_records',
    help: 'Unresolved quarantined records by entity',
    labelNames: ['entity'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await sql<{ entity: string; n: number }[]>`select entity, count(*)::int as n from quarantine where resolved_at is null group by entity`;
      for (const r of rows) this.set({ entity: r.entity }, r.n);
    },
  });
  return registry;
}
