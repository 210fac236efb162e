// Pennylane streams: a cursor-paged backfill, then /changelogs with the cursor saved per page and changed ids re-read 100 at a time.
import { compareAmounts, subtractAmounts } from '../../src/model/money.js';
import type { EntityKind } from '../../src/model/index.js';
import { absentFrom } from '../../src/connectors/reread.js';
import type { ProviderHttp, ReadContext, StreamName, StreamPage, StreamSpec } from '../../src/connectors/types.js';
import { CHANGELOG_PAGE_SIZE, IDS_PER_REQUEST, PAGE_SIZE, isExpiredChangelog } from './client.js';

type Row = Record<string, unknown>;
type Ctx = Omit<ReadContext, 'cursor' | 'full'>;
interface Page {
  items?: Row[];
  has_more?: boolean;
  next_cursor?: string | null;
}

/** Re-read this much before the backfill started: a change made while we scanned is in the changelog from there. */
export const START_OVERLAP_MS = 2 * 60_000;

export type PennylaneCursor =
  /** Backfill: Pennylane's own list cursor (null for the first page) and when the backfill started. */
  | { mode: 'full'; next: string | null; startedAt: string }
  /** Changelog: Pennylane's cursor when it gave one, else the instant to resume from (`start_date`). */
  | { mode: 'changes'; cursor: string | null; startDate: string };

const isCursor = (v: unknown): v is PennylaneCursor => {
  const c = v as Record<string, unknown> | null;
  return !!c && ((c['mode'] === 'full' && typeof c['startedAt'] === 'string') || (c['mode'] === 'changes' && typeof c['startDate'] === 'string'));
};

/** Declared per stream: the list endpoint, its changelog, the filter that keeps this stream's records. */
interface Table {
  entity: EntityKind;
  path: string;
  changelog: string;
  filter: Row[];
  /** Keeps a re-read record in this stream (invoices and credit notes share one changelog). */
  keep(r: Row): boolean;
}

/** Credit notes carry `status: credit_note` (recorded) and negative amounts; `credited_invoice` links most of them. */
export const isCreditNote = (r: Row) => r['status'] === 'credit_note' || r['credited_invoice'] != null || String(r['currency_amount'] ?? '').startsWith('-');

const TABLES: Record<Exclude<StreamName, 'payments'>, Table> = {
  customers: { entity: 'customer', path: '/customers', changelog: '/changelogs/customers', filter: [], keep: () => true },
  // Drafts are not receivables and never leave the server; the mapping skips archived and pro-forma ones with the reason.
  invoices: { entity: 'invoice', path: '/customer_invoices', changelog: '/changelogs/customer_invoices', filter: [{ field: 'draft', operator: 'eq', value: false }, { field: 'credit_note', operator: 'eq', value: false }], keep: (r) => !isCreditNote(r) },
  credit_notes: { entity: 'credit_note', path: '/customer_invoices', changelog: '/changelogs/customer_invoices', filter: [{ field: 'draft', operator: 'eq', value: false }, { field: 'credit_note', operator: 'eq', value: true }], keep: isCreditNote },
};

const filterParam = (conditions: Row[]): Record<string, string> => (conditions.length ? { filter: JSON.stringify(conditions) } : {});
const cursorParam = (next: string | null): Record<string, string> => (next ? { cursor: next } : {});
const idOf = (r: unknown) => String((r as Row | null)?.['id'] ?? '');

/**
 * `GET path?filter=[id in …]` in batches of 100: the changed ids, re-read. `filter` with `id` `in` is declared on
 * /customers, /customer_invoices and /transactions by Pennylane's v2 description (reference A4); a deletion is inferred
 * only from an answer holding no other id (absentFrom). Filters are sent again on every page (they are not in the cursor).
 */
async function readIds(http: ProviderHttp, path: string, ids: string[], extra: Row[] = []): Promise<Row[]> {
  const out: Row[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
    const chunk = ids.slice(i, i + IDS_PER_REQUEST).map(Number);
    let next: string | null = null;
    do {
      const { data }: { data: Page } = await http.get<Page>(path, { params: { ...filterParam([{ field: 'id', operator: 'in', value: chunk }, ...extra]), limit: PAGE_SIZE, sort: 'id', ...cursorParam(next) }, records: ['items', '*'] });
      out.push(...(data.items ?? []));
      next = data.has_more ? (data.next_cursor ?? null) : null;
    } while (next);
  }
  return out;
}

/** What one changelog page says: the ids to re-read (last event wins) and the ids deleted at the source. */
export function collapse(events: Row[]): { changed: string[]; deleted: string[] } {
  const last = new Map<string, string>();
  for (const e of events) {
    const id = String(e['id']);
    last.delete(id);
    last.set(id, String(e['operation']));
  }
  const changed: string[] = [];
  const deleted: string[] = [];
  for (const [id, op] of last) (op === 'delete' ? deleted : changed).push(id);
  return { changed, deleted };
}

/** Turns re-read rows into what a stream page carries: kept records, and ids that are gone or no longer receivables. */
type Resolve = (ctx: Ctx, ids: string[]) => Promise<{ records: Row[]; deleted: string[] }>;

async function* backfill(ctx: Ctx, path: string, filter: Row[], from: { next: string | null; startedAt: string }, enrich: (rows: Row[]) => Promise<Row[]>): AsyncGenerator<StreamPage> {
  let next = from.next;
  for (;;) {
    const { data } = await ctx.http.get<Page>(path, { params: { ...filterParam(filter), sort: 'id', limit: PAGE_SIZE, ...cursorParam(next) }, records: ['items', '*'] });
    const rows = await enrich(data.items ?? []);
    const more = data.has_more === true && !!data.next_cursor;
    if (!more) {
      // The changelog from just before the backfill started: what changed meanwhile is re-read.
      const startDate = new Date(Date.parse(from.startedAt) - START_OVERLAP_MS).toISOString();
      yield { records: rows, deleted: [], cursor: { mode: 'changes', cursor: null, startDate } satisfies PennylaneCursor };
      return;
    }
    next = data.next_cursor!;
    yield { records: rows, deleted: [], cursor: { mode: 'full', next, startedAt: from.startedAt } satisfies PennylaneCursor };
  }
}

/**
 * One changelog page at a time (limit 1000): its ids re-read in batches of 100, each batch a stream page; the new
 * changelog position is saved with the page's last batch only, so a crash replays the whole changelog page. At the
 * end of the feed Pennylane gives no cursor (null, as recorded): the next run starts from the last `processed_at`
 * (events sharing it are re-read; upserts are idempotent).
 */
async function* changes(ctx: Ctx, changelog: string, start: { cursor: string | null; startDate: string }, resolve: Resolve): AsyncGenerator<StreamPage> {
  let position = start;
  for (;;) {
    const { data } = await ctx.http.get<Page>(changelog, { params: { limit: CHANGELOG_PAGE_SIZE, ...(position.cursor ? { cursor: position.cursor } : { start_date: position.startDate }) } });
    const events = data.items ?? [];
    const { changed, deleted } = collapse(events);
    const lastProcessed = events.length ? String(events[events.length - 1]!['processed_at']) : null;
    const more = data.has_more === true && !!data.next_cursor;
    const nextPosition: PennylaneCursor = more
      ? { mode: 'changes', cursor: data.next_cursor!, startDate: lastProcessed ?? position.startDate }
      : { mode: 'changes', cursor: null, startDate: lastProcessed && lastProcessed > position.startDate ? lastProcessed : position.startDate };
    const batches: string[][] = [];
    for (let i = 0; i < changed.length; i += IDS_PER_REQUEST) batches.push(changed.slice(i, i + IDS_PER_REQUEST));
    if (!batches.length) batches.push([]);
    for (const [k, batch] of batches.entries()) {
      const got = batch.length ? await resolve(ctx, batch) : { records: [], deleted: [] };
      const lastOfPage = k === batches.length - 1;
      yield { records: got.records, deleted: [...got.deleted, ...(lastOfPage ? deleted : [])], cursor: lastOfPage ? nextPosition : ({ mode: 'changes', ...position } satisfies PennylaneCursor) };
    }
    if (!more) return;
    position = nextPosition;
  }
}

/** The stream's own reading of one position: backfill, changelog, or a backfill again when the changelog has expired. */
function reader(ctx: ReadContext, path: string, changelog: string, filter: Row[], resolve: Resolve, enrich: (rows: Row[]) => Promise<Row[]>): AsyncIterable<StreamPage> {
  const startedAt = ctx.now().toISOString();
  const cursor = !ctx.full && isCursor(ctx.cursor) ? ctx.cursor : null;
  if (cursor?.mode === 'full') return backfill(ctx, path, filter, cursor, enrich);
  if (!cursor) return backfill(ctx, path, filter, { next: null, startedAt }, enrich);
  return (async function* () {
    try {
      yield* changes(ctx, changelog, cursor, resolve);
    } catch (err) {
      if (!isExpiredChangelog(err)) throw err;
      // Changelogs are kept four weeks: an older position gets 422, and only a full scan catches up.
      yield { records: [], deleted: [], cursor: { mode: 'full', next: null, startedAt } satisfies PennylaneCursor, notice: `${changelog} position expired (older than Pennylane's 4-week retention): everything is read again` };
      yield* backfill(ctx, path, filter, { next: null, startedAt }, enrich);
    }
  })();
}

function documentStream(name: Exclude<StreamName, 'payments'>): StreamSpec {
  const table = TABLES[name];
  const resolve: Resolve = async (ctx, ids) => {
    const rows = await readIds(ctx.http, table.path, ids);
    const gone = absentFrom(`Pennylane ${table.path}`, ids, rows, idOf);
    const mine = rows.filter(table.keep);
    // An archived document is no longer a receivable: a copy stored before is marked deleted (void).
    const archived = mine.filter((r) => r['archived_at'] != null).map(idOf);
    return { records: mine.filter((r) => r['archived_at'] == null), deleted: [...gone, ...archived] };
  };
  return {
    entity: table.entity,
    read: (ctx) => reader(ctx, table.path, table.changelog, table.filter, resolve, async (rows) => rows),
    async fetchByIds(ctx, ids) {
      const rows = await readIds(ctx.http, table.path, ids);
      return { records: rows.filter(table.keep), deleted: absentFrom(`Pennylane ${table.path}`, ids, rows, idOf) };
    },
    idOf,
  };
}

// ---- payments ------------------------------------------------------------------------------------------------

/**
 * Where Relance puts what it worked out about a transaction: its customer invoices and the share of the money each got.
 * Pennylane exposes no per-invoice amount for a transfer that pays several invoices (reference A3.4).
 */
export const ALLOCATIONS_KEY = 'relance_allocations';

const amountOf = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '0');

/**
 * The split of `matched` (what the transfer settled) over its invoices: each, oldest first, gets at most what it no
 * longer owes (total − remaining), the rest goes to the last one. One invoice: the whole amount, not inferred.
 */
export function inferSplit(matched: string, invoices: Row[], currency: string): { invoice_id: string; amount: string; inferred: boolean }[] {
  if (invoices.length === 1) return [{ invoice_id: idOf(invoices[0]), amount: matched, inferred: false }];
  const sorted = [...invoices].sort((a, b) => String(a['date']).localeCompare(String(b['date'])) || Number(a['id']) - Number(b['id']));
  let left = matched;
  return sorted.map((inv, k) => {
    const settled = subtractAmounts(amountOf(inv['currency_amount']), amountOf(inv['remaining_amount_with_tax'] ?? '0'), currency);
    const take = k === sorted.length - 1 || compareAmounts(settled, left) > 0 ? left : compareAmounts(settled, '0') < 0 ? '0' : settled;
    left = subtractAmounts(left, take, currency);
    return { invoice_id: idOf(inv), amount: take, inferred: true };
  });
}

/**
 * Adds the matched customer invoices and the inferred split to incoming transactions; the others are not receipts.
 * One `GET /transactions/{id}/matched_invoices` per incoming transaction: the list carries only that sub-resource's
 * URL, and Pennylane documents no bulk link (nor a filter on amount or on being matched: transactions filter on id,
 * bank account, journal and date only). The per-invoice direction (`…/customer_invoices/{id}/matched_transactions`)
 * costs as much. `outstanding_balance` equal to the amount could mean "nothing matched" and save the call, but its
 * meaning is not documented and matching no longer depends on it (changelog 2025-05-07): not relied on.
 */
async function receipts(http: ProviderHttp, transactions: Row[]): Promise<{ receipts: Row[]; notReceipts: string[] }> {
  const incoming = transactions.filter((t) => compareAmounts(amountOf(t['currency_amount'] ?? t['amount']), '0') > 0);
  const links = await Promise.all(
    incoming.map(async (t) => {
      const { data } = await http.get<Page>(`/transactions/${encodeURIComponent(idOf(t))}/matched_invoices`, { params: { limit: PAGE_SIZE } });
      // Customer invoices only: a refund from a supplier is matched to a supplier invoice (item shape UNCONFIRMED: type or URL).
      return (data.items ?? []).filter((m) => m['type'] === 'customer_invoice' || String(m['url'] ?? '').includes('/customer_invoices/')).map(idOf);
    }),
  );
  const invoiceIds = [...new Set(links.flat())];
  const matchedRows = await readIds(http, '/customer_invoices', invoiceIds);
  // A transaction whose invoices are missing from this answer is called "not a receipt" (deleted) below: only from a filtered answer.
  absentFrom('Pennylane /customer_invoices', invoiceIds, matchedRows, idOf);
  const invoices = new Map(matchedRows.map((r) => [idOf(r), r]));
  const out: Row[] = [];
  const not: string[] = transactions.filter((t) => !incoming.includes(t)).map(idOf);
  incoming.forEach((t, k) => {
    const matched = links[k]!.map((id) => invoices.get(id)).filter((r): r is Row => !!r && !isCreditNote(r));
    if (!matched.length) {
      not.push(idOf(t));
      return;
    }
    const currency = String(t['currency'] ?? 'EUR');
    const applied = subtractAmounts(amountOf(t['currency_amount'] ?? t['amount']), amountOf(t['outstanding_balance'] ?? '0'), currency);
    out.push({
      ...t,
      [ALLOCATIONS_KEY]: {
        customer_id: matched[0]!['customer'] ? String((matched[0]!['customer'] as Row)['id']) : null,
        invoices: inferSplit(applied, matched, currency),
      },
    });
  });
  return { receipts: out, notReceipts: not };
}

const payments: StreamSpec = {
  entity: 'payment',
  read(ctx) {
    const resolve: Resolve = async (c, ids) => {
      const rows = await readIds(c.http, '/transactions', ids);
      const gone = absentFrom('Pennylane /transactions', ids, rows, idOf);
      const r = await receipts(c.http, rows);
      // A transaction that no longer pays a customer invoice (unmatched, or never was) is not a payment: gone.
      return { records: r.receipts, deleted: [...gone, ...r.notReceipts] };
    };
    return reader(ctx, '/transactions', '/changelogs/transactions', [], resolve, async (rows) => (await receipts(ctx.http, rows)).receipts);
  },
  async fetchByIds(ctx, ids) {
    const rows = await readIds(ctx.http, '/transactions', ids);
    const gone = absentFrom('Pennylane /transactions', ids, rows, idOf);
    const r = await receipts(ctx.http, rows);
    return { records: r.receipts, deleted: [...gone, ...r.notReceipts] };
  },
  idOf,
};

export const streams: Record<StreamName, StreamSpec> = {
  customers: documentStream('customers'),
  invoices: documentStream('invoices'),
  credit_notes: documentStream('credit_notes'),
  payments,
};
