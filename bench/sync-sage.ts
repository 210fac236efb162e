// Bench `sync-sage`: a full Sage Accounting sync of a 20k-invoice business from the simulator (~100 ms latency) at one request a second, against that floor (requests ÷ 1 per second); the 429s and the peak RSS.
// The size is a parameter: BENCH_SAGE_INVOICES (default 20,000; --quick: 2,000).
import type { BenchResult } from './run.js';
import { run as runSync } from './sync.js';

export const run = (opts: { quick: boolean }): Promise<BenchResult> => {
  const invoices = Number(process.env['BENCH_SAGE_INVOICES'] ?? (opts.quick ? 2_000 : 20_000));
  if (!Number.isInteger(invoices) || invoices < 1) throw new Error(`BENCH_SAGE_INVOICES must be a positive whole number (got ${process.env['BENCH_SAGE_INVOICES']})`);
  return runSync({ ...opts, provider: 'sage', invoices });
};
