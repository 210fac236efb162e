// The Banque de France Webstat publisher of the French taux de l'intérêt légal (two rates per semester), declared as data with its strict parser.
//
// The law: CMF L313-2 (two rates, "actualisé chaque semestre") and D313-1-A (the Banque de France computes them, the
// minister publishes them by arrêté at the Journal officiel before the semester). Each arrêté names its semester and
// comes into force on its first day, e.g. the arrêté of 15 Dec 2025 (JORF n°0302, 26 Dec 2025): "Pour le premier
// semestre 2026, le taux de l'intérêt légal est fixé : 1° [particuliers] à 6,67 % ; 2° pour tous les autres cas : à
// 2,62 %", in force 1 Jan 2026 (text as reproduced at https://juriblio.fr/arretes/arrete-du-15-decembre-2025/187383136;
// earlier arrêtés e.g. https://legal.tricoteuses.fr/articles/JORFARTI000046829012). So the rule is plain: the rate
// of a semester is the one published for that semester, never the latest value carried forward.
//
// The API: Webstat moved in 2024 to an Opendatasoft portal (https://webstat.banque-france.fr/en/pages/guide-migration-api/,
// as cited by the bbk R client, https://github.com/m-muecke/bbk R/bdf.R). Explore API v2.1
// (https://help.opendatasoft.com/apis/ods-explore-v2/explore_v2.1.html): GET
// https://webstat.banque-france.fr/api/explore/v2.1/catalog/datasets/observations/exports/json with an ODSQL `where`
// and `order_by`; the key is an account API key sent as `Authorization: Apikey <key>`
// (https://webstat.banque-france.fr/account/api-keys/). The export answers a JSON array of observation records with
// `series_key`, `time_period`, `time_period_start`, `time_period_end`, `obs_value` (a percent) and `updated_at`, as
// several public clients read them; the export endpoint has no row limit (the `records` endpoint has one).
//
// UNCONFIRMED (no documentation page of the Banque de France found that states them; checked against no live answer):
// - the series keys. FM.H.FR.EUR.FR2.LIR.IFRLEGAL_PROF.YLD ("autres cas") is the key a public client uses
//   (a Next.js app's lib/relance/bdfLegalRate.ts); the key of the particuliers series is assumed to follow it with
//   _PART. Both are settings (RATES_BDF_SERIES_OTHER, RATES_BDF_SERIES_INDIVIDUAL) so an operator can correct them.
// - the form of `time_period` ("2026-S2" per that client; the legacy Webstat API documented YYYY-S[1-2] periods,
//   https://developer.webstat.banque-france.fr/node/295) and whether `obs_value` arrives as a number or a string.
// - the error body (Opendatasoft answers JSON with `error_code` and `message`), and whether `updated_at` is the
//   publication date. We store it as the publisher's date when present, else the semester's first day.
// Hence the parser refuses, with the reason, any record whose series, period bounds, period label or value do not
// fit, and any answer where a semester has one of its two rates but not the other: nothing of it is stored.
// One exception, because the particuliers key is the guess above: when one series answers nothing at all while the
// other answers, that series is reported silent (its key is probably wrong, and the status names the setting that
// corrects it) and the other is still read. The penalty engine reads "autres cas" for a business creditor, so a
// wrong particuliers key must not keep every business from its rate.
import { z } from 'zod';
import { halfYearOf } from '../rules/rate-tables.js';
import type { PeriodRate } from './rule.js';
import { MalformedAnswer } from './publishers.js';

export const BDF_DEFAULT_SERIES = {
  fr_legal_other: 'FM.H.FR.EUR.FR2.LIR.IFRLEGAL_PROF.YLD',
  fr_legal_individual: 'FM.H.FR.EUR.FR2.LIR.IFRLEGAL_PART.YLD', // UNCONFIRMED, see above
} as const;

export type LegalKind = keyof typeof BDF_DEFAULT_SERIES;

/** What one answer gives: the rates per kind, and the kinds whose series answered nothing while another did. */
export interface SemesterAnswer {
  rates: Record<LegalKind, PeriodRate[]>;
  silent: LegalKind[];
}

/** A publisher that answers one value per semester for several rates at once, behind an API key. */
export interface SemesterPublisher {
  name: string;
  kinds: readonly LegalKind[];
  urlEnv: string;
  defaultUrl: string;
  /** Without this variable the publisher is skipped, with a status saying so. */
  keyEnv: string;
  /** The setting that overrides each kind's series key. */
  seriesEnv: Record<LegalKind, string>;
  accept: string;
  series(env: NodeJS.ProcessEnv): Record<LegalKind, string>;
  query(since: string, series: Record<LegalKind, string>): Record<string, string>;
  headers(key: string): Record<string, string>;
  /** Rates per kind and semester from `since`; throws MalformedAnswer rather than store half an answer. */
  parse(body: string, series: Record<LegalKind, string>, since: string): SemesterAnswer;
}

// Two decimals in every arrêté since 2015; four at most is what the store accepts.
const LegalPercent = z.string().regex(/^\d{1,2}(\.\d{1,4})?$/, 'is not a percent such as 2.62');
const Timestamp = z.string().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, 'is not a date or timestamp');

/** "2026-H2" from the semester bounds, or null when the bounds are not exactly a French semester. */
function semesterOf(start: string, end: string): string | null {
  const y = start.slice(0, 4);
  if (start === `${y}-01-01` && end === `${y}-06-30`) return `${y}-H1`;
  if (start === `${y}-07-01` && end === `${y}-12-31`) return `${y}-H2`;
  return null;
}

/** Reads the export's JSON; exported for the tests of each refusal. */
export function parseBdfLegalRates(body: string, series: Record<LegalKind, string>, since: string, publisher = 'Banque de France Webstat'): SemesterAnswer {
  let rows: unknown;
  try {
    rows = JSON.parse(body);
  } catch {
    throw new MalformedAnswer(publisher, `not JSON: "${body.slice(0, 80)}"`);
  }
  if (!Array.isArray(rows)) throw new MalformedAnswer(publisher, 'expected a JSON array of observations');
  const kindOf = new Map(Object.entries(series).map(([k, s]) => [s, k as LegalKind]));
  const out: Record<LegalKind, PeriodRate[]> = { fr_legal_other: [], fr_legal_individual: [] };
  const answered = new Set<LegalKind>();
  for (const [i, raw] of rows.entries()) {
    const r = (raw ?? {}) as Record<string, unknown>;
    const where = `record ${i + 1}`;
    const kind = typeof r['series_key'] === 'string' ? kindOf.get(r['series_key']) : undefined;
    if (!kind) throw new MalformedAnswer(publisher, `${where}: series_key ${JSON.stringify(r['series_key'])} is not one we asked for`);
    answered.add(kind);
    const start = String(r['time_period_start'] ?? '').slice(0, 10);
    const end = String(r['time_period_end'] ?? '').slice(0, 10);
    const period = semesterOf(start, end);
    if (!period) throw new MalformedAnswer(publisher, `${where}: period ${start}..${end} is not a semester (1 Jan–30 Jun or 1 Jul–31 Dec)`);
    const label = r['time_period'];
    if (label !== undefined && label !== null && label !== period.replace('-H', '-S')) throw new MalformedAnswer(publisher, `${where}: time_period ${JSON.stringify(label)} does not match ${start}..${end}`);
    // A JSON number is read back as its shortest decimal form ("2.62"), never rounded: a value with more digits is refused below.
    const value = typeof r['obs_value'] === 'number' ? String(r['obs_value']) : r['obs_value'];
    const v = LegalPercent.safeParse(value);
    if (!v.success) throw new MalformedAnswer(publisher, `${where} (${kind} ${period}): obs_value ${JSON.stringify(r['obs_value'])} ${v.error.issues[0]?.message}`);
    const updated = r['updated_at'];
    let publishedOn = start;
    if (updated !== undefined && updated !== null) {
      const u = Timestamp.safeParse(updated);
      if (!u.success) throw new MalformedAnswer(publisher, `${where}: updated_at ${JSON.stringify(updated)} ${u.error.issues[0]?.message}`);
      publishedOn = u.data.slice(0, 10);
    }
    if (out[kind].some((p) => p.period === period)) throw new MalformedAnswer(publisher, `${where}: two values for ${kind} ${period}`);
    if (period < halfYearOf(since)) continue;
    out[kind].push({ period, value: v.data, effectiveOn: start, publishedOn });
  }
  // A series that answered nothing while the other answered: its key is probably wrong (see above); reported, not read.
  const silent = answered.size === 0 ? [] : (Object.keys(out) as LegalKind[]).filter((k) => !answered.has(k));
  // Both rates of a semester come from one arrêté: when both series answered, one without the other is an answer we
  // do not understand.
  if (silent.length === 0) {
    const periods = (k: LegalKind) => new Set(out[k].map((p) => p.period));
    for (const [a, b] of [['fr_legal_other', 'fr_legal_individual'], ['fr_legal_individual', 'fr_legal_other']] as const) {
      for (const p of periods(a)) if (!periods(b).has(p)) throw new MalformedAnswer(publisher, `${p} has the ${a} rate but not the ${b} one`);
    }
  }
  for (const k of Object.keys(out) as LegalKind[]) out[k].sort((x, y) => x.period.localeCompare(y.period));
  return { rates: out, silent };
}

/** ODSQL string literal: the series keys are settings, so quotes in them are escaped rather than trusted. */
const odsql = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export const BDF_LEGAL_RATE: SemesterPublisher = {
  name: 'Banque de France Webstat',
  kinds: ['fr_legal_other', 'fr_legal_individual'],
  urlEnv: 'RATES_BDF_URL',
  defaultUrl: 'https://webstat.banque-france.fr/api/explore/v2.1/catalog/datasets/observations/exports/json',
  keyEnv: 'RATES_BDF_API_KEY',
  seriesEnv: { fr_legal_other: 'RATES_BDF_SERIES_OTHER', fr_legal_individual: 'RATES_BDF_SERIES_INDIVIDUAL' },
  accept: 'application/json',
  series(env) {
    return {
      fr_legal_other: env[this.seriesEnv.fr_legal_other]?.trim() || BDF_DEFAULT_SERIES.fr_legal_other,
      fr_legal_individual: env[this.seriesEnv.fr_legal_individual]?.trim() || BDF_DEFAULT_SERIES.fr_legal_individual,
    };
  },
  query: (since, series) => ({
    where: `series_key IN (${odsql(series.fr_legal_other)}, ${odsql(series.fr_legal_individual)}) AND time_period_start >= date'${since}'`,
    order_by: 'time_period_start',
  }),
  headers: (key) => ({ authorization: `Apikey ${key}` }),
  parse: (body, series, since) => parseBdfLegalRates(body, series, since),
};
