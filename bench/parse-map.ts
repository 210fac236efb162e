// Bench `parse-map`: the CPU of turning QuickBooks response pages into encoded rows (parse, map, validate, encode; no
// network, no database), two ways, each in a process with Relance's node options: the whole page parsed, then its
// records mapped (before 7 December), against the body scanned for its records' bounds and each record parsed from
// its text and mapped at once (QuickBooks full scans since). With a 4 MB young generation, a parsed page (about 5 MB of
// objects) outlives every scavenge while it is parsed and mapped, and is copied and promoted; a record's tree parsed
// alone dies young. The gap is what the engine saves per record (#29).
import { spawn } from 'node:child_process';
import { RELANCE_NODE_FLAGS } from '../src/node-flags.js';
import type { BenchResult } from './run.js';

function variant(name: 'page' | 'record', pages: number): Promise<{ records: number; cpuS: number }> {
  const child = spawn(process.execPath, [...RELANCE_NODE_FLAGS, '--import', './bin/v8-flags.mjs', 'bin/run-ts.mjs', 'bench/parse-map-process.ts', name, String(pages)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`parse-map ${name} exited with ${code}`))));
  });
}

export async function run(opts: { quick: boolean }): Promise<BenchResult> {
  const pages = opts.quick ? 40 : 200;
  const metrics: Record<string, number> = {};
  // Alternated, twice each, so a machine busier in one half does not favour one way.
  for (const round of [1, 2]) {
    for (const name of ['page', 'record'] as const) {
      process.stderr.write(`  ${name} path, round ${round} (${pages} pages of 1,000 invoices)…\n`);
      const r = await variant(name, pages);
      metrics[`${name}Round${round}MicrosPerRecord`] = (r.cpuS * 1e6) / r.records;
    }
  }
  const mean = (name: string) => (metrics[`${name}Round1MicrosPerRecord`]! + metrics[`${name}Round2MicrosPerRecord`]!) / 2;
  metrics['pageMicrosPerRecord'] = mean('page');
  metrics['recordMicrosPerRecord'] = mean('record');
  metrics['savedMicrosPerRecord'] = mean('page') - mean('record');
  return {
    name: 'parse-map',
    metrics,
    notes: [
      'CPU of the process (every thread: GC helpers and the zlib pool included) per record; no network and no database',
      'the record path includes its scan of the body for the records\' bounds (parseDeferringRecords)',
    ],
  };
}
