// Request quotas as simulators declare them, and the rolling windows that enforce them on the simulator's clock.

/** The quota names a simulator may enforce; page sizes, token lifetimes and CDC windows are behaviour, not quota. */
const QUOTA_KEYS = ['perSecond', 'perMinute', 'perDay', 'concurrent', 'appPerMinute'] as const;
export type QuotaKey = (typeof QUOTA_KEYS)[number];

/** A provider's declared quotas: a missing key is a window the provider does not have. */
export type QuotaLimits = { readonly [K in QuotaKey]?: number };

/** Sets every quota that `limits` declares to Infinity (the simulator still answers as the API does). */
export function liftQuotas(limits: object): void {
  const l = limits as Record<string, unknown>;
  for (const k of QUOTA_KEYS) if (typeof l[k] === 'number') l[k] = Number.POSITIVE_INFINITY;
}

/** Calls left in each declared window (the counts a provider turns into its own headers). */
export type Remaining = { [K in QuotaKey]?: number };

export type Admission =
  | { ok: true; inFlight: number; remaining: Remaining }
  /** `retryAfter` (seconds) is absent for the concurrency cap: a slot frees when a call ends, not at a known time. */
  | { ok: false; window: QuotaKey; retryAfter?: number; remaining: Remaining };

/** Timestamps of accepted calls within a rolling window (a queue with a moving head: O(1) amortised). */
class RollingWindow {
  private times: number[] = [];
  private head = 0;

  constructor(readonly spanMs: number) {}

  count(now: number): number {
    while (this.head < this.times.length && (this.times[this.head] as number) <= now - this.spanMs) this.head++;
    // Compact now and then, so a day window of a long benchmark does not keep every call it ever saw.
    if (this.head > 4096 && this.head > this.times.length / 2) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  add(now: number): void {
    this.times.push(now);
  }

  /** Seconds until the oldest call leaves the window: what Retry-After says. */
  retryAfter(now: number): number {
    const oldest = this.times[this.head];
    return oldest === undefined ? 1 : Math.max(1, Math.ceil((oldest + this.spanMs - now) / 1000));
  }
}

type WindowKey = Exclude<QuotaKey, 'concurrent'>;

/** Checked in this order, so the longest wait is reported first (a day quota outlives any minute). */
const WINDOWS: readonly { key: WindowKey; spanMs: number; appWide: boolean }[] = [
  { key: 'perDay', spanMs: 86_400_000, appWide: false },
  { key: 'perMinute', spanMs: 60_000, appWide: false },
  { key: 'perSecond', spanMs: 1_000, appWide: false },
  { key: 'appPerMinute', spanMs: 60_000, appWide: true },
];

type Windows = Partial<Record<WindowKey, RollingWindow>>;

/**
 * Per-company windows (second, minute, day), app-wide windows and a per-company concurrency cap. The limits are
 * read on every call, so tests and `liftQuotas` may change them live.
 */
export class Quotas {
  private readonly companies = new Map<string, { windows: Windows; inFlight: number }>();
  private app: Windows = {};

  constructor(private readonly limits: () => QuotaLimits) {}

  private company(id: string) {
    let c = this.companies.get(id);
    if (!c) {
      c = { windows: {}, inFlight: 0 };
      this.companies.set(id, c);
    }
    return c;
  }

  /** The declared windows with their counts now; undeclared windows are never tracked. */
  private measure(company: string, now: number) {
    const limits = this.limits();
    const c = this.company(company);
    return WINDOWS.flatMap(({ key, spanMs, appWide }) => {
      const limit = limits[key];
      if (limit === undefined) return [];
      const owner = appWide ? this.app : c.windows;
      const window = (owner[key] ??= new RollingWindow(spanMs));
      return [{ key, limit, window, used: window.count(now) }];
    });
  }

  /** What each declared window has left, without taking a call. */
  remaining(company: string, now: number): Remaining {
    return Object.fromEntries(this.measure(company, now).map((m) => [m.key, Math.max(0, m.limit - m.used)]));
  }

  /**
   * Takes a call (counted in every window and in flight until `release`) or says which quota it broke; refused
   * calls are not counted, as with the providers.
   */
  admit(company: string, now: number): Admission {
    const measured = this.measure(company, now);
    const c = this.company(company);
    const remaining = (taken: number): Remaining => Object.fromEntries(measured.map((m) => [m.key, Math.max(0, m.limit - m.used - taken)]));
    const cap = this.limits().concurrent;
    if (cap !== undefined && c.inFlight >= cap) return { ok: false, window: 'concurrent', remaining: remaining(0) };
    const full = measured.find((m) => m.used >= m.limit);
    if (full) return { ok: false, window: full.key, retryAfter: full.window.retryAfter(now), remaining: remaining(0) };
    for (const m of measured) m.window.add(now);
    c.inFlight += 1;
    return { ok: true, inFlight: c.inFlight, remaining: remaining(1) };
  }

  /** Ends a call that `admit` took. */
  release(company: string): void {
    const c = this.company(company);
    c.inFlight = Math.max(0, c.inFlight - 1);
  }

  /** Forgets every window (e.g. between benchmark phases). */
  reset(): void {
    this.companies.clear();
    this.app = {};
  }
}
