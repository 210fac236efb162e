// One page, one transaction, on its own: what encodePage keeps of a mapped page, what storePage writes (rows,
// deletions, quarantine in and out, the cursor only when asked), and how countPage adds it to the stream's report.
import { describe, expect, it } from 'vitest';
import { Invoice } from '../../src/model/index.js';
import { encodeRow, listDocuments, listQuarantine, loadCursor, upsertDocuments } from '../../src/store/index.js';
import { getConnection } from '../../src/store/tenants.js';
import type { MappedPage } from '../../src/sync/mappers.js';
import { countPage, emptyStreamReport, encodePage, storePage } from '../../src/sync/page-store.js';
import { newTenant, useDatabase } from '../support/db.js';

const sql = useDatabase();

const invoice = (i: number, patch: Partial<Invoice> = {}): Invoice =>
  Invoice.parse({ externalId: `inv-${i}`, customerExternalId: 'cust-1', issueDate: '2025-01-15', dueDate: '2025-02-14', currency: 'EUR', total: '120.00', amountDue: '120.00', status: 'open', ...patch });
const failure = (id: string) => ({ entity: 'invoice' as const, externalId: id, reason: 'total: must be a decimal string', path: 'total', raw: { Id: id } });

/** A mapped page of `rows` invoices, `failed` refusals, `skipped` skipped records and `deleted` ids. */
function mapped(o: { rows: Invoice[]; failed?: string[]; skipped?: number; deleted?: string[]; cursor: unknown; notice?: string }): MappedPage {
  const failed = (o.failed ?? []).map(failure);
  const skipped = o.skipped ?? 0;
  const records = [...o.rows.map((r) => ({ Id: r.externalId })), ...failed.map((f) => f.raw), ...Array.from({ length: skipped }, (_, k) => ({ Id: `skip-${k}` }))];
  return {
    page: { records, deleted: o.deleted ?? [], cursor: o.cursor, ...(o.notice ? { notice: o.notice } : {}) },
    rows: o.rows.map((record) => encodeRow(record, JSON.stringify({ Id: record.externalId }))),
    failed,
    skipped,
  };
}

describe('a page of a stream', () => {
  it('keeps what its transaction needs: the encoded rows, the ids stored, failures, deletions, cursor, notice and counts', async () => {
    const ready = await encodePage('invoices', mapped({ rows: [invoice(1), invoice(2)], failed: ['inv-bad'], skipped: 2, deleted: ['inv-9'], cursor: { at: 3 }, notice: 'full re-scan' }));
    expect(ready).toMatchObject({ storedIds: ['inv-1', 'inv-2'], deleted: ['inv-9'], cursor: { at: 3 }, notice: 'full re-scan', records: 5, skipped: 2 });
    expect(ready.failed.map((f) => f.externalId)).toEqual(['inv-bad']);
    expect(ready.encoded.entity).toBe('invoice');
    expect(ready.encoded.chunks.map((c) => c.count)).toEqual([2]);
    expect('notice' in (await encodePage('invoices', mapped({ rows: [], cursor: null })))).toBe(false);
  });

  it('stores rows, deletions, quarantine and cursor together, resolves a record it now stores, and saves no cursor when not asked', async () => {
    const { scope } = await newTenant(sql);
    const connection = (await getConnection(sql, scope.tenantId, scope.connectionId))!;
    await upsertDocuments(sql, scope, 'invoice', [{ record: invoice(9), raw: {} }, { record: invoice(2), raw: { Id: 'inv-2' } }]);
    const report = emptyStreamReport('invoices');

    const first = await encodePage('invoices', mapped({ rows: [invoice(1), invoice(2, { amountDue: '20.00', status: 'partially_paid' })], failed: ['inv-3'], skipped: 1, deleted: ['inv-9', 'inv-404'], cursor: { at: 1 }, notice: 'full re-scan' }));
    const counts = await storePage(sql, connection, 'invoices', first, 'invoices');
    expect(counts).toEqual({ inserted: 1, updated: 1, unchanged: 0, deleted: 1 });
    countPage(report, first, counts);
    expect(await loadCursor(sql, scope.tenantId, scope.connectionId, 'invoices')).toEqual({ at: 1 });
    expect((await listQuarantine(sql, scope.tenantId)).map((q) => [q.entity, q.external_id, q.path])).toEqual([['invoice', 'inv-3', 'total']]);
    expect((await listDocuments(sql, scope.tenantId, 'invoice')).map((d) => [d.record.externalId, d.record.status])).toEqual([
      ['inv-1', 'open'],
      ['inv-2', 'partially_paid'],
      ['inv-9', 'void'],
    ]);

    // A re-read's page (saveAs null): inv-3 now maps, so its quarantine entry is resolved; the cursor stays.
    const second = await encodePage('invoices', mapped({ rows: [invoice(3), invoice(1)], cursor: { at: 'not saved' } }));
    const again = await storePage(sql, connection, 'invoices', second, null);
    expect(again).toEqual({ inserted: 1, updated: 0, unchanged: 1, deleted: 0 });
    countPage(report, second, again);
    expect(await loadCursor(sql, scope.tenantId, scope.connectionId, 'invoices')).toEqual({ at: 1 });
    expect(await listQuarantine(sql, scope.tenantId)).toEqual([]);

    const third = await encodePage('invoices', mapped({ rows: [], failed: ['inv-7', 'inv-8'], skipped: 3, cursor: { at: 3 }, notice: 'second notice' }));
    countPage(report, third, await storePage(sql, connection, 'invoices', third, 'invoices'));
    expect(await loadCursor(sql, scope.tenantId, scope.connectionId, 'invoices')).toEqual({ at: 3 });
    expect(report).toEqual({ stream: 'invoices', pages: 3, records: 4 + 2 + 5, inserted: 2, updated: 1, unchanged: 1, deleted: 1, quarantined: 3, skipped: 4, notices: ['full re-scan', 'second notice'] });
  });

  it('starts a stream report at zero, without notices', () => {
    expect(emptyStreamReport('payments')).toEqual({ stream: 'payments', pages: 0, records: 0, inserted: 0, updated: 0, unchanged: 0, deleted: 0, quarantined: 0, skipped: 0 });
  });

  it('commits nothing of a page whose cursor cannot be saved', async () => {
    const { scope } = await newTenant(sql);
    const connection = (await getConnection(sql, scope.tenantId, scope.connectionId))!;
    // A cursor JSON cannot hold: the last statement of the transaction fails.
    const ready = await encodePage('invoices', mapped({ rows: [invoice(1)], failed: ['inv-2'], cursor: { at: 1n } }));
    await expect(storePage(sql, connection, 'invoices', ready, 'invoices')).rejects.toThrow();
    expect(await listDocuments(sql, scope.tenantId, 'invoice')).toEqual([]);
    expect(await listQuarantine(sql, scope.tenantId)).toEqual([]);
  });
});
