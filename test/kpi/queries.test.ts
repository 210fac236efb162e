// tenantKpis against a real PostgreSQL: facts loaded per tenant, connection and currency; figures match the pure computation.
import { describe, expect, it } from 'vitest';
import { loadKpiFacts, tenantCurrencies, tenantKpis } from '../../src/kpi/queries.js';
import { computeKpis } from '../../src/kpi/snapshot.js';
import { type CreditNote, Customer, type Invoice, type Payment } from '../../src/model/index.js';
import { createConnection } from '../../src/store/tenants.js';
import { upsertDocuments } from '../../src/store/documents.js';
import { openPause } from '../../src/store/pauses.js';
import { newTenant, useDatabase } from '../support/db.js';

const sql = useDatabase();

const invoice = (id: string, issueDate: string, dueDate: string, total: string, amountDue: string, patch: Partial<Invoice> = {}): Invoice => ({
  externalId: id,
  customerExternalId: 'cust-1',
  issueDate,
  dueDate,
  currency: 'EUR',
  total,
  amountDue,
  status: amountDue === '0.00' ? 'paid' : amountDue === total ? 'open' : 'partially_paid',
  lines: [],
  ...patch,
});
const payment = (id: string, date: string, amount: string, invoiceExternalId: string, patch: Partial<Payment> = {}): Payment => ({
  externalId: id,
  customerExternalId: 'cust-1',
  date,
  currency: 'EUR',
  amount,
  unapplied: '0.00',
  status: 'posted',
  allocations: [{ invoiceExternalId, amount }],
  ...patch,
});

/*
 * As of 2026-03-31, 90-day period 2026-01-01 … 2026-03-31:
 *   A 2026-01-10 due 02-09, 1000, paid 600 on 02-20, credit 100 on 03-05 → owes 300 (50 d past due → 31–60)
 *   B 2026-03-10 due 04-09, 2000, open (current)
 *   C 2025-12-01 due 12-31, 500, paid 500 on 01-15 → beginning AR 500
 *   V void 9999, D draft 8888, U a USD invoice 7777: not loaded for EUR
 * AR = 300 + 2000 = 2300; sales A 1000 + B 2000 = 3000; DSO = 2300 / 3000 × 90 = 69.0
 * CEI = (500 + 3000 − 2300) / (500 + 3000 − 2000) = 1200 / 1500 = 80 %
 */
async function seed() {
  const t = await newTenant(sql);
  const invoices: Invoice[] = [
    invoice('A', '2026-01-10', '2026-02-09', '1000.00', '300.00'),
    invoice('B', '2026-03-10', '2026-04-09', '2000.00', '2000.00'),
    invoice('C', '2025-12-01', '2025-12-31', '500.00', '0.00'),
    invoice('V', '2026-03-01', '2026-03-31', '9999.00', '9999.00', { status: 'void' }),
    invoice('D', '2026-03-01', '2026-03-31', '8888.00', '8888.00', { status: 'draft' }),
    invoice('U', '2026-03-01', '2026-03-31', '7777.00', '7777.00', { currency: 'USD' }),
  ];
  const payments: Payment[] = [payment('P1', '2026-02-20', '600.00', 'A'), payment('P2', '2026-01-15', '500.00', 'C'), payment('PV', '2026-03-01', '300.00', 'A', { status: 'void' })];
  const credits: CreditNote[] = [
    { externalId: 'CN1', customerExternalId: 'cust-1', issueDate: '2026-03-05', currency: 'EUR', total: '100.00', remaining: '0.00', status: 'applied', allocations: [{ invoiceExternalId: 'A', amount: '100.00' }] },
  ];
  await upsertDocuments(sql, t.scope, 'customer', [{ record: Customer.parse({ externalId: 'cust-1', name: 'Dupont SARL' }), raw: {} }]);
  await upsertDocuments(sql, t.scope, 'invoice', invoices.map((record) => ({ record, raw: {} })));
  await upsertDocuments(sql, t.scope, 'payment', payments.map((record) => ({ record, raw: {} })));
  await upsertDocuments(sql, t.scope, 'credit_note', credits.map((record) => ({ record, raw: {} })));
  // A promise on A, due 03-01, not kept (A still owed).
  await openPause(sql, t.tenant.id, t.connection.id, { kind: 'promise', reason: 'end of month', owner: 'ana', startsOn: '2026-02-15', expiresOn: '2026-03-01', customerExternalId: 'cust-1', invoiceExternalId: 'A', instalments: [] }, 'ana');
  return t;
}

describe('tenantKpis', () => {
  it('loads one tenant’s EUR facts (no draft, void or USD) and computes the figures', async () => {
    const t = await seed();
    const facts = await loadKpiFacts(sql, t.tenant.id, { currency: 'EUR' });
    expect(facts.invoices.map((i) => i.externalId)).toEqual(['A', 'B', 'C']);
    expect(facts.payments.map((p) => p.externalId)).toEqual(['P1', 'P2']);
    expect(facts.creditNotes.map((c) => c.externalId)).toEqual(['CN1']);
    expect(facts.promises).toHaveLength(1);
    expect(facts.customers).toEqual([{ externalId: 'cust-1', name: 'Dupont SARL' }]);

    const { kpis, trend, customers } = await tenantKpis(sql, t.tenant.id, { asOf: '2026-03-31', currency: 'EUR', trendMonths: 3 });
    expect(customers).toBe(1);
    expect(kpis.receivables).toMatchObject({ total: '2300.00', current: '2000.00', pastDue: '300.00' });
    expect(kpis.dsoSimple.value).toBe('69.0');
    expect(kpis.cei.value).toBe('80.00');
    expect(kpis.aging.buckets.find((b) => b.key === '31-60')!.amount).toBe('300.00');
    expect(kpis.promiseKept).toMatchObject({ kept: 0, broken: 1, rate: '0.00' });
    expect(trend.map((p) => p.month)).toEqual(['2026-01', '2026-02', '2026-03']);
    // The SQL path gives exactly what the pure function gives on the same records.
    expect(kpis).toEqual(computeKpis({ ...facts, asOf: '2026-03-31', currency: 'EUR', periodDays: 90 }));
    expect(await tenantCurrencies(sql, t.tenant.id)).toEqual(['EUR', 'USD']);
  });

  it('is tenant-scoped and can be narrowed to one connection', async () => {
    const t = await seed();
    const other = await newTenant(sql);
    expect((await tenantKpis(sql, other.tenant.id, { asOf: '2026-03-31', currency: 'EUR' })).kpis.receivables.total).toBe('0.00');

    const second = await createConnection(sql, t.tenant.id, { provider: 'test' });
    await upsertDocuments(sql, { tenantId: t.tenant.id, connectionId: second.id, provider: 'test' }, 'invoice', [{ record: invoice('X', '2026-03-20', '2026-04-19', '50.00', '50.00'), raw: {} }]);
    const all = await tenantKpis(sql, t.tenant.id, { asOf: '2026-03-31', currency: 'EUR' });
    const first = await tenantKpis(sql, t.tenant.id, { asOf: '2026-03-31', currency: 'EUR', connectionId: t.connection.id });
    const only = await tenantKpis(sql, t.tenant.id, { asOf: '2026-03-31', currency: 'EUR', connectionId: second.id });
    expect([all.kpis.receivables.total, first.kpis.receivables.total, only.kpis.receivables.total]).toEqual(['2350.00', '2300.00', '50.00']);
    expect(only.kpis.promiseKept.broken).toBe(0);
    // Another tenant's connection id finds nothing.
    expect((await tenantKpis(sql, other.tenant.id, { asOf: '2026-03-31', currency: 'EUR', connectionId: t.connection.id })).kpis.receivables.total).toBe('0.00');
  });
});
