// The proof that admits a shipped mapping to the JSONata subset (the mapping fast path): for every shipped mapping, the
// subset and JSONata give deep-equal output (or both fail) on every record we hold of that provider, and on mutations
// of them; mappings/subset-proven.json keeps the sha256 of each text so proven, and at run time the subset
// serves only a shipped mapping whose text has that hash (loader.ts). Records: the project's fixtures (test/fixtures),
// each provider simulator's seeded company (the only records of Sage we have), and the recordings under RELANCE_REALDATA
// when it is set (never required: without it those tests are reported as skipped, by name, as the README says).
// `npm run prove:mappings` rewrites subset-proven.json once the proof passes.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { simulators } from '../../connectors/index.js';
import { ENTITIES, type EntityKind } from '../../src/model/index.js';
import {
  Fallback, PROVEN_MANIFEST_URL, compileBothEngines, compileMapping, isInvalidValue, isProven, loadShippedMapping, mappingHash, provenManifest,
  shippedMappingPath, shippedProviders, type ProvenManifest,
} from '../../src/mapping/index.js';
import { UNRECORDED, describeRealdata, records, type Provider } from './realdata.js';

const WRITE = process.env.RELANCE_PROVE_WRITE === '1';
const JSONATA_VERSION = (createRequire(import.meta.url)('jsonata/package.json') as { version: string }).version;
const CONTEXTS = [{ provider: 'x', homeCurrency: 'USD', organisationTimeZone: 'Europe/Paris' }, {}];
/** Records per entity taken from a simulator's seeded company (its default company is large; these cover its shapes). */
const SIMULATED_PER_ENTITY = 200;

/** The providers whose fixtures and recordings test/mapping/realdata.ts reads. */
const RECORDED: readonly Provider[] = ['quickbooks', 'xero', 'pennylane'];

/** Each simulator's name for the list that feeds an entity's mapping (Pennylane serves invoices and credit notes on one list). */
const SIMULATED: Record<string, Record<EntityKind, string>> = {
  quickbooks: { customer: 'Customer', invoice: 'Invoice', credit_note: 'CreditMemo', payment: 'Payment' },
  xero: { customer: 'Contact', invoice: 'Invoice', credit_note: 'CreditNote', payment: 'Payment' },
  pennylane: { customer: 'customer', invoice: 'customer_invoice', credit_note: 'customer_invoice', payment: 'transaction' },
  sage: { customer: 'contact', invoice: 'invoice', credit_note: 'credit_note', payment: 'payment' },
};

/** One seeded company per provider for the whole file (seeding one is the slow part). */
const companies = new Map<string, Promise<{ data: { list(entity: string): unknown[] } }>>();

async function simulated(provider: string, entity: EntityKind): Promise<unknown[]> {
  const names = SIMULATED[provider];
  if (!names) throw new Error(`no simulator list named for ${provider}: add it to SIMULATED so its mappings can be proven`);
  if (!companies.has(provider)) companies.set(provider, simulators[provider]!().then((f) => f.create({ seed: 1 })));
  return (await companies.get(provider)!).data.list(names[entity]).slice(0, SIMULATED_PER_ENTITY);
}

/** The project's own records of the provider and entity (always there), and where each group came from. */
async function ownRecords(provider: string, entity: EntityKind): Promise<{ source: string; raws: unknown[] }[]> {
  const out = [{ source: 'simulator', raws: await simulated(provider, entity) }];
  if ((RECORDED as readonly string[]).includes(provider)) out.push({ source: 'fixtures', raws: records('fixtures', provider as Provider, entity) });
  return out;
}

/** Variants of a record: each top-level field removed, nulled, emptied, or given the wrong type. */
function mutations(raw: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const key of Object.keys(raw)) {
    for (const value of [undefined, null, '', 0, 'x', [], {}, 12.345, 123456789012345678]) {
      const copy = structuredClone(raw);
      if (value === undefined) delete copy[key];
      else copy[key] = value;
      out.push(copy);
    }
  }
  return out;
}

/** Plain data for comparison: JSONata marks its sequences with an enumerable `sequence` flag, the subset does not. */
function plain(v: unknown): unknown {
  if (isInvalidValue(v)) return { invalid: v.reason };
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

type Outcome = { v: unknown } | { e: string } | { fallback: true };

/** Both engines on one input: the subset's Fallback (JSONata then decides at run time) counts as agreement. */
async function both(engines: ReturnType<typeof compileBothEngines>, input: unknown, context: Record<string, unknown>): Promise<{ subset: Outcome; jsonata: Outcome }> {
  let subset: Outcome;
  try {
    subset = { v: plain(engines.subset!(input, { context })) };
  } catch (err) {
    subset = err instanceof Fallback ? { fallback: true } : { e: String((err as Error).message ?? err) };
  }
  const jsonata = await engines.jsonata(input, { context }).then((v): Outcome => ({ v: plain(v) }), (e: unknown): Outcome => ({ e: String((e as Error).message ?? e) }));
  return { subset, jsonata };
}

const keyOf = (provider: string, entity: EntityKind) => `${provider}/${entity}`;
const sourceOf = (provider: string, entity: EntityKind) => readFileSync(shippedMappingPath(provider, entity), 'utf8');
/** The hashes proven in this run (what `prove:mappings` writes). */
const provenNow: Record<string, string> = {};

/** Both engines on every group of records and on mutations of a few: equal (or both failing), no held record falling back. */
async function prove(provider: string, entity: EntityKind, groups: { source: string; raws: unknown[] }[]): Promise<void> {
  const engines = compileBothEngines(sourceOf(provider, entity));
  expect(engines.subset, 'a shipped mapping must stay inside the subset (or be left to JSONata on purpose)').not.toBeNull();
  let compared = 0;
  for (const { source: from, raws } of groups) {
    expect(raws.length, `${provider} ${entity}: no record in the ${from}`).toBeGreaterThan(0);
    const inputs = [...raws, ...(raws.slice(0, 3) as Record<string, unknown>[]).flatMap(mutations)];
    for (let i = 0; i < inputs.length; i++) {
      for (const context of CONTEXTS) {
        const { subset, jsonata } = await both(engines, inputs[i], context);
        // Held records run on the subset itself; a mutated one may fall back (then JSONata's answer is the answer).
        if (i < raws.length) expect(subset, `${from} record ${i} fell back to JSONata`).not.toEqual({ fallback: true });
        if ('fallback' in subset) continue;
        expect(subset, `${from} input ${i}`).toEqual(jsonata);
        compared++;
      }
    }
  }
  expect(compared).toBeGreaterThan(groups.reduce((n, g) => n + g.raws.length, 0));
}

describe.each(shippedProviders())('the subset on the %s shipped mappings', (provider) => {
  it.each([...ENTITIES])('%s: equal to JSONata on the fixtures and the simulated company, and on mutated records', async (entity) => {
    await prove(provider, entity, await ownRecords(provider, entity));
    provenNow[keyOf(provider, entity)] = mappingHash(sourceOf(provider, entity));
  });
});

// The recordings may not be redistributed, so the manifest cannot depend on them; where they are (CI sets
// RELANCE_REALDATA), a proven mapping must also agree on every recorded record, or this fails and the text is not fit.
describeRealdata('the subset on the recorded provider responses', () => {
  describe.each(RECORDED)('%s', (provider) => {
    it.each([...ENTITIES])('%s: equal to JSONata on every recorded record', async (entity) => {
      // What the recordings hold none of is listed, with the reason, in realdata.ts (and checked there).
      if (UNRECORDED[provider]?.[entity]) return;
      await prove(provider, entity, [{ source: 'recordings', raws: records('recordings', provider, entity) }]);
    });
  });
});

describe('admission', () => {
  // Runs after the proofs above (vitest runs a file's tests in order): the manifest must name exactly what they proved.
  it('subset-proven.json holds the hash of every shipped mapping proven above, for the installed JSONata', () => {
    const expected: ProvenManifest = { jsonata: JSONATA_VERSION, mappings: Object.fromEntries(Object.entries(provenNow).sort(([a], [b]) => a.localeCompare(b))) };
    expect(Object.keys(expected.mappings), 'every shipped mapping is proven by the tests above (run the whole file)').toHaveLength(shippedProviders().length * ENTITIES.length);
    if (WRITE) writeFileSync(PROVEN_MANIFEST_URL, `${JSON.stringify(expected, null, 2)}\n`);
    const committed = JSON.parse(readFileSync(PROVEN_MANIFEST_URL, 'utf8')) as ProvenManifest;
    expect(committed, 'a shipped mapping or JSONata changed since the proof: run `npm run prove:mappings` and commit subset-proven.json').toEqual(expected);
  });

  it('serves a shipped mapping on the subset only when its exact text is proven', () => {
    for (const provider of shippedProviders()) {
      for (const entity of ENTITIES) {
        const source = sourceOf(provider, entity);
        expect(provenManifest().mappings[keyOf(provider, entity)]).toBe(mappingHash(source));
        expect(loadShippedMapping(provider, entity).engine).toBe('js');
        expect(isProven(keyOf(provider, entity), source)).toBe(true);
        // One more space is another text; a proven text under another key was proven on other records.
        expect(isProven(keyOf(provider, entity), `${source} `)).toBe(false);
        expect(isProven(keyOf(provider, entity === 'invoice' ? 'customer' : 'invoice'), source)).toBe(false);
      }
    }
  });

  it('never serves a text given outside the shipped files on the subset, even the text of a shipped mapping', async () => {
    const shipped = loadShippedMapping('quickbooks', 'invoice');
    const same = compileMapping(shipped.source);
    expect(same.engine).toBe('jsonata');
    const raw = records('fixtures', 'quickbooks', 'invoice')[0];
    expect(plain(await same.evaluate(raw, { context: CONTEXTS[0] }))).toEqual(plain(await shipped.evaluateWithJsonata(raw, { context: CONTEXTS[0] })));
  });
});
