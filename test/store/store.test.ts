// The PostgreSQL store against a real server: round trips, batching, idempotence, tenant isolation.
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { parseWithSourceText } from '../../src/json/source-text.js';
import { Customer, type Invoice } from '../../src/model/index.js';
import {
  addToInbox, connect, countDocuments, getConnection, listConnections, listDocuments, listOutbox, listQuarantine, loadCredentials, loadCursor,
  markDeleted, migrate, planActions, pruneRawPages, quarantine, readRawPage, resolveQuarantined, saveCredentials, saveCursor, transition,
  upsertDocuments, type RawPageCodec,
} from '../../src/store/index.js';
import { sentReminders } from '../../src/store/outbox.js';
import { newTenant, useDatabase } from '../support/db.js';

const sql = useDatabase();

function makeInvoice(i: number, patch: Partial<Invoice> = {}): Invoice {
  const cents = 10_000 + i;
  return {
    externalId: `inv-${i}`,
    number: `F-${String(i).padStart(6, '0')}`,
    customerExternalId: `cust-${i % 50}`,
    issueDate: '2025-01-15',
    dueDate: '2025-02-14',
    currency: 'EUR',
    total: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
    amountDue: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
    status: 'open',
    lines: [{ description: 'Services', amount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}` }],
    externalVersion: '0',
    updatedAt: '2025-01-15T10:00:00Z',
    ...patch,
  };
}

describe('migrations', () => {
  it('re-run safely on a migrated database and apply from scratch on an empty one', async () => {
    expect(await migrate(sql)).toEqual([]);
    const name = `fresh_${randomUUID().replace(/-/g, '')}`;
    const admin = connect(inject('adminDatabaseUrl'), { max: 1 });
    await admin.unsafe(`create database ${name}`);
    const fresh = connect(inject('adminDatabaseUrl').replace(/\/postgres$/, `/${name}`), { max: 1 });
    try {
      const first = await migrate(fresh);
      expect(first).toContain('001_init.sql');
      expect(await migrate(fresh)).toEqual([]);
      const [row] = await fresh<{ n: string }[]>`select count(*)::text as n from schema_migrations`;
      expect(Number(row!.n)).toBe(first.length);
    } finally {
      await fresh.end();
      await admin.unsafe(`drop database ${name}`);
      await admin.end();
    }
  });
});

describe('documents', () => {
  it('round-trips an invoice with its raw payload, amounts exact', async () => {
    const { scope } = await newTenant(sql);
    const inv = makeInvoice(1, { total: '1234567.89', amountDue: '0.01', status: 'partially_paid' });
    const raw = { Id: '1', TotalAmt: 1234567.89, nested: { a: [1, 2] } };
    expect(await upsertDocuments(sql, scope, 'invoice', [{ record: inv, raw }])).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    const [stored] = await listDocuments(sql, scope.tenantId, 'invoice', { withRaw: true });
    expect(stored!.record).toEqual(inv);
    expect(stored!.raw).toEqual(raw);
    // Without asking, the heavy payload is not read.
    expect((await listDocuments(sql, scope.tenantId, 'invoice'))[0]!.raw).toBeNull();
    const [cols] = await sql<{ total: string; amount_due: string; due_date: string }[]>`
      select total::text, amount_due::text, due_date::text from invoices where tenant_id = ${scope.tenantId}`;
    expect(cols).toEqual({ total: '1234567.8900', amount_due: '0.0100', due_date: '2025-02-14' });
  });

  it('upserts 10,000 invoices in one call and changes nothing when re-upserted unchanged', async () => {
    const { scope } = await newTenant(sql);
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ record: makeInvoice(i), raw: { Id: String(i) } }));
    expect(await upsertDocuments(sql, scope, 'invoice', rows)).toEqual({ inserted: 10_000, updated: 0, unchanged: 0 });
    expect(await countDocuments(sql, scope.tenantId, 'invoice')).toBe(10_000);
    const [before] = await sql<{ max: Date; xmins: string }[]>`select max(changed_at) as max, string_agg(xmin::text, ',' order by external_id) as xmins from invoices where tenant_id = ${scope.tenantId}`;

    expect(await upsertDocuments(sql, scope, 'invoice', rows)).toEqual({ inserted: 0, updated: 0, unchanged: 10_000 });
    const [after] = await sql<{ max: Date; xmins: string }[]>`select max(changed_at) as max, string_agg(xmin::text, ',' order by external_id) as xmins from invoices where tenant_id = ${scope.tenantId}`;
    expect(after!.xmins).toBe(before!.xmins); // no row version was written
    expect(after!.max.getTime()).toBe(before!.max.getTime());

    const changed = rows.slice(0, 3).map((r) => ({ ...r, record: { ...r.record, amountDue: '0.00', status: 'paid' as const, updatedAt: '2025-03-01T00:00:00Z' } }));
    expect(await upsertDocuments(sql, scope, 'invoice', changed)).toEqual({ inserted: 0, updated: 3, unchanged: 0 });
  });

  it('keeps raw payloads byte for byte in compressed pages, keeps no page for an unchanged batch, prunes superseded pages', async () => {
    const { scope } = await newTenant(sql);
    const pages = async () => Number((await sql<{ n: string }[]>`select count(*)::text as n from raw_pages where tenant_id = ${scope.tenantId}`)[0]!.n);
    // Key order and numbers as the provider sent them (jsonb would sort keys).
    const raw = (i: number, extra: Record<string, unknown> = {}) => ({ Id: String(i), TotalAmt: 100.01, Line: [{ z: 1, a: 2 }], ...extra });
    const rows = [1, 2, 3].map((i) => ({ record: makeInvoice(i), raw: raw(i) }));
    await upsertDocuments(sql, scope, 'invoice', rows);
    expect(await pages()).toBe(1);
    const firstRead = await listDocuments(sql, scope.tenantId, 'invoice', { withRaw: true });
    expect(firstRead.map((d) => JSON.stringify(d.raw))).toEqual(rows.map((r) => JSON.stringify(r.raw)));

    // Same payloads again: nothing written, no page kept.
    expect(await upsertDocuments(sql, scope, 'invoice', rows)).toEqual({ inserted: 0, updated: 0, unchanged: 3 });
    expect(await pages()).toBe(1);

    // A payload that changed with no change to the mapped record (an unmapped field) is still an update.
    const edited = [{ record: makeInvoice(2), raw: raw(2, { CustomField: [{ Name: 'dossier', StringValue: 'A-17' }] }) }];
    expect(await upsertDocuments(sql, scope, 'invoice', edited)).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
    expect(await pages()).toBe(2);
    const read = await listDocuments(sql, scope.tenantId, 'invoice', { withRaw: true });
    expect(read.map((d) => d.raw)).toEqual([raw(1), edited[0]!.raw, raw(3)]);

    // Page 1 still holds the live payloads of 1 and 3 (2 of 3): nothing to prune until they change too.
    expect(await pruneRawPages(sql, scope.tenantId, scope.connectionId)).toEqual({ deleted: 0, compacted: 0 });
    await upsertDocuments(sql, scope, 'invoice', [1, 3].map((i) => ({ record: makeInvoice(i), raw: raw(i, { SyncToken: '1' }) })));
    expect(await pruneRawPages(sql, scope.tenantId, scope.connectionId)).toEqual({ deleted: 1, compacted: 0 });
    expect(await pages()).toBe(2);
    expect((await listDocuments(sql, scope.tenantId, 'invoice', { withRaw: true })).map((d) => (d.raw as { SyncToken?: string }).SyncToken ?? null)).toEqual(['1', null, '1']);
  });

  it('compacts a page most of whose payloads were superseded, keeping every live payload exact', async () => {
    const { scope } = await newTenant(sql);
    const raw = (i: number, v: number) => ({ Id: String(i), v, note: `invoice ${i}\tversion ${v}` });
    await upsertDocuments(sql, scope, 'invoice', Array.from({ length: 10 }, (_, i) => ({ record: makeInvoice(i), raw: raw(i, 0) })));
    // Six of ten move to a new page: the first page keeps 4 live payloads, under half.
    await upsertDocuments(sql, scope, 'invoice', [0, 2, 4, 6, 8, 9].map((i) => ({ record: makeInvoice(i), raw: raw(i, 1) })));
    const before = await sql<{ id: string; record_count: number }[]>`select id::text, record_count from raw_pages where tenant_id = ${scope.tenantId} order by id`;
    expect(before.map((p) => p.record_count)).toEqual([10, 6]);
    // The sparse page is rewritten, and the small one (6 records) joins it on one full page.
    expect(await pruneRawPages(sql, scope.tenantId, scope.connectionId)).toEqual({ deleted: 0, compacted: 2 });
    const after = await sql<{ id: string; record_count: number }[]>`select id::text, record_count from raw_pages where tenant_id = ${scope.tenantId} order by id`;
    expect(after.map((p) => p.record_count)).toEqual([10]);
    expect(before.map((p) => p.id)).not.toContain(after[0]!.id);
    const docs = await listDocuments(sql, scope.tenantId, 'invoice', { withRaw: true });
    expect(docs.map((d) => d.raw)).toEqual(Array.from({ length: 10 }, (_, i) => raw(i, [0, 2, 4, 6, 8, 9].includes(i) ? 1 : 0)));
    // Compaction moved bytes, not documents: nothing counts as changed.
    expect(await upsertDocuments(sql, scope, 'invoice', [1, 3, 5, 7].map((i) => ({ record: makeInvoice(i), raw: raw(i, 0) })))).toEqual({ inserted: 0, updated: 0, unchanged: 4 });
    expect(await pruneRawPages(sql, scope.tenantId, scope.connectionId)).toEqual({ deleted: 0, compacted: 0 });
  });

  it('moves payload bytes unchanged when it compacts a page (as received, not serialised again)', async () => {
    const { scope } = await newTenant(sql);
    // Texts JSON.stringify would write otherwise: trailing zeros, spaces.
    const sent = Array.from({ length: 10 }, (_, i) => `{"Id": "${i}", "Balance": ${i}.50}`);
    const received = parseWithSourceText(`[${sent.join(',')}]`, []) as Record<string, unknown>[];
    await upsertDocuments(sql, scope, 'invoice', received.map((raw, i) => ({ record: makeInvoice(i), raw })));
    await upsertDocuments(sql, scope, 'invoice', [0, 2, 4, 6, 8, 9].map((i) => ({ record: makeInvoice(i), raw: { Id: String(i), v: 1 } })));
    expect(await pruneRawPages(sql, scope.tenantId, scope.connectionId)).toEqual({ deleted: 0, compacted: 2 });
    const bodies = await sql<{ body: Buffer; codec: RawPageCodec }[]>`select body, codec from raw_pages where tenant_id = ${scope.tenantId}`;
    expect(bodies).toHaveLength(1);
    const text = (await readRawPage(bodies[0]!.body, bodies[0]!.codec)).toString('utf8');
    for (const i of [1, 3, 5, 7]) expect(text).toContain(sent[i]);
  });

  it('merges the small pages webhook re-reads leave (one per event) once there are enough of them', async () => {
    const { scope } = await newTenant(sql);
    for (let i = 0; i < 12; i++) await upsertDocuments(sql, scope, 'invoice', [{ record: makeInvoice(i), raw: { Id: String(i), event: i } }]);
    const count = async () => Number((await sql<{ n: string }[]>`select count(*)::text as n from raw_pages where tenant_id = ${scope.tenantId}`)[0]!.n);
    expect(await count()).toBe(12);
    expect(await pruneRawPages(sql, scope.tenantId, scope.connectionId)).toEqual({ deleted: 0, compacted: 12 });
    expect(await count()).toBe(1);
    expect((await listDocuments(sql, scope.tenantId, 'invoice', { withRaw: true })).map((d) => d.raw)).toEqual(
      Array.from({ length: 12 }, (_, i) => ({ Id: String(i), event: i })).sort((a, b) => a.Id.localeCompare(b.Id)),
    );
    // The merged page and eight new small ones: nine are not worth a rewrite yet.
    for (let i = 12; i < 20; i++) await upsertDocuments(sql, scope, 'invoice', [{ record: makeInvoice(i), raw: { Id: String(i) } }]);
    expect(await pruneRawPages(sql, scope.tenantId, scope.connectionId)).toEqual({ deleted: 0, compacted: 0 });
  });

  it('deletes a tenant with every document and raw page it owns', async () => {
    const { scope } = await newTenant(sql);
    const other = await newTenant(sql);
    await upsertDocuments(sql, scope, 'invoice', [{ record: makeInvoice(1), raw: { Id: '1' } }]);
    await upsertDocuments(sql, scope, 'customer', [{ record: Customer.parse({ externalId: 'cust-1', name: 'Dupont SARL' }), raw: { Id: 'c1' } }]);
    await upsertDocuments(sql, other.scope, 'invoice', [{ record: makeInvoice(1), raw: { Id: '1' } }]);
    await sql`delete from tenants where id = ${scope.tenantId}`;
    const left = await sql<{ invoices: string; customers: string; pages: string }[]>`
      select (select count(*) from invoices where tenant_id = ${scope.tenantId})::text as invoices,
             (select count(*) from customers where tenant_id = ${scope.tenantId})::text as customers,
             (select count(*) from raw_pages where tenant_id = ${scope.tenantId})::text as pages`;
    expect(left[0]).toEqual({ invoices: '0', customers: '0', pages: '0' });
    expect(await countDocuments(sql, other.tenant.id, 'invoice')).toBe(1);
  });

  it('reads payloads stored inline before raw pages existed, and moves them to a page when they change', async () => {
    const { scope } = await newTenant(sql);
    await upsertDocuments(sql, scope, 'invoice', [{ record: makeInvoice(1), raw: { Id: '1' } }]);
    // What migration 007 left behind: a jsonb payload and no page.
    await sql`update invoices set raw = ${sql.json({ Id: '1', legacy: true })}, raw_page = null, raw_index = null, raw_hash = null where tenant_id = ${scope.tenantId}`;
    expect((await listDocuments(sql, scope.tenantId, 'invoice', { withRaw: true }))[0]!.raw).toEqual({ Id: '1', legacy: true });
    expect(await upsertDocuments(sql, scope, 'invoice', [{ record: makeInvoice(1), raw: { Id: '1' } }])).toMatchObject({ updated: 1 });
    const [row] = await sql<{ raw: unknown; raw_page: string | null }[]>`select raw, raw_page::text from invoices where tenant_id = ${scope.tenantId}`;
    expect(row!.raw).toBeNull();
    expect(row!.raw_page).not.toBeNull();
    expect((await listDocuments(sql, scope.tenantId, 'invoice', { withRaw: true }))[0]!.raw).toEqual({ Id: '1' });
  });

  it('keeps the last of duplicate ids in one batch and never lets an older version overwrite a newer one', async () => {
    const { scope } = await newTenant(sql);
    const v1 = makeInvoice(7, { amountDue: '50.00', status: 'partially_paid', updatedAt: '2025-03-01T00:00:00Z' });
    const v2 = makeInvoice(7, { amountDue: '0.00', status: 'paid', updatedAt: '2025-03-02T00:00:00Z' });
    await upsertDocuments(sql, scope, 'invoice', [{ record: v1, raw: {} }, { record: v2, raw: {} }]);
    expect((await listDocuments(sql, scope.tenantId, 'invoice'))[0]!.record.status).toBe('paid');
    // A late redelivery of v1 is ignored.
    expect(await upsertDocuments(sql, scope, 'invoice', [{ record: v1, raw: {} }])).toMatchObject({ updated: 0, unchanged: 1 });
    expect((await listDocuments(sql, scope.tenantId, 'invoice'))[0]!.record.status).toBe('paid');
  });

  it('applies deletions as voids', async () => {
    const { scope } = await newTenant(sql);
    await upsertDocuments(sql, scope, 'invoice', [1, 2].map((i) => ({ record: makeInvoice(i), raw: {} })));
    expect(await markDeleted(sql, scope, 'invoice', ['inv-2', 'inv-404'])).toBe(1);
    const docs = await listDocuments(sql, scope.tenantId, 'invoice');
    expect(docs.map((d) => [d.record.externalId, d.record.status, d.record.amountDue])).toEqual([
      ['inv-1', 'open', '100.01'],
      ['inv-2', 'void', '0'],
    ]);
  });

  it('isolates tenants: no query of tenant A sees tenant B', async () => {
    const a = await newTenant(sql);
    const b = await newTenant(sql);
    await upsertDocuments(sql, a.scope, 'invoice', [{ record: makeInvoice(1), raw: {} }]);
    await upsertDocuments(sql, b.scope, 'invoice', [{ record: makeInvoice(1, { total: '999.00', amountDue: '999.00', lines: [] }), raw: {} }]);
    expect((await listDocuments(sql, a.tenant.id, 'invoice')).map((d) => d.record.total)).toEqual(['100.01']);
    expect((await listDocuments(sql, b.tenant.id, 'invoice')).map((d) => d.record.total)).toEqual(['999.00']);
    // B's connection id used with A's tenant finds nothing, and B's deletion cannot touch A's row.
    expect(await getConnection(sql, a.tenant.id, b.connection.id)).toBeNull();
    expect(await listDocuments(sql, a.tenant.id, 'invoice', { connectionId: b.connection.id })).toEqual([]);
    expect(await markDeleted(sql, { ...b.scope, connectionId: a.connection.id }, 'invoice', ['inv-1'])).toBe(0);
    expect((await listConnections(sql, a.tenant.id)).map((c) => c.id)).toEqual([a.connection.id]);
    await saveCursor(sql, b.tenant.id, b.connection.id, 'invoices', { at: 'b' });
    expect(await loadCursor(sql, a.tenant.id, b.connection.id, 'invoices')).toBeNull();
  });
});

describe('quarantine, cursors, inbox, outbox, credentials', () => {
  it('quarantines with reason and raw payload, counts repeats, resolves later', async () => {
    const { scope } = await newTenant(sql);
    const raw = { Id: '9', TotalAmt: 'abc' };
    await quarantine(sql, scope.tenantId, scope.connectionId, [{ entity: 'invoice', externalId: '9', reason: 'total: must be a decimal string', path: 'total', raw }]);
    await quarantine(sql, scope.tenantId, scope.connectionId, [{ entity: 'invoice', externalId: '9', reason: 'total: must be a decimal string', path: 'total', raw }]);
    const [q] = await listQuarantine(sql, scope.tenantId);
    expect(q).toMatchObject({ entity: 'invoice', external_id: '9', path: 'total', raw, occurrences: 2 });
    expect(await resolveQuarantined(sql, scope.tenantId, scope.connectionId, 'invoice', ['9'])).toBe(1);
    expect(await listQuarantine(sql, scope.tenantId)).toHaveLength(0);
  });

  it('saves and reloads cursors', async () => {
    const { scope } = await newTenant(sql);
    await saveCursor(sql, scope.tenantId, scope.connectionId, 'invoices', { since: '2025-01-01T00:00:00Z', position: 1001 });
    await saveCursor(sql, scope.tenantId, scope.connectionId, 'invoices', { since: '2025-01-01T00:00:00Z', position: 2001 });
    expect(await loadCursor(sql, scope.tenantId, scope.connectionId, 'invoices')).toEqual({ since: '2025-01-01T00:00:00Z', position: 2001 });
  });

  it('drops redelivered inbox events by key', async () => {
    const { scope } = await newTenant(sql);
    const ev = { connectionId: scope.connectionId, provider: 'test', dedupeKey: 'evt-1', payload: { a: 1 } };
    expect(await addToInbox(sql, scope.tenantId, [ev])).toHaveLength(1);
    expect(await addToInbox(sql, scope.tenantId, [ev, { ...ev, dedupeKey: 'evt-2' }])).toHaveLength(1);
  });

  it('plans an idempotency key once and moves state only from the expected state', async () => {
    const { scope } = await newTenant(sql);
    const item = { idempotencyKey: 'k1', kind: 'email', dueAt: '2025-02-15T08:00:00Z', payload: { step: 1 } };
    expect(await planActions(sql, scope.tenantId, [item, { ...item, idempotencyKey: 'k2' }])).toEqual(['k1', 'k2']);
    expect(await planActions(sql, scope.tenantId, [item])).toEqual([]);
    const [first] = await listOutbox(sql, scope.tenantId);
    expect(await transition(sql, scope.tenantId, first!.id, 'planned', 'sending')).toBe(true);
    expect(await transition(sql, scope.tenantId, first!.id, 'planned', 'sending')).toBe(false);
    expect(await transition(sql, scope.tenantId, first!.id, 'sending', 'sent', { result: { messageId: '<m@x>' } })).toBe(true);
    const after = await listOutbox(sql, scope.tenantId, { states: ['sent'] });
    expect(after).toMatchObject([{ idempotencyKey: 'k1', state: 'sent', attempts: 1, result: { messageId: '<m@x>' } }]);
  });

  it('lists the reminders sent to a customer that name the invoices asked about, an instalment for its invoice, and none for no invoice', async () => {
    const { scope } = await newTenant(sql);
    const email = (key: string, invoices: object[], customerExternalId = 'c1') => ({
      idempotencyKey: key, kind: 'email', dueAt: '2026-03-16T08:00:00Z', connectionId: scope.connectionId,
      payload: { customerExternalId, templateId: 'fr-relance-1', invoices },
    });
    await planActions(sql, scope.tenantId, [
      email('k-inv', [{ externalId: 'i1' }]),
      email('k-plan', [{ externalId: 'i2#1', instalmentOf: 'i2' }]),
      email('k-other', [{ externalId: 'i9' }]),
      email('k-other-customer', [{ externalId: 'i1' }], 'c2'),
    ]);
    for (const item of await listOutbox(sql, scope.tenantId)) {
      expect(await transition(sql, scope.tenantId, item.id, 'planned', 'sending')).toBe(true);
      expect(await transition(sql, scope.tenantId, item.id, 'sending', 'sent', { result: { messageId: `<${item.idempotencyKey}@x>` } })).toBe(true);
    }
    const got = await sentReminders(sql, scope.tenantId, scope.connectionId, 'c1', ['i1', 'i2']);
    expect(got.map((r) => [r.key, r.kind, r.templateId, r.registered, r.invoiceExternalIds])).toEqual([
      ['k-inv', 'email', 'fr-relance-1', false, ['i1']],
      ['k-plan', 'email', 'fr-relance-1', false, ['i2']],
    ]);
    expect(await sentReminders(sql, scope.tenantId, scope.connectionId, 'c1', [])).toEqual([]);
  });

  it('stores credentials encrypted, bound to their row', async () => {
    const { scope } = await newTenant(sql);
    const other = await newTenant(sql);
    const key = randomBytes(32);
    const tokens = { accessToken: 'eyJ-secret-access', refreshToken: 'AB11-secret-refresh' };
    await saveCredentials(sql, key, scope.tenantId, scope.connectionId, tokens);
    const [row] = await sql<{ credentials: Buffer }[]>`select credentials from connections where id = ${scope.connectionId}`;
    expect(row!.credentials.toString('latin1')).not.toContain('secret');
    expect(await loadCredentials(sql, key, scope.tenantId, scope.connectionId)).toEqual(tokens);
    await expect(loadCredentials(sql, randomBytes(32), scope.tenantId, scope.connectionId)).rejects.toThrow();
    // A blob copied onto another tenant's connection does not decrypt there.
    await sql`update connections set credentials = ${row!.credentials} where id = ${other.connection.id}`;
    await expect(loadCredentials(sql, key, other.tenant.id, other.connection.id)).rejects.toThrow();
  });
});
