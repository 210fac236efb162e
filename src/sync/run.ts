// A sync run of one connection: the advisory lock, the connection's status before and after, housekeeping, the report.
import { STREAMS, STREAM_ENTITY } from '../connectors/types.js';
import { AuthExpired, QuotaExhausted, quotaResumesAt } from '../connectors/errors.js';
import type { Sql } from '../store/db.js';
import { analyzeDocuments, pruneRawPages } from '../store/documents.js';
import { getConnection, updateConnection } from '../store/tenants.js';
import { emptyStreamReport } from './page-store.js';
import { openSession, type Session } from './session.js';
import { syncStream } from './stream.js';
import type { StreamReport, SyncDeps, SyncOptions, SyncReport } from './types.js';

/** Inserted rows past which a stream's table gets fresh planner statistics (a first sync is a bulk load). */
export const ANALYZE_AFTER_INSERTS = 10_000;

/** The one place a run's report is put together (a sync, a re-read, a run that never started). */
export function buildReport(o: {
  connectionId: string;
  session: Session | null;
  started: number;
  status: SyncReport['status'];
  error: string | null;
  streams: StreamReport[];
}): SyncReport {
  return {
    connectionId: o.connectionId,
    provider: o.session?.connection.provider ?? 'unknown',
    status: o.status,
    error: o.error,
    startedAt: new Date(o.started).toISOString(),
    durationMs: Date.now() - o.started,
    requests: o.session?.counters.requests ?? 0,
    throttled: o.session?.counters.throttled ?? 0,
    streams: o.streams,
  };
}

/**
 * One sync per connection across all processes: a PostgreSQL advisory lock held by a transaction that stays open (idle,
 * with no snapshot, so it holds no vacuum horizon) while the sync runs on the pool's other connections. A killed worker's
 * transaction ends with its socket, and the lock with it.
 *
 * Not a reserved connection: once PostgreSQL restarts under it, a reserved connection handed back to the pool stays in
 * it dead and fails every query routed to it. The transaction's connection is dropped by the pool instead. If the lock's
 * session dies while the sync runs, the run is still awaited and its own outcome stands (its queries failed or
 * succeeded on their own connections); the connection is only unguarded for the rest of that run.
 */
async function withConnectionLock<T>(sql: Sql, connectionId: string, run: () => Promise<T>): Promise<T | 'busy'> {
  let running: Promise<T> | null = null;
  try {
    const locked = await sql.begin(async (tx) => {
      const [row] = await tx<{ locked: boolean }[]>`select pg_try_advisory_xact_lock(hashtextextended(${`relance:sync:${connectionId}`}, 0)) as locked`;
      if (!row?.locked) return false;
      running = run();
      await running;
      return true;
    });
    return locked && running ? await running : 'busy';
  } catch (err) {
    // The lock's transaction failed around a run that started (PostgreSQL restarted): the run's own result stands.
    if (running) return await running;
    throw err;
  }
}

/**
 * Housekeeping once a stream has stored everything, while the other streams still sync (at the end of the run it
 * cost a 200k-record sync 2.4 s with nothing else to do): prune its superseded raw pages, refresh its statistics
 * after a bulk load.
 */
async function afterStream(sql: Sql, tenantId: string, connectionId: string, report: StreamReport): Promise<void> {
  const entity = STREAM_ENTITY[report.stream];
  // Updates here and from webhook re-reads since the last run leave pages nobody points at (one pass per table).
  await pruneRawPages(sql, tenantId, connectionId, [entity]);
  if (report.inserted >= ANALYZE_AFTER_INSERTS) await analyzeDocuments(sql, entity);
}

/** The connection waits for the quota's reset, and says until when (the connections page shows it). */
export async function pauseOnQuota(deps: SyncDeps, tenantId: string, connectionId: string, err: QuotaExhausted): Promise<void> {
  await updateConnection(deps.sql, tenantId, connectionId, { status: 'paused', statusDetail: err.message });
}

/** What a run that got the lock ended as, and why. */
type Outcome = { status: Exclude<SyncReport['status'], 'busy'>; error: string | null };

/** Runs every stream of a connection (in parallel: the rate gate paces them under one quota). */
export async function syncConnection(deps: SyncDeps, tenantId: string, connectionId: string, options: SyncOptions = {}): Promise<SyncReport> {
  const started = Date.now();
  const wanted = options.streams ?? STREAMS;
  let session: Session | null = null;
  const reports: StreamReport[] = [];
  const outcome = await withConnectionLock(deps.sql, connectionId, async (): Promise<Outcome> => {
    // A connection paused on a spent quota waits for the reset without a call: a call now would only be refused.
    const current = await getConnection(deps.sql, tenantId, connectionId);
    const resumesAt = current?.status === 'paused' ? quotaResumesAt(current.statusDetail) : null;
    if (resumesAt && resumesAt.getTime() > (deps.now?.() ?? new Date()).getTime()) return { status: 'paused', error: current!.statusDetail };
    // Revoked or expired credentials stay so until the user connects again: no call (no refresh spent) until then.
    if (current?.status === 'needs_reconnect') return { status: 'needs_reconnect', error: current.statusDetail };
    try {
      const s = (session = await openSession(deps, tenantId, connectionId));
      const results = await Promise.allSettled(
        wanted.map(async (stream) => {
          const report = await syncStream(deps, s, stream, options);
          await afterStream(deps.sql, tenantId, connectionId, report);
          reports.push(report);
        }),
      );
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
      await updateConnection(deps.sql, tenantId, connectionId, { status: 'active', statusDetail: null, lastSyncAt: new Date() });
      return { status: 'ok', error: null };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof QuotaExhausted) {
        await pauseOnQuota(deps, tenantId, connectionId, err);
        return { status: 'paused', error: message };
      }
      if (err instanceof AuthExpired) {
        // Refused even after a refresh (a revoked grant, a company the login no longer reaches): the user reconnects.
        await updateConnection(deps.sql, tenantId, connectionId, { status: 'needs_reconnect', statusDetail: message });
        return { status: 'needs_reconnect', error: message };
      }
      // The connections page reads this prefix (src/http/ui/pages/connections.tsx).
      await updateConnection(deps.sql, tenantId, connectionId, { statusDetail: `last sync failed: ${message}` });
      return { status: 'failed', error: message };
    }
  });
  const { status, error } = outcome === 'busy' ? { status: 'busy' as const, error: 'another sync of this connection is running' } : outcome;
  const streams = wanted.map((s) => reports.find((r) => r.stream === s) ?? emptyStreamReport(s));
  return buildReport({ connectionId, session, started, status, error, streams });
}
