// Two `relance work` processes, each with its own PostgreSQL pool, evaluate and send for the same company at once:
// the SMTP server receives each reminder exactly once (the outbox claim is the guard, not the queue's deduplication).
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatorServer } from '../../connectors/quickbooks/simulator/index.js';
import { createBullQueue } from '../../src/queue/index.js';
import { FRENCH_B2B_POLICY } from '../../src/rules/default-policies.js';
import { savePolicy } from '../../src/store/policies.js';
import { startSmtpSink, type SmtpSink } from '../actions/smtp-sink.js';
import { startCli, stopChild } from '../support/cli.js';
import { useIsolatedDatabase } from '../support/db.js';
import { TEST_SECRET_KEY, connectQuickBooks } from '../support/quickbooks.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { switchSendingOn } from '../support/sending.js';

// Its own database and Redis: the workers schedule every connection they find and take every job on the queue.
const { sql, url: databaseUrl } = useIsolatedDatabase();
let redis: RedisServer;
let sink: SmtpSink;
let served: Awaited<ReturnType<typeof startSimulatorServer>>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  sink = await startSmtpSink();
  // A mail server that takes its time to accept (as a busy one does): each send stays in flight long enough for the
  // other process to reach the same reminder, so the race this test is about takes place.
  sink.onAccepted = () => new Promise((r) => setTimeout(r, 300));
  // Customers with overdue invoices: the evaluation plans one reminder per customer and currency.
  served = await startSimulatorServer({ seed: 29, realmId: '9341455000000029', invoices: 120, customers: 30, payments: 0, creditNotes: 0, port: 0 });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) await stopChild(c, 'SIGKILL');
  await served?.close();
  await sink?.stop();
  await redis?.stop();
});

const until = async (what: string, check: () => Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

type Row = { idempotency_key: string; kind: string; state: string; last_error: string | null; message_id: string | null };

describe('two work processes on two PostgreSQL pools', () => {
  it('never send a reminder twice when both evaluate and send for the same company at once', { timeout: 180_000 }, async () => {
    const t = await connectQuickBooks(sql, served.simulator);
    // Any hour, any day: the test runs whenever it runs, and the race is about the claim, not the send window.
    await savePolicy(sql, t.tenant.id, 'fr-always', { ...FRENCH_B2B_POLICY, calendar: 'none', sendWindow: { startHour: 0, endHour: 24, businessDaysOnly: false } });
    const home = mkdtempSync(join(tmpdir(), 'relance-double-send-'));
    chmodSync(home, 0o755);
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      RELANCE_SECRET_KEY: TEST_SECRET_KEY.toString('base64'),
      RELANCE_HOME: home,
      SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      SMTP_FROM: 'Atelier Dupont <compta@atelier-dupont.example>',
      LOG_LEVEL: 'info',
    };
    // Two processes: two pools, two SMTP transports. Sending is still off, so whatever they plan waits.
    const a = await startCli(['work'], /Workers running/, { env });
    children.push(a.child);
    const b = await startCli(['work'], /Workers running/, { env });
    children.push(b.child);
    const planned = async () => (await sql<{ n: number }[]>`select count(*)::int as n from outbox where tenant_id = ${t.tenant.id} and kind = 'email'`)[0]!.n;
    // The start-up sync, then its evaluation.
    await until('the first evaluation', async () => (await planned()) > 0, 90_000);

    const queue = createBullQueue(redis.url);
    try {
      // Both processes evaluate at once (no deduplication id: the queue hands them to whichever worker is free)...
      for (let i = 0; i < 6; i++) await queue.enqueue('evaluate', { tenantId: t.tenant.id, connectionId: t.connection.id });
      await until('the evaluations', async () => (await queue.counts()).waiting + (await queue.counts()).active === 0, 60_000);
      const reminders = await planned();
      expect(reminders).toBeGreaterThanOrEqual(5);
      // ...then both send at once: sending switched on, eight executor runs for the same company on two processes.
      await switchSendingOn(sql, t.tenant.id, t.connection.id);
      for (let i = 0; i < 8; i++) await queue.enqueue('actions', { tenantId: t.tenant.id });
      // Settled: nothing planned is left and both processes are idle (an item stuck in `sending` fails below, by name).
      const idle = async () => {
        const c = await queue.counts();
        return c.waiting + c.active === 0;
      };
      await until(
        'every reminder handled',
        async () => (await sql<{ n: number }[]>`select count(*)::int as n from outbox where tenant_id = ${t.tenant.id} and state = 'planned'`)[0]!.n === 0 && (await idle()),
        120_000,
      ).catch((err: Error) => {
        throw new Error(`${err.message}\n--- A ---\n${a.output().slice(-2000)}\n--- B ---\n${b.output().slice(-2000)}`);
      });
    } finally {
      await queue.close();
    }

    const rows = await sql<Row[]>`select idempotency_key, kind, state, last_error, result->>'messageId' as message_id from outbox where tenant_id = ${t.tenant.id} and kind = 'email' order by id`;
    // Exactly once at the SMTP server: no Message-ID twice, one message per sent reminder.
    const ids = sink.messages.map((m) => m.messageId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i), 'Message-IDs received twice').toEqual([]);
    // The seeded company has a few customers without an email address: theirs fail with that reason, nothing else fails.
    expect(rows.filter((r) => r.state !== 'sent').map((r) => `${r.state}: ${r.last_error ?? ''}`).filter((e) => !/^failed: .*has no email address/.test(e))).toEqual([]);
    const sent = rows.filter((r) => r.state === 'sent');
    expect(sent.length).toBeGreaterThanOrEqual(5);
    expect(sink.messages).toHaveLength(sent.length);
    for (const r of sent) expect(ids.filter((id) => id === r.message_id), r.idempotency_key).toHaveLength(1);
    // Both processes ran the executor for this company (the race took place): each logged its runs.
    const runs = (out: string) => out.split('\n').filter((l) => l.includes('"actions executed"') && l.includes(t.tenant.id));
    expect(runs(a.output()).length).toBeGreaterThan(0);
    expect(runs(b.output()).length).toBeGreaterThan(0);
  });
});
