// `npm run chaos`: runs the chaos scenarios (vitest.chaos.config.ts) on a real PostgreSQL and Redis, then prints one
// table of their figures and writes reports/chaos/summary.json. Arguments go to vitest (a file filter, -t NAME).
// CHAOS_SEED replays a run; a failing scenario prints the command that replays it alone.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPORT_DIR, chaosSeed } from './report.js';

const seed = chaosSeed();
rmSync(REPORT_DIR, { recursive: true, force: true });
process.stderr.write(`▶ chaos (seed ${seed}); figures in ${join('reports', 'chaos')}/\n`);
const started = Date.now();
const vitest = join('node_modules', '.bin', 'vitest');
const run = spawnSync(vitest, ['run', '--config', 'vitest.chaos.config.ts', ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, CHAOS_SEED: String(seed) } });

type Report = { scenario: string; seed: number; rows: Record<string, unknown>[] };
const reports: Report[] = existsSync(REPORT_DIR)
  ? readdirSync(REPORT_DIR)
      .filter((f) => f.endsWith('.json') && f !== 'summary.json')
      .map((f) => JSON.parse(readFileSync(join(REPORT_DIR, f), 'utf8')) as Report)
  : [];
const cell = (v: unknown): string => (v !== null && typeof v === 'object' ? Object.entries(v).map(([k, x]) => `${k} ${x}`).join(', ') : String(v));
const table: string[][] = [['scenario', 'subject', 'figure', 'value']];
for (const r of reports) {
  for (const row of r.rows) {
    const subject = String(row['provider'] ?? row['subject'] ?? '');
    for (const [k, v] of Object.entries(row)) if (k !== 'provider' && k !== 'subject' && k !== 'seed') table.push([r.scenario, subject, k, cell(v)]);
  }
}
const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
process.stdout.write(`${table.map((row) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n')}\n`);
const summary = { seed, durationS: Math.round((Date.now() - started) / 1000), passed: run.status === 0, reports };
if (existsSync(REPORT_DIR)) writeFileSync(join(REPORT_DIR, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
process.stderr.write(`chaos ${summary.passed ? 'passed' : 'FAILED'} in ${summary.durationS} s (seed ${seed})${summary.passed ? '' : ': each failure above says how to replay it alone'}\n`);
process.exit(run.status ?? 1);
