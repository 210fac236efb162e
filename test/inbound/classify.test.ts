// The pure parts of the inbound path, as tables: what is an auto-reply or a bounce, which tokens an address names, and
// what a delivery-status part says.
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/inbound/classify.js';
import { readDeliveryStatus, parseInbound } from '../../src/inbound/parse.js';
import { bareAddress, isOurAddress, newReplyToken, replyAddressFor, tokensIn } from '../../src/actions/reply-address.js';
import { dsn } from './support.js';
import { replyAddressOf } from '../../src/inbound/wiring.js';

const mail = (headers: Record<string, string>, subject: string, extra: { dsn?: boolean; contentType?: string; reportType?: string; from?: string } = {}) => ({
  headers: new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
  subject,
  dsn: extra.dsn ? { recipient: 'x@y.z', action: 'failed', status: '5.1.1', diagnostic: null } : null,
  contentType: extra.contentType ?? 'text/plain',
  reportType: extra.reportType ?? null,
  from: extra.from ?? 'someone@client.example',
});

describe('classify', () => {
  // The reason is what the operator reads in the log ("inbound mail") when a customer asks why their answer paused
  // nothing: which header or what in the subject made it an automatic reply.
  it.each([
    [{ 'Auto-Submitted': 'auto-replied' }, 'Re: facture', 'auto_reply', 'Auto-Submitted: auto-replied'],
    [{ 'Auto-Submitted': 'Auto-Generated; owner-email="it@client.example"' }, 'Re: facture', 'auto_reply', 'Auto-Submitted: auto-generated'],
    [{ 'Auto-Submitted': 'no' }, 'Re: facture', 'reply', 'a person'],
    [{ 'Auto-Submitted': 'no ; (written by hand)' }, 'Re: facture', 'reply', 'a person'],
    [{ 'X-Autoreply': 'yes' }, 'Re: facture', 'auto_reply', 'X-Autoreply'],
    [{ 'X-Autorespond': 'vacation' }, 'Re: facture', 'auto_reply', 'X-Autorespond'],
    [{ Precedence: 'auto_reply' }, 'Re: facture', 'auto_reply', 'Precedence: auto_reply'],
    [{ Precedence: 'bulk' }, 'Re: facture', 'reply', 'a person'],
    [{}, 'Réponse automatique : Relance facture F-12', 'auto_reply', 'subject'],
    [{}, 'Automatic reply: Overdue invoice', 'auto_reply', 'subject'],
    [{}, 'Out of Office: back on 2 April', 'auto_reply', 'subject'],
    [{}, 'Absence du 1er au 15 août', 'auto_reply', 'subject'],
    [{}, 'Message d’absence', 'auto_reply', 'subject'],
    [{}, 'Je suis absente du bureau', 'auto_reply', 'subject'],
    [{}, 'Re: Relance facture F-12', 'reply', 'a person'],
    [{}, 'Re: office supplies invoice', 'reply', 'a person'],
    [{}, 'Absolument, nous payons demain', 'reply', 'a person'],
  ])('%o + "%s" → %s (%s)', (headers, subject, kind, because) => {
    expect(classify(mail(headers, subject))).toEqual({ kind, because });
  });

  it('a person writing about a parcel that was not delivered is a person, not a bounce', () => {
    expect(classify(mail({}, 'Re: Relance F-12 — colis non remis, undelivered goods', { from: 'compta@client.example' }))).toEqual({ kind: 'reply', because: 'a person' });
  });

  it('a delivery-status notification is a bounce even though it is auto-submitted', () => {
    expect(classify(mail({ 'Auto-Submitted': 'auto-replied' }, 'Undelivered Mail', { dsn: true }))).toEqual({ kind: 'bounce', because: 'delivery-status notification' });
    expect(classify(mail({}, 'x', { contentType: 'multipart/report' })).kind).toBe('bounce');
    expect(classify(mail({}, 'Undelivered Mail Returned to Sender', { from: 'mailer-daemon@mx.example' }))).toEqual({ kind: 'bounce', because: 'mailer-daemon' });
  });

  it('a read receipt (RFC 8098 disposition notification) is an automatic answer, not a bounce; a report of another type still counts as one', () => {
    expect(classify(mail({}, 'Lu : Relance facture F-12', { contentType: 'multipart/report', reportType: 'disposition-notification' }))).toEqual({ kind: 'auto_reply', because: 'read receipt' });
    expect(classify(mail({}, 'Read: Overdue invoice', { contentType: 'multipart/report', reportType: 'global-disposition-notification' }))).toEqual({ kind: 'auto_reply', because: 'read receipt' });
    expect(classify(mail({}, 'x', { contentType: 'multipart/report', reportType: 'delivery-status' })).kind).toBe('bounce');
    // A DSN part wins, whatever the header claims.
    expect(classify(mail({}, 'x', { contentType: 'multipart/report', reportType: 'disposition-notification', dsn: true })).kind).toBe('bounce');
  });

  it('reads the report type of a read receipt as Outlook and Thunderbird send it', async () => {
    const raw = [
      'From: compta@client.example',
      'To: relance@ours.example',
      'Subject: Lu : Relance facture F-12',
      'Message-ID: <mdn-1@client.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type="Disposition-Notification";',
      '  boundary="mdn-b"',
      '',
      '--mdn-b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Votre message a été lu.',
      '--mdn-b',
      'Content-Type: message/disposition-notification',
      '',
      'Reporting-UA: client.example; Thunderbird',
      'Final-Recipient: rfc822;compta@client.example',
      'Original-Message-ID: <reminder-9@ours.example>',
      'Disposition: manual-action/MDN-sent-manually; displayed',
      '',
      '--mdn-b--',
      '',
    ].join('\r\n');
    const parsed = await parseInbound(Buffer.from(raw));
    expect(parsed).toMatchObject({ reportType: 'disposition-notification', dsn: null });
    expect(classify(parsed)).toEqual({ kind: 'auto_reply', because: 'read receipt' });
    expect((await parseInbound(Buffer.from(dsn({ to: 'relance@ours.example', failed: 'gone@client.example', originalMessageId: null, messageId: '<d9@mx.example>' })))).reportType).toBe('delivery-status');
  });

  it('a person whose address only ends like a mailer daemon\'s, writing about an undelivered parcel, is a person', () => {
    for (const from of ['chef.postmaster@client.example', 'no-mailer-daemon@client.example']) {
      expect(classify(mail({}, 'Re: Relance F-12, returned mail of our parcel', { from })), from).toEqual({ kind: 'reply', because: 'a person' });
    }
  });
});

describe('reply addresses', () => {
  it('tokens are 26 base32 characters and never repeat', () => {
    const tokens = new Set(Array.from({ length: 500 }, () => newReplyToken()));
    expect(tokens.size).toBe(500);
    for (const t of tokens) expect(t).toMatch(/^[a-z2-7]{26}$/);
  });

  it('builds and reads plus addresses of the base address only', () => {
    const base = 'Relance <Relance@Replies.Example.com>';
    const token = newReplyToken();
    expect(replyAddressFor(base, token)).toBe(`relance+${token}@replies.example.com`);
    expect(tokensIn(base, [`"Acme" <RELANCE+${token.toUpperCase()}@replies.example.com>`, 'other+abc@replies.example.com', `relance+${token}@elsewhere.example`])).toEqual([token]);
    expect(tokensIn(base, ['relance+short@replies.example.com', 'relance@replies.example.com'])).toEqual([]);
    expect(isOurAddress(base, `relance+${token}@replies.example.com`)).toBe(true);
    expect(isOurAddress(base, 'relance@replies.example.com')).toBe(true);
    expect(isOurAddress(base, 'relance@replies.example.com.evil.example')).toBe(false);
    expect(isOurAddress(base, 'postmaster@replies.example.com')).toBe(false);
    expect(bareAddress('no address here')).toBeNull();
  });

  it('the reply address defaults to the sender, then relance@ the SMTP host', () => {
    expect(replyAddressOf({ REPLY_ADDRESS: 'Replies@acme.fr', SMTP_FROM: 'Acme <compta@acme.fr>', SMTP_URL: 'smtp://mail.acme.fr' })).toBe('replies@acme.fr');
    expect(replyAddressOf({ REPLY_ADDRESS: undefined, SMTP_FROM: 'Acme <compta@acme.fr>', SMTP_URL: 'smtp://mail.acme.fr' })).toBe('compta@acme.fr');
    expect(replyAddressOf({ REPLY_ADDRESS: undefined, SMTP_FROM: undefined, SMTP_URL: 'smtp://mail.acme.fr:587' })).toBe('relance@mail.acme.fr');
  });
});

describe('parsing', () => {
  it('reads the per-recipient block of a delivery-status part', () => {
    const ds = readDeliveryStatus('Reporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; Gone@Client.Example\r\nAction: failed\r\nStatus: 5.1.1 (user unknown)\r\nDiagnostic-Code: smtp; 550 5.1.1\r\n  user unknown\r\n');
    expect(ds).toEqual({ recipient: 'gone@client.example', action: 'failed', status: '5.1.1', diagnostic: 'smtp; 550 5.1.1 user unknown' });
  });

  it('keeps address headers as mailparser writes them out and structured ones by their value, never "[object Object]"', async () => {
    const m = await parseInbound(Buffer.from('From: "Compta Leroy" <compta@leroy.example>\r\nTo: relance@ours.example, Autre <autre@ours.example>\r\nContent-Type: text/plain; charset=utf-8\r\nSubject: x\r\n\r\nhello\r\n'));
    expect(m.headers.get('from')).toBe('"Compta Leroy" <compta@leroy.example>');
    expect(m.headers.get('to')).toBe('relance@ours.example, "Autre" <autre@ours.example>');
    expect(m.headers.get('content-type')).toBe('text/plain');
    expect(m.from).toBe('compta@leroy.example');
  });

  it('keys a message without a Message-ID (or with an absurd one) by a hash of its bytes', async () => {
    const a = await parseInbound(Buffer.from('From: a@b.example\r\nSubject: x\r\n\r\nhello\r\n'));
    const b = await parseInbound(Buffer.from(`From: a@b.example\r\nMessage-ID: <${'x'.repeat(400)}@b>\r\nSubject: x\r\n\r\nhello\r\n`));
    expect(a.messageKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.messageKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a.messageKey).not.toBe(b.messageKey);
  });

  it('collects recipients from the envelope, To, Cc and Delivered-To, and thread ids from In-Reply-To then References', async () => {
    const m = await parseInbound(
      Buffer.from('From: a@b.example\r\nTo: X <x@ours.example>\r\nCc: y@ours.example\r\nDelivered-To: z@ours.example\r\nIn-Reply-To: <1@x>\r\nReferences: <0@x> <1@x>\r\nMessage-ID: <m@b>\r\n\r\nhi\r\n'),
      ['Env@Ours.Example'],
    );
    expect(m.recipients.sort()).toEqual(['env@ours.example', 'x@ours.example', 'y@ours.example', 'z@ours.example']);
    expect(m.threadIds).toEqual(['<1@x>', '<0@x>', '<1@x>']);
  });

  it('a DSN naming only the Original-Recipient still names the address that failed', () => {
    expect(readDeliveryStatus('Reporting-MTA: dns; mx.example\r\n\r\nOriginal-Recipient: rfc822; Old@Client.Example\r\nAction: failed\r\nStatus: 5.1.1\r\n').recipient).toBe('old@client.example');
  });

  it('a mail Bcc’d to us (undisclosed recipients) or sent to a group, read from the mailbox (no envelope), names only real addresses', async () => {
    const m = await parseInbound(
      Buffer.from('From: a@b.example\r\nTo: Compta: relance+abc@ours.example, Bob;\r\nCc: undisclosed-recipients:;\r\nDelivered-To: <>\r\nMessage-ID: <grp@b>\r\nSubject: x\r\n\r\nhi\r\n'),
    );
    expect(m.recipients).toEqual(['relance+abc@ours.example']);
  });

  it('a reply with neither subject nor body reads as empty, not as a crash', async () => {
    const m = await parseInbound(Buffer.from('From: a@b.example\r\nTo: x@ours.example\r\nMessage-ID: <empty@b>\r\n\r\n'));
    expect(m).toMatchObject({ subject: '', text: '', unreadable: null, from: 'a@b.example' });
  });

  it('an attachment without a type or with an unprintable name is listed as a file of unknown type named "attachment"', async () => {
    const raw = ['From: a@b.example', 'Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/plain', '', 'ci-joint', '--b', 'Content-Type: ', 'Content-Disposition: attachment; filename="scan.bin"', '', 'xyz', '--b', 'Content-Type: application/pdf', 'Content-Disposition: attachment; filename="\u0001\u0002"', '', 'abc', '--b--', ''].join('\r\n');
    const m = await parseInbound(Buffer.from(raw));
    expect(m.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['scan.bin', 'application/octet-stream'],
      ['attachment', 'application/pdf'],
    ]);
  });

  it('a message mailparser refuses (more than 1,000 MIME parts) is returned as unreadable, with the reason and the envelope', async () => {
    const parts = Array.from({ length: 1001 }, (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`).join('');
    const raw = Buffer.from(`From: a@b.example\r\nMessage-ID: <bomb@b>\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n${parts}--b--\r\n`);
    const m = await parseInbound(raw, ['Relance+Tok@Ours.Example']);
    expect(m).toEqual({
      messageKey: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      messageId: null,
      from: null,
      recipients: ['relance+tok@ours.example'],
      threadIds: [],
      subject: '',
      text: '',
      contentType: '',
      reportType: null,
      headers: new Map(),
      attachments: [],
      dsn: null,
      bouncedMessageId: null,
      sizeBytes: raw.length,
      unreadable: 'Max allowed child nodes exceeded',
    });
  });

  // A DSN as MTAs write it: folded Diagnostic-Code, LF-only when saved from a mailbox file, no space after the colon,
  // padded values, Microsoft's three-digit detail (5.1.10), a per-message block before the recipient's.
  it.each([
    ['CRLF, spaced', 'Reporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; Gone@Client.Example\r\nAction: failed \r\nStatus: 5.1.10\r\nDiagnostic-Code: smtp; 550 5.1.10\r\n  RESOLVER.ADR.RecipientNotFound\r\n'],
    ['LF only', 'Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; Gone@Client.Example\nAction: failed\nStatus: 5.1.10\nDiagnostic-Code: smtp; 550 5.1.10\n  RESOLVER.ADR.RecipientNotFound\n'],
    ['no space after the colons', 'Reporting-MTA:dns;mx.example\r\n\r\nFinal-Recipient:rfc822;Gone@Client.Example\r\nAction:failed\r\nStatus:5.1.10\r\nDiagnostic-Code:smtp; 550 5.1.10\r\n  RESOLVER.ADR.RecipientNotFound\r\n'],
  ])('reads a delivery-status part (%s)', (_, text) => {
    expect(readDeliveryStatus(text)).toEqual({ recipient: 'gone@client.example', action: 'failed', status: '5.1.10', diagnostic: 'smtp; 550 5.1.10 RESOLVER.ADR.RecipientNotFound' });
  });

  it.each([
    ['CRLF', '\r\n'],
    ['LF only', '\n'],
  ])('a DSN for two recipients reports the first, without the second one’s fields (%s)', (_, eol) => {
    const text = ['Reporting-MTA: dns; mx.example', '', 'Final-Recipient: rfc822; first@client.example', 'Action: failed', 'Status: 5.1.1', '', 'Final-Recipient: rfc822; second@client.example', 'Action: delayed', 'Status: 4.4.7', 'Diagnostic-Code: smtp; 451 try again later', ''].join(eol);
    expect(readDeliveryStatus(text)).toEqual({ recipient: 'first@client.example', action: 'failed', status: '5.1.1', diagnostic: null });
  });

  it('takes the recipient block by a field that starts a line, not an extension field of the per-message block ending in one', () => {
    // RFC 3464 lets an MTA add its own X- fields to the per-message block; one whose name ends in "Original-Recipient"
    // does not make it the recipient's block.
    const text = ['Reporting-MTA: dns; mx.example', 'X-Original-Recipient: rfc822; list@ours.example', '', 'Final-Recipient: rfc822; gone@client.example', 'Action: failed', 'Status: 5.1.1', ''].join('\r\n');
    expect(readDeliveryStatus(text)).toEqual({ recipient: 'gone@client.example', action: 'failed', status: '5.1.1', diagnostic: null });
  });

  it('keeps what a DSN without a recipient says, and at most 500 characters of a diagnostic', () => {
    expect(readDeliveryStatus('Reporting-MTA: dns; mx.example\r\nAction: failed\r\nStatus: 5.7.1\r\n')).toEqual({ recipient: null, action: 'failed', status: '5.7.1', diagnostic: null });
    const long = readDeliveryStatus(`Final-Recipient: rfc822; a@b.example\r\nAction: failed\r\nStatus: 5.0.0\r\nDiagnostic-Code: smtp; ${'x'.repeat(800)}\r\n`);
    expect(long.diagnostic).toBe(`smtp; ${'x'.repeat(494)}`);
  });

  it('a bounce names the reminder it returns by the Message-ID of the quoted headers, not another header naming one', async () => {
    const plain = await parseInbound(Buffer.from(dsn({ to: 'relance@ours.example', failed: 'gone@client.example', originalMessageId: '<reminder-1@ours.example>', messageId: '<d1@mx.example>' })));
    expect(plain).toMatchObject({ bouncedMessageId: '<reminder-1@ours.example>', dsn: { recipient: 'gone@client.example', action: 'failed', status: '5.1.1' } });
    // Exchange quotes its own header naming a message first, and writes no space after the colon.
    const exchange = dsn({ to: 'relance@ours.example', failed: 'gone@client.example', originalMessageId: '<reminder-2@ours.example>', messageId: '<d2@mx.example>' })
      .replace('Message-ID: <reminder-2@ours.example>', 'X-Microsoft-Original-Message-ID: <other@exchange.example>\r\nMessage-ID:<reminder-2@ours.example>');
    expect((await parseInbound(Buffer.from(exchange))).bouncedMessageId).toBe('<reminder-2@ours.example>');
    // Quoted headers without their Message-ID (cut by the server), or none at all: nothing to name.
    const cut = dsn({ to: 'relance@ours.example', failed: 'gone@client.example', originalMessageId: '<reminder-3@ours.example>', messageId: '<d4@mx.example>' }).replace('Message-ID: <reminder-3@ours.example>\r\n', '');
    expect(await parseInbound(Buffer.from(cut))).toMatchObject({ bouncedMessageId: null, unreadable: null, dsn: { recipient: 'gone@client.example' } });
    expect((await parseInbound(Buffer.from(dsn({ to: 'relance@ours.example', failed: 'gone@client.example', originalMessageId: null, messageId: '<d3@mx.example>' })))).bouncedMessageId).toBeNull();
  });

  it('drops a thread id no one could have generated (over 250 characters)', async () => {
    const m = await parseInbound(Buffer.from(`From: a@b.example\r\nIn-Reply-To: <1@x>\r\nReferences: <0@x> <${'x'.repeat(300)}@x>\r\nMessage-ID: <m@b>\r\n\r\nhi\r\n`));
    expect(m.threadIds).toEqual(['<1@x>', '<0@x>']);
  });

  it('an internationalized DSN (RFC 6533, message/global-delivery-status, as Postfix sends for SMTPUTF8 mail) is read like any DSN', async () => {
    const raw = dsn({ to: 'relance@ours.example', failed: 'gone@client.example', originalMessageId: '<reminder-4@ours.example>', messageId: '<d5@mx.example>' }).replace('Content-Type: message/delivery-status', 'Content-Type: message/global-delivery-status');
    const m = await parseInbound(Buffer.from(raw));
    expect(m.dsn).toEqual({ recipient: 'gone@client.example', action: 'failed', status: '5.1.1', diagnostic: 'smtp; 550 5.1.1 <gone@client.example>: Recipient address rejected: User unknown' });
    expect(m.attachments.map((a) => a.contentType)).toEqual(['text/rfc822-headers']);
  });
});
