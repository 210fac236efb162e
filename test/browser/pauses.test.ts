// What the user sees matches what will happen (#28.5), in Debian's Chromium at desktop and phone size, in French: a
// dispute added on the customer page cancels the reminder already planned for its invoice and the invoice row shows
// the pause; a promise shows its amount and date; Activity says why each was cancelled and lets a person cancel a
// planned action with a reason. Screenshots go to test-artifacts/screenshots/pauses-*.png.
import { describe, expect, it } from 'vitest';
import { runEvaluation } from '../../src/collections/run.js';
import { useDatabase } from '../support/db.js';
import { switchSendingOn } from '../support/sending.js';
import { SIZES, shoot } from './harness.js';
import { frCustomer, frInvoice, useWalkWithBooks } from './books.js';

const sql = useDatabase();
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const books = useWalkWithBooks(sql, 'Pauses walk');

describe('pauses and cancellations in Chromium', () => {
  it('a dispute cancels the planned reminder, the invoice row shows it, and Activity cancels another with a reason', { timeout: 180_000 }, async () => {
    const walk = books.walk;
    const context = await walk.browser.newContext({ viewport: SIZES.desktop, locale: 'fr-FR', extraHTTPHeaders: { 'accept-language': 'fr-FR,fr;q=0.9' } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    // The company's books, as a sync leaves them, and the plan the daily run makes today.
    const { tenantId, connectionId } = await books.companyWithBooks(page, `Pauses walk ${Date.now()}`, [frCustomer('c1', 'Garage Leroy'), frCustomer('c2', 'Boulangerie Martin')], [frInvoice('1', 'c1', '2026-11-02', '1840.00'), frInvoice('2', 'c2', '2026-11-03', '920.00')]);
    const tenant = { id: tenantId };
    const connection = { id: connectionId };
    await switchSendingOn(sql, tenant.id, connection.id);
    const today = new Date();
    const planned = await runEvaluation(sql, tenant.id, connection.id, today);
    expect(planned.keys.length).toBeGreaterThanOrEqual(2);

    // A dispute on Garage Leroy's invoice, from the customer page.
    await page.goto(`${walk.base}/customers/${connection.id}/c1`);
    await page.selectOption('#p-kind', 'dispute');
    await page.selectOption('#p-invoice', '1');
    await page.fill('#p-reason', 'Livraison incomplète');
    await page.click('#add-pause button[type=submit]');
    await page.waitForURL(/msg=pauseAddedCancelled/);
    expect(await page.locator('.flash').innerText()).toContain('Les relances déjà prévues pour ce qu’elle couvre ont été annulées');
    expect(await page.locator('tr[data-invoice="1"] [data-paused="dispute"]').innerText()).toMatch(/Litige/);
    expect(await page.locator('tr[data-pause] td').nth(5).innerText()).toBe('en cours');
    await shoot(page, 'pauses-customer');
    await page.setViewportSize(SIZES.phone);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(SIZES.phone.width);
    await page.setViewportSize(SIZES.desktop);

    // Activity: why Garage Leroy's reminder was cancelled, in French; then cancel Boulangerie Martin's with a reason.
    await page.goto(`${walk.base}/activity`);
    const body = await page.locator('main').innerText();
    expect(body).toMatch(/Suspendue : litige depuis le \d{1,2} \S+ \d{4}, suivi par/);
    expect(body).not.toMatch(UUID);
    const form = page.locator('details.cancel-action').first();
    await form.locator('summary').click();
    await form.locator('input[name=note]').fill('Réglé par chèque reçu ce matin');
    await form.locator('button[type=submit]').click();
    await page.waitForURL(/msg=actionCancelled/);
    expect(await page.locator('main').innerText()).toContain('Annulée par admin@example.com : Réglé par chèque reçu ce matin');
    await shoot(page, 'pauses-activity');
    const states = await sql<{ state: string }[]>`select state from outbox where tenant_id = ${tenant.id} and kind = 'email' order by id`;
    expect(states.map((s) => s.state)).toEqual(['cancelled', 'cancelled']);

    // The customers list: search and filters, days late and last reminder, cards on a phone.
    await page.goto(`${walk.base}/customers`);
    await page.fill('#f-q', 'boulangerie');
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/q=boulangerie/);
    expect(await page.locator('tr[data-customer]').count()).toBe(1);
    expect(await page.locator('main').innerText()).toContain('1 clients sur 2');
    await page.goto(`${walk.base}/customers?sort=daysLate`);
    expect(await page.locator('tr[data-customer]').first().getAttribute('data-customer')).toBe('Garage Leroy');
    await shoot(page, 'pauses-customers-list');
    await page.setViewportSize(SIZES.phone);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(SIZES.phone.width);
    expect(await page.locator('main').innerText()).not.toMatch(UUID);
    expect(problems).toEqual([]);
    await context.close();
  });
});
