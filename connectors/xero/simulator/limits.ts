// Xero's rate limits: per-tenant concurrent, rolling minute and rolling day windows, and the app-wide minute window.
import type { XeroLimits } from './types.js';

/** Timestamps of accepted calls within a rolling window (a queue with a moving head: O(1) amortised). */
class RollingWindow {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly spanMs: number) {}

  count(now: number): number {
    while (this.head < this.times.length && (this.times[this.head] as number) <= now - this.spanMs) this.head++;
    if (this.head > 4096 && this.head > this.times.length / 2) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  add(now: number): void {
    this.times.push(now);
  }

  /** Seconds until the oldest call leaves the window (Retry-After). */
  retryAfter(now: number): number {
    const oldest = this.times[this.head];
    return oldest === undefined ? 1 : Math.max(1, Math.ceil((oldest + this.spanMs - now) / 1000));
  }

  clear(): void {
    this.times = [];
    this.head = 0;
  }
}

export type RateProblem = 'minute' | 'day' | 'concurrent' | 'appminute';

export interface RateDecision {
  ok: boolean;
  problem?: RateProblem;
  retryAfter?: number;
  headers: Record<string, string>;
}

export class RateLimiter {
  private readonly tenants = new Map<string, { minute: RollingWindow; day: RollingWindow; inFlight: number }>();
  private readonly app = new RollingWindow(60_000);

  constructor(private readonly limits: () => XeroLimits) {}

  private tenant(id: string) {
    let t = this.tenants.get(id);
    if (!t) {
      t = { minute: new RollingWindow(60_000), day: new RollingWindow(86_400_000), inFlight: 0 };
      this.tenants.set(id, t);
    }
    return t;
  }

  /** The remaining counts without admitting a call (for injected throttles). */
  peek(tenantId: string, now: number): RateDecision {
    return this.admit(tenantId, now, false);
  }

  /** Admits a call (and counts it) or says which limit it broke; rejected calls are not counted. */
  admit(tenantId: string, now: number, count = true): RateDecision {
    const l = this.limits();
    const t = this.tenant(tenantId);
    const day = t.day.count(now);
    const minute = t.minute.count(now);
    const app = this.app.count(now);
    const headers = (d: number, m: number, a: number) => ({
      'X-DayLimit-Remaining': String(Math.max(0, l.perDay - d)),
      'X-MinLimit-Remaining': String(Math.max(0, l.perMinute - m)),
      'X-AppMinLimit-Remaining': String(Math.max(0, l.appPerMinute - a)),
    });
    const reject = (problem: RateProblem, retryAfter?: number): RateDecision => ({
      ok: false,
      problem,
      ...(retryAfter === undefined ? {} : { retryAfter }),
      headers: headers(day, minute, app),
    });
    if (!count) return { ok: true, headers: headers(day, minute, app) };
    if (t.inFlight >= l.concurrent) return reject('concurrent');
    if (day >= l.perDay) return reject('day', t.day.retryAfter(now));
    if (minute >= l.perMinute) return reject('minute', t.minute.retryAfter(now));
    if (app >= l.appPerMinute) return reject('appminute', this.app.retryAfter(now));
    t.day.add(now);
    t.minute.add(now);
    this.app.add(now);
    return { ok: true, headers: headers(day + 1, minute + 1, app + 1) };
  }

  enter(tenantId: string): number {
    const t = this.tenant(tenantId);
    return ++t.inFlight;
  }

  leave(tenantId: string): void {
    const t = this.tenant(tenantId);
    t.inFlight = Math.max(0, t.inFlight - 1);
  }

  reset(): void {
    this.tenants.clear();
    this.app.clear();
  }
}
