// QuickBooks streams: full scans by query (ORDERBY Id, STARTPOSITION/MAXRESULTS) then Change Data Capture for changes and deletions.
import type { EntityKind } from '../../src/model/index.js';
import { absentFrom } from '../../src/connectors/reread.js';
import { readAhead } from '../../src/connectors/read-ahead.js';
import type { ReadContext, StreamName, StreamPage, StreamSpec } from '../../src/connectors/types.js';
import { MINOR_VERSION, PAGE_SIZE, assertNoFault, companyPath, query, quote } from './client.js';

/** Declared per stream: the QuickBooks entity and any filter every query needs. */
export const STREAM_TABLE: Record<StreamName, { entity: EntityKind; qbo: string; where?: string }> = {
  // Deleted customers are only made inactive, and plain queries hide inactive ones.
  customers: { entity: 'customer', qbo: 'Customer', where: 'Active IN (true,false)' },
  invoices: { entity: 'invoice', qbo: 'Invoice' },
  credit_notes: { entity: 'credit_note', qbo: 'CreditMemo' },
  payments: { entity: 'payment', qbo: 'Payment' },
};

/** CDC looks back at most 30 days; keep a day of margin. */
export const CDC_MAX_LOOKBACK_MS = 29 * 86_400_000;
/** CDC returns at most 1000 objects: a full response may have left changes out. */
export const CDC_CAP = 1000;
/** Re-read this much before the server time of the last CDC call, so a change committed during the call is not missed. */
export const CDC_OVERLAP_MS = 2 * 60_000;
/**
 * Offset paging shifts left when a record is deleted mid-scan; re-reading a few rows of the previous page
 * keeps a handful of concurrent deletions from making us skip a row (upserts make the overlap harmless).
 */
export const FULL_SCAN_OVERLAP = 20;
/** Ids per targeted re-read (keeps the query URL short). */
export const IDS_PER_QUERY = 100;

export type QuickBooksCursor =
  | { mode: 'full'; position: number; startedAt: string }
  | { mode: 'cdc'; since: string };

interface QboRecord {
  Id?: unknown;
  status?: unknown;
}

function isCursor(value: unknown): value is QuickBooksCursor {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (v['mode'] === 'full' && typeof v['position'] === 'number' && typeof v['startedAt'] === 'string') || (v['mode'] === 'cdc' && typeof v['since'] === 'string');
}

const statement = (qbo: string, where: string[], tail: string) => `SELECT * FROM ${qbo}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ${tail}`.trim();

/**
 * Offset pages are independent, so a full scan keeps requests out ahead of the engine (readAhead): with one at a time,
 * latency rather than the quota would set the pace. Each request holds one of the run's page slots (PAGES_HELD) from
 * the moment it is sent, so an answer waiting for the engine counts in what the run holds: a page weighs 2 MB of text
 * and 3 MB parsed for 1,000 invoices. Before, requests ahead outside the slots took a first sync of 1,037,398 records to
 * 316 MB RSS, and asking one page at a time cost pace (75 % of the 450/min pace on the `sync` case with 100 ms a
 * request); figures for this scan in the README's benchmarks (#29).
 */
function fullScan(ctx: ReadContext, table: (typeof STREAM_TABLE)[StreamName], from: { position: number; startedAt: string }): AsyncGenerator<StreamPage> {
  const where = table.where ? [table.where] : [];
  const step = PAGE_SIZE - FULL_SCAN_OVERLAP;
  // Changes made while we scanned are picked up by CDC from the scan's start.
  const since = new Date(Date.parse(from.startedAt) - CDC_OVERLAP_MS).toISOString();
  return readAhead(ctx, {
    async request(index) {
      const position = from.position + index * step;
      // The records are handed to the engine unread: each stays as its text until it is mapped (deferRecords).
      const rows = await query<unknown>(ctx.http, ctx.externalTenantId, table.qbo, statement(table.qbo, where, `ORDERBY Id STARTPOSITION ${position} MAXRESULTS ${PAGE_SIZE}`), { deferRecords: true });
      const cursor: QuickBooksCursor = rows.length < PAGE_SIZE ? { mode: 'cdc', since } : { mode: 'full', position: position + step, startedAt: from.startedAt };
      return { records: rows, deleted: [], cursor };
    },
    isLast: (page) => (page.cursor as QuickBooksCursor).mode === 'cdc',
  });
}

interface CdcBody {
  CDCResponse?: { QueryResponse?: Record<string, unknown>[] }[];
  time?: string;
}

/** Changes since `since` by CDC: one request, holding a page slot as the full scan's requests do (the stream reads ahead). */
async function* changesSince(ctx: ReadContext, table: (typeof STREAM_TABLE)[StreamName], since: string): AsyncGenerator<StreamPage> {
  const startedAt = ctx.now().toISOString();
  let saturated = false;
  for await (const page of readAhead(ctx, { request: () => cdcPage(ctx, table, since, startedAt), isLast: () => true })) {
    saturated = (page.cursor as QuickBooksCursor).mode === 'full';
    yield page;
  }
  // The window was saturated: after what it had, rescan everything from now on (the nightly re-read of open invoices
  // catches a deletion the truncated window hid).
  if (saturated) yield* fullScan(ctx, table, { position: 1, startedAt });
}

async function cdcPage(ctx: ReadContext, table: (typeof STREAM_TABLE)[StreamName], since: string, startedAt: string): Promise<StreamPage> {
  const { data, headers } = await ctx.http.get<CdcBody>(companyPath(ctx.externalTenantId, 'cdc'), {
    params: { entities: table.qbo, changedSince: since, minorversion: MINOR_VERSION },
    records: ['CDCResponse', '*', 'QueryResponse', '*', table.qbo],
  });
  assertNoFault(data, headers);
  const objects: QboRecord[] = [];
  for (const block of data.CDCResponse ?? []) {
    for (const qr of block.QueryResponse ?? []) {
      const rows = qr[table.qbo];
      if (Array.isArray(rows)) objects.push(...(rows as QboRecord[]));
    }
  }
  const serverTime = data.time ? Date.parse(data.time) : NaN;
  const nextSince = new Date((Number.isNaN(serverTime) ? ctx.now().getTime() : serverTime) - CDC_OVERLAP_MS).toISOString();
  const deleted = objects.filter((o) => o.status === 'Deleted').map((o) => String(o.Id));
  const records = objects.filter((o) => o.status !== 'Deleted');
  // A full answer may have left changes out: the cursor then starts a full scan (changesSince).
  const cursor: QuickBooksCursor = objects.length >= CDC_CAP ? { mode: 'full', position: 1, startedAt } : { mode: 'cdc', since: nextSince };
  return { records, deleted, cursor };
}

function stream(name: StreamName): StreamSpec {
  const table = STREAM_TABLE[name];
  return {
    entity: table.entity,
    readsAhead: true,
    read(ctx) {
      const cursor = !ctx.full && isCursor(ctx.cursor) ? ctx.cursor : null;
      if (cursor?.mode === 'cdc' && ctx.now().getTime() - Date.parse(cursor.since) < CDC_MAX_LOOKBACK_MS) return changesSince(ctx, table, cursor.since);
      if (cursor?.mode === 'full') return fullScan(ctx, table, cursor);
      return fullScan(ctx, table, { position: 1, startedAt: ctx.now().toISOString() });
    },
    async fetchByIds(ctx, ids) {
      const records: QboRecord[] = [];
      for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
        const chunk = ids.slice(i, i + IDS_PER_QUERY);
        const where = [`Id IN (${chunk.map(quote).join(',')})`, ...(table.where ? [table.where] : [])];
        records.push(...(await query<QboRecord>(ctx.http, ctx.externalTenantId, table.qbo, statement(table.qbo, where, `MAXRESULTS ${PAGE_SIZE}`))));
      }
      // `Id IN (…)` is part of the documented query language (a malformed query is a 400 fault, never ignored).
      return { records, deleted: absentFrom('QuickBooks query', ids, records, (r) => String(r.Id)) };
    },
    idOf: (raw) => String((raw as QboRecord | null)?.Id ?? ''),
  };
}

export const streams: Record<StreamName, StreamSpec> = {
  customers: stream('customers'),
  invoices: stream('invoices'),
  credit_notes: stream('credit_notes'),
  payments: stream('payments'),
};
