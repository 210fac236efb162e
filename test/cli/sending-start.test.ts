// End to end through the real `relance start` with a real SMTP server: a demo company connected, synced and evaluated by
// the service sends nothing; after `relance sending <id> on` (another process, through PostgreSQL only) its reminders arrive, once each.
// Then a customer opens the portal link of a reminder they received, in Chromium on a phone, downloads the statement
// and promises a date: the service records the promise as a pause (#22 point 7).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRENCH_B2B_POLICY } from '../../src/rules/default-policies.js';
import { parsePolicy } from '../../src/rules/policy.js';
import { createApiToken } from '../../src/store/auth.js';
import { listDocuments } from '../../src/store/documents.js';
import { savePolicy } from '../../src/store/policies.js';
import { findConnectionById } from '../../src/store/tenants.js';
import { startSmtpSink, type SmtpSink } from '../actions/smtp-sink.js';
import { runCli, startCli, stopChild } from '../support/cli.js';
import { useIsolatedDatabase } from '../support/db.js';
import { freePort } from '../support/free-port.js';
import { SIZES, launchChromium, shoot } from '../browser/harness.js';

// Its own database: the service schedules every connection it finds.
const { sql, url } = useIsolatedDatabase();
let sink: SmtpSink;
let service: ChildProcess | null = null;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  if (service) await stopChild(service, 'SIGKILL');
  await sink.stop();
});

const until = async (what: string, check: () => Promise<boolean>, ms: number, output: () => string = () => '') => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
};

const outbox = (tenantId: string) => sql<{ kind: string; state: string; attempts: number }[]>`select kind, state, attempts from outbox where tenant_id = ${tenantId} order by id`;

describe('relance start with sending off, then on', () => {
  it('sends nothing for a new demo company until `relance sending <id> on`, then its reminders arrive once', { timeout: 300_000 }, async () => {
    const home = mkdtempSync(join(tmpdir(), 'relance-sending-e2e-'));
    const base = { DATABASE_URL: url, RELANCE_HOME: home, LOG_LEVEL: 'info' };
    const connected = await runCli(['connect', 'quickbooks', '--demo', '--invoices', '40', '--seed', '5', '--port', String(await freePort()), '--tenant', 'Fromagerie E2E'], { env: base, timeoutMs: 120_000 });
    expect(connected.code, connected.stderr).toBe(0);
    const connectionId = connected.stdout.trim();
    const connection = (await findConnectionById(sql, connectionId))!;
    const tenantId = connection.tenantId;
    // Emails only, sent whenever due: the test must not depend on the hour, the weekday or a published reference rate.
    await savePolicy(sql, tenantId, 'e2e-emails', parsePolicy({ ...FRENCH_B2B_POLICY, id: 'e2e-emails', sendWindow: undefined, penalties: undefined, steps: FRENCH_B2B_POLICY.steps.filter((s) => s.channel === 'email' && !s.includePenalties) }));
    const { token } = await createApiToken(sql, tenantId, 'e2e');

    const port = await freePort();
    const env = { ...base, PORT: String(port), SMTP_URL: `smtp://127.0.0.1:${sink.port}`, SMTP_FROM: 'Fromagerie E2E <relances@fromagerie.example>', RELANCE_ADMIN_PASSWORD: 'a long enough password' };
    const started = await startCli(['start'], /listening on/, { env, timeoutMs: 120_000 });
    service = started.child;

    // Sync through the API, as a user's "Sync now": the workers sync, evaluate, then run the executor.
    const sync = await fetch(`http://127.0.0.1:${port}/api/v1/connections/${connectionId}/sync`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(sync.status).toBe(202);
    await until('the executor to hold the evaluated actions', async () => /due action\(s\) held/.test(started.output()), 120_000, started.output);
    const held = (await outbox(tenantId)).filter((o) => o.kind !== 'alert');
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((o) => o.kind === 'email' && o.state === 'planned' && o.attempts === 0)).toBe(true);
    const [run] = await sql<{ planned: number }[]>`select planned from evaluation_runs where tenant_id = ${tenantId} and connection_id = ${connectionId}`;
    expect(run!.planned).toBeGreaterThan(0);
    // Another executor pass (the per-minute sweep, or a second job) would not change that: give it a moment.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(sink.messages).toEqual([]);

    const on = await runCli(['sending', connectionId, 'on'], { env: base });
    expect(on.code, on.stderr).toBe(0);
    expect(on.stdout).toContain(`Sending is now ON for quickbooks connection ${connectionId} (company "Fromagerie E2E")`);

    // The running service reads the switch from PostgreSQL at its next pass (the sweep runs every minute).
    await until('every held reminder to be sent or settled', async () => (await outbox(tenantId)).filter((o) => o.kind === 'email').every((o) => o.state !== 'planned' && o.state !== 'sending'), 150_000, started.output);
    const sent = (await outbox(tenantId)).filter((o) => o.kind === 'email' && o.state === 'sent');
    expect(sent.length).toBeGreaterThan(0);
    expect(sink.messages).toHaveLength(sent.length);
    expect(new Set(sink.messages.map((m) => m.messageId)).size).toBe(sink.messages.length);
    // Each from the configured sender, plus-addressed with its thread's token (replies and bounces find their customer).
    expect(sink.messages.every((m) => /^relances\+[a-z2-7]{26}@fromagerie\.example$/.test(m.mailFrom))).toBe(true);

    // The customer's side: the link in a reminder as it arrived, opened in a browser on a phone.
    const mail = sink.messages[0]!;
    const link = new RegExp(`http://127\\.0\\.0\\.1:${port}/p/[A-Za-z0-9_-]{43}`).exec(mail.text)?.[0];
    expect(link, mail.text).toBeTruthy();
    expect(mail.html).toContain(`href="${link}"`);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: SIZES.phone, locale: 'fr-FR', extraHTTPHeaders: { 'accept-language': 'fr-FR' } });
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(link!);
      // The customer the reminder was addressed to.
      const customer = (await listDocuments(sql, tenantId, 'customer')).map((d) => d.record).find((r) => [r.email, ...r.emails].includes(mail.rcptTo[0]!));
      expect(await page.locator('h1').innerText()).toMatch(/^(Bonjour|Hello) /);
      expect(await page.locator('h1').innerText()).toContain(customer!.name);
      expect(await page.locator('tr[data-invoice]').count()).toBeGreaterThan(0);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(SIZES.phone.width);
      await shoot(page, 'portal-from-email');
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a[href$="/statement.pdf"]').click()]);
      expect((await download.path()) ?? '').toBeTruthy();
      // A promise to pay in five days, from the phone.
      await page.locator('details.answer').nth(0).locator('summary').click();
      const on = await page.locator('#promise-on').getAttribute('min');
      const due = new Date(Date.parse(`${on}T00:00:00Z`) + 5 * 86_400_000).toISOString().slice(0, 10);
      await page.fill('#promise-on', due);
      await page.locator('details.answer').nth(0).locator('button[type=submit]').click();
      await page.waitForURL(/done=promise/);
      await shoot(page, 'portal-from-email-promised');
      const pauses = await sql<{ kind: string; expires_on: string }[]>`select kind, expires_on::text from pauses where tenant_id = ${tenantId} and state = 'active'`;
      expect(pauses).toEqual([{ kind: 'promise', expires_on: due }]);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }

    expect(await stopChild(started.child)).toBe(0);
    service = null;
  });
});
