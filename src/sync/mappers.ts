// The mapping step of the sync engine: each tenant's active mapping (override or shipped), compiled once, run on a page.
import { STREAM_ENTITY, type StreamName, type StreamPage } from '../connectors/types.js';
import type { DocumentRow } from '../store/documents.js';
import type { QuarantineEntry } from '../store/quarantine.js';
import type { Session } from './session.js';
import type { RecordMapper } from './types.js';

export { mapperResolver } from '../mapping/overrides.js';

/** A page mapped and ready to store: the valid rows, the quarantined failures, how many were skipped. */
export interface MappedPage {
  page: StreamPage;
  rows: DocumentRow[];
  failed: QuarantineEntry[];
  skipped: number;
}

/** Maps a page: CPU in this process, no database work, so it may run while the previous page commits. */
export async function mapPage(session: Pick<Session, 'connector' | 'context'>, stream: StreamName, page: StreamPage, mapper: RecordMapper, position: number): Promise<MappedPage> {
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
  return { page, rows, failed, skipped };
}
