// Xero end to end against the simulator and a real PostgreSQL: what only Xero does (MS-JSON dates, daily limit, History notes). The shared scenarios are in test/contract.
import { describe, expect, it } from 'vitest';
import { xero } from '../../connectors/xero/index.js';
import { createProviderHttp } from '../../src/connectors/http.js';
import { createMemoryRateGate } from '../../src/connectors/rate-gate.js';
import { createTokenSource } from '../../src/connectors/tokens.js';
import { countDocuments, getConnection, listDocuments } from '../../src/store/index.js';
import { syncConnection } from '../../src/sync/engine.js';
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
  it('pages a full sync of receivables (bills left out) and maps dates and amounts field by field', async () => {
    const c = await connectTo(sql, xero, sim);
    const report = await syncConnection(deps, c.tenant.id, c.connection.id);
    expect(report.status, report.error ?? '').toBe('ok');
    expect(sim.data.list('Invoice').some((i) => i['Type'] === 'ACCPAY')).toBe(true);
    expect(await countDocuments(sql, c.tenant.id, 'invoice')).toBe(receivables().length);
    const raw = receivables()[3]!;
    const stored = await invoiceById(c.tenant.id, String(raw['InvoiceID']));
    expect(stored).toMatchObject({ number: raw['InvoiceNumber'], dueDate: String(raw['DueDateString']).slice(0, 10), issueDate: String(raw['DateString']).slice(0, 10), amountDue: Number(raw['AmountDue']).toFixed(2), total: Number(raw['Total']).toFixed(2) });
    expect(report.streams.find((s) => s.stream === 'invoices')!.pages).toBeGreaterThanOrEqual(3);
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
    expect(spent.status).toBe('paused');
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
