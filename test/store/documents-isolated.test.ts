// The document store on a database of its own: planner statistics no other test's ANALYZE (or autovacuum) has left
// behind, and a trigger (DDL) that makes a compaction fail half-way.
import { describe, expect, it } from 'vitest';
import { CreditNote, Customer, Invoice, Payment } from '../../src/model/index.js';
import { analyzeDocuments, pruneRawPages, upsertDocuments } from '../../src/store/index.js';
import { createConnection, createTenant } from '../../src/store/tenants.js';
import { useIsolatedDatabase } from '../support/db.js';

const { sql } = useIsolatedDatabase();

describe('analyzeDocuments', () => {
  // Each table holds a row: ANALYZE keeps no statistics of an empty one.
  it('gathers statistics of the typed columns, the tenant, the connection and the raw page of each entity', async () => {
    const tenant = await createTenant(sql, { name: 'analyze' });
    const connection = await createConnection(sql, tenant.id, { provider: 'test' });
    const scope = { tenantId: tenant.id, connectionId: connection.id, provider: 'test' };
    const record = Invoice.parse({ externalId: 'inv-1', customerExternalId: 'c-1', issueDate: '2025-01-15', dueDate: '2025-02-14', currency: 'EUR', total: '1.00', amountDue: '1.00', status: 'open' });
    await upsertDocuments(sql, scope, 'invoice', [{ record, raw: {} }]);
    await upsertDocuments(sql, scope, 'customer', [{ record: Customer.parse({ externalId: 'c-1', name: 'Dupont SARL' }), raw: {} }]);
    await upsertDocuments(sql, scope, 'credit_note', [{ record: CreditNote.parse({ externalId: 'cn-1', customerExternalId: 'c-1', issueDate: '2025-01-20', currency: 'EUR', total: '1.00', remaining: '1.00' }), raw: {} }]);
    await upsertDocuments(sql, scope, 'payment', [{ record: Payment.parse({ externalId: 'p-1', date: '2025-01-25', currency: 'EUR', amount: '1.00', unapplied: '0.00' }), raw: {} }]);
    const columns = async (table: string) => (await sql<{ attname: string }[]>`select attname from pg_stats where schemaname = 'public' and tablename = ${table} order by attname`).map((r) => r.attname);
    expect(await columns('invoices')).toEqual([]);
    const common = ['connection_id', 'external_id', 'external_version', 'raw_page', 'source_updated_at', 'tenant_id'];
    const expected = {
      customer: ['customers', [...common, 'name', 'email', 'currency', 'credit_limit', 'active', 'reg_no']],
      invoice: ['invoices', [...common, 'number', 'customer_external_id', 'issue_date', 'due_date', 'currency', 'total', 'amount_due', 'status']],
      credit_note: ['credit_notes', [...common, 'number', 'customer_external_id', 'issue_date', 'currency', 'total', 'remaining', 'status']],
      payment: ['payments', [...common, 'customer_external_id', 'date', 'currency', 'amount', 'unapplied', 'status']],
    } as const;
    for (const [entity, [table, cols]] of Object.entries(expected)) {
      await analyzeDocuments(sql, entity as keyof typeof expected);
      expect(await columns(table), entity).toEqual([...cols].sort());
    }
  });
});

describe('pruneRawPages', () => {
  it('compacts all or nothing: a failure deleting the old pages leaves every row on its page and no new page', async () => {
    const tenant = await createTenant(sql, { name: 'prune' });
    const connection = await createConnection(sql, tenant.id, { provider: 'test' });
    const scope = { tenantId: tenant.id, connectionId: connection.id, provider: 'test' };
    const record = (i: number) => Invoice.parse({ externalId: `inv-${i}`, customerExternalId: 'c-1', issueDate: '2025-01-15', dueDate: '2025-02-14', currency: 'EUR', total: '1.00', amountDue: '1.00', status: 'open' });
    await upsertDocuments(sql, scope, 'invoice', Array.from({ length: 10 }, (_, i) => ({ record: record(i), raw: { Id: i, v: 0 } })));
    // Six of ten superseded: the first page is sparse, the second one small; both are to be rewritten.
    await upsertDocuments(sql, scope, 'invoice', [0, 2, 4, 6, 8, 9].map((i) => ({ record: record(i), raw: { Id: i, v: 1 } })));
    const state = async () => ({
      pages: (await sql<{ id: string }[]>`select id::text from raw_pages where tenant_id = ${tenant.id} order by id`).map((p) => p.id),
      rows: await sql`select external_id, raw_page::text, raw_index from invoices where tenant_id = ${tenant.id} order by external_id`,
    });
    const before = await state();
    expect(before.pages).toHaveLength(2);
    await sql.unsafe(`create function refuse_page_delete() returns trigger language plpgsql as $$ begin raise exception 'simulated failure deleting page %', old.id; end $$`);
    await sql.unsafe(`create trigger refuse_page_delete before delete on raw_pages for each row execute function refuse_page_delete()`);
    try {
      await expect(pruneRawPages(sql, tenant.id, connection.id)).rejects.toThrow(/simulated failure deleting page/);
    } finally {
      await sql.unsafe(`drop trigger refuse_page_delete on raw_pages`);
      await sql.unsafe(`drop function refuse_page_delete()`);
    }
    expect(await state()).toEqual(before);
    expect(await pruneRawPages(sql, tenant.id, connection.id)).toEqual({ deleted: 0, compacted: 2 });
  });
});
