// A sync killed with SIGKILL mid-run and restarted ends with every record exactly once (simulators served over HTTP, child processes).
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { quickbooks } from '../../connectors/quickbooks/index.js';
import { xero } from '../../connectors/xero/index.js';
import type { Connector } from '../../src/connectors/types.js';
import type { EntityKind } from '../../src/model/index.js';
import { countDocuments, loadCursor } from '../../src/store/index.js';
import { startSimulatorServer as serveQuickBooks } from '../../connectors/quickbooks/simulator/index.js';
import { startSimulatorServer as serveXero } from '../../connectors/xero/simulator/index.js';
import { useDatabase } from '../support/db.js';
import type { ProviderSimulator } from '../../src/simulator/types.js';
import { TEST_SECRET_KEY, connectTo } from '../support/providers.js';

const sql = useDatabase();
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

type Json = Record<string, unknown>;
interface Case {
  connector: Connector;
  serve(): Promise<{ close(): Promise<void>; simulator: ProviderSimulator & { data: { list(e: string): Json[]; create(e: string, b: Json): Json } } }>;
  /** Records the sync must end with, per entity, computed from the simulator's own data. */
  expected(list: (entity: string) => Json[]): Record<EntityKind, number>;
  newInvoice(list: (entity: string) => Json[]): [string, Json];
}

const cases: Case[] = [
  {
    connector: quickbooks,
    serve: () => serveQuickBooks({ seed: 5, customers: 60, invoices: 6500, payments: 1200, creditNotes: 30, port: 0 }),
    expected: (list) => ({ invoice: list('Invoice').length, payment: list('Payment').length, customer: list('Customer').length, credit_note: list('CreditMemo').length }),
    newInvoice: (list) => ['Invoice', { CustomerRef: { value: String(list('Customer')[0]!['Id']) }, Line: [{ Amount: 99, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '1' } } }] }],
  },
  {
    connector: xero,
    serve: () => serveXero({ seed: 5, customers: 60, invoices: 5500, payments: 1200, creditNotes: 30, port: 0, limits: { perMinute: 100_000, perDay: 1_000_000, appPerMinute: 1_000_000 } }),
    expected: (list) => ({
      invoice: list('Invoice').filter((i) => i['Type'] === 'ACCREC').length,
      payment: list('Payment').filter((p) => (p['PaymentType'] ?? 'ACCRECPAYMENT') === 'ACCRECPAYMENT').length,
      customer: list('Contact').length,
      credit_note: list('CreditNote').filter((c) => c['Type'] === 'ACCRECCREDIT').length,
    }),
    newInvoice: (list) => ['Invoice', { Type: 'ACCREC', Contact: { ContactID: String(list('Contact')[0]!['ContactID']) }, LineItems: [{ Description: 'Audit', Quantity: 1, UnitAmount: 99 }], Status: 'AUTHORISED' }],
  },
];

function runChild(tenantId: string, connectionId: string, killAfterPages: number): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/run-ts.mjs', 'test/sync/fixtures/sync-child.ts', inject('databaseUrl'), tenantId, connectionId, TEST_SECRET_KEY.toString('base64')], {
      env: { ...process.env, RELANCE_KILL_AFTER_PAGES: String(killAfterPages) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

describe.each(cases)('resume after SIGKILL: $connector.provider', (c) => {
  it('loses and duplicates nothing across two kills and a final run', { timeout: 180_000 }, async () => {
    const served = await c.serve();
    closers.push(() => served.close());
    const sim = served.simulator;
    const list = (e: string) => sim.data.list(e);
    const t = await connectTo(sql, c.connector, sim);
    const first = await runChild(t.tenant.id, t.connection.id, 3);
    expect(first.signal, first.out).toBe('SIGKILL');
    expect(await countDocuments(sql, t.tenant.id, 'invoice')).toBeLessThan(c.expected(list).invoice);
    // Streams run in parallel: at least one has committed pages and its cursor.
    const cursors = await Promise.all(['customers', 'invoices', 'credit_notes', 'payments'].map((s) => loadCursor(sql, t.tenant.id, t.connection.id, s)));
    expect(cursors.some((x) => x !== null)).toBe(true);

    // A record created while we are down.
    sim.data.create(...c.newInvoice(list));

    const second = await runChild(t.tenant.id, t.connection.id, 4);
    expect(second.signal, second.out).toBe('SIGKILL');
    const last = await runChild(t.tenant.id, t.connection.id, 0);
    expect(last.code, last.out).toBe(0);
    const expected = c.expected(list);
    for (const entity of ['invoice', 'payment', 'customer', 'credit_note'] as const) {
      expect(await countDocuments(sql, t.tenant.id, entity), entity).toBe(expected[entity]);
    }
    const [dupes] = await sql<{ n: number }[]>`
      select count(*)::int as n from (select external_id from invoices where tenant_id = ${t.tenant.id} group by external_id having count(*) > 1) d`;
    expect(dupes!.n).toBe(0);
  });
});
