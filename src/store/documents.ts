// Batched upserts and reads of synced documents (customers, invoices, credit notes, payments), per tenant.
import { hash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, constants as zlibConstants, gunzip } from 'node:zlib';
import { parseWithSourceText, sourceBytesOf } from '../json/source-text.js';
import type { EntityKind, EntityOf } from '../model/index.js';
import type { Sql } from './db.js';

/** One mapped record with the raw payload it came from. */
export interface DocumentRow<K extends EntityKind = EntityKind> {
  record: EntityOf<K>;
  raw: unknown;
  /** The raw payload's bytes as received, when the caller has them and no longer keeps the parsed payload (a record parsed at map time, src/sync/mappers.ts). */
  rawBytes?: Uint8Array;
}

export interface DocumentScope {
  tenantId: string;
  connectionId: string;
  provider: string;
}

export interface UpsertResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

interface Column {
  name: string;
  /** The column's value, as SQL over the statement row's `r.data` (the record's JSON). */
  from: string;
}

interface TableSpec {
  table: string;
  columns: Column[];
  /** SQL setting a row to its deleted/void state. */
  deletedSet: string;
}

/** A column read from one field of the record (`field`, camelCase as in the model), cast to the column's SQL type. */
const col = (name: string, type: string, field: string): Column => ({ name, from: `(r.data->>'${field}')::${type}` });

const commonColumns: Column[] = [col('external_id', 'text', 'externalId'), col('external_version', 'text', 'externalVersion'), col('source_updated_at', 'timestamptz', 'updatedAt')];

// The typed columns are read by PostgreSQL from the record's JSON, which the statement sends once: sending them beside
// it too made the statement's JSON about 40 % longer, and writing it was a tenth of a sync's CPU per record (#29).
const TABLES: { [K in EntityKind]: TableSpec } = {
  customer: {
    table: 'customers',
    columns: [
      ...commonColumns, col('name', 'text', 'name'),
      { name: 'email', from: `coalesce(r.data->>'email', r.data->'emails'->>0)` },
      col('currency', 'text', 'currency'), col('credit_limit', 'numeric', 'creditLimit'), col('active', 'boolean', 'active'), col('reg_no', 'text', 'regNo'),
    ],
    deletedSet: `active = false, data = t.data || '{"active": false}'::jsonb`,
  },
  invoice: {
    table: 'invoices',
    columns: [
      ...commonColumns, col('number', 'text', 'number'), col('customer_external_id', 'text', 'customerExternalId'), col('issue_date', 'date', 'issueDate'),
      col('due_date', 'date', 'dueDate'), col('currency', 'text', 'currency'), col('total', 'numeric', 'total'), col('amount_due', 'numeric', 'amountDue'), col('status', 'text', 'status'),
    ],
    deletedSet: `status = 'void', amount_due = 0, data = t.data || '{"status": "void", "amountDue": "0"}'::jsonb`,
  },
  credit_note: {
    table: 'credit_notes',
    columns: [
      ...commonColumns, col('number', 'text', 'number'), col('customer_external_id', 'text', 'customerExternalId'), col('issue_date', 'date', 'issueDate'),
      col('currency', 'text', 'currency'), col('total', 'numeric', 'total'), col('remaining', 'numeric', 'remaining'), col('status', 'text', 'status'),
    ],
    deletedSet: `status = 'void', remaining = 0, data = t.data || '{"status": "void", "remaining": "0"}'::jsonb`,
  },
  payment: {
    table: 'payments',
    columns: [
      ...commonColumns, col('customer_external_id', 'text', 'customerExternalId'), col('date', 'date', 'date'), col('currency', 'text', 'currency'),
      col('amount', 'numeric', 'amount'), col('unapplied', 'numeric', 'unapplied'), col('status', 'text', 'status'),
    ],
    deletedSet: `status = 'void', data = t.data || '{"status": "void"}'::jsonb`,
  },
};

const upsertSqlCache = new Map<EntityKind, string>();

function upsertSql(entity: EntityKind): string {
  const cached = upsertSqlCache.get(entity);
  if (cached) return cached;
  const spec = TABLES[entity];
  const names = spec.columns.map((c) => c.name);
  const text = `
    insert into ${spec.table} as t (tenant_id, connection_id, provider, ${names.join(', ')}, data, raw_page, raw_index, raw_hash)
    select $1::uuid, $2::uuid, $3, ${spec.columns.map((c) => c.from).join(', ')}, r.data, $5::bigint, r.raw_index, decode(r.raw_hash, 'hex')
    from jsonb_to_recordset($4::text::jsonb) as r(data jsonb, raw_index integer, raw_hash text)
    on conflict (tenant_id, connection_id, external_id) do update set
      ${[...names.filter((n) => n !== 'external_id'), 'data', 'raw_page', 'raw_index', 'raw_hash'].map((n) => `${n} = excluded.${n}`).join(', ')},
      raw = null,
      synced_at = now(), changed_at = now()
    where (t.data is distinct from excluded.data or t.raw_hash is distinct from excluded.raw_hash)
      -- a late, reordered delivery of an older version never overwrites a newer one
      and (t.source_updated_at is null or excluded.source_updated_at is null or excluded.source_updated_at >= t.source_updated_at)
    returning (xmax = 0) as inserted`;
  upsertSqlCache.set(entity, text);
  return text;
}

/** A raw payload as stored: its bytes as received when the HTTP layer (or a stored page) kept them, else its JSON text. */
export function rawPayload(raw: unknown): Uint8Array | string {
  return sourceBytesOf(raw) ?? JSON.stringify(raw ?? null);
}

const brotliAsync = promisify(brotliCompress);
const unbrotliAsync = promisify(brotliDecompress);
const gunzipAsync = promisify(gunzip);

/** How raw pages are compressed (raw_pages.codec): Brotli at quality 1, for the reasons in migration 027. */
export type RawPageCodec = 'gzip' | 'br';
const RAW_PAGE_CODEC: RawPageCodec = 'br';

/**
 * Raw payloads (JSON texts, or their UTF-8 bytes as received) as the bytes of one JSON array, written straight into one
 * buffer. Joining the texts into one string first cost a page-sized string (2 MB for 1,000 QuickBooks invoices) that
 * zlib then encoded into a page-sized buffer again: two large allocations per page that only a full collection frees.
 * Bytes are copied as they are: encoding a 2 KB text again cost about 2 µs (#29).
 */
function rawPageBytes(payloads: readonly (string | Uint8Array)[]): Buffer {
  let size = payloads.length + 1;
  for (const p of payloads) size += typeof p === 'string' ? Buffer.byteLength(p) : p.byteLength;
  const bytes = Buffer.allocUnsafe(Math.max(size, 2));
  let at = 0;
  bytes[at++] = 0x5b; // [
  payloads.forEach((p, i) => {
    if (i > 0) bytes[at++] = 0x2c; // ,
    if (typeof p === 'string') at += bytes.write(p, at, 'utf8');
    else {
      bytes.set(p, at);
      at += p.byteLength;
    }
  });
  bytes[at++] = 0x5d; // ]
  return bytes.subarray(0, at);
}

/** Raw payloads as one compressed page body; the compression runs off the event loop. */
const compressPage = (bytes: Buffer): Promise<Buffer> =>
  brotliAsync(bytes, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 1, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length } });

/** A raw page's JSON array (UTF-8), from its stored body and codec: pages written before migration 027 are gzip. */
export function readRawPage(body: Buffer, codec: RawPageCodec): Promise<Buffer> {
  return codec === 'br' ? unbrotliAsync(body) : gunzipAsync(body);
}

async function insertRawPage(sql: Sql, tenantId: string, connectionId: string, entity: EntityKind, recordCount: number, body: Buffer): Promise<string> {
  const [row] = await sql.unsafe<{ id: string }[]>(
    `insert into raw_pages (tenant_id, connection_id, entity, record_count, body, codec) values ($1::uuid, $2::uuid, $3, $4, $5, $6) returning id::text`,
    [tenantId, connectionId, entity, recordCount, body, RAW_PAGE_CODEC],
  );
  return row!.id;
}

/** Stores raw payloads (bytes or JSON texts) as one compressed page. */
async function storeRawPage(sql: Sql, tenantId: string, connectionId: string, entity: EntityKind, payloads: readonly (Uint8Array | string)[]): Promise<string> {
  return insertRawPage(sql, tenantId, connectionId, entity, payloads.length, await compressPage(rawPageBytes(payloads)));
}

/**
 * Rows ready for `writeDocuments`, chunk by chunk: each chunk's compressed raw page and its statement's JSON. Encoding
 * is CPU and zlib only (no database), so a caller may encode a page while the previous one is being written.
 */
export interface EncodedDocuments<K extends EntityKind = EntityKind> {
  entity: K;
  chunks: { count: number; body: Buffer; payload: string }[];
}

/**
 * A row encoded for its statement as soon as it is mapped (src/sync/mappers.ts): a page waiting to be stored then holds
 * three flat values per row instead of the mapped record's objects, which V8 copied twice and promoted before the page
 * was stored (#29).
 */
export interface EncodedRow {
  externalId: string;
  /** The row's statement JSON, page position excepted: `{"raw_hash":…,"data":…}`. */
  json: string;
  /** The raw payload as stored: its bytes as received, or its JSON text. */
  raw: Uint8Array | string;
}

/** Encodes one validated record and its raw payload (bytes as received, or JSON text) for encodeDocuments. */
export function encodeRow<K extends EntityKind>(record: EntityOf<K>, raw: Uint8Array | string): EncodedRow {
  // SHA-1 of the payload's UTF-8 bytes (a text is hashed as its UTF-8): the raw_hash the stored row is compared with.
  return { externalId: record.externalId, json: `{"raw_hash":"${hash('sha1', raw, 'hex')}","data":${JSON.stringify(record)}}`, raw };
}

const isEncoded = (row: DocumentRow | EncodedRow): row is EncodedRow => 'json' in row;

export async function encodeDocuments<K extends EntityKind>(entity: K, rows: readonly (DocumentRow<K> | EncodedRow)[], chunkSize = 2000): Promise<EncodedDocuments<K>> {
  // Last occurrence wins: one statement cannot touch the same row twice.
  const byId = new Map<string, EncodedRow>();
  for (const row of rows) {
    const encoded = isEncoded(row) ? row : encodeRow(row.record, row.rawBytes ?? rawPayload(row.raw));
    byId.set(encoded.externalId, encoded);
  }
  const unique = [...byId.values()];
  const chunks: EncodedDocuments<K>['chunks'] = [];
  for (let i = 0; i < unique.length; i += chunkSize) {
    const chunk = unique.slice(i, i + chunkSize);
    // The chunk's page is set as one statement parameter ($5) when written: the rows point at it by index.
    const payload = `[${chunk.map((row, idx) => `{"raw_index":${idx},${row.json.slice(1)}`).join(',')}]`;
    chunks.push({ count: chunk.length, body: await compressPage(rawPageBytes(chunk.map((row) => row.raw))), payload });
  }
  return { entity, chunks };
}

/**
 * Upserts validated records in one statement per chunk. A record identical to the stored one is left
 * untouched (no write, `changed_at` kept), so re-syncing unchanged data is free and observable. The chunk's raw
 * payloads are stored as one compressed page, kept when some row now points at it.
 */
export async function upsertDocuments<K extends EntityKind>(
  sql: Sql,
  scope: DocumentScope,
  entity: K,
  rows: readonly DocumentRow<K>[],
  chunkSize = 2000,
): Promise<UpsertResult> {
  return writeDocuments(sql, scope, await encodeDocuments(entity, rows, chunkSize));
}

/** Writes rows encoded by `encodeDocuments` (the second half of `upsertDocuments`). */
export async function writeDocuments(sql: Sql, scope: DocumentScope, encoded: EncodedDocuments): Promise<UpsertResult> {
  // A page and the rows pointing at it commit together.
  if (!('savepoint' in sql)) return (await sql.begin((tx) => writeDocuments(tx as unknown as Sql, scope, encoded))) as UpsertResult;
  const { entity } = encoded;
  const result: UpsertResult = { inserted: 0, updated: 0, unchanged: 0 };
  for (const chunk of encoded.chunks) {
    // The page is written before we know which payloads changed: asking first cost more than the upsert itself
    // while a first sync fills the table (no statistics yet, so the look-up scanned the connection's rows).
    // Rows left untouched keep their older page; a page nobody points at is deleted below, a sparse one is
    // compacted by pruneRawPages.
    const pageId = await insertRawPage(sql, scope.tenantId, scope.connectionId, entity, chunk.count, chunk.body);
    const changed = await sql.unsafe<{ inserted: boolean }[]>(upsertSql(entity), [scope.tenantId, scope.connectionId, scope.provider, chunk.payload, pageId]);
    // Every row written points at the new page; none written (nothing changed, or every change lost to a newer
    // stored version) leaves a page nobody points at.
    if (changed.length === 0) await sql.unsafe(`delete from raw_pages where id = $1 and tenant_id = $2::uuid`, [pageId, scope.tenantId]);
    const inserted = changed.filter((r) => r.inserted).length;
    result.inserted += inserted;
    result.updated += changed.length - inserted;
    result.unchanged += chunk.count - changed.length;
  }
  return result;
}

/** A page is compacted when fewer than this share of its payloads are still pointed at. */
export const COMPACT_BELOW_LIVE_SHARE = 0.5;
/** Pages smaller than this (webhook re-reads write one per event) are merged once there are this many of them. */
export const SMALL_PAGE_RECORDS = 50;
export const SMALL_PAGES_TO_MERGE = 10;
/** Payloads per page written by compaction, like an upsert chunk: reading one payload inflates one page. */
const COMPACTED_PAGE_RECORDS = 2000;

export interface PruneResult {
  /** Pages no document pointed at any more, deleted. */
  deleted: number;
  /** Sparse or small pages whose live payloads were moved to new pages, then deleted. */
  compacted: number;
}

/**
 * Keeps raw storage proportional to the live payloads: deletes the pages of a connection nobody points at, rewrites
 * sparse ones (most of their records superseded since) and merges small ones into full pages.
 */
export async function pruneRawPages(sql: Sql, tenantId: string, connectionId: string, entities: readonly EntityKind[] = Object.keys(TABLES) as EntityKind[]): Promise<PruneResult> {
  if (!('savepoint' in sql)) return (await sql.begin((tx) => pruneRawPages(tx as unknown as Sql, tenantId, connectionId, entities))) as PruneResult;
  const result: PruneResult = { deleted: 0, compacted: 0 };
  for (const entity of entities) {
    const table = TABLES[entity].table;
    // One pass over the connection's documents counts the live payloads of each page.
    const pages = await sql.unsafe<{ id: string; record_count: number; live: number }[]>(
      `with live as materialized (
         select raw_page, count(*)::int as live from ${table} where tenant_id = $1::uuid and connection_id = $2::uuid and raw_page is not null group by raw_page)
       select p.id::text, p.record_count, coalesce(l.live, 0) as live
       from raw_pages p left join live l on l.raw_page = p.id
       where p.tenant_id = $1::uuid and p.connection_id = $2::uuid and p.entity = $3
         and (coalesce(l.live, 0) < p.record_count * $4::float8 or p.record_count < $5)
       order by p.id`,
      [tenantId, connectionId, entity, COMPACT_BELOW_LIVE_SHARE, SMALL_PAGE_RECORDS],
    );
    const dead = pages.filter((p) => p.live === 0).map((p) => p.id);
    const sparse = pages.filter((p) => p.live > 0 && p.live < p.record_count * COMPACT_BELOW_LIVE_SHARE).map((p) => p.id);
    const small = pages.filter((p) => p.live > 0 && p.live >= p.record_count * COMPACT_BELOW_LIVE_SHARE).map((p) => p.id);
    const rewrite = [...sparse, ...(sparse.length > 0 || small.length >= SMALL_PAGES_TO_MERGE ? small : [])];
    if (rewrite.length > 0) await movePayloads(sql, tenantId, connectionId, entity, rewrite);
    // No row can come to point at a page it did not write itself, so a page counted dead stays dead, and the rows
    // still on a rewritten page were all moved (a row a concurrent write moved first is simply not ours to move).
    if (dead.length || rewrite.length) {
      await sql.unsafe(`delete from raw_pages where tenant_id = $1::uuid and connection_id = $2::uuid and id = any($3::bigint[])`, [tenantId, connectionId, [...dead, ...rewrite]]);
    }
    result.deleted += dead.length;
    result.compacted += rewrite.length;
  }
  return result;
}

/** Copies the live payloads of `pageIds` onto new full pages and points their rows there, bytes unchanged. */
async function movePayloads(sql: Sql, tenantId: string, connectionId: string, entity: EntityKind, pageIds: readonly string[]): Promise<void> {
  const table = TABLES[entity].table;
  const rows = await sql.unsafe<{ external_id: string; raw_page: string; raw_index: number }[]>(
    `select external_id, raw_page::text, raw_index from ${table} where tenant_id = $1::uuid and connection_id = $2::uuid and raw_page = any($3::bigint[]) order by raw_page, raw_index`,
    [tenantId, connectionId, pageIds as string[]],
  );
  const bodies = await loadRawPayloads(sql, tenantId, pageIds);
  for (let i = 0; i < rows.length; i += COMPACTED_PAGE_RECORDS) {
    const chunk = rows.slice(i, i + COMPACTED_PAGE_RECORDS);
    const page = await storeRawPage(sql, tenantId, connectionId, entity, chunk.map((r) => rawPayload(bodies.get(r.raw_page)?.[r.raw_index])));
    await sql.unsafe(
      `update ${table} as t set raw_page = $3::bigint, raw_index = m.idx - 1
       from unnest($4::text[], $5::bigint[], $6::int[]) with ordinality as m(external_id, old_page, old_index, idx)
       where t.tenant_id = $1::uuid and t.connection_id = $2::uuid and t.external_id = m.external_id and t.raw_page = m.old_page and t.raw_index = m.old_index`,
      [tenantId, connectionId, page, chunk.map((r) => r.external_id), chunk.map((r) => r.raw_page), chunk.map((r) => r.raw_index)],
    );
  }
}

/** Refreshes the planner's statistics of an entity's table, after a bulk load made them stale. */
export async function analyzeDocuments(sql: Sql, entity: EntityKind): Promise<void> {
  const spec = TABLES[entity];
  // The columns queries filter, join and sort on: sampling the jsonb `data` and `raw` columns took two thirds of the
  // time (80k invoices: 850 ms for the table, 300 ms for these) and no query plans on their statistics.
  const columns = ['tenant_id', 'connection_id', ...spec.columns.map((c) => c.name), 'raw_page'];
  await sql.unsafe(`analyze ${spec.table} (${columns.join(', ')})`);
}

/** The raw payloads at (page, index) positions, read and decompressed once per page. */
async function loadRawPayloads(sql: Sql, tenantId: string, pageIds: readonly string[]): Promise<Map<string, unknown[]>> {
  const pages = new Map<string, unknown[]>();
  if (pageIds.length === 0) return pages;
  const rows = await sql.unsafe<{ id: string; body: Buffer; codec: RawPageCodec }[]>(`select id::text, body, codec from raw_pages where tenant_id = $1::uuid and id = any($2::bigint[])`, [tenantId, pageIds as string[]]);
  // Each payload keeps its text from the page, so compaction moves the bytes as they were received.
  for (const row of rows) pages.set(row.id, parseWithSourceText(await readRawPage(row.body, row.codec), []) as unknown[]);
  return pages;
}

/** Applies deletions/voids reported by the source; returns how many rows changed. */
export async function markDeleted(sql: Sql, scope: DocumentScope, entity: EntityKind, externalIds: readonly string[]): Promise<number> {
  if (externalIds.length === 0) return 0;
  const spec = TABLES[entity];
  const rows = await sql.unsafe(
    `update ${spec.table} as t set ${spec.deletedSet}, synced_at = now(), changed_at = now()
     where t.tenant_id = $1::uuid and t.connection_id = $2::uuid and t.external_id = any($3::text[])`,
    [scope.tenantId, scope.connectionId, externalIds as string[]],
  );
  return rows.count;
}

export interface StoredDocument<K extends EntityKind> {
  record: EntityOf<K>;
  raw: unknown;
  externalVersion: string | null;
  connectionId: string;
  syncedAt: Date;
  changedAt: Date;
}

/** Reads documents of one tenant (optionally one connection, some ids), ordered by external id; `raw` only with `withRaw`. */
export async function listDocuments<K extends EntityKind>(
  sql: Sql,
  tenantId: string,
  entity: K,
  filter: { connectionId?: string; externalIds?: readonly string[]; limit?: number; offset?: number; withRaw?: boolean } = {},
): Promise<StoredDocument<K>[]> {
  const table = TABLES[entity].table;
  const rows = await sql.unsafe<{ data: EntityOf<K>; raw: unknown; raw_page: string | null; raw_index: number | null; external_version: string | null; connection_id: string; synced_at: Date; changed_at: Date }[]>(
    // The raw payload is the heavy part: read only by callers that ask for it.
    `select data, ${filter.withRaw ? 'raw, raw_page::text, raw_index' : 'null::jsonb as raw, null as raw_page, null as raw_index'}, external_version, connection_id, synced_at, changed_at from ${table}
     where tenant_id = $1::uuid
       and ($2::uuid is null or connection_id = $2::uuid)
       and ($3::text[] is null or external_id = any($3::text[]))
     order by external_id
     limit $4 offset $5`,
    [tenantId, filter.connectionId ?? null, (filter.externalIds as string[] | undefined) ?? null, filter.limit ?? 1_000_000, filter.offset ?? 0],
  );
  const pages = await loadRawPayloads(sql, tenantId, [...new Set(rows.flatMap((r) => (r.raw_page === null ? [] : [r.raw_page])))]);
  return rows.map((r) => ({
    record: r.data,
    // Rows stored before raw pages existed keep their payload inline until they next change.
    raw: r.raw_page === null ? r.raw : (pages.get(r.raw_page)?.[r.raw_index ?? -1] ?? null),
    externalVersion: r.external_version,
    connectionId: r.connection_id,
    syncedAt: r.synced_at,
    changedAt: r.changed_at,
  }));
}

/** Counts documents of one tenant, per entity. */
export async function countDocuments(sql: Sql, tenantId: string, entity: EntityKind, connectionId?: string): Promise<number> {
  const [row] = await sql.unsafe<{ n: string }[]>(
    `select count(*)::text as n from ${TABLES[entity].table} where tenant_id = $1::uuid and ($2::uuid is null or connection_id = $2::uuid)`,
    [tenantId, connectionId ?? null],
  );
  return Number(row?.n ?? 0);
}
