// For `npm run mutation` on the sync engine and the document store (src/sync/{session,pipeline,page-store,run,stream,
// reread,mappers}.ts, src/json/source-text.ts, src/store/documents.ts): the source-text scanner's own tests, the store's document tests, the ordered-commit pipeline, and the sync tests that
// run whole syncs and webhook re-reads against the provider simulators on the real PostgreSQL of the global setup. The
// connector contract (test/contract) and fidelity drives (test/fidelity) reach them too, through whole syncs of every
// provider; they are left out, or each mutant would cost minutes. Usage: README, Development, mutation table.
import { orderedConfig } from './include-order.js';

/** Quickest and most direct first (see include-order.ts). */
const include = [
  'test/json/source-text.test.ts',
  'test/store/documents.test.ts',
  'test/store/documents-isolated.test.ts',
  'test/store/store.test.ts',
  'test/sync/page-store.test.ts',
  'test/sync/run.test.ts',
  'test/sync/pipeline.test.ts',
  'test/sync/lock-session.test.ts',
  'test/sync/page-order.test.ts',
  'test/sync/xero-rereads.test.ts',
  'test/sync/*.test.ts',
];

export default orderedConfig(include);
