// The scheduled reference-rate refresh: fetch, store, and alert every tenant's team of a revision the store refused to apply.
import { dateInZone } from '../model/index.js';
import { rateRevisedAlert } from '../rules/alerts.js';
import { NO_ADDED_RATES, type AddedRates } from '../rules/rate-tables.js';
import { listTenants } from '../store/auth.js';
import type { Sql } from '../store/db.js';
import { planActions } from '../store/outbox.js';
import { loadRateBook } from '../store/rates.js';
import { refreshRates, type RefreshDeps, type RefreshOutcome } from './refresh.js';
import { missingRates, type MissingRate } from './staleness.js';

export async function runRatesJob(sql: Sql, options: { now?: Date; timeZone: string; log?: RefreshDeps['log']; env?: NodeJS.ProcessEnv; http?: RefreshDeps['http'] }): Promise<RefreshOutcome[]> {
  const now = options.now ?? new Date();
  const today = dateInZone(now, options.timeZone);
  const outcomes = await refreshRates({ sql, today, ...(options.log ? { log: options.log } : {}), ...(options.env ? { env: options.env } : {}), ...(options.http ? { http: options.http } : {}) });
  const revisions = outcomes.flatMap((o) => o.revisions);
  if (revisions.length) {
    // Keyed per tenant, rate, period and offered value: the outbox keeps one alert however often the refresh runs.
    for (const t of await listTenants(sql)) {
      const alerts = revisions.map((r) => rateRevisedAlert(t.id, today, r));
      await planActions(sql, t.id, alerts.map((a) => ({ idempotencyKey: a.key, kind: 'alert', dueAt: now.toISOString(), payload: a })));
    }
  }
  return outcomes;
}

/**
 * Missing rates for the current half-year, from every source the engine reads (`added`: the operator's RATES_FILE (src/rules/rate-overrides.ts), parsed once at start and passed down): for
 * start-up, /health and the dashboard.
 */
export async function currentMissingRates(sql: Sql, today: string, added: AddedRates = NO_ADDED_RATES): Promise<MissingRate[]> {
  return missingRates({ ...(await loadRateBook(sql)), added }, today);
}
