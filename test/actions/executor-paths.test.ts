// The executor's less travelled paths against real PostgreSQL and a real SMTP server on loopback: payloads it cannot
// read, a customer missing from the store, a tenant's own template (checked before use), the relay's record of an
// interrupted send, and document links asked for at send time.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { messageIdFor } from '../../src/actions/email.js';
import { executeDue, recordBounce } from '../../src/actions/executor.js';
import { getLetter, listActivity } from '../../src/store/activity.js';
import { upsertDocuments } from '../../src/store/documents.js';
import { markFailing } from '../../src/store/mail.js';
import { planActions } from '../../src/store/outbox.js';
import type { TaskRequest } from '../../src/model/task.js';
import { storeLookups } from '../../src/actions/store-lookups.js';
import { transition } from '../../src/store/outbox.js';
import { useDatabase } from '../support/db.js';
import { COMPANY } from './fixtures.js';
import { NOW, customer, invoice, makeDeps, outboxRows, plan, seed } from './fixtures.js';
import { useSmtpSink } from './smtp-sink.js';

const sql = useDatabase();
const sink = useSmtpSink();

const FROM = 'Atelier Dupont <compta@atelier-dupont.fr>';
const mine = (email: string) => sink.messages.filter((m) => m.rcptTo.includes(email));

describe('items the executor cannot run', () => {
  it('an item whose payload is neither an action nor an alert fails at its first attempt, and the team is told', async () => {
    const s = await seed(sql, { customers: [], invoices: [] });
    await planActions(sql, s.tenantId, [
      { idempotencyKey: 'odd', kind: 'email', dueAt: NOW.toISOString(), payload: { hello: 'world' }, connectionId: s.connectionId },
      { idempotencyKey: 'text', kind: 'letter', dueAt: NOW.toISOString(), payload: 'idempotencyKey', connectionId: s.connectionId },
    ]);
    const deps = makeDeps(sql, sink.port, { options: { concurrency: 1 } });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ failed: 2, retried: 0 });
    expect(await outboxRows(sql, s.tenantId)).toMatchObject([
      { state: 'failed', attempts: 1, last_error: 'outbox item of kind email has an unknown payload' },
      { state: 'failed', attempts: 1, last_error: 'outbox item of kind letter has an unknown payload' },
    ]);
    expect(deps.alerts[0]).toEqual({
      key: 'odd|failed', tenantId: s.tenantId, severity: 'warning', kind: 'action_failed', actionKey: 'odd', customerExternalId: null,
      message: 'email for customer ? not sent: outbox item of kind email has an unknown payload',
    });
  });

  it('an action that does not parse fails at its first attempt, naming what is wrong', async () => {
    const s = await seed(sql, { customers: [], invoices: [] });
    await planActions(sql, s.tenantId, [{ idempotencyKey: 'bad', kind: 'email', dueAt: NOW.toISOString(), payload: { idempotencyKey: 'bad', invoices: [{ number: 7 }] }, connectionId: s.connectionId }]);
    expect(await executeDue(makeDeps(sql, sink.port), s.tenantId, NOW)).toMatchObject({ failed: 1, retried: 0 });
    const [row] = await outboxRows(sql, s.tenantId);
    expect(row).toMatchObject({ state: 'failed', attempts: 1 });
    // Every issue, with its path, one after the other.
    expect(row!.last_error).toMatch(/^unreadable planned action: \w+: [^;]+(; [\w.]+: [^;]+)+$/);
    expect(row!.last_error).toMatch(/; invoices\.0\.externalId: /);
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
    const forms: string[] = [];
    const deps = makeDeps(sql, sink.port, {
      templates: async () => ({ subject: 'Notre rappel pour {{ customer.name }}', body: 'Merci de régler {{ total_due }} : {{ portal.link }}' }),
      portalLink: async (_ctx, customerExternalId, _key, form) => {
        forms.push(form);
        return `https://portal.example/${customerExternalId}`;
      },
    });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 1 });
    const [m] = mine('own@client.example');
    expect(m!.subject).toBe('Notre rappel pour Client own');
    expect(m!.text).toMatch(/^Merci de régler 1\u00a0240,00\u00a0€ : https:\/\/portal\.example\/own/);
    expect(forms).toEqual(['email']);
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
  /** One reminder whose worker died ten minutes ago after handing its message over; its key and Message-ID. */
  async function interrupted(tag: string) {
    const s = await seed(sql, { customers: [customer(tag, { email: `${tag}@client.example` })], invoices: [invoice(`${tag}-i`, tag)] });
    const [key] = (await plan(sql, s)).keys;
    const messageId = messageIdFor(s.tenantId, key!, FROM);
    await sql`update outbox set state = 'sending', attempts = 1, updated_at = now() - interval '10 minutes', result = ${sql.json({ submitting: 1, messageId })} where tenant_id = ${s.tenantId}`;
    return { s, key: key!, messageId };
  }

  it('without a reconciler, resends with the same Message-ID, counted as sent and as resent in doubt', async () => {
    const { s, key, messageId } = await interrupted('rs');
    expect(await executeDue(makeDeps(sql, sink.port, { options: { leaseMs: 60_000 } }), s.tenantId, NOW)).toMatchObject({ sent: 1, resentInDoubt: 1, reconciled: 0 });
    expect(mine('rs@client.example').map((m) => m.messageId)).toEqual([messageId]);
    expect(await outboxRows(sql, s.tenantId)).toMatchObject([{ state: 'sent', attempts: 2, result: { messageId, resentInDoubt: true } }]);
    const acts = await listActivity(sql, s.tenantId, { actionKey: key });
    expect(acts.map((a) => a.kind).sort()).toEqual(['resent_in_doubt', 'sent']);
    expect(acts.find((a) => a.kind === 'sent')).toMatchObject({ reason: 'resent with the same Message-ID after an interrupted attempt' });
    expect(acts.find((a) => a.kind === 'resent_in_doubt')).toMatchObject({ proof: { messageId } });
  });

  it('holding doubtful sends, one the relay says it never took is sent normally', async () => {
    const { s, messageId } = await interrupted('nt');
    const deps = makeDeps(sql, sink.port, { options: { leaseMs: 60_000, inDoubt: 'fail' }, delivered: async () => false });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 1, resentInDoubt: 0, failed: 0 });
    expect(mine('nt@client.example').map((m) => m.messageId)).toEqual([messageId]);
    expect((await outboxRows(sql, s.tenantId))[0]!.result).not.toHaveProperty('resentInDoubt');
  });

  it('holding doubtful sends, one the relay cannot tell about fails as in doubt and is not sent again, even if paid since: the customer may have it', async () => {
    const { s, key, messageId } = await interrupted('hd');
    await upsertDocuments(sql, { tenantId: s.tenantId, connectionId: s.connectionId, provider: 'test' }, 'invoice', [{ record: invoice('hd-i', 'hd', { amountDue: '0.00', status: 'paid' }), raw: {} }]);
    const deps = makeDeps(sql, sink.port, { options: { leaseMs: 60_000, inDoubt: 'fail' }, delivered: async () => null });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 0, failed: 1 });
    expect(mine('hd@client.example')).toHaveLength(0);
    expect(await outboxRows(sql, s.tenantId)).toMatchObject([{ state: 'failed', attempts: 2 }]);
    expect(deps.alerts).toMatchObject([{ key: `${key}|failed`, kind: 'in_doubt', severity: 'warning', message: expect.stringMatching(new RegExp(`^reminder-1 for customer hd not sent again: email ${messageId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} may or may not have been sent`)) }]);
  });

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
      { kind: 'email', state: 'sent', attempts: 2, result: { messageId, reconciled: true, response: 'reconciled: the relay already holds this Message-ID' } },
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

describe('letters through a postal service', () => {
  it('posts the stored letter once, registered for a formal notice, and keeps its tracking number; nobody is asked to post it', async () => {
    const s = await seed(sql, { customers: [customer('po', { name: 'Garage Poste' })], invoices: [invoice('poi', 'po', { dueDate: '2026-02-13' })], delivered: { poi: { 'reminder-1': '2026-02-16', 'reminder-2': '2026-02-20', firm: '2026-02-27' } } });
    const [key] = (await plan(sql, s)).keys;
    const posted: Array<{ actionKey: string; sha256: string; registered: boolean; bytes: number }> = [];
    const forms: string[] = [];
    const points: string[] = [];
    const deps = makeDeps(sql, sink.port, {
      hook: (point) => void points.push(point),
      portalLink: async (_ctx, _customer, _key, form) => {
        forms.push(form);
        return 'https://p.example/AB12';
      },
      post: async (l) => {
        posted.push({ actionKey: l.actionKey, sha256: l.sha256, registered: l.registered, bytes: l.pdf.length });
        return { trackingNumber: '1A 234 567 8901 2' };
      },
    });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 1 });
    const letter = await getLetter(sql, s.tenantId, key!);
    expect(posted).toEqual([{ actionKey: key, sha256: letter!.sha256, registered: true, bytes: letter!.pdf.length }]);
    expect(letter!.trackingNumber).toBe('1A 234 567 8901 2');
    // The short link to type by hand, for a letter.
    expect(forms).toEqual(['letter']);
    expect(points).toEqual(['claimed', 'accepted', 'recorded']);
    expect(await listActivity(sql, s.tenantId, { actionKey: key! })).toMatchObject([{ kind: 'sent', contentHash: letter!.sha256 }]);
    expect((await outboxRows(sql, s.tenantId)).find((r) => r.idempotency_key === key)!.result).toEqual({ letterId: letter!.id, sha256: letter!.sha256, bytes: letter!.pdf.length, formal: true, registered: true, trackingNumber: '1A 234 567 8901 2', posted: true });
    expect(deps.alerts).toEqual([]);
  });

  it('without a postal service, asks a person to post it, naming the customer and the amount', async () => {
    const s = await seed(sql, { customers: [customer('hp', { name: 'Garage Main' })], invoices: [invoice('hpi', 'hp', { dueDate: '2026-02-13' })], delivered: { hpi: { 'reminder-1': '2026-02-16', 'reminder-2': '2026-02-20', firm: '2026-02-27' } } });
    const [key] = (await plan(sql, s)).keys;
    const deps = makeDeps(sql, sink.port);
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 1 });
    expect(deps.alerts).toEqual([{
      key: `${key}|post`, tenantId: s.tenantId, severity: 'warning', kind: 'letter_to_post', actionKey: key, customerExternalId: 'hp',
      message: expect.stringMatching(/^Print and post the mise en demeure \(lettre recommandée avec AR\) to Garage Main \(.*1\u00a0240,00.*\); then record the registered-post number$/),
    }]);
    expect((await outboxRows(sql, s.tenantId)).find((r) => r.idempotency_key === key)!.result).toMatchObject({ trackingNumber: null, posted: false });
  });
});

describe('a worker without the means to run an item', () => {
  it('cancels a write-back when no connector write-back is configured, saying so', async () => {
    const s = await seed(sql, { customers: [customer('nw', { email: 'nw@client.example' })], invoices: [invoice('nwi', 'nw')] });
    await plan(sql, s);
    expect(await executeDue(makeDeps(sql, sink.port, { writeback: async () => undefined }), s.tenantId, NOW)).toMatchObject({ sent: 1 });
    expect(await executeDue(makeDeps(sql, sink.port), s.tenantId, NOW)).toMatchObject({ cancelled: 1, sent: 0 });
    const wb = (await outboxRows(sql, s.tenantId)).find((r) => r.kind === 'writeback');
    expect(wb).toMatchObject({ state: 'cancelled', last_error: 'no connector write-back configured for this worker' });
  });

  it('fails an email at its first attempt when no SMTP server is configured, naming the fix', async () => {
    const s = await seed(sql, { customers: [customer('ns', { email: 'ns@client.example' })], invoices: [invoice('nsi', 'ns')] });
    await plan(sql, s);
    const deps = makeDeps(sql, sink.port);
    delete deps.smtp;
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ failed: 1, retried: 0 });
    expect(await outboxRows(sql, s.tenantId)).toMatchObject([{ state: 'failed', attempts: 1, last_error: 'no SMTP server is configured: set the SMTP settings, then retry the action' }]);
  });
});

describe('a later bounce', () => {
  it('is recorded for a sent email only, and without a fallback plans no letter and says so', async () => {
    const s = await seed(sql, { customers: [customer('nb', { email: 'nb@client.example' })], invoices: [invoice('nbi', 'nb')] });
    const [key] = (await plan(sql, s)).keys;
    const deps = makeDeps(sql, sink.port);
    // Not sent yet, or no such key: nothing to attach the bounce to.
    expect(await recordBounce(deps, s.tenantId, key!, '550 user unknown', NOW)).toBe(false);
    expect(await recordBounce(deps, s.tenantId, 'no-such-key', '550 user unknown', NOW)).toBe(false);
    await executeDue(deps, s.tenantId, NOW);
    expect(await recordBounce(deps, s.tenantId, key!, '550 user unknown', NOW)).toBe(true);
    expect((await outboxRows(sql, s.tenantId)).map((r) => r.kind)).toEqual(['email']);
    expect(deps.alerts).toEqual([{ key: `${key}|bounced`, tenantId: s.tenantId, severity: 'info', kind: 'bounced', message: 'email to customer nb bounced: 550 user unknown', actionKey: key, customerExternalId: 'nb' }]);
    expect((await listActivity(sql, s.tenantId, { actionKey: key! })).map((a) => [a.kind, a.reason ?? null]).sort()).toEqual([['bounced', '550 user unknown'], ['sent', null]]);
  });

  it('is not recorded for a letter', async () => {
    const s = await seed(sql, { customers: [customer('lt', { name: 'Garage Lettre' })], invoices: [invoice('lti', 'lt', { dueDate: '2026-02-13' })], delivered: { lti: { 'reminder-1': '2026-02-16', 'reminder-2': '2026-02-20', firm: '2026-02-27' } } });
    const [key] = (await plan(sql, s)).keys;
    const deps = makeDeps(sql, sink.port);
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 1 });
    expect(await recordBounce(deps, s.tenantId, key!, '550 user unknown', NOW)).toBe(false);
  });
});

describe('addresses marked failing by a bounce', () => {
  it('get nothing, whatever their case; the others of the customer still get the reminder, once each', async () => {
    const s = await seed(sql, { customers: [customer('two', { email: 'Main@Two.example', emails: ['second@two.example', 'Main@Two.example', 'second@two.example'] })], invoices: [invoice('twi', 'two')] });
    await plan(sql, s);
    await markFailing(sql, s.tenantId, 'main@two.example', { status: '5.1.1', reason: 'user unknown', inboundId: null });
    expect(await executeDue(makeDeps(sql, sink.port), s.tenantId, NOW)).toMatchObject({ sent: 1, cancelled: 0 });
    const got = sink.messages.filter((m) => m.rcptTo.some((r) => r.endsWith('@two.example')));
    expect(got.map((m) => m.rcptTo)).toEqual([['second@two.example']]);
  });

  it('when none is left, the reminder is cancelled, saying which address bounced, why, and since when', async () => {
    const s = await seed(sql, { customers: [customer('one', { email: 'only@one.example' })], invoices: [invoice('oni', 'one')] });
    const [key] = (await plan(sql, s)).keys;
    await markFailing(sql, s.tenantId, 'only@one.example', { status: null, reason: 'mailbox full', inboundId: null });
    const since = (await sql<{ since: Date }[]>`select since from failing_addresses where tenant_id = ${s.tenantId}`)[0]!.since;
    expect(await executeDue(makeDeps(sql, sink.port), s.tenantId, NOW)).toMatchObject({ sent: 0, cancelled: 1 });
    const reason = 'not sent: only@one.example bounced (mailbox full); fix the address in the ERP or clear it in Relance';
    const why = { code: 'address_failing', addresses: ['only@one.example'], since: since.toISOString() };
    expect(await outboxRows(sql, s.tenantId)).toMatchObject([{ state: 'cancelled', last_error: reason, result: { cancelled: reason, why } }]);
    expect(await listActivity(sql, s.tenantId, { actionKey: key! })).toMatchObject([{ kind: 'cancelled', reason, why }]);
  });
});

describe('failures', () => {
  it('an action whose own Redis is down waits one first backoff step each time, past its attempts', async () => {
    const s = await seed(sql, { customers: [customer('rw', { email: 'rw@client.example' })], invoices: [invoice('rwi', 'rw')] });
    await plan(sql, s);
    // ioredis's words for a command sent on a closed connection (src/dependency-errors.ts).
    const deps = makeDeps(sql, sink.port, { options: { maxAttempts: 2, backoffMs: (n) => n * 60_000 }, writeback: async () => Promise.reject(new Error('Connection is closed.')) });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 1 });
    let at = NOW;
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await executeDue(deps, s.tenantId, at)).toMatchObject({ retried: 1, failed: 0 });
      const wb = (await outboxRows(sql, s.tenantId)).find((r) => r.kind === 'writeback')!;
      expect(wb).toMatchObject({ state: 'planned', attempts: attempt, last_error: 'Connection is closed.' });
      expect(wb.due_at.getTime()).toBe(at.getTime() + 60_000);
      at = wb.due_at;
    }
    const retries = (await listActivity(sql, s.tenantId)).filter((a) => a.kind === 'retry').map((a) => a.reason);
    expect(retries).toContain(`attempt 3 failed: Connection is closed.; next at ${at.toISOString()}`);
  });

  it('a refused address fails the reminder at once as bounced, logged as bounced and failed, and the team is told who and why', async () => {
    const s = await seed(sql, { customers: [customer('rf', { email: 'refused@client.example' })], invoices: [invoice('rfi', 'rf')] });
    const [key] = (await plan(sql, s)).keys;
    sink.reject.add('refused@client.example');
    try {
      const deps = makeDeps(sql, sink.port);
      expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ failed: 1, retried: 0 });
      const [row] = await outboxRows(sql, s.tenantId);
      expect(row).toMatchObject({ state: 'failed', attempts: 1 });
      expect(row!.last_error).toMatch(/^SMTP 550/);
      expect((await listActivity(sql, s.tenantId, { actionKey: key! })).map((a) => [a.kind, a.reason]).sort()).toEqual([['bounced', row!.last_error], ['failed', row!.last_error]]);
      expect(deps.alerts).toEqual([{ key: `${key}|failed`, tenantId: s.tenantId, severity: 'warning', kind: 'bounced', actionKey: key, customerExternalId: 'rf', message: `reminder-1 for customer rf not sent: ${row!.last_error}` }]);
      expect((await outboxRows(sql, s.tenantId)).map((r) => r.kind)).toEqual(['email']);
    } finally {
      sink.reject.delete('refused@client.example');
    }
  });

  it('with a letter to fall back on, plans it as a letter of its own, due at once, and tells the team a letter follows', async () => {
    const s = await seed(sql, { customers: [customer('fb', { email: 'fallback@client.example' })], invoices: [invoice('fbi', 'fb')] });
    const [key] = (await plan(sql, s)).keys;
    await sql`update outbox set payload = payload || '{"fallback": "letter"}'::jsonb where tenant_id = ${s.tenantId}`;
    sink.reject.add('fallback@client.example');
    try {
      const deps = makeDeps(sql, sink.port);
      expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ failed: 1 });
      const [email] = await outboxRows(sql, s.tenantId);
      expect(deps.alerts).toEqual([{ key: `${key}|failed`, tenantId: s.tenantId, severity: 'info', kind: 'bounced', actionKey: key, customerExternalId: 'fb', message: `${email!.last_error} — a letter will be sent instead` }]);
      const [letter] = await sql<{ idempotency_key: string; kind: string; state: string; due_at: Date; payload: { idempotencyKey: string; channel: string; covers: string[]; customerExternalId: string } }[]>`
        select idempotency_key, kind, state, due_at, payload from outbox where tenant_id = ${s.tenantId} and kind = 'letter'`;
      expect(letter).toMatchObject({ idempotency_key: `${key}|letter`, state: 'planned', payload: { idempotencyKey: `${key}|letter`, channel: 'letter', covers: [], customerExternalId: 'fb' } });
      expect(letter!.due_at.getTime()).toBe(NOW.getTime());
      // Not a formal notice: a plain reminder letter, for a person to post.
      expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 1 });
      expect(deps.alerts[1]).toMatchObject({ kind: 'letter_to_post', key: `${key}|letter|post`, message: expect.stringMatching(/^Print and post the reminder letter to Client fb \(/) });
    } finally {
      sink.reject.delete('fallback@client.example');
    }
  });
});

describe('the run of one item', () => {
  it('passes its crash points in order: claimed, handing, accepted, recorded', async () => {
    const s = await seed(sql, { customers: [customer('hk', { email: 'hk@client.example' })], invoices: [invoice('hki', 'hk')] });
    await plan(sql, s);
    const points: string[] = [];
    expect(await executeDue(makeDeps(sql, sink.port, { hook: (point) => void points.push(point) }), s.tenantId, NOW)).toMatchObject({ sent: 1 });
    expect(points).toEqual(['claimed', 'handing', 'accepted', 'recorded']);
  });

  it('an item another worker finished while this one ran is not recorded again: skipped', async () => {
    const s = await seed(sql, { customers: [customer('fl', { name: 'Garage Fini' })], invoices: [invoice('fli', 'fl', { dueDate: '2026-02-13' })], delivered: { fli: { 'reminder-1': '2026-02-16', 'reminder-2': '2026-02-20', firm: '2026-02-27' } } });
    const [key] = (await plan(sql, s)).keys;
    // Another worker records the letter sent while this one is still posting it.
    const deps = makeDeps(sql, sink.port, {
      post: async (l) => {
        await sql`update outbox set state = 'sent' where tenant_id = ${s.tenantId} and idempotency_key = ${l.actionKey}`;
        return { trackingNumber: 'LATE-1' };
      },
    });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 0, skipped: 1 });
    expect(await listActivity(sql, s.tenantId, { actionKey: key! })).toEqual([]);
    expect((await getLetter(sql, s.tenantId, key!))!.trackingNumber).toBeNull();
  });

  it('two workers reclaiming the same stale write-backs: each runs once', async () => {
    const n = 8;
    const customers = Array.from({ length: n }, (_, k) => customer(`sw${k}`, { email: `sw${k}@stale.example` }));
    const s = await seed(sql, { customers, invoices: customers.map((c) => invoice(`${c.externalId}-i`, c.externalId)) });
    await plan(sql, s);
    expect(await executeDue(makeDeps(sql, sink.port, { writeback: async () => undefined }), s.tenantId, NOW)).toMatchObject({ sent: n });
    // A worker died ten minutes ago with every write-back claimed.
    await sql`update outbox set state = 'sending', attempts = 1, updated_at = now() - interval '10 minutes' where tenant_id = ${s.tenantId} and kind = 'writeback'`;
    const runs: string[] = [];
    const deps = () => makeDeps(sql, sink.port, {
      options: { leaseMs: 60_000, concurrency: n },
      writeback: async (a) => {
        runs.push(a.idempotencyKey);
        await new Promise((r) => setTimeout(r, 50));
      },
    });
    const [a, b] = await Promise.all([executeDue(deps(), s.tenantId, NOW), executeDue(deps(), s.tenantId, NOW)]);
    expect(a.sent + b.sent).toBe(n);
    expect(runs).toHaveLength(n);
    expect(new Set(runs).size).toBe(n);
  });

  it('stops after a thousand rounds when the due items never run out', async () => {
    const s = await seed(sql, { customers: [customer('lp', { email: 'lp@client.example' })], invoices: [invoice('lpi', 'lp')] });
    await plan(sql, s);
    expect(await executeDue(makeDeps(sql, sink.port, { writeback: async () => undefined }), s.tenantId, NOW)).toMatchObject({ sent: 1 });
    // A write-back that fails and is due again at once, for ever.
    let calls = 0;
    const deps = makeDeps(sql, sink.port, {
      options: { batchSize: 1, maxAttempts: 100_000, backoffMs: () => 0 },
      writeback: async () => {
        calls++;
        throw new Error('not yet');
      },
    });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ retried: 1_000 });
    expect(calls).toBe(1_000);
  }, 60_000);
});

describe('actions for the team', () => {
  /** The evaluator's action for `tag`'s invoice turned into an alert step, planned as the evaluator plans one. */
  async function alertStep(tag: string, stepId: string) {
    const s = await seed(sql, { customers: [customer(tag, { email: `${tag}@client.example` })], invoices: [invoice(`${tag}-i`, tag)] });
    await plan(sql, s);
    const payload = (await sql<{ payload: Record<string, unknown> }[]>`select payload from outbox where tenant_id = ${s.tenantId}`)[0]!.payload;
    await sql`delete from outbox where tenant_id = ${s.tenantId}`;
    const key = `${tag}|${stepId}`;
    await planActions(sql, s.tenantId, [{ idempotencyKey: key, kind: 'alert', dueAt: NOW.toISOString(), connectionId: s.connectionId, payload: { ...payload, idempotencyKey: key, stepId, channel: 'alert', explain: `${stepId} for ${tag}` } }]);
    return { s, key };
  }

  it('a broken promise is a task for the worklist, not an alert', async () => {
    const { s, key } = await alertStep('bp', 'broken-promise');
    const tasks: TaskRequest[] = [];
    const deps = makeDeps(sql, sink.port, { openTask: async (t) => void tasks.push(t) });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 1 });
    expect(tasks).toMatchObject([{ kind: 'broken_promise', sourceKey: key, title: `broken-promise for bp`, customerExternalId: 'bp', invoiceExternalIds: ['bp-i'] }]);
    expect(deps.alerts).toEqual([]);
    expect((await outboxRows(sql, s.tenantId))[0]!.result).toEqual({ alerted: true, task: true });
    expect(await listActivity(sql, s.tenantId, { actionKey: key })).toMatchObject([{ kind: 'alerted', reason: 'broken-promise for bp', invoiceExternalIds: ['bp-i'] }]);
  });

  it('a broken promise another worker recorded meanwhile is skipped', async () => {
    const { s, key } = await alertStep('bs', 'broken-promise');
    const deps = makeDeps(sql, sink.port, { openTask: async () => void (await sql`update outbox set state = 'sent' where tenant_id = ${s.tenantId} and idempotency_key = ${key}`) });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 0, skipped: 1 });
  });

  it('any other alert step goes to the team as an alert, even with a worklist', async () => {
    const { s, key } = await alertStep('ei', 'e-invoicing');
    const tasks: TaskRequest[] = [];
    const deps = makeDeps(sql, sink.port, { openTask: async (t) => void tasks.push(t) });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 1 });
    expect(tasks).toEqual([]);
    expect(deps.alerts).toEqual([{ key, tenantId: s.tenantId, severity: 'warning', kind: 'rule', message: 'e-invoicing for ei', actionKey: key, customerExternalId: 'ei' }]);
    expect((await outboxRows(sql, s.tenantId))[0]!.result).toEqual({ alerted: true });
    expect(await listActivity(sql, s.tenantId, { actionKey: key })).toMatchObject([{ kind: 'alerted', reason: 'e-invoicing for ei' }]);
  });
});

describe('a pause written by another path', () => {
  it('cancels the claimed action, saying which pause, since and until when, and by whom', async () => {
    const s = await seed(sql, { customers: [customer('pz', { email: 'pz@client.example' })], invoices: [invoice('pzi', 'pz')] });
    await plan(sql, s);
    await sql`insert into pauses (tenant_id, connection_id, kind, reason, owner, starts_on, expires_on, customer_external_id, invoice_external_id)
      values (${s.tenantId}, ${s.connectionId}, 'hold', 'vérification', 'lea', '2026-03-15', '2026-03-31', 'pz', 'pzi')`;
    expect(await executeDue(makeDeps(sql, sink.port), s.tenantId, NOW)).toMatchObject({ sent: 0, cancelled: 1 });
    expect((await outboxRows(sql, s.tenantId))[0]!.result).toMatchObject({ why: { code: 'paused', pause: 'hold', since: '2026-03-15', until: '2026-03-31', by: 'lea' } });
  });
});

describe('steps for a person', () => {
  /** The evaluator's first reminder for `tag` turned into a `channel` step with `templateId`, planned under `kind`. */
  async function personStep(tag: string, kind: string, channel: string, templateId: string) {
    const s = await seed(sql, { customers: [customer(tag, { email: `${tag}@client.example` })], invoices: [invoice(`${tag}-i`, tag)] });
    await plan(sql, s);
    const payload = (await sql<{ payload: Record<string, unknown> }[]>`select payload from outbox where tenant_id = ${s.tenantId}`)[0]!.payload;
    await sql`delete from outbox where tenant_id = ${s.tenantId}`;
    const key = `${tag}|${channel}`;
    await planActions(sql, s.tenantId, [{ idempotencyKey: key, kind, dueAt: NOW.toISOString(), connectionId: s.connectionId, payload: { ...payload, idempotencyKey: key, channel, templateId } }]);
    return { s, key };
  }

  it('a hand-off is a hand-off task for the worklist, with its script; recorded sent with the hash of what it says', async () => {
    const { s, key } = await personStep('ho', 'handoff', 'handoff', 'fr.handoff-injonction');
    const tasks: TaskRequest[] = [];
    const deps = makeDeps(sql, sink.port, { openTask: async (t) => void tasks.push(t) });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 1 });
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ kind: 'handoff', sourceKey: key, customerExternalId: 'ho', invoiceExternalIds: ['ho-i'], detail: { actionKey: key } });
    const hash = createHash('sha256').update(`${tasks[0]!.title}\u0000${(tasks[0]!.detail as { script: string }).script}`).digest('hex');
    expect((await outboxRows(sql, s.tenantId))[0]!.result).toEqual({ task: true, contentHash: hash });
    expect(await listActivity(sql, s.tenantId, { actionKey: key })).toMatchObject([{ kind: 'sent', contentHash: hash, proof: { task: true } }]);
    expect(deps.alerts).toEqual([]);
  });

  it('an ERP step goes to the team as a task alert, never to the worklist; the same hash', async () => {
    const { s, key } = await personStep('ew', 'task', 'writeback', 'fr.reminder-1');
    const tasks: TaskRequest[] = [];
    const deps = makeDeps(sql, sink.port, { openTask: async (t) => void tasks.push(t) });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 1 });
    expect(tasks).toEqual([]);
    expect(deps.alerts).toHaveLength(1);
    const a = deps.alerts[0]!;
    expect(a).toMatchObject({ key, tenantId: s.tenantId, severity: 'warning', kind: 'task', actionKey: key, customerExternalId: 'ew' });
    const hash = createHash('sha256').update(`${a.message}\u0000${a.body}`).digest('hex');
    expect((await outboxRows(sql, s.tenantId))[0]!.result).toEqual({ task: true, contentHash: hash });
  });

  it('a letter to post is a task naming the customer and the letter, with the stored letter', async () => {
    const s = await seed(sql, { customers: [customer('lp2', { name: 'Garage Tâche' })], invoices: [invoice('lpi2', 'lp2', { dueDate: '2026-02-13' })], delivered: { lpi2: { 'reminder-1': '2026-02-16', 'reminder-2': '2026-02-20', firm: '2026-02-27' } } });
    const [key] = (await plan(sql, s)).keys;
    const tasks: TaskRequest[] = [];
    const deps = makeDeps(sql, sink.port, { openTask: async (t) => void tasks.push(t) });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 1 });
    const letter = await getLetter(sql, s.tenantId, key!);
    expect(tasks).toMatchObject([{ kind: 'letter_to_post', sourceKey: `${key}|post`, title: 'Garage Tâche: mise en demeure (lettre recommandée avec AR)', detail: { letterId: letter!.id, formal: true, actionKey: key } }]);
    expect(deps.alerts).toEqual([]);
  });

  it('a letter before action to post is named as such, by recorded delivery', async () => {
    const { s, key } = await personStep('uk', 'letter', 'letter', 'en.letter-before-action');
    const deps = makeDeps(sql, sink.port);
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 1 });
    expect(deps.alerts).toMatchObject([{ key: `${key}|post`, kind: 'letter_to_post', message: expect.stringMatching(/^Print and post the letter before action \(recorded delivery\) to Client uk \(/) }]);
  });

  it('a customer without any email address fails as bounced', async () => {
    const s = await seed(sql, { customers: [customer('na', { email: null })], invoices: [invoice('nai', 'na')] });
    await plan(sql, s);
    const deps = makeDeps(sql, sink.port);
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ failed: 1 });
    expect(deps.alerts).toMatchObject([{ kind: 'bounced', message: expect.stringContaining('has no email address: add one in the ERP') }]);
  });

  it('holding doubtful sends, a relay that said no and then cannot tell holds it too', async () => {
    const s = await seed(sql, { customers: [customer('fk', { email: 'fk@client.example' })], invoices: [invoice('fki', 'fk')] });
    const [key] = (await plan(sql, s)).keys;
    const messageId = messageIdFor(s.tenantId, key!, FROM);
    await sql`update outbox set state = 'sending', attempts = 1, updated_at = now() - interval '10 minutes', result = ${sql.json({ submitting: 1, messageId })} where tenant_id = ${s.tenantId}`;
    const answers: Array<boolean | null> = [false, null];
    const deps = makeDeps(sql, sink.port, { options: { leaseMs: 60_000, inDoubt: 'fail' }, delivered: async () => answers.shift() ?? null });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 0, failed: 1 });
    expect(mine('fk@client.example')).toHaveLength(0);
    expect(deps.alerts).toMatchObject([{ kind: 'in_doubt' }]);
  });
});

describe('an item another worker recorded meanwhile', () => {
  /** Marks the tenant's item `key` sent, as another worker finishing it would. */
  const finish = (tenantId: string, key: string) => sql`update outbox set state = 'sent' where tenant_id = ${tenantId} and idempotency_key = ${key}`;

  it('is skipped on every path: an alert step, a cancellation, an email, a reconciliation, a refused address', async () => {
    // An alert step: finished while the team is alerted.
    const al = await seed(sql, { customers: [customer('ma', { email: 'ma@client.example' })], invoices: [invoice('mai', 'ma')] });
    await plan(sql, al);
    const payload = (await sql<{ payload: Record<string, unknown> }[]>`select payload from outbox where tenant_id = ${al.tenantId}`)[0]!.payload;
    await sql`delete from outbox where tenant_id = ${al.tenantId}`;
    await planActions(sql, al.tenantId, [{ idempotencyKey: 'ma|alert', kind: 'alert', dueAt: NOW.toISOString(), connectionId: al.connectionId, payload: { ...payload, idempotencyKey: 'ma|alert', stepId: 'e-invoicing', channel: 'alert', explain: 'x' } }]);
    expect(await executeDue(makeDeps(sql, sink.port, { alert: async () => void (await finish(al.tenantId, 'ma|alert')) }), al.tenantId, NOW)).toMatchObject({ sent: 0, skipped: 1 });

    // A cancellation: finished while the invoice is read again (it was paid).
    const ca = await seed(sql, { customers: [customer('mc', { email: 'mc@client.example' })], invoices: [invoice('mci', 'mc')] });
    const [cKey] = (await plan(sql, ca)).keys;
    const lookups = makeDeps(sql, sink.port);
    const cancelDeps = makeDeps(sql, sink.port, {
      freshness: async (ctx, ids) => {
        await finish(ca.tenantId, cKey!);
        return (await lookups.freshness(ctx, ids)).map((i) => ({ ...i, amountDue: '0.00', status: 'paid' as const }));
      },
    });
    expect(await executeDue(cancelDeps, ca.tenantId, NOW)).toMatchObject({ cancelled: 0, skipped: 1 });

    // An email: finished while the mail server holds its answer.
    const em = await seed(sql, { customers: [customer('me', { email: 'me@client.example' })], invoices: [invoice('mei', 'me')] });
    const [eKey] = (await plan(sql, em)).keys;
    sink.onAccepted = async (m) => {
      if (m.rcptTo.includes('me@client.example')) await finish(em.tenantId, eKey!);
    };
    try {
      expect(await executeDue(makeDeps(sql, sink.port), em.tenantId, NOW)).toMatchObject({ sent: 0, skipped: 1 });
    } finally {
      sink.onAccepted = null;
    }

    // A reconciliation: finished while the relay is asked.
    const rc = await seed(sql, { customers: [customer('mr', { email: 'mr@client.example' })], invoices: [invoice('mri', 'mr')] });
    const [rKey] = (await plan(sql, rc)).keys;
    await sql`update outbox set state = 'sending', attempts = 1, updated_at = now() - interval '10 minutes' where tenant_id = ${rc.tenantId}`;
    const rcDeps = makeDeps(sql, sink.port, {
      options: { leaseMs: 60_000 },
      delivered: async () => {
        await finish(rc.tenantId, rKey!);
        return true;
      },
    });
    expect(await executeDue(rcDeps, rc.tenantId, NOW)).toMatchObject({ reconciled: 0, skipped: 1 });

    // A refused address's cancellation: finished while the customer is read.
    const fa = await seed(sql, { customers: [customer('mf', { email: 'mf@client.example' })], invoices: [invoice('mfi', 'mf')] });
    const [fKey] = (await plan(sql, fa)).keys;
    await markFailing(sql, fa.tenantId, 'mf@client.example', { status: '5.1.1', reason: 'user unknown', inboundId: null });
    const faDeps = makeDeps(sql, sink.port, {
      customer: async (ctx, id) => {
        await finish(fa.tenantId, fKey!);
        return lookups.customer(ctx, id);
      },
    });
    expect(await executeDue(faDeps, fa.tenantId, NOW)).toMatchObject({ cancelled: 0, skipped: 1 });
  });

  it('is skipped for a step for a person too', async () => {
    const s = await seed(sql, { customers: [customer('mt', { email: 'mt@client.example' })], invoices: [invoice('mti', 'mt')] });
    await plan(sql, s);
    const payload = (await sql<{ payload: Record<string, unknown> }[]>`select payload from outbox where tenant_id = ${s.tenantId}`)[0]!.payload;
    await sql`delete from outbox where tenant_id = ${s.tenantId}`;
    await planActions(sql, s.tenantId, [{ idempotencyKey: 'mt|call', kind: 'call', dueAt: NOW.toISOString(), connectionId: s.connectionId, payload: { ...payload, idempotencyKey: 'mt|call', channel: 'call', templateId: 'fr.call-script' } }]);
    expect(await executeDue(makeDeps(sql, sink.port, { alert: async () => void (await finish(s.tenantId, 'mt|call')) }), s.tenantId, NOW)).toMatchObject({ sent: 0, skipped: 1 });
  });
});

describe('rule alerts', () => {
  /** A rule alert as the evaluator plans it (kind 'alert'), for `tag`. */
  const ruleAlert = (tenantId: string, key: string, kind: string, invoiceExternalId: string | null) =>
    ({ key, tenantId, kind, severity: 'critical', raisedOn: '2026-03-16', customerExternalId: 'ra', invoiceExternalId, message: `${kind} for ra`, data: { promised: '100.00' } });

  it('a broken promise is a task with the promise, its invoice or none; other rules alert the team, each recorded alerted', async () => {
    const s = await seed(sql, { customers: [], invoices: [] });
    await planActions(sql, s.tenantId, [
      { idempotencyKey: 'bp1', kind: 'alert', dueAt: NOW.toISOString(), connectionId: s.connectionId, payload: ruleAlert(s.tenantId, 'bp1', 'broken_promise', 'i1') },
      { idempotencyKey: 'bp2', kind: 'alert', dueAt: NOW.toISOString(), connectionId: s.connectionId, payload: ruleAlert(s.tenantId, 'bp2', 'broken_promise', null) },
      { idempotencyKey: 'oa', kind: 'alert', dueAt: NOW.toISOString(), connectionId: s.connectionId, payload: ruleAlert(s.tenantId, 'oa', 'overdue_amount', 'i2') },
    ]);
    const tasks: TaskRequest[] = [];
    const deps = makeDeps(sql, sink.port, { openTask: async (t) => void tasks.push(t), options: { concurrency: 1 } });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 3 });
    expect(tasks).toEqual([
      { tenantId: s.tenantId, connectionId: s.connectionId, kind: 'broken_promise', customerExternalId: 'ra', invoiceExternalIds: ['i1'], dueOn: '2026-03-16', sourceKey: 'bp1', title: 'broken_promise for ra', detail: { promised: '100.00' } },
      { tenantId: s.tenantId, connectionId: s.connectionId, kind: 'broken_promise', customerExternalId: 'ra', invoiceExternalIds: [], dueOn: '2026-03-16', sourceKey: 'bp2', title: 'broken_promise for ra', detail: { promised: '100.00' } },
    ]);
    expect(deps.alerts).toEqual([{ key: 'oa', tenantId: s.tenantId, severity: 'critical', kind: 'rule', message: 'overdue_amount for ra', actionKey: 'oa', customerExternalId: 'ra' }]);
    expect((await outboxRows(sql, s.tenantId)).map((r) => r.result)).toEqual([{ alerted: true, task: true }, { alerted: true, task: true }, { alerted: true }]);
    const acts = await listActivity(sql, s.tenantId);
    const of = (key: string) => acts.find((a) => a.actionKey === key);
    expect(of('bp1')).toMatchObject({ kind: 'alerted', channel: 'alert', customerExternalId: 'ra', invoiceExternalIds: ['i1'], reason: 'broken_promise for ra' });
    expect(of('bp2')).toMatchObject({ kind: 'alerted', channel: 'alert', invoiceExternalIds: [] });
    expect(of('oa')).toMatchObject({ kind: 'alerted', channel: 'alert', invoiceExternalIds: ['i2'], reason: 'overdue_amount for ra' });
  });

  it('one another worker recorded meanwhile is skipped, task or alert', async () => {
    const s = await seed(sql, { customers: [], invoices: [] });
    await planActions(sql, s.tenantId, [
      { idempotencyKey: 'sk1', kind: 'alert', dueAt: NOW.toISOString(), connectionId: s.connectionId, payload: ruleAlert(s.tenantId, 'sk1', 'broken_promise', 'i1') },
      { idempotencyKey: 'sk2', kind: 'alert', dueAt: NOW.toISOString(), connectionId: s.connectionId, payload: ruleAlert(s.tenantId, 'sk2', 'overdue_amount', 'i1') },
    ]);
    const finish = (key: string) => sql`update outbox set state = 'sent' where tenant_id = ${s.tenantId} and idempotency_key = ${key}`;
    const deps = makeDeps(sql, sink.port, {
      options: { concurrency: 1 },
      openTask: async (t) => void (await finish(t.sourceKey)),
      alert: async (a) => void (await finish(a.key)),
    });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 0, skipped: 2 });
  });
});

describe('write-backs run', () => {
  it('are recorded as write-backs, and skipped when another worker recorded them meanwhile', async () => {
    const s = await seed(sql, { customers: [customer('wr', { email: 'wr@client.example' }), customer('ws', { email: 'ws@client.example' })], invoices: [invoice('wri', 'wr'), invoice('wsi', 'ws')] });
    await plan(sql, s);
    expect(await executeDue(makeDeps(sql, sink.port, { writeback: async () => undefined }), s.tenantId, NOW)).toMatchObject({ sent: 2 });
    const deps = makeDeps(sql, sink.port, {
      options: { concurrency: 1 },
      writeback: async (a) => {
        if (a.customerExternalId === 'ws') await sql`update outbox set state = 'sent' where tenant_id = ${s.tenantId} and idempotency_key = ${`${a.idempotencyKey}|writeback`}`;
      },
    });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 1, skipped: 1 });
    const wb = (await outboxRows(sql, s.tenantId)).filter((r) => r.kind === 'writeback');
    expect(wb.map((r) => r.result)).toHaveLength(2);
    expect(wb.map((r) => r.result)).toEqual(expect.arrayContaining([{ ok: true }, null]));
    expect((await listActivity(sql, s.tenantId, { customerExternalId: 'wr' })).map((a) => [a.kind, a.proof ?? null]).sort()).toEqual([['sent', expect.anything()], ['writeback', { ok: true }]]);
  });

  it('a cancelled one is logged as cancelled', async () => {
    const s = await seed(sql, { customers: [customer('wc', { email: 'wc@client.example' })], invoices: [invoice('wci', 'wc')] });
    await plan(sql, s);
    await executeDue(makeDeps(sql, sink.port, { writeback: async () => undefined }), s.tenantId, NOW);
    expect(await executeDue(makeDeps(sql, sink.port), s.tenantId, NOW)).toMatchObject({ cancelled: 1 });
    expect((await listActivity(sql, s.tenantId, { customerExternalId: 'wc' })).map((a) => [a.kind, a.reason ?? null]).sort()).toEqual([['cancelled', 'no connector write-back configured for this worker'], ['sent', null]]);
  });
});

describe('giving up', () => {
  it('a temporary failure past its attempts fails as failed, not bounced, logged once, and plans no fallback letter', async () => {
    const s = await seed(sql, { customers: [customer('gu', { email: 'gu@client.example' })], invoices: [invoice('gui', 'gu')] });
    const [key] = (await plan(sql, s)).keys;
    await sql`update outbox set payload = payload || '{"fallback": "letter"}'::jsonb where tenant_id = ${s.tenantId}`;
    sink.tempFail.set('gu@client.example', 1);
    const deps = makeDeps(sql, sink.port, { options: { maxAttempts: 1 } });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ failed: 1, retried: 0 });
    const [row] = await outboxRows(sql, s.tenantId);
    expect(row!.last_error).toMatch(/^gave up after 1 attempts: SMTP 451/);
    expect((await outboxRows(sql, s.tenantId)).map((r) => r.kind)).toEqual(['email']);
    expect((await listActivity(sql, s.tenantId, { actionKey: key! })).map((a) => [a.kind, a.channel])).toEqual([['failed', 'email']]);
    expect(deps.alerts).toMatchObject([{ kind: 'action_failed', severity: 'warning' }]);
  });

  it('a failed item another worker recorded meanwhile is skipped, and nobody is told', async () => {
    const s = await seed(sql, { customers: [customer('fw', { email: 'fw@client.example' })], invoices: [invoice('fwi', 'fw')] });
    const [key] = (await plan(sql, s)).keys;
    const deps = makeDeps(sql, sink.port, {
      customer: async () => {
        await sql`update outbox set state = 'failed' where tenant_id = ${s.tenantId} and idempotency_key = ${key!}`;
        return null;
      },
    });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ failed: 0, skipped: 1 });
    expect(deps.alerts).toEqual([]);
    expect(await listActivity(sql, s.tenantId, { actionKey: key! })).toEqual([]);
  });

  it('a failure to retry or a held letter of an item another worker recorded meanwhile is skipped', async () => {
    const s = await seed(sql, { customers: [customer('rk', { email: 'rk@client.example' })], invoices: [invoice('rki', 'rk')] });
    await plan(sql, s);
    await executeDue(makeDeps(sql, sink.port, { writeback: async () => undefined }), s.tenantId, NOW);
    const retry = makeDeps(sql, sink.port, {
      writeback: async (a) => {
        await sql`update outbox set state = 'sent' where tenant_id = ${s.tenantId} and idempotency_key = ${`${a.idempotencyKey}|writeback`}`;
        throw new Error('the books are busy');
      },
    });
    expect(await executeDue(retry, s.tenantId, NOW)).toMatchObject({ retried: 0, skipped: 1 });

    const h = await seed(sql, { customers: [customer('hk2', { name: 'Sans Adresse', address: null })], invoices: [invoice('hk2i', 'hk2', { dueDate: '2026-02-13' })], delivered: { hk2i: { 'reminder-1': '2026-02-16', 'reminder-2': '2026-02-20', firm: '2026-02-27' } } });
    const [hKey] = (await plan(sql, h)).keys;
    const lookups = makeDeps(sql, sink.port);
    const held = makeDeps(sql, sink.port, {
      customer: async (ctx, id) => {
        await sql`update outbox set state = 'sent' where tenant_id = ${h.tenantId} and idempotency_key = ${hKey!}`;
        return lookups.customer(ctx, id);
      },
    });
    expect(await executeDue(held, h.tenantId, NOW)).toMatchObject({ heldForProfile: 0, skipped: 1 });
    expect(held.alerts).toEqual([]);
  });

  it('an item without a readable action is logged on its own kind of channel', async () => {
    const s = await seed(sql, { customers: [], invoices: [] });
    await planActions(sql, s.tenantId, [{ idempotencyKey: 'odd3', kind: 'letter', dueAt: NOW.toISOString(), payload: { hello: 1 }, connectionId: s.connectionId }]);
    expect(await executeDue(makeDeps(sql, sink.port), s.tenantId, NOW)).toMatchObject({ failed: 1 });
    expect(await listActivity(sql, s.tenantId, { actionKey: 'odd3' })).toMatchObject([{ kind: 'failed', channel: 'letter' }]);
  });
});

describe('letters held for their sender or debtor', () => {
  it('are logged once per reason, and the team is told once per set of gaps, the gaps in order', async () => {
    const s = await seed(sql, { customers: [customer('ha', { name: 'Sans Adresse', address: null })], invoices: [invoice('hai', 'ha', { dueDate: '2026-02-13' })], delivered: { hai: { 'reminder-1': '2026-02-16', 'reminder-2': '2026-02-20', firm: '2026-02-27' } } });
    const [key] = (await plan(sql, s)).keys;
    // A French company without its legal form: 'legal_form' comes before 'debtor_address' in the gaps found, not in order.
    const deps = makeDeps(sql, sink.port, storeLookups(sql, () => ({ ...COMPANY, legalForm: undefined })));
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ heldForProfile: 1 });
    // Logged when it starts waiting.
    expect((await listActivity(sql, s.tenantId, { actionKey: key! })).map((a) => a.kind)).toEqual(['held']);
    expect(await executeDue(deps, s.tenantId, new Date(NOW.getTime() + 3_600_000))).toMatchObject({ heldForProfile: 1 });
    expect(deps.alerts.map((a) => [a.key, a.kind, a.severity, a.actionKey, a.customerExternalId])).toEqual([
      [`${s.tenantId}|letter-held|debtor_address,legal_form`, 'letter_held', 'warning', key, 'ha'],
      [`${s.tenantId}|letter-held|debtor_address,legal_form`, 'letter_held', 'warning', key, 'ha'],
    ]);
    expect((await listActivity(sql, s.tenantId, { actionKey: key! })).map((a) => a.kind)).toEqual(['held']);
  });
});

describe('a later bounce of a reminder with a fallback, or not readable', () => {
  it('says a letter follows; an unreadable reminder is not recorded', async () => {
    const s = await seed(sql, { customers: [customer('lf', { email: 'lf@client.example' })], invoices: [invoice('lfi', 'lf')] });
    const [key] = (await plan(sql, s)).keys;
    await sql`update outbox set payload = payload || '{"fallback": "letter"}'::jsonb where tenant_id = ${s.tenantId}`;
    const deps = makeDeps(sql, sink.port);
    await executeDue(deps, s.tenantId, NOW);
    expect(await recordBounce(deps, s.tenantId, key!, '550 gone', NOW)).toBe(true);
    expect(deps.alerts).toMatchObject([{ message: 'email to customer lf bounced: 550 gone — a letter will be sent instead' }]);

    await planActions(sql, s.tenantId, [{ idempotencyKey: 'unreadable', kind: 'email', dueAt: NOW.toISOString(), payload: { hello: 1 }, connectionId: s.connectionId }]);
    const [item] = await sql<{ id: string }[]>`select id::text from outbox where tenant_id = ${s.tenantId} and idempotency_key = 'unreadable'`;
    expect(await transition(sql, s.tenantId, item!.id, 'planned', 'sent')).toBe(true);
    expect(await recordBounce(deps, s.tenantId, 'unreadable', '550 gone', NOW)).toBe(false);
  });
});
