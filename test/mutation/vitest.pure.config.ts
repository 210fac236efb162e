// For `npm run mutation` on the pure modules (rules, interest, calendar): only their unit tests, no database. Their
// mutants then cost a second each instead of the minutes the database-backed files take, whose tests also cover them.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/rules/**/*.test.ts', 'test/model/**/*.test.ts'],
    testTimeout: 30_000,
    maxWorkers: 1,
  },
});
