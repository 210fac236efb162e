// `npm run bench`: runs each benchmark case, prints a table and writes bench/results/<date>.json. Targets live here, never in unit tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchResult {
  name: string;
  metrics: Record<string, number>;
  /** Pass/fail against the targets, with the figure that decided it. */
  targets?: { label: string; ok: boolean; detail: string }[];
  notes?: string[];
}

type Case = { name: string; run(): Promise<BenchResult> };

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const quick = process.argv.includes('--quick');

const cases: Case[] = [
  {
    name: 'rules',
    async run() {
      const { benchRules } = await import('./rules.js');
      const r = await benchRules({ invoices: quick ? 100_000 : 1_000_000 });
      return { name: r.name, metrics: r.metrics };
    },
  },
];

for (const name of ['mapping', 'parse-map', 'sync', 'sync-1m', 'sync-xero', 'sync-pennylane', 'sync-sage', 'scale']) {
  cases.push({
    name,
    async run() {
      const mod = (await import(`./${name}.js`).catch(() => null)) as { run?: (o: { quick: boolean }) => Promise<BenchResult> } | null;
      if (!mod?.run) return { name, metrics: {}, notes: [`bench/${name}.ts is not present in this build`] };
      return mod.run({ quick });
    },
  });
}

const results: BenchResult[] = [];
for (const c of cases) {
  if (only.length && !only.includes(c.name)) continue;
  process.stderr.write(`▶ ${c.name}${quick ? ' (quick)' : ''}…\n`);
  const started = Date.now();
  const result = await c.run();
  results.push(result);
  process.stderr.write(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const rows: string[][] = [['case', 'metric', 'value']];
for (const r of results) {
  for (const [k, v] of Object.entries(r.metrics)) rows.push([r.name, k, Number.isInteger(v) ? String(v) : v.toFixed(2)]);
  for (const t of r.targets ?? []) rows.push([r.name, `target: ${t.label}`, `${t.ok ? 'PASS' : 'FAIL'} (${t.detail})`]);
  for (const n of r.notes ?? []) rows.push([r.name, 'note', n]);
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
process.stdout.write(`${rows.map((row, j) => row.map((cell, i) => (i === 2 && j > 0 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ')).join('\n')}\n`);

const dir = join(root, 'bench', 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
const json = JSON.stringify({ at: new Date().toISOString(), node: process.version, quick, results }, null, 2);
writeFileSync(file, json);
process.stdout.write(`\nJSON: ${file}\n${json}\n`);
