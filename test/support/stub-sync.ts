// A connector whose streams are in-memory pages and records (no provider, no HTTP; QuickBooks' connector otherwise),
// on a tenant of the real store: for tests of the sync run and re-reads on their own (test/sync/run*.test.ts).
import { quickbooks } from '../../connectors/quickbooks/index.js';
import { ConnectorRegistry } from '../../src/connectors/registry.js';
import { STREAM_ENTITY, STREAMS, type Connector, type StreamName, type StreamPage, type StreamSpec } from '../../src/connectors/types.js';
import { CreditNote, Customer, Invoice, Payment } from '../../src/model/index.js';
import type { Sql } from '../../src/store/db.js';
import { updateConnection } from '../../src/store/tenants.js';
import type { SyncDeps } from '../../src/sync/types.js';
import { newTenant } from './db.js';
import { fastGate, TEST_SECRET_KEY } from './providers.js';

export type Raw = { id: string; bad?: true; skip?: true; v?: number };
const parse = {
  customer: (r: Raw) => Customer.parse({ externalId: r.id, name: `Client ${r.id}` }),
  invoice: (r: Raw) => Invoice.parse({ externalId: r.id, customerExternalId: 'c-1', issueDate: '2025-01-15', dueDate: '2025-02-14', currency: 'EUR', total: `${r.v ?? 1}.00`, amountDue: `${r.v ?? 1}.00`, status: 'open' }),
  credit_note: (r: Raw) => CreditNote.parse({ externalId: r.id, customerExternalId: 'c-1', issueDate: '2025-01-20', currency: 'EUR', total: '1.00', remaining: '1.00' }),
  payment: (r: Raw) => Payment.parse({ externalId: r.id, date: '2025-01-25', currency: 'EUR', amount: '1.00', unapplied: '0.00' }),
};

/** What the stub provider holds and what was asked of it. */
export interface Books {
  pages: Partial<Record<StreamName, StreamPage[]>>;
  records: Map<string, Raw>;
  /** Thrown by a stream's read (after its pages) or its fetchByIds. */
  fail?: Partial<Record<StreamName, unknown>>;
  /** fetchByIds answers these as deleted besides the ids it lacks. */
  extraDeleted?: string[];
  /** fetchByIds answers these records besides the ones asked for. */
  extraRecords?: Raw[];
  reads: StreamName[];
  fetched: string[][];
  /** What the connector's mappingContext answers (none when absent). */
  mappingContext?: Record<string, unknown>;
  /** The cursor and full flag each read was given, and the context each mapping was given. */
  readContexts?: { stream: StreamName; cursor: unknown; full: boolean }[];
  mappingContexts?: Record<string, unknown>[];
}

function stubConnector(provider: string, books: Books): Connector {
  // A stream the engine reads one page ahead of (no readsAhead of its own).
  const stream = (name: StreamName): StreamSpec => ({
    entity: STREAM_ENTITY[name],
    async *read(ctx) {
      books.reads.push(name);
      books.readContexts?.push({ stream: name, cursor: ctx.cursor, full: ctx.full });
      for (const page of books.pages[name] ?? []) yield page;
      if (books.fail?.[name] !== undefined) throw books.fail[name];
    },
    async fetchByIds(_ctx, ids) {
      books.fetched.push(ids);
      if (books.fail?.[name] !== undefined) throw books.fail[name];
      const records = [...ids.flatMap((id) => (books.records.has(id) ? [books.records.get(id)!] : [])), ...(books.extraRecords ?? [])];
      return { records, deleted: [...ids.filter((id) => !books.records.has(id)), ...(books.extraDeleted ?? [])] };
    },
    idOf: (r: unknown) => (r as Raw).id,
  });
  const { mappingContext: _, ...rest } = quickbooks;
  return {
    ...rest,
    ...(books.mappingContext ? { mappingContext: async () => books.mappingContext! } : {}),
    provider,
    displayName: 'Stub',
    streams: Object.fromEntries(STREAMS.map((s) => [s, stream(s)])) as Connector['streams'],
  };
}

export async function stubSync(sql: Sql, patch: Partial<Books> = {}, depsPatch: Partial<SyncDeps> = {}) {
  const provider = `stub-${Math.random().toString(36).slice(2, 8)}`;
  const t = await newTenant(sql, provider);
  await updateConnection(sql, t.tenant.id, t.connection.id, { externalTenantId: 'company-1' });
  const books: Books = { pages: {}, records: new Map(), reads: [], fetched: [], ...patch };
  const deps: SyncDeps = {
    sql,
    secretKey: TEST_SECRET_KEY,
    registry: new ConnectorRegistry([stubConnector(provider, books)]),
    gate: fastGate(),
    clientConfig: () => ({ clientId: 'id', clientSecret: 'secret', redirectUri: 'http://127.0.0.1/cb', endpoints: { api: 'http://127.0.0.1:9' } }),
    mappers: async (_tenant, _provider, entity) => async (raw, context) => {
      books.mappingContexts?.push(context);
      const r = raw as Raw;
      if (r.bad) return { ok: false, error: { path: 'total', reason: 'must be a decimal string' } };
      if (r.skip) return { ok: 'skipped', reason: 'a bill' };
      return { ok: true, value: parse[entity](r) };
    },
    ...depsPatch,
  };
  return { ...t, provider, books, deps };
}

export const page = (ids: string[], cursor: unknown, o: { deleted?: string[]; v?: number } = {}): StreamPage => ({
  records: ids.map((id) => (id.startsWith('bad') ? { id, bad: true } : id.startsWith('skip') ? { id, skip: true } : { id, v: o.v ?? 1 })),
  deleted: o.deleted ?? [],
  cursor,
});
