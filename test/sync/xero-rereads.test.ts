// Xero re-reads by id: credit notes and payments past the first 1,000 stay live, on a simulator that ignores IDs there as Xero does.
import { describe, expect, it } from 'vitest';
import { xero } from '../../connectors/xero/index.js';
import { createXeroSimulator } from '../../connectors/xero/simulator/index.js';
import { UnfilteredAnswer } from '../../src/connectors/errors.js';
import { createProviderHttp } from '../../src/connectors/http.js';
import { createMemoryRateGate } from '../../src/connectors/rate-gate.js';
import { ConnectorRegistry } from '../../src/connectors/registry.js';
import { createTokenSource } from '../../src/connectors/tokens.js';
import type { Connector } from '../../src/connectors/types.js';
import { listDocuments } from '../../src/store/index.js';
import { syncConnection, syncRecords } from '../../src/sync/engine.js';
import { useDatabase } from '../support/db.js';
import { TEST_SECRET_KEY, connectTo, syncDeps, useSimulator } from '../support/providers.js';

const sql = useDatabase();
// More than one page of 1,000 credit notes and payments: an unfiltered first page cannot hold the last ones.
const { sim } = useSimulator(createXeroSimulator({ seed: 19, customers: 30, invoices: 1400, bills: 0, creditNotes: 1150, payments: 1150, limits: { perMinute: 100_000, perDay: 1_000_000, appPerMinute: 1_000_000 } }));
const deps = syncDeps(sql);

/** The receivable records of an entity in Xero's default list order (creation order): what an unfiltered page 1 serves. */
const listed = (entity: 'CreditNote' | 'Payment', key: string) =>
  sim.data
    .list(entity)
    .filter((r) => (entity === 'CreditNote' ? r['Type'] === 'ACCRECCREDIT' : r['PaymentType'] === 'ACCRECPAYMENT'))
    .map((r) => ({ id: String(r[key]), status: String(r['Status']) }));

describe('Xero re-reads by id', () => {
  it('keeps a live credit note and a live payment past the first 1,000 when a change re-reads them', async () => {
    const credits = listed('CreditNote', 'CreditNoteID');
    const payments = listed('Payment', 'PaymentID');
    expect(sim.data.count('CreditNote')).toBeGreaterThan(1000);
    expect(sim.data.count('Payment')).toBeGreaterThan(1000);
    // The simulator ignores IDs on these endpoints, as Xero does: page 1 is the first 1,000 whatever the ids.
    const lateCredit = credits.slice(1000).find((c) => c.status === 'AUTHORISED' || c.status === 'PAID')!;
    const latePayment = payments.slice(1000).find((p) => p.status === 'AUTHORISED')!;
    expect(lateCredit && latePayment).toBeTruthy();

    const c = await connectTo(sql, xero, sim);
    expect((await syncConnection(deps, c.tenant.id, c.connection.id)).status).toBe('ok');
    const before = (await listDocuments(sql, c.tenant.id, 'credit_note', { externalIds: [lateCredit.id] }))[0]!.record;
    expect(before.status).not.toBe('void');

    sim.stats.reset();
    const report = await syncRecords(deps, c.tenant.id, c.connection.id, { credit_notes: [lateCredit.id], payments: [latePayment.id] });
    expect(report.streams.map((s) => s.deleted)).toEqual([0, 0]);
    expect((await listDocuments(sql, c.tenant.id, 'credit_note', { externalIds: [lateCredit.id] }))[0]!.record.status).toBe(before.status);
    expect((await listDocuments(sql, c.tenant.id, 'payment', { externalIds: [latePayment.id] }))[0]!.record.status).toBe('posted');
    // One documented single read each, no list of 1,000 downloaded per webhook.
    expect(sim.stats.byRoute['GET /CreditNotes/{id}']).toBe(1);
    expect(sim.stats.byRoute['GET /Payments/{id}']).toBe(1);
    expect(sim.stats.byRoute['GET /CreditNotes'] ?? 0).toBe(0);
    expect(sim.stats.byRoute['GET /Payments'] ?? 0).toBe(0);
  });

  it('calls an id gone only on a 404, and keeps a voided credit note as a void record', async () => {
    const c = await connectTo(sql, xero, sim);
    const tokens = createTokenSource({ sql, secretKey: TEST_SECRET_KEY, connector: xero, client: c.client, tenantId: c.tenant.id, connectionId: c.connection.id });
    const ctx = { http: createProviderHttp({ connector: xero, client: c.client, externalTenantId: c.externalTenantId, tokens, gate: createMemoryRateGate() }), externalTenantId: c.externalTenantId, now: () => new Date() };
    const voided = listed('CreditNote', 'CreditNoteID').find((x) => x.status === 'VOIDED' || x.status === 'DELETED');
    const live = listed('CreditNote', 'CreditNoteID')[1100]!;
    const unknown = '00000000-0000-4000-8000-000000000019';
    const got = await xero.streams.credit_notes.fetchByIds(ctx, [live.id, unknown, ...(voided ? [voided.id] : [])]);
    expect(got.deleted).toEqual([unknown]);
    expect(got.records.map((r) => xero.streams.credit_notes.idOf(r))).toEqual([live.id, ...(voided ? [voided.id] : [])]);
  });

  it('refuses to infer deletions from a re-read that answered other records than those asked for', async () => {
    const c = await connectTo(sql, xero, sim);
    expect((await syncConnection(deps, c.tenant.id, c.connection.id, { streams: ['credit_notes'] })).status).toBe('ok');
    const [asked, other] = listed('CreditNote', 'CreditNoteID').slice(1100);
    // A connector that trusts an unfiltered answer, as the IDs re-read did: the engine stops it before any write.
    const careless: Connector = {
      ...xero,
      streams: { ...xero.streams, credit_notes: { ...xero.streams.credit_notes, fetchByIds: async () => ({ records: [sim.data.get('CreditNote', other!.id)], deleted: [asked!.id] }) } },
    };
    const carelessDeps = syncDeps(sql, { registry: new ConnectorRegistry([careless]) });
    await expect(syncRecords(carelessDeps, c.tenant.id, c.connection.id, { credit_notes: [asked!.id] })).rejects.toBeInstanceOf(UnfilteredAnswer);
    expect((await listDocuments(sql, c.tenant.id, 'credit_note', { externalIds: [asked!.id] }))[0]!.record.status).not.toBe('void');
  });
});
