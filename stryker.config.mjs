// `npm run mutation`: Stryker over the critical modules (issue 20), with the vitest runner (the real PostgreSQL and Redis
// of test/support/global-setup.ts). Incremental: a rerun after a small change only tests the
// mutants it touches. Not part of `npm test` or CI. `npm run mutation -- --mutate src/rules/business-calendar.ts`
// runs one module. Surviving mutants judged equivalent are listed in stryker.equivalents.md, with the reason.
/** The critical modules, grouped as the per-module table prints them (mutation/table.ts). */
export const MODULES = {
  'outbox, lease and executor': ['src/store/outbox.ts', 'src/actions/outbox-lease.ts', 'src/actions/executor.ts'],
  // The sync engine since its split (#21): session, ordered-commit pipeline, one transaction per page, run (lock, status, report).
  // With the mapping step and the raw texts of records (a record's text stored byte for byte, parsed at map time).
  'sync engine and document store': ['src/sync/session.ts', 'src/sync/pipeline.ts', 'src/sync/page-store.ts', 'src/sync/run.ts', 'src/sync/stream.ts', 'src/sync/reread.ts', 'src/sync/mappers.ts', 'src/json/source-text.ts', 'src/store/documents.ts'],
  'tokens and HTTP': ['src/connectors/tokens.ts', 'src/connectors/http.ts'],
  'webhooks and write-back': ['connectors/*/webhooks.ts', 'connectors/*/writeback.ts', 'src/http/webhooks.ts'],
  'rules, interest and calendar': ['src/rules/evaluate.ts', 'src/rules/late-payment-interest.ts', 'src/rules/business-calendar.ts'],
  // The customer portal (links, answers, penalties, its routes) and the replies read from the inbound mailbox.
  'portal and inbound mail': ['src/portal/links.ts', 'src/portal/answers.ts', 'src/portal/penalties.ts', 'src/portal/limits.ts', 'src/app/portal.ts', 'src/http/ui/portal/pages.tsx', 'src/inbound/classify.ts', 'src/inbound/parse.ts', 'src/inbound/receive.ts', 'src/inbound/effects.ts', 'src/worklist/answers.ts'],
};

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // STRYKER_VITEST_CONFIG=test/mutation/vitest.pure.config.ts: the pure modules against their unit tests alone.
  vitest: { configFile: process.env.STRYKER_VITEST_CONFIG ?? 'vitest.config.ts', related: true },
  // No TypeScript checker: this project compiles with TypeScript 7, whose compiler API Stryker 9's checker and its
  // tsconfig rewriting do not know (they call ts.parseConfigFileTextToJson). A mutant that would not type-check still
  // runs through vitest's transpiler; one that survives that way is listed as such in stryker.equivalents.md. The
  // sandbox needs no tsconfig rewrite (same relative paths), so the rewrite is pointed at a file that does not exist.
  tsconfigFile: 'stryker-has-no-tsconfig.json',
  coverageAnalysis: 'perTest',
  mutate: Object.values(MODULES).flat(),
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  // Two cores, tests on a real database: one test process at a time, and a generous timeout for a slow mutant.
  concurrency: 1,
  timeoutMS: 60_000,
  thresholds: { high: 80, low: 60, break: null },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['test-artifacts', 'bench/results', 'reports', '.relance', '.tmp'],
};
