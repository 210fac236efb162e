// A sync request that finds its connection already syncing (another worker, a scheduled run) must still run after it:
// it may announce changes the running sync has already read past. Completing it as "busy" lost those changes until the
// next scheduled sync (found by the chaos suite: invoices created during a storm stayed unsynced).
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Service } from '../../src/service.js';
import { createProcessors } from '../../workers/processors.js';
import { useDatabase, newTenant } from '../support/db.js';
import { syncDeps } from '../support/providers.js';

const sql = useDatabase();

describe('a sync request while another sync of the connection runs', () => {
  it('is enqueued again, behind the running one, instead of being dropped', async () => {
    const t = await newTenant(sql, 'quickbooks');
    const enqueued: { name: string; payload: unknown; options: unknown }[] = [];
    const service = { runtime: { sql }, sync: syncDeps(sql), log: pino({ level: 'silent' }), queue: { enqueue: async (name: string, payload: unknown, options: unknown) => void enqueued.push({ name, payload, options }) } } as unknown as Service;
    const held = await sql.reserve();
    try {
      await held`select pg_advisory_lock(hashtextextended(${`relance:sync:${t.connection.id}`}, 0))`;
      await createProcessors(service, { executeActions: async () => undefined }).sync!({ tenantId: t.tenant.id, connectionId: t.connection.id, full: false }, { jobId: 'sync-1', attempt: 1 });
    } finally {
      await held`select pg_advisory_unlock(hashtextextended(${`relance:sync:${t.connection.id}`}, 0))`;
      held.release();
    }
    expect(enqueued).toHaveLength(1);
    expect(enqueued[0]).toMatchObject({ name: 'sync', payload: { tenantId: t.tenant.id, connectionId: t.connection.id, full: false }, options: { jobId: `sync:${t.connection.id}` } });
    expect((enqueued[0]!.options as { delayMs: number }).delayMs).toBeGreaterThan(0);
  });
});
