// Reference rates for demo companies only: the publisher simulators' values through the law's rule, filling what no real source knows.
//
// Why not serve the rate simulators beside the demo company and let the daily refresh fetch from them: fetched rates
// are stored in reference_rates, which every tenant of the database reads (a legal rate is the same for everyone),
// and a stored period never changes (a later real value is only a revision to alert). Invented rates fetched for a
// demo would then state real companies' penalties. So a demo connection gets its simulated rates as a value, at
// planning, preview and send time, and nothing simulated is ever stored.
import { halfYearOf } from '../rules/rate-tables.js';
import type { AddedRates, RateBook } from '../rules/rate-tables.js';
import { PUBLISHERS, type RateKind } from '../rates/publishers.js';
import { periodRates } from '../rates/rule.js';
import { BOOK_FIELD, knownRate } from '../rates/staleness.js';
import { SIMULATED_CHANGES, SIMULATED_LEGAL } from '../simulator/rate-history.js';
import { loadRateBook } from '../store/rates.js';
import type { Sql } from '../store/db.js';
import type { Connection } from '../store/tenants.js';
import { demoSettingsOf } from './host.js';

/** What the simulated publishers would have published by `today`, per rate and half-year. */
function simulatedRates(today: string): Record<RateKind, Record<string, string>> {
  const out = { ecb_mro: {}, uk_bank_rate: {}, de_basiszinssatz: {}, fr_legal_other: {}, fr_legal_individual: {} } as Record<RateKind, Record<string, string>>;
  const since = `${Number(today.slice(0, 4)) - 2}-01-01`;
  for (const p of PUBLISHERS) {
    const observations = SIMULATED_CHANGES[p.kind as keyof typeof SIMULATED_CHANGES].filter(([d]) => d <= today).map(([date, value]) => ({ date, value }));
    for (const r of periodRates(p, observations, since, today)) out[p.kind][r.period] = r.value;
  }
  for (const s of SIMULATED_LEGAL) {
    if (s.publishedOn > today || s.period < halfYearOf(since)) continue;
    out.fr_legal_other[s.period] = s.other;
    out.fr_legal_individual[s.period] = s.individual;
  }
  return out;
}

/** `real` with the simulated rates added for the half-years it cannot answer; a rate it knows is never replaced. */
export function withDemoRates(real: RateBook, today: string): RateBook {
  const book: Record<string, Record<string, string>> = {};
  for (const field of Object.values(BOOK_FIELD)) book[field] = { ...real[field] };
  for (const [kind, periods] of Object.entries(simulatedRates(today)) as [RateKind, Record<string, string>][]) {
    for (const [period, value] of Object.entries(periods)) if (knownRate(kind, period, real) === null) (book[BOOK_FIELD[kind]] as Record<string, string>)[period] = value;
  }
  return { ...(book as RateBook), ...(real.added ? { added: real.added } : {}) };
}

/** The rates a connection's penalties read: the operator's RATES_FILE and the stored book, plus simulated rates when it is a demo company. */
export async function rateBookFor(sql: Sql, connection: Pick<Connection, 'settings'> | null, today: string, added: AddedRates): Promise<RateBook> {
  const real: RateBook = { ...(await loadRateBook(sql)), added };
  return connection && demoSettingsOf(connection) ? withDemoRates(real, today) : real;
}
