// Xero end to end against the simulator and a real PostgreSQL: the QuickBooks scenarios again, plus Xero's own (bills ignored, daily limit, History notes).
import { describe, expect, it } from 'vitest';
import { xero } from '../../connectors/xero/index.js';
import { createProviderHttp } from '../../src/connectors/http.js';
import { createMemoryRateGate } from '../../src/connectors/rate-gate.js';
import { createTokenSource } from '../../src/connectors/tokens.js';
import { countDocuments, getConnection, listDocuments, listQuarantine } from '../../src/store/index.js';
import { syncConnection, syncRecords } from '../../src/sync/engine.js';
import { createXeroSimulator } from '../../connectors/xero/simulator/index.js';
import { useDatabase } from '../support/db.js';
import { TEST_SECRET_KEY, connectTo, syncDeps, useSimulator } from '../support/providers.js';

const sql = useDatabase();
// The gate runs on a virtual clock here (fastGate), so the simulator's own windows are lifted; 429s are injected.
const { sim } = useSimulator(createXeroSimulator({ seed: 12, customers: 40, invoices: 2100, creditNotes: 30, payments: 700, limits: { perMinute: 100_000, perDay: 1_000_000, appPerMinute: 1_000_000 } }));
const deps = syncDeps(sql);

const receivables = () => sim.data.list('Invoice').filter((i) => i['Type'] === 'ACCREC');
const invoiceById = async (tenantId: string, id: string) => (await listDocuments(sql, tenantId, 'invoice', { externalIds: [id] }))[0]?.record;

describe('Xero sync', () => {
  it('reads every receivable on a full sync, ignores supplier bills, and maps dates and amounts', async () => {
    const c = await connectTo(sql, xero, sim);
    const report = await syncConnection(deps, c.tenant.id, c.connection.id);
    expect(report.status, report.error ?? '').toBe('ok');
    expect(sim.data.list('Invoice').some((i) => i['Type'] === 'ACCPAY')).toBe(true);
    expect(await countDocuments(sql, c.tenant.id, 'invoice')).toBe(receivables().length);
    expect(await countDocuments(sql, c.tenant.id, 'customer')).toBe(sim.data.count('Contact'));
    const raw = receivables()[3]!;
    const stored = await invoiceById(c.tenant.id, String(raw['InvoiceID']));
    expect(stored).toMatchObject({ number: raw['InvoiceNumber'], dueDate: String(raw['DueDateString']).slice(0, 10), issueDate: String(raw['DateString']).slice(0, 10), amountDue: Number(raw['AmountDue']).toFixed(2), total: Number(raw['Total']).toFixed(2) });
    expect(report.streams.find((s) => s.stream === 'invoices')!.pages).toBeGreaterThanOrEqual(3);
  });

  it('applies updates, payments, voids and deletions on the next incremental sync (If-Modified-Since)', async () => {
    const c = await connectTo(sql, xero, sim);
    await syncConnection(deps, c.tenant.id, c.connection.id);
    const open = receivables().filter((i) => i['Status'] === 'AUTHORISED' && Number(i['AmountPaid']) === 0 && Number(i['AmountCredited'] ?? 0) === 0);
    const [a, b, v, d] = open;
    sim.data.update('Invoice', String(a!['InvoiceID']), { DueDate: '2026-12-31' });
    sim.data.pay(String(b!['InvoiceID']), '5.00');
    sim.data.void('Invoice', String(v!['InvoiceID']));
    sim.data.remove('Invoice', String(d!['InvoiceID']));
    sim.stats.reset();
    const report = await syncConnection(deps, c.tenant.id, c.connection.id);
    expect(report.status, report.error ?? '').toBe('ok');
    expect(sim.stats.withIfModifiedSince).toBeGreaterThan(0);
    expect(report.requests).toBeLessThanOrEqual(10);
    expect((await invoiceById(c.tenant.id, String(a!['InvoiceID'])))!.dueDate).toBe('2026-12-31');
    expect((await invoiceById(c.tenant.id, String(b!['InvoiceID'])))!.amountDue).toBe((Number(b!['AmountDue']) - 5).toFixed(2));
    expect((await invoiceById(c.tenant.id, String(v!['InvoiceID'])))!.status).toBe('void');
    expect((await invoiceById(c.tenant.id, String(d!['InvoiceID'])))!.status).toBe('void');
  });

  it('re-reads the records a webhook names', async () => {
    const c = await connectTo(sql, xero, sim);
    await syncConnection(deps, c.tenant.id, c.connection.id);
    const inv = receivables().find((i) => i['Status'] === 'AUTHORISED' && Number(i['AmountPaid']) === 0)!;
    sim.data.update('Invoice', String(inv['InvoiceID']), { DueDate: '2027-01-15' });
    const report = await syncRecords(deps, c.tenant.id, c.connection.id, { invoices: [String(inv['InvoiceID'])] });
    expect(report.streams[0]).toMatchObject({ stream: 'invoices', records: 1, updated: 1 });
    expect((await invoiceById(c.tenant.id, String(inv['InvoiceID'])))!.dueDate).toBe('2027-01-15');
  });

  it('quarantines a malformed record with its path and raw payload, and carries on', async () => {
    const c = await connectTo(sql, xero, sim);
    const bad = receivables()[9]!;
    sim.faults.corrupt('Invoice', String(bad['InvoiceID']));
    const report = await syncConnection(deps, c.tenant.id, c.connection.id, { streams: ['invoices'] });
    expect(report.status).toBe('ok');
    const entry = (await listQuarantine(sql, c.tenant.id, { connectionId: c.connection.id })).find((e) => e.external_id === String(bad['InvoiceID']));
    expect(entry?.reason).toMatch(/abc/);
    expect((entry!.raw as { InvoiceID: string }).InvoiceID).toBe(String(bad['InvoiceID']));
  });

  it('honours Retry-After on a minute 429, and pauses the connection with a visible status when the daily limit is spent', async () => {
    const c = await connectTo(sql, xero, sim);
    sim.faults.throttleNext(1, { problem: 'minute', retryAfter: 7 });
    const ok = await syncConnection(deps, c.tenant.id, c.connection.id, { streams: ['customers'] });
    expect(ok.status).toBe('ok');
    expect(ok.throttled).toBe(1);
    sim.faults.throttleNext(1, { problem: 'day', retryAfter: 3600 });
    sim.stats.reset();
    const spent = await syncConnection(deps, c.tenant.id, c.connection.id, { streams: ['customers'] });
    expect(spent.status).toBe('failed');
    // No retry storm: one request, then the connection waits for the reset.
    expect(sim.stats.requests).toBe(1);
    const connection = await getConnection(sql, c.tenant.id, c.connection.id);
    expect(connection!.status).toBe('paused');
    expect(connection!.statusDetail).toMatch(/resumes automatically at \d{4}-\d\d-\d\dT/);
  });

  it('writes one History note per status change, never twice on a retry, and the promised date where Xero accepts it', async () => {
    const c = await connectTo(sql, xero, sim);
    const inv = receivables().find((i) => i['Status'] === 'AUTHORISED' && Number(i['AmountPaid']) === 0 && Number(i['AmountCredited'] ?? 0) === 0)!;
    const id = String(inv['InvoiceID']);
    const tokens = createTokenSource({ sql, secretKey: TEST_SECRET_KEY, connector: xero, client: c.client, tenantId: c.tenant.id, connectionId: c.connection.id });
    const ctx = { http: createProviderHttp({ connector: xero, client: c.client, externalTenantId: c.externalTenantId, tokens, gate: createMemoryRateGate() }), externalTenantId: c.externalTenantId, now: () => new Date() };
    const status = { key: `${c.tenant.id}|inv:${id}|reminder-1|v1`, step: 'reminder-1', channel: 'email', date: '2026-11-22', summary: 'Relance 1 envoyée à compta@client.fr', promisedPaymentDate: '2026-12-05' };
    expect((await xero.writeback!.writeStatus(ctx, id, status)).alreadyPresent).toBe(false);
    expect((await xero.writeback!.writeStatus(ctx, id, status)).alreadyPresent).toBe(true);
    await xero.writeback!.writeStatus(ctx, id, { ...status, key: `${c.tenant.id}|inv:${id}|reminder-2|v1`, step: 'reminder-2', promisedPaymentDate: null, summary: 'x'.repeat(600) });
    const notes = sim.data.history('Invoice', id).filter((h) => h['Changes'] === 'Note').map((h) => String(h['Details']));
    expect(notes).toHaveLength(2);
    expect(notes.every((n) => n.length <= 250)).toBe(true);
    expect(String(sim.data.get('Invoice', id)!['ExpectedPaymentDate'] ?? sim.data.get('Invoice', id)!['ExpectedPaymentDateString'])).toContain(String(Date.UTC(2026, 11, 5)).slice(0, 6));
  });
});
