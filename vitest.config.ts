// Test runner configuration: one real PostgreSQL and one real Redis for the whole run (test/support/global-setup.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'connectors/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: keep parallelism modest so database-heavy files don't starve each other.
    maxWorkers: 2,
  },
});
