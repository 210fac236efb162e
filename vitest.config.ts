// Test runner configuration: one real PostgreSQL and one real Redis for the whole run (test/support/global-setup.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'connectors/**/*.test.ts', 'src/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: keep parallelism modest so database-heavy files don't starve each other.
    maxWorkers: 2,
    // The service fetches reference rates from their publishers at start-up; under test nothing leaves this machine:
    // a port where nothing listens, unless a test points them at the publisher simulators (src/simulator/rate-publishers.ts).
    env: {
      RATES_ECB_URL: 'http://127.0.0.1:9/ecb',
      RATES_BOE_URL: 'http://127.0.0.1:9/boe',
      RATES_BUNDESBANK_URL: 'http://127.0.0.1:9/bundesbank',
    },
  },
});
