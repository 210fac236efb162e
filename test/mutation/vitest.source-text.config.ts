// For `npm run mutation` on the source-text scanner and the mapping step (src/json/source-text.ts, src/sync/mappers.ts)
// alone: the scanner's own property tests, then the page store's, QuickBooks' and the run's sync tests (records parsed at map time,
// stored byte for byte, a damaged record failing its page, quarantined and skipped records), on the real PostgreSQL of the global setup. The sync-engine
// group's other files reach them too, at minutes a mutant. Usage: README, Development, mutation table.
import { orderedConfig } from './include-order.js';

/** Quickest and most direct first (see include-order.ts). */
const include = ['test/json/source-text.test.ts', 'test/sync/page-store.test.ts', 'test/sync/quickbooks.test.ts', 'test/sync/run.test.ts', 'test/sync/page-order.test.ts'];

export default orderedConfig(include);
