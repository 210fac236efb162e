// Reads the repository's own import graph: product files, the module specifiers each imports, and where they resolve.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
const SOURCE = /\.(ts|tsx|mjs|js)$/;

/** Repository-relative paths of the source files under `dir` (node_modules skipped). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(join(ROOT, dir))) return out;
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...filesUnder(path));
    else if (SOURCE.test(name)) out.push(path);
  }
  return out;
}

/** Every module specifier a file imports or re-exports, statically or dynamically (string literals only). */
export function importsOf(text: string): string[] {
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g)) specs.push(m[1]!);
  for (const m of text.matchAll(/(?:^|[\s;])import\s*['"]([^'"]+)['"]/g)) specs.push(m[1]!);
  for (const m of text.matchAll(/import\(\s*['"`]([^'"`$]+)/g)) specs.push(m[1]!);
  return specs;
}

/**
 * Every module specifier a file imports or re-exports, each with whether the statement is for types only
 * (`import type …` / `export type … from`, erased at compile time: the module is never loaded). With
 * verbatimModuleSyntax, `import { type A } from` still loads its module, so it counts as a value import; so do a
 * side-effect `import 'x'` and a dynamic `import('x')`.
 */
export function importsWithKind(text: string): { spec: string; typeOnly: boolean }[] {
  const out: { spec: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s+(type(?=\s*[{*]|\s+(?!from\b)[\w$]))?[^'"]*?from\s*['"]([^'"]+)['"]/g)) out.push({ spec: m[2]!, typeOnly: !!m[1] });
  for (const m of text.matchAll(/(?:^|[\s;])import\s*['"]([^'"]+)['"]/g)) out.push({ spec: m[1]!, typeOnly: false });
  for (const m of text.matchAll(/import\(\s*['"`]([^'"`$]+)/g)) out.push({ spec: m[1]!, typeOnly: false });
  return out;
}

/** Repository-relative targets of a file's relative imports, as written (`.js` not mapped to a source file). */
export function localImports(file: string): string[] {
  return importsOf(readFileSync(join(ROOT, file), 'utf8'))
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)));
}

/** Data a module may import that is not code (mappings, SQL, fixtures): not part of the code graph. */
const NOT_CODE = /\.(json|jsonata|sql|css|txt|html)$/;

/**
 * The code graph of `files`: each file's relative imports resolved to one of `files` (`x.js` → `x.ts` / `x.tsx`).
 * A relative import of code that resolves to none of them is returned in `unresolved`, so no edge goes unseen.
 */
export function importGraph(files: readonly string[]): { edges: Map<string, string[]>; unresolved: string[] } {
  const known = new Set(files);
  const edges = new Map<string, string[]>();
  const unresolved: string[] = [];
  for (const f of files) {
    const targets: string[] = [];
    for (const t of localImports(f)) {
      const hit = [t, t.replace(/\.js$/, '.ts'), t.replace(/\.js$/, '.tsx'), t.replace(/\.mjs$/, '.mts'), `${t}.ts`, `${t}/index.ts`].find((c) => known.has(c));
      if (hit) targets.push(hit);
      else if (!NOT_CODE.test(t) && !t.startsWith('node_modules/')) unresolved.push(`${f} → ${t}`);
    }
    edges.set(f, [...new Set(targets)]);
  }
  return { edges, unresolved };
}
