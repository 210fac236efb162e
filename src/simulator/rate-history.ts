// The reference-rate history the simulated publishers serve and the demo's rate book starts from: the shipped table,
// then SIMULATED values (invented for the demo and tests, not real decisions). Data only, so that the demo's rate book
// (loaded by every worker) does not load the simulators' HTTP layer.
import { addDays } from '../model/index.js';
import type { RateKind } from '../rates/publishers.js';
import { FR_TAUX_LEGAL, halfYearBounds } from '../rules/rate-tables.js';

/** The rates published as change points or periodic series (the Banque de France's taux légal is per semester, below). */
export type SeriesKind = Exclude<RateKind, 'fr_legal_other' | 'fr_legal_individual'>;
/** One semester's arrêté as the Banque de France publishes it: both rates, and the day they appear. */
export interface LegalSemester {
  period: string;
  other: string;
  individual: string;
  publishedOn: string;
}

/** Change points: the shipped history, then SIMULATED values for the half-years after it. */
export const SIMULATED_CHANGES: Record<SeriesKind, Array<readonly [string, string]>> = {
  ecb_mro: [
    ['2024-12-18', '3.15'],
    ['2025-02-05', '2.90'],
    ['2025-03-12', '2.65'],
    ['2025-04-23', '2.40'],
    ['2025-06-11', '2.15'],
    ['2026-06-17', '2.40'], // SIMULATED
  ],
  uk_bank_rate: [
    ['2024-11-07', '4.75'],
    ['2025-05-08', '4.25'],
    ['2025-12-18', '3.75'],
    ['2026-05-07', '3.50'], // SIMULATED
  ],
  de_basiszinssatz: [
    ['2025-01-01', '2.27'],
    ['2025-07-01', '1.27'],
    ['2026-07-01', '1.52'], // SIMULATED
  ],
};

/**
 * The taux légal per semester: the shipped table (published about a week before the semester, as the arrêtés are),
 * then SIMULATED values for 2026-H2, which are invented, not the real arrêté.
 */
export const SIMULATED_LEGAL: LegalSemester[] = [
  ...Object.entries(FR_TAUX_LEGAL)
    .filter(([, [, individual]]) => individual !== null)
    .map(([period, [other, individual]]) => ({ period, other, individual: individual as string, publishedOn: addDays(halfYearBounds(period).start, -7) })),
  { period: '2026-H2', other: '2.71', individual: '6.58', publishedOn: '2026-06-24' }, // SIMULATED
];
