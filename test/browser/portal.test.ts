// The customer portal in Debian's Chromium (#22): the team hands out a link from the customer page; the customer opens
// it on a phone, promises a date, disputes an invoice with a document; the team sees both as pauses. axe-core checks
// the portal pages for serious or critical accessibility violations. Screenshots: test-artifacts/screenshots/portal-*.png.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { listPauses } from '../../src/store/pauses.js';
import { useDatabase } from '../support/db.js';
import { SIZES, shoot } from './harness.js';
import { frCustomer, frInvoice, useWalkWithBooks } from './books.js';

const sql = useDatabase();
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const books = useWalkWithBooks(sql, 'Portal walk');

/** Serious or critical violations axe-core finds on the page (ids and the elements concerned). */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }> } }).axe;
    return axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] });
  });
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('the customer portal in Chromium', () => {
  it('a link from the customer page opens the statement on a phone; a promise and a dispute become pauses the team sees', { timeout: 180_000 }, async () => {
    // bypassCSP only so axe-core can be injected; the pages' own CSP is tested on the server side.
    const walk = books.walk;
    const team = await walk.browser.newContext({ viewport: SIZES.desktop, locale: 'fr-FR', extraHTTPHeaders: { 'accept-language': 'fr-FR,fr;q=0.9' }, bypassCSP: true });
    const page = await team.newPage();
    const { tenantId, connectionId } = await books.companyWithBooks(page, `Portal walk ${Date.now()}`, [frCustomer('c1', 'Garage Leroy')], [frInvoice('1', 'c1', '2026-10-20', '1840.00'), frInvoice('2', 'c1', '2026-11-05', '620.00')]);
    const tenant = { id: tenantId };
    const connection = { id: connectionId };

    await page.goto(`${walk.base}/customers/${connection.id}/c1#portal`);
    await page.click('form[action$="/portal/link"] button');
    const url = (await page.locator('[data-testid="portal-url"]').innerText()).trim();
    expect(url).toMatch(/\/p\/[A-Za-z0-9_-]{43}$/);

    const customerSide = await walk.browser.newContext({ viewport: SIZES.phone, locale: 'fr-FR', extraHTTPHeaders: { 'accept-language': 'fr-FR' }, bypassCSP: true });
    const portal = await customerSide.newPage();
    await portal.goto(url);
    expect(await portal.locator('h1').innerText()).toBe('Bonjour Garage Leroy');
    expect(await portal.locator('main').innerText()).toMatch(/2\s?460,00\s€/);
    expect(await portal.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(SIZES.phone.width);
    await shoot(portal, 'portal-statement');
    expect(await axeViolations(portal)).toEqual([]);

    // A promise to pay FA-2 in ten days.
    const due = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    await portal.locator('details.answer').nth(0).locator('summary').click();
    await portal.selectOption('#promise-invoice', '2');
    await portal.fill('#promise-on', due);
    await portal.locator('details.answer').nth(0).locator('button[type=submit]').click();
    await portal.waitForURL(/done=promise/);
    expect(await portal.locator('[data-done="promise"]').innerText()).toContain('votre promesse est enregistrée');

    // A dispute of FA-1, with a photo.
    await portal.locator('details.answer').nth(1).locator('summary').click();
    await portal.selectOption('#dispute-invoice', '1');
    await portal.selectOption('#dispute-reason', 'quality');
    await portal.fill('#dispute-text', 'Pièce livrée cassée');
    await portal.setInputFiles('#dispute-file', { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]) });
    await portal.locator('details.answer').nth(1).locator('button[type=submit]').click();
    await portal.waitForURL(/done=dispute/);
    await shoot(portal, 'portal-answered');
    expect(await axeViolations(portal)).toEqual([]);

    const pauses = await listPauses(sql, tenant.id, { connectionId: connection.id, states: ['active'] });
    expect(pauses.map((p) => [p.kind, p.invoiceExternalId]).sort()).toEqual([['dispute', '1'], ['promise', '2']]);
    await page.goto(`${walk.base}/customers/${connection.id}/c1`);
    expect(await page.locator('tr[data-invoice="1"] [data-paused="dispute"]').count()).toBe(1);
    expect(await page.locator('tr[data-invoice="2"] [data-paused="promise"]').count()).toBe(1);
    expect(await page.locator('#portal tr[data-answer]').count()).toBe(2);
    await shoot(page, 'portal-team-view');
    await customerSide.close();
    await team.close();
  });
});
