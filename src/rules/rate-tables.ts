// Dated reference-rate data (ECB MRO, French taux légal, German Basiszinssatz, UK reference rate) with lookups that refuse unknown periods.
// Source: late-payment law notes (shared/reference/late-payment-law.md) §2. Rates are percent, as decimal strings.
import { addDays } from '../model/index.js';

/** A missing table entry: computing with a guessed rate would produce a wrong legal claim. */
export class RateMissing extends Error {
  constructor(readonly table: string, readonly period: string, hint: string) {
    super(`RATE_MISSING(${period}): no ${table} rate known for ${period}; ${hint}`);
    this.name = 'RateMissing';
  }
}

/** Half-year label such as "2025-H2" for a business date. */
export function halfYearOf(date: string): string {
  return `${date.slice(0, 4)}-H${Number(date.slice(5, 7)) <= 6 ? 1 : 2}`;
}

/** First and last day of a half-year label. */
export function halfYearBounds(half: string): { start: string; end: string } {
  const year = half.slice(0, 4);
  return half.endsWith('H1') ? { start: `${year}-01-01`, end: `${year}-06-30` } : { start: `${year}-07-01`, end: `${year}-12-31` };
}

/** The day after the half-year containing `date` ends. */
export function nextHalfYearStart(date: string): string {
  return addDays(halfYearBounds(halfYearOf(date)).end, 1);
}

/**
 * ECB main refinancing operations fixed rate, as change points (effective settlement date, rate).
 * KNOWN_THROUGH is the last day we are sure of: the 11 Jun 2026 decision is UNCONFIRMED (§2.1, §12.1).
 */
export const ECB_MRO = {
  knownFrom: '2016-03-16',
  knownThrough: '2026-06-16',
  changes: [
    ['2016-03-16', '0.00'],
    ['2022-07-27', '0.50'],
    ['2022-09-14', '1.25'],
    ['2022-11-02', '2.00'],
    ['2022-12-21', '2.50'],
    ['2023-02-08', '3.00'],
    ['2023-03-22', '3.50'],
    ['2023-05-10', '3.75'],
    ['2023-06-21', '4.00'],
    ['2023-08-02', '4.25'],
    ['2023-09-20', '4.50'],
    ['2024-06-12', '4.25'],
    ['2024-09-18', '3.65'],
    ['2024-10-23', '3.40'],
    ['2024-12-18', '3.15'],
    ['2025-02-05', '2.90'],
    ['2025-03-12', '2.65'],
    ['2025-04-23', '2.40'],
    ['2025-06-11', '2.15'],
  ] as ReadonlyArray<readonly [string, string]>,
};

/** Taux de l'intérêt légal per half-year: [creditor is a business ("autres cas"), creditor is a private person]. */
export const FR_TAUX_LEGAL: Readonly<Record<string, readonly [string, string | null]>> = {
  '2019-H1': ['0.86', null],
  '2019-H2': ['0.87', null],
  '2020-H1': ['0.87', '3.15'],
  '2020-H2': ['0.84', '3.11'],
  '2021-H1': ['0.79', '3.14'],
  '2021-H2': ['0.76', '3.12'],
  '2022-H1': ['0.76', '3.13'],
  '2022-H2': ['0.77', '3.15'],
  '2023-H1': ['2.06', '4.47'],
  '2023-H2': ['4.22', '6.82'],
  '2024-H1': ['5.07', '8.01'],
  '2024-H2': ['4.92', '8.16'],
  '2025-H1': ['3.71', '7.21'],
  '2025-H2': ['2.76', '6.65'],
  '2026-H1': ['2.62', '6.67'],
};

/** German Basiszinssatz (§247 BGB) per half-year; −0.88 % held from 1 Jul 2016 to 31 Dec 2022. */
export const DE_BASISZINSSATZ: Readonly<Record<string, string>> = (() => {
  const t: Record<string, string> = { '2016-H2': '-0.88' };
  for (let y = 2017; y <= 2022; y++) {
    t[`${y}-H1`] = '-0.88';
    t[`${y}-H2`] = '-0.88';
  }
  Object.assign(t, { '2023-H1': '1.62', '2023-H2': '3.12', '2024-H1': '3.62', '2024-H2': '3.37', '2025-H1': '2.27', '2025-H2': '1.27', '2026-H1': '1.27' });
  return t;
})();

/**
 * UK Late Payment Act reference rate: Bank Rate on the 31 Dec / 30 Jun before the half-year in which
 * interest starts (SI 2002/1675 art. 4). H2 2026 is UNCONFIRMED (§2.5).
 */
export const UK_REFERENCE_RATE: Readonly<Record<string, string>> = {
  '2022-H1': '0.25',
  '2022-H2': '1.25',
  '2023-H1': '3.50',
  '2023-H2': '5.00',
  '2024-H1': '5.25',
  '2024-H2': '5.25',
  '2025-H1': '4.75',
  '2025-H2': '4.25',
  '2026-H1': '3.75',
};

/**
 * Rates the operator adds after a publication (RATES_FILE, parsed once at start by rate-overrides.ts and passed down
 * in the RateBook), consulted before the fetched and the shipped tables. Kept apart so the shipped data stays as
 * reviewed, and every added rate names its source.
 */
export interface AddedRates {
  ecbMro: { knownThrough: string | null; changes: ReadonlyArray<readonly [string, string]> };
  frTauxLegal: Readonly<Record<string, readonly [string, string | null]>>;
  deBasiszinssatz: Readonly<Record<string, string>>;
  ukReferenceRate: Readonly<Record<string, string>>;
}

/** No RATES_FILE: nothing added. */
export const NO_ADDED_RATES: AddedRates = Object.freeze({ ecbMro: Object.freeze({ knownThrough: null, changes: [] }), frTauxLegal: {}, deBasiszinssatz: {}, ukReferenceRate: {} });

/**
 * Rates fetched from their publishers and stored (src/rates), keyed by the half-year they govern, already put
 * through the law's rule (ECB MRO in force on 1 Jan / 1 Jul; Bank Rate on the 31 Dec / 30 Jun before; the
 * Basiszinssatz of the half-year). Passed to the engine as a value; consulted after RATES_FILE, before the shipped table.
 */
export interface RateBook {
  ecbMro?: Readonly<Record<string, string>>;
  ukBankRate?: Readonly<Record<string, string>>;
  deBasiszinssatz?: Readonly<Record<string, string>>;
  /** French taux légal per semester as published for it: "tous les autres cas", and creditors who are individuals. */
  frLegalOther?: Readonly<Record<string, string>>;
  frLegalIndividual?: Readonly<Record<string, string>>;
  /** The operator's RATES_FILE (AddedRates); absent: none. */
  added?: AddedRates;
}

/** ECB MRO rate in force on `date`, the operator's added change points included. */
export function ecbMroOn(date: string, added: AddedRates = NO_ADDED_RATES): string {
  const knownThrough = added.ecbMro.knownThrough && added.ecbMro.knownThrough > ECB_MRO.knownThrough ? added.ecbMro.knownThrough : ECB_MRO.knownThrough;
  if (date < ECB_MRO.knownFrom || date > knownThrough) {
    throw new RateMissing('ECB MRO', date, `the table covers ${ECB_MRO.knownFrom}..${knownThrough}: add the ECB decision to the RATES_FILE (see README) or to src/rules/rate-tables.ts`);
  }
  let rate: string | undefined;
  for (const [from, r] of [...ECB_MRO.changes, ...added.ecbMro.changes].sort((a, b) => a[0].localeCompare(b[0]))) if (from <= date) rate = r;
  if (rate === undefined) throw new RateMissing('ECB MRO', date, 'no change point before this date');
  return rate;
}

/** ECB MRO at the anchor of a half-year (1 Jan or 1 Jul), the reference for FR L441-10 and EU directive rates. */
export function ecbMroForHalf(half: string, book?: RateBook): string {
  const anchor = halfYearBounds(half).start;
  const addedRates = book?.added ?? NO_ADDED_RATES;
  const added = addedRates.ecbMro.knownThrough;
  // The operator's RATES_FILE wins when it covers the anchor; then the publisher's stored rate; then the shipped table.
  const fetched = book?.ecbMro?.[half];
  if (fetched !== undefined && !(added && anchor <= added && anchor > ECB_MRO.knownThrough)) return fetched;
  try {
    return ecbMroOn(halfYearBounds(half).start, addedRates);
  } catch (e) {
    if (e instanceof RateMissing) throw new RateMissing('ECB MRO', half, `the MRO in force on ${halfYearBounds(half).start} is not in the table (known through ${added ?? ECB_MRO.knownThrough}); add it to the RATES_FILE`);
    throw e;
  }
}

/** The taux légal for the creditor's category: RATES_FILE, then the Banque de France's (fetched), then the shipped table. */
export function frTauxLegal(half: string, creditor: 'business' | 'consumer', book?: RateBook): string {
  const pick = (row: readonly [string, string | null] | undefined) => (row ? (creditor === 'business' ? row[0] : row[1]) : null);
  const fetched = creditor === 'business' ? book?.frLegalOther?.[half] : book?.frLegalIndividual?.[half];
  const rate = pick(book?.added?.frTauxLegal[half]) ?? fetched ?? pick(FR_TAUX_LEGAL[half]);
  if (!rate) throw new RateMissing(`French taux légal (${creditor === 'business' ? 'autres cas' : 'particuliers'})`, half, 'set RATES_BDF_API_KEY to fetch it from the Banque de France, or add the semester arrêté to the RATES_FILE (frTauxLegal)');
  return rate;
}

export function deBasiszinssatz(half: string, book?: RateBook): string {
  const rate = book?.added?.deBasiszinssatz[half] ?? book?.deBasiszinssatz?.[half] ?? DE_BASISZINSSATZ[half];
  if (rate === undefined) throw new RateMissing('German Basiszinssatz', half, 'add the Bundesbank publication to DE_BASISZINSSATZ');
  return rate;
}

export function ukReferenceRate(half: string, book?: RateBook): string {
  const rate = book?.added?.ukReferenceRate[half] ?? book?.ukBankRate?.[half] ?? UK_REFERENCE_RATE[half];
  if (rate === undefined) throw new RateMissing('UK reference (Bank Rate)', half, 'add the Bank Rate on the preceding 31 Dec / 30 Jun to UK_REFERENCE_RATE');
  return rate;
}
