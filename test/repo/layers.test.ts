// The layer map of issue #21, read from the imports: no arrow runs from a lower layer to a higher one, no cycle between
// the top-level parts of src/, no cycle between files, the REST API and the pages never import each other, and both
// reach the store only through src/app (its types aside).
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, importGraph, importsWithKind, ROOT } from './imports.js';

/**
 * The layers, lowest first (a file may import its own layer or a lower one). A path not placed here fails the test:
 * a new top-level folder must be given its layer.
 */
const LAYERS: ReadonlyArray<readonly string[]> = [
  /* 0 leaves */ ['src/model/', 'src/json/', 'src/config.ts', 'src/log.ts', 'src/dependency-errors.ts', 'src/node-flags.ts'],
  /* 1 store and rules */ ['src/store/', 'src/rules/'],
  /* 2 engines */ ['src/mapping/', 'src/sync/', 'src/actions/', 'src/kpi/', 'src/connectors/', 'src/queue/', 'src/rates/', 'src/simulator/'],
  /* 3 application */ ['src/app/', 'src/collections/', 'src/demo/', 'src/inbound/', 'src/insolvency/', 'src/portal/', 'src/recovery/', 'src/worklist/', 'src/runtime.ts'],
  /* 4 edges; connectors/index.ts is the registry of every provider, which the edges hand in at start-up */
  ['src/http/', 'src/cli/', 'src/service.ts', 'src/admin.ts', 'workers/', 'bin/', 'connectors/index.ts'],
];

/** What a provider folder (connectors/<provider>/, beside the kit) may import besides its own folder. */
const PROVIDER_MAY_IMPORT = ['src/connectors/', 'src/model/', 'src/json/', 'src/config.ts'];
/** What a provider's simulator (connectors/<provider>/simulator/) may import besides itself: the simulator kit (ARCHITECTURE.md). */
const PROVIDER_SIMULATOR_MAY_IMPORT = ['src/simulator/', 'src/model/'];

/**
 * Known violations, each one exact file → file import, kept only while a change is under way (empty since the http
 * restructuring of #21 landed). An entry whose import no longer exists fails the test, so the list cannot go stale.
 */
const ALLOWLIST: readonly string[] = [];

/**
 * The parts of src/http that go through the use cases of src/app: they may import the store's types (`import type`),
 * never its values, so no page or API route reads or writes a table itself.
 */
const STORE_TYPES_ONLY = ['src/http/ui/', 'src/http/api/'];

/** The value imports (`file → specifier`) by which `file`, with source `text`, reaches src/store/ while it may only take types from it. */
export function storeValueImports(file: string, text: string): string[] {
  if (!STORE_TYPES_ONLY.some((p) => file.startsWith(p))) return [];
  return importsWithKind(text)
    .filter((i) => !i.typeOnly && i.spec.startsWith('.') && relative(ROOT, resolve(ROOT, dirname(file), i.spec)).startsWith('src/store/'))
    .map((i) => `${file} → ${i.spec}`);
}

export type Graph = ReadonlyMap<string, readonly string[]>;

/** The layer of a path (0..4), 'provider' for a provider folder, or null when the map does not place it. */
export function layerOf(path: string): number | 'provider' | null {
  for (const [i, prefixes] of LAYERS.entries()) if (prefixes.some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p))) return i;
  if (/^connectors\/[^/]+\//.test(path)) return 'provider';
  return null;
}

/** The top-level part of src/ a file belongs to ("src/store", "src/service.ts"); null outside src/. */
export function partOf(path: string): string | null {
  const m = /^src\/([^/]+)(\/)?/.exec(path);
  return m ? `src/${m[1]}` : null;
}

/** Strongly connected components with more than one member, or a member importing itself (Tarjan). */
export function cycles(graph: Graph): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(c.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

export interface Findings {
  /** Files the layer map does not place. */
  unplaced: string[];
  /** (a) An import from a lower layer to a higher one, or a provider folder importing beyond the kit. */
  upward: string[];
  /** (b) Cycles between top-level parts of src/. */
  partCycles: string[];
  /** (c) Cycles between files. */
  fileCycles: string[];
  /** (d) src/http/api ↔ src/http/ui. */
  apiUi: string[];
  /** Allowlisted edges that are not in the graph any more. */
  stale: string[];
}

/** Every rule of the map checked on `graph` (file → files it imports), with the allowlisted edges set aside. */
export function check(graph: Graph, allow: readonly string[] = []): Findings {
  const allowed = new Set(allow);
  const kept = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const [from, tos] of graph) {
    kept.set(from, []);
    for (const to of tos) {
      const edge = `${from} → ${to}`;
      seen.add(edge);
      if (!allowed.has(edge)) kept.get(from)!.push(to);
    }
  }
  const f: Findings = { unplaced: [], upward: [], partCycles: [], fileCycles: [], apiUi: [], stale: allow.filter((e) => !seen.has(e)) };
  for (const file of graph.keys()) if (layerOf(file) === null) f.unplaced.push(file);
  const parts = new Map<string, Set<string>>();
  for (const [from, tos] of kept) {
    for (const to of tos) {
      const edge = `${from} → ${to}`;
      const lf = layerOf(from);
      const lt = layerOf(to);
      if (lf === 'provider') {
        const own = from.split('/').slice(0, 2).join('/') + '/';
        const inSimulator = from.startsWith(`${own}simulator/`);
        const may = inSimulator ? [`${own}simulator/`, ...PROVIDER_SIMULATOR_MAY_IMPORT] : [own, ...PROVIDER_MAY_IMPORT];
        if (!may.some((p) => (p.endsWith('/') ? to.startsWith(p) : to === p))) f.upward.push(edge);
      } else if (typeof lf === 'number' && lt === 'provider') {
        // Only the registry (layer 4) names a provider; src/ never does (house.test.ts says it too).
        if (lf < 4) f.upward.push(edge);
      } else if (typeof lf === 'number' && typeof lt === 'number' && lt > lf) f.upward.push(edge);
      const api = (p: string) => p.startsWith('src/http/api/');
      const ui = (p: string) => p.startsWith('src/http/ui/');
      if ((api(from) && ui(to)) || (ui(from) && api(to))) f.apiUi.push(edge);
      const pf = partOf(from);
      const pt = partOf(to);
      if (pf && pt && pf !== pt) (parts.get(pf) ?? parts.set(pf, new Set()).get(pf)!).add(pt);
    }
  }
  f.partCycles = cycles(new Map([...parts].map(([k, v]) => [k, [...v]]))).map((c) => c.join(' ⇄ '));
  f.fileCycles = cycles(kept).map((c) => c.join(' ⇄ '));
  return f;
}

describe('the layers (#21)', () => {
  it('finds each kind of violation on a synthetic graph, and sets aside exactly the allowlisted edges', () => {
    const g = new Map<string, string[]>([
      ['src/store/a.ts', ['src/model/m.ts', 'src/rates/r.ts']], // (a) store (1) → rates (2)
      ['src/rates/r.ts', ['src/store/a.ts']], // with the line above: (b) store ⇄ rates and (c) a.ts ⇄ r.ts
      ['src/model/m.ts', []],
      ['src/worklist/w.ts', ['src/portal/p.ts']],
      ['src/portal/p.ts', ['src/worklist/w.ts']], // (b) and (c) within one layer: still cycles
      ['src/http/api/x.ts', ['src/http/ui/y.ts']], // (d)
      ['src/http/ui/y.ts', ['src/app/u.ts']],
      ['src/app/u.ts', ['src/sync/s.ts']],
      ['src/sync/s.ts', ['src/json/j.ts']],
      ['src/json/j.ts', []],
      ['src/mystery/q.ts', []], // not on the map
      ['connectors/acme/client.ts', ['src/connectors/http.ts', 'src/store/db.ts']], // a provider reaching the store
      ['connectors/acme/simulator/index.ts', ['src/simulator/kit.ts']],
      ['src/connectors/http.ts', ['src/json/j.ts']],
      ['src/store/db.ts', []],
      ['src/simulator/kit.ts', []],
      ['src/demo/d.ts', ['connectors/acme/client.ts']], // src naming a provider
      ['connectors/index.ts', ['connectors/acme/client.ts']],
    ]);
    const f = check(g);
    expect(f.unplaced).toEqual(['src/mystery/q.ts']);
    expect(f.upward.sort()).toEqual(['connectors/acme/client.ts → src/store/db.ts', 'src/demo/d.ts → connectors/acme/client.ts', 'src/store/a.ts → src/rates/r.ts']);
    expect(f.partCycles.sort()).toEqual(['src/portal ⇄ src/worklist', 'src/rates ⇄ src/store']);
    expect(f.fileCycles.sort()).toEqual(['src/portal/p.ts ⇄ src/worklist/w.ts', 'src/rates/r.ts ⇄ src/store/a.ts']);
    expect(f.apiUi).toEqual(['src/http/api/x.ts → src/http/ui/y.ts']);
    expect(check(new Map([['src/x/self.ts', ['src/x/self.ts']]])).fileCycles).toEqual(['src/x/self.ts']);

    const allowed = check(g, ['src/store/a.ts → src/rates/r.ts', 'src/http/api/x.ts → src/http/ui/y.ts', 'src/gone.ts → src/model/m.ts']);
    expect(allowed.upward.sort()).toEqual(['connectors/acme/client.ts → src/store/db.ts', 'src/demo/d.ts → connectors/acme/client.ts']);
    expect(allowed.partCycles).toEqual(['src/portal ⇄ src/worklist']);
    expect(allowed.fileCycles).toEqual(['src/portal/p.ts ⇄ src/worklist/w.ts']);
    expect(allowed.apiUi).toEqual([]);
    expect(allowed.stale).toEqual(['src/gone.ts → src/model/m.ts']);
  });

  it('places every product file by the map, and the real import graph keeps it (allowlist: src/http and src/portal/pages.tsx only)', () => {
    const files = ['src', 'connectors', 'workers', 'bin'].flatMap(filesUnder);
    expect(files.length).toBeGreaterThan(300);
    const { edges, unresolved } = importGraph(files);
    expect(unresolved).toEqual([]);
    expect([...edges.values()].reduce((n, t) => n + t.length, 0)).toBeGreaterThan(1000);
    for (const e of ALLOWLIST) expect(e, 'only src/http and src/portal/pages.tsx may be allowlisted').toMatch(/^src\/(http\/|portal\/pages\.tsx )/);
    const f = check(edges, ALLOWLIST);
    expect(f.unplaced, 'files the layer map does not place').toEqual([]);
    expect(f.upward, '(a) imports from a lower layer to a higher one').toEqual([]);
    expect(f.partCycles, '(b) cycles between top-level parts of src/').toEqual([]);
    expect(f.fileCycles, '(c) cycles between files').toEqual([]);
    expect(f.apiUi, '(d) src/http/api ↔ src/http/ui').toEqual([]);
    expect(f.stale, 'allowlisted imports that no longer exist: remove them from ALLOWLIST').toEqual([]);
  });

  it('finds a page or API file that imports a value from src/store/, and lets types through', () => {
    const text = [
      "import { listTenants } from '../../../store/auth.js';",
      "import { type Role } from '../../../store/team.js';", // loads the module (verbatimModuleSyntax): a value import
      "import '../../../store/db.js';",
      "export { getLetter } from '../../../store/activity.js';",
      "const m = await import('../../../store/pauses.js');",
      "import type { Tenant } from '../../../store/tenants.js';",
      "import type Sql from '../../../store/db.js';",
      "export type { Connection } from '../../../store/tenants.js';",
      "import { tenantConnections } from '../../../app/connections.js';",
      "import type from '../../../store/sending.js';", // a default import named `type`: a value
    ].join('\n');
    expect(storeValueImports('src/http/ui/pages/x.tsx', text)).toEqual([
      'src/http/ui/pages/x.tsx → ../../../store/auth.js',
      'src/http/ui/pages/x.tsx → ../../../store/team.js',
      'src/http/ui/pages/x.tsx → ../../../store/activity.js',
      'src/http/ui/pages/x.tsx → ../../../store/sending.js',
      'src/http/ui/pages/x.tsx → ../../../store/db.js',
      'src/http/ui/pages/x.tsx → ../../../store/pauses.js',
    ]);
    expect(storeValueImports('src/http/api/index.ts', "import { listPauses } from '../../store/pauses.js';")).toEqual(['src/http/api/index.ts → ../../store/pauses.js']);
    // src/app, and the rest of src/http (sign-in, webhooks), may use the store.
    expect(storeValueImports('src/app/x.ts', "import { listTenants } from '../store/auth.js';")).toEqual([]);
    expect(storeValueImports('src/http/auth/session.ts', "import { listTenants } from '../../store/auth.js';")).toEqual([]);
  });

  it('src/http/ui and src/http/api import from src/store/ types only: they read and write through src/app', () => {
    const files = STORE_TYPES_ONLY.flatMap((p) => filesUnder(p.slice(0, -1)));
    expect(files.length).toBeGreaterThan(30);
    // The check sees the type imports it lets through, so it would see a value import among them.
    expect(files.some((f) => importsWithKind(readFileSync(join(ROOT, f), 'utf8')).some((i) => i.typeOnly && i.spec.includes('/store/')))).toBe(true);
    expect(files.flatMap((f) => storeValueImports(f, readFileSync(join(ROOT, f), 'utf8')))).toEqual([]);
  });
});
