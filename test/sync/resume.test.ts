// A sync killed with SIGKILL mid-run and restarted ends with every record exactly once (simulator served over HTTP, child processes).
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { countDocuments, loadCursor } from '../../src/store/index.js';
import { startSimulatorServer } from '../simulators/quickbooks/index.js';
import { useDatabase } from '../support/db.js';
import { TEST_SECRET_KEY, connectQuickBooks } from '../support/quickbooks.js';

const sql = useDatabase();
let served: Awaited<ReturnType<typeof startSimulatorServer>>;

beforeAll(async () => {
  served = await startSimulatorServer({ seed: 5, customers: 60, invoices: 6500, payments: 1200, creditNotes: 30, port: 0 });
});
afterAll(async () => {
  await served?.close();
});

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

describe('resume after SIGKILL', () => {
  it('loses and duplicates nothing across two kills and a final run', { timeout: 120_000 }, async () => {
    const sim = served.simulator;
    const c = await connectQuickBooks(sql, sim);
    const first = await runChild(c.tenant.id, c.connection.id, 3);
    expect(first.signal).toBe('SIGKILL');
    const partial = await countDocuments(sql, c.tenant.id, 'invoice');
    expect(partial).toBeLessThan(sim.data.count('Invoice'));
    // Streams run in parallel: at least one has committed pages and its cursor.
    const cursors = await Promise.all(['customers', 'invoices', 'credit_notes', 'payments'].map((s) => loadCursor(sql, c.tenant.id, c.connection.id, s)));
    expect(cursors.some((x) => x !== null)).toBe(true);

    // New records arrive while we are down.
    sim.data.create('Invoice', { CustomerRef: { value: String(sim.data.list('Customer')[0]!['Id']) }, Line: [{ Amount: 99, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '1' } } }] });

    const second = await runChild(c.tenant.id, c.connection.id, 4);
    expect(second.signal).toBe('SIGKILL');
    const last = await runChild(c.tenant.id, c.connection.id, 0);
    expect(last.code, last.out).toBe(0);
    for (const [entity, qbo] of [['invoice', 'Invoice'], ['payment', 'Payment'], ['customer', 'Customer'], ['credit_note', 'CreditMemo']] as const) {
      expect(await countDocuments(sql, c.tenant.id, entity), entity).toBe(sim.data.count(qbo));
    }
    const [dupes] = await sql<{ n: number }[]>`
      select count(*)::int as n from (select external_id from invoices where tenant_id = ${c.tenant.id} group by external_id having count(*) > 1) d`;
    expect(dupes!.n).toBe(0);
  });
});
