// Request statistics every simulator keeps, with room for a provider's own counters: what tests and benches assert on.

export interface RequestStats {
  /** Every request, API and OAuth alike, throttled or not. */
  requests: number;
  /** Requests answered 429, by a quota or an injected throttle. */
  throttled: number;
  /** Requests per route, as the provider names its routes ("GET /Invoices", "POST /query"…). */
  byRoute: Record<string, number>;
  /** The most API calls in flight at once for one company. */
  maxConcurrent: number;
  /** Zeroes every counter, the provider's own too. */
  reset(): void;
}

/** A provider's extra counters: numbers, or tallies per value. */
export type StatsExtras = Record<string, number | Record<string, number>>;

/** Stats with the provider's `extras`; `extras` is called again on reset, so each reset starts from fresh tallies. */
export function createStats<E extends StatsExtras>(extras: () => E): RequestStats & E {
  const zero = () => ({ requests: 0, throttled: 0, byRoute: {}, maxConcurrent: 0, ...extras() });
  const stats = {
    ...zero(),
    reset() {
      Object.assign(stats, zero());
    },
  };
  return stats as RequestStats & E;
}

/** Adds one to `key` of a tally. */
export function tally(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Counts one request on its route. */
export function countRequest(stats: RequestStats, route: string): void {
  stats.requests += 1;
  tally(stats.byRoute, route);
}
