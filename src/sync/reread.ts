// Targeted re-reads (webhook events, freshness checks): fetch the ids, store them, apply deletions; no cursor moves.
import { STREAMS, type StreamName } from '../connectors/types.js';
import { QuotaExhausted, UnfilteredAnswer } from '../connectors/errors.js';
import { absentFrom } from '../connectors/reread.js';
import { mapPage } from './mappers.js';
import { countPage, emptyStreamReport, encodePage, storePage } from './page-store.js';
import { buildReport, pauseOnQuota } from './run.js';
import { openSession, providerContext } from './session.js';
import type { StreamReport, SyncDeps, SyncReport } from './types.js';

/** Ids re-read and stored together (one transaction per batch). */
export const REREAD_BATCH = 100;

/**
 * Re-reads the given ids of each stream and stores them a batch at a time.
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
  const { connection, connector } = session;
  const reports: StreamReport[] = [];
  for (const stream of STREAMS) {
    const ids = [...new Set(changes[stream] ?? [])];
    if (ids.length === 0) continue;
    const spec = connector.streams[stream];
    const report = emptyStreamReport(stream);
    const mapper = await deps.mappers(tenantId, connection.provider, spec.entity);
    // Stored a batch at a time: a re-read cut short (a spent quota) keeps what it already paid for.
    for (let i = 0; i < ids.length; i += REREAD_BATCH) {
      const batch = ids.slice(i, i + REREAD_BATCH);
      const { records, deleted } = await spec.fetchByIds(providerContext(session), batch);
      // Whatever the connector does, a deletion is applied only from an answer about exactly the ids asked for.
      absentFrom(`${connector.displayName} ${stream} re-read`, batch, records, (r) => spec.idOf(r));
      const asked = new Set(batch);
      if (deleted.some((id) => !asked.has(id))) throw new UnfilteredAnswer(`${connector.displayName} ${stream} re-read`, deleted.filter((id) => !asked.has(id)));
      const ready = await encodePage(stream, await mapPage(session, stream, { records, deleted, cursor: null }, mapper, i));
      countPage(report, ready, await storePage(deps.sql, connection, stream, ready, null));
    }
    reports.push(report);
  }
  return buildReport({ connectionId, session, started, status: 'ok', error: null, streams: reports });
}
