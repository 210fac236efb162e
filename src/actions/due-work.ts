// The per-minute sweep's one query: which tenants have outbox items due and webhook events pending, across all tenants.
import type { Sql } from '../store/db.js';
import { mayStart } from './outbox-lease.js';

export interface DueWork {
  /** Tenants with an outbox item the executor would take now (as `dueItems` reads them). */
  actions: string[];
  /** Tenants and providers with webhook events stored and not yet processed. */
  webhooks: { tenantId: string; provider: string }[];
}

/**
 * What the sweep wakes: the one query across tenants (like listing the active connections), returning only ids; each
 * woken job reads its own tenant's items, scoped as always. Only tenants with a connection the workers schedule
 * (active or paused, connected), as when each of them had its own sweeps. The outbox half reads the same items as
 * `dueItems` (planned and due whose connection may send; `sending` whose lease ran out) through the `outbox_due` partial
 * index (its plan, on 100,000 sent items: an index scan of that index), so its cost follows the items in flight and the
 * connections, not the outbox's history.
 */
export async function dueWork(sql: Sql, now: Date, leaseMs: number): Promise<DueWork> {
  const rows = await sql<{ job: 'actions' | 'webhook'; tenant_id: string; provider: string | null }[]>`
    with scheduled as (
      select distinct tenant_id, provider from connections where status in ('active', 'paused') and external_tenant_id is not null
    )
    select 'actions' as job, o.tenant_id::text as tenant_id, null::text as provider from outbox o
    where o.state in ('planned', 'sending')
      and ((o.state = 'planned' and o.due_at <= ${now} and ${mayStart(sql)})
        or (o.state = 'sending' and o.updated_at <= now() - make_interval(secs => ${leaseMs / 1000})))
      and exists (select 1 from scheduled s where s.tenant_id = o.tenant_id)
    group by o.tenant_id
    union all
    select 'webhook', i.tenant_id::text, i.provider from inbox i
    where i.processed_at is null and i.connection_id is not null
      and exists (select 1 from scheduled s where s.tenant_id = i.tenant_id and s.provider = i.provider)
    group by i.tenant_id, i.provider`;
  return {
    actions: rows.filter((r) => r.job === 'actions').map((r) => r.tenant_id),
    webhooks: rows.filter((r) => r.job === 'webhook').map((r) => ({ tenantId: r.tenant_id, provider: r.provider! })),
  };
}
