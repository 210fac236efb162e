// The real `relance start` reads replies from its IMAP mailbox (a scheduled job) and receives them on its SMTP
// listener; the one received by SMTP is shown on the customer page, in
// Debian's Chromium, in French, at desktop and phone size: the reply to a reminder sent earlier (through the SMTP sink),
// its text, its attachment downloaded, and the pause it opened. Screenshots: test-artifacts/screenshots/inbound-*.png.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../actions/smtp-sink.js';
import { deliver, FROM_ADDRESS, sendReminder } from '../inbound/support.js';
import { startCli, stopChild } from '../support/cli.js';
import { useIsolatedDatabase } from '../support/db.js';
import { freePort } from '../support/free-port.js';
import { SIZES, shoot } from './harness.js';
import { ImapFlow } from 'imapflow';
import { customerMail } from '../../src/store/mail.js';
import { startDovecot, type Dovecot } from '../support/dovecot.js';

// Its own database: the service's workers act on every company they find.
const { sql, url } = useIsolatedDatabase();
const home = mkdtempSync(join(tmpdir(), 'relance-inbound-start-'));
chmodSync(home, 0o755);
let sink: SmtpSink;
let dovecot: Dovecot;
beforeAll(async () => {
  [sink, dovecot] = await Promise.all([startSmtpSink(), startDovecot()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([sink?.stop(), dovecot?.stop()]);
  rmSync(home, { recursive: true, force: true });
});

describe('relance start receives replies', () => {
  it('a reply sent to its SMTP listener is on the customer page in Chromium, with its text, its file and the pause', { timeout: 180_000 }, async () => {
    // A reminder sent earlier, as the executor sends it: its Reply-To names its thread.
    const r = await sendReminder(sql, sink, 'fromagerie', 'compta@fromagerie-e2e.example');
    expect(r.token).toHaveLength(26);
    // Another company's reminder, answered into the IMAP mailbox the service polls.
    const other = await sendReminder(sql, sink, 'laiterie', 'compta@laiterie-e2e.example');
    const imap = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
    await imap.connect();
    await imap.append('INBOX', ['From: compta@laiterie-e2e.example', `To: ${FROM_ADDRESS}`, 'Subject: Re: relance', 'Message-ID: <laiterie-1@laiterie-e2e.example>', `In-Reply-To: ${other.message.messageId}`, '', 'Paiement prévu vendredi.', ''].join('\r\n'));
    await imap.logout();
    const [web, smtp] = [await freePort(), await freePort()];
    const password = 'a long enough password';
    const env = { DATABASE_URL: url, RELANCE_HOME: home, PORT: String(web), INBOUND_SMTP_PORT: String(smtp), REPLY_ADDRESS: FROM_ADDRESS, RELANCE_ADMIN_EMAIL: 'admin@example.com', RELANCE_ADMIN_PASSWORD: password, REDIS_URL: '', SMTP_URL: '', INBOUND_IMAP_URL: dovecot.url, INBOUND_IMAP_EVERY_MS: '5000' };
    const service = await startCli(['start'], /Sign in at/, { env, timeoutMs: 90_000 });
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    try {
      expect(service.output()).toContain(`Inbound mail: SMTP listener on 127.0.0.1:${smtp}`);
      // The IMAP poll runs as the service's scheduled job (at start-up, then every INBOUND_IMAP_EVERY_MS).
      await expect.poll(() => customerMail(sql, other.tenantId, other.connectionId, 'laiterie'), { timeout: 30_000, interval: 500 }).toEqual([expect.objectContaining({ source: 'imap', matchedBy: 'references', bodyText: 'Paiement prévu vendredi.' })]);
      const pdf = Buffer.from('%PDF-1.4\n% avis de virement du 15 mars\n');
      const sent = await deliver(smtp, {
        from: 'Fromagerie <compta@fromagerie-e2e.example>',
        to: r.replyTo,
        subject: `Re: ${r.message.subject}`,
        inReplyTo: r.message.messageId,
        text: 'Bonjour,\n\nLe virement de la facture a été fait le 15 mars ; vous trouverez l’avis en pièce jointe.\n\nCordialement,\nLa Fromagerie',
        attachments: [{ filename: 'avis-virement.pdf', content: pdf, contentType: 'application/pdf' }],
      });
      expect(sent.response).toMatch(/^250/);

      const context = await browser.newContext({ viewport: SIZES.desktop, locale: 'fr-FR', acceptDownloads: true, extraHTTPHeaders: { 'accept-language': 'fr-FR,fr;q=0.9' } });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      const base = `http://127.0.0.1:${web}`;
      await page.goto(`${base}/signin`);
      await page.fill('#email', 'admin@example.com');
      await page.fill('#password', password);
      await page.click('button[type=submit]');
      await page.waitForLoadState('networkidle');
      await page.goto(`${base}/tenants`);
      await page.click(`form[action="/tenants/switch"]:has(input[value="${r.tenantId}"]) button`);
      await page.waitForURL(/\/dashboard$/);
      await page.goto(`${base}/customers/${r.connectionId}/fromagerie`);

      const card = page.locator('#mail');
      await expect.poll(() => card.innerText()).toContain('Le virement de la facture a été fait le 15 mars');
      const text = await card.innerText();
      expect(text).toContain('Courriels du client');
      expect(text).toContain('Réponse');
      expect(text).toContain('reconnu par son adresse de réponse');
      expect(text).toContain('compta@fromagerie-e2e.example');
      // The pause the reply opened, in the pauses table.
      expect(await page.locator('tr[data-pause]').first().innerText()).toContain(`Réponse du client : Re: ${r.message.subject}`);
      await shoot(page, 'inbound-reply');

      // The reply is on the team's worklist, as the real service's openTask files it.
      await page.goto(`${base}/tasks?view=all`);
      const task = page.locator('li[data-kind="reply_to_read"]');
      await expect.poll(() => task.count()).toBe(1);
      expect(await task.innerText()).toContain('Réponse à lire');
      await shoot(page, 'inbound-reply-task');
      await page.goto(`${base}/customers/${r.connectionId}/fromagerie`);

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[data-attachment="avis-virement.pdf"]')]);
      expect(download.suggestedFilename()).toBe('avis-virement.pdf');
      const path = await download.path();
      const { readFileSync } = await import('node:fs');
      expect(Buffer.compare(readFileSync(path), pdf)).toBe(0);

      // Mail from an address no customer has waits in the unmatched list; a person puts it on the customer.
      await deliver(smtp, { from: 'tresorerie@groupe-fromager.example', to: FROM_ADDRESS, subject: 'Paiement groupé', messageId: '<grouped-1@groupe-fromager.example>', text: 'Nous réglons pour toutes nos filiales.' });
      await page.goto(`${base}/mail/unmatched`);
      expect(await page.locator('h1').innerText()).toContain('Courriels non rattachés');
      const item = page.locator('li[data-unmatched]', { hasText: 'Paiement groupé' });
      expect(await item.innerText()).toContain('aucun client n’a cette adresse');
      await shoot(page, 'inbound-unmatched');
      await item.locator('select').selectOption(`${r.connectionId}|fromagerie`);
      await item.locator('button[type=submit]').click();
      await page.waitForURL(/msg=mailAssigned/);
      expect(await page.locator('#mail').innerText()).toContain('Nous réglons pour toutes nos filiales.');
      expect(await page.locator('#mail').innerText()).toContain('rattaché par admin@example.com');
      expect(problems).toEqual([]);
      await context.close();
    } finally {
      await browser.close();
      expect(await stopChild(service.child)).toBe(0);
    }
  });
});
