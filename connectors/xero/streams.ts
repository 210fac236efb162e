// Xero streams: If-Modified-Since as a moving key (restart at page 1 after each page), order=UpdatedDateUTC ASC, receivables only.
import type { EntityKind } from '../../src/model/index.js';
import type { ReadContext, StreamName, StreamPage, StreamSpec } from '../../src/connectors/types.js';
import { IDS_PER_REQUEST, PAGE_SIZE, ifModifiedSince, xeroDateMs } from './client.js';

/** Declared per stream: endpoint, collection key, id field and the filter that keeps receivables only. */
export const STREAM_TABLE: Record<StreamName, { entity: EntityKind; path: string; key: string; id: string; params: Record<string, string> }> = {
  customers: { entity: 'customer', path: '/Contacts', key: 'Contacts', id: 'ContactID', params: { includeArchived: 'true' } },
  invoices: { entity: 'invoice', path: '/Invoices', key: 'Invoices', id: 'InvoiceID', params: { where: 'Type=="ACCREC"' } },
  credit_notes: { entity: 'credit_note', path: '/CreditNotes', key: 'CreditNotes', id: 'CreditNoteID', params: { where: 'Type=="ACCRECCREDIT"' } },
  payments: { entity: 'payment', path: '/Payments', key: 'Payments', id: 'PaymentID', params: { where: 'PaymentType=="ACCRECPAYMENT"' } },
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
    async fetchByIds(ctx, ids) {
      const records: Row[] = [];
      for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
        const chunk = ids.slice(i, i + IDS_PER_REQUEST);
        const { data } = await ctx.http.get<Record<string, unknown>>(table.path, { params: { IDs: chunk.join(','), ...(name === 'customers' ? { includeArchived: 'true' } : {}), page: 1, pageSize: PAGE_SIZE }, records: [table.key] });
        if (Array.isArray(data[table.key])) records.push(...(data[table.key] as Row[]));
      }
      const found = new Set(records.map((r) => String(r[table.id])));
      return { records, deleted: ids.filter((id) => !found.has(id)) };
    },
    idOf: (raw) => String((raw as Row | null)?.[table.id] ?? ''),
  };
}

export const streams: Record<StreamName, StreamSpec> = {
  customers: stream('customers'),
  invoices: stream('invoices'),
  credit_notes: stream('credit_notes'),
  payments: stream('payments'),
};
