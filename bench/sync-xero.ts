// Bench `sync-xero`: a full Xero sync from the simulator (documented limits: 60/min, 5 concurrent, 5,000/day; ~100 ms latency) against the quota floor.
import type { BenchResult } from './run.js';
import { run as runSync } from './sync.js';

export const run = (opts: { quick: boolean }): Promise<BenchResult> => runSync({ ...opts, provider: 'xero' });
