// For `npm run mutation` on the outbox, its lease and the executor (src/store/outbox.ts, src/actions/outbox-lease.ts,
// src/actions/executor.ts): the test files that plan, claim, reclaim and run outbox items, on the real PostgreSQL,
// Redis and SMTP sink of the global setup. The crash tests (test/actions/crash.test.ts) are left out: they run the
// executor in child processes, which Stryker's per-test coverage does not see, and cost about a minute a run; the
// browser tests (in-doubt, insolvency) and the CLI test of the sending switch (a child process too). Usage: README, Development, mutation table.
import { orderedConfig } from './include-order.js';

/** Quickest and most direct first (see include-order.ts). */
const include = [
  'test/actions/outbox-lease.test.ts',
  'test/actions/sending.test.ts',
  'test/actions/letter-held.test.ts',
  'test/actions/executor.test.ts',
  'test/actions/executor-paths.test.ts',
  'test/store/store.test.ts',
  'test/rates/waiting.test.ts',
  'test/collections/pause-cancels.test.ts',
  'test/workers/sweep.test.ts',
  'test/worklist/worklist.test.ts',
  'test/recovery/service.test.ts',
  'test/recovery/hand-off.test.ts',
  'test/insolvency/declaration.test.ts',
  'test/inbound/replies.test.ts',
  'test/actions/pipeline.test.ts',
];

export default orderedConfig(include);
