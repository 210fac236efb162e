// Which reference rates are unknown for the current half-year, from every source the engine reads; pure (today is an input).
import { RateMissing, deBasiszinssatz, ecbMroForHalf, halfYearOf, ukReferenceRate, type RateBook } from '../rules/rate-tables.js';
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
};

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
