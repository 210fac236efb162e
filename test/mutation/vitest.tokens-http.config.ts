// For `npm run mutation` on tokens and the HTTP layer (src/connectors/tokens.ts, src/connectors/http.ts): the test files
// aimed at them (the token source, the provider HTTP surface, the token-time calls of each connector's auth) and the
// sync tests that drive them against the provider simulators (401s, 429s, faults, pagination), on the real PostgreSQL
// of the global setup. The connector contract (test/contract) and fidelity drives (test/fidelity) reach them too,
// through whole syncs of every provider; they are left out, or each mutant would cost minutes. Usage: README,
// Development, mutation table.
import { orderedConfig } from './include-order.js';

/** Quickest and most direct first (see include-order.ts). */
const include = [
  'test/connectors/tokens.test.ts',
  'test/connectors/http-*.test.ts',
  'test/connectors/rate-gate-reported.test.ts',
  'test/connectors/*-auth.test.ts',
  'test/simulator/pennylane-parameters.test.ts',
  'test/sync/*.test.ts',
];

export default orderedConfig(include);
