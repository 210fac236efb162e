// Schedules on BullMQ (a real Redis): each connection's sync at its own stable phase of the cycle, not all at the instant the workers started.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createBullQueue, type QueueDriver } from '../../src/queue/index.js';
import { spreadPhase } from '../../src/queue/driver.js';
import type { Service } from '../../src/service.js';
import type { Connection } from '../../src/store/tenants.js';
import { scheduleConnections } from '../../workers/schedules.js';
import { newTenant, useDatabase } from '../support/db.js';

const sql = useDatabase();
const EVERY = 60_000;
const opened: { close(): Promise<void> }[] = [];
const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
afterAll(async () => {
  for (const o of opened) await o.close();
  redis.disconnect();
});

/** A process's service as far as scheduling goes: its own queue on the shared Redis, SYNC_EVERY_MS set. */
function serviceOn(name: string): Service {
  const queue: QueueDriver = createBullQueue(inject('redisUrl'), { name });
  opened.push(queue);
  return { runtime: { sql }, queue, config: { SYNC_EVERY_MS: EVERY, DEFAULT_TIME_ZONE: 'Europe/Paris' }, registry: { has: () => false }, log: pino({ level: 'silent' }) } as unknown as Service;
}

async function connection(): Promise<Connection> {
  const t = await newTenant(sql, 'quickbooks');
  return { ...t.connection, tenantId: t.tenant.id };
}

function schedulersOf(name: string) {
  const q = new Queue(name, { connection: redis });
  opened.push(q);
  return async (id: string) => {
    const s = await q.getJobScheduler(id);
    return { offset: s?.offset, next: s?.next };
  };
}

describe('sync schedules', () => {
  it('give two connections different phases within the cycle, the same in every process and after a restart', async () => {
    const name = `sched-${randomUUID()}`;
    const [a, b] = [await connection(), await connection()];
    await scheduleConnections(serviceOn(name), [a, b]);
    const scheduler = schedulersOf(name);
    const queue = new Queue(name, { connection: redis });
    opened.push(queue);
    const first = { a: await scheduler(`sync:${a.id}`), b: await scheduler(`sync:${b.id}`) };
    for (const s of [first.a, first.b]) {
      expect(s.offset).toBeGreaterThan(0);
      expect(s.offset).toBeLessThan(EVERY);
      // The next run falls at the connection's phase, within one cycle.
      expect(s.next! % EVERY).toBe(s.offset);
      expect(s.next! - Date.now()).toBeLessThanOrEqual(EVERY);
    }
    expect(first.a.offset).not.toBe(first.b.offset);
    expect(first.a.offset).toBe(spreadPhase(`sync:${a.id}`, EVERY));
    // New schedules: each connection's first sync runs now (a worker adopting a company), not a cycle later.
    const syncsNow = async () => (await queue.getWaiting()).filter((j) => j.name === 'sync').map((j) => (j.data as { connectionId: string }).connectionId).sort();
    expect(await syncsNow()).toEqual([a.id, b.id].sort());
    // A second process (or this one restarted) schedules the same connections: same phase, same next run, not reset,
    // and no sync now beyond the first ones.
    await scheduleConnections(serviceOn(name), [a, b]);
    expect({ a: await scheduler(`sync:${a.id}`), b: await scheduler(`sync:${b.id}`) }).toEqual(first);
    expect(await syncsNow()).toEqual([a.id, b.id].sort());
  });

  it('move a schedule left at another phase (a version that set none) to the connection\'s own', async () => {
    const name = `sched-${randomUUID()}`;
    const c = await connection();
    const service = serviceOn(name);
    // As the previous version set it: no phase, so the moment it was set is its phase.
    await service.queue.schedule('sync', { tenantId: c.tenantId, connectionId: c.id, full: false }, { id: `sync:${c.id}`, everyMs: EVERY });
    await scheduleConnections(serviceOn(name), [c]);
    const s = await schedulersOf(name)(`sync:${c.id}`);
    expect(s.offset).toBe(spreadPhase(`sync:${c.id}`, EVERY));
    expect(s.next! % EVERY).toBe(s.offset);
  });

  it("remove the tenant's own per-minute sweeps an earlier version left in Redis (the one sweep replaces them)", async () => {
    const name = `sched-${randomUUID()}`;
    const c = await connection();
    const old = serviceOn(name);
    await old.queue.schedule('actions', { tenantId: c.tenantId }, { id: `actions:${c.tenantId}`, everyMs: 60_000 });
    await old.queue.schedule('webhook', { tenantId: c.tenantId, provider: c.provider }, { id: `webhook:${c.tenantId}:${c.provider}`, everyMs: 60_000 });
    const scheduler = schedulersOf(name);
    expect((await scheduler(`actions:${c.tenantId}`)).next).toBeDefined();
    await scheduleConnections(serviceOn(name), [c]);
    expect(await scheduler(`actions:${c.tenantId}`)).toEqual({ offset: undefined, next: undefined });
    expect(await scheduler(`webhook:${c.tenantId}:${c.provider}`)).toEqual({ offset: undefined, next: undefined });
  });
});
