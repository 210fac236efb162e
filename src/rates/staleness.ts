// Which reference rates are unknown for the current half-year, and which rates a tenant's policy reads; pure (today is an input).
import { RateMissing, deBasiszinssatz, ecbMroForHalf, frTauxLegal, halfYearOf, ukReferenceRate, type RateBook } from '../rules/rate-tables.js';
import type { Policy } from '../rules/policy.js';
import type { RateKind } from './publishers.js';

export interface MissingRate {
  kind: RateKind;
  period: string;
  /** The engine's own message, naming what to do. */
  message: string;
}

const LOOKUPS: Record<RateKind, (half: string, book: RateBook) => string> = {
  ecb_mro: ecbMroForHalf,
  uk_bank_rate: ukReferenceRate,
  de_basiszinssatz: deBasiszinssatz,
  fr_legal_other: (half, book) => frTauxLegal(half, 'business', book),
  fr_legal_individual: (half, book) => frTauxLegal(half, 'consumer', book),
};

/** Where each rate sits in the engine's RateBook (the store fills it, the demo adds to it). */
export const BOOK_FIELD = {
  ecb_mro: 'ecbMro',
  uk_bank_rate: 'ukBankRate',
  de_basiszinssatz: 'deBasiszinssatz',
  fr_legal_other: 'frLegalOther',
  fr_legal_individual: 'frLegalIndividual',
} as const satisfies Record<RateKind, keyof RateBook>;

/** The value the engine reads for a rate and half-year (RATES_FILE, fetched, shipped), or null when it has none. */
export function knownRate(kind: RateKind, half: string, book: RateBook): string | null {
  try {
    return LOOKUPS[kind](half, book);
  } catch (e) {
    if (e instanceof RateMissing) return null;
    throw e;
  }
}

/** The rates (RATES_FILE, fetched, shipped) the engine cannot find for the half-year containing `today`. */
export function missingRates(book: RateBook, today: string): MissingRate[] {
  const period = halfYearOf(today);
  const out: MissingRate[] = [];
  for (const [kind, lookup] of Object.entries(LOOKUPS) as [RateKind, (h: string, b: RateBook) => string][]) {
    try {
      lookup(period, book);
    } catch (e) {
      if (!(e instanceof RateMissing)) throw e;
      out.push({ kind, period, message: e.message });
    }
  }
  return out;
}

/**
 * The reference rates a policy's penalty statements read, as the engine's regimes do (src/rules/late-payment-interest.ts
 * regimeFor): none when no step states penalties; FR and EU business debts the ECB MRO; UK business debts the Bank
 * Rate unless a contract rate replaces it; DE the Basiszinssatz (a contract rate is compared with it). In FR a
 * contract rate (its floor, 3 × taux légal) and a consumer debt (interest at the taux légal) read the taux légal of
 * the creditor's category, "autres cas" for a business. The US reads none. test/rates/tell.test.ts checks this
 * against the engine.
 */
export function ratesUsedBy(policy: Pick<Policy, 'penalties' | 'steps'>): RateKind[] {
  const p = policy.penalties;
  if (!p || !policy.steps.some((s) => s.includePenalties)) return [];
  const consumer = p.debtor === 'consumer';
  const contract = p.contractRate !== undefined;
  switch (p.jurisdiction) {
    case 'FR':
      return consumer || contract ? ['fr_legal_other'] : ['ecb_mro'];
    case 'EU':
      return consumer ? [] : ['ecb_mro'];
    case 'UK':
      return consumer || contract ? [] : ['uk_bank_rate'];
    case 'DE':
      return ['de_basiszinssatz'];
    case 'US':
      return [];
  }
}
