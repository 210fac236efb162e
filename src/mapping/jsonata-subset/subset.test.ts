// The subset's own semantics against JSONata on small expressions (sequence rules, built-ins, our functions), what it
// refuses to compile, and the divergence it still has: the reason it only runs texts the proof admitted.
import { describe, expect, it } from 'vitest';
import { compileBothEngines } from '../loader.js';
import { isInvalidValue } from '../functions.js';
import { Fallback, compileAst } from './compile.js';

/** Plain data for comparison: JSONata marks its sequences with an enumerable `sequence` flag, the subset does not. */
function plain(v: unknown): unknown {
  if (isInvalidValue(v)) return { invalid: v.reason };
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

async function both(source: string, input: unknown) {
  const engines = compileBothEngines(source);
  expect(engines.subset, `${source} compiles to the subset`).not.toBeNull();
  let subset: unknown;
  try {
    subset = { v: plain(engines.subset!(input, {})) };
  } catch (err) {
    subset = err instanceof Fallback ? 'fallback' : { e: (err as Error).message };
  }
  const jsonata = await engines.jsonata(input, {}).then((v) => ({ v: plain(v) }), (e: unknown) => ({ e: (e as Error).message ?? String(e) }));
  return { subset, jsonata };
}

describe('the JSONata subset', () => {
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
    // Repeated literal keys: JSONata's own error (the subset falls back), not a silent overwrite.
    ['{ "k": a, "k": b }', { a: 1, b: 2 }],
    // Edges that diverged before the subset was pinned to jsonata 2.2.2's rules: integers keep every digit in $string,
    // and a function value is false.
    ['{ "id": $string(n), "f": $string(f) }', { n: 123456789012345678, f: 0.1 + 0.2 }],
    ['[$boolean($uppercase), $not($trim), $uppercase ? "fn" : "none"]', {}],
  ];
  it.each(cases)('%s', async (source, input) => {
    const { subset, jsonata } = await both(source, input);
    // Fallback hands the record to JSONata (the loader does so at run time), so JSONata's answer is the answer.
    expect(subset === 'fallback' ? jsonata : subset).toEqual(jsonata);
  });

  it('does not compile what it does not cover', () => {
    for (const source of ['a ~> $sum()', 'a^(b)', 'a{b: c}', 'a[]']) expect(compileBothEngines(source).subset, source).toBeNull();
  });

  it('hands a built-in it does not implement to JSONata with Fallback, record by record', async () => {
    expect(await both('{ "s": $sum(a) }', { a: [1, 2] })).toEqual({ subset: 'fallback', jsonata: { v: { s: 3 } } });
  });

  it('leaves to JSONata a record run with a binding named like a function the text calls', async () => {
    // The calls are resolved when the text is compiled, so a binding that would hide one must not reach the subset.
    const engines = compileBothEngines('[$exists(a), $amount(a, "EUR")]');
    expect(engines.subset!({ a: 1 }, { context: {} })).toEqual([true, '1.00']);
    for (const name of ['exists', 'amount']) {
      const bindings = { [name]: () => 'hidden' };
      expect(() => engines.subset!({ a: 1 }, bindings), name).toThrow(Fallback);
      expect(await engines.jsonata({ a: 1 }, bindings), name).toEqual(name === 'exists' ? ['hidden', '1.00'] : [true, 'hidden']);
    }
  });

  it('signals run-time surprises with Fallback', () => {
    const fast = compileAst({ type: 'binary', value: '<', lhs: { type: 'value', value: true }, rhs: { type: 'number', value: 1 } }, {});
    expect(fast).not.toBeNull();
    expect(() => fast!({}, {})).toThrow(Fallback);
  });

  // Kept on purpose: the subset is not JSONata, which is why it serves only proven shipped texts. If this starts to
  // agree, move the case above and find another divergence for test/mapping/overrides.test.ts.
  it('still diverges on a built-in called as a path step without its argument (`Name.$trim()`)', async () => {
    const { subset, jsonata } = await both('{ "name": Name.$trim() }', { Name: '  Ada  ' });
    expect(jsonata).toEqual({ v: { name: 'Ada' } });
    expect(subset).toEqual({ v: {} });
  });
});
