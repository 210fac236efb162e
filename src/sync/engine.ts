// The sync engine's entry points: stream pages → mapping → validation → one transaction per page, in order.
// The parts: session.ts (wiring), stream.ts (one stream through pipeline.ts), page-store.ts (one page's transaction),
// run.ts (lock, status, housekeeping, report), reread.ts (targeted re-reads).
export type { MapOutcome, MapperResolver, RecordMapper, StreamReport, SyncDeps, SyncOptions, SyncProgress, SyncReport } from './types.js';
export { PAGES_HELD, openProvider } from './session.js';
export { PAGES_IN_FLIGHT } from './stream.js';
export { ANALYZE_AFTER_INSERTS, syncConnection } from './run.js';
export { REREAD_BATCH, syncRecords } from './reread.js';
