// `npm run mutation [-- stryker options]`: runs Stryker (stryker.config.mjs), then prints the mutation score per critical
// module and writes it beside Stryker's JSON report (reports/mutation/scores.json). Not part of `npm test` or CI.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Status = 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';
interface Report {
  files: Record<string, { mutants: Array<{ status: Status }> }>;
}

const root = process.cwd();
const args = process.argv.slice(2);
const stryker = spawnSync(join(root, 'node_modules', '.bin', 'stryker'), ['run', ...args], { stdio: 'inherit' });
if (stryker.status !== 0) process.exit(stryker.status ?? 1);

const { MODULES } = (await import(pathToFileURL(join(root, 'stryker.config.mjs')).href)) as { MODULES: Record<string, string[]> };
const reportFile = join(root, 'reports', 'mutation', 'mutation.json');
if (!existsSync(reportFile)) throw new Error(`no Stryker report at ${reportFile}: did the run finish?`);
const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;

// A glob of the config ("connectors/*/webhooks.ts") as a test on a report path.
const matches = (glob: string, file: string) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`).test(file);
const rows: Array<{ module: string; killed: number; survived: number; noCoverage: number; timeout: number; score: number | null }> = [];
for (const [module, globs] of Object.entries(MODULES)) {
  const mutants = Object.entries(report.files)
    .filter(([file]) => globs.some((g) => matches(g, file)))
    .flatMap(([, f]) => f.mutants);
  const count = (s: Status) => mutants.filter((m) => m.status === s).length;
  const killed = count('Killed') + count('Timeout');
  const detectedOrNot = killed + count('Survived') + count('NoCoverage');
  rows.push({ module, killed: count('Killed'), survived: count('Survived'), noCoverage: count('NoCoverage'), timeout: count('Timeout'), score: detectedOrNot ? Math.round((killed / detectedOrNot) * 1000) / 10 : null });
}
const width = Math.max(...rows.map((r) => r.module.length));
process.stdout.write(`\n${'module'.padEnd(width)}  killed  survived  no cover  timeout  score\n`);
for (const r of rows) process.stdout.write(`${r.module.padEnd(width)}  ${String(r.killed).padStart(6)}  ${String(r.survived).padStart(8)}  ${String(r.noCoverage).padStart(8)}  ${String(r.timeout).padStart(7)}  ${r.score === null ? '  —' : `${r.score.toFixed(1)} %`}${r.score !== null && r.score < 80 ? '  (target 80 %)' : ''}\n`);
writeFileSync(join(root, 'reports', 'mutation', 'scores.json'), `${JSON.stringify({ at: new Date().toISOString(), modules: rows }, null, 2)}\n`);
process.stdout.write('\nScores written to reports/mutation/scores.json; the full report is reports/mutation/mutation.html.\n');
