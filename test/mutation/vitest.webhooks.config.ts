// For `npm run mutation` on the webhook modules (connectors/*/webhooks.ts, src/http/webhooks.ts): the test files
// that exercise them and nothing else. The ingress files need the real PostgreSQL of the global setup (the inbox);
// the signature and payload tests need nothing. Usage: README, Development, mutation table.
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';

export default defineConfig({
  test: {
    ...base.test,
    include: ['test/http/webhooks.test.ts', 'test/http/webhooks-xero.test.ts', 'test/http/webhooks-pennylane.test.ts', 'test/connectors/webhooks-*.test.ts'],
    maxWorkers: 1,
  },
});
