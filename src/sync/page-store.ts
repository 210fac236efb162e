// One page, one transaction: its rows, deletions, quarantine and cursor commit together (a crash replays the page, never loses it).
import { STREAM_ENTITY, type StreamName } from '../connectors/types.js';
import { saveCursor } from '../store/cursors.js';
import type { Sql } from '../store/db.js';
import { encodeDocuments, markDeleted, writeDocuments, type EncodedDocuments } from '../store/documents.js';
import { quarantine, resolveQuarantined } from '../store/quarantine.js';
import type { Connection } from '../store/tenants.js';
import type { MappedPage } from './mappers.js';
import type { StreamReport } from './types.js';

/** A mapped page with its rows encoded for the database (compressed raw page, statement JSON): only writes remain. */
export interface ReadyPage extends MappedPage {
  encoded: EncodedDocuments;
}

/** Readies a page for its transaction: CPU and zlib only, so it may run while the previous page's transaction does. */
export async function encodePage(stream: StreamName, mapped: MappedPage): Promise<ReadyPage> {
  return { ...mapped, encoded: await encodeDocuments(STREAM_ENTITY[stream], mapped.rows) };
}

/** What storing a page changed. */
export interface PageCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
}

/**
 * Stores a mapped page in one transaction: upserts, deletions, quarantine (new failures in, fixed records out) and,
 * with `saveAs`, the stream's cursor. It waits on nothing but its own statements: the order pages commit in is the
 * caller's (the pipeline starts a page's transaction once the previous page has committed).
 */
export async function storePage(sql: Sql, connection: Connection, stream: StreamName, ready: ReadyPage, saveAs: string | null): Promise<PageCounts> {
  const entity = STREAM_ENTITY[stream];
  const { page, rows, failed } = ready;
  const scope = { tenantId: connection.tenantId, connectionId: connection.id, provider: connection.provider };
  return (await sql.begin(async (tx) => {
    const db = tx as unknown as Sql;
    const upserted = await writeDocuments(db, scope, ready.encoded);
    const deleted = await markDeleted(db, scope, entity, page.deleted);
    await quarantine(db, connection.tenantId, connection.id, failed);
    await resolveQuarantined(db, connection.tenantId, connection.id, entity, rows.map((r) => r.record.externalId));
    if (saveAs) await saveCursor(db, connection.tenantId, connection.id, saveAs, page.cursor);
    return { ...upserted, deleted };
  })) as PageCounts;
}

export const emptyStreamReport = (stream: StreamName): StreamReport => ({ stream, pages: 0, records: 0, inserted: 0, updated: 0, unchanged: 0, deleted: 0, quarantined: 0, skipped: 0 });

/** Adds a committed page to its stream's report. */
export function countPage(report: StreamReport, mapped: MappedPage, counts: PageCounts): void {
  report.inserted += counts.inserted;
  report.updated += counts.updated;
  report.unchanged += counts.unchanged;
  report.deleted += counts.deleted;
  report.pages++;
  report.records += mapped.page.records.length;
  report.quarantined += mapped.failed.length;
  report.skipped += mapped.skipped;
  if (mapped.page.notice) report.notices = [...(report.notices ?? []), mapped.page.notice];
}
