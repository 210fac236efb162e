// Reminders in doubt as the team meets them (#26), on the real `relance start` process in Chromium: two reminders a
// stopped worker may or may not have handed to the mail server are listed on the worklist (customer, invoices, day,
// never an internal id), in French and in English, on a phone too. "It arrived" counts one as sent and plans its
// write-back; "Send it again" (after a confirmation) puts the other back in the outbox. Another company's never shows.
// Screenshots: test-artifacts/screenshots/in-doubt-*.png.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Customer, Invoice } from '../../src/model/index.js';
import { listActivity } from '../../src/store/activity.js';
import { upsertDocuments } from '../../src/store/documents.js';
import { planActions } from '../../src/store/outbox.js';
import { createConnection, createTenant } from '../../src/store/tenants.js';
import { startCli, stopChild } from '../support/cli.js';
import { useIsolatedDatabase } from '../support/db.js';
import { freePort } from '../support/free-port.js';
import { SIZES, launchChromium, shoot, signInServiceAdmin } from './harness.js';

const { sql, url } = useIsolatedDatabase();
const PASSWORD = 'a long enough password';
let service: ChildProcess | null = null;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  if (service) await stopChild(service, 'SIGKILL');
});

const customer = (id: string, name: string): Customer => Customer.parse({ externalId: id, name, email: `${id}@client.fr`, emails: [], language: 'fr', currency: 'EUR', tags: [], address: null, externalVersion: '0', updatedAt: '2026-09-01T10:00:00Z' });
const invoice = (id: string, customerId: string): Invoice =>
  Invoice.parse({ externalId: id, number: `F-2026-${id}`, customerExternalId: customerId, issueDate: '2026-09-01', dueDate: '2026-10-01', currency: 'EUR', total: '840.00', amountDue: '840.00', status: 'open', lines: [], externalVersion: '0', updatedAt: '2026-09-01T10:00:00Z' });

/** A reminder whose worker stopped after handing it over: failed, with the hand-over marker and its Message-ID. */
async function inDoubt(tenantId: string, connectionId: string, key: string, customerId: string, invoiceId: string): Promise<void> {
  const action = {
    idempotencyKey: key, covers: [], tenantId, policyId: 'fr-default', policyVersion: 1, stepId: 'reminder-1', stepIndex: 0, channel: 'email', templateId: 'fr.reminder-1',
    dueOn: '2026-10-08', scheduledOn: '2026-10-08', scope: 'invoice', customerExternalId: customerId, currency: 'EUR',
    invoices: [{ externalId: invoiceId, number: `F-2026-${invoiceId}`, dueDate: '2026-10-01', amountDue: '840.00', daysPastDue: 7 }],
    credits: [], amountDue: '840.00', openCredits: '0.00', netDue: '840.00', penalties: [], explain: 'first reminder',
  };
  await planActions(sql, tenantId, [{ idempotencyKey: key, kind: 'email', dueAt: '2026-10-08T08:00:00Z', payload: action, connectionId }]);
  await sql`update outbox set state = 'failed', attempts = 2, last_error = 'email may or may not have been sent', result = ${JSON.stringify({ submitting: 1, messageId: `<${key}@relance.example>` })}::text::jsonb
    where tenant_id = ${tenantId} and idempotency_key = ${key}`;
}

describe('reminders in doubt, settled from the worklist of the running service', () => {
  it('listed in French and English, on a phone too; "it arrived" and "send it again" each act once', { timeout: 240_000 }, async () => {
    const tenant = await createTenant(sql, { name: 'Menuiserie Doute', locale: 'fr' });
    const connection = await createConnection(sql, tenant.id, { provider: 'quickbooks' });
    const scope = { tenantId: tenant.id, connectionId: connection.id, provider: 'quickbooks' };
    await upsertDocuments(sql, scope, 'customer', [customer('c1', 'Garage Leroy'), customer('c2', 'Boulangerie Martin')].map((record) => ({ record, raw: {} })));
    await upsertDocuments(sql, scope, 'invoice', [invoice('101', 'c1'), invoice('201', 'c2')].map((record) => ({ record, raw: {} })));
    const arrivedKey = `${tenant.id}|inv:101|reminder-1|walk`;
    const resendKey = `${tenant.id}|inv:201|reminder-1|walk`;
    await inDoubt(tenant.id, connection.id, arrivedKey, 'c1', '101');
    await inDoubt(tenant.id, connection.id, resendKey, 'c2', '201');
    // Another company's reminder in doubt never shows on this one's worklist.
    const neighbour = await createTenant(sql, { name: 'Société Voisine', locale: 'fr' });
    const neighbourConnection = await createConnection(sql, neighbour.id, { provider: 'quickbooks' });
    await upsertDocuments(sql, { tenantId: neighbour.id, connectionId: neighbourConnection.id, provider: 'quickbooks' }, 'customer', [customer('n1', 'Client Voisin')].map((record) => ({ record, raw: {} })));
    await inDoubt(neighbour.id, neighbourConnection.id, `${neighbour.id}|inv:n|reminder-1|walk`, 'n1', '901');

    const port = await freePort();
    const env = { DATABASE_URL: url, RELANCE_HOME: mkdtempSync(join(tmpdir(), 'relance-in-doubt-')), PORT: String(port), RELANCE_ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: 'warn' };
    const started = await startCli(['start'], /listening on/, { env, timeoutMs: 120_000 });
    service = started.child;
    const base = `http://127.0.0.1:${port}`;

    const { context, page } = await signInServiceAdmin(browser, base, PASSWORD);
    await page.click(`form[action="/tenants/switch"]:has(input[value="${tenant.id}"]) button`);
    await page.waitForURL(/\/dashboard$/);
    await page.goto(`${base}/tasks?view=all`);
    const card = page.locator('[data-in-doubt]');
    expect(await card.getAttribute('data-in-doubt')).toBe('2');
    const text = await card.innerText();
    expect(text).toContain('Relances incertaines');
    expect(text).toContain('Garage Leroy · factures F-2026-101');
    expect(text).toContain('Boulangerie Martin · factures F-2026-201');
    expect(text).not.toContain('Client Voisin');
    // No internal id on a French page: neither the action key nor the tenant's id.
    expect(text).not.toContain(tenant.id);
    expect(text).not.toContain('reminder-1');
    await shoot(page, 'in-doubt-01-worklist-fr');
    await page.setViewportSize(SIZES.phone);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(SIZES.phone.width);
    await page.setViewportSize(SIZES.desktop);

    // "It arrived": counted as sent, by that person, and written back once.
    await Promise.all([page.waitForURL(/msg=doubtSettled/), card.locator('li[data-doubt]:has-text("Garage Leroy") button:has-text("Elle est bien arrivée")').click()]);
    expect(await page.locator('.flash.ok').innerText()).toContain('C’est noté');
    const [arrived] = await sql<{ state: string }[]>`select state from outbox where tenant_id = ${tenant.id} and idempotency_key = ${arrivedKey}`;
    expect(arrived!.state).toBe('sent');
    expect((await sql`select 1 from outbox where tenant_id = ${tenant.id} and idempotency_key = ${`${arrivedKey}|writeback`}`).length).toBe(1);
    expect((await listActivity(sql, tenant.id, { actionKey: arrivedKey })).find((a) => a.kind === 'reconciled')?.actor).toBe('admin@localhost');

    // "Send it again": asked to confirm first, then back in the outbox for the workers.
    page.once('dialog', (d) => void d.accept());
    await Promise.all([page.waitForURL(/msg=doubtSettled/), page.locator('[data-in-doubt] li[data-doubt]:has-text("Boulangerie Martin") button:has-text("La renvoyer")').click()]);
    const [resent] = await sql<{ state: string; result: unknown }[]>`select state, result from outbox where tenant_id = ${tenant.id} and idempotency_key = ${resendKey}`;
    expect(resent!.state).not.toBe('failed');
    expect(resent!.result === null || !JSON.stringify(resent!.result).includes('submitting')).toBe(true);
    expect((await listActivity(sql, tenant.id, { actionKey: resendKey })).find((a) => a.kind === 'retry')?.actor).toBe('admin@localhost');
    expect(await page.locator('[data-in-doubt]').count()).toBe(0);

    // Settled twice (a second tab): nothing happens, the page says not found.
    const again = await context.request.post(`${base}/tasks/in-doubt`, { headers: { origin: base }, form: { key: arrivedKey, verdict: 'arrived', _csrf: (await page.locator('input[name=_csrf]').first().getAttribute('value')) ?? '' } });
    expect(again.status()).toBe(404);

    // In English, another reminder in doubt reads as such.
    await inDoubt(tenant.id, connection.id, `${tenant.id}|inv:101|reminder-2|walk`, 'c1', '101');
    const en = await browser.newContext({ viewport: SIZES.desktop, locale: 'en-GB', extraHTTPHeaders: { 'accept-language': 'en-GB,en;q=0.9' } });
    await en.addCookies(await context.cookies());
    const pageEn = await en.newPage();
    await pageEn.goto(`${base}/tasks?view=all`);
    const cardEn = await pageEn.locator('[data-in-doubt]').innerText();
    expect(cardEn).toContain('Reminders in doubt');
    expect(cardEn).toContain('It arrived');
    expect(cardEn).toContain('Send it again');
    await shoot(pageEn, 'in-doubt-03-worklist-en');
    await en.close();
    await context.close();
    expect(await stopChild(started.child)).toBe(0);
    service = null;
  });
});
