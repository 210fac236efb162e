// `npm run chaos`: the chaos scenarios (test/chaos/*.chaos.ts) on the same real PostgreSQL and Redis as the suite.
// Not part of `npm test`: test/chaos/run.ts runs them and prints the summary.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({
  test: {
    ...base.test,
    include: ['test/chaos/**/*.chaos.ts'],
    testTimeout: 600_000,
  },
});
