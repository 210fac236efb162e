// The executor's less travelled paths against real PostgreSQL and a real SMTP server on loopback: payloads it cannot
// read, a customer missing from the store, a tenant's own template (checked before use), the relay's record of an
// interrupted send, and document links asked for at send time.
import { describe, expect, it } from 'vitest';
import { messageIdFor } from '../../src/actions/email.js';
import { executeDue } from '../../src/actions/executor.js';
import { listActivity } from '../../src/store/activity.js';
import { planActions } from '../../src/store/outbox.js';
import { useDatabase } from '../support/db.js';
import { NOW, customer, invoice, makeDeps, outboxRows, plan, seed } from './fixtures.js';
import { useSmtpSink } from './smtp-sink.js';

const sql = useDatabase();
const sink = useSmtpSink();

const FROM = 'Atelier Dupont <compta@atelier-dupont.fr>';
const mine = (email: string) => sink.messages.filter((m) => m.rcptTo.includes(email));

describe('items the executor cannot run', () => {
  it('an item whose payload is neither an action nor an alert fails at its first attempt, and the team is told', async () => {
    const s = await seed(sql, { customers: [], invoices: [] });
    await planActions(sql, s.tenantId, [{ idempotencyKey: 'odd', kind: 'email', dueAt: NOW.toISOString(), payload: { hello: 'world' }, connectionId: s.connectionId }]);
    const deps = makeDeps(sql, sink.port);
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ failed: 1, retried: 0 });
    expect(await outboxRows(sql, s.tenantId)).toMatchObject([{ state: 'failed', attempts: 1, last_error: 'outbox item of kind email has an unknown payload' }]);
    expect(deps.alerts).toEqual([{
      key: 'odd|failed', tenantId: s.tenantId, severity: 'warning', kind: 'action_failed', actionKey: 'odd', customerExternalId: null,
      message: 'email for customer ? not sent: outbox item of kind email has an unknown payload',
    }]);
  });

  it('an action that does not parse fails at its first attempt, naming what is wrong', async () => {
    const s = await seed(sql, { customers: [], invoices: [] });
    await planActions(sql, s.tenantId, [{ idempotencyKey: 'bad', kind: 'email', dueAt: NOW.toISOString(), payload: { idempotencyKey: 'bad' }, connectionId: s.connectionId }]);
    expect(await executeDue(makeDeps(sql, sink.port), s.tenantId, NOW)).toMatchObject({ failed: 1, retried: 0 });
    const [row] = await outboxRows(sql, s.tenantId);
    expect(row).toMatchObject({ state: 'failed', attempts: 1 });
    expect(row!.last_error).toMatch(/^unreadable planned action: \w+: /);
  });

  it('a reminder to a customer missing from the store fails at its first attempt, saying to run a sync', async () => {
    const s = await seed(sql, { customers: [customer('gone', { email: 'gone@client.example' })], invoices: [invoice('gi', 'gone')] });
    await plan(sql, s);
    const deps = makeDeps(sql, sink.port, { customer: async () => null });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ failed: 1, retried: 0, sent: 0 });
    expect(mine('gone@client.example')).toHaveLength(0);
    expect(await outboxRows(sql, s.tenantId)).toMatchObject([{ state: 'failed', attempts: 1, last_error: 'customer gone is not in the store; run a sync, then retry the action' }]);
    expect(deps.alerts).toMatchObject([{ kind: 'action_failed', customerExternalId: 'gone', message: expect.stringMatching(/^reminder-1 for customer gone not sent: customer gone is not in the store/) }]);
  });
});

describe("a tenant's own template", () => {
  it('is used in place of the shipped one', async () => {
    const s = await seed(sql, { customers: [customer('own', { email: 'own@client.example' })], invoices: [invoice('oi', 'own')] });
    await plan(sql, s);
    const deps = makeDeps(sql, sink.port, { templates: async () => ({ subject: 'Notre rappel pour {{ customer.name }}', body: 'Merci de régler {{ total_due }}.' }) });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 1 });
    const [m] = mine('own@client.example');
    expect(m!.subject).toBe('Notre rappel pour Client own');
    expect(m!.text).toMatch(/^Merci de régler 1\u00a0240,00\u00a0€\./);
  });

  it('is checked before use: one that reads files fails at its first attempt, saying why', async () => {
    const s = await seed(sql, { customers: [customer('inc', { email: 'inc@client.example' })], invoices: [invoice('ii', 'inc')] });
    await plan(sql, s);
    const deps = makeDeps(sql, sink.port, { templates: async () => ({ subject: 'Rappel', body: "{% include 'secrets' %}" }) });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ failed: 1, retried: 0 });
    expect(mine('inc@client.example')).toHaveLength(0);
    const [row] = await outboxRows(sql, s.tenantId);
    expect(row).toMatchObject({ state: 'failed', attempts: 1 });
    expect(row!.last_error).toMatch(/^body: the \{% include %\} tag is not allowed/);
  });
});

describe("the relay's record of an interrupted send", () => {
  it('an email the relay already holds is recorded sent without sending it again, and its write-back planned', async () => {
    const s = await seed(sql, { customers: [customer('rc', { email: 'rc@client.example' })], invoices: [invoice('rci', 'rc')] });
    const [key] = (await plan(sql, s)).keys;
    const messageId = messageIdFor(s.tenantId, key!, FROM);
    // A worker died ten minutes ago after handing the message over.
    await sql`update outbox set state = 'sending', attempts = 1, updated_at = now() - interval '10 minutes', result = ${sql.json({ submitting: 1, messageId })} where tenant_id = ${s.tenantId}`;
    const asked: string[] = [];
    const deps = makeDeps(sql, sink.port, {
      options: { leaseMs: 60_000 },
      delivered: async (id) => {
        asked.push(id);
        return true;
      },
      writeback: async () => undefined,
    });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ reconciled: 1, sent: 0, resentInDoubt: 0 });
    expect(asked).toEqual([messageId]);
    expect(mine('rc@client.example')).toHaveLength(0);
    const rows = await outboxRows(sql, s.tenantId);
    expect(rows).toMatchObject([
      { kind: 'email', state: 'sent', attempts: 2, result: { messageId, reconciled: true } },
      { kind: 'writeback', state: 'planned', idempotency_key: `${key}|writeback` },
    ]);
    expect(await listActivity(sql, s.tenantId, { invoiceExternalId: 'rci' })).toMatchObject([{ kind: 'sent', reason: 'reconciled after an interrupted attempt' }]);
  });
});

describe('document links asked for at send time', () => {
  it('are asked for the invoices without a document only, and a failure to get them sends the reminder without', async () => {
    const s = await seed(sql, {
      customers: [customer('dl', { email: 'dl@client.example' }), customer('df', { email: 'df@client.example' })],
      invoices: [invoice('dl1', 'dl', { pdfUrl: null }), invoice('dl2', 'dl'), invoice('df1', 'df', { pdfUrl: null })],
      grouped: true,
    });
    await plan(sql, s);
    const asked: string[][] = [];
    const deps = makeDeps(sql, sink.port, {
      documentLinks: async (_ctx, ids) => {
        asked.push([...ids]);
        if (ids.includes('df1')) throw new Error('the provider is down');
        return new Map(ids.map((id) => [id, `https://docs.example/${id}`]));
      },
    });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 2, failed: 0, retried: 0 });
    expect(asked.sort()).toEqual([['df1'], ['dl1']]);
    const [dl] = mine('dl@client.example');
    expect(dl!.html).toContain('<a href="https://docs.example/dl1">F-dl1</a>');
    expect(dl!.html).toContain('<a href="https://erp.example/pdf/dl2">F-dl2</a>');
    expect(mine('df@client.example')[0]!.html).not.toContain('https://docs.example/');
  });
});
