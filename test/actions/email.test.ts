// SMTP sending and error classification against a real smtp-server on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifySmtpError, createSmtpTransport, messageIdFor, sendEmail, EmailSendFailed, SendWithdrawn } from '../../src/actions/email.js';
import { freePort } from '../support/free-port.js';
import { useSmtpSink } from './smtp-sink.js';

const sink = useSmtpSink();

const FROM = 'Acme SAS <ar@acme.fr>';

describe('classifySmtpError', () => {
  it.each([
    [{ responseCode: 451, response: '451 try later' }, 'transient', false],
    [{ responseCode: 421, response: '421 closing' }, 'transient', false],
    [{ responseCode: 550, response: '550 mailbox unavailable', command: 'RCPT TO' }, 'permanent', true],
    [{ responseCode: 554, response: '554 rejected', command: 'DATA' }, 'permanent', false],
    [{ responseCode: 535, response: '535 auth failed', code: 'EAUTH', command: 'AUTH PLAIN' }, 'permanent', false],
    [{ code: 'ECONNECTION', message: 'connect ECONNREFUSED' }, 'transient', false],
    [{ code: 'ETIMEDOUT', message: 'timeout' }, 'transient', false],
    [{ code: 'EENVELOPE', message: 'No recipients defined' }, 'permanent', true],
  ])('%o → %s', (err, kind, rcpt) => {
    const c = classifySmtpError(err);
    expect(c).toBeInstanceOf(EmailSendFailed);
    expect(c.kind).toBe(kind);
    expect(c.recipientRejected).toBe(rcpt);
  });
});

describe('sendEmail', () => {
  const transport = () => createSmtpTransport({ host: '127.0.0.1', port: sink.port, secure: false, from: FROM });

  it('delivers text and html with a Message-ID derived from the key, identical on a resend', async () => {
    const msg = { tenantId: 't1', idempotencyKey: 'k-123', from: FROM, to: ['a@b.example', 'c@d.example'], subject: 'Relance – F-1', text: 'Total dû : 1\u00a0240,00\u00a0€', html: '<p>1&nbsp;240,00&nbsp;€</p>' };
    const p1 = await sendEmail(transport(), msg);
    const p2 = await sendEmail(transport(), msg);
    expect(p1.messageId).toBe(messageIdFor('t1', 'k-123', FROM));
    expect(p1.messageId).toMatch(/^<[0-9a-f]{40}\.relance@acme\.fr>$/);
    expect(p2.messageId).toBe(p1.messageId);
    expect(messageIdFor('t2', 'k-123', FROM)).not.toBe(p1.messageId);
    expect(p1.response).toMatch(/^250 /);
    const got = sink.messages.filter((m) => m.messageId === p1.messageId);
    expect(got).toHaveLength(2);
    expect(got[0]!.rcptTo).toEqual(['a@b.example', 'c@d.example']);
    expect(got[0]!.subject).toBe('Relance – F-1');
    expect(got[0]!.text).toBe('Total dû : 1\u00a0240,00\u00a0€');
    expect(got[0]!.html).toBe('<p>1&nbsp;240,00&nbsp;€</p>');
  });

  it('reports 550 at RCPT as a permanent bounce and 451 as transient', async () => {
    sink.reject.add('nobody@b.example');
    sink.tempFail.set('later@b.example', 1);
    const base = { tenantId: 't', from: FROM, subject: 's', text: 't', html: 'h' };
    const e1 = await sendEmail(transport(), { ...base, idempotencyKey: 'x1', to: ['nobody@b.example'] }).catch((e: unknown) => e);
    expect(e1).toMatchObject({ kind: 'permanent', responseCode: 550, recipientRejected: true });
    const e2 = await sendEmail(transport(), { ...base, idempotencyKey: 'x2', to: ['later@b.example'] }).catch((e: unknown) => e);
    expect(e2).toMatchObject({ kind: 'transient', responseCode: 451 });
    sink.reject.clear();
  });

  it('reports a refused connection as transient', async () => {
    const port = await freePort();
    const t = createSmtpTransport({ host: '127.0.0.1', port, secure: false, from: FROM });
    const e = await sendEmail(t, { tenantId: 't', idempotencyKey: 'x3', from: FROM, to: ['a@b.example'], subject: 's', text: 't', html: 'h' }).catch((err: unknown) => err);
    expect(e).toMatchObject({ kind: 'transient', responseCode: null });
  });

  describe('the end of the message waits for the sender (the hand-over note)', () => {
    const msg = (key: string) => ({ tenantId: 't', idempotencyKey: key, from: FROM, to: [`${key}@gate.example`], subject: 's', text: 'corps', html: '<p>corps</p>' });
    const arrived = (key: string) => sink.messages.filter((m) => m.rcptTo[0] === `${key}@gate.example`);

    it.each([false, true])('the server holds nothing while the gate waits, and the message once it says yes (pooled: %s)', async (pool) => {
      const t = createSmtpTransport({ host: '127.0.0.1', port: sink.port, secure: false, from: FROM, pool });
      let release!: (ok: boolean) => void;
      let asked = 0;
      const started = sink.dataStarted;
      const sending = sendEmail(t, msg(`g-yes-${pool}`), () => (asked++, new Promise<boolean>((r) => (release = r))));
      await expect.poll(() => asked).toBe(1);
      // The body is on its way (DATA began) while its end is held: nothing delivered yet.
      await expect.poll(() => sink.dataStarted).toBe(started + 1);
      await new Promise((r) => setTimeout(r, 200));
      expect(arrived(`g-yes-${pool}`)).toHaveLength(0);
      release(true);
      const proof = await sending;
      expect(proof.response).toMatch(/^250 /);
      expect(arrived(`g-yes-${pool}`)).toHaveLength(1);
      expect(arrived(`g-yes-${pool}`)[0]!.text).toBe('corps');
      expect(asked).toBe(1);
      t.close();
    });

    it.each([false, true])('a gate that says no withdraws the message: SendWithdrawn, nothing delivered, and the transport still sends (pooled: %s)', async (pool) => {
      const t = createSmtpTransport({ host: '127.0.0.1', port: sink.port, secure: false, from: FROM, pool });
      const e = await sendEmail(t, msg(`g-no-${pool}`), async () => false).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(SendWithdrawn);
      await new Promise((r) => setTimeout(r, 200));
      expect(arrived(`g-no-${pool}`)).toHaveLength(0);
      await sendEmail(t, msg(`g-after-${pool}`), async () => true);
      expect(arrived(`g-after-${pool}`)).toHaveLength(1);
      t.close();
    });

    it("a gate that fails: its own error is thrown, and nothing is delivered", async () => {
      const t = createSmtpTransport({ host: '127.0.0.1', port: sink.port, secure: false, from: FROM });
      const boom = new Error('database gone');
      const e = await sendEmail(t, msg('g-err'), async () => Promise.reject(boom)).catch((err: unknown) => err);
      expect(e).toBe(boom);
      await new Promise((r) => setTimeout(r, 200));
      expect(arrived('g-err')).toHaveLength(0);
    });

    it('a recipient refused at RCPT never asks the gate: the message never began', async () => {
      sink.reject.add('g-rcpt@gate.example');
      // A slow answer, so a gate asked as soon as the message is composed would be asked before it.
      sink.rcptDelayMs = 300;
      const t = createSmtpTransport({ host: '127.0.0.1', port: sink.port, secure: false, from: FROM });
      let asked = 0;
      const e = await sendEmail(t, msg('g-rcpt'), async () => (asked++, true)).catch((err: unknown) => err);
      sink.rcptDelayMs = 0;
      sink.reject.delete('g-rcpt@gate.example');
      expect(e).toMatchObject({ kind: 'permanent', responseCode: 550 });
      expect(asked).toBe(0);
    });

    it('a send that never reaches a server never asks the gate', async () => {
      const port = await freePort();
      const t = createSmtpTransport({ host: '127.0.0.1', port, secure: false, from: FROM });
      let asked = 0;
      const e = await sendEmail(t, msg('g-down'), async () => (asked++, true)).catch((err: unknown) => err);
      expect(e).toMatchObject({ kind: 'transient' });
      expect(asked).toBe(0);
    });
  });
});
