// For `npm run mutation` on the write-back modules (connectors/*/writeback.ts): the test files that call a connector's
// writeStatus or its note helpers, against the provider simulators and the real PostgreSQL of the global setup (each
// provider's write-back and sync tests, the connector contract). The fidelity drives (test/fidelity) also write one
// status per provider, checking only the requests against the provider's description; they are left out, or each
// mutant would cost a whole drive of every provider. Usage: README, Development, mutation table.
import { orderedConfig } from './include-order.js';

/** Quickest and most direct first (see include-order.ts). */
const include = [
  'test/connectors/writeback-*.test.ts',
  'test/connectors/xero-units.test.ts',
  'test/connectors/pennylane-writeback.test.ts',
  'test/sync/xero.test.ts',
  'test/sync/quickbooks.test.ts',
  'test/sync/sage.test.ts',
  'test/contract/connectors.test.ts',
];

export default orderedConfig(include);
