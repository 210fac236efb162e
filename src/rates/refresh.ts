// Fetches each reference rate from its publisher, applies the law's rule and stores new periods; one publisher failing never stops the others.
import { halfYearBounds, halfYearOf } from '../rules/rate-tables.js';
import type { Sql } from '../store/db.js';
import { storeRates, type RateRevision } from '../store/rates.js';
import { createRateHttp, type RateHttp } from './http.js';
import { MalformedAnswer, PUBLISHERS, publisherUrl, type Publisher, type RateKind } from './publishers.js';
import { anchorOf, periodRates } from './rule.js';

export interface RefreshOutcome {
  kind: RateKind;
  publisher: string;
  url: string;
  status: 'ok' | 'unavailable' | 'malformed';
  /** Half-years stored by this refresh. */
  stored: string[];
  revisions: RateRevision[];
  reason: string | null;
}

export interface RefreshDeps {
  sql: Sql;
  today: string;
  http?: RateHttp;
  env?: NodeJS.ProcessEnv;
  publishers?: readonly Publisher[];
  /** First half-year to fetch (defaults to two years before today). */
  since?: string;
  log?: (entry: Record<string, unknown>, msg: string) => void;
}

/** One refresh of every publisher. Nothing of a failed or unreadable answer is stored. */
export async function refreshRates(deps: RefreshDeps): Promise<RefreshOutcome[]> {
  const http = deps.http ?? createRateHttp();
  const since = halfYearBounds(halfYearOf(deps.since ?? `${Number(deps.today.slice(0, 4)) - 2}-01-01`)).start;
  const log = deps.log ?? (() => {});
  const out: RefreshOutcome[] = [];
  for (const p of deps.publishers ?? PUBLISHERS) {
    const url = publisherUrl(p, deps.env);
    const base = { kind: p.kind, publisher: p.name, url, stored: [] as string[], revisions: [] as RateRevision[] };
    try {
      const from = p.fetchFrom(anchorOf(p, halfYearOf(since)));
      const body = await http.get(p.name, url, p.query(from), p.accept);
      // No data for the query (e.g. nothing published since `from`): nothing to store, the period stays unknown.
      const observations = body === null ? [] : p.parse(body);
      const rates = periodRates(p, observations, since, deps.today);
      const { inserted, revisions } = await storeRates(deps.sql, p.kind, url, rates);
      for (const r of revisions) log({ kind: r.kind, period: r.period, stored: r.storedValue, offered: r.offeredValue, url }, 'publisher revised a stored reference rate; the stored value is kept until a person decides');
      out.push({ ...base, status: 'ok', stored: inserted, revisions, reason: null });
    } catch (err) {
      const status = err instanceof MalformedAnswer ? 'malformed' : 'unavailable';
      const reason = err instanceof Error ? err.message : String(err);
      log({ kind: p.kind, url, status, err: reason }, 'reference-rate refresh failed; nothing stored');
      out.push({ ...base, status, reason });
    }
  }
  return out;
}
