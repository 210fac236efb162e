// Replies, auto-replies and bounces, end to end on real servers: reminders go out through the SMTP sink, replies come
// back through the inbound SMTP listener (smtp-server) and through a real Dovecot mailbox polled with imapflow, and
// land on the right customer's timeline in PostgreSQL, pausing the sequence and asking the worklist for a task.
import { randomUUID } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeDue } from '../../src/actions/executor.js';
import { pollImap, imapFromUrl } from '../../src/inbound/imap-poll.js';
import { receiveMail, type InboundDeps } from '../../src/inbound/receive.js';
import { startInboundSmtp, type InboundSmtp } from '../../src/inbound/smtp-listener.js';
import { customerMail, failingAmong } from '../../src/store/mail.js';
import { bounceRecorder } from '../../src/inbound/wiring.js';
import { listActivity } from '../../src/store/activity.js';
import { listPauses, pauseHistory } from '../../src/store/pauses.js';
import { savePolicy } from '../../src/store/policies.js';
import { FRENCH_B2B_POLICY } from '../../src/rules/default-policies.js';
import { NOW, customer, invoice, makeDeps, plan, seed } from '../actions/fixtures.js';
import { startSmtpSink, type SmtpSink } from '../actions/smtp-sink.js';
import { useDatabase } from '../support/db.js';
import { startDovecot, type Dovecot } from '../support/dovecot.js';
import { FROM_ADDRESS, deliver, dsn, header, outboxState, planNext, sendReminder, taskRecorder } from './support.js';

/** Unique to this run of the file: the database outlives it (a mutation run reruns the file on the same one), and a
 * Message-ID is stored once, whoever sends it. */
const RUN = randomUUID().slice(0, 8);

const sql = useDatabase();
let sink: SmtpSink;
let dovecot: Dovecot;
let listener: InboundSmtp;
const tasks = taskRecorder();
const deps: InboundDeps = { sql, replyAddress: FROM_ADDRESS, openTask: tasks.openTask, now: () => NOW, bounced: bounceRecorder(sql, () => {}) };

beforeAll(async () => {
  [sink, dovecot] = await Promise.all([startSmtpSink(), startDovecot()]);
  listener = await startInboundSmtp({ host: '127.0.0.1', port: 0, maxBytes: 256 * 1024, replyAddress: FROM_ADDRESS, receive: (raw, to) => receiveMail(deps, raw, { source: 'smtp', envelopeTo: to }) });
}, 60_000);
afterAll(async () => {
  await listener?.close();
  await Promise.all([sink?.stop(), dovecot?.stop()]);
});

const tasksFor = (tenantId: string) => tasks.requests.filter((r) => r.tenantId === tenantId);

describe('a reminder opens a thread', () => {
  it('goes out with a plus-address Reply-To and Return-Path naming its thread, and its Message-ID recorded', async () => {
    const r = await sendReminder(sql, sink, 'c-thread', 'ap@thread.example');
    expect(r.replyTo).toMatch(/^compta\+[a-z2-7]{26}@atelier-dupont\.fr$/);
    expect(r.message.mailFrom).toBe(r.replyTo);
    const [thread] = await sql<{ tenant_id: string; connection_id: string; customer_external_id: string; message_id: string; action_key: string; token: string }[]>`
      select * from mail_threads where token = ${r.token}`;
    expect(thread).toMatchObject({ tenant_id: r.tenantId, connection_id: r.connectionId, customer_external_id: 'c-thread', message_id: r.message.messageId });
    const [sent] = await sql<{ idempotency_key: string }[]>`select idempotency_key from outbox where tenant_id = ${r.tenantId} and state = 'sent'`;
    expect(thread!.action_key).toBe(sent!.idempotency_key);
    // Another reminder gets another token: one cannot be derived from the other.
    const other = await sendReminder(sql, sink, 'c-thread2', 'ap@thread2.example');
    expect(other.token).not.toBe(r.token);
    expect(other.token).toHaveLength(26);
  });
});

describe('replies captured', () => {
  it('a reply through the inbound SMTP listener is on the timeline with its text and attachment, pauses the customer 5 days and asks for a "reply to read" task', async () => {
    const r = await sendReminder(sql, sink, 'c-smtp', 'paie@martin.example');
    const next = await planNext(sql, r, 2);
    const pdf = Buffer.from('%PDF-1.4 preuve de virement');
    const info = await deliver(listener.port, {
      from: 'Martin <paie@martin.example>',
      to: r.replyTo,
      subject: `Re: ${r.message.subject}`,
      inReplyTo: r.message.messageId,
      references: [r.message.messageId],
      text: 'Bonjour, nous avons réglé la facture hier par virement.',
      attachments: [{ filename: 'virement.pdf', content: pdf, contentType: 'application/pdf' }],
    });
    expect(info.response).toMatch(/^250/);

    const mail = await customerMail(sql, r.tenantId, r.connectionId, 'c-smtp');
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ kind: 'reply', matchedBy: 'token', source: 'smtp', fromAddress: 'paie@martin.example' });
    expect(mail[0]!.bodyText).toContain('nous avons réglé la facture hier');
    expect(mail[0]!.attachments).toEqual([expect.objectContaining({ filename: 'virement.pdf', contentType: 'application/pdf', size: pdf.length, kept: true })]);
    const [bytes] = await sql<{ content: Buffer }[]>`select content from inbound_attachments where id = ${mail[0]!.attachments[0]!.id}`;
    expect(Buffer.compare(bytes!.content, pdf)).toBe(0);

    const pauses = await listPauses(sql, r.tenantId, { customerExternalId: 'c-smtp', states: ['active'] });
    expect(pauses).toEqual([expect.objectContaining({ kind: 'hold', startsOn: '2026-03-16', expiresOn: '2026-03-21', customerExternalId: 'c-smtp', invoiceExternalId: null, instalments: [] })]);
    expect(pauses[0]!.reason).toBe(`Réponse du client : Re: ${r.message.subject}`);
    // Opened by the inbound mail, in the pause's history on the customer page.
    expect((await pauseHistory(sql, r.tenantId, pauses[0]!.id)).map((e) => [e.event, e.actor])).toEqual([['opened', 'inbound mail']]);
    // The reminder planned for the 18th, inside the pause, is cancelled with it.
    expect((await outboxState(sql, r.tenantId, next))!.state).toBe('cancelled');

    expect(tasksFor(r.tenantId)).toEqual([
      expect.objectContaining({ tenantId: r.tenantId, connectionId: r.connectionId, kind: 'reply_to_read', customerExternalId: 'c-smtp', invoiceExternalIds: ['inv-c-smtp'], dueOn: '2026-03-16', sourceKey: `mail:${info.messageId}`, title: `Re: ${r.message.subject}`, detail: { inboundId: mail[0]!.id, from: 'paie@martin.example' } }),
    ]);
  });

  it('a reply through the IMAP mailbox (Dovecot) is matched by In-Reply-To, on the timeline, pauses and asks for a task; a second poll reads nothing again', async () => {
    const r = await sendReminder(sql, sink, 'c-imap', 'compta@boulangerie.example');
    const next = await planNext(sql, r, 3);
    // The customer answered the plain address (a forwarding rule dropped the plus part): only the thread headers remain.
    const raw = [
      'From: Boulangerie <compta@boulangerie.example>',
      `To: ${FROM_ADDRESS}`,
      'Subject: Re: votre relance',
      `Message-ID: <reply-imap-1.${RUN}@boulangerie.example>`,
      `In-Reply-To: ${r.message.messageId}`,
      `References: <older@elsewhere.example> ${r.message.messageId}`,
      'Date: Mon, 16 Mar 2026 11:00:00 +0100',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Nous contestons le montant : la livraison était incomplète.',
      '',
    ].join('\r\n');
    const client = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
    await client.connect();
    await client.append('INBOX', raw);
    await client.logout();

    const first = await pollImap(imapFromUrl(dovecot.url), { maxBytes: 256 * 1024, receive: (b) => receiveMail(deps, b, { source: 'imap' }) });
    expect(first).toMatchObject({ seen: 1, received: 1 });
    const mail = await customerMail(sql, r.tenantId, r.connectionId, 'c-imap');
    expect(mail).toEqual([expect.objectContaining({ kind: 'reply', matchedBy: 'references', source: 'imap', subject: 'Re: votre relance' })]);
    expect(mail[0]!.bodyText).toContain('la livraison était incomplète');
    expect(await listPauses(sql, r.tenantId, { customerExternalId: 'c-imap', states: ['active'] })).toEqual([expect.objectContaining({ kind: 'hold', expiresOn: '2026-03-21' })]);
    expect((await outboxState(sql, r.tenantId, next))!.state).toBe('cancelled');
    expect(tasksFor(r.tenantId).map((t) => [t.kind, t.customerExternalId, t.sourceKey])).toEqual([['reply_to_read', 'c-imap', `mail:<reply-imap-1.${RUN}@boulangerie.example>`]]);

    const second = await pollImap(imapFromUrl(dovecot.url), { maxBytes: 256 * 1024, receive: (b) => receiveMail(deps, b, { source: 'imap' }) });
    expect(second).toMatchObject({ seen: 0, received: 0 });
  });

  it.each([
    [2, '2026-03-18'],
    [0, null],
  ])('the pause lasts the policy’s replyPauseDays (%i)', async (days, until) => {
    const id = `c-policy-${days}`;
    const r = await sendReminder(sql, sink, id, `${id}@policy.example`);
    await savePolicy(sql, r.tenantId, 'fr-b2b', { ...FRENCH_B2B_POLICY, replyPauseDays: days });
    await deliver(listener.port, { from: `${id}@policy.example`, to: r.replyTo, subject: 'Re: relance', text: 'Nous regardons.' });
    const pauses = await listPauses(sql, r.tenantId, { customerExternalId: id });
    expect(pauses.map((p) => p.expiresOn)).toEqual(until ? [until] : []);
    // The reply is still there to read.
    expect(tasksFor(r.tenantId).map((t) => t.kind)).toEqual(['reply_to_read']);
  });

  it('a reply with neither token nor thread headers is placed by its sender address', async () => {
    const r = await sendReminder(sql, sink, 'c-sender', `ap.${RUN}@sender-only.example`);
    await deliver(listener.port, { from: `ap.${RUN}@sender-only.example`, to: FROM_ADDRESS, subject: 'Facture', text: 'Pouvez-vous renvoyer la facture ?', messageId: `<sender-only-1.${RUN}@sender-only.example>` });
    expect(await customerMail(sql, r.tenantId, r.connectionId, 'c-sender')).toEqual([expect.objectContaining({ matchedBy: 'sender', kind: 'reply' })]);
    expect(tasksFor(r.tenantId).map((t) => [t.kind, t.invoiceExternalIds])).toEqual([['reply_to_read', []]]);
  });
});

/** One company, two customers, each sent its reminder (two threads): which one a reply lands on. */
async function twoReminders(emails: [string, string]) {
  const s = await seed(sql, { customers: [customer('c-one', { email: emails[0] }), customer('c-two', { email: emails[1] })], invoices: [invoice('inv-one', 'c-one', { dueDate: '2026-03-10' }), invoice('inv-two', 'c-two', { dueDate: '2026-03-10' })] });
  await plan(sql, s);
  const exec = makeDeps(sql, sink.port);
  await executeDue(exec, s.tenantId, NOW);
  exec.smtp!.transport.close();
  const sent = (email: string) => {
    const m = sink.messages.filter((x) => x.rcptTo.includes(email)).at(-1)!;
    return { messageId: m.messageId, replyTo: header(m.raw, 'Reply-To') };
  };
  return { ...s, one: sent(emails[0]), two: sent(emails[1]) };
}

describe('a reply naming several reminders', () => {
  const landedOn = async (s: { tenantId: string; connectionId: string }, key: string) =>
    (await sql<{ customer_external_id: string | null; matched_by: string | null }[]>`select customer_external_id, matched_by from inbound_messages where message_key = ${key}`)[0];

  it('without a token, it lands on the customer its In-Reply-To names, else on the newest of its References', async () => {
    const s = await twoReminders([`one.${RUN}@refs.example`, `two.${RUN}@refs.example`]);
    const reply = async (n: number, headers: { inReplyTo?: string; references?: string[] }) => {
      const messageId = `<refs-${n}.${RUN}@client.example>`;
      await deliver(listener.port, { from: `two.${RUN}@refs.example`, to: FROM_ADDRESS, subject: 'Re: relance', text: 'Bien reçu.', messageId, ...headers });
      return landedOn(s, messageId);
    };
    expect(await reply(1, { inReplyTo: s.two.messageId, references: [s.one.messageId, s.two.messageId] })).toEqual({ customer_external_id: 'c-two', matched_by: 'references' });
    expect(await reply(2, { inReplyTo: s.one.messageId, references: [s.two.messageId, s.one.messageId] })).toEqual({ customer_external_id: 'c-one', matched_by: 'references' });
    // In-Reply-To names a message of the customer's own (unknown here): the newest known reference decides.
    expect(await reply(3, { inReplyTo: `<own-${RUN}@client.example>`, references: [s.one.messageId, s.two.messageId] })).toEqual({ customer_external_id: 'c-two', matched_by: 'references' });
    expect(await reply(4, { inReplyTo: `<own-${RUN}@client.example>`, references: [s.two.messageId, s.one.messageId] })).toEqual({ customer_external_id: 'c-one', matched_by: 'references' });
    expect(tasksFor(s.tenantId).map((t) => [t.customerExternalId, t.invoiceExternalIds])).toEqual([['c-two', ['inv-two']], ['c-one', ['inv-one']], ['c-two', ['inv-two']], ['c-one', ['inv-one']]]);
  });

  it('sent to both reminders’ addresses of one company, it lands on the one its In-Reply-To names', async () => {
    const s = await twoReminders([`first.${RUN}@tokens.example`, `second.${RUN}@tokens.example`]);
    for (const [n, named, customerId] of [[1, s.one.messageId, 'c-one'], [2, s.two.messageId, 'c-two']] as const) {
      const messageId = `<tokens-${n}.${RUN}@client.example>`;
      await deliver(listener.port, { from: `first.${RUN}@tokens.example`, to: [s.one.replyTo, s.two.replyTo], subject: 'Re: relance', text: 'Voir ci-dessous.', inReplyTo: named, messageId });
      expect(await landedOn(s, messageId)).toEqual({ customer_external_id: customerId, matched_by: 'token' });
    }
  });
});

describe('what receiving a message answers its caller', () => {
  it('a reply: fresh, placed by its token, paused until the 21st; the same message again: not fresh, nothing paused', async () => {
    const r = await sendReminder(sql, sink, 'c-received', 'ap@received.example');
    const raw = Buffer.from(`From: ap@received.example\r\nTo: ${r.replyTo}\r\nSubject: Re: relance\r\nMessage-ID: <received-1.${RUN}@received.example>\r\n\r\nNous payons vendredi.\r\n`);
    const first = await receiveMail(deps, raw, { source: 'test' });
    expect(first).toEqual({
      id: expect.any(String),
      fresh: true,
      kind: 'reply',
      because: 'a person',
      placement: { placed: true, tenantId: r.tenantId, connectionId: r.connectionId, customerExternalId: 'c-received', thread: expect.objectContaining({ token: r.token }), by: 'token' },
      pausedUntil: '2026-03-21',
      failing: null,
    });
    expect(await receiveMail(deps, raw, { source: 'test' })).toMatchObject({ id: first.id, fresh: false, pausedUntil: null, failing: null });
    // Asked again on the redelivery, for the same day.
    expect(tasksFor(r.tenantId).map((t) => [t.sourceKey, t.dueOn])).toEqual([
      [`mail:<received-1.${RUN}@received.example>`, '2026-03-16'],
      [`mail:<received-1.${RUN}@received.example>`, '2026-03-16'],
    ]);
  });

  it('a permanent bounce names the failing address; a delayed one names none', async () => {
    const r = await sendReminder(sql, sink, 'c-received-dsn', 'gone@received.example');
    const raw = Buffer.from(dsn({ to: r.message.mailFrom, failed: 'gone@received.example', originalMessageId: r.message.messageId, messageId: `<received-dsn.${RUN}@mx.client.example>` }));
    expect(await receiveMail(deps, raw, { source: 'test' })).toMatchObject({ fresh: true, kind: 'bounce', because: 'delivery-status notification', placement: { placed: true, by: 'token' }, pausedUntil: null, failing: 'gone@received.example' });
    expect(tasksFor(r.tenantId)).toEqual([expect.objectContaining({ kind: 'bounced_email', title: 'gone@received.example', detail: { inboundId: expect.any(String), address: 'gone@received.example', status: '5.1.1' } })]);
    const slow = await sendReminder(sql, sink, 'c-received-slow', 'slow@received.example');
    const delayed = Buffer.from(dsn({ to: slow.message.mailFrom, failed: 'slow@received.example', action: 'delayed', status: '4.4.7', originalMessageId: slow.message.messageId, messageId: `<received-slow.${RUN}@mx.client.example>` }));
    expect(await receiveMail(deps, delayed, { source: 'test' })).toMatchObject({ fresh: true, kind: 'bounce', placement: { placed: true }, failing: null });
  });
});

describe('automatic mail recognised', () => {
  it.each([
    ['Auto-Submitted', { 'Auto-Submitted': 'auto-replied' }, 'Re: relance'],
    ['X-Autoreply', { 'X-Autoreply': 'yes' }, 'Re: relance'],
    ['Precedence: auto_reply', { Precedence: 'auto_reply' }, 'Re: relance'],
    ['a French subject', {}, 'Réponse automatique : absent du bureau'],
    ['an English subject', {}, 'Out of Office: back on Monday'],
  ])('an out-of-office (%s) is logged on the timeline and pauses nothing', async (label, headers, subject) => {
    const id = `c-ooo-${label.replace(/\W+/g, '')}`.toLowerCase();
    const r = await sendReminder(sql, sink, id, `${id}@ooo.example`);
    const next = await planNext(sql, r, 2);
    await deliver(listener.port, { from: `${id}@ooo.example`, to: r.replyTo, subject, headers, inReplyTo: r.message.messageId, text: 'Je suis absent jusqu’au 30 mars.' });
    expect(await customerMail(sql, r.tenantId, r.connectionId, id)).toEqual([expect.objectContaining({ kind: 'auto_reply' })]);
    expect(await listPauses(sql, r.tenantId, { customerExternalId: id })).toEqual([]);
    expect((await outboxState(sql, r.tenantId, next))!.state).toBe('planned');
    expect(tasksFor(r.tenantId)).toEqual([]);
  });

  it('a bounce (multipart/report DSN) to the Return-Path marks the address failing, asks for a "bounced email" task, and the next reminder is refused', async () => {
    const r = await sendReminder(sql, sink, 'c-bounce', 'gone@bounce.example');
    const next = await planNext(sql, r, 0);
    const raw = dsn({ to: r.message.mailFrom, failed: 'gone@bounce.example', originalMessageId: r.message.messageId, messageId: `<dsn-1.${RUN}@mx.client.example>` });
    await deliver(listener.port, { raw, envelope: { from: '', to: [r.message.mailFrom] } });

    expect(await customerMail(sql, r.tenantId, r.connectionId, 'c-bounce')).toEqual([expect.objectContaining({ kind: 'bounce', matchedBy: 'token', failedAddress: 'gone@bounce.example', dsnStatus: '5.1.1' })]);
    expect((await failingAmong(sql, r.tenantId, ['gone@bounce.example'])).map((f) => f.address)).toEqual(['gone@bounce.example']);
    expect(await listPauses(sql, r.tenantId, { customerExternalId: 'c-bounce' })).toEqual([]);
    expect(tasksFor(r.tenantId)).toEqual([expect.objectContaining({ kind: 'bounced_email', customerExternalId: 'c-bounce', sourceKey: `mail:<dsn-1.${RUN}@mx.client.example>`, detail: expect.objectContaining({ address: 'gone@bounce.example', status: '5.1.1' }) })]);

    // Recorded against the reminder it answers, as a refused address is.
    expect((await listActivity(sql, r.tenantId, { customerExternalId: 'c-bounce' })).filter((a) => a.kind === 'bounced')).toEqual([expect.objectContaining({ reason: expect.stringContaining('gone@bounce.example 5.1.1') })]);
    const before = sink.messages.filter((m) => m.rcptTo.includes('gone@bounce.example')).length;
    const exec = makeDeps(sql, sink.port);
    const summary = await executeDue(exec, r.tenantId, NOW);
    exec.smtp!.transport.close();
    expect(summary).toMatchObject({ sent: 0, cancelled: 1 });
    expect(sink.messages.filter((m) => m.rcptTo.includes('gone@bounce.example'))).toHaveLength(before);
    const state = await outboxState(sql, r.tenantId, next);
    expect(state).toMatchObject({ state: 'cancelled', result: { why: { code: 'address_failing', addresses: ['gone@bounce.example'] } } });
  });
});

describe('bounces as servers write them', () => {
  const bouncedActivity = async (r: { tenantId: string }, customerId: string) => (await listActivity(sql, r.tenantId, { customerExternalId: customerId })).filter((a) => a.kind === 'bounced');
  const returned = (r: { message: { mailFrom: string } }, raw: string) => deliver(listener.port, { raw, envelope: { from: '', to: [r.message.mailFrom] } });

  it('a delayed DSN (4.4.7: the server still tries) is on the timeline as a bounce but fails nothing, asks for nothing and stops nothing', async () => {
    const r = await sendReminder(sql, sink, 'c-delayed', 'slow@delayed.example');
    const next = await planNext(sql, r, 2);
    await returned(r, dsn({ to: r.message.mailFrom, failed: 'slow@delayed.example', action: 'delayed', status: '4.4.7', diagnostic: null, originalMessageId: r.message.messageId, messageId: `<dsn-delayed.${RUN}@mx.client.example>` }));
    expect(await customerMail(sql, r.tenantId, r.connectionId, 'c-delayed')).toEqual([expect.objectContaining({ kind: 'bounce', failedAddress: 'slow@delayed.example', dsnStatus: '4.4.7' })]);
    expect(await failingAmong(sql, r.tenantId, ['slow@delayed.example'])).toEqual([]);
    expect(tasksFor(r.tenantId)).toEqual([]);
    expect(await bouncedActivity(r, 'c-delayed')).toEqual([]);
    expect((await outboxState(sql, r.tenantId, next))!.state).toBe('planned');
  });

  it('a DSN without an Action but with a permanent status (5.1.1) and no diagnostic fails the address, saying only that delivery failed', async () => {
    const r = await sendReminder(sql, sink, 'c-noaction', 'gone@noaction.example');
    await returned(r, dsn({ to: r.message.mailFrom, failed: 'gone@noaction.example', action: null, diagnostic: null, originalMessageId: r.message.messageId, messageId: `<dsn-noaction.${RUN}@mx.client.example>` }));
    expect((await failingAmong(sql, r.tenantId, ['gone@noaction.example'])).map((f) => [f.address, f.status, f.reason])).toEqual([['gone@noaction.example', '5.1.1', 'delivery failed']]);
    expect(tasksFor(r.tenantId)).toEqual([expect.objectContaining({ kind: 'bounced_email', title: 'gone@noaction.example', detail: expect.objectContaining({ address: 'gone@noaction.example', status: '5.1.1' }) })]);
    expect((await bouncedActivity(r, 'c-noaction')).map((a) => a.reason)).toEqual(['gone@noaction.example 5.1.1']);
  });

  it('a DSN that says "failed" without a status fails the address with the server’s diagnostic', async () => {
    const r = await sendReminder(sql, sink, 'c-nostatus', 'gone@nostatus.example');
    await returned(r, dsn({ to: r.message.mailFrom, failed: 'gone@nostatus.example', status: null, diagnostic: 'smtp; 550 mailbox closed', originalMessageId: r.message.messageId, messageId: `<dsn-nostatus.${RUN}@mx.client.example>` }));
    expect((await failingAmong(sql, r.tenantId, ['gone@nostatus.example'])).map((f) => [f.status, f.reason])).toEqual([[null, 'smtp; 550 mailbox closed']]);
    expect(tasksFor(r.tenantId)).toEqual([expect.objectContaining({ kind: 'bounced_email', detail: expect.objectContaining({ status: null }) })]);
    const [activity] = await bouncedActivity(r, 'c-nostatus');
    expect(activity!.reason).toMatch(/^gone@nostatus\.example\s+smtp; 550 mailbox closed$/);
  });

  it('a DSN to the plain address, quoting nothing of the reminder, is placed by the address that failed', async () => {
    const failed = `gone.${RUN}@plain.example`;
    const r = await sendReminder(sql, sink, 'c-plain-dsn', failed);
    await deliver(listener.port, { raw: dsn({ to: FROM_ADDRESS, failed, originalMessageId: null, messageId: `<dsn-plain.${RUN}@mx.client.example>` }), envelope: { from: '', to: [FROM_ADDRESS] } });
    expect(await customerMail(sql, r.tenantId, r.connectionId, 'c-plain-dsn')).toEqual([expect.objectContaining({ kind: 'bounce', matchedBy: 'sender', failedAddress: failed })]);
    expect((await failingAmong(sql, r.tenantId, [failed])).map((f) => f.address)).toEqual([failed]);
    expect(tasksFor(r.tenantId).map((t) => t.kind)).toEqual(['bounced_email']);
  });

  it('a mailer-daemon notice with no delivery-status part, to the plain address, names no customer: it waits for a person', async () => {
    const key = `<daemon-plain.${RUN}@mx.client.example>`;
    const raw = [`From: MAILER-DAEMON@mx.client.example`, `To: ${FROM_ADDRESS}`, `Subject: Undelivered Mail Returned to Sender`, `Message-ID: ${key}`, ``, `Your message could not be delivered.`, ``].join('\r\n');
    await deliver(listener.port, { raw, envelope: { from: '', to: [FROM_ADDRESS] } });
    const rows = await sql<{ tenant_id: string | null; kind: string; unmatched_reason: string | null; failed_address: string | null }[]>`select tenant_id, kind, unmatched_reason, failed_address from inbound_messages where message_key = ${key}`;
    expect(rows).toEqual([{ tenant_id: null, kind: 'bounce', unmatched_reason: 'no_match', failed_address: null }]);
  });
});

describe('a reply with a very long subject', () => {
  it('pauses with a reason of at most 500 characters', async () => {
    const r = await sendReminder(sql, sink, 'c-longsubject', 'long@subject.example');
    await deliver(listener.port, { from: 'long@subject.example', to: r.replyTo, subject: `Re: ${'relance '.repeat(100)}`, text: 'Bien reçu.' });
    const [pause] = await listPauses(sql, r.tenantId, { customerExternalId: 'c-longsubject' });
    expect(pause!.reason).toMatch(/^Réponse du client : Re: relance relance/);
    expect(pause!.reason).toHaveLength(500);
  });
});

describe('received again late in the evening', () => {
  it('a redelivery asks for its task on the company’s day (Paris), not UTC’s', async () => {
    const r = await sendReminder(sql, sink, 'c-late', 'late@evening.example');
    const late = { ...deps, now: () => new Date('2026-03-16T23:30:00Z') };
    const raw = Buffer.from(`From: late@evening.example\r\nTo: ${r.replyTo}\r\nSubject: Re: relance\r\nMessage-ID: <late-1.${RUN}@evening.example>\r\n\r\nDemain.\r\n`);
    await receiveMail(late, raw, { source: 'test' });
    await receiveMail(late, raw, { source: 'test' });
    expect(tasksFor(r.tenantId).map((t) => t.dueOn)).toEqual(['2026-03-17', '2026-03-17']);
  });
});

describe('a reply without a subject', () => {
  it.each([
    ['fr', 'Réponse du client : (sans objet)'],
    ['fr-FR', 'Réponse du client : (sans objet)'],
    ['en', 'Customer reply: (no subject)'],
  ])('pauses with a reason the team reads in its language (%s)', async (locale, reason) => {
    const id = `c-nosubject-${locale}`;
    const r = await sendReminder(sql, sink, id, `${id}@nosubject.example`, { locale });
    await deliver(listener.port, { from: `${id}@nosubject.example`, to: r.replyTo, text: 'Voir pièce jointe.' });
    expect((await listPauses(sql, r.tenantId, { customerExternalId: id })).map((p) => p.reason)).toEqual([reason]);
  });
});

describe('the thread headers of a sent reminder', () => {
  it('the sink saw the reminder with the recorded Message-ID in its headers', async () => {
    const r = await sendReminder(sql, sink, 'c-hdr', 'hdr@example.org');
    expect(header(r.message.raw, 'Message-ID')).toBe(r.message.messageId);
  });
});
