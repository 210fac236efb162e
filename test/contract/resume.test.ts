// Contract: a sync killed with SIGKILL mid-run and restarted ends with every record exactly once (simulators served over HTTP, child processes).
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { countDocuments, loadCursor } from '../../src/store/index.js';
import { ENTITIES, simulated } from '../support/contract.js';
import { useDatabase } from '../support/db.js';
import { TEST_SECRET_KEY, connectTo } from '../support/providers.js';

const sql = useDatabase();
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

function runChild(tenantId: string, connectionId: string, killAfterPages: number): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/run-ts.mjs', 'test/contract/fixtures/sync-child.ts', inject('databaseUrl'), tenantId, connectionId, TEST_SECRET_KEY.toString('base64')], {
      env: { ...process.env, RELANCE_KILL_AFTER_PAGES: String(killAfterPages) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

describe.each(simulated)('resume after SIGKILL: $provider', ({ connector, factory }) => {
  it('loses and duplicates nothing across two kills and a final run', { timeout: 180_000 }, async () => {
    // Several pages of invoices (six at QuickBooks' 1,000 a page), unless the provider's quota needs a smaller company
    // to finish within the limit (its simulator says so, and why). The child's gate runs on the wall clock at the
    // connector's declared pace, so the simulator's own quotas are lifted.
    const size = { customers: 60, invoices: 5500, payments: 1200, creditNotes: 30, ...factory.contractSizes?.resume };
    const served = await factory.serve({ seed: 5, ...size, port: 0 });
    closers.push(() => served.close());
    const sim = served.simulator;
    sim.liftQuotas();
    const s = sim.scenario;
    const t = await connectTo(sql, connector, sim);
    const first = await runChild(t.tenant.id, t.connection.id, 3);
    expect(first.signal, first.out).toBe('SIGKILL');
    expect(await countDocuments(sql, t.tenant.id, 'invoice')).toBeLessThan(s.receivables('invoice').length);
    // Streams run in parallel: at least one has committed pages and its cursor.
    const cursors = await Promise.all(['customers', 'invoices', 'credit_notes', 'payments'].map((stream) => loadCursor(sql, t.tenant.id, t.connection.id, stream)));
    expect(cursors.some((x) => x !== null)).toBe(true);

    // A record created while we are down.
    const created = s.createInvoice({ customerId: s.invoice(s.openInvoices()[0]!)!.customerId, total: '99.00' });

    const second = await runChild(t.tenant.id, t.connection.id, 4);
    expect(second.signal, second.out).toBe('SIGKILL');
    const last = await runChild(t.tenant.id, t.connection.id, 0);
    expect(last.code, last.out).toBe(0);
    expect(s.receivables('invoice')).toContain(created);
    for (const entity of ENTITIES) expect(await countDocuments(sql, t.tenant.id, entity), entity).toBe(s.receivables(entity).length);
    for (const table of ['customers', 'invoices', 'credit_notes', 'payments']) {
      const [dupes] = await sql.unsafe<{ n: number }[]>(
        `select count(*)::int as n from (select external_id from ${table} where tenant_id = $1 group by external_id having count(*) > 1) d`,
        [t.tenant.id],
      );
      expect(dupes!.n, table).toBe(0);
    }
  });
});
