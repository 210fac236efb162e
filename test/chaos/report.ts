// What every chaos scenario shares: its seed, how a failure says to reproduce it, and the figures it leaves for the
// summary (reports/chaos/<scenario>.json, read by test/chaos/run.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPORT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'reports', 'chaos');

/** The run's seed: CHAOS_SEED when set (to reproduce a failure), else a fixed default so two runs compare. */
export function chaosSeed(): number {
  const raw = process.env['CHAOS_SEED'];
  if (raw === undefined || raw === '') return 20261205;
  const seed = Number(raw);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`CHAOS_SEED must be a whole number (got ${raw})`);
  return seed;
}

/** The message a failing scenario carries: what failed, and the one command that replays it. */
export function reproduce(file: string, provider: string, seed: number, what: string): string {
  return `${what}\n  reproduce: CHAOS_SEED=${seed} npm run chaos -- ${file} -t ${provider}`;
}

/** Leaves a scenario's figures for the summary table. */
export function record(scenario: string, seed: number, rows: readonly Record<string, unknown>[]): void {
  mkdirSync(REPORT_DIR, { recursive: true });
  writeFileSync(join(REPORT_DIR, `${scenario}.json`), `${JSON.stringify({ scenario, seed, at: new Date().toISOString(), rows }, null, 2)}\n`);
}
