// One page, one transaction: its rows, deletions, quarantine and cursor commit together (a crash replays the page, never loses it).
import { STREAM_ENTITY, type StreamName } from '../connectors/types.js';
import { saveCursor } from '../store/cursors.js';
import type { Sql } from '../store/db.js';
import { encodeDocuments, markDeleted, writeDocuments, type EncodedDocuments } from '../store/documents.js';
import { quarantine, resolveQuarantined } from '../store/quarantine.js';
import type { Connection } from '../store/tenants.js';
import type { MappedPage } from './mappers.js';
import type { StreamReport } from './types.js';

/**
 * What a page's transaction needs, and nothing more: the rows encoded for the database (compressed raw page,
 * statement JSON), the failures to quarantine, the deletions and the cursor. The page's parsed records and mapped rows
 * are not kept: a page waiting for its transaction holds its encoding alone (about a fifth of the parsed page's heap),
 * and the response body the records were sliced from can be collected.
 */
export interface ReadyPage {
  encoded: EncodedDocuments;
  failed: MappedPage['failed'];
  /** External ids of the rows stored: a quarantined record of one of them is fixed. */
  storedIds: string[];
  deleted: string[];
  cursor: unknown;
  notice?: string;
  /** Records the page carried (stored, quarantined or skipped). */
  records: number;
  skipped: number;
}

/** Readies a page for its transaction: CPU and zlib only, so it may run while the previous page's transaction does. */
export async function encodePage(stream: StreamName, mapped: MappedPage): Promise<ReadyPage> {
  const { page, rows, failed, skipped } = mapped;
  return {
    encoded: await encodeDocuments(STREAM_ENTITY[stream], rows),
    failed,
    storedIds: rows.map((r) => r.externalId),
    deleted: page.deleted,
    cursor: page.cursor,
    ...(page.notice ? { notice: page.notice } : {}),
    records: page.records.length,
    skipped,
  };
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
  const { failed } = ready;
  const scope = { tenantId: connection.tenantId, connectionId: connection.id, provider: connection.provider };
  return (await sql.begin(async (tx) => {
    const db = tx as unknown as Sql;
    const upserted = await writeDocuments(db, scope, ready.encoded);
    const deleted = await markDeleted(db, scope, entity, ready.deleted);
    await quarantine(db, connection.tenantId, connection.id, failed);
    await resolveQuarantined(db, connection.tenantId, connection.id, entity, ready.storedIds);
    if (saveAs) await saveCursor(db, connection.tenantId, connection.id, saveAs, ready.cursor);
    return { ...upserted, deleted };
  })) as PageCounts;
}

export const emptyStreamReport = (stream: StreamName): StreamReport => ({ stream, pages: 0, records: 0, inserted: 0, updated: 0, unchanged: 0, deleted: 0, quarantined: 0, skipped: 0 });

/** Adds a committed page to its stream's report. */
export function countPage(report: StreamReport, ready: ReadyPage, counts: PageCounts): void {
  report.inserted += counts.inserted;
  report.updated += counts.updated;
  report.unchanged += counts.unchanged;
  report.deleted += counts.deleted;
  report.pages++;
  report.records += ready.records;
  report.quarantined += ready.failed.length;
  report.skipped += ready.skipped;
  if (ready.notice) report.notices = [...(report.notices ?? []), ready.notice];
}
