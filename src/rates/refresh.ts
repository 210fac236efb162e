// Fetches each reference rate from its publisher, applies the law's rule and stores new periods; one publisher failing never stops the others.
import { halfYearBounds, halfYearOf } from '../rules/rate-tables.js';
import type { Sql } from '../store/db.js';
import { storeRateSets, storeRates, type RateRevision } from '../store/rates.js';
import { BDF_LEGAL_RATE, type SemesterPublisher } from './bdf.js';
import { createRateHttp, type RateHttp } from './http.js';
import { MalformedAnswer, PUBLISHERS, publisherUrl, type Publisher, type RateKind } from './publishers.js';
import { anchorOf, periodRates } from './rule.js';

export interface RefreshOutcome {
  kind: RateKind;
  publisher: string;
  url: string;
  /** skipped: the publisher needs a setting that is not set (the reason names it); nothing was asked. */
  status: 'ok' | 'unavailable' | 'malformed' | 'skipped';
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
  /** Publishers of one value per semester behind an API key (the Banque de France's taux légal). */
  semesterPublishers?: readonly SemesterPublisher[];
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
  for (const p of deps.semesterPublishers ?? [BDF_LEGAL_RATE]) out.push(...(await refreshSemesters(p, deps, since, http, log)));
  return out;
}

/** One answer for both rates of a semester publisher; both stored in one transaction, or neither (a silent series aside). */
async function refreshSemesters(p: SemesterPublisher, deps: RefreshDeps, since: string, http: RateHttp, log: NonNullable<RefreshDeps['log']>): Promise<RefreshOutcome[]> {
  const env = deps.env ?? process.env;
  const url = env[p.urlEnv]?.trim() || p.defaultUrl;
  const each = (o: Omit<RefreshOutcome, 'kind' | 'publisher' | 'url'>, per?: Record<string, { inserted: string[]; revisions: RateRevision[] }>) =>
    p.kinds.map((kind) => ({ kind, publisher: p.name, url, ...o, ...(per?.[kind] ? { stored: per[kind].inserted, revisions: per[kind].revisions } : {}) }));
  const key = env[p.keyEnv]?.trim();
  if (!key) {
    const reason = `${p.keyEnv} is not set: the French taux légal is not fetched from ${p.name} (an API key from its portal); the shipped table and RATES_FILE still apply`;
    log({ kinds: p.kinds, url, status: 'skipped' }, reason);
    return each({ status: 'skipped', stored: [], revisions: [], reason });
  }
  try {
    const series = p.series(env);
    const body = await http.get(p.name, url, p.query(since, series), p.accept, p.headers(key));
    // An export with nothing for the query answers an empty array; a 404 is read the same way.
    const { rates, silent } = body === null ? { rates: { fr_legal_other: [], fr_legal_individual: [] }, silent: [] } : p.parse(body, series, since);
    const read = p.kinds.filter((k) => !silent.includes(k));
    const results = await storeRateSets(deps.sql, url, read.map((kind) => ({ kind, rates: rates[kind] })));
    const per = Object.fromEntries(read.map((k, i) => [k, results[i] ?? { inserted: [], revisions: [] }]));
    for (const r of Object.values(per).flatMap((x) => x.revisions)) log({ kind: r.kind, period: r.period, stored: r.storedValue, offered: r.offeredValue, url }, 'publisher revised a stored reference rate; the stored value is kept until a person decides');
    const silentReason = (k: (typeof p.kinds)[number]) =>
      `${p.name} answered nothing for series ${series[k]} since ${since} while it answered the other rate: the series key is probably wrong; set ${p.seriesEnv[k]} to the key ${p.name} lists for this rate`;
    for (const k of silent) log({ kind: k, url, status: 'malformed', series: series[k] }, silentReason(k));
    return each({ status: 'ok', stored: [], revisions: [], reason: null }, per).map((o) =>
      silent.includes(o.kind as (typeof p.kinds)[number]) ? { ...o, status: 'malformed' as const, reason: silentReason(o.kind as (typeof p.kinds)[number]) } : o,
    );
  } catch (err) {
    const status = err instanceof MalformedAnswer ? 'malformed' : 'unavailable';
    const reason = err instanceof Error ? err.message : String(err);
    log({ kinds: p.kinds, url, status, err: reason }, 'reference-rate refresh failed; nothing stored');
    return each({ status, stored: [], revisions: [], reason });
  }
}
