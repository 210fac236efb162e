// Xero streams: If-Modified-Since as a moving key (restart at page 1 after each page), order=UpdatedDateUTC ASC, receivables only.
import type { EntityKind } from '../../src/model/index.js';
import { ProviderRejected } from '../../src/connectors/errors.js';
import { absentFrom } from '../../src/connectors/reread.js';
import type { ProviderHttp, ReadContext, StreamName, StreamPage, StreamSpec } from '../../src/connectors/types.js';
import { IDS_PER_REQUEST, PAGE_SIZE, ifModifiedSince, xeroDateMs } from './client.js';

/**
 * How a stream re-reads records by id. `IDs` only where Xero's OpenAPI description (XeroAPI/Xero-OpenAPI,
 * xero_accounting.yaml) declares it: GET /Invoices and GET /Contacts. On /CreditNotes and /Payments Xero ignores it and
 * answers the first page unfiltered (Xero-Java#65, pyxero#252 and #260), so those are read one by one through the
 * documented GET /CreditNotes/{id} and GET /Payments/{id}. A `where` on the id was the other documented way, one call for
 * many ids, but CreditNoteID and PaymentID are not among the fields Xero optimises in `where`: on the large
 * organisations this is about (over 1,000 records), Xero may time out or refuse such a query. Credit notes reach us one
 * webhook event per record and payments have no webhook category, so one call per id costs what the events cost.
 */
type Reread = 'IDs' | 'one-by-one';

/** Declared per stream: endpoint, collection key, id field, the filter that keeps receivables only, and how to re-read. */
export const STREAM_TABLE: Record<StreamName, { entity: EntityKind; path: string; key: string; id: string; params: Record<string, string>; reread: Reread }> = {
  customers: { entity: 'customer', path: '/Contacts', key: 'Contacts', id: 'ContactID', params: { includeArchived: 'true' }, reread: 'IDs' },
  invoices: { entity: 'invoice', path: '/Invoices', key: 'Invoices', id: 'InvoiceID', params: { where: 'Type=="ACCREC"' }, reread: 'IDs' },
  credit_notes: { entity: 'credit_note', path: '/CreditNotes', key: 'CreditNotes', id: 'CreditNoteID', params: { where: 'Type=="ACCRECCREDIT"' }, reread: 'one-by-one' },
  payments: { entity: 'payment', path: '/Payments', key: 'Payments', id: 'PaymentID', params: { where: 'PaymentType=="ACCRECPAYMENT"' }, reread: 'one-by-one' },
};

/** Re-read the last second before the newest change seen: If-Modified-Since has second precision. */
export const OVERLAP_MS = 1000;

/**
 * `since` is the If-Modified-Since value (epoch ms, null for a first full read); `page` only moves past 1
 * when a whole page shares one timestamp (a bulk import), so edits made during the scan cannot shift rows
 * past us the way plain page numbers would.
 */
export interface XeroCursor {
  since: number | null;
  page: number;
}

const isCursor = (v: unknown): v is XeroCursor =>
  !!v && typeof v === 'object' && 'page' in v && typeof (v as XeroCursor).page === 'number' && ((v as XeroCursor).since === null || typeof (v as XeroCursor).since === 'number');

type Row = Record<string, unknown>;

async function* read(ctx: ReadContext, table: (typeof STREAM_TABLE)[StreamName], start: XeroCursor): AsyncGenerator<StreamPage> {
  let cursor = start;
  for (;;) {
    const { data } = await ctx.http.get<Record<string, unknown>>(table.path, {
      params: { ...table.params, order: 'UpdatedDateUTC ASC', page: cursor.page, pageSize: PAGE_SIZE },
      headers: cursor.since === null ? {} : { 'If-Modified-Since': ifModifiedSince(cursor.since) },
      records: [table.key],
    });
    const rows = Array.isArray(data[table.key]) ? (data[table.key] as Row[]) : [];
    const newest = rows.reduce((max, r) => Math.max(max, xeroDateMs(r['UpdatedDateUTC']) ?? 0), 0);
    const last = rows.length < PAGE_SIZE;
    const candidate = newest ? newest - OVERLAP_MS : cursor.since;
    const progressed = candidate !== null && (cursor.since === null || candidate > cursor.since);
    const next: XeroCursor = last ? { since: progressed ? candidate : cursor.since, page: 1 } : progressed ? { since: candidate, page: 1 } : { since: cursor.since, page: cursor.page + 1 };
    // Deleted and voided records stay listed with their status: the mapping turns them into void records.
    yield { records: rows, deleted: [], cursor: next };
    if (last) return;
    cursor = next;
  }
}

function stream(name: StreamName): StreamSpec {
  const table = STREAM_TABLE[name];
  return {
    entity: table.entity,
    read(ctx) {
      const start = !ctx.full && isCursor(ctx.cursor) ? ctx.cursor : { since: null, page: 1 };
      return read(ctx, table, start);
    },
    fetchByIds: (ctx, ids) => (table.reread === 'IDs' ? byIdsParam(ctx.http, table, name, ids) : oneByOne(ctx.http, table, ids)),
    idOf: (raw) => String((raw as Row | null)?.[table.id] ?? ''),
  };
}

const rowsOf = (data: Record<string, unknown>, key: string): Row[] => (Array.isArray(data[key]) ? (data[key] as Row[]) : []);

/** `IDs` in batches (Invoices, Contacts): an id the filtered answer lacks is gone; an answer with other ids was not filtered. */
async function byIdsParam(http: ProviderHttp, table: (typeof STREAM_TABLE)[StreamName], name: StreamName, ids: string[]) {
  const records: Row[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
    const chunk = ids.slice(i, i + IDS_PER_REQUEST);
    const { data } = await http.get<Record<string, unknown>>(table.path, { params: { IDs: chunk.join(','), ...(name === 'customers' ? { includeArchived: 'true' } : {}), page: 1, pageSize: PAGE_SIZE }, records: [table.key] });
    records.push(...rowsOf(data, table.key));
  }
  return { records, deleted: absentFrom(`Xero ${table.path}`, ids, records, (r) => String(r[table.id])) };
}

/** GET {path}/{id} per id: Xero keeps deleted and voided documents readable with their status, so only a 404 means gone. */
async function oneByOne(http: ProviderHttp, table: (typeof STREAM_TABLE)[StreamName], ids: string[]) {
  const records: Row[] = [];
  const deleted: string[] = [];
  for (const id of ids) {
    try {
      const { data } = await http.get<Record<string, unknown>>(`${table.path}/${encodeURIComponent(id)}`, { records: [table.key] });
      const rows = rowsOf(data, table.key);
      // A single read answers its own id; anything else is not an answer about this id.
      if (rows.length !== 1 || String(rows[0]![table.id]).toLowerCase() !== id.toLowerCase()) throw new ProviderRejected('xero', 200, `${table.path}/${id} answered ${rows.length} record(s) without that id`);
      records.push(rows[0]!);
    } catch (err) {
      if (err instanceof ProviderRejected && err.status === 404) deleted.push(id);
      else throw err;
    }
  }
  return { records, deleted };
}

export const streams: Record<StreamName, StreamSpec> = {
  customers: stream('customers'),
  invoices: stream('invoices'),
  credit_notes: stream('credit_notes'),
  payments: stream('payments'),
};
