// The collections team's day in Chromium, on the real `relance start` process with a real SMTP server: the admin
// invites a credit controller from the Team page, the invitation arrives by SMTP, the controller signs in through its
// link, sees only their company and works their list (snooze; a call closed with a promise, which opens the promise
// pause), in French and English, on a desktop and a phone. A customer's dispute on the portal of the same process
// opens its task there. A viewer signed in the same way is refused every change.
// Screenshots: test-artifacts/screenshots/worklist-*.png.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Customer, Invoice } from '../../src/model/index.js';
import { upsertDocuments } from '../../src/store/documents.js';
import { listPauses } from '../../src/store/pauses.js';
import { issueLink } from '../../src/portal/links.js';
import { createConnection, createTenant } from '../../src/store/tenants.js';
import { taskOpener } from '../../src/worklist/open.js';
import { listTasks } from '../../src/worklist/store.js';
import { startSmtpSink, type SmtpSink } from '../actions/smtp-sink.js';
import { startCli, stopChild } from '../support/cli.js';
import { useIsolatedDatabase } from '../support/db.js';
import { freePort } from '../support/free-port.js';
import { SIZES, shoot, signInServiceAdmin } from './harness.js';

// Its own database: the service works on every company it finds.
const { sql, url } = useIsolatedDatabase();
const PASSWORD = 'a long enough password';
let service: ChildProcess | null = null;
let browser: Browser;
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
});
afterAll(async () => {
  await browser?.close();
  if (service) await stopChild(service, 'SIGKILL');
  await sink?.stop();
});

const customer = (id: string, name: string): Customer => Customer.parse({ externalId: id, name, email: `${id}@client.fr`, emails: [], language: 'fr', currency: 'EUR', tags: [], address: null, externalVersion: '0', updatedAt: '2026-09-01T10:00:00Z' });
const invoice = (id: string, customerId: string, dueDate: string, amount: string): Invoice =>
  Invoice.parse({ externalId: id, number: `F-2026-${id}`, customerExternalId: customerId, issueDate: '2026-09-01', dueDate, currency: 'EUR', total: amount, amountDue: amount, status: 'open', lines: [], externalVersion: '0', updatedAt: '2026-09-01T10:00:00Z' });

/** On a phone: nothing wider than the screen. */
async function fitsPhone(page: Page): Promise<void> {
  await page.setViewportSize(SIZES.phone);
  expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(SIZES.phone.width);
  await page.setViewportSize(SIZES.desktop);
}

/** The invitation link the SMTP server received for `email`. */
async function linkFor(email: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const mail = sink.messages.find((m) => m.rcptTo.includes(email));
    const link = mail ? /(http:\/\/127\.0\.0\.1:\d+\/invite\/[A-Za-z0-9_-]+)/.exec(mail.text)?.[1] : undefined;
    if (link) return link;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no invitation for ${email} in ${sink.messages.length} message(s)`);
}

describe('the worklist of a credit controller, on the running service', () => {
  it('invited by email, signed in by the link, works the list in French and English on desktop and phone; a viewer changes nothing', { timeout: 240_000 }, async () => {
    // Two companies: the controller must only ever see the first.
    const tenant = await createTenant(sql, { name: 'Menuiserie Petit', locale: 'fr' });
    const neighbour = await createTenant(sql, { name: 'Société Voisine', locale: 'fr' });
    const connection = await createConnection(sql, tenant.id, { provider: 'quickbooks' });
    const scope = { tenantId: tenant.id, connectionId: connection.id, provider: 'quickbooks' };
    await upsertDocuments(sql, scope, 'customer', [customer('c1', 'Garage Leroy'), customer('c2', 'Boulangerie Martin'), customer('c3', 'Pharmacie Durand')].map((record) => ({ record, raw: {} })));
    await upsertDocuments(sql, scope, 'invoice', [invoice('101', 'c1', '2026-10-15', '1840.00'), invoice('102', 'c1', '2026-11-02', '620.40'), invoice('201', 'c2', '2026-11-10', '450.00'), invoice('301', 'c3', '2026-09-30', '3120.00')].map((record) => ({ record, raw: {} })));
    const neighbourConnection = await createConnection(sql, neighbour.id, { provider: 'quickbooks' });
    await upsertDocuments(sql, { tenantId: neighbour.id, connectionId: neighbourConnection.id, provider: 'quickbooks' }, 'customer', [customer('n1', 'Client Voisin')].map((record) => ({ record, raw: {} })));

    const port = await freePort();
    const env = { DATABASE_URL: url, RELANCE_HOME: mkdtempSync(join(tmpdir(), 'relance-worklist-')), PORT: String(port), RELANCE_ADMIN_PASSWORD: PASSWORD, SMTP_URL: `smtp://127.0.0.1:${sink.port}`, SMTP_FROM: 'Menuiserie Petit <compta@menuiserie.example>', LOG_LEVEL: 'warn' };
    const started = await startCli(['start'], /listening on/, { env, timeoutMs: 120_000 });
    service = started.child;
    const base = `http://127.0.0.1:${port}`;
    const today = new Date().toISOString().slice(0, 10);

    // Work the rules, the actions and the portal would ask for.
    const open = taskOpener(sql);
    await open({ tenantId: tenant.id, connectionId: connection.id, kind: 'call', customerExternalId: 'c1', invoiceExternalIds: ['101', '102'], dueOn: today, sourceKey: 'walk-call-c1', title: 'Appel de relance', detail: { script: 'Bonjour, nous vous appelons au sujet des factures F-2026-101 et F-2026-102.' } });
    await open({ tenantId: tenant.id, connectionId: connection.id, kind: 'dispute', customerExternalId: 'c1', invoiceExternalIds: ['102'], dueOn: today, sourceKey: 'walk-dispute-c1' });
    await open({ tenantId: tenant.id, connectionId: connection.id, kind: 'broken_promise', customerExternalId: 'c3', invoiceExternalIds: ['301'], dueOn: today, sourceKey: 'walk-broken-c3' });
    await open({ tenantId: tenant.id, connectionId: connection.id, kind: 'letter_to_post', customerExternalId: 'c2', invoiceExternalIds: ['201'], dueOn: today, sourceKey: 'walk-letter-c2' });

    // The admin invites a credit controller and a viewer from the Team page, and gives Garage Leroy to the controller.
    const { context: adminContext, page: admin } = await signInServiceAdmin(browser, base, PASSWORD);
    await admin.click(`form[action="/tenants/switch"]:has(input[value="${tenant.id}"]) button`);
    await admin.waitForURL(/\/dashboard$/);
    await admin.goto(`${base}/settings/team`);
    for (const [email, role] of [['ann@menuiserie.example', 'collector'], ['paul@menuiserie.example', 'viewer']] as const) {
      await admin.fill('#invite-email', email);
      await admin.selectOption('#invite-role', role);
      await admin.click('form[action="/settings/team/invite"] button[type=submit]');
      await admin.waitForSelector(`.flash.ok:has-text("Invitation envoyée à ${email}")`);
    }
    expect(await admin.locator('tr[data-member]').count()).toBe(2);
    await shoot(admin, 'worklist-01-team-fr');
    await admin.goto(`${base}/customers/${connection.id}/c1`);
    const [ann] = await sql<{ id: string }[]>`select id from users where email = 'ann@menuiserie.example'`;
    await admin.selectOption('[data-collector] select', ann!.id);
    await admin.click('[data-collector] button');
    await admin.waitForURL(/msg=collectorAssigned/);
    await shoot(admin, 'worklist-02-customer-collector-fr');

    // A customer disputes an invoice on the portal served by the running service: that process opens the task.
    const { token: portalToken } = await issueLink(sql, tenant.id, connection.id, 'c2', new Date());
    const customerSide = await browser.newContext({ viewport: SIZES.phone, locale: 'fr-FR', extraHTTPHeaders: { 'accept-language': 'fr-FR' } });
    const portal = await customerSide.newPage();
    await portal.goto(`${base}/p/${portalToken}`);
    await portal.locator('details.answer').nth(1).locator('summary').click();
    await portal.selectOption('#dispute-invoice', '201');
    await portal.selectOption('#dispute-reason', 'quantity');
    await portal.fill('#dispute-text', 'Il manque deux cartons');
    await portal.locator('details.answer').nth(1).locator('button[type=submit]').click();
    await portal.waitForURL(/done=dispute/);
    await customerSide.close();
    expect((await listTasks(sql, tenant.id, today, { customerExternalId: 'c2', kind: 'dispute' })).map((t) => [t.amount, t.invoiceNumbers])).toEqual([['450.00', ['F-2026-201']]]);

    // The controller: the link from the email, in French.
    const link = await linkFor('ann@menuiserie.example');
    const mail = sink.messages.find((m) => m.rcptTo.includes('ann@menuiserie.example'))!;
    expect(mail.subject).toBe('Invitation à rejoindre Menuiserie Petit sur Relance');
    const context = await browser.newContext({ viewport: SIZES.desktop, locale: 'fr-FR', extraHTTPHeaders: { 'accept-language': 'fr-FR,fr;q=0.9' } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(link);
    expect(await page.locator('h2').innerText()).toBe('Rejoindre Menuiserie Petit');
    await shoot(page, 'worklist-03-invitation-fr');
    await page.click('form[action^="/invite/"] button');
    await page.waitForURL(/\/tasks$/);
    // My tasks: Garage Leroy's two (they followed the assignment), the call first (highest priority).
    expect(await page.locator('h1').innerText()).toBe('Mes tâches');
    expect(await page.locator('li[data-task]').count()).toBe(2);
    expect(await page.locator('li[data-task] h3').allInnerTexts()).toEqual(['Garage Leroy', 'Garage Leroy']);
    expect(await page.locator('li[data-task]').first().getAttribute('data-kind')).toBe('call');
    await fitsPhone(page);
    await shoot(page, 'worklist-04-my-tasks-fr');
    // All tasks: the company's five (the portal's dispute among them), and nothing of the neighbour.
    await page.click('nav.tabs a:has-text("Toutes les tâches")');
    await page.waitForURL(/view=all/);
    expect(await page.locator('li[data-task]').count()).toBe(5);
    expect(await page.locator('li[data-kind="dispute"] h3').allInnerTexts()).toEqual(['Garage Leroy', 'Boulangerie Martin']);
    const all = await page.locator('main').innerText();
    expect(all).not.toContain('Client Voisin');
    await shoot(page, 'worklist-05-all-tasks-fr');
    const picker = await (await context.request.get(`${base}/tenants`)).text();
    expect(picker).not.toContain('Société Voisine');
    expect((await context.request.get(`${base}/customers/${neighbourConnection.id}/n1`)).status()).toBe(404);

    // Snooze the dispute; close the call with a promise.
    await page.goto(`${base}/tasks`);
    const dispute = page.locator('li[data-kind="dispute"]');
    const until = await dispute.locator('input[name="until"]').inputValue();
    await dispute.locator('form[data-snooze] button').click();
    await page.waitForURL(/msg=taskSnoozed/);
    expect(await page.locator('li[data-task]').count()).toBe(1);
    const call = page.locator('li[data-kind="call"]');
    await call.locator('select[name="outcome"]').selectOption('promise');
    const promised = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    await call.locator('input[name="on"]').fill(promised);
    await call.locator('input[name="amount"]').fill('1000,00');
    await call.locator('input[name="note"]').fill('Virement annoncé par le gérant');
    await call.locator('form[data-done] button').click();
    await page.waitForURL(/msg=taskClosed/);
    expect(await page.locator('li[data-task]').count()).toBe(0);
    await shoot(page, 'worklist-06-done-fr');
    const tasks = await listTasks(sql, tenant.id, today, { state: 'all', customerExternalId: 'c1' });
    expect(tasks.map((t) => [t.kind, t.state, t.snoozedUntil, t.outcome, t.doneBy]).sort()).toEqual([
      ['call', 'done', null, 'promise', 'ann@menuiserie.example'],
      ['dispute', 'snoozed', until, null, null],
    ]);
    const pauses = await listPauses(sql, tenant.id, { customerExternalId: 'c1' });
    expect(pauses.map((p) => [p.kind, p.expiresOn, p.amount, p.owner, p.state])).toEqual([['promise', promised, '1000.00', 'ann@menuiserie.example', 'active']]);
    await page.goto(`${base}/tasks?view=mine&state=all`);
    expect(await page.locator('li[data-state="done"] [data-task-state]').innerText()).toMatch(/^terminée · Promesse de paiement \(\d{1,2} \S+ 20\d\d\) · par ann@menuiserie\.example$/);
    await shoot(page, 'worklist-07-history-fr');

    // In English.
    await page.goto(`${base}/lang?to=en&back=${encodeURIComponent('/tasks?view=all')}`);
    expect(await page.locator('h1').innerText()).toBe('All tasks');
    expect(await page.locator('nav.nav a.on').innerText()).toBe('Tasks');
    await fitsPhone(page);
    await shoot(page, 'worklist-08-all-tasks-en');
    await page.goto(`${base}/tasks?view=all&state=all&sort=amount`);
    await shoot(page, 'worklist-09-every-state-en');
    expect(problems).toEqual([]);

    // The viewer: signed in by their link, reads, and every change is refused.
    const viewerContext = await browser.newContext({ viewport: SIZES.phone, locale: 'fr-FR', extraHTTPHeaders: { 'accept-language': 'fr-FR,fr;q=0.9' } });
    const viewer = await viewerContext.newPage();
    await viewer.goto(await linkFor('paul@menuiserie.example'));
    await viewer.click('form[action^="/invite/"] button');
    await viewer.waitForURL(/\/dashboard$/);
    await viewer.goto(`${base}/tasks?view=all`);
    expect(await viewer.locator('li[data-task]').count()).toBe(3);
    expect(await viewer.locator('form[data-snooze], form[data-done]').count()).toBe(0);
    await shoot(viewer, 'worklist-10-viewer-fr');
    // Elsewhere too, a viewer is shown no form that would change something (the server would refuse it anyway).
    await viewer.goto(`${base}/customers/${connection.id}/c2`);
    expect(await viewer.locator('main form[method="post"]').count()).toBeGreaterThan(0);
    expect(await viewer.locator('main form[method="post"]:visible').count()).toBe(0);
    // The customer's own tasks are on its page (the dispute from the portal), read-only for a viewer.
    expect(await viewer.locator('[data-customer-tasks] li[data-kind="dispute"]').count()).toBe(1);
    await shoot(viewer, 'worklist-11-viewer-customer-fr');
    const csrf = await viewer.evaluate<string>(`(async () => { const h = await (await fetch('/tenants')).text(); return /name="_csrf" value="([^"]+)"/.exec(h)[1]; })()`);
    const [left] = await listTasks(sql, tenant.id, today, {});
    for (const [path, form] of [
      [`/tasks/${left!.id}/snooze`, { until: promised }],
      [`/tasks/${left!.id}/done`, { outcome: 'no_answer' }],
      ['/settings/team/invite', { email: 'eve@x.example', role: 'admin' }],
      [`/customers/${connection.id}/c2/pauses`, { kind: 'hold', reason: 'x', owner: 'p' }],
    ] as const) {
      const res = await viewerContext.request.post(`${base}${path}`, { form: { _csrf: csrf, ...form }, headers: { origin: base } });
      expect(res.status(), path).toBe(403);
      expect(await res.text()).toContain('Votre rôle (Lecture seule) ne permet pas cette modification');
    }
    await viewer.goto(`${base}/tasks?view=all`);
    expect(await viewer.locator('li[data-task]').count()).toBe(3);
    // Only the customer's own dispute from the portal: the viewer's hold was refused.
    expect((await listPauses(sql, tenant.id, { customerExternalId: 'c2' })).map((p) => p.kind)).toEqual(['dispute']);

    await Promise.all([context.close(), adminContext.close(), viewerContext.close()]);
    expect(await stopChild(started.child)).toBe(0);
    service = null;
  });
});
