// Client-side pacing under each provider's declared quotas: per-second/minute/day windows, a concurrency cap, pauses after a 429.
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { QuotaExhausted } from './errors.js';
import type { RateLimitSpec, RemainingCounts } from './types.js';

/**
 * One gate is shared by everything that calls a provider for a company (sync, webhook re-reads, write-backs),
 * because the provider counts them all against one budget. Keys are `<provider>:<external tenant id>`.
 */
export interface RateGate {
  /** Waits until a request may start; call the returned function when it finishes. */
  acquire(key: string, provider: string, spec: RateLimitSpec): Promise<() => void>;
  /** The provider asked us to stop: no request on this key starts before `ms` from now. */
  pause(key: string, ms: number): void;
  /**
   * What the provider said this key has left (its remaining-count headers, see RateLimitSpec.remainingHeaders): the
   * gate stops at the same headroom its declared limits keep, and a window at zero pauses the key or the app.
   */
  observe(key: string, provider: string, spec: RateLimitSpec, counts: RemainingCounts): void;
  close(): Promise<void>;
}

export interface RateGateOptions {
  /** A daily-quota wait longer than this surfaces as QuotaExhausted instead of blocking a worker. */
  maxDailyWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Where the gate keeps what must be shared: the windows (rate-limiter-flexible limiters, memory or Redis),
 * the concurrency leases and the pause deadline. Memory for one process, Redis for many.
 */
export interface GateBackend {
  window(name: string, points: number, durationSeconds: number): RateLimiterAbstract;
  /**
   * Even spacing: reserves the next start `intervalMs` after the previous one's reserved time and returns 0, or
   * returns how long to wait. Unlike fixed windows, spacing holds over any rolling second or minute the provider
   * counts. A start that comes late keeps the grid, up to PACE_CATCH_UP of an interval (see there).
   */
  pace(key: string, intervalMs: number): Promise<number>;
  /** Takes a concurrency slot or returns null when `limit` are taken. */
  tryLease(key: string, limit: number): Promise<string | null>;
  release(key: string, lease: string): Promise<void>;
  /** Resolves when a slot may have been freed (or after a short poll interval). */
  slotFreed(key: string): Promise<void>;
  pausedUntil(key: string): Promise<number>;
  pauseUntil(key: string, untilMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * How far behind its reserved time a start may come and still keep the grid, as a share of the interval. A waiter's
 * timer fires late when the event loop is busy (parsing a 2 MB page takes 30-50 ms), and a grid moved on by every
 * late start loses that lateness each time: in a model of three requests that each block the loop for 40 ms after a
 * 100 ms answer, 392-410 starts a minute against our 450, and 427-437 with this catch-up. A start later than that (after an idle spell) starts
 * the grid again, as before, so there is no burst after a pause. The cost is a bound half a start looser: starts sit
 * on the grid or up to half an interval after it, so any window of W holds at most W / interval + 1.5 of them (451 a
 * minute at our 450, QuickBooks' 10 a second and Pennylane's 25 in 5 s still never exceeded).
 */
export const PACE_CATCH_UP = 0.5;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Quota we allow ourselves: the declared limit minus headroom for other traffic, at least 1 (a count: whole calls). */
export function effectiveLimit(limit: number, spec: RateLimitSpec): number {
  return Math.max(1, Math.floor(limit * (spec.headroom ?? 0.9)));
}

/**
 * The pace we allow ourselves in a window, in calls per window: the same headroom, but not rounded down. Rounding a
 * small limit to whole calls cost more than the headroom: Pennylane's 5 a second at 95 % became 4 (80 % of the quota)
 * where 4.75 keeps an even 210 ms spacing, at most 24 calls in any 5 s against its 25.
 */
export function pacedRate(limit: number, spec: RateLimitSpec): number {
  return Math.max(1, limit * (spec.headroom ?? 0.9));
}

/** The app-wide key of a provider (its app quota and pauses, shared by every company). */
const appKey = (provider: string) => `${provider}:app`;

/**
 * The daily count a provider last reported for a key, counted down by each call started since, and the largest count
 * it ever reported plus one: the daily limit is at least that (the provider sends what is left, never the limit), so a
 * company on a 1,000-a-day plan keeps a headroom of 100 where the declared 5,000 would keep 500.
 */
interface Reported {
  day: number;
  ceiling: number;
}

interface Windows {
  /** Minimum gap between two starts, from the per-second and per-minute quotas. */
  intervalMs: number;
  day: RateLimiterAbstract | null;
}

export function createRateGate(backend: GateBackend, options: RateGateOptions = {}): RateGate {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const maxDailyWait = options.maxDailyWaitMs ?? 120_000;
  const windows = new Map<string, Windows>();
  // Per process: each one learns from the answers it gets; the pause it sets when the count runs low is shared.
  const reported = new Map<string, Reported>();

  /** Calls the headroom keeps back, out of the limit as far as the provider's own counts reveal it. */
  const reserveOf = (r: Reported, spec: RateLimitSpec) => {
    const limit = Math.min(spec.perDay ?? r.ceiling, r.ceiling);
    return Math.max(1, limit - effectiveLimit(limit, spec));
  };

  /**
   * When the daily window frees up. The provider says so only in the Retry-After of its 429; until then our own window
   * of this key's calls gives the time (it began with our first call, so it ends no earlier than the provider's window
   * that call fell in), or a whole day for a key we have not counted (a daily window is never longer).
   */
  const dayReset = async (w: Windows, key: string): Promise<number> => {
    const res = w.day ? await w.day.get(key) : null;
    return now() + (res && res.msBeforeNext > 0 ? res.msBeforeNext : 86_400_000);
  };

  const windowsOf = (key: string, spec: RateLimitSpec): Windows => {
    let w = windows.get(key);
    if (!w) {
      w = {
        intervalMs: Math.max(spec.perSecond ? 1000 / pacedRate(spec.perSecond, spec) : 0, 60_000 / pacedRate(spec.perMinute, spec)),
        day: spec.perDay ? backend.window(`${key}:day`, effectiveLimit(spec.perDay, spec), 86_400) : null,
      };
      windows.set(key, w);
    }
    return w;
  };

  /** Consumes one point or returns how long to wait for it. */
  const take = async (limiter: RateLimiterAbstract, key: string): Promise<number> => {
    try {
      await limiter.consume(key, 1);
      return 0;
    } catch (err) {
      if (err instanceof RateLimiterRes) return Math.max(1, err.msBeforeNext);
      throw err;
    }
  };

  /** Takes a point of the daily window and a paced start, or gives back what it took and says how long to wait. */
  const takeAll = async (w: Windows, key: string): Promise<number> => {
    if (w.day) {
      const wait = await take(w.day, key);
      if (wait > maxDailyWait) return -wait;
      if (wait > 0) return wait;
    }
    const wait = await backend.pace(key, w.intervalMs);
    if (wait > 0 && w.day) await w.day.reward(key, 1);
    return wait;
  };

  /** The app-wide spacing shared by every company of a provider, when it declares one. */
  const takeApp = async (provider: string, spec: RateLimitSpec): Promise<number> =>
    spec.appPerMinute ? backend.pace(appKey(provider), 60_000 / pacedRate(spec.appPerMinute, spec)) : 0;

  return {
    async acquire(key, provider, spec) {
      const w = windowsOf(key, spec);
      const limit = effectiveLimit(spec.concurrent, spec);
      // Concurrency first, so a slot is never held while waiting on a window.
      let lease: string | null;
      while (!(lease = await backend.tryLease(key, limit))) await backend.slotFreed(key);
      const held = lease;
      const release = () => void backend.release(key, held);
      try {
        for (;;) {
          const until = Math.max(await backend.pausedUntil(key), await backend.pausedUntil(appKey(provider)));
          const paused = until - now();
          // A pause of hours (a spent daily quota) is the connection's to show, not a worker's to sleep through.
          if (paused > maxDailyWait) throw new QuotaExhausted(provider, new Date(until));
          if (paused > 0) {
            await sleep(paused);
            continue;
          }
          const r = reported.get(key);
          if (r && r.day <= reserveOf(r, spec)) {
            // The provider's count says the headroom is reached, whatever our own windows counted (another process
            // before a restart, a smaller plan than declared): stop until the window frees up, then ask again.
            reported.delete(key);
            await backend.pauseUntil(key, await dayReset(w, key));
            continue;
          }
          const appWait = await takeApp(provider, spec);
          if (appWait > 0) {
            await sleep(appWait);
            continue;
          }
          const wait = await takeAll(w, key);
          if (wait === 0) {
            const counted = reported.get(key);
            if (counted) counted.day -= 1;
            return release;
          }
          if (wait < 0) throw new QuotaExhausted(provider, new Date(now() - wait));
          await sleep(wait);
        }
      } catch (err) {
        release();
        throw err;
      }
    },
    pause(key, ms) {
      void backend.pauseUntil(key, now() + ms);
    },
    observe(key, provider, spec, counts) {
      if (counts.perDay !== undefined) {
        const ceiling = Math.max(reported.get(key)?.ceiling ?? 0, counts.perDay + 1);
        reported.set(key, { day: counts.perDay, ceiling });
      }
      // Windows at zero: the provider's minute (fixed, so it frees within a minute) or the app's across companies.
      if (counts.perMinute === 0) void backend.pauseUntil(key, now() + Math.min(spec.defaultBackoffMs, 60_000));
      if (counts.appPerMinute === 0) void backend.pauseUntil(appKey(provider), now() + 60_000);
    },
    close: () => backend.close(),
  };
}

/** Single-process backend (embedded mode and tests). */
export function memoryBackend(clock: () => number = Date.now): GateBackend {
  const active = new Map<string, Set<string>>();
  const waiters = new Map<string, (() => void)[]>();
  const paused = new Map<string, number>();
  const nextStart = new Map<string, number>();
  let seq = 0;
  return {
    window: (name, points, duration) => new RateLimiterMemory({ keyPrefix: name, points, duration }),
    async pace(key, interval) {
      const now = clock();
      const next = nextStart.get(key) ?? 0;
      if (next > now) return Math.ceil(next - now);
      // Late by less than the catch-up: the next start keeps the grid; later than that (idle), the grid starts again now.
      nextStart.set(key, (now - next <= interval * PACE_CATCH_UP ? next : now) + interval);
      return 0;
    },
    async tryLease(key, limit) {
      const set = active.get(key) ?? new Set<string>();
      active.set(key, set);
      if (set.size >= limit) return null;
      const lease = String(++seq);
      set.add(lease);
      return lease;
    },
    async release(key, lease) {
      active.get(key)?.delete(lease);
      waiters.get(key)?.shift()?.();
    },
    // The timer covers a release that happened between a failed tryLease and this wait.
    slotFreed: (key) =>
      new Promise<void>((resolve) => {
        (waiters.get(key) ?? waiters.set(key, []).get(key)!).push(resolve);
        setTimeout(resolve, 50);
      }),
    async pausedUntil(key) {
      return paused.get(key) ?? 0;
    },
    async pauseUntil(key, until) {
      paused.set(key, Math.max(paused.get(key) ?? 0, until));
    },
    async close() {
      active.clear();
    },
  };
}

/**
 * Leases expire on their own so a worker killed mid-request frees its slots within seconds; a live request
 * renews its lease (heartbeat) for as long as it runs.
 */
const LEASE_TTL_MS = 15_000;
const LEASE_RENEW_MS = 5_000;
const TRY_LEASE = `
local key, limit, now, ttl, lease = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - ttl)
if redis.call('ZCARD', key) >= limit then return 0 end
redis.call('ZADD', key, now, lease)
redis.call('PEXPIRE', key, ttl)
return 1`;
const PACE = `
local next = tonumber(redis.call('GET', KEYS[1]) or '0')
local t = redis.call('TIME')
local now, interval, catchUp = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), tonumber(ARGV[1]), tonumber(ARGV[2])
if next > now then return math.ceil(next - now) end
local base = now
if now - next <= interval * catchUp then base = next end
redis.call('SET', KEYS[1], tostring(base + interval), 'PX', math.ceil(interval) + 1000)
return 0`;
const PAUSE_UNTIL = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local untilMs = tonumber(ARGV[1])
if untilMs > current then redis.call('SET', KEYS[1], ARGV[1], 'PX', math.max(1, untilMs - tonumber(ARGV[2]))) end
return 1`;

/** Backend shared by every process on one Redis: N workers together stay under one provider quota. */
export function redisBackend(redis: Redis, options: { prefix?: string; pollMs?: number } = {}): GateBackend {
  const prefix = options.prefix ?? 'relance:gate';
  const poll = options.pollMs ?? 25;
  let seq = 0;
  const id = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const heartbeats = new Map<string, NodeJS.Timeout>();
  return {
    window: (name, points, duration) => new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:w:${name}`, points, duration }),
    // Redis's own clock: workers on different hosts agree on the spacing.
    async pace(key, interval) {
      return Number(await redis.eval(PACE, 1, `${prefix}:n:${key}`, interval, PACE_CATCH_UP));
    },
    async tryLease(key, limit) {
      const lease = `${id}-${++seq}`;
      const ok = await redis.eval(TRY_LEASE, 1, `${prefix}:c:${key}`, limit, Date.now(), LEASE_TTL_MS, lease);
      if (ok !== 1) return null;
      const timer = setInterval(() => void redis.zadd(`${prefix}:c:${key}`, 'XX', Date.now(), lease).catch(() => undefined), LEASE_RENEW_MS);
      timer.unref();
      heartbeats.set(lease, timer);
      return lease;
    },
    async release(key, lease) {
      clearInterval(heartbeats.get(lease));
      heartbeats.delete(lease);
      await redis.zrem(`${prefix}:c:${key}`, lease);
    },
    slotFreed: () => realSleep(poll + Math.floor(Math.random() * poll)),
    async pausedUntil(key) {
      return Number((await redis.get(`${prefix}:p:${key}`)) ?? 0);
    },
    async pauseUntil(key, until) {
      await redis.eval(PAUSE_UNTIL, 1, `${prefix}:p:${key}`, until, Date.now());
    },
    async close() {
      for (const t of heartbeats.values()) clearInterval(t);
      heartbeats.clear();
    },
  };
}

export const createMemoryRateGate = (options: RateGateOptions = {}) => createRateGate(memoryBackend(options.now), options);
