// Rates published after this build, added by the operator in a JSON file (RATES_FILE): validated, sourced, never overriding
// shipped ones, and parsed once into a value (AddedRates) that is passed down to whoever computes penalties.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BusinessDate } from '../model/primitives.js';
import { ECB_MRO, DE_BASISZINSSATZ, FR_TAUX_LEGAL, NO_ADDED_RATES, UK_REFERENCE_RATE, type AddedRates } from './rate-tables.js';

const Percent = z.string().regex(/^-?\d{1,2}(\.\d{1,4})?$/, 'must be a percent as a decimal string, e.g. "2.40"');
const Half = z.string().regex(/^\d{4}-H[12]$/, 'must be a half-year such as "2026-H2"');

export const RateOverrides = z
  .object({
    /** Where the operator read the figures (e.g. the ECB press release URL): required, so every claim can be traced. */
    source: z.string().trim().min(5, 'say where the rates come from (e.g. the ECB or Journal officiel reference)'),
    ecbMro: z.object({ knownThrough: BusinessDate, changes: z.array(z.tuple([BusinessDate, Percent])) }).optional(),
    frTauxLegal: z.record(Half, z.tuple([Percent, Percent.nullable()])).optional(),
    deBasiszinssatz: z.record(Half, Percent).optional(),
    ukReferenceRate: z.record(Half, Percent).optional(),
  })
  .strict();
export type RateOverrides = z.infer<typeof RateOverrides>;

/** The rates `doc` adds; a period the shipped tables already cover is refused, so reviewed data is never replaced. */
export function parseRateOverrides(doc: unknown): AddedRates {
  const parsed = RateOverrides.safeParse(doc);
  if (!parsed.success) throw new Error(`invalid rates file: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}`);
  const r = parsed.data;
  const clash = (table: string, have: object, added: object | undefined) => {
    for (const k of Object.keys(added ?? {})) if (k in have) throw new Error(`invalid rates file: ${table} ${k} is already in the shipped table`);
  };
  clash('frTauxLegal', FR_TAUX_LEGAL, r.frTauxLegal);
  clash('deBasiszinssatz', DE_BASISZINSSATZ, r.deBasiszinssatz);
  clash('ukReferenceRate', UK_REFERENCE_RATE, r.ukReferenceRate);
  if (r.ecbMro) {
    for (const [from] of r.ecbMro.changes) {
      if (from <= ECB_MRO.knownThrough) throw new Error(`invalid rates file: ecbMro change ${from} is within the shipped table (known through ${ECB_MRO.knownThrough})`);
      if (from > r.ecbMro.knownThrough) throw new Error(`invalid rates file: ecbMro change ${from} is after its knownThrough ${r.ecbMro.knownThrough}`);
    }
  }
  return {
    ecbMro: r.ecbMro ? { knownThrough: r.ecbMro.knownThrough, changes: r.ecbMro.changes } : NO_ADDED_RATES.ecbMro,
    frTauxLegal: { ...r.frTauxLegal },
    deBasiszinssatz: { ...r.deBasiszinssatz },
    ukReferenceRate: { ...r.ukReferenceRate },
  };
}

/** Reads RATES_FILE when set (nothing added otherwise); a missing or invalid file stops the start with the reason. */
export function loadRateOverrides(file: string | undefined): AddedRates {
  if (!file) return NO_ADDED_RATES;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`RATES_FILE ${file} cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error(`RATES_FILE ${file} is not JSON`);
  }
  return parseRateOverrides(doc);
}
