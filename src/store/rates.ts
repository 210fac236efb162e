// Repository of reference rates fetched from their publishers: the rate book the engine reads, and writes that never overwrite.
import type { PeriodRate, RateKind } from '../model/reference-rates.js';
import type { RateBook } from '../rules/rate-tables.js';
import type { Sql } from './db.js';

export interface StoredRate {
  kind: RateKind;
  period: string;
  value: string;
  effectiveOn: string;
  publishedOn: string;
  sourceUrl: string;
  fetchedAt: Date;
}

export interface RateRevision {
  kind: RateKind;
  period: string;
  storedValue: string;
  offeredValue: string;
  sourceUrl: string;
}

/** Global data, not a tenant's: the legal rate is the same for every tenant, so these queries take no tenant. */
export async function listStoredRates(sql: Sql): Promise<StoredRate[]> {
  const rows = await sql<{ kind: RateKind; period: string; value: string; effective_on: string; published_on: string; source_url: string; fetched_at: Date }[]>`
    select kind, period, value, effective_on::text, published_on::text, source_url, fetched_at from reference_rates order by kind, period`;
  return rows.map((r) => ({ kind: r.kind, period: r.period, value: r.value, effectiveOn: r.effective_on, publishedOn: r.published_on, sourceUrl: r.source_url, fetchedAt: r.fetched_at }));
}

/** The stored rates as the value the penalty engine takes. */
export async function loadRateBook(sql: Sql): Promise<RateBook> {
  const book = { ecbMro: {} as Record<string, string>, ukBankRate: {} as Record<string, string>, deBasiszinssatz: {} as Record<string, string>, frLegalOther: {} as Record<string, string>, frLegalIndividual: {} as Record<string, string> };
  const field = { ecb_mro: book.ecbMro, uk_bank_rate: book.ukBankRate, de_basiszinssatz: book.deBasiszinssatz, fr_legal_other: book.frLegalOther, fr_legal_individual: book.frLegalIndividual } as const;
  for (const r of await listStoredRates(sql)) field[r.kind][r.period] = r.value;
  return book;
}

/**
 * Stores new periods of one rate in one transaction. A period already stored keeps its value: a different value
 * offered is recorded as a revision (once per offered value) and returned, so the caller logs and alerts it.
 */
export async function storeRates(sql: Sql, kind: RateKind, sourceUrl: string, rates: readonly PeriodRate[]): Promise<{ inserted: string[]; revisions: RateRevision[] }> {
  const [one] = await storeRateSets(sql, sourceUrl, [{ kind, rates }]);
  return one ?? { inserted: [], revisions: [] };
}

/** Several rates from one answer (the two French taux légal of an arrêté) in one transaction: all or nothing. */
export async function storeRateSets(sql: Sql, sourceUrl: string, sets: ReadonlyArray<{ kind: RateKind; rates: readonly PeriodRate[] }>): Promise<Array<{ inserted: string[]; revisions: RateRevision[] }>> {
  if (sets.every((s) => s.rates.length === 0)) return sets.map(() => ({ inserted: [], revisions: [] }));
  return sql.begin(async (tx) => {
    const out: Array<{ inserted: string[]; revisions: RateRevision[] }> = [];
    for (const { kind, rates } of sets) out.push(await storeIn(tx as unknown as Sql, kind, sourceUrl, rates));
    return out;
  });
}

async function storeIn(tx: Sql, kind: RateKind, sourceUrl: string, rates: readonly PeriodRate[]): Promise<{ inserted: string[]; revisions: RateRevision[] }> {
  if (rates.length === 0) return { inserted: [], revisions: [] };
  const existing = new Map(
    (await tx<{ period: string; value: string }[]>`select period, value from reference_rates where kind = ${kind} and period in ${tx(rates.map((r) => r.period))} for update`).map((r) => [r.period, r.value]),
  );
  const fresh = rates.filter((r) => !existing.has(r.period));
  const differing = rates.filter((r) => existing.has(r.period) && existing.get(r.period) !== r.value);
  let inserted: string[] = [];
  if (fresh.length) {
    const rows = fresh.map((r) => ({ kind, period: r.period, value: r.value, effective_on: r.effectiveOn, published_on: r.publishedOn, source_url: sourceUrl }));
    inserted = (await tx<{ period: string }[]>`insert into reference_rates ${tx(rows)} on conflict (kind, period) do nothing returning period`).map((r) => r.period);
  }
  let revisions: RateRevision[] = [];
  if (differing.length) {
    const rows = differing.map((r) => ({ kind, period: r.period, stored_value: existing.get(r.period) as string, offered_value: r.value, source_url: sourceUrl }));
    const added = await tx<{ period: string; stored_value: string; offered_value: string }[]>`
      insert into reference_rate_revisions ${tx(rows)} on conflict (kind, period, offered_value) do nothing returning period, stored_value, offered_value`;
    revisions = added.map((r) => ({ kind, period: r.period, storedValue: r.stored_value, offeredValue: r.offered_value, sourceUrl }));
  }
  return { inserted, revisions };
}
