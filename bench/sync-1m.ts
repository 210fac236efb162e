// Bench `sync-1m`: a first sync of 1,000,000 QuickBooks records, no quota and no latency; peak RSS of the syncing process (target < 300 MB) and its CPU per record (target ≤ 60 µs).
import type { BenchResult } from './run.js';
import { runMillion } from './sync.js';

export const run = (opts: { quick: boolean }): Promise<BenchResult> => runMillion(opts);
