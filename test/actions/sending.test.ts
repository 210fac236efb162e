// The sending switch against real PostgreSQL and a real SMTP server: a new connection plans but sends nothing (email,
// write-back) while alerts to the team flow; on, it sends; off again, nothing not yet in flight starts; every change logged with its actor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeDue } from '../../src/actions/executor.js';
import type { PlannedAction } from '../../src/model/collections.js';
import { listActivity } from '../../src/store/activity.js';
import { planActions } from '../../src/store/outbox.js';
import { getSending, sendingActionKey, setSending } from '../../src/store/sending.js';
import { createConnection, createTenant } from '../../src/store/tenants.js';
import { newTenant, useDatabase } from '../support/db.js';
import { NOW, customer, invoice, makeDeps, plan, seed } from './fixtures.js';
import { useSmtpSink } from './smtp-sink.js';

const sql = useDatabase();
const sink = useSmtpSink();

const to = (email: string) => sink.messages.filter((m) => m.rcptTo.includes(email));

async function rows(tenantId: string) {
  return sql<{ idempotency_key: string; kind: string; state: string; attempts: number; updated_at: Date }[]>`
    select idempotency_key, kind, state, attempts, updated_at from outbox where tenant_id = ${tenantId} order by id`;
}

/** A rule alert as the evaluator plans it (kind 'alert'): for the company's own team. */
function ruleAlert(tenantId: string, key: string) {
  return { key, tenantId, kind: 'overdue_amount', severity: 'warning', raisedOn: '2026-03-16', customerExternalId: 'c1', invoiceExternalId: 'i1', message: 'Client c1 owes more than 1 000 € overdue', data: {} };
}

describe('a new connection', () => {
  it('starts with sending off and is never switched by anyone yet', async () => {
    const t = await newTenant(sql);
    expect(await getSending(sql, t.tenant.id, t.connection.id)).toEqual({ connectionId: t.connection.id, enabled: false, changedAt: null, changedBy: null });
  });

  it('plans but sends nothing: no email, no write-back; items stay planned and unleased; alerts to the team still go out', async () => {
    const s = await seed(sql, { sending: false, customers: [customer('c1', { email: 'off@client.example' })], invoices: [invoice('i1', 'c1')] });
    const planned = await plan(sql, s);
    expect(planned.keys).toHaveLength(1);
    // A write-back left from an earlier send, and a rule alert, both for this connection.
    const action = (await sql<{ payload: PlannedAction }[]>`select payload from outbox where tenant_id = ${s.tenantId}`)[0]!.payload;
    await planActions(sql, s.tenantId, [
      { idempotencyKey: 'wb-1|writeback', kind: 'writeback', dueAt: NOW.toISOString(), payload: { action, proof: {} }, connectionId: s.connectionId },
      { idempotencyKey: 'alert-1', kind: 'alert', dueAt: NOW.toISOString(), payload: ruleAlert(s.tenantId, 'alert-1'), connectionId: s.connectionId },
    ]);
    const before = await rows(s.tenantId);
    const writebacks: string[] = [];
    const deps = makeDeps(sql, sink.port, { writeback: async (a) => void writebacks.push(a.idempotencyKey) });

    for (let pass = 0; pass < 2; pass++) {
      const summary = await executeDue(deps, s.tenantId, NOW);
      expect(summary).toMatchObject({ sent: pass === 0 ? 1 : 0, failed: 0, cancelled: 0, skipped: 0, held: [{ connectionId: s.connectionId, due: 2 }] });
    }
    expect(to('off@client.example')).toHaveLength(0);
    expect(writebacks).toEqual([]);
    expect(deps.alerts.map((a) => [a.kind, a.key])).toEqual([['rule', 'alert-1']]);

    const after = await rows(s.tenantId);
    expect(after.map((r) => [r.kind, r.state, r.attempts])).toEqual([
      ['email', 'planned', 0],
      ['writeback', 'planned', 0],
      ['alert', 'sent', 1],
    ]);
    // Not leased: a held item is not even touched.
    expect(after[0]!.updated_at).toEqual(before[0]!.updated_at);
    expect(after[1]!.updated_at).toEqual(before[1]!.updated_at);
    expect((await listActivity(sql, s.tenantId)).map((a) => a.kind)).toEqual(['alerted']);
  });
});

describe('held items in the summary', () => {
  it('names a connection whose sending is off only when it holds items already due', async () => {
    const s = await seed(sql, { sending: false, customers: [], invoices: [] });
    await planActions(sql, s.tenantId, [{ idempotencyKey: 'later', kind: 'email', dueAt: '2026-04-01T08:00:00Z', payload: {}, connectionId: s.connectionId }]);
    expect(await executeDue(makeDeps(sql, sink.port), s.tenantId, NOW)).toMatchObject({ sent: 0, held: [] });
    expect(await executeDue(makeDeps(sql, sink.port), s.tenantId, new Date('2026-04-01T08:00:00Z'))).toMatchObject({ sent: 0, held: [{ connectionId: s.connectionId, due: 1 }] });
  });
});

describe('turning sending on and off', () => {
  it('sends once on; off again, items not yet in flight stay planned while the one in flight finishes; on again, the rest go once', async () => {
    const emails = ['a@client.example', 'b@client.example', 'c@client.example'];
    const s = await seed(sql, { sending: false, customers: emails.map((e, i) => customer(`c${i}`, { email: e })), invoices: emails.map((_e, i) => invoice(`i${i}`, `c${i}`)) });
    expect((await plan(sql, s)).keys).toHaveLength(3);
    expect(await executeDue(makeDeps(sql, sink.port), s.tenantId, NOW)).toMatchObject({ sent: 0, held: [{ connectionId: s.connectionId, due: 3 }] });

    expect(await setSending(sql, s.tenantId, s.connectionId, true, 'alice@atelier.example', 'settings')).toMatchObject({ changed: true, state: { enabled: true, changedBy: 'alice@atelier.example' } });
    // The first item's freshness check runs once it is claimed (in flight): Bob turns sending off right then.
    let flipped = false;
    const base = makeDeps(sql, sink.port, { options: { concurrency: 1 } });
    const deps = {
      ...base,
      async freshness(...args: Parameters<typeof base.freshness>) {
        if (!flipped) {
          flipped = true;
          await setSending(sql, s.tenantId, s.connectionId, false, 'bob@atelier.example', 'api');
        }
        return base.freshness(...args);
      },
    };
    const summary = await executeDue(deps, s.tenantId, NOW);
    expect(summary).toMatchObject({ sent: 1, skipped: 2, failed: 0, held: [{ connectionId: s.connectionId, due: 2 }] });
    const sentTo = emails.filter((e) => to(e).length > 0);
    expect(sentTo).toHaveLength(1);
    expect((await rows(s.tenantId)).map((r) => r.state).sort()).toEqual(['planned', 'planned', 'sent']);
    // The two held ones were never claimed.
    expect((await rows(s.tenantId)).filter((r) => r.state === 'planned').map((r) => r.attempts)).toEqual([0, 0]);
    expect(await executeDue(base, s.tenantId, NOW)).toMatchObject({ sent: 0 });

    await setSending(sql, s.tenantId, s.connectionId, true, 'alice@atelier.example', 'cli');
    expect(await executeDue(base, s.tenantId, NOW)).toMatchObject({ sent: 2, held: [] });
    expect(await executeDue(base, s.tenantId, NOW)).toMatchObject({ sent: 0 });
    for (const e of emails) expect(to(e)).toHaveLength(1);

    // Every change, in order, with who made it and how.
    const log = (await listActivity(sql, s.tenantId, { actionKey: sendingActionKey(s.connectionId) })).reverse();
    expect(log.map((a) => [a.kind, a.actor, (a.proof as { via: string }).via, a.connectionId])).toEqual([
      ['sending_on', 'alice@atelier.example', 'settings', s.connectionId],
      ['sending_off', 'bob@atelier.example', 'api', s.connectionId],
      ['sending_on', 'alice@atelier.example', 'cli', s.connectionId],
    ]);
    expect(log[1]!.reason).toBe('Sending turned off by bob@atelier.example (api)');
  });

  it('finishes an item a dead worker left `sending`, even after sending was turned off', async () => {
    const s = await seed(sql, { customers: [customer('d1', { email: 'inflight@client.example' })], invoices: [invoice('d1', 'd1')] });
    await plan(sql, s);
    // A worker claimed it, then died before sending; meanwhile someone turned sending off.
    await sql`update outbox set state = 'sending', attempts = 1, updated_at = now() - interval '1 hour' where tenant_id = ${s.tenantId}`;
    await setSending(sql, s.tenantId, s.connectionId, false, 'carol@atelier.example', 'settings');
    expect(await executeDue(makeDeps(sql, sink.port), s.tenantId, NOW)).toMatchObject({ sent: 1 });
    expect(to('inflight@client.example')).toHaveLength(1);
  });

  it('logs nothing when the switch is already in that position, and never reaches another tenant’s connection', async () => {
    const tenant = await createTenant(sql, { name: 'switch-scope' });
    const mine = await createConnection(sql, tenant.id, { provider: 'test' });
    const other = await newTenant(sql);
    expect(await setSending(sql, tenant.id, mine.id, false, 'dave', 'cli')).toMatchObject({ changed: false, state: { enabled: false } });
    expect(await listActivity(sql, tenant.id)).toEqual([]);
    expect(await setSending(sql, tenant.id, other.connection.id, true, 'dave', 'cli')).toBeNull();
    expect(await getSending(sql, tenant.id, other.connection.id)).toBeNull();
    expect((await getSending(sql, other.tenant.id, other.connection.id))!.enabled).toBe(false);
    expect(await listActivity(sql, other.tenant.id)).toEqual([]);
  });
});
