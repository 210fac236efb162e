// Crash safety: a worker SIGKILLed at each transition point, then restarted, leaves 0 duplicate and 0 lost messages at the SMTP server.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getLetter, listActivity } from '../../src/store/activity.js';
import { listInDoubt, settleInDoubt } from '../../src/actions/in-doubt.js';
import { useDatabase } from '../support/db.js';
import { NOW, customer, invoice, outboxRows, plan, seed, type Seeded } from './fixtures.js';
import { useSmtpSink } from './smtp-sink.js';

const sql = useDatabase();
const sink = useSmtpSink();

function runWorker(env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/run-ts.mjs', 'test/actions/crash-worker.ts'], { cwd: process.cwd(), env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, out, err }));
  });
}

const EMAILS = 4;

/** Four email reminders (D+6) and one mise en demeure (D+31), each customer with its own address. */
async function scenario(tag: string): Promise<Seeded & { keys: string[] }> {
  const customers = Array.from({ length: EMAILS }, (_, n) => customer(`${tag}${n}`, { email: `${tag}${n}@crash.example` }));
  customers.push(customer(`${tag}L`, { email: `${tag}L@crash.example` }));
  const invoices = customers.map((c, n) => invoice(`${tag}-i${n}`, c.externalId, n === EMAILS ? { dueDate: '2026-02-13' } : {}));
  // The last customer was reminded and firmly reminded before, so its formal notice is due.
  const s = await seed(sql, { customers, invoices, delivered: { [`${tag}-i${EMAILS}`]: { 'reminder-1': '2026-02-16', 'reminder-2': '2026-02-20', firm: '2026-02-27' } } });
  const run = await plan(sql, s);
  expect(run.keys).toHaveLength(EMAILS + 1);
  return { ...s, keys: run.keys };
}

const cases: Array<{ point: 'claimed' | 'accepted' | 'recorded'; on: number; reconcile: boolean; concurrency: number }> = [
  { point: 'claimed', on: 2, reconcile: true, concurrency: 1 },
  { point: 'accepted', on: 2, reconcile: true, concurrency: 1 },
  { point: 'recorded', on: 2, reconcile: true, concurrency: 1 },
  { point: 'accepted', on: 5, reconcile: true, concurrency: 1 }, // the letter: stored and announced, not yet recorded as sent
  { point: 'accepted', on: 2, reconcile: true, concurrency: 4 }, // several items in flight when the process dies
];

describe('crash safety', () => {
  for (const c of cases) {
    it(`killed at "${c.point}" of item ${c.on} (${c.concurrency} in flight), restarted: every message exactly once`, async () => {
      const tag = `k${c.point[0]}${c.on}c${c.concurrency}`;
      const s = await scenario(tag);
      const env = { DATABASE_URL: inject('databaseUrl'), SMTP_PORT: String(sink.port), TENANT_ID: s.tenantId, NOW: NOW.toISOString(), CONCURRENCY: String(c.concurrency), ...(c.reconcile ? { LOOKUP_URL: sink.lookupUrl } : {}) };
      const killed = await runWorker({ ...env, CRASH_AT: c.point, CRASH_ON: String(c.on) });
      expect(killed.signal).toBe('SIGKILL');
      const planned = (rows: Awaited<ReturnType<typeof outboxRows>>) => rows.filter((r) => s.keys.includes(r.idempotency_key));
      const mid = planned(await outboxRows(sql, s.tenantId));
      const sending = mid.filter((r) => r.state === 'sending');
      if (c.concurrency === 1) {
        expect(sending).toHaveLength(c.point === 'recorded' ? 0 : 1);
        // Which item is n-th depends on claim order, which a busy database may interleave; the letter case is item 5.
        if (sending[0]) expect(c.on > EMAILS ? ['letter'] : ['email', 'letter']).toContain(sending[0].kind);
      } else expect(sending.length).toBeGreaterThanOrEqual(1);

      const restarted = await runWorker(env);
      expect(restarted.err).toBe('');
      expect(restarted.code).toBe(0);

      const got = sink.messages.filter((m) => m.rcptTo[0]?.startsWith(tag));
      const ids = new Set(got.map((m) => m.messageId));
      expect(ids.size).toBe(EMAILS); // 0 lost
      expect(got).toHaveLength(EMAILS); // 0 duplicate
      const rows = planned(await outboxRows(sql, s.tenantId));
      expect(rows.map((r) => r.state)).toEqual(Array(EMAILS + 1).fill('sent'));
      const sentActs = (await listActivity(sql, s.tenantId)).filter((a) => a.kind === 'sent');
      expect(sentActs).toHaveLength(EMAILS + 1);
      const letterKey = rows.find((r) => r.kind === 'letter')!.idempotency_key;
      expect((await getLetter(sql, s.tenantId, letterKey))?.sha256).toBe((rows.find((r) => r.kind === 'letter')!.result as { sha256: string }).sha256);
      if (c.point === 'accepted' && c.on <= EMAILS && c.concurrency === 1) expect(JSON.parse(restarted.out).summary).toMatchObject({ reconciled: 1 });
    });
  }

  it('without a reconciler, an email accepted before the crash is resent with the SAME Message-ID and logged as in doubt', async () => {
    const s = await scenario('nr');
    const env = { DATABASE_URL: inject('databaseUrl'), SMTP_PORT: String(sink.port), TENANT_ID: s.tenantId, NOW: NOW.toISOString(), CONCURRENCY: '1' };
    expect((await runWorker({ ...env, CRASH_AT: 'accepted', CRASH_ON: '1' })).signal).toBe('SIGKILL');
    expect((await runWorker(env)).code).toBe(0);
    const got = sink.messages.filter((m) => m.rcptTo[0]?.startsWith('nr'));
    expect(new Set(got.map((m) => m.messageId)).size).toBe(EMAILS);
    // One transport-level copy, same Message-ID as the first: receivers that dedupe on it see one message.
    expect(got).toHaveLength(EMAILS + 1);
    const dup = got.filter((m) => got.filter((x) => x.messageId === m.messageId).length > 1);
    expect(dup).toHaveLength(2);
    expect(dup[0]!.text).toBe(dup[1]!.text);
    expect((await listActivity(sql, s.tenantId)).filter((a) => a.kind === 'resent_in_doubt')).toHaveLength(1);
  });

  it('without a reconciler, an email whose worker died before handing it to the server is sent once, not in doubt', async () => {
    const s = await scenario('nc');
    const env = { DATABASE_URL: inject('databaseUrl'), SMTP_PORT: String(sink.port), TENANT_ID: s.tenantId, NOW: NOW.toISOString(), CONCURRENCY: '1', IN_DOUBT: 'fail' };
    expect((await runWorker({ ...env, CRASH_AT: 'claimed', CRASH_ON: '1' })).signal).toBe('SIGKILL');
    const restarted = await runWorker(env);
    expect(restarted.code).toBe(0);
    const got = sink.messages.filter((m) => m.rcptTo[0]?.startsWith('nc'));
    expect(got).toHaveLength(EMAILS);
    expect(new Set(got.map((m) => m.messageId)).size).toBe(EMAILS);
    expect(JSON.parse(restarted.out).summary).toMatchObject({ failed: 0, resentInDoubt: 0 });
    const rows = (await outboxRows(sql, s.tenantId)).filter((r) => s.keys.includes(r.idempotency_key));
    expect(rows.map((r) => r.state)).toEqual(Array(EMAILS + 1).fill('sent'));
  });

  it("with inDoubt 'fail', an email whose worker died with the message on the wire but its end held is sent once, not in doubt", async () => {
    const s = await scenario('nw');
    const env = { DATABASE_URL: inject('databaseUrl'), SMTP_PORT: String(sink.port), TENANT_ID: s.tenantId, NOW: NOW.toISOString(), CONCURRENCY: '1', IN_DOUBT: 'fail' };
    const seen = sink.dataStarted;
    expect((await runWorker({ ...env, CRASH_AT: 'handing', CRASH_ON: '1' })).signal).toBe('SIGKILL');
    // The server had begun taking the message (DATA) when the worker died, and kept nothing of it.
    expect(sink.dataStarted).toBe(seen + 1);
    expect(sink.messages.filter((m) => m.rcptTo[0]?.startsWith('nw'))).toHaveLength(0);
    const [dead] = (await outboxRows(sql, s.tenantId)).filter((r) => r.state === 'sending');
    expect(dead!.result).toBeNull();
    const restarted = await runWorker(env);
    expect(restarted.code).toBe(0);
    expect(JSON.parse(restarted.out).summary).toMatchObject({ failed: 0, resentInDoubt: 0 });
    const got = sink.messages.filter((m) => m.rcptTo[0]?.startsWith('nw'));
    expect(got).toHaveLength(EMAILS);
    expect(new Set(got.map((m) => m.messageId)).size).toBe(EMAILS);
    const rows = (await outboxRows(sql, s.tenantId)).filter((r) => s.keys.includes(r.idempotency_key));
    expect(rows.map((r) => r.state)).toEqual(Array(EMAILS + 1).fill('sent'));
  });

  it("with inDoubt 'fail', an email accepted before the crash is not sent again: it fails as in doubt and the team is alerted", async () => {
    const s = await scenario('nf');
    const env = { DATABASE_URL: inject('databaseUrl'), SMTP_PORT: String(sink.port), TENANT_ID: s.tenantId, NOW: NOW.toISOString(), CONCURRENCY: '1', IN_DOUBT: 'fail' };
    expect((await runWorker({ ...env, CRASH_AT: 'accepted', CRASH_ON: '1' })).signal).toBe('SIGKILL');
    const restarted = await runWorker(env);
    expect(restarted.code).toBe(0);
    const got = sink.messages.filter((m) => m.rcptTo[0]?.startsWith('nf'));
    // Every message exactly once: the one in doubt had arrived, and was not sent again.
    expect(got).toHaveLength(EMAILS);
    expect(new Set(got.map((m) => m.messageId)).size).toBe(EMAILS);
    const rows = (await outboxRows(sql, s.tenantId)).filter((r) => s.keys.includes(r.idempotency_key));
    const failed = rows.filter((r) => r.state === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.last_error).toMatch(/may or may not have been sent/);
    expect(rows.filter((r) => r.state === 'sent')).toHaveLength(EMAILS);
    expect(JSON.parse(restarted.out).alerts).toContain(`${failed[0]!.idempotency_key}|failed`);
  });

  it("with inDoubt 'fail', an email accepted before the crash stays in doubt even if its invoice is paid before the restart", async () => {
    const s = await scenario('np');
    const env = { DATABASE_URL: inject('databaseUrl'), SMTP_PORT: String(sink.port), TENANT_ID: s.tenantId, NOW: NOW.toISOString(), CONCURRENCY: '1', IN_DOUBT: 'fail' };
    expect((await runWorker({ ...env, CRASH_AT: 'accepted', CRASH_ON: '1' })).signal).toBe('SIGKILL');
    const inFlight = (await outboxRows(sql, s.tenantId)).find((r) => r.state === 'sending')!;
    // Every invoice is paid meanwhile: the reminder that may have gone out must not be recorded "cancelled".
    await sql`update invoices set amount_due = 0, status = 'paid', data = data || '{"amountDue":"0.00","status":"paid"}'::jsonb where tenant_id = ${s.tenantId}`;
    expect((await runWorker(env)).code).toBe(0);
    const row = (await outboxRows(sql, s.tenantId)).find((r) => r.idempotency_key === inFlight.idempotency_key)!;
    expect(sink.messages.filter((m) => m.rcptTo[0]?.startsWith('np'))).toHaveLength(1);
    expect(row.state).toBe('failed');
    expect(row.last_error).toMatch(/may or may not have been sent/);
  });

  it('an email in doubt is settled by a person, once and only by its company: "send it again" sends it once more with the same Message-ID', async () => {
    const s = await scenario('sd');
    const env = { DATABASE_URL: inject('databaseUrl'), SMTP_PORT: String(sink.port), TENANT_ID: s.tenantId, NOW: NOW.toISOString(), CONCURRENCY: '1', IN_DOUBT: 'fail' };
    expect((await runWorker({ ...env, CRASH_AT: 'accepted', CRASH_ON: '1' })).signal).toBe('SIGKILL');
    expect((await runWorker(env)).code).toBe(0);
    const [doubt, ...more] = await listInDoubt(sql, s.tenantId);
    expect(more).toEqual([]);
    expect(doubt).toMatchObject({ customerExternalId: expect.stringMatching(/^sd/), messageId: expect.stringMatching(/^<.+>$/) });
    const received = () => sink.messages.filter((m) => m.rcptTo[0]?.startsWith('sd'));
    const before = received().length;
    expect(received().filter((m) => m.messageId === doubt!.messageId)).toHaveLength(1);

    // Another company cannot settle it; "send it again": planned, and the worker sends it once, same Message-ID.
    const other = await seed(sql, { customers: [customer('x')], invoices: [invoice('x1', 'x')] });
    expect(await settleInDoubt(sql, other.tenantId, doubt!.actionKey, 'resend', 'eve@other.example')).toBe(false);
    expect(await settleInDoubt(sql, s.tenantId, doubt!.actionKey, 'resend', 'marie@atelier.fr', NOW)).toBe(true);
    expect(await settleInDoubt(sql, s.tenantId, doubt!.actionKey, 'arrived', 'marie@atelier.fr', NOW)).toBe(false);
    expect(await listInDoubt(sql, s.tenantId)).toEqual([]);
    expect((await runWorker(env)).code).toBe(0);
    expect(received()).toHaveLength(before + 1);
    expect(received().filter((m) => m.messageId === doubt!.messageId)).toHaveLength(2);
    const row = (await outboxRows(sql, s.tenantId)).find((r) => r.idempotency_key === doubt!.actionKey)!;
    expect(row.state).toBe('sent');
    const log = await listActivity(sql, s.tenantId, { actionKey: doubt!.actionKey });
    expect(log.find((a) => a.kind === 'retry' && a.actor === 'marie@atelier.fr')?.reason).toMatch(/sent again at the request of marie@atelier\.fr/);
  });

  it('"it arrived": the reminder counts as sent, the books hear of it once, nothing more reaches the customer', async () => {
    const s = await scenario('sa');
    const env = { DATABASE_URL: inject('databaseUrl'), SMTP_PORT: String(sink.port), TENANT_ID: s.tenantId, NOW: NOW.toISOString(), CONCURRENCY: '1', IN_DOUBT: 'fail' };
    expect((await runWorker({ ...env, CRASH_AT: 'accepted', CRASH_ON: '1' })).signal).toBe('SIGKILL');
    expect((await runWorker(env)).code).toBe(0);
    const [doubt] = await listInDoubt(sql, s.tenantId);
    const before = sink.messages.filter((m) => m.rcptTo[0]?.startsWith('sa')).length;
    expect(await settleInDoubt(sql, s.tenantId, doubt!.actionKey, 'arrived', 'marie@atelier.fr', NOW)).toBe(true);
    expect(await settleInDoubt(sql, s.tenantId, doubt!.actionKey, 'arrived', 'marie@atelier.fr', NOW)).toBe(false);
    const rows = await outboxRows(sql, s.tenantId);
    expect(rows.find((r) => r.idempotency_key === doubt!.actionKey)!.state).toBe('sent');
    expect(rows.filter((r) => r.idempotency_key === `${doubt!.actionKey}|writeback`)).toHaveLength(1);
    const log = await listActivity(sql, s.tenantId, { actionKey: doubt!.actionKey });
    expect(log.find((a) => a.kind === 'reconciled')).toMatchObject({ actor: 'marie@atelier.fr', reason: expect.stringMatching(/confirmed received by marie@atelier\.fr/) });
    expect((await runWorker(env)).code).toBe(0);
    expect(sink.messages.filter((m) => m.rcptTo[0]?.startsWith('sa'))).toHaveLength(before);
  });
});
