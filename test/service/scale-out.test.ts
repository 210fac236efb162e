// Scale-out: 2 `relance work` + 1 `relance serve` on one Redis and one PostgreSQL sync 4 companies at once; one worker is SIGKILLed mid-run.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createBullQueue } from '../../src/queue/index.js';
import { countDocuments, listDocuments, loadCredentials, pendingInbox } from '../../src/store/index.js';
import { startSimulatorServer } from '../../connectors/quickbooks/simulator/index.js';
import { startCli, stopChild } from '../support/cli.js';
import { useIsolatedDatabase } from '../support/db.js';
import { freePort } from '../support/free-port.js';
import { TEST_SECRET_KEY, connectQuickBooks } from '../support/quickbooks.js';

// Its own database: the workers schedule every connection they find, and other files' connections point at
// simulators that live only in those files' processes (each sync of one spent seconds failing on DNS).
const { sql, url: databaseUrl } = useIsolatedDatabase();
type Served = Awaited<ReturnType<typeof startSimulatorServer>>;
const sims: Served[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  for (let i = 0; i < 4; i++) {
    sims.push(await startSimulatorServer({ seed: 40 + i, realmId: `93414550000000${40 + i}`, invoices: 2500, customers: 80, payments: 1200, creditNotes: 40, port: 0 }));
  }
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) await stopChild(c, 'SIGKILL');
  for (const s of sims) await s.close();
});

const until = async (what: string, check: () => Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

describe('two workers and a server', () => {
  it('sync four companies with quotas held, nothing lost or duplicated when a worker dies, webhooks through serve', { timeout: 180_000 }, async () => {
    const tenants: Awaited<ReturnType<typeof connectQuickBooks>>[] = [];
    for (const s of sims) tenants.push(await connectQuickBooks(sql, s.simulator));
    for (const s of sims) s.simulator.stats.reset();
    const port = await freePort();
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: inject('redisUrl'),
      RELANCE_SECRET_KEY: TEST_SECRET_KEY.toString('base64'),
      RELANCE_HOME: mkdtempSync(join(tmpdir(), 'relance-scale-')),
      QUEUE_LOCK_MS: '3000',
      LOG_LEVEL: 'info',
      PORT: String(port),
    };
    const workerA = await startCli(['work'], /Workers running/, { env });
    const workerB = await startCli(['work'], /Workers running/, { env });
    const server = await startCli(['serve'], /listening/, { env });
    children.push(workerA.child, workerB.child, server.child);

    const queue = createBullQueue(inject('redisUrl'));
    try {
      for (const t of tenants) {
        await queue.enqueue('sync', { tenantId: t.tenant.id, connectionId: t.connection.id, full: false }, { jobId: `sync:${t.connection.id}` });
      }
      // Kill one worker while the syncs run: its jobs go back to the other one once their lock lapses.
      await until('the first pages', async () => (await countDocuments(sql, tenants[0]!.tenant.id, 'invoice')) > 0, 60_000);
      await stopChild(workerA.child, 'SIGKILL');
      for (const t of tenants) {
        await queue.enqueue('reconcile', { tenantId: t.tenant.id, connectionId: t.connection.id });
      }
      await until(
        'every company fully synced',
        async () => {
          for (const [i, t] of tenants.entries()) {
            if ((await countDocuments(sql, t.tenant.id, 'invoice')) !== sims[i]!.simulator.data.count('Invoice')) return false;
            if ((await countDocuments(sql, t.tenant.id, 'payment')) !== sims[i]!.simulator.data.count('Payment')) return false;
          }
          return true;
        },
        150_000,
      );
      for (const s of sims) {
        expect(s.simulator.stats.throttled, 'no 429 from any company').toBe(0);
        expect(s.simulator.stats.maxConcurrent).toBeLessThanOrEqual(10);
      }
      const [dupes] = await sql<{ n: number }[]>`
        select count(*)::int as n from (select tenant_id, external_id from invoices where tenant_id = any(${tenants.map((t) => t.tenant.id)}) group by 1, 2 having count(*) > 1) d`;
      expect(dupes!.n).toBe(0);

      // A webhook through `serve` reaches the surviving worker and the change lands.
      const t0 = tenants[0]!;
      const sim0 = sims[0]!.simulator;
      const target = sim0.data.list('Invoice').find((i) => Number(i['Balance']) > 0)!;
      sim0.data.update('Invoice', String(target['Id']), { DueDate: '2027-03-31' });
      const delivery = sim0.webhooks.build({ format: 'classic', events: sim0.webhooks.drain() });
      const res = await fetch(`http://127.0.0.1:${port}/webhooks/quickbooks/${t0.connection.id}`, { method: 'POST', body: delivery.body, headers: delivery.headers });
      expect(res.status).toBe(200);
      await until(
        'the webhook change',
        async () =>
          (await listDocuments(sql, t0.tenant.id, 'invoice', { externalIds: [String(target['Id'])] }))[0]?.record.dueDate === '2027-03-31' &&
          (await pendingInbox(sql, t0.tenant.id)).length === 0,
        60_000,
      ).catch(async (err: Error) => {
        const msgs = workerB.output().split('\n').filter((l) => /webhook|failed|warn|error/i.test(l)).slice(-15).join('\n');
        throw new Error(`${err.message}\nqueue: ${JSON.stringify(await queue.counts())}\n--- worker B ---\n${msgs}\n--- serve ---\n${server.output().slice(-1500)}`);
      });

      // Logs are JSON lines carrying tenant and connection ids, and never a token.
      const logs = workerA.output() + workerB.output() + server.output();
      const lines = logs.split('\n').filter((l) => l.startsWith('{'));
      const finished = lines.map((l) => JSON.parse(l) as { msg?: string; tenantId?: string; connectionId?: string }).filter((l) => l.msg === 'sync finished');
      expect(finished.length).toBeGreaterThan(0);
      expect(finished.every((l) => l.tenantId && l.connectionId)).toBe(true);
      for (const t of tenants) {
        const tokens = await loadCredentials<{ accessToken: string; refreshToken: string }>(sql, TEST_SECRET_KEY, t.tenant.id, t.connection.id);
        expect(logs).not.toContain(tokens!.accessToken);
        expect(logs).not.toContain(tokens!.refreshToken);
      }
    } finally {
      await queue.close();
    }
  });
});
