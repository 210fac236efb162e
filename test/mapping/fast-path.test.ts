// The JS fast path must agree with JSONata itself: on every fixture and recorded record, on mutated records, and on the
// subset's trickier sequence rules; mappings outside the subset keep running on JSONata.
import { describe, expect, it } from 'vitest';
import { ENTITIES } from '../../src/model/index.js';
import { Fallback, compileAst, compileMapping, isInvalidValue, loadShippedMapping } from '../../src/mapping/index.js';
import { SOURCES, UNRECORDED, records } from './realdata.js';

const CONTEXTS = [{ provider: 'x', homeCurrency: 'USD' }, {}];

/** Variants of a record: each top-level field removed, nulled, emptied, or given the wrong type. */
function mutations(raw: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const key of Object.keys(raw)) {
    for (const value of [undefined, null, '', 0, 'x', [], {}, 12.345]) {
      const copy = structuredClone(raw);
      if (value === undefined) delete copy[key];
      else copy[key] = value;
      out.push(copy);
    }
  }
  return out;
}

/** Plain data for comparison: JSONata marks its sequences with an enumerable `sequence` flag, the fast path does not. */
function plain(v: unknown): unknown {
  if (isInvalidValue(v)) return { invalid: v.reason };
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

async function both(mapping: ReturnType<typeof compileMapping>, input: unknown, context: Record<string, unknown>) {
  const settle = (p: Promise<unknown>) => p.then((v) => ({ v: plain(v) }), (e: unknown) => ({ e: (e as Error).message ?? String(e) }));
  const [fast, slow] = await Promise.all([settle(mapping.evaluate(input, { context })), settle(mapping.evaluateWithJsonata(input, { context }))]);
  return { fast, slow };
}

for (const { source, describe: describeSource } of SOURCES) {
  describeSource(`fast path on the ${source}`, () => {
    describe.each(['quickbooks', 'xero', 'pennylane'] as const)('%s shipped mappings', (provider) => {
      it.each([...ENTITIES])(`%s: compiled to JS and equal to JSONata on every ${source === 'fixtures' ? 'fixture' : 'recorded'} and mutated record`, async (entity) => {
        const mapping = loadShippedMapping(provider, entity);
        expect(mapping.engine).toBe('js');
        const raws = records(source, provider, entity);
        // What the recordings hold none of is listed, with the reason, in realdata.ts (and checked there).
        if (source === 'recordings' && UNRECORDED[provider]?.[entity]) return;
        expect(raws.length).toBeGreaterThan(0);
        const before = mapping.stats.fallbacks;
        for (const raw of raws) for (const context of CONTEXTS) await mapping.evaluate(raw, { context });
        expect(mapping.stats.fallbacks - before, `${source} records must run on the fast path`).toBe(0);
        const inputs = [...raws, ...raws.slice(0, 3).flatMap(mutations)];
        let compared = 0;
        for (const input of inputs) {
          for (const context of CONTEXTS) {
            const { fast, slow } = await both(mapping, input, context);
            expect(fast).toEqual(slow);
            compared++;
          }
        }
        expect(compared).toBeGreaterThan(raws.length * 2);
      });
    });
  });
}

describe('subset semantics', () => {
  const cases: [string, unknown][] = [
    ['a.b', { a: [{ b: 1 }, { b: [2, 3] }] }],
    ['a.b[0]', { a: [{ b: [1, 2] }, { b: [3, 4] }] }],
    ['a[b > 1].b', { a: [{ b: 1 }, { b: 2 }, { b: 3 }] }],
    ['[a.b]', { a: { b: 1 } }],
    ['a', { a: [1] }],
    ['x[-1]', { x: [1, 2, 3] }],
    ['{ "k": a.b, "n": missing, "l": [a.{ "v": b }] }', { a: [{ b: 1 }, { b: 2 }] }],
    ['$distinct($map([a, b, a], $trim))', { a: ' x  y ', b: 'z' }],
    ['$join([a, b][$ != ""], "-")', { a: 'p', b: '' }],
    ['( $f := function($v) { $v * 2 }; $map(n, $f) )', { n: [1, 2, 3] }],
    ['s in ["A", "B"] ? "yes" : "no"', { s: 'B' }],
    ['missing = 1 or missing != 1', {}],
    ['$contains(t, /^\\s*void/i)', { t: '  Voided' }],
    ['$split(t, /[,;]/)', { t: 'a,b;c' }],
    ['n & "-" & b & "-" & missing', { n: 1.5, b: true }],
    ['a.(b + 1)', { a: [{ b: 1 }, { b: 2 }] }],
    ['$exists(a) and $not(b)', { a: 0, b: '' }],
    ['$filter(a, function($x) { $x.k = 1 }).v', { a: [{ k: 1, v: 'a' }, { k: 2, v: 'b' }] }],
    ['$count(a) & $type(a) & $type(o) & $type(missing)', { a: [1, 2], o: {} }],
    ['$$.a', { a: 7 }],
    ['( $g := function($s) { $s ? $trim($s) : null }; [$g(a), $g(b)] )', { a: ' q ' }],
    // One of our functions, called directly, and the same name bound by the mapping: the binding wins.
    ['{ "a": $amount(a, "EUR"), "b": $sub_amounts(a, b, "EUR"), "d": $date(d) }', { a: 12.5, b: '0.25', d: '2026-03-01' }],
    ['( $amount := function($v, $c) { "shadowed " & $v }; $amount(a, "EUR") )', { a: 5 }],
    ['$map(n, function($amount) { $amount & "!" })', { n: ['x', 'y'] }],
    // Repeated literal keys: JSONata's own error, not a silent overwrite.
    ['{ "k": a, "k": b }', { a: 1, b: 2 }],
  ];
  it.each(cases)('%s', async (source, input) => {
    const m = compileMapping(source);
    expect(m.engine).toBe('js');
    const { fast, slow } = await both(m, input, {});
    expect(fast).toEqual(slow);
  });

  it('falls back to JSONata for what it does not compile', async () => {
    expect(compileMapping('a ~> $sum()').engine).toBe('jsonata');
    expect(compileMapping('a^(b)').engine).toBe('jsonata');
    expect(compileMapping('a{b: c}').engine).toBe('jsonata');
    expect(compileMapping('a[]').engine).toBe('jsonata');
    const m = compileMapping('{ "s": $sum(a) }');
    expect(m.engine).toBe('js');
    expect(await m.evaluate({ a: [1, 2] })).toEqual({ s: 3 });
  });

  it('signals run-time surprises with Fallback', () => {
    const fast = compileAst({ type: 'binary', value: '<', lhs: { type: 'value', value: true }, rhs: { type: 'number', value: 1 } }, {});
    expect(fast).not.toBeNull();
    expect(() => fast!({}, {})).toThrow(Fallback);
  });
});
