// The mapping step of the sync engine: each tenant's active mapping (override or shipped), compiled once, run on a page.
import { STREAM_ENTITY, type StreamName, type StreamPage } from '../connectors/types.js';
import { RecordText } from '../json/source-text.js';
import { encodeRow, rawPayload, type DocumentRow, type EncodedRow } from '../store/documents.js';
import type { QuarantineEntry } from '../store/quarantine.js';
import type { Session } from './session.js';
import type { RecordMapper } from './types.js';

export { mapperResolver } from '../mapping/overrides.js';

/** A page mapped and ready to store: the valid rows (encoded as they were mapped), the quarantined failures, how many were skipped. */
export interface MappedPage {
  page: StreamPage;
  rows: EncodedRow[];
  failed: QuarantineEntry[];
  skipped: number;
}

/**
 * Maps a page: CPU in this process, no database work, so it may run while the previous page commits. One record at a
 * time: a record the connector left as its bytes (RecordText) is parsed right before it is mapped, so its object tree
 * dies young (bench `parse-map`). A text that does not parse fails the page, as a body that does not parse does: the
 * body was damaged on the way, and the run resumes from the last committed page.
 */
export async function mapPage(session: Pick<Session, 'connector' | 'context'>, stream: StreamName, page: StreamPage, mapper: RecordMapper, position: number): Promise<MappedPage> {
  const entity = STREAM_ENTITY[stream];
  const spec = session.connector.streams[stream];
  const rows: EncodedRow[] = [];
  const failed: QuarantineEntry[] = [];
  let skipped = 0;
  for (let i = 0; i < page.records.length; i++) {
    const held = page.records[i];
    let raw: unknown = held;
    let rawBytes: Uint8Array | undefined;
    if (held instanceof RecordText) {
      rawBytes = held.bytes;
      try {
        raw = held.parse();
      } catch (err) {
        throw new Error(`${stream}: record ${position + i} of a page is not JSON (${err instanceof Error ? err.message : String(err)}); the page was damaged on the way and is read again on the next run`);
      }
    }
    const mapped = mapper(raw, session.context);
    // Awaited only when it is a promise: an await per record cost a turn of the microtask queue even for a value.
    const outcome = mapped instanceof Promise ? await mapped : mapped;
    if (outcome.ok === true) {
      // Encoded at once: the page keeps the row's JSON and the record's bytes (or text), and the parsed and mapped
      // objects are garbage before V8's young generation is next collected.
      rows.push(encodeRow(outcome.value as DocumentRow['record'], rawBytes ?? rawPayload(raw)));
    } else if (outcome.ok === 'skipped') skipped++;
    else failed.push({ entity, externalId: spec.idOf(raw) || `unknown:${position + i}`, reason: outcome.error.reason, path: outcome.error.path, raw });
  }
  return { page, rows, failed, skipped };
}
