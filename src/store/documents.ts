// Batched upserts and reads of synced documents (customers, invoices, credit notes, payments), per tenant.
import type { CreditNote, Customer, EntityKind, EntityOf, Invoice, Payment } from '../model/index.js';
import type { Sql } from './db.js';

/** One mapped record with the raw payload it came from. */
export interface DocumentRow<K extends EntityKind = EntityKind> {
  record: EntityOf<K>;
  raw: unknown;
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
  type: string;
}

interface TableSpec<K extends EntityKind> {
  table: string;
  columns: Column[];
  /** Values for `columns`, in order, from a validated record. */
  values(record: EntityOf<K>): unknown[];
  /** SQL setting a row to its deleted/void state. */
  deletedSet: string;
}

const common = (r: { externalId: string; externalVersion?: string | null | undefined; updatedAt?: string | null | undefined }) => [
  r.externalId,
  r.externalVersion ?? null,
  r.updatedAt ?? null,
];
const commonColumns: Column[] = [
  { name: 'external_id', type: 'text' },
  { name: 'external_version', type: 'text' },
  { name: 'source_updated_at', type: 'timestamptz' },
];

const TABLES: { [K in EntityKind]: TableSpec<K> } = {
  customer: {
    table: 'customers',
    columns: [...commonColumns, { name: 'name', type: 'text' }, { name: 'email', type: 'text' }, { name: 'currency', type: 'text' }, { name: 'credit_limit', type: 'numeric' }, { name: 'active', type: 'boolean' }],
    values: (c: Customer) => [...common(c), c.name, c.email ?? c.emails[0] ?? null, c.currency ?? null, c.creditLimit ?? null, c.active],
    deletedSet: `active = false, data = t.data || '{"active": false}'::jsonb`,
  },
  invoice: {
    table: 'invoices',
    columns: [...commonColumns, { name: 'number', type: 'text' }, { name: 'customer_external_id', type: 'text' }, { name: 'issue_date', type: 'date' }, { name: 'due_date', type: 'date' }, { name: 'currency', type: 'text' }, { name: 'total', type: 'numeric' }, { name: 'amount_due', type: 'numeric' }, { name: 'status', type: 'text' }],
    values: (i: Invoice) => [...common(i), i.number ?? null, i.customerExternalId, i.issueDate, i.dueDate, i.currency, i.total, i.amountDue, i.status],
    deletedSet: `status = 'void', amount_due = 0, data = t.data || '{"status": "void", "amountDue": "0"}'::jsonb`,
  },
  credit_note: {
    table: 'credit_notes',
    columns: [...commonColumns, { name: 'number', type: 'text' }, { name: 'customer_external_id', type: 'text' }, { name: 'issue_date', type: 'date' }, { name: 'currency', type: 'text' }, { name: 'total', type: 'numeric' }, { name: 'remaining', type: 'numeric' }, { name: 'status', type: 'text' }],
    values: (c: CreditNote) => [...common(c), c.number ?? null, c.customerExternalId, c.issueDate, c.currency, c.total, c.remaining, c.status],
    deletedSet: `status = 'void', remaining = 0, data = t.data || '{"status": "void", "remaining": "0"}'::jsonb`,
  },
  payment: {
    table: 'payments',
    columns: [...commonColumns, { name: 'customer_external_id', type: 'text' }, { name: 'date', type: 'date' }, { name: 'currency', type: 'text' }, { name: 'amount', type: 'numeric' }, { name: 'unapplied', type: 'numeric' }, { name: 'status', type: 'text' }],
    values: (p: Payment) => [...common(p), p.customerExternalId ?? null, p.date, p.currency, p.amount, p.unapplied, p.status],
    deletedSet: `status = 'void', data = t.data || '{"status": "void"}'::jsonb`,
  },
};

export function tableOf(entity: EntityKind): string {
  return TABLES[entity].table;
}

const upsertSqlCache = new Map<EntityKind, string>();

function upsertSql(entity: EntityKind): string {
  const cached = upsertSqlCache.get(entity);
  if (cached) return cached;
  const spec = TABLES[entity];
  const names = spec.columns.map((c) => c.name);
  const text = `
    insert into ${spec.table} as t (tenant_id, connection_id, provider, ${names.join(', ')}, data, raw)
    select $1::uuid, $2::uuid, $3, ${names.map((n) => `r.${n}`).join(', ')}, r.data, r.raw
    from jsonb_to_recordset($4::text::jsonb) as r(${spec.columns.map((c) => `${c.name} ${c.type}`).join(', ')}, data jsonb, raw jsonb)
    on conflict (tenant_id, connection_id, external_id) do update set
      ${[...names.filter((n) => n !== 'external_id'), 'data', 'raw'].map((n) => `${n} = excluded.${n}`).join(', ')},
      synced_at = now(), changed_at = now()
    where (t.data is distinct from excluded.data or t.raw is distinct from excluded.raw)
      -- a late, reordered delivery of an older version never overwrites a newer one
      and (t.source_updated_at is null or excluded.source_updated_at is null or excluded.source_updated_at >= t.source_updated_at)
    returning (xmax = 0) as inserted`;
  upsertSqlCache.set(entity, text);
  return text;
}

/**
 * Upserts validated records in one statement per chunk. A record identical to the stored one is left
 * untouched (no write, `changed_at` kept), so re-syncing unchanged data is free and observable.
 */
export async function upsertDocuments<K extends EntityKind>(
  sql: Sql,
  scope: DocumentScope,
  entity: K,
  rows: readonly DocumentRow<K>[],
  chunkSize = 2000,
): Promise<UpsertResult> {
  const spec = TABLES[entity] as TableSpec<K>;
  // Last occurrence wins: one statement cannot touch the same row twice.
  const byId = new Map<string, DocumentRow<K>>();
  for (const row of rows) byId.set(row.record.externalId, row);
  const unique = [...byId.values()];
  const result: UpsertResult = { inserted: 0, updated: 0, unchanged: 0 };
  for (let i = 0; i < unique.length; i += chunkSize) {
    const chunk = unique.slice(i, i + chunkSize);
    const payload = chunk.map(({ record, raw }) => {
      const values = spec.values(record);
      const obj: Record<string, unknown> = { data: record, raw };
      spec.columns.forEach((c, idx) => (obj[c.name] = values[idx]));
      return obj;
    });
    const changed = await sql.unsafe<{ inserted: boolean }[]>(upsertSql(entity), [scope.tenantId, scope.connectionId, scope.provider, JSON.stringify(payload)]);
    const inserted = changed.filter((r) => r.inserted).length;
    result.inserted += inserted;
    result.updated += changed.length - inserted;
    result.unchanged += chunk.length - changed.length;
  }
  return result;
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
  const rows = await sql.unsafe<{ data: EntityOf<K>; raw: unknown; external_version: string | null; connection_id: string; synced_at: Date; changed_at: Date }[]>(
    // The raw payload is the heavy column: read only by callers that ask for it.
    `select data, ${filter.withRaw ? 'raw' : 'null::jsonb as raw'}, external_version, connection_id, synced_at, changed_at from ${table}
     where tenant_id = $1::uuid
       and ($2::uuid is null or connection_id = $2::uuid)
       and ($3::text[] is null or external_id = any($3::text[]))
     order by external_id
     limit $4 offset $5`,
    [tenantId, filter.connectionId ?? null, (filter.externalIds as string[] | undefined) ?? null, filter.limit ?? 1_000_000, filter.offset ?? 0],
  );
  return rows.map((r) => ({ record: r.data, raw: r.raw, externalVersion: r.external_version, connectionId: r.connection_id, syncedAt: r.synced_at, changedAt: r.changed_at }));
}

/** Counts documents of one tenant, per entity. */
export async function countDocuments(sql: Sql, tenantId: string, entity: EntityKind, connectionId?: string): Promise<number> {
  const [row] = await sql.unsafe<{ n: string }[]>(
    `select count(*)::text as n from ${TABLES[entity].table} where tenant_id = $1::uuid and ($2::uuid is null or connection_id = $2::uuid)`,
    [tenantId, connectionId ?? null],
  );
  return Number(row?.n ?? 0);
}
