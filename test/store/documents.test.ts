// The document store's columns, deletions and raw pages, entity by entity, against the real PostgreSQL: what the
// queries filter and sort on (the typed columns), not only the `data` they hand back.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CreditNote, Customer, Invoice, Payment } from '../../src/model/index.js';
import { countDocuments, encodeDocuments, listDocuments, markDeleted, pruneRawPages, readRawPage, upsertDocuments, type RawPageCodec } from '../../src/store/index.js';
import { createConnection } from '../../src/store/tenants.js';
import { newTenant, useDatabase } from '../support/db.js';

const sql = useDatabase();

const invoice = (i: number, patch: Partial<Invoice> = {}): Invoice =>
  Invoice.parse({ externalId: `inv-${i}`, customerExternalId: 'cust-1', issueDate: '2025-01-15', dueDate: '2025-02-14', currency: 'EUR', total: '120.00', amountDue: '120.00', status: 'open', ...patch });
const customer = (patch: Partial<Customer> = {}): Customer => Customer.parse({ externalId: 'cust-1', name: 'Dupont SARL', ...patch });
const creditNote = (patch: Partial<CreditNote> = {}): CreditNote =>
  CreditNote.parse({ externalId: 'cn-1', number: 'AV-1', customerExternalId: 'cust-1', issueDate: '2025-01-20', currency: 'EUR', total: '30.00', remaining: '30.00', status: 'open', ...patch });
const payment = (patch: Partial<Payment> = {}): Payment => Payment.parse({ externalId: 'pay-1', date: '2025-01-25', currency: 'EUR', amount: '80.00', unapplied: '15.00', ...patch });

const pageCount = async (tenantId: string) => Number((await sql<{ n: string }[]>`select count(*)::text as n from raw_pages where tenant_id = ${tenantId}`)[0]!.n);

describe('document columns', () => {
  // First in the file: the statement text is built (and covered) once per entity and process, then cached.
  it('rewrites every typed column when a record changes, and hands back its version', async () => {
    const { scope } = await newTenant(sql);
    await upsertDocuments(sql, scope, 'invoice', [{ record: invoice(1, { externalVersion: '1', updatedAt: '2025-01-15T10:00:00Z' }), raw: {} }]);
    const paid = invoice(1, { number: 'F-1', dueDate: '2025-03-01', amountDue: '0.00', status: 'paid', externalVersion: '2', updatedAt: '2025-02-01T10:00:00Z' });
    expect(await upsertDocuments(sql, scope, 'invoice', [{ record: paid, raw: {} }])).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
    expect(await sql`select external_version, source_updated_at, number, due_date::text, amount_due::text, status from invoices where tenant_id = ${scope.tenantId}`).toEqual([
      { external_version: '2', source_updated_at: new Date('2025-02-01T10:00:00Z'), number: 'F-1', due_date: '2025-03-01', amount_due: '0.0000', status: 'paid' },
    ]);
    expect((await listDocuments(sql, scope.tenantId, 'invoice')).map((d) => [d.record.status, d.externalVersion])).toEqual([['paid', '2']]);
  });

  it('fills every typed column of each entity, with null for what the record leaves out', async () => {
    const { scope } = await newTenant(sql);
    await upsertDocuments(sql, scope, 'customer', [
      { record: customer({ externalId: 'c-main', email: 'compta@dupont.fr', emails: ['autre@dupont.fr'], currency: 'EUR', creditLimit: '5000.00', regNo: '552100554', active: false, externalVersion: '7', updatedAt: '2025-03-01T10:00:00Z' }), raw: {} },
      { record: customer({ externalId: 'c-list', emails: ['relances@martin.fr', 'autre@martin.fr'] }), raw: {} },
      { record: customer({ externalId: 'c-none' }), raw: {} },
    ]);
    expect(
      await sql`select external_id, external_version, source_updated_at, name, email, currency, credit_limit::text, active, reg_no
                from customers where tenant_id = ${scope.tenantId} order by external_id`,
    ).toEqual([
      { external_id: 'c-list', external_version: null, source_updated_at: null, name: 'Dupont SARL', email: 'relances@martin.fr', currency: null, credit_limit: null, active: true, reg_no: null },
      { external_id: 'c-main', external_version: '7', source_updated_at: new Date('2025-03-01T10:00:00Z'), name: 'Dupont SARL', email: 'compta@dupont.fr', currency: 'EUR', credit_limit: '5000.0000', active: false, reg_no: '552100554' },
      { external_id: 'c-none', external_version: null, source_updated_at: null, name: 'Dupont SARL', email: null, currency: null, credit_limit: null, active: true, reg_no: null },
    ]);

    await upsertDocuments(sql, scope, 'invoice', [{ record: invoice(1), raw: {} }, { record: invoice(2, { number: 'F-2', status: 'partially_paid', amountDue: '20.00', externalVersion: '3' }), raw: {} }]);
    expect(
      await sql`select external_id, external_version, number, customer_external_id, issue_date::text, due_date::text, currency, total::text, amount_due::text, status
                from invoices where tenant_id = ${scope.tenantId} order by external_id`,
    ).toEqual([
      { external_id: 'inv-1', external_version: null, number: null, customer_external_id: 'cust-1', issue_date: '2025-01-15', due_date: '2025-02-14', currency: 'EUR', total: '120.0000', amount_due: '120.0000', status: 'open' },
      { external_id: 'inv-2', external_version: '3', number: 'F-2', customer_external_id: 'cust-1', issue_date: '2025-01-15', due_date: '2025-02-14', currency: 'EUR', total: '120.0000', amount_due: '20.0000', status: 'partially_paid' },
    ]);

    await upsertDocuments(sql, scope, 'credit_note', [{ record: creditNote(), raw: {} }, { record: creditNote({ externalId: 'cn-2', number: null, remaining: '0.00', status: 'applied' }), raw: {} }]);
    expect(
      await sql`select external_id, number, customer_external_id, issue_date::text, currency, total::text, remaining::text, status
                from credit_notes where tenant_id = ${scope.tenantId} order by external_id`,
    ).toEqual([
      { external_id: 'cn-1', number: 'AV-1', customer_external_id: 'cust-1', issue_date: '2025-01-20', currency: 'EUR', total: '30.0000', remaining: '30.0000', status: 'open' },
      { external_id: 'cn-2', number: null, customer_external_id: 'cust-1', issue_date: '2025-01-20', currency: 'EUR', total: '30.0000', remaining: '0.0000', status: 'applied' },
    ]);

    await upsertDocuments(sql, scope, 'payment', [{ record: payment(), raw: {} }, { record: payment({ externalId: 'pay-2', customerExternalId: 'cust-1', status: 'void' }), raw: {} }]);
    expect(
      await sql`select external_id, customer_external_id, date::text, currency, amount::text, unapplied::text, status
                from payments where tenant_id = ${scope.tenantId} order by external_id`,
    ).toEqual([
      { external_id: 'pay-1', customer_external_id: null, date: '2025-01-25', currency: 'EUR', amount: '80.0000', unapplied: '15.0000', status: 'posted' },
      { external_id: 'pay-2', customer_external_id: 'cust-1', date: '2025-01-25', currency: 'EUR', amount: '80.0000', unapplied: '15.0000', status: 'void' },
    ]);
  });

  it('takes a change whose record or the stored one has no source time, and one at the same time as the stored one', async () => {
    const { scope } = await newTenant(sql);
    await upsertDocuments(sql, scope, 'invoice', [{ record: invoice(1, { updatedAt: '2025-02-01T10:00:00Z' }), raw: {} }, { record: invoice(2), raw: {} }]);
    const changes = [
      { record: invoice(1, { amountDue: '100.00', status: 'partially_paid' }), raw: {} },
      { record: invoice(2, { amountDue: '90.00', status: 'partially_paid', updatedAt: '2025-01-01T00:00:00Z' }), raw: {} },
    ];
    expect(await upsertDocuments(sql, scope, 'invoice', changes)).toEqual({ inserted: 0, updated: 2, unchanged: 0 });
    // Same source time, other content: a provider whose clock ticks in seconds edits twice within one.
    const sameTime = invoice(2, { amountDue: '0.00', status: 'paid', updatedAt: '2025-01-01T00:00:00Z' });
    expect(await upsertDocuments(sql, scope, 'invoice', [{ record: sameTime, raw: {} }])).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
    expect((await listDocuments(sql, scope.tenantId, 'invoice')).map((d) => d.record.amountDue)).toEqual(['100.00', '0.00']);
  });
});

describe('deletions', () => {
  it('voids a customer, an invoice, a credit note and a payment, columns and data alike, and moves changed_at', async () => {
    const { scope } = await newTenant(sql);
    await upsertDocuments(sql, scope, 'customer', [{ record: customer(), raw: {} }]);
    await upsertDocuments(sql, scope, 'invoice', [{ record: invoice(1, { status: 'partially_paid', amountDue: '20.00' }), raw: {} }]);
    await upsertDocuments(sql, scope, 'credit_note', [{ record: creditNote(), raw: {} }]);
    await upsertDocuments(sql, scope, 'payment', [{ record: payment(), raw: {} }]);
    const [before] = await sql<{ at: Date }[]>`select now() as at`;

    expect(await markDeleted(sql, scope, 'customer', ['cust-1', 'cust-404'])).toBe(1);
    expect(await markDeleted(sql, scope, 'invoice', ['inv-1'])).toBe(1);
    expect(await markDeleted(sql, scope, 'credit_note', ['cn-1'])).toBe(1);
    expect(await markDeleted(sql, scope, 'payment', ['pay-1'])).toBe(1);

    expect(await sql`select active, (data->>'active')::boolean as data_active, name from customers where tenant_id = ${scope.tenantId}`).toEqual([{ active: false, data_active: false, name: 'Dupont SARL' }]);
    expect(await sql`select status, amount_due::text, total::text from invoices where tenant_id = ${scope.tenantId}`).toEqual([{ status: 'void', amount_due: '0.0000', total: '120.0000' }]);
    expect(await sql`select status, remaining::text, total::text from credit_notes where tenant_id = ${scope.tenantId}`).toEqual([{ status: 'void', remaining: '0.0000', total: '30.0000' }]);
    expect(await sql`select status, unapplied::text, amount::text from payments where tenant_id = ${scope.tenantId}`).toEqual([{ status: 'void', unapplied: '15.0000', amount: '80.0000' }]);
    expect((await listDocuments(sql, scope.tenantId, 'customer'))[0]!.record).toMatchObject({ externalId: 'cust-1', active: false, name: 'Dupont SARL' });
    expect((await listDocuments(sql, scope.tenantId, 'invoice'))[0]!.record).toMatchObject({ status: 'void', amountDue: '0', total: '120.00' });
    expect((await listDocuments(sql, scope.tenantId, 'credit_note'))[0]!.record).toMatchObject({ status: 'void', remaining: '0', total: '30.00' });
    expect((await listDocuments(sql, scope.tenantId, 'payment'))[0]!.record).toMatchObject({ status: 'void', unapplied: '15.00' });
    for (const entity of ['customer', 'invoice', 'credit_note', 'payment'] as const) {
      const [doc] = await listDocuments(sql, scope.tenantId, entity);
      expect(doc!.changedAt.getTime()).toBeGreaterThanOrEqual(before!.at.getTime());
      expect(doc!.syncedAt.getTime()).toBeGreaterThanOrEqual(before!.at.getTime());
    }
  });

  it('deletes nothing for an empty list, and only the connection’s own rows', async () => {
    const { scope, tenant } = await newTenant(sql);
    await upsertDocuments(sql, scope, 'invoice', [{ record: invoice(1), raw: {} }]);
    expect(await markDeleted(sql, scope, 'invoice', [])).toBe(0);
    const other = await createConnection(sql, tenant.id, { provider: 'test' });
    expect(await markDeleted(sql, { ...scope, connectionId: other.id }, 'invoice', ['inv-1'])).toBe(0);
    expect((await listDocuments(sql, scope.tenantId, 'invoice'))[0]!.record.status).toBe('open');
  });
});

describe('raw pages', () => {
  it('hashes a payload alone: the same payload at another place of another batch is unchanged', async () => {
    const { scope } = await newTenant(sql);
    const rows = [1, 2, 3].map((i) => ({ record: invoice(i), raw: { Id: String(i), v: 1 } }));
    await upsertDocuments(sql, scope, 'invoice', rows);
    expect(await upsertDocuments(sql, scope, 'invoice', [rows[2]!, rows[1]!])).toEqual({ inserted: 0, updated: 0, unchanged: 2 });
    expect(await upsertDocuments(sql, scope, 'invoice', [rows[1]!])).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
    expect(await pageCount(scope.tenantId)).toBe(1);
  });

  it('encodes one chunk per chunkSize rows, and none for no rows (no page written for nothing)', async () => {
    const rows = [1, 2, 3, 4].map((i) => ({ record: invoice(i), raw: { Id: String(i) } }));
    expect((await encodeDocuments('invoice', rows, 2)).chunks.map((c) => c.count)).toEqual([2, 2]);
    expect((await encodeDocuments('invoice', rows, 4)).chunks.map((c) => c.count)).toEqual([4]);
    expect((await encodeDocuments('invoice', [])).chunks).toEqual([]);
  });

  it('writes one page per chunk, each row pointing at its own payload', async () => {
    const { scope } = await newTenant(sql);
    const rows = [1, 2, 3, 4, 5].map((i) => ({ record: invoice(i), raw: { Id: String(i), text: 'é'.repeat(i) } }));
    expect(await upsertDocuments(sql, scope, 'invoice', rows, 2)).toEqual({ inserted: 5, updated: 0, unchanged: 0 });
    expect((await sql<{ record_count: number }[]>`select record_count from raw_pages where tenant_id = ${scope.tenantId} order by id`).map((p) => p.record_count)).toEqual([2, 2, 1]);
    expect((await listDocuments(sql, scope.tenantId, 'invoice', { withRaw: true })).map((d) => d.raw)).toEqual(rows.map((r) => r.raw));
    expect(await upsertDocuments(sql, scope, 'invoice', rows, 3)).toEqual({ inserted: 0, updated: 0, unchanged: 5 });
  });

  it('stores a row\'s raw text as given, in place of its parsed payload, and hashes those bytes', async () => {
    const { scope } = await newTenant(sql);
    // Spacing and a number JavaScript cannot hold exactly: only the bytes given keep them.
    const texts = ['{ "Id": "1", "TotalAmt": 12345678901234567.891 }', '{"Id":"2","Name":"Société"}'];
    const rows = texts.map((text, i) => ({ record: invoice(i + 1), raw: null, rawBytes: Buffer.from(text) }));
    expect(await upsertDocuments(sql, scope, 'invoice', rows)).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    const [page] = await sql<{ body: Buffer; codec: RawPageCodec }[]>`select body, codec from raw_pages where tenant_id = ${scope.tenantId}`;
    expect(page!.codec).toBe('br');
    expect((await readRawPage(page!.body, page!.codec)).toString('utf8')).toBe(`[${texts.join(',')}]`);
    expect((await listDocuments(sql, scope.tenantId, 'invoice', { withRaw: true })).map((d) => (d.raw as { Id: string }).Id)).toEqual(['1', '2']);
    // The same texts again are unchanged; another spacing of the same payload is a change of raw bytes.
    expect(await upsertDocuments(sql, scope, 'invoice', rows)).toEqual({ inserted: 0, updated: 0, unchanged: 2 });
    expect(await upsertDocuments(sql, scope, 'invoice', [{ ...rows[1]!, rawBytes: Buffer.from('{"Id":"2", "Name":"Société"}') }])).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
  });

  it('still reads and compacts a page written in gzip before raw pages were Brotli (migration 027)', async () => {
    const { scope } = await newTenant(sql);
    const texts = [1, 2, 3, 4].map((i) => `{"Id":"${i}", "Name":"Société ${i}"}`);
    await upsertDocuments(sql, scope, 'invoice', texts.map((text, i) => ({ record: invoice(i + 1), raw: null, rawBytes: Buffer.from(text) })));
    await sql`update raw_pages set body = ${gzipSync(`[${texts.join(',')}]`)}, codec = 'gzip' where tenant_id = ${scope.tenantId}`;
    const raws = async () => (await listDocuments(sql, scope.tenantId, 'invoice', { withRaw: true })).map((d) => d.raw);
    expect(await raws()).toEqual(texts.map((t) => JSON.parse(t)));
    // Three rows move on: the old page is sparse, and its last payload moves with them to one new page, bytes unchanged.
    await upsertDocuments(sql, scope, 'invoice', [1, 2, 3].map((i) => ({ record: invoice(i), raw: { Id: String(i), v: 2 } })));
    expect(await pruneRawPages(sql, scope.tenantId, scope.connectionId)).toEqual({ deleted: 0, compacted: 2 });
    const pages = await sql<{ body: Buffer; codec: RawPageCodec }[]>`select body, codec from raw_pages where tenant_id = ${scope.tenantId} order by id`;
    expect(pages.map((p) => p.codec)).toEqual(['br']);
    expect((await readRawPage(pages[0]!.body, pages[0]!.codec)).toString('utf8')).toBe(`[${texts[3]},{"Id":"1","v":2},{"Id":"2","v":2},{"Id":"3","v":2}]`);
    expect((await raws())[3]).toEqual(JSON.parse(texts[3]!));
  });

  it('keeps no page when a chunk fails to store: the page and its rows commit together', async () => {
    const { scope } = await newTenant(sql);
    // A date PostgreSQL refuses: the statement fails after the page was written.
    const bad = { ...invoice(1), issueDate: '2025-02-30' } as Invoice;
    await expect(upsertDocuments(sql, scope, 'invoice', [{ record: bad, raw: { Id: '1' } }])).rejects.toThrow();
    expect(await pageCount(scope.tenantId)).toBe(0);
    expect(await countDocuments(sql, scope.tenantId, 'invoice')).toBe(0);
  });
});

describe('pruning raw pages', () => {
  /** `pages` pages of `size` payloads each (one upsert each), then half of each page's rows moved to one new page. */
  async function halfLivePages(pages: number, size: number) {
    const { scope } = await newTenant(sql);
    const raw = (i: number, v: number) => ({ Id: String(i), v });
    for (let p = 0; p < pages; p++) {
      await upsertDocuments(sql, scope, 'invoice', Array.from({ length: size }, (_, k) => ({ record: invoice(p * size + k), raw: raw(p * size + k, 0) })));
    }
    const moved = Array.from({ length: pages * size }, (_, i) => i).filter((i) => i % size < size / 2);
    // The superseding page is full (≥ SMALL_PAGE_RECORDS live payloads), so it is neither small nor sparse.
    const extra = Array.from({ length: 50 }, (_, k) => 1000 + k);
    await upsertDocuments(sql, scope, 'invoice', [...moved, ...extra].map((i) => ({ record: invoice(i), raw: raw(i, 1) })));
    const expected = [...Array.from({ length: pages * size }, (_, i) => i), ...extra].map((i) => raw(i, moved.includes(i) || i >= 1000 ? 1 : 0));
    return { scope, expected };
  }
  const raws = async (tenantId: string) =>
    (await listDocuments(sql, tenantId, 'invoice', { withRaw: true })).map((d) => d.raw as { Id: string }).sort((a, b) => Number(a.Id) - Number(b.Id));

  it('leaves a page with exactly half its payloads live (not sparse) while it is one of few small pages', async () => {
    const { scope, expected } = await halfLivePages(1, 4);
    expect(await pruneRawPages(sql, scope.tenantId, scope.connectionId)).toEqual({ deleted: 0, compacted: 0 });
    expect(await pageCount(scope.tenantId)).toBe(2);
    expect(await raws(scope.tenantId)).toEqual(expected);
  });

  it('merges ten small pages with exactly half their payloads live, and only the invoice pages asked for', async () => {
    const { scope, expected } = await halfLivePages(10, 2);
    await upsertDocuments(sql, scope, 'customer', [{ record: customer(), raw: { c: 1 } }]);
    await upsertDocuments(sql, scope, 'customer', [{ record: customer(), raw: { c: 2 } }]);
    expect(await pruneRawPages(sql, scope.tenantId, scope.connectionId, ['customer'])).toEqual({ deleted: 1, compacted: 0 });
    expect(await pruneRawPages(sql, scope.tenantId, scope.connectionId, ['invoice'])).toEqual({ deleted: 0, compacted: 10 });
    // The ten payloads still live on one new page, beside the superseding page and the customer's.
    expect((await sql<{ record_count: number }[]>`select record_count from raw_pages where tenant_id = ${scope.tenantId} and entity = 'invoice' order by id`).map((p) => p.record_count)).toEqual([60, 10]);
    expect(await pageCount(scope.tenantId)).toBe(3);
    expect(await raws(scope.tenantId)).toEqual(expected);
    expect((await listDocuments(sql, scope.tenantId, 'customer', { withRaw: true })).map((d) => d.raw)).toEqual([{ c: 2 }]);
  });
});

describe('compacting many payloads', () => {
  /** `total` invoices on one page, then the last `superseded` of them on a second one: the first is left sparse. */
  async function sparsePage(total: number, superseded: number) {
    const { scope } = await newTenant(sql);
    const rows = Array.from({ length: total }, (_, i) => ({ record: invoice(i), raw: { Id: i } }));
    await upsertDocuments(sql, scope, 'invoice', rows, total);
    await upsertDocuments(sql, scope, 'invoice', rows.slice(total - superseded).map((r) => ({ ...r, raw: { Id: r.raw.Id, v: 1 } })), total);
    expect(await pruneRawPages(sql, scope.tenantId, scope.connectionId)).toEqual({ deleted: 0, compacted: 1 });
    const counts = (await sql<{ record_count: number }[]>`select record_count from raw_pages where tenant_id = ${scope.tenantId} order by id`).map((p) => p.record_count);
    const raws = (await listDocuments(sql, scope.tenantId, 'invoice', { withRaw: true })).map((d) => d.raw as { Id: number; v?: number });
    expect(raws.sort((a, b) => a.Id - b.Id)).toEqual(rows.map((r, i) => (i >= total - superseded ? { Id: i, v: 1 } : { Id: i })));
    return counts;
  }

  it('moves exactly 2,000 live payloads onto one page, with no empty page after it', async () => {
    expect(await sparsePage(4001, 2001)).toEqual([2001, 2000]);
  });

  it('moves 2,001 live payloads onto pages of 2,000 and 1', async () => {
    expect(await sparsePage(4003, 2002)).toEqual([2002, 2000, 1]);
  });
});

describe('reading documents', () => {
  it('reads some ids, a page at a time, of one connection, and counts per connection', async () => {
    const { scope, tenant } = await newTenant(sql);
    const second = await createConnection(sql, tenant.id, { provider: 'test' });
    await upsertDocuments(sql, scope, 'invoice', [1, 2, 3, 4, 5].map((i) => ({ record: invoice(i), raw: {} })));
    await upsertDocuments(sql, { ...scope, connectionId: second.id }, 'invoice', [6, 7].map((i) => ({ record: invoice(i), raw: {} })));
    const ids = (docs: { record: { externalId: string } }[]) => docs.map((d) => d.record.externalId);
    expect(ids(await listDocuments(sql, tenant.id, 'invoice'))).toEqual(['inv-1', 'inv-2', 'inv-3', 'inv-4', 'inv-5', 'inv-6', 'inv-7']);
    expect(ids(await listDocuments(sql, tenant.id, 'invoice', { limit: 2, offset: 1 }))).toEqual(['inv-2', 'inv-3']);
    expect(ids(await listDocuments(sql, tenant.id, 'invoice', { offset: 5 }))).toEqual(['inv-6', 'inv-7']);
    expect(ids(await listDocuments(sql, tenant.id, 'invoice', { limit: 1 }))).toEqual(['inv-1']);
    expect(ids(await listDocuments(sql, tenant.id, 'invoice', { connectionId: second.id }))).toEqual(['inv-6', 'inv-7']);
    expect(ids(await listDocuments(sql, tenant.id, 'invoice', { externalIds: ['inv-4', 'inv-6', 'inv-9'] }))).toEqual(['inv-4', 'inv-6']);
    expect((await listDocuments(sql, tenant.id, 'invoice', { externalIds: ['inv-6'] }))[0]!.connectionId).toBe(second.id);
    expect(await countDocuments(sql, tenant.id, 'invoice')).toBe(7);
    expect(await countDocuments(sql, tenant.id, 'invoice', second.id)).toBe(2);
    expect(await countDocuments(sql, tenant.id, 'payment')).toBe(0);
  });
});
