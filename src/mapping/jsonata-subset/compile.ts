// Compiles the common subset of JSONata (paths, filters, constructors, conditions, blocks, lambdas, our functions)
// to synchronous JavaScript closures that follow JSONata's sequence rules.
//
// Why: JSONata's async evaluator maps ~8k records/s; the same mapping compiled here is several times faster.
// It is a second interpreter, so it never runs a text that was not proven: only shipped mappings whose exact text
// test/mapping/jsonata-subset-proof.test.ts found equal to JSONata on every recorded record (admission.ts keeps that
// list by hash); tenant overrides and any other text run on JSONata. Within a proven mapping, any surprise at run time
// (a type error, an unknown built-in, an array as input) throws Fallback and that record is evaluated by JSONata.
// A known divergence (why the proof is needed): a built-in called as a path step without its argument
// (`Name.$trim()`) does not receive the context value here, so it yields nothing where JSONata trims the name
// (subset.test.ts keeps it, and test/mapping/overrides.test.ts shows a tenant override using it runs on JSONata).

/** Thrown when a record must be evaluated by JSONata instead (never escapes the loader). */
export class Fallback extends Error {}

type Env = { vars: Map<string, unknown>; parent: Env | null; root: unknown };
type Eval = (input: unknown, env: Env) => unknown;
type Fn = { kind: 'fn'; arity: number; call: (args: unknown[]) => unknown };

interface Node {
  type: string;
  value?: unknown;
  steps?: Node[];
  stages?: { type: string; expr: Node }[];
  predicate?: { type: string; expr: Node }[];
  lhs?: Node | [Node, Node][];
  rhs?: Node;
  expressions?: Node[];
  condition?: Node;
  then?: Node;
  else?: Node;
  procedure?: Node;
  arguments?: Node[];
  body?: Node;
  thunk?: boolean;
  consarray?: boolean;
  keepArray?: boolean;
  keepSingletonArray?: boolean;
  group?: unknown;
  focus?: unknown;
  index?: unknown;
  tuple?: unknown;
  ancestor?: unknown;
}

const SEQ = Symbol('sequence');
const CONS = Symbol('cons');

// Plain symbol-keyed flags: invisible to JSON, Object.keys and for…in, and much cheaper than defineProperty.
function seq(items: unknown[] = []): unknown[] {
  (items as unknown as Record<symbol, boolean>)[SEQ] = true;
  return items;
}
const isSeq = (v: unknown): v is unknown[] => Array.isArray(v) && (v as unknown as Record<symbol, unknown>)[SEQ] === true;
const isCons = (v: unknown): boolean => Array.isArray(v) && (v as unknown as Record<symbol, unknown>)[CONS] === true;

/** JSONata's collapse of a sequence result: [] → undefined, [x] → x. */
function collapse(v: unknown): unknown {
  if (isSeq(v)) {
    if (v.length === 0) return undefined;
    if (v.length === 1) return v[0];
  }
  return v;
}

function isNumeric(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function bool(v: unknown): boolean | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) {
    if (v.length === 1) return bool(v[0]);
    return v.length > 1 && v.some((x) => bool(x));
  }
  if (typeof v === 'string') return v.length > 0;
  if (isNumeric(v)) return v !== 0;
  // Functions (built-in or lambda) are false in JSONata.
  if (isFn(v)) return false;
  if (v !== null && typeof v === 'object') return Object.keys(v).length > 0;
  return v === true;
}
const truthy = (v: unknown) => bool(v) === true;

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

function toStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (isFn(v)) return '';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Fallback();
    // jsonata 2.2.2 rounds only non-integers to 15 significant digits (123456789012345678 keeps its digits).
    return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(15)));
  }
  if (v === null || typeof v === 'boolean') return String(v);
  throw new Fallback(); // objects and arrays: JSONata's own JSON formatting
}

const isFn = (v: unknown): v is Fn => !!v && typeof v === 'object' && (v as Fn).kind === 'fn';

function lookup(input: unknown, key: string): unknown {
  if (Array.isArray(input)) {
    const out = seq();
    for (const item of input) {
      const r = lookup(item, key);
      if (r === undefined) continue;
      if (Array.isArray(r)) out.push(...r);
      else out.push(r);
    }
    return out;
  }
  if (input !== null && typeof input === 'object' && !isFn(input)) return (input as Record<string, unknown>)[key];
  return undefined;
}

function lookupVar(env: Env, name: string): unknown {
  for (let e: Env | null = env; e; e = e.parent) {
    const v = e.vars.get(name);
    // A name bound to undefined still hides an outer one.
    if (v !== undefined || e.vars.has(name)) return v;
  }
  return undefined;
}

/** Every variable name the expression binds (`$x := …`, lambda parameters): the others always name a function. */
function boundNames(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const n of node) boundNames(n, into);
  } else if (node !== null && typeof node === 'object' && !(node instanceof RegExp)) {
    const n = node as Node;
    if (n.type === 'bind' && (n.lhs as Node | undefined)?.type === 'variable') into.add(String((n.lhs as Node).value));
    if (n.type === 'lambda') for (const a of n.arguments ?? []) into.add(String(a.value));
    for (const v of Object.values(n)) if (v !== null && typeof v === 'object') boundNames(v, into);
  }
  return into;
}

function applyFilter(pred: Eval, predNode: Node, input: unknown, env: Env): unknown[] {
  const items = Array.isArray(input) ? input : seq([input]);
  let results = seq();
  if (predNode.type === 'number') {
    let i = Math.floor(predNode.value as number);
    if (i < 0) i = items.length + i;
    const item = items[i];
    if (item !== undefined) {
      if (Array.isArray(item)) results = item;
      else results.push(item);
    }
    return results;
  }
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    let r = pred(item, env);
    if (isNumeric(r)) r = [r];
    if (Array.isArray(r) && r.length > 0 && r.every(isNumeric)) {
      for (const n of r as number[]) {
        let j = Math.floor(n);
        if (j < 0) j = items.length + j;
        if (j === i) results.push(item);
      }
    } else if (truthy(r)) results.push(item);
  }
  return results;
}

function hofArgs(f: Fn, v: unknown, i: number, arr: unknown[]): unknown[] {
  return [v, i, arr].slice(0, Math.max(1, f.arity));
}

function asFn(v: unknown): Fn {
  if (!isFn(v)) throw new Fallback();
  return v;
}

function str(v: unknown): string {
  if (typeof v !== 'string') throw new Fallback();
  return v;
}

/** The JSONata built-ins the subset implements; any other `$name` call falls back to JSONata. */
const BUILTINS: Record<string, Fn> = {
  exists: { kind: 'fn', arity: 1, call: ([v]) => v !== undefined },
  not: { kind: 'fn', arity: 1, call: ([v]) => (v === undefined ? undefined : !truthy(v)) },
  boolean: { kind: 'fn', arity: 1, call: ([v]) => bool(v) },
  string: { kind: 'fn', arity: 1, call: ([v]) => (v === undefined ? undefined : toStr(v)) },
  trim: { kind: 'fn', arity: 1, call: ([v]) => (v === undefined ? undefined : str(v).replace(/[ \t\n\r]+/gm, ' ').replace(/^ /, '').replace(/ $/, '')) },
  lowercase: { kind: 'fn', arity: 1, call: ([v]) => (v === undefined ? undefined : str(v).toLowerCase()) },
  uppercase: { kind: 'fn', arity: 1, call: ([v]) => (v === undefined ? undefined : str(v).toUpperCase()) },
  type: {
    kind: 'fn', arity: 1,
    call: ([v]) => (v === undefined ? undefined : v === null ? 'null' : Array.isArray(v) ? 'array' : isFn(v) ? 'function' : typeof v === 'object' ? 'object' : typeof v),
  },
  count: { kind: 'fn', arity: 1, call: ([v]) => (v === undefined ? 0 : Array.isArray(v) ? v.length : 1) },
  contains: {
    kind: 'fn', arity: 2,
    call: ([s, token]) => {
      if (s === undefined) return undefined;
      const text = str(s);
      if (token instanceof RegExp) return token.test(text);
      return text.includes(str(token));
    },
  },
  split: {
    kind: 'fn', arity: 2,
    call: ([s, sep]) => {
      if (s === undefined) return undefined;
      const text = str(s);
      if (sep instanceof RegExp) return text.split(sep);
      return text.split(str(sep));
    },
  },
  join: {
    kind: 'fn', arity: 2,
    call: ([a, sep]) => {
      if (a === undefined) return undefined;
      const list = Array.isArray(a) ? a : [a];
      return list.map(str).join(sep === undefined ? '' : str(sep));
    },
  },
  map: {
    kind: 'fn', arity: 2,
    call: ([a, f]) => {
      if (a === undefined) return undefined;
      const fn = asFn(f);
      const list = Array.isArray(a) ? a : [a];
      const out = seq();
      list.forEach((v, i) => {
        const r = fn.call(hofArgs(fn, v, i, list));
        if (r !== undefined) out.push(r);
      });
      return out;
    },
  },
  filter: {
    kind: 'fn', arity: 2,
    call: ([a, f]) => {
      if (a === undefined) return undefined;
      const fn = asFn(f);
      const list = Array.isArray(a) ? a : [a];
      const out = seq();
      list.forEach((v, i) => {
        if (truthy(fn.call(hofArgs(fn, v, i, list)))) out.push(v);
      });
      return out;
    },
  },
  distinct: {
    kind: 'fn', arity: 1,
    call: ([a]) => {
      if (a === undefined) return undefined;
      if (!Array.isArray(a) || a.length <= 1) return a;
      const out = isSeq(a) ? seq() : [];
      for (const v of a) if (!out.some((x) => deepEqual(x, v))) out.push(v);
      return out;
    },
  },
};

/** Compiles a JSONata AST; null when it uses anything outside the subset. */
export function compileAst(ast: unknown, custom: Record<string, (...args: unknown[]) => unknown>): ((input: unknown, bindings: Record<string, unknown>) => unknown) | null {
  const customFns: Record<string, Fn> = {};
  for (const [name, f] of Object.entries(custom)) customFns[name] = { kind: 'fn', arity: f.length, call: (args) => f(...args) };
  const bound = boundNames(ast);

  const unsupported = (): never => {
    throw new Fallback();
  };

  function withPredicates(node: Node, inner: Eval): Eval {
    const preds = (node.predicate ?? []).map((p) => {
      if (p.type !== 'filter') unsupported();
      return { ev: compile(p.expr), node: p.expr };
    });
    if (node.group !== undefined || node.keepArray) unsupported();
    const base: Eval = preds.length === 0
      ? inner
      : (input, env) => {
          let r = inner(input, env);
          for (const p of preds) r = applyFilter(p.ev, p.node, r, env);
          return r;
        };
    return (input, env) => collapse(base(input, env));
  }

  function compile(node: Node): Eval {
    if (node.focus !== undefined || node.index !== undefined || node.tuple !== undefined || node.ancestor !== undefined) unsupported();
    switch (node.type) {
      case 'string':
      case 'number':
      case 'value': {
        const v = node.value;
        return withPredicates(node, () => v);
      }
      case 'regex': {
        const re = node.value as RegExp;
        const plain = new RegExp(re.source, re.flags.replace('g', ''));
        return () => plain;
      }
      case 'name': {
        const key = String(node.value);
        return withPredicates(node, (input) => lookup(input, key));
      }
      case 'variable': {
        const name = String(node.value);
        if (name === '') return withPredicates(node, (input) => input);
        if (name === '$') return withPredicates(node, (_i, env) => env.root);
        return withPredicates(node, (_input, env) => {
          const v = lookupVar(env, name);
          if (v !== undefined) return v;
          const fn = customFns[name] ?? BUILTINS[name];
          return fn;
        });
      }
      case 'path':
        return compilePath(node);
      case 'condition': {
        const c = compile(node.condition!);
        const t = compile(node.then!);
        const e = node.else ? compile(node.else) : null;
        return withPredicates(node, (input, env) => (truthy(c(input, env)) ? t(input, env) : e ? e(input, env) : undefined));
      }
      case 'block': {
        const exprs = (node.expressions ?? []).map(compile);
        return withPredicates(node, (input, env) => {
          const inner: Env = { vars: new Map(), parent: env, root: env.root };
          let r: unknown;
          for (const e of exprs) r = e(input, inner);
          return r;
        });
      }
      case 'bind': {
        const lhs = node.lhs as Node;
        if (lhs.type !== 'variable') unsupported();
        const name = String(lhs.value);
        const rhs = compile(node.rhs!);
        return (input, env) => {
          const v = rhs(input, env);
          env.vars.set(name, v);
          return v;
        };
      }
      case 'lambda': {
        // The parser wraps tail calls of a lambda body in argument-less "thunk" lambdas that JSONata's evaluator
        // runs on the spot (a trampoline); evaluating the call in place is the same thing.
        if (node.thunk) return compile(node.body!);
        const params = (node.arguments ?? []).map((a) => String(a.value));
        const body = compile(node.body!);
        return (input, env) => {
          const fn: Fn = {
            kind: 'fn',
            arity: params.length,
            call: (args) => {
              const frame: Env = { vars: new Map(params.map((p, i) => [p, args[i]])), parent: env, root: env.root };
              return body(input, frame);
            },
          };
          return fn;
        };
      }
      case 'function': {
        if (node.value !== '(') unsupported();
        const args = (node.arguments ?? []).map(compile);
        const named = node.procedure!.type === 'variable' && !node.procedure!.predicate?.length ? String(node.procedure!.value) : null;
        // `$amount(…)` where nothing binds `$amount`: our function itself, called without an argument array.
        const direct = named !== null && !bound.has(named) ? custom[named] : undefined;
        if (direct && args.length <= 3) {
          const [a, b, c] = args;
          const call: Eval =
            args.length === 0 ? () => direct()
            : args.length === 1 ? (input, env) => direct(a!(input, env))
            : args.length === 2 ? (input, env) => direct(a!(input, env), b!(input, env))
            : (input, env) => direct(a!(input, env), b!(input, env), c!(input, env));
          return withPredicates(node, call);
        }
        // `$exists(…)` where nothing binds `$exists`: the built-in itself, found once here rather than by walking the
        // scopes on every call (bindings naming a built-in are refused when the mapping is run).
        const builtin = named !== null && !bound.has(named) && !Object.hasOwn(custom, named) && Object.hasOwn(BUILTINS, named) ? BUILTINS[named]! : undefined;
        if (builtin) return withPredicates(node, (input, env) => builtin.call(args.map((a) => a(input, env))));
        const proc = compile(node.procedure!);
        return withPredicates(node, (input, env) => {
          const fn = proc(input, env);
          if (!isFn(fn)) throw new Fallback();
          return fn.call(args.map((a) => a(input, env)));
        });
      }
      case 'unary':
        return compileUnary(node);
      case 'binary':
        return compileBinary(node);
      default:
        return unsupported();
    }
  }

  function compileUnary(node: Node): Eval {
    if (node.value === '-') {
      const e = compile(node.expressions ? node.expressions[0]! : (node as unknown as { expression: Node }).expression);
      return withPredicates(node, (input, env) => {
        const v = e(input, env);
        if (v === undefined) return undefined;
        if (!isNumeric(v)) throw new Fallback();
        return -v;
      });
    }
    if (node.value === '[') {
      const items = (node.expressions ?? []).map((n) => ({ ev: compile(n), nested: n.type === 'unary' && n.value === '[' }));
      const cons = node.consarray === true;
      return withPredicates(node, (input, env) => {
        const out: unknown[] = [];
        for (const { ev, nested } of items) {
          const v = ev(input, env);
          if (v === undefined) continue;
          if (nested || !Array.isArray(v)) out.push(v);
          else out.push(...v);
        }
        if (cons) (out as unknown as Record<symbol, boolean>)[CONS] = true;
        return out;
      });
    }
    if (node.value === '{') {
      const entries = node.lhs as [Node, Node][];
      const keys = entries.map(([k]) => (k.type === 'string' && !k.predicate?.length ? String(k.value) : null));
      if (keys.every((k): k is string => k !== null) && new Set(keys).size === keys.length) {
        // Literal, distinct keys (the usual mapping): no key to evaluate or check per record.
        const values = entries.map(([, v]) => compile(v));
        return withPredicates(node, (input, env) => {
          if (Array.isArray(input)) throw new Fallback();
          const out: Record<string, unknown> = {};
          for (let i = 0; i < keys.length; i++) {
            const value = values[i]!(input, env);
            if (value !== undefined) out[keys[i]!] = value;
          }
          return out;
        });
      }
      const pairs = entries.map(([k, v]) => [compile(k), compile(v)] as const);
      return withPredicates(node, (input, env) => {
        // Grouping over a sequence of inputs is JSONata's business.
        if (Array.isArray(input)) throw new Fallback();
        const out: Record<string, unknown> = {};
        for (const [k, v] of pairs) {
          const key = k(input, env);
          if (typeof key !== 'string') throw new Fallback();
          if (Object.prototype.hasOwnProperty.call(out, key)) throw new Fallback();
          const value = v(input, env);
          if (value !== undefined) out[key] = value;
        }
        return out;
      });
    }
    return unsupported();
  }

  function compileBinary(node: Node): Eval {
    const op = String(node.value);
    const l = compile(node.lhs as Node);
    const r = compile(node.rhs!);
    let f: Eval;
    switch (op) {
      case 'and':
        f = (i, e) => truthy(l(i, e)) && truthy(r(i, e));
        break;
      case 'or':
        f = (i, e) => truthy(l(i, e)) || truthy(r(i, e));
        break;
      case '=':
      case '!=':
        f = (i, e) => {
          const a = l(i, e);
          const b = r(i, e);
          if (a === undefined || b === undefined) return false;
          return op === '=' ? deepEqual(a, b) : !deepEqual(a, b);
        };
        break;
      case '<':
      case '<=':
      case '>':
      case '>=':
        f = (i, e) => {
          const a = l(i, e);
          const b = r(i, e);
          const ok = (x: unknown) => x === undefined || typeof x === 'string' || isNumeric(x);
          if (!ok(a) || !ok(b)) throw new Fallback();
          if (a === undefined || b === undefined) return undefined;
          if (typeof a !== typeof b) throw new Fallback();
          const x = a as number | string;
          const y = b as number | string;
          return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
        };
        break;
      case 'in':
        f = (i, e) => {
          const a = l(i, e);
          const b = r(i, e);
          if (a === undefined || b === undefined) return false;
          return (Array.isArray(b) ? b : [b]).some((x) => x === a);
        };
        break;
      case '&':
        f = (i, e) => {
          const a = l(i, e);
          const b = r(i, e);
          return (a === undefined ? '' : toStr(a)) + (b === undefined ? '' : toStr(b));
        };
        break;
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        f = (i, e) => {
          const a = l(i, e);
          const b = r(i, e);
          if (a === undefined || b === undefined) return undefined;
          if (!isNumeric(a) || !isNumeric(b)) throw new Fallback();
          const v = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b;
          if (!Number.isFinite(v)) throw new Fallback();
          return v;
        };
        break;
      default:
        return unsupported();
    }
    return withPredicates(node, f);
  }

  function compilePath(node: Node): Eval {
    if (node.keepSingletonArray || node.group !== undefined) unsupported();
    const steps = (node.steps ?? []).map((s, idx) => {
      if (idx === 0 && s.consarray) unsupported();
      if (s.keepArray) unsupported();
      const stages = (s.stages ?? []).map((st) => {
        if (st.type !== 'filter') unsupported();
        return { ev: compile(st.expr), node: st.expr };
      });
      return { ev: compile(s), stages };
    });
    const firstIsVariable = node.steps?.[0]?.type === 'variable';
    const last = steps.length - 1;
    const general: Eval = (input, env) => {
      let current: unknown[] = Array.isArray(input) && !firstIsVariable ? input : seq([input]);
      let result: unknown[] | undefined;
      for (let s = 0; s < steps.length; s++) {
        const { ev, stages } = steps[s]!;
        const collected: unknown[] = [];
        for (const item of current) {
          let r = ev(item, env);
          for (const st of stages) r = applyFilter(st.ev, st.node, r, env);
          if (r !== undefined) collected.push(r);
        }
        if (s === last && collected.length === 1 && Array.isArray(collected[0]) && !isSeq(collected[0])) {
          result = collected[0] as unknown[];
        } else {
          result = seq();
          for (const r of collected) {
            if (!Array.isArray(r) || isCons(r)) result.push(r);
            else result.push(...r);
          }
        }
        if (result.length === 0) break;
        current = result;
      }
      return result;
    };
    // `CurrencyRef.value`, `MetaData.LastUpdatedTime`: plain field names walked through objects. Most of a mapping's
    // paths are like this, and walking them directly skips the sequence bookkeeping above; an array on the way (where
    // JSONata maps over the items) takes the general route, which gives the same result on objects.
    // (focus, index, tuple, ancestor and keepArray steps were refused above.)
    const simple = (node.steps ?? []).every((st) => st.type === 'name' && !st.predicate?.length && !st.stages?.length);
    if (simple && !node.predicate?.length) {
      const keys = (node.steps ?? []).map((st) => String(st.value));
      return (input, env) => {
        let v: unknown = input;
        for (let k = 0; k < keys.length; k++) {
          if (v === null || typeof v !== 'object' || Array.isArray(v) || isFn(v)) return collapse(general(input, env));
          v = (v as Record<string, unknown>)[keys[k]!];
          if (v === undefined) return undefined;
        }
        return v;
      };
    }
    return withPredicates(node, general);
  }

  try {
    const root = compile(ast as Node);
    return (input, bindings) => {
      if (Array.isArray(input)) throw new Fallback();
      // A binding named like a function would hide it: such calls were resolved at compile time, so JSONata decides.
      for (const name in bindings) if (Object.hasOwn(BUILTINS, name) || Object.hasOwn(custom, name)) throw new Fallback();
      const env: Env = { vars: new Map(Object.entries(bindings)), parent: null, root: input };
      return root(input, env);
    };
  } catch (err) {
    if (err instanceof Fallback) return null;
    throw err;
  }
}
