// The inbound SMTP listener offers STARTTLS when a certificate is configured (and only then); a sender that requires TLS
// delivers over it. The certificate is made for the test by Debian's openssl.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { startInboundSmtp } from '../../src/inbound/smtp-listener.js';

const dir = mkdtempSync(join(tmpdir(), 'relance-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function selfSigned() {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
}

function ehlo(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let out = '';
    s.on('data', (d) => {
      out += d.toString();
      if (/^220 /m.test(out) && !out.includes('EHLO-SENT')) {
        out += 'EHLO-SENT\n';
        s.write('EHLO tester.example\r\n');
      }
      if (/^250 /m.test(out)) {
        s.end('QUIT\r\n');
        resolve(out);
      }
    });
    s.on('error', reject);
  });
}

describe('inbound SMTP over TLS', () => {
  it('offers STARTTLS with a certificate and takes mail over it; without one it offers none', async () => {
    const received: Buffer[] = [];
    const tls = selfSigned();
    const secure = await startInboundSmtp({ host: '127.0.0.1', port: 0, maxBytes: 100_000, replyAddress: 'relance@replies.example', tls, receive: async (raw) => void received.push(raw) });
    const plain = await startInboundSmtp({ host: '127.0.0.1', port: 0, maxBytes: 100_000, replyAddress: 'relance@replies.example', receive: async (raw) => void received.push(raw) });
    try {
      expect(await ehlo(secure.port)).toMatch(/^250-STARTTLS/m);
      expect(await ehlo(plain.port)).not.toMatch(/STARTTLS/);
      const mail = { from: 'a@client.example', to: 'relance@replies.example', subject: 'chiffré', text: 'bonjour' };
      const viaTls = nodemailer.createTransport({ host: '127.0.0.1', port: secure.port, secure: false, requireTLS: true, tls: { rejectUnauthorized: false } });
      expect((await viaTls.sendMail(mail)).response).toMatch(/^250/);
      viaTls.close();
      const mustTls = nodemailer.createTransport({ host: '127.0.0.1', port: plain.port, secure: false, requireTLS: true });
      await expect(mustTls.sendMail(mail)).rejects.toThrow();
      mustTls.close();
      expect(received).toHaveLength(1);
      expect(received[0]!.toString()).toContain('Subject: =?UTF-8?Q?chiffr=C3=A9?=');
    } finally {
      await secure.close();
      await plain.close();
    }
  });
});
