// For `npm run mutation` on the write-back modules (connectors/*/writeback.ts): the test files that call a connector's
// writeStatus or its note helpers, all against the provider simulators and the real PostgreSQL of the global setup
// (the connector contract, each provider's sync and write-back tests, the fidelity drives). Usage: README, Development,
// mutation table.
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';
import { includeOrder } from './include-order.js';

/** Quickest and most direct first (see include-order.ts). */
const include = [
  'test/connectors/writeback-*.test.ts',
  'test/connectors/xero-units.test.ts',
  'test/connectors/pennylane-writeback.test.ts',
  'test/sync/xero.test.ts',
  'test/sync/quickbooks.test.ts',
  'test/sync/sage.test.ts',
  'test/contract/connectors.test.ts',
  'test/fidelity/*.contract.test.ts',
];

export default defineConfig({
  test: {
    ...base.test,
    include,
    sequence: { sequencer: includeOrder(include) },
    maxWorkers: 1,
  },
});
