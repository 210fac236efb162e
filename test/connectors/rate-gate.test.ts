// The rate gate in memory and on a real Redis shared by two "processes": concurrency, windows, pauses, daily quota.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { QuotaExhausted } from '../../src/connectors/errors.js';
import { createMemoryRateGate, createRateGate, memoryBackend, redisBackend, type RateGate } from '../../src/connectors/rate-gate.js';
import { RATE_LIMITS as PENNYLANE_LIMITS } from '../../connectors/pennylane/client.js';
import { RATE_LIMITS as QUICKBOOKS_LIMITS } from '../../connectors/quickbooks/client.js';
import type { RateLimitSpec } from '../../src/connectors/types.js';

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 2 });
afterAll(() => redis.quit());

/** Runs `n` requests of `ms` each through the gates (round robin) and returns the peak number in flight. */
async function peakConcurrency(gates: RateGate[], key: string, spec: RateLimitSpec, n: number, ms = 15): Promise<number> {
  let inFlight = 0;
  let peak = 0;
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const release = await gates[i % gates.length]!.acquire(key, 'test', spec);
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      release();
    }),
  );
  return peak;
}

const spec = (patch: Partial<RateLimitSpec> = {}): RateLimitSpec => ({ perMinute: 1_000_000, concurrent: 3, defaultBackoffMs: 1000, headroom: 1, ...patch });

describe('memory gate', () => {
  it('never lets more than the concurrency limit run at once', async () => {
    expect(await peakConcurrency([createMemoryRateGate()], 'k1', spec(), 20)).toBe(3);
  });

  it('keeps headroom under the declared limits', async () => {
    expect(await peakConcurrency([createMemoryRateGate()], 'k2', spec({ concurrent: 10, headroom: 0.5 }), 30)).toBe(5);
  });

  it("paces a small quota at its headroom without rounding to whole calls: Pennylane's 25 per 5 s at 95 % is 4.75 a second, not 4", async () => {
    // A virtual clock: each wait the gate asks for moves time on by exactly that much, so the figures are the gate's own.
    let t = 0;
    const gate = createRateGate(memoryBackend(() => t), { now: () => t, sleep: async (ms) => void (t += ms) });
    const starts: number[] = [];
    for (let i = 0; i < 200; i++) {
      (await gate.acquire('pl', 'pennylane', PENNYLANE_LIMITS))();
      starts.push(t);
    }
    const perSecond = (starts.length - 1) / ((starts.at(-1)! - starts[0]!) / 1000);
    // Rounded down to 4 a second, a sync could never reach 90 % of the published quota (5 a second).
    expect(perSecond).toBeGreaterThan(4.5);
    // And never more than Pennylane's 25 in any rolling 5 s.
    for (const s0 of starts) expect(starts.filter((u) => u >= s0 && u < s0 + 5000).length).toBeLessThanOrEqual(25);
  });

  it('keeps its pace when waiters wake late (a busy event loop), without exceeding any rolling window', async () => {
    // A virtual clock where every wait ends late by 0-60 ms, as timers do while a page is parsed.
    const lateBy = [0, 35, 60, 10, 50, 25];
    for (const [limits, paced, window, allowed] of [[QUICKBOOKS_LIMITS, 450 / 60, 60_000, 500], [QUICKBOOKS_LIMITS, 450 / 60, 1000, 10], [PENNYLANE_LIMITS, (25 * 0.95) / 5, 5000, 25]] as const) {
      let t = 0;
      let n = 0;
      const gate = createRateGate(memoryBackend(() => t), { now: () => t, sleep: async (ms) => void (t += ms + lateBy[n++ % lateBy.length]!) });
      const starts: number[] = [];
      for (let i = 0; i < 600; i++) {
        (await gate.acquire('late', 'p', limits))();
        starts.push(t);
      }
      const perSecond = (starts.length - 1) / ((starts.at(-1)! - starts[0]!) / 1000);
      // Moved on by each late start, the grid gave 81 % of the pace here (QuickBooks); kept, it gives all of it.
      expect(perSecond / paced).toBeGreaterThan(0.99);
      for (const s0 of starts) expect(starts.filter((u) => u >= s0 && u < s0 + window).length).toBeLessThanOrEqual(allowed);
    }
  });

  it('waits out a full window instead of sending', async () => {
    const waits: number[] = [];
    const gate = createMemoryRateGate({ sleep: (ms) => (waits.push(ms), new Promise<void>((r) => setTimeout(r, ms))) });
    const s = spec({ perSecond: 3, concurrent: 10 });
    for (let i = 0; i < 4; i++) (await gate.acquire('k3', 'test', s))();
    expect(waits.length).toBeGreaterThanOrEqual(1);
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits[0]).toBeLessThanOrEqual(1000);
  });

  it('holds every request on a key while the provider asked for a pause', async () => {
    const waits: number[] = [];
    const gate = createMemoryRateGate({ sleep: (ms) => (waits.push(ms), new Promise<void>((r) => setTimeout(r, Math.min(ms, 20)))) });
    (await gate.acquire('k4', 'test', spec()))();
    gate.pause('k4', 60_000);
    await new Promise((r) => setTimeout(r, 5));
    const acquiring = gate.acquire('k4', 'test', spec());
    await new Promise((r) => setTimeout(r, 30));
    expect(waits[0]).toBeGreaterThan(59_000);
    gate.pause('k4', 0);
    await expect(Promise.race([acquiring, new Promise((r) => setTimeout(() => r('still waiting'), 100))])).resolves.toBe('still waiting');
  });

  it('turns a spent daily quota into QuotaExhausted with the reset time', async () => {
    const gate = createMemoryRateGate();
    const s = spec({ perDay: 2 });
    (await gate.acquire('k5', 'xero', s))();
    (await gate.acquire('k5', 'xero', s))();
    const err = await gate.acquire('k5', 'xero', s).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuotaExhausted);
    expect((err as QuotaExhausted).resetAt.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
  });
});

describe('redis gate', () => {
  it('holds one concurrency limit across two processes sharing Redis', async () => {
    const key = `shared-${Date.now()}`;
    const a = createRateGate(redisBackend(redis, { pollMs: 5 }));
    const b = createRateGate(redisBackend(redis, { pollMs: 5 }));
    expect(await peakConcurrency([a, b], key, spec({ concurrent: 2 }), 16, 10)).toBe(2);
  });

  it('spaces starts evenly across both processes, so no rolling second or minute ever exceeds the quota', async () => {
    const key = `pace-${Date.now()}`;
    // 5 per second, no headroom: one start every 200 ms whichever process asks.
    const s = spec({ perSecond: 5, perMinute: 100_000, concurrent: 10 });
    const a = createRateGate(redisBackend(redis));
    const b = createRateGate(redisBackend(redis));
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 8 }, async (_, i) => {
      (await (i % 2 ? a : b).acquire(key, 'test', s))();
      starts.push(Date.now());
    }));
    starts.sort((x, y) => x - y);
    // Any 1-second span holds at most 5 + 1 starts (the spacing, plus one at the edge).
    for (const t of starts) expect(starts.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(6);
    expect(starts[7]! - starts[0]!).toBeGreaterThanOrEqual(7 * 200 - 60);
  });

  it('keeps the grid across both processes when a start comes late, up to half an interval', async () => {
    const key = `late-${Date.now()}`;
    // 5 per second: one start every 200 ms. Every wait ends 80 ms late.
    const s = spec({ perSecond: 5, perMinute: 100_000, concurrent: 10 });
    const late = (ms: number) => new Promise<void>((r) => setTimeout(r, ms + 80));
    const a = createRateGate(redisBackend(redis), { sleep: late });
    const b = createRateGate(redisBackend(redis), { sleep: late });
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 10 }, async (_, i) => {
      (await (i % 2 ? a : b).acquire(key, 'test', s))();
      starts.push(Date.now());
    }));
    starts.sort((x, y) => x - y);
    // Moved on by each late start, nine gaps would take at least 9 × 280 ms; on the grid, about 9 × 200.
    expect(starts[9]! - starts[0]!).toBeLessThan(9 * 280 - 300);
    for (const t of starts) expect(starts.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(6);
  });

  it('spaces an app-wide quota across every company of the provider', async () => {
    const provider = `app-${Date.now()}`;
    // 300 per minute for the whole app, plenty per company: one start every 200 ms whatever the company.
    const s = spec({ perMinute: 1_000_000, appPerMinute: 300, concurrent: 10 });
    const a = createRateGate(redisBackend(redis));
    const b = createRateGate(redisBackend(redis));
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 6 }, async (_, i) => {
      (await (i % 2 ? a : b).acquire(`${provider}:company-${i}`, provider, s))();
      starts.push(Date.now());
    }));
    starts.sort((x, y) => x - y);
    expect(starts[5]! - starts[0]!).toBeGreaterThanOrEqual(5 * 200 - 60);
  });
});
