// One contract, two drivers: the in-process queue and BullMQ on a real Redis must behave the same.
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it, vi } from 'vitest';
import type { Queue } from 'bullmq';
import { createBullQueue, createMemoryQueue, JOB_PRIORITY, type QueueDriver } from '../../src/queue/index.js';

const fast = { attempts: 3, backoffMs: 20 };
const drivers: [string, () => QueueDriver][] = [
  ['in-process', () => createMemoryQueue({ retry: fast })],
  ['bullmq', () => createBullQueue(inject('redisUrl'), { name: `test-${randomUUID()}`, retry: fast })],
];

const ids = () => ({ tenantId: randomUUID(), connectionId: randomUUID() });
const until = async (check: () => boolean | Promise<boolean>, ms = 8000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe.each(drivers)('%s driver', (_label, make) => {
  it('delivers a validated payload to its handler', async () => {
    const q = make();
    const seen: unknown[] = [];
    await q.process({ sync: async (p) => void seen.push(p) });
    const payload = ids();
    await q.enqueue('sync', { ...payload, full: true });
    await until(() => seen.length === 1);
    expect(seen[0]).toEqual({ ...payload, full: true });
    await q.close();
  });

  it('refuses a malformed payload at enqueue time', async () => {
    const q = make();
    await expect(q.enqueue('sync', { tenantId: 'not-a-uuid', connectionId: randomUUID(), full: false })).rejects.toThrow(/tenantId/);
    await q.close();
  });

  it('does not enqueue a job whose id is already waiting', async () => {
    const q = make();
    const p = ids();
    await q.enqueue('evaluate', p, { jobId: `evaluate:${p.connectionId}`, delayMs: 200 });
    await q.enqueue('evaluate', p, { jobId: `evaluate:${p.connectionId}`, delayMs: 200 });
    const counts = await q.counts();
    expect(counts.waiting + counts.delayed).toBe(1);
    let runs = 0;
    await q.process({ evaluate: async () => void runs++ });
    await until(() => runs === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(runs).toBe(1);
    await q.close();
  });

  it('runs once more when nudged while running, however many nudges arrive', async () => {
    const q = make();
    const p = ids();
    let runs = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    await q.process({
      webhook: async () => {
        runs++;
        if (runs === 1) await gate;
      },
    });
    await q.enqueue('webhook', { tenantId: p.tenantId, provider: 'quickbooks' }, { jobId: 'nudge' });
    await until(() => runs === 1);
    for (let i = 0; i < 3; i++) await q.enqueue('webhook', { tenantId: p.tenantId, provider: 'quickbooks' }, { jobId: 'nudge' });
    release();
    await until(() => runs === 2);
    await new Promise((r) => setTimeout(r, 150));
    expect(runs).toBe(2);
    await q.close();
  });

  it('gives a free slot to syncs before sends, to sends before evaluations, then to the nightly work, each rank in arrival order', async () => {
    const q = make();
    const order: string[] = [];
    const t = () => randomUUID();
    const first = ids();
    const jobs: [string, () => Promise<void>][] = [
      ['insolvency', () => q.enqueue('insolvency', { tenantId: t(), unchecked: false })],
      ['evaluate 1', () => q.enqueue('evaluate', first)],
      ['actions', () => q.enqueue('actions', { tenantId: t() })],
      ['reconcile', () => q.enqueue('reconcile', ids())],
      ['sync 1', () => q.enqueue('sync', { ...ids(), full: false })],
      ['evaluate 2', () => q.enqueue('evaluate', ids())],
      ['sync 2', () => q.enqueue('sync', { ...ids(), full: true })],
    ];
    for (const [, add] of jobs) await add();
    const seen = (label: string) => async () => void order.push(label);
    await q.process(
      {
        sync: async (p) => void order.push(p.full ? 'sync 2' : 'sync 1'),
        evaluate: async (p) => void order.push(p.connectionId === first.connectionId ? 'evaluate 1' : 'evaluate 2'),
        actions: seen('actions'),
        reconcile: seen('reconcile'),
        insolvency: seen('insolvency'),
      },
      { concurrency: 1 },
    );
    await until(() => order.length === jobs.length);
    expect(order).toEqual(['sync 1', 'sync 2', 'actions', 'evaluate 1', 'evaluate 2', 'insolvency', 'reconcile']);
    await q.close();
  });

  it.skipIf(_label !== 'bullmq')('gives scheduled batch jobs their rank too (BullMQ makes them from the schedule\'s template)', async () => {
    const q = make();
    const queue = q.boardQueues()[0] as Queue;
    await q.schedule('evaluate', ids(), { id: 'evaluate:ranked', everyMs: 60_000, offsetMs: 1_000 });
    await q.schedule('sync', { ...ids(), full: false }, { id: 'sync:ranked', everyMs: 60_000, offsetMs: 1_000 });
    expect((await queue.getJobScheduler('evaluate:ranked'))?.template?.opts?.priority).toBe(JOB_PRIORITY.evaluate);
    expect((await queue.getJobScheduler('sync:ranked'))?.template?.opts?.priority).toBeUndefined();
    await q.close();
  });

  it('retries a failing job with backoff and succeeds', async () => {
    const q = make();
    const attempts: number[] = [];
    await q.process({
      actions: async (_p, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error('SMTP 421 try again later');
      },
    });
    await q.enqueue('actions', { tenantId: randomUUID() });
    await until(() => attempts.length === 3);
    expect(attempts).toEqual([1, 2, 3]);
    await until(async () => (await q.counts()).active === 0);
    expect(await q.deadLetters()).toEqual([]);
    await q.close();
  });

  it('dead-letters a job that keeps failing, with its error and attempts', async () => {
    const q = make();
    await q.process({ refresh: async () => { throw new Error('invalid_grant'); } });
    const p = ids();
    await q.enqueue('refresh', p);
    await until(async () => (await q.deadLetters()).length === 1);
    const [dead] = await q.deadLetters();
    expect(dead).toMatchObject({ name: 'refresh', attempts: 3, error: 'invalid_grant', payload: p });
    await q.close();
  });

  it('runs a schedule repeatedly and stops when unscheduled', async () => {
    const q = make();
    const seen: unknown[] = [];
    await q.process({ reconcile: async (p) => void seen.push(p) });
    const payload = ids();
    const id = `nightly-${randomUUID()}`;
    await q.schedule('reconcile', payload, { id, everyMs: 60 });
    await until(() => seen.length >= 3);
    expect(seen.slice(0, 3)).toEqual([payload, payload, payload]);
    await q.unschedule(id);
    const atUnschedule = seen.length;
    // A run already enqueued when the schedule was removed may still arrive; then nothing more, over eight periods.
    await new Promise((r) => setTimeout(r, 250));
    const settled = seen.length;
    expect(settled - atUnschedule).toBeLessThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(seen.length).toBe(settled);
    await q.close();
  });

  it('runs a schedule with a phase at that phase of its period, and another phase at its own', async () => {
    const q = make();
    const every = 1000;
    const runs = new Map<string, number[]>();
    const set = [`early-${randomUUID()}`, `late-${randomUUID()}`];
    // BullMQ runs a new schedule once as it is set (the in-process driver does not): that run is left out, whenever a
    // busy machine picks it up. The runs the schedule makes carry its own job ids (BullMQ `repeat:…`, the in-process
    // driver `schedule:…`).
    await q.process({
      reconcile: async (p, c) => {
        if (/^(repeat|schedule):/.test(c.jobId)) (runs.get(p.connectionId) ?? runs.set(p.connectionId, []).get(p.connectionId)!).push(Date.now());
      },
    });
    const early = ids();
    const late = ids();
    await q.schedule('reconcile', early, { id: set[0]!, everyMs: every, offsetMs: 200 });
    await q.schedule('reconcile', late, { id: set[1]!, everyMs: every, offsetMs: 700 });
    const phased = (p: { connectionId: string }) => runs.get(p.connectionId) ?? [];
    await until(() => phased(early).length >= 2 && phased(late).length >= 2, 6000);
    for (const id of set) await q.unschedule(id);
    // Started at or after their phase and before the other's (a job's pick-up takes a few ms, hundreds on a busy
    // machine running the whole suite): early in [200, 700), late in [700, 1000) or wrapped to [0, 200).
    const phases = (p: { connectionId: string }) => phased(p).slice(0, 2).map((t) => t % every);
    for (const ph of phases(early)) expect(ph).toSatisfy((x: number) => x >= 200 && x < 700);
    for (const ph of phases(late)) expect(ph).toSatisfy((x: number) => x >= 700 || x < 200);
    await q.close();
  });

  it('lets a running job finish on close', async () => {
    const q = make();
    let finished = false;
    let started = false;
    await q.process({ sync: async () => { started = true; await new Promise((r) => setTimeout(r, 150)); finished = true; } });
    await q.enqueue('sync', { ...ids(), full: false });
    await until(() => started);
    await q.close(5000);
    expect(finished).toBe(true);
  });
});

describe('in-process driver, wall clock against timers', () => {
  it('runs a phased schedule no earlier than its phase when the wall clock runs slower than the timers', async () => {
    // Timers count on a monotonic clock, the phase is on the wall clock (Date.now), and the two drift apart (NTP slewing
    // it, whole milliseconds truncated differently): a CI run saw a 700 ms phase run at 699. Here the wall clock runs at
    // 80 % of the timers' pace from the moment the schedule is set, so a timer set for the phase's instant falls short.
    const real = Date.now.bind(Date);
    const t0 = real();
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => t0 + Math.floor((real() - t0) * 0.8));
    try {
      const q = createMemoryQueue({ retry: fast });
      const every = 500;
      const runs: number[] = [];
      await q.process({ reconcile: async () => void runs.push(Date.now()) });
      const id = `slow-wall-${randomUUID()}`;
      await q.schedule('reconcile', ids(), { id, everyMs: every, offsetMs: 400 });
      await until(() => runs.length >= 3, 6000);
      await q.unschedule(id);
      await q.close();
      // Each run on the wall clock at or after its phase, a pick-up's few ms allowed: in [400, 500) or wrapped to [0, 50).
      for (const t of runs.slice(0, 3)) expect(t % every).toSatisfy((x: number) => x >= 400 || x < 50);
    } finally {
      clock.mockRestore();
    }
  });
});
