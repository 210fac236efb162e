// Sage streams: updated_or_created_since as a moving key (sort=updated_at:asc), deleted_since for deletions, re-reads of invoices touched by payments and allocations, a nightly re-read of open invoices.
import type { EntityKind } from '../../src/model/index.js';
import { ProviderRejected } from '../../src/connectors/errors.js';
import type { ProviderHttp, ReadContext, StreamName, StreamPage, StreamSpec } from '../../src/connectors/types.js';
import { PAGE_SIZE } from './client.js';

type Row = Record<string, unknown>;
type Ctx = Omit<ReadContext, 'cursor' | 'full'>;
interface Page {
  $items?: Row[];
  $next?: string | null;
}

/**
 * Each run starts this far before the last one started: updated_or_created_since is inclusive and deleted_since
 * exclusive (the SDK's parameter descriptions), and this covers clock skew and changes committed late.
 */
export const OVERLAP_MS = 5 * 60_000;
/** Open invoices are re-read in full when the last such sweep is older than this (about nightly with 15-minute syncs). */
export const OPEN_SWEEP_EVERY_MS = 20 * 3_600_000;

/**
 * The position of one stream. `since` moves to the newest `updated_at` of each page (Xero-style moving key): a page
 * number alone is not safe, since a record edited during the scan moves to the end of an updated_at-sorted list and
 * pulls the rest one place back under the page we are on. `page` goes past 1 only when a whole page shares one
 * `updated_at` (a bulk import), and then follows Sage's `$next`.
 */
export interface SageCursor {
  since: string | null;
  page: number;
  /** deleted_since for the next run (and the start of the window in which payments and allocations touched invoices). */
  deletedSince: string | null;
  /** When the run in progress started (kept across resumes, so a resumed backfill misses no deletion). */
  startedAt: string | null;
  /** Invoices: when open invoices were last re-read in full. */
  openSweepAt: string | null;
}

const isCursor = (v: unknown): v is SageCursor => !!v && typeof v === 'object' && typeof (v as SageCursor).page === 'number' && 'since' in v && 'deletedSince' in v;

/** Sage takes `YYYY-MM-DDThh:mm:ssZ` (an offset is required on date-times). */
const param = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const idOf = (r: unknown) => String((r as Row | null)?.['id'] ?? '');
const pathOf = (link: unknown) => String((link as Row | null)?.['$path'] ?? '');

/** Declared per stream: the endpoint, the filter that keeps receivables, how a single record is read. */
interface Table {
  entity: EntityKind;
  path: string;
  params: Record<string, string>;
  /**
   * Single reads of a sales invoice pass mark_as_sent=false: the parameter is "Defaulted to 'true'" (the SDK generated
   * from Sage's OpenAPI description), so a plain read would mark the invoice as sent to the customer.
   */
  single: Record<string, string>;
  /**
   * Whether the list takes `sort=updated_at` (sales invoices, credit notes, contact payments and allocations do; GET
   * /contacts takes no `sort` in the SDK's description). Unsorted lists are read page by page following `$next`.
   */
  sortable: boolean;
}

export const TABLES: Record<StreamName, Table> = {
  customers: { entity: 'customer', path: '/contacts', params: { contact_type_id: 'CUSTOMER' }, single: {}, sortable: false },
  invoices: { entity: 'invoice', path: '/sales_invoices', params: {}, single: { mark_as_sent: 'false' }, sortable: true },
  // Single credit-note reads take mark_as_sent too, "Defaulted to 'true'" as on invoices.
  credit_notes: { entity: 'credit_note', path: '/sales_credit_notes', params: {}, single: { mark_as_sent: 'false' }, sortable: true },
  payments: { entity: 'payment', path: '/contact_payments', params: { transaction_type_id: 'CUSTOMER_RECEIPT' }, single: {}, sortable: true },
};

/** Every page of a list, following `$next` (relative to the API base, filters included). */
async function readAll(http: ProviderHttp, path: string, params: Record<string, string | number>): Promise<Row[]> {
  const rows: Row[] = [];
  let { data } = await http.get<Page>(path, { params: { ...params, items_per_page: PAGE_SIZE }, records: ['$items', '*'] });
  rows.push(...(data.$items ?? []));
  while (data.$next) {
    ({ data } = await http.get<Page>(data.$next, { records: ['$items', '*'] }));
    rows.push(...(data.$items ?? []));
  }
  return rows;
}

/** One record per id (GET path/{id}); a 404 means deleted. Sage has no filter on many ids. */
async function readByIds(http: ProviderHttp, table: Table, ids: string[]): Promise<{ records: Row[]; deleted: string[] }> {
  const records: Row[] = [];
  const deleted: string[] = [];
  for (const id of ids) {
    try {
      const { data } = await http.get<Row>(`${table.path}/${encodeURIComponent(id)}`, { params: table.single });
      if (idOf(data) !== id) throw new ProviderRejected('sage', 200, `${table.path}/${id} answered another record (${idOf(data)})`);
      records.push(data);
    } catch (err) {
      if (err instanceof ProviderRejected && err.status === 404) deleted.push(id);
      else throw err;
    }
  }
  return { records, deleted };
}

// ---- allocations ------------------------------------------------------------------------------------------------

/**
 * Where Relance puts the invoices a credit note or a payment on account settled through contact allocations: Sage
 * shows no allocation on the credit note itself (reference B3.4), only on /contact_allocations.
 */
export const ALLOCATIONS_KEY = 'relance_allocations';

type Allocation = { invoice_id: string; amount: string; date: string | null; allocation_id: string };

/**
 * From allocations (lines summing to zero: + on each invoice, − on the credit note or payment on account), what each
 * record settled. An allocation with several negative lines cannot be split between them from its lines: left out.
 */
export function allocationsByArtefact(allocations: Row[]): Map<string, Allocation[]> {
  const out = new Map<string, Allocation[]>();
  for (const al of allocations) {
    if (al['deleted_at']) continue;
    const lines = (Array.isArray(al['allocated_artefacts']) ? (al['allocated_artefacts'] as Row[]) : []).map((l) => ({ id: idOf(l['artefact']), path: pathOf(l['artefact']), amount: String(l['amount'] ?? '0') }));
    const givers = lines.filter((l) => l.amount.trim().startsWith('-'));
    if (givers.length !== 1) continue;
    const giver = givers[0]!;
    const list = out.get(giver.id) ?? [];
    for (const l of lines) if (l !== giver && l.path.startsWith('/sales_invoices/')) list.push({ invoice_id: l.id, amount: l.amount, date: typeof al['date'] === 'string' ? al['date'] : null, allocation_id: idOf(al) });
    out.set(giver.id, list);
  }
  return out;
}

const ALLOCATION_PARAMS = { transaction_type_id: 'CUSTOMER_ALLOCATION', attributes: 'all' };

/** Adds what contact allocations say to credit notes or payments: one list for a backfill, per contact otherwise. */
function enricher(ctx: Ctx, mode: 'all' | 'per-contact'): (rows: Row[]) => Promise<Row[]> {
  let index: Promise<Map<string, Allocation[]>> | null = null;
  return async (rows) => {
    if (!rows.length) return rows;
    let byArtefact: Map<string, Allocation[]>;
    if (mode === 'all') byArtefact = await (index ??= readAll(ctx.http, '/contact_allocations', ALLOCATION_PARAMS).then(allocationsByArtefact));
    else {
      const contacts = [...new Set(rows.map((r) => idOf(r['contact'])).filter(Boolean))];
      const all: Row[] = [];
      for (const c of contacts) all.push(...(await readAll(ctx.http, '/contact_allocations', { ...ALLOCATION_PARAMS, contact_id: c })));
      byArtefact = allocationsByArtefact(all);
    }
    return rows.map((r) => ({ ...r, [ALLOCATIONS_KEY]: byArtefact.get(idOf(r)) ?? [] }));
  };
}

/**
 * The records of `prefix` (`/sales_invoices/`, `/sales_credit_notes/`, `/contact_payments/`) that payments or
 * allocations created, changed or deleted since `since` name. Whether such a change moves the invoice's own
 * updated_at is UNCONFIRMED, so they are re-read. That a deleted_since answer carries allocated_artefacts when asked
 * is UNCONFIRMED too; the nightly re-read of open invoices is the net under it.
 */
async function touchedBy(http: ProviderHttp, since: string, prefix: string, sources: ('payments' | 'allocations')[]): Promise<string[]> {
  const rows: Row[] = [];
  for (const source of sources) {
    const path = source === 'payments' ? '/contact_payments' : '/contact_allocations';
    const params = { ...(source === 'payments' ? { transaction_type_id: 'CUSTOMER_RECEIPT' } : { transaction_type_id: 'CUSTOMER_ALLOCATION' }), attributes: 'allocated_artefacts' };
    rows.push(...(await readAll(http, path, { ...params, updated_or_created_since: since })), ...(await readAll(http, path, { ...params, deleted_since: since })));
  }
  const ids = new Set<string>();
  for (const r of rows) for (const l of Array.isArray(r['allocated_artefacts']) ? (r['allocated_artefacts'] as Row[]) : []) if (pathOf(l['artefact']).startsWith(prefix)) ids.add(idOf(l['artefact']));
  return [...ids];
}

// ---- the read ---------------------------------------------------------------------------------------------------

interface StreamOptions {
  table: Table;
  /** Adds derived data to a page of records (allocations), per backfill or per incremental page. */
  enrich?: (ctx: Ctx, mode: 'all' | 'per-contact') => (rows: Row[]) => Promise<Row[]>;
  /** Ids of this stream to re-read because payments or allocations changed since `since`. */
  touched?: (ctx: Ctx, since: string) => Promise<string[]>;
  /** Invoices: re-read every open invoice when the last sweep is old. */
  openSweep?: boolean;
}

async function* read(ctx: ReadContext, o: StreamOptions): AsyncGenerator<StreamPage> {
  const { table } = o;
  const runStart = ctx.now().getTime();
  const start: SageCursor = !ctx.full && isCursor(ctx.cursor) ? ctx.cursor : { since: null, page: 1, deletedSince: null, startedAt: null, openSweepAt: null };
  const startedAt = start.startedAt ?? param(runStart);
  const incremental = start.deletedSince !== null;
  const enrich = o.enrich?.(ctx, incremental ? 'per-contact' : 'all') ?? (async (rows: Row[]) => rows);
  const midway = (c: Partial<SageCursor>): SageCursor => ({ ...start, startedAt, ...c });

  if (incremental) {
    // Deleted since the last run (exclusive), then what payments and allocations touched, then the nightly sweep.
    const gone = (await readAll(ctx.http, table.path, { ...table.params, deleted_since: start.deletedSince! })).map(idOf);
    const touched = o.touched ? await o.touched(ctx, start.deletedSince!) : [];
    const reread = touched.length ? await readByIds(ctx.http, table, touched) : { records: [], deleted: [] };
    yield { records: await enrich(reread.records), deleted: [...gone, ...reread.deleted], cursor: midway({}) };
    if (o.openSweep && (!start.openSweepAt || runStart - Date.parse(start.openSweepAt) >= OPEN_SWEEP_EVERY_MS)) {
      // status_id takes one value: UNPAID, then PART_PAID (reference B4).
      for (const status of ['UNPAID', 'PART_PAID']) yield { records: await readAll(ctx.http, table.path, { ...table.params, status_id: status, attributes: 'all' }), deleted: [], cursor: midway({}) };
      start.openSweepAt = param(runStart);
    }
  }

  let since = start.since;
  let page = start.page;
  let next: string | null = null;
  for (;;) {
    const answer: { data: Page } = next
      ? await ctx.http.get<Page>(next, { records: ['$items', '*'] })
      : await ctx.http.get<Page>(table.path, { params: { ...table.params, attributes: 'all', ...(table.sortable ? { sort: 'updated_at:asc' } : {}), items_per_page: PAGE_SIZE, page, ...(since ? { updated_or_created_since: since } : {}) }, records: ['$items', '*'] });
    const data = answer.data;
    const rows: Row[] = data.$items ?? [];
    const newest = rows.reduce((max: number, r: Row) => Math.max(max, Date.parse(String(r['updated_at'] ?? '')) || 0), 0);
    const candidate = newest ? param(newest) : since;
    // Without a sort the key cannot move: the pages are followed as Sage links them.
    const progressed = table.sortable && candidate !== null && (since === null || Date.parse(candidate) > Date.parse(since));
    const records = await enrich(rows);
    if (!data.$next) {
      // Done: the next run starts OVERLAP_MS before the newest change seen, and reads deletions from this run's start.
      // Unsorted: everything since `since` was read, so the next run reads from this run's start.
      const last = table.sortable ? (progressed ? candidate : since) : startedAt;
      const settled: SageCursor = {
        since: last ? param(Math.min(Date.parse(last), Date.parse(startedAt)) - OVERLAP_MS) : null,
        page: 1,
        deletedSince: param(Date.parse(startedAt) - OVERLAP_MS),
        startedAt: null,
        openSweepAt: incremental ? start.openSweepAt : o.openSweep ? startedAt : null,
      };
      yield { records, deleted: [], cursor: settled };
      return;
    }
    if (progressed) {
      since = candidate;
      page = 1;
      next = null;
    } else {
      // A whole page of one updated_at: Sage's own next page.
      page += 1;
      next = data.$next;
    }
    yield { records, deleted: [], cursor: midway({ since, page }) };
  }
}

function stream(name: StreamName, o: Omit<StreamOptions, 'table'>): StreamSpec {
  const table = TABLES[name];
  return {
    entity: table.entity,
    read: (ctx) => read(ctx, { table, ...o }),
    async fetchByIds(ctx, ids) {
      const got = await readByIds(ctx.http, table, ids);
      const enrich = o.enrich?.(ctx, 'per-contact');
      return { records: enrich ? await enrich(got.records) : got.records, deleted: got.deleted };
    },
    idOf,
  };
}

export const streams: Record<StreamName, StreamSpec> = {
  customers: stream('customers', {}),
  invoices: stream('invoices', { touched: (ctx, since) => touchedBy(ctx.http, since, '/sales_invoices/', ['payments', 'allocations']), openSweep: true }),
  credit_notes: stream('credit_notes', { enrich: enricher, touched: (ctx, since) => touchedBy(ctx.http, since, '/sales_credit_notes/', ['allocations']) }),
  payments: stream('payments', { enrich: enricher, touched: (ctx, since) => touchedBy(ctx.http, since, '/contact_payments/', ['allocations']) }),
};
