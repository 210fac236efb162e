// Compiles JSONata mappings (with our functions), caches the shipped ones, and maps raw records into validated entities.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import jsonata from 'jsonata';
import type { z } from 'zod';
import { ENTITY_SCHEMAS, isEntityKind, type EntityKind, type EntityOf } from '../model/entities.js';
import { compileAst, isProven } from './jsonata-subset/index.js';
import { MAPPING_FUNCTIONS, isInvalidValue } from './functions.js';

/** A compiled mapping: evaluate it with a raw provider record and `{ context }` bindings. */
export interface CompiledMapping {
  readonly source: string;
  /**
   * 'js' only for a shipped mapping whose exact text the proof admitted (mappings/subset-proven.json) and the subset
   * compiles; 'jsonata' for every other text: tenant overrides, edited files, mappings given to the CLI.
   */
  readonly engine: 'js' | 'jsonata';
  evaluate(input: unknown, bindings?: Record<string, unknown>): Promise<unknown>;
  /**
   * The same evaluation when the subset can give it at once, else NEEDS_JSONATA (a text on JSONata, or a record the
   * subset hands to JSONata, counted in `stats.fallbacks`): the sync maps its records without a promise each.
   */
  evaluateNow(input: unknown, bindings: Record<string, unknown>): unknown;
  /** Records the fast path handed to JSONata (a surprise at run time); stays 0 for well-formed records. */
  readonly stats: { fallbacks: number };
  /** JSONata's own evaluation, whatever the engine (the reference the fast path is tested against). */
  evaluateWithJsonata(input: unknown, bindings?: Record<string, unknown>): Promise<unknown>;
}

/** What `evaluateNow` returns when the record must be evaluated by JSONata (asynchronously). */
export const NEEDS_JSONATA: unique symbol = Symbol('needs JSONata');
const onJsonata = (): typeof NEEDS_JSONATA => NEEDS_JSONATA;

/** What the mapping of one record produced: a valid entity, a failure at an output path, or a deliberate skip. */
export type MapResult<K extends EntityKind> =
  | { ok: true; value: EntityOf<K> }
  | { ok: false; error: { path: string; reason: string } }
  | { ok: 'skipped'; reason: string };

/** The mapping text does not parse; `position` is the character offset JSONata reports. */
export class MappingSyntaxError extends Error {
  constructor(
    readonly position: number,
    readonly token: string | undefined,
    readonly detail: string,
  ) {
    super(`mapping does not compile at character ${position}${token ? ` near "${token}"` : ''}: ${detail}`);
    this.name = 'MappingSyntaxError';
  }
}

/** Providers with shipped mappings: the folders of mappings/, discovered rather than listed (src/ names no provider). */
export function shippedProviders(): string[] {
  return readdirSync(fileURLToPath(new URL('../../mappings/', import.meta.url)), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** Output key by which a mapping says "not a record for us" (e.g. a supplier bill): `{"$skip": "reason"}`. */
export const SKIP_KEY = '$skip';

interface JsonataFailure {
  message: string;
  position?: number;
  token?: string;
  code?: string;
}

function asFailure(err: unknown): JsonataFailure {
  if (err && typeof err === 'object' && 'message' in err) return err as JsonataFailure;
  return { message: String(err) };
}

interface Parsed {
  expr: jsonata.Expression;
  /** Our functions by name, for the subset (JSONata has them registered on `expr`). */
  custom: Record<string, (...args: unknown[]) => unknown>;
}

function parse(source: string): Parsed {
  let expr: jsonata.Expression;
  try {
    expr = jsonata(source);
  } catch (err) {
    const f = asFailure(err);
    throw new MappingSyntaxError(f.position ?? 0, f.token, f.message);
  }
  const custom: Record<string, (...args: unknown[]) => unknown> = {};
  for (const { name, fn, signature } of MAPPING_FUNCTIONS) {
    expr.registerFunction(name, fn as (...args: unknown[]) => unknown, signature);
    custom[name] = fn as (...args: unknown[]) => unknown;
  }
  return { expr, custom };
}

const jsonataOf = ({ expr }: Parsed) => (input: unknown, bindings?: Record<string, unknown>) => expr.evaluate(input, bindings);

/**
 * Parses a mapping and registers the custom functions; throws MappingSyntaxError with the position on bad syntax.
 * The result always runs on JSONata: this is how tenant overrides, previews and files given to the CLI are compiled.
 */
export function compileMapping(source: string): CompiledMapping {
  const slow = jsonataOf(parse(source));
  return { source, engine: 'jsonata', stats: { fallbacks: 0 }, evaluate: slow, evaluateNow: onJsonata, evaluateWithJsonata: slow };
}

/** A shipped mapping: on the subset when its exact text was proven for `key` ("<provider>/<entity>"), else on JSONata. */
function compileShipped(key: string, source: string): CompiledMapping {
  const parsed = parse(source);
  const slow = jsonataOf(parsed);
  const fast = isProven(key, source) ? compileAst(parsed.expr.ast(), parsed.custom) : null;
  const stats = { fallbacks: 0 };
  if (!fast) return { source, engine: 'jsonata', stats, evaluate: slow, evaluateNow: onJsonata, evaluateWithJsonata: slow };
  const now = (input: unknown, bindings: Record<string, unknown>): unknown => {
    try {
      return fast(input, bindings);
    } catch {
      // Anything the subset does not cover exactly (including errors) is JSONata's call, record by record.
      stats.fallbacks++;
      return NEEDS_JSONATA;
    }
  };
  return {
    source,
    engine: 'js',
    stats,
    evaluate: (input, bindings) => {
      const out = now(input, bindings ?? {});
      return out === NEEDS_JSONATA ? slow(input, bindings) : Promise.resolve(out);
    },
    evaluateNow: now,
    evaluateWithJsonata: slow,
  };
}

/**
 * The subset and JSONata on the same text, side by side, whatever the text: for the proof that admits shipped mappings
 * and for the subset's own tests. Never used to map a tenant's records. `subset` is null when the text uses anything
 * outside the subset.
 */
export function compileBothEngines(source: string): {
  subset: ((input: unknown, bindings: Record<string, unknown>) => unknown) | null;
  jsonata: (input: unknown, bindings?: Record<string, unknown>) => Promise<unknown>;
} {
  const parsed = parse(source);
  return { subset: compileAst(parsed.expr.ast(), parsed.custom), jsonata: jsonataOf(parsed) };
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const shipped = new Map<string, CompiledMapping>();

/** Path of a shipped mapping file, relative to the repository root. */
export function shippedMappingPath(provider: string, entity: EntityKind): string {
  if (!/^[a-z0-9_-]+$/.test(provider)) throw new Error(`invalid provider name "${provider}"`);
  return `${repoRoot}mappings/${provider}/${entity}.jsonata`;
}

/** The shipped mapping for a provider and entity, compiled on first use and cached for the process. */
export function loadShippedMapping(provider: string, entity: EntityKind): CompiledMapping {
  if (!isEntityKind(entity)) throw new Error(`unknown entity "${entity as string}"`);
  const key = `${provider}/${entity}`;
  let compiled = shipped.get(key);
  if (!compiled) {
    let source: string;
    try {
      source = readFileSync(shippedMappingPath(provider, entity), 'utf8');
    } catch {
      throw new Error(`no shipped mapping for ${provider} ${entity}: expected mappings/${provider}/${entity}.jsonata`);
    }
    compiled = compileShipped(key, source);
    shipped.set(key, compiled);
  }
  return compiled;
}

/** `lines[0].amount` from ['lines', 0, 'amount']; '(record)' for the root. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out || '(record)';
}

type Found = { path: (string | number)[]; reason: string };

/** True when an InvalidValue sits anywhere in `value` (a walk without allocation). */
function containsInvalid(value: unknown): boolean {
  if (isInvalidValue(value)) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (containsInvalid(value[i])) return true;
    return false;
  }
  if (value !== null && typeof value === 'object') {
    for (const k in value) if (containsInvalid((value as Record<string, unknown>)[k])) return true;
  }
  return false;
}

/**
 * Replaces every InvalidValue left by a mapping function with undefined (so zod reports the field too) and
 * remembers its path and reason. Also drops JSONata's internal array flags by copying into plain values.
 */
function extractInvalid(value: unknown, path: (string | number)[], found: Found[]): unknown {
  if (isInvalidValue(value)) {
    found.push({ path: [...path], reason: value.reason });
    return undefined;
  }
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      out[i] = extractInvalid(value[i], path, found);
      path.pop();
    }
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k in value) {
      path.push(k);
      const x = extractInvalid((value as Record<string, unknown>)[k], path, found);
      path.pop();
      if (x !== undefined) out[k] = x;
    }
    return out;
  }
  return value;
}

function samePath(a: ReadonlyArray<PropertyKey>, b: ReadonlyArray<PropertyKey>): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

function evaluationFailure(err: unknown): { path: string; reason: string } {
  const f = asFailure(err);
  const at = f.position !== undefined ? ` (mapping character ${f.position}${f.token ? `, near "${f.token}"` : ''})` : '';
  return { path: '(mapping)', reason: `mapping failed: ${f.message}${at}` };
}

/** Validates a mapping's output against the entity schema, turning function-level failures into path errors. */
export function validateOutput<K extends EntityKind>(entity: K, output: unknown): MapResult<K> {
  if (output === undefined || output === null) return { ok: 'skipped', reason: 'the mapping returned nothing for this record' };
  if (Array.isArray(output)) return { ok: false, error: { path: '(record)', reason: 'the mapping returned an array: it must return one object per record' } };
  if (typeof output !== 'object') return { ok: false, error: { path: '(record)', reason: `the mapping returned ${typeof output}: it must return an object` } };
  const skip = (output as Record<string, unknown>)[SKIP_KEY];
  if (skip !== undefined) return { ok: 'skipped', reason: typeof skip === 'string' && skip ? skip : 'skipped by the mapping' };
  const found: Found[] = [];
  // The copy only matters when a function left an InvalidValue somewhere: zod builds plain objects and arrays itself.
  const clean = containsInvalid(output) ? extractInvalid(output, [], found) : output;
  const schema = ENTITY_SCHEMAS[entity] as unknown as z.ZodType<EntityOf<K>>;
  const parsed = schema.safeParse(clean);
  if (parsed.success && found.length === 0) return { ok: true, value: parsed.data };
  const issues = parsed.success ? [] : parsed.error.issues;
  // Schema order (externalId, …, currency, total, lines…) decides which problem is reported first: a missing
  // currency is named before the amounts it made unreadable.
  const first = issues[0];
  if (first) {
    const fn = found.find((f) => samePath(f.path, first.path));
    const rest = issues.slice(1).map((i) => `${formatPath(i.path)}: ${found.find((f) => samePath(f.path, i.path))?.reason ?? i.message}`);
    const others = rest.length ? ` (and ${rest.length} more: ${rest.join('; ')})` : '';
    return { ok: false, error: { path: formatPath(first.path), reason: `${fn ? fn.reason : first.message}${others}` } };
  }
  const f = found[0]!;
  return { ok: false, error: { path: formatPath(f.path), reason: f.reason } };
}

/** Maps one raw provider record: evaluation errors and validation failures come back as `ok: false` with a path. */
export function mapRecord<K extends EntityKind>(mapping: CompiledMapping, entity: K, raw: unknown, context: Record<string, unknown> = {}): Promise<MapResult<K>> {
  return mapRecordOn((input, bindings) => mapping.evaluate(input, bindings), entity, raw, context);
}

async function mapRecordOn<K extends EntityKind>(evaluate: CompiledMapping['evaluate'], entity: K, raw: unknown, context: Record<string, unknown>): Promise<MapResult<K>> {
  let output: unknown;
  try {
    output = await evaluate(raw, { context });
  } catch (err) {
    return { ok: false, error: evaluationFailure(err) };
  }
  return validateOutput(entity, output);
}

/**
 * mapRecord without a promise when the subset answers (the sync's path: a promise and two awaits per record cost
 * about as much as validating it, #29); a promise of mapRecord's answer when JSONata must evaluate the record.
 */
export function mapRecordNow<K extends EntityKind>(mapping: CompiledMapping, entity: K, raw: unknown, context: Record<string, unknown> = {}): MapResult<K> | Promise<MapResult<K>> {
  const output = mapping.evaluateNow(raw, { context });
  if (output === NEEDS_JSONATA) return mapRecordOn(mapping.evaluateWithJsonata, entity, raw, context);
  return validateOutput(entity, output);
}

/** Maps many records with one mapping, in order. JSONata is CPU-bound: records are evaluated one after another. */
export async function mapBatch<K extends EntityKind>(mapping: CompiledMapping, entity: K, raws: readonly unknown[], context: Record<string, unknown> = {}): Promise<MapResult<K>[]> {
  const bindings = { context };
  const out: MapResult<K>[] = new Array(raws.length);
  for (let i = 0; i < raws.length; i++) {
    let output: unknown;
    try {
      output = await mapping.evaluate(raws[i], bindings);
    } catch (err) {
      out[i] = { ok: false, error: evaluationFailure(err) };
      continue;
    }
    out[i] = validateOutput(entity, output);
  }
  return out;
}

export interface OverrideCheck {
  ok: boolean;
  failures: { index: number; path: string; reason: string }[];
}

/**
 * Checks a tenant's mapping before it is activated: it must compile and map every sample to a valid record
 * (a sample the shipped mapping skips may be skipped too; one it maps must not be lost). The samples are mapped by
 * JSONata (compileMapping), the engine the override will run on once active: never by the subset.
 */
export async function validateOverride(provider: string, entity: EntityKind, source: string, samples: readonly unknown[], context: Record<string, unknown> = {}): Promise<OverrideCheck> {
  let compiled: CompiledMapping;
  try {
    compiled = compileMapping(source);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { ok: false, failures: [{ index: -1, path: '(mapping)', reason }] };
  }
  const ctx = { provider, ...context };
  const results = await mapBatch(compiled, entity, samples, ctx);
  let reference: MapResult<EntityKind>[] | null = null;
  const failures: OverrideCheck['failures'] = [];
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    if (r.ok === false) failures.push({ index: i, path: r.error.path, reason: r.error.reason });
    else if (r.ok === 'skipped') {
      reference ??= await shippedResults(provider, entity, samples, ctx);
      if (reference?.[i]?.ok === true) failures.push({ index: i, path: '(record)', reason: `the override skips this record (${r.reason}) but the shipped mapping maps it` });
    }
  }
  return { ok: failures.length === 0, failures };
}

async function shippedResults(provider: string, entity: EntityKind, samples: readonly unknown[], ctx: Record<string, unknown>): Promise<MapResult<EntityKind>[] | null> {
  if (!shippedProviders().includes(provider)) return null;
  return mapBatch(loadShippedMapping(provider, entity), entity, samples, ctx);
}
