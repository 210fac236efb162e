// Bad input on the inbound path, on real servers: malformed MIME, oversized mail and attachments, forged headers,
// another company's token, redeliveries, strangers. Stored or refused safely; never a crash, never the wrong company.
import { randomUUID } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imapFromUrl, pollImap } from '../../src/inbound/imap-poll.js';
import { receiveMail, type InboundDeps } from '../../src/inbound/receive.js';
import { startInboundSmtp, type InboundSmtp } from '../../src/inbound/smtp-listener.js';
import { customerMail } from '../../src/store/mail.js';
import { listPauses } from '../../src/store/pauses.js';
import { NOW, customer, invoice, seed } from '../actions/fixtures.js';
import { startSmtpSink, type SmtpSink } from '../actions/smtp-sink.js';
import { useDatabase } from '../support/db.js';
import { startDovecot, type Dovecot } from '../support/dovecot.js';
import { FROM_ADDRESS, deliver, dsn, sendReminder, taskRecorder } from './support.js';

/** Unique to this run of the file: the database outlives it (a mutation run reruns the file on the same one), and a
 * Message-ID is stored once, whoever sends it. */
const RUN = randomUUID().slice(0, 8);

const sql = useDatabase();
let sink: SmtpSink;
let listener: InboundSmtp;
let dovecot: Dovecot;
const tasks = taskRecorder();
/** What the operator reads in the log, one line per message. */
const logged: { entry: Record<string, unknown>; message: string }[] = [];
const deps: InboundDeps = { sql, replyAddress: FROM_ADDRESS, openTask: tasks.openTask, now: () => NOW, limits: { maxAttachmentBytes: 10_000, maxTextChars: 100_000 }, log: (entry, message) => void logged.push({ entry, message }) };
const LIMIT = 200_000;

beforeAll(async () => {
  [sink, dovecot] = await Promise.all([startSmtpSink(), startDovecot()]);
  listener = await startInboundSmtp({ host: '127.0.0.1', port: 0, maxBytes: LIMIT, replyAddress: FROM_ADDRESS, receive: (raw, to) => receiveMail(deps, raw, { source: 'smtp', envelopeTo: to }) });
}, 60_000);
afterAll(async () => {
  await listener?.close();
  await Promise.all([sink?.stop(), dovecot?.stop()]);
});

const byKey = (key: string) => sql<{ id: string; tenant_id: string | null; customer_external_id: string | null; kind: string; unmatched_reason: string | null; body_text: string }[]>`
  select id, tenant_id, customer_external_id, kind, unmatched_reason, body_text from inbound_messages where message_key = ${key}`;

describe('malformed and oversized mail', () => {
  it('malformed MIME (no closing boundary, bad base64, NUL and control bytes) is stored, answered 250, and its readable text kept', async () => {
    const r = await sendReminder(sql, sink, 'c-mime', 'mime@bad.example');
    const raw = Buffer.concat([
      Buffer.from(
        [
          `From: mime@bad.example`,
          `To: ${r.replyTo}`,
          `Subject: =?utf-8?B?broken?= R\u00e9ponse`,
          `Message-ID: <malformed-1.${RUN}@bad.example>`,
          `Content-Type: multipart/mixed; boundary="never-closed"`,
          ``,
          `--never-closed`,
          `Content-Type: text/plain; charset=utf-8`,
          ``,
          `Lisible malgré tout.`,
          `--never-closed`,
          `Content-Type: application/pdf; name="x.pdf"`,
          `Content-Transfer-Encoding: base64`,
          ``,
          `%%%% not base64 at all ****`,
          ``,
        ].join('\r\n'),
      ),
      Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x0d, 0x0a]),
    ]);
    const info = await deliver(listener.port, { raw, envelope: { from: 'mime@bad.example', to: [r.replyTo] } });
    expect(info.response).toMatch(/^250/);
    const [row] = await byKey(`<malformed-1.${RUN}@bad.example>`);
    expect(row).toMatchObject({ tenant_id: r.tenantId, customer_external_id: 'c-mime', kind: 'reply' });
    expect(row!.body_text).toContain('Lisible malgré tout.');
    expect(row!.body_text).not.toMatch(/\u0000/);
  });

  it('a message over the size limit is refused by the listener (552) while streaming, and nothing is stored', async () => {
    const r = await sendReminder(sql, sink, 'c-huge', 'huge@big.example');
    const huge = Buffer.alloc(LIMIT + 50_000, 'A');
    const sent = deliver(listener.port, { from: 'huge@big.example', to: r.replyTo, subject: 'énorme', messageId: `<huge-1.${RUN}@big.example>`, text: 'voir pièce jointe', attachments: [{ filename: 'scan.tif', content: huge }] });
    await expect(sent).rejects.toMatchObject({ responseCode: 552 });
    expect(await byKey(`<huge-1.${RUN}@big.example>`)).toEqual([]);
    expect(await customerMail(sql, r.tenantId, r.connectionId, 'c-huge')).toEqual([]);
  });

  it('an attachment over the per-file limit is listed with its name and size, its bytes not kept', async () => {
    const r = await sendReminder(sql, sink, 'c-bigfile', 'bigfile@big.example');
    await deliver(listener.port, { from: 'bigfile@big.example', to: r.replyTo, subject: 'relevé', messageId: `<bigfile-1.${RUN}@big.example>`, text: 'ci-joint', attachments: [{ filename: 'releve.pdf', content: Buffer.alloc(50_000, 'B'), contentType: 'application/pdf' }, { filename: 'note.txt', content: 'petit' }] });
    const [m] = await customerMail(sql, r.tenantId, r.connectionId, 'c-bigfile');
    expect(m!.attachments).toEqual([expect.objectContaining({ filename: 'releve.pdf', size: 50_000, kept: false }), expect.objectContaining({ filename: 'note.txt', kept: true })]);
  });

  it('an IMAP message over the limit is not downloaded: its headers are stored and it is flagged read', async () => {
    const client = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
    await client.connect();
    await client.append('INBOX', `From: stranger@nowhere.example\r\nTo: ${FROM_ADDRESS}\r\nSubject: gros fichier\r\nMessage-ID: <imap-huge-1.${RUN}@nowhere.example>\r\n\r\n${'x'.repeat(LIMIT + 10)}\r\n`);
    await client.logout();
    const res = await pollImap(imapFromUrl(dovecot.url), { maxBytes: LIMIT, receive: (b) => receiveMail(deps, b, { source: 'imap' }) });
    expect(res).toMatchObject({ seen: 1, received: 1, tooLarge: 1 });
    const [row] = await byKey(`<imap-huge-1.${RUN}@nowhere.example>`);
    expect(row).toMatchObject({ tenant_id: null, customer_external_id: null, unmatched_reason: 'no_match', body_text: '' });
  });

  it('the listener refuses mail for any address but the reply address (550): it is no open relay', async () => {
    await expect(deliver(listener.port, { from: 'spam@spam.example', to: 'someone@victim.example', subject: 'x', text: 'x' })).rejects.toMatchObject({ responseCode: 550 });
  });
});

describe('mail nobody can read', () => {
  it('a message mailparser refuses (1,001 MIME parts) to a reminder’s reply address is kept, unreadable, in that company’s unmatched list, and acts on nothing', async () => {
    const r = await sendReminder(sql, sink, 'c-bomb', 'bomb@parts.example');
    const parts = Array.from({ length: 1001 }, (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`).join('');
    const raw = `From: bomb@parts.example\r\nTo: ${r.replyTo}\r\nMessage-ID: <bomb.${RUN}@parts.example>\r\nSubject: relevé\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n${parts}--b--\r\n`;
    const info = await deliver(listener.port, { raw, envelope: { from: 'bomb@parts.example', to: [r.replyTo] } });
    expect(info.response).toMatch(/^250/);
    const line = logged.find((l) => l.entry['tenantId'] === r.tenantId);
    expect(line).toEqual({
      message: 'inbound mail',
      entry: { inboundId: expect.any(String), fresh: true, kind: 'unreadable', because: 'unreadable: Max allowed child nodes exceeded', placed: false, matchedBy: null, reason: 'no_match', tenantId: r.tenantId },
    });
    const [row] = await sql<{ tenant_id: string | null; customer_external_id: string | null; kind: string; unmatched_reason: string | null }[]>`
      select tenant_id, customer_external_id, kind, unmatched_reason from inbound_messages where id = ${line!.entry['inboundId'] as string}`;
    expect(row).toEqual({ tenant_id: r.tenantId, customer_external_id: null, kind: 'unreadable', unmatched_reason: 'unreadable' });
    expect(await customerMail(sql, r.tenantId, r.connectionId, 'c-bomb')).toEqual([]);
    expect(await listPauses(sql, r.tenantId)).toEqual([]);
    expect(tasks.requests.filter((t) => t.tenantId === r.tenantId)).toEqual([]);
  });
});

describe('a sender known more than once', () => {
  it('an address two customers of one company share waits in that company’s unmatched list, on neither customer', async () => {
    const address = `compta.${RUN}@groupe.example`;
    const s = await seed(sql, { customers: [customer('g-north', { email: address }), customer('g-south', { email: address })], invoices: [invoice('g-n1', 'g-north'), invoice('g-s1', 'g-south')] });
    await deliver(listener.port, { from: address, to: FROM_ADDRESS, subject: 'Factures', messageId: `<shared-one.${RUN}@groupe.example>`, text: 'Laquelle ?' });
    expect(await byKey(`<shared-one.${RUN}@groupe.example>`)).toEqual([expect.objectContaining({ tenant_id: s.tenantId, customer_external_id: null, unmatched_reason: 'ambiguous_sender' })]);
    expect(await listPauses(sql, s.tenantId)).toEqual([]);
    expect(tasks.requests.filter((t) => t.tenantId === s.tenantId)).toEqual([]);
  });

  it('an address known at two companies is shown to neither', async () => {
    const address = `ap.${RUN}@two-suppliers.example`;
    const a = await seed(sql, { customers: [customer('t-a', { email: address })], invoices: [invoice('t-a1', 't-a')] });
    const b = await seed(sql, { customers: [customer('t-b', { email: address })], invoices: [invoice('t-b1', 't-b')] });
    await deliver(listener.port, { from: address, to: FROM_ADDRESS, subject: 'Question', messageId: `<shared-two.${RUN}@two-suppliers.example>`, text: 'Bonjour' });
    expect(await byKey(`<shared-two.${RUN}@two-suppliers.example>`)).toEqual([expect.objectContaining({ tenant_id: null, customer_external_id: null, unmatched_reason: 'ambiguous_sender' })]);
    expect(tasks.requests.filter((t) => t.tenantId === a.tenantId || t.tenantId === b.tenantId)).toEqual([]);
  });
});

describe('never shown to the wrong company', () => {
  it('a forged In-Reply-To naming another company’s reminder, next to this company’s token, places the mail nowhere', async () => {
    const a = await sendReminder(sql, sink, 'c-forge-a', 'a@forge-a.example');
    const b = await sendReminder(sql, sink, 'c-forge-b', 'b@forge-b.example');
    await deliver(listener.port, { from: 'a@forge-a.example', to: a.replyTo, subject: 'Re', inReplyTo: b.message.messageId, messageId: `<forged-1.${RUN}@forge-a.example>`, text: 'x' });
    expect(await byKey(`<forged-1.${RUN}@forge-a.example>`)).toEqual([expect.objectContaining({ tenant_id: null, customer_external_id: null, unmatched_reason: 'conflicting_thread' })]);
    expect(await customerMail(sql, a.tenantId, a.connectionId, 'c-forge-a')).toEqual([]);
    expect(await customerMail(sql, b.tenantId, b.connectionId, 'c-forge-b')).toEqual([]);
    expect(await listPauses(sql, a.tenantId)).toEqual([]);
    expect(await listPauses(sql, b.tenantId)).toEqual([]);
    expect(tasks.requests.filter((t) => t.tenantId === a.tenantId || t.tenantId === b.tenantId)).toEqual([]);
  });

  it('a delivery report to one company’s return path quoting another company’s reminder is shown to neither', async () => {
    const a = await sendReminder(sql, sink, 'c-dsn-a', 'a@dsn-a.example');
    const b = await sendReminder(sql, sink, 'c-dsn-b', 'b@dsn-b.example');
    // A's token in the envelope and To; the quoted headers name B's reminder (a forged report, or a misrouted one).
    const raw = dsn({ to: a.message.mailFrom, failed: 'b@dsn-b.example', originalMessageId: b.message.messageId, messageId: `<dsn-forged.${RUN}@mx.client.example>` });
    expect(await receiveMail(deps, Buffer.from(raw), { source: 'test', envelopeTo: [a.message.mailFrom] })).toMatchObject({ kind: 'bounce', placement: { placed: false, reason: 'conflicting_thread' }, failing: null });
    expect(await byKey(`<dsn-forged.${RUN}@mx.client.example>`)).toEqual([expect.objectContaining({ tenant_id: null, customer_external_id: null, unmatched_reason: 'conflicting_thread' })]);
    expect(await customerMail(sql, a.tenantId, a.connectionId, 'c-dsn-a')).toEqual([]);
    expect(await customerMail(sql, b.tenantId, b.connectionId, 'c-dsn-b')).toEqual([]);
    expect(tasks.requests.filter((t) => t.tenantId === a.tenantId || t.tenantId === b.tenantId)).toEqual([]);
  });

  it("a customer of one company writing to another company's token is not shown to that company", async () => {
    const a = await sendReminder(sql, sink, 'c-other-a', 'known@company-a.example');
    const b = await sendReminder(sql, sink, 'c-other-b', 'someone@company-b.example');
    await deliver(listener.port, { from: 'known@company-a.example', to: b.replyTo, subject: 'hello', messageId: `<other-token-1.${RUN}@company-a.example>`, text: 'x' });
    expect(await byKey(`<other-token-1.${RUN}@company-a.example>`)).toEqual([expect.objectContaining({ tenant_id: null, unmatched_reason: 'conflicting_thread' })]);
    expect(await customerMail(sql, b.tenantId, b.connectionId, 'c-other-b')).toEqual([]);
    expect(await customerMail(sql, a.tenantId, a.connectionId, 'c-other-a')).toEqual([]);
  });

  it('a message sent to two companies’ reply addresses at once is shown to neither', async () => {
    const a = await sendReminder(sql, sink, 'c-both-a', 'both-a@two.example');
    const b = await sendReminder(sql, sink, 'c-both-b', 'both-b@two.example');
    // From an address neither company knows (an assistant answering for both): only the two tokens speak.
    await deliver(listener.port, { from: `assistant.${RUN}@two.example`, to: [a.replyTo, b.replyTo], subject: 'Re', messageId: `<both-1.${RUN}@two.example>`, text: 'x' });
    expect(await byKey(`<both-1.${RUN}@two.example>`)).toEqual([expect.objectContaining({ tenant_id: null, customer_external_id: null, unmatched_reason: 'conflicting_thread' })]);
    expect(tasks.requests.filter((t) => t.tenantId === a.tenantId || t.tenantId === b.tenantId)).toEqual([]);
  });

  it('a reply without a token whose References name two companies’ reminders is shown to neither', async () => {
    const a = await sendReminder(sql, sink, 'c-refs-a', 'refs-a@two.example');
    const b = await sendReminder(sql, sink, 'c-refs-b', 'refs-b@two.example');
    await deliver(listener.port, { from: `assistant.${RUN}@two.example`, to: FROM_ADDRESS, subject: 'Re', references: [a.message.messageId, b.message.messageId], messageId: `<refs-both.${RUN}@two.example>`, text: 'x' });
    expect(await byKey(`<refs-both.${RUN}@two.example>`)).toEqual([expect.objectContaining({ tenant_id: null, customer_external_id: null, unmatched_reason: 'conflicting_thread' })]);
  });

  it('a made-up token matches nothing, and a stranger’s mail waits in the unmatched list of no company', async () => {
    await deliver(listener.port, { from: 'who@stranger.example', to: 'compta+aaaaaaaaaaaaaaaaaaaaaaaaaa@atelier-dupont.fr', subject: 'bonjour', messageId: `<stranger-1.${RUN}@stranger.example>`, text: 'x' });
    expect(await byKey(`<stranger-1.${RUN}@stranger.example>`)).toEqual([expect.objectContaining({ tenant_id: null, customer_external_id: null, unmatched_reason: 'no_match' })]);
  });
});

describe('idempotent by Message-ID', () => {
  it('a redelivered reply is stored once and pauses once; the task request repeats with the same key (the worklist dedupes it)', async () => {
    const r = await sendReminder(sql, sink, 'c-again', 'again@twice.example');
    const mail = { from: 'again@twice.example', to: r.replyTo, subject: 'Re: relance', messageId: `<twice-1.${RUN}@twice.example>`, text: 'payé' };
    await deliver(listener.port, mail);
    await deliver(listener.port, mail);
    expect(await byKey(`<twice-1.${RUN}@twice.example>`)).toHaveLength(1);
    expect(await customerMail(sql, r.tenantId, r.connectionId, 'c-again')).toHaveLength(1);
    expect(await listPauses(sql, r.tenantId, { customerExternalId: 'c-again' })).toHaveLength(1);
    const asked = tasks.requests.filter((t) => t.tenantId === r.tenantId);
    expect(asked.map((t) => t.sourceKey)).toEqual([`mail:<twice-1.${RUN}@twice.example>`, `mail:<twice-1.${RUN}@twice.example>`]);
  });
});
