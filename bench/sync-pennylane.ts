// Bench `sync-pennylane`: a full Pennylane sync of a 20k-invoice company from the simulator (25 requests per 5 s; ~100 ms latency) against the quota floor (requests ÷ 5 per second).
import type { BenchResult } from './run.js';
import { run as runSync } from './sync.js';

export const run = (opts: { quick: boolean }): Promise<BenchResult> => runSync({ ...opts, provider: 'pennylane' });
