// The sync engine: stream pages → mapping → validation → one transaction per page (upsert, deletions, quarantine, cursor).
import { STREAMS, STREAM_ENTITY, type Connector, type OAuthClientConfig, type ProviderHttp, type ReadContext, type StreamName, type StreamPage } from '../connectors/types.js';
import { AuthExpired, QuotaExhausted, UnfilteredAnswer, quotaResumesAt } from '../connectors/errors.js';
import { absentFrom } from '../connectors/reread.js';
import { createProviderHttp, type RequestRecord } from '../connectors/http.js';
import type { RateGate } from '../connectors/rate-gate.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import { createTokenSource } from '../connectors/tokens.js';
import type { EntityKind } from '../model/index.js';
import { loadCursor, saveCursor } from '../store/cursors.js';
import type { Sql } from '../store/db.js';
import { analyzeDocuments, markDeleted, pruneRawPages, rawText, upsertDocuments, type DocumentRow, type UpsertResult } from '../store/documents.js';
import { quarantine, resolveQuarantined, type QuarantineEntry } from '../store/quarantine.js';
import { getConnection, updateConnection, type Connection } from '../store/tenants.js';
import { prefetch } from './prefetch.js';

/** What mapping one raw record produced. */
export type MapOutcome = { ok: true; value: unknown } | { ok: false; error: { path: string; reason: string } } | { ok: 'skipped'; reason: string };

/** Maps raw records of one entity for one tenant (the tenant's override, or the shipped mapping). */
export type RecordMapper = (raw: unknown, context: Record<string, unknown>) => Promise<MapOutcome>;
export type MapperResolver = (tenantId: string, provider: string, entity: EntityKind) => Promise<RecordMapper>;

export interface SyncDeps {
  sql: Sql;
  secretKey: Buffer;
  registry: ConnectorRegistry;
  gate: RateGate;
  clientConfig(provider: string, connection: Connection): OAuthClientConfig;
  mappers: MapperResolver;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  onRequest?: (record: RequestRecord) => void;
}

export interface StreamReport {
  stream: StreamName;
  pages: number;
  records: number;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  quarantined: number;
  skipped: number;
  /** What the connector said the operator should know (a full re-scan forced by an expired change feed…). */
  notices?: string[];
}

export interface SyncProgress {
  stream: StreamName;
  pages: number;
  records: number;
}

export interface SyncReport {
  connectionId: string;
  provider: string;
  /** `paused`: the provider's daily quota is spent; the connection says until when, and nothing was retried. */
  /** `needs_reconnect`: the provider refused the credentials; nothing more is tried until the company is connected again. */
  status: 'ok' | 'failed' | 'busy' | 'paused' | 'needs_reconnect';
  error: string | null;
  startedAt: string;
  durationMs: number;
  requests: number;
  throttled: number;
  streams: StreamReport[];
}

export interface SyncOptions {
  streams?: readonly StreamName[];
  /** Ignore cursors and read everything again. */
  full?: boolean;
  onProgress?: (progress: SyncProgress) => void;
}

const emptyReport = (stream: StreamName): StreamReport => ({ stream, pages: 0, records: 0, inserted: 0, updated: 0, unchanged: 0, deleted: 0, quarantined: 0, skipped: 0 });

/** Everything a stream read needs for one connection, built once per run. */
interface Session {
  connection: Connection;
  connector: Connector;
  http: ProviderHttp;
  context: Record<string, unknown>;
  counters: { requests: number; throttled: number };
}

async function openSession(deps: SyncDeps, tenantId: string, connectionId: string): Promise<Session> {
  const connection = await getConnection(deps.sql, tenantId, connectionId);
  if (!connection) throw new Error(`Connection ${connectionId} does not exist for this tenant. List connections with: relance connections`);
  if (!connection.externalTenantId) throw new Error(`Connection ${connectionId} has no company yet: finish connecting it from the Connections page.`);
  const connector = deps.registry.get(connection.provider);
  const client = deps.clientConfig(connection.provider, connection);
  const counters = { requests: 0, throttled: 0 };
  const http = createProviderHttp({
    connector,
    client,
    externalTenantId: connection.externalTenantId,
    tokens: createTokenSource({ sql: deps.sql, secretKey: deps.secretKey, connector, client, tenantId, connectionId }),
    gate: deps.gate,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    onRequest(record) {
      counters.requests++;
      if (record.status === 429) counters.throttled++;
      deps.onRequest?.(record);
    },
  });
  const now = deps.now ?? (() => new Date());
  const base = { http, externalTenantId: connection.externalTenantId, now };
  const context = { provider: connection.provider, ...((await connector.mappingContext?.(base)) ?? {}) };
  return { connection, connector, http, context, counters };
}

/** An authenticated, paced provider context for one connection (write-back, freshness re-reads). */
export async function openProvider(deps: SyncDeps, tenantId: string, connectionId: string) {
  const session = await openSession(deps, tenantId, connectionId);
  return { connector: session.connector, context: { http: session.http, externalTenantId: session.connection.externalTenantId!, now: deps.now ?? (() => new Date()) } };
}

/** A page mapped and ready to store: the valid rows, the quarantined failures, how many were skipped. */
interface MappedPage {
  page: StreamPage;
  rows: DocumentRow[];
  failed: QuarantineEntry[];
  skipped: number;
  /** Rows the previous page (still being stored) also writes, changed since: written once it has committed. */
  late: DocumentRow[];
  /** Rows left out because the previous page writes the same payload (counted as unchanged). */
  alreadyStored: number;
}

/** Maps a page (pure CPU: no database work, so it can overlap the previous page's transaction). */
async function mapPage(session: Session, stream: StreamName, page: StreamPage, mapper: RecordMapper, position: number): Promise<MappedPage> {
  const entity = STREAM_ENTITY[stream];
  const spec = session.connector.streams[stream];
  const rows: DocumentRow[] = [];
  const failed: QuarantineEntry[] = [];
  let skipped = 0;
  const outcomes = await Promise.all(page.records.map((raw) => mapper(raw, session.context)));
  outcomes.forEach((outcome, i) => {
    const raw = page.records[i];
    if (outcome.ok === true) rows.push({ record: outcome.value as DocumentRow['record'], raw });
    else if (outcome.ok === 'skipped') skipped++;
    else failed.push({ entity, externalId: spec.idOf(raw) || `unknown:${position + i}`, reason: outcome.error.reason, path: outcome.error.path, raw });
  });
  return { page, rows, failed, skipped, late: [], alreadyStored: 0 };
}

/**
 * Stores a mapped page with its cursor in one transaction: a crash before commit replays the page, never loses it.
 * With `after` (the previous page's store), the page's own rows are written while that transaction runs, and
 * everything that may touch what it writes (rows both pages hold, quarantine, deletions) waits for its commit, as
 * does the cursor: pages commit in order, the saved cursor never runs ahead of the stored data, and if the previous
 * page fails this one rolls back.
 */
async function storePage(
  deps: SyncDeps,
  session: Session,
  stream: StreamName,
  mapped: MappedPage,
  saveAs: string | null,
  report: StreamReport,
  after: Promise<void> | null = null,
): Promise<void> {
  const { connection } = session;
  const entity = STREAM_ENTITY[stream];
  const { page, rows, late, failed } = mapped;
  const scope = { tenantId: connection.tenantId, connectionId: connection.id, provider: connection.provider };
  const counts = { inserted: 0, updated: 0, unchanged: mapped.alreadyStored, deleted: 0 };
  const add = (r: UpsertResult) => {
    counts.inserted += r.inserted;
    counts.updated += r.updated;
    counts.unchanged += r.unchanged;
  };
  await deps.sql.begin(async (tx) => {
    const db = tx as unknown as Sql;
    // The previous page never waits on this one's rows, but a third transaction (a webhook re-read holding rows of
    // both pages) could close a cycle PostgreSQL cannot see through our wait for the commit: it would end here.
    await db.unsafe(`set local lock_timeout = '${PAGE_LOCK_TIMEOUT_MS}ms'`);
    add(await upsertDocuments(db, scope, entity, rows));
    if (after) await after;
    if (late.length) add(await upsertDocuments(db, scope, entity, late));
    counts.deleted += await markDeleted(db, scope, entity, page.deleted);
    await quarantine(db, connection.tenantId, connection.id, failed);
    await resolveQuarantined(db, connection.tenantId, connection.id, entity, [...rows, ...late].map((r) => r.record.externalId));
    if (saveAs) await saveCursor(db, connection.tenantId, connection.id, saveAs, page.cursor);
  });
  report.inserted += counts.inserted;
  report.updated += counts.updated;
  report.unchanged += counts.unchanged;
  report.deleted += counts.deleted;
  report.pages++;
  report.records += page.records.length;
  report.quarantined += failed.length;
  report.skipped += mapped.skipped;
  if (page.notice) report.notices = [...(report.notices ?? []), page.notice];
}

/**
 * Page transactions of one stream in flight at once. Storing, not mapping, set the pace of a stream (about 230 ms a
 * page of 1000 invoices against 60 ms to map it): two let one page's writes run while the previous one commits.
 */
export const STORES_IN_FLIGHT = 2;
/** A page transaction waiting this long for a row lock gives up: the run fails and the next one resumes. */
export const PAGE_LOCK_TIMEOUT_MS = 60_000;

/**
 * Sorts out the records a page shares with the previous one while that one is still being stored: the same payload
 * is left to it; a record changed between the two reads is written after its commit (`late`), so two transactions
 * never wait on each other's row.
 */
function splitOverlap(previous: MappedPage | null, mapped: MappedPage): MappedPage {
  if (!previous) return mapped;
  const before = new Map<string, DocumentRow | null>(previous.failed.map((f) => [f.externalId, null]));
  for (const r of [...previous.rows, ...previous.late]) before.set(r.record.externalId, r);
  const rows: DocumentRow[] = [];
  const late: DocumentRow[] = [];
  let alreadyStored = mapped.alreadyStored;
  for (const r of mapped.rows) {
    const id = r.record.externalId;
    if (!before.has(id)) rows.push(r);
    else {
      const prior = before.get(id);
      if (prior && rawText(prior.raw) === rawText(r.raw)) alreadyStored++;
      else late.push(r);
    }
  }
  return { ...mapped, rows, late: [...mapped.late, ...late], alreadyStored };
}

async function syncStream(deps: SyncDeps, session: Session, stream: StreamName, options: SyncOptions): Promise<StreamReport> {
  const { connection, connector } = session;
  const report = emptyReport(stream);
  const spec = connector.streams[stream];
  const mapper = await deps.mappers(connection.tenantId, connection.provider, spec.entity);
  const ctx: ReadContext = {
    http: session.http,
    externalTenantId: connection.externalTenantId!,
    cursor: options.full ? null : await loadCursor(deps.sql, connection.tenantId, connection.id, stream),
    full: options.full ?? false,
    now: deps.now ?? (() => new Date()),
  };
  // A pipeline: page n+1 is fetched and mapped (this process) while pages n and n-1 are stored (PostgreSQL).
  // Pages still commit in order, so the saved cursor always follows the stored data.
  const inFlight: Promise<void>[] = [];
  let previous: { mapped: MappedPage; stored: Promise<void> } | null = null;
  let seen = 0;
  try {
    for await (const page of prefetch(spec.read(ctx))) {
      const mapped = await mapPage(session, stream, page, mapper, seen);
      seen += page.records.length;
      while (inFlight.length >= STORES_IN_FLIGHT) await inFlight.shift();
      // The previous page may still be storing (and if it has committed, sharing its rows is merely cautious).
      const stored: Promise<void> = storePage(deps, session, stream, splitOverlap(previous?.mapped ?? null, mapped), stream, report, previous?.stored ?? null).then(() =>
        options.onProgress?.({ stream, pages: report.pages, records: report.records }),
      );
      // Observed in turn above or after the loop; until then keep Node from calling it unhandled.
      stored.catch(() => undefined);
      inFlight.push(stored);
      previous = { mapped, stored };
    }
    for (const stored of inFlight) await stored;
  } catch (err) {
    // Never leave a transaction running behind a failed stream: the connection lock is released after us.
    await Promise.allSettled(inFlight);
    throw err;
  }
  return report;
}

/** A PostgreSQL advisory lock held on a reserved connection: one sync per connection across all processes. */
async function withConnectionLock<T>(sql: Sql, connectionId: string, run: () => Promise<T>): Promise<T | 'busy'> {
  const reserved = await sql.reserve();
  try {
    const [row] = await reserved<{ locked: boolean }[]>`select pg_try_advisory_lock(hashtextextended(${`relance:sync:${connectionId}`}, 0)) as locked`;
    if (!row?.locked) return 'busy';
    try {
      return await run();
    } finally {
      await reserved`select pg_advisory_unlock(hashtextextended(${`relance:sync:${connectionId}`}, 0))`;
    }
  } finally {
    reserved.release();
  }
}

/** Inserted rows past which a stream's table gets fresh planner statistics (a first sync is a bulk load). */
export const ANALYZE_AFTER_INSERTS = 10_000;

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

/** Runs every stream of a connection (in parallel: the rate gate paces them under one quota). */
export async function syncConnection(deps: SyncDeps, tenantId: string, connectionId: string, options: SyncOptions = {}): Promise<SyncReport> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const wanted = options.streams ?? STREAMS;
  let session: Session | null = null;
  const reports: StreamReport[] = [];
  const finish = (status: SyncReport['status'], error: string | null): SyncReport => ({
    connectionId,
    provider: session?.connection.provider ?? 'unknown',
    status,
    error,
    startedAt,
    durationMs: Date.now() - started,
    requests: session?.counters.requests ?? 0,
    throttled: session?.counters.throttled ?? 0,
    streams: wanted.map((s) => reports.find((r) => r.stream === s) ?? emptyReport(s)),
  });
  const outcome = await withConnectionLock(deps.sql, connectionId, async () => {
    // A connection paused on a spent quota waits for the reset without a call: a call now would only be refused.
    const current = await getConnection(deps.sql, tenantId, connectionId);
    const resumesAt = current?.status === 'paused' ? quotaResumesAt(current.statusDetail) : null;
    if (resumesAt && resumesAt.getTime() > (deps.now?.() ?? new Date()).getTime()) return finish('paused', current!.statusDetail);
    // Revoked or expired credentials stay so until the user connects again: no call (no refresh spent) until then.
    if (current?.status === 'needs_reconnect') return finish('needs_reconnect', current.statusDetail);
    try {
      session = await openSession(deps, tenantId, connectionId);
      const s = session;
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
      return finish('ok', null);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof QuotaExhausted) {
        await pauseOnQuota(deps, tenantId, connectionId, err);
        return finish('paused', message);
      }
      if (err instanceof AuthExpired) {
        // Refused even after a refresh (a revoked grant, a company the login no longer reaches): the user reconnects.
        await updateConnection(deps.sql, tenantId, connectionId, { status: 'needs_reconnect', statusDetail: message });
        return finish('needs_reconnect', message);
      }
      await updateConnection(deps.sql, tenantId, connectionId, { statusDetail: `last sync failed: ${message}` });
      return finish('failed', message);
    }
  });
  return outcome === 'busy' ? finish('busy', 'another sync of this connection is running') : outcome;
}

/** Ids re-read and stored together (one transaction per batch). */
export const REREAD_BATCH = 100;

/** The connection waits for the quota's reset, and says until when (the connections page shows it). */
async function pauseOnQuota(deps: SyncDeps, tenantId: string, connectionId: string, err: QuotaExhausted): Promise<void> {
  await updateConnection(deps.sql, tenantId, connectionId, { status: 'paused', statusDetail: err.message });
}

/**
 * Targeted re-reads (webhook events, freshness checks): fetch the ids, store them, apply deletions; no cursor moves.
 * A spent daily quota pauses the connection as a sync does, and is thrown to the caller (what it asked was not read).
 */
export async function syncRecords(deps: SyncDeps, tenantId: string, connectionId: string, changes: Partial<Record<StreamName, string[]>>): Promise<SyncReport> {
  try {
    return await rereadRecords(deps, tenantId, connectionId, changes);
  } catch (err) {
    if (err instanceof QuotaExhausted) await pauseOnQuota(deps, tenantId, connectionId, err);
    throw err;
  }
}

async function rereadRecords(deps: SyncDeps, tenantId: string, connectionId: string, changes: Partial<Record<StreamName, string[]>>): Promise<SyncReport> {
  const started = Date.now();
  const session = await openSession(deps, tenantId, connectionId);
  const reports: StreamReport[] = [];
  for (const stream of STREAMS) {
    const ids = [...new Set(changes[stream] ?? [])];
    if (ids.length === 0) continue;
    const spec = session.connector.streams[stream];
    const report = emptyReport(stream);
    const mapper = await deps.mappers(tenantId, session.connection.provider, spec.entity);
    // Stored a batch at a time: a re-read cut short (a spent quota) keeps what it already paid for.
    for (let i = 0; i < ids.length; i += REREAD_BATCH) {
      const batch = ids.slice(i, i + REREAD_BATCH);
      const { records, deleted } = await spec.fetchByIds({ http: session.http, externalTenantId: session.connection.externalTenantId!, now: deps.now ?? (() => new Date()) }, batch);
      // Whatever the connector does, a deletion is applied only from an answer about exactly the ids asked for.
      absentFrom(`${session.connector.displayName} ${stream} re-read`, batch, records, (r) => spec.idOf(r));
      const asked = new Set(batch);
      if (deleted.some((id) => !asked.has(id))) throw new UnfilteredAnswer(`${session.connector.displayName} ${stream} re-read`, deleted.filter((id) => !asked.has(id)));
      await storePage(deps, session, stream, await mapPage(session, stream, { records, deleted, cursor: null }, mapper, i), null, report);
    }
    reports.push(report);
  }
  return {
    connectionId,
    provider: session.connection.provider,
    status: 'ok',
    error: null,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    requests: session.counters.requests,
    throttled: session.counters.throttled,
    streams: reports,
  };
}
