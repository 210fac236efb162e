// Editing a template in Debian's Chromium (#28 point 7): one body, written as plain paragraphs, gives both the HTML
// email and its text version; the invoice table is inserted from the list at the cursor; the preview shows both on a
// real overdue invoice, in French then English, at 1280 and 390 px. Screenshots: test-artifacts/screenshots/templates-*.png.
import { describe, expect, it } from 'vitest';
import { getTenantTemplate } from '../../src/store/templates.js';
import { useDatabase } from '../support/db.js';
import { join } from 'node:path';
import { SHOTS, SIZES, fieldsPastTheEdge, shoot } from './harness.js';
import { frCustomer, frInvoice, useWalkWithBooks } from './books.js';

const sql = useDatabase();
const books = useWalkWithBooks(sql, 'Templates walk');
const POLL = { timeout: 15_000 };

describe('the template editor in Chromium', () => {
  it('one body gives the HTML and the text version; blocks go in at the cursor; saved for the company', { timeout: 180_000 }, async () => {
    const walk = books.walk;
    const context = await walk.browser.newContext({ viewport: SIZES.desktop, locale: 'fr-FR', extraHTTPHeaders: { 'accept-language': 'fr-FR,fr;q=0.9' } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    const { tenantId } = await books.companyWithBooks(page, `Templates walk ${Date.now()}`, [frCustomer('c1', 'Garage Leroy')], [frInvoice('1', 'c1', '2026-10-20', '1840.00')]);

    await page.goto(`${walk.base}/templates?id=fr.reminder-1`);
    // One body: there is no second (HTML) box to keep in step.
    expect(await page.locator('textarea').count()).toBe(1);
    expect(await page.locator('textarea#text').inputValue()).toContain('{% invoices %}');

    await page.fill('#text', 'Bonjour {{ customer.name }},\n\nNous attendons votre règlement de {{ net_due }} :');
    await page.locator('#text').evaluate('(f) => { f.selectionStart = f.selectionEnd = f.value.length; }');
    await page.click('button[data-block="invoices"]');
    await page.locator('#text').press('End');
    await page.locator('#text').type('Merci d’avance.');
    expect(await page.inputValue('#text')).toBe('Bonjour {{ customer.name }},\n\nNous attendons votre règlement de {{ net_due }} :\n\n{% invoices %}\n\nMerci d’avance.');
    await page.click('button[name=op][value=preview]');

    const html = page.frameLocator('iframe').locator('body');
    await expect.poll(async () => (await html.innerText()).replace(/\u00a0/g, ' '), POLL).toContain('Nous attendons votre règlement de 1 840,00 € :');
    expect(await html.locator('table td', { hasText: 'FA-1' }).count()).toBe(1);
    // The closing sentence is a paragraph after the table (the company's footer follows it).
    expect(await html.locator('table ~ p', { hasText: 'Merci d’avance.' }).count()).toBe(1);
    const text = (await page.locator('pre.mail-text').textContent())!.replace(/\u00a0/g, ' ');
    expect(text).toContain('Bonjour Garage Leroy,\n\nNous attendons votre règlement de 1 840,00 € :\n\n- Facture FA-1 du ');
    expect(text).toContain('Merci d’avance.');
    await page.locator('details:has(pre.mail-text) summary').click();
    await shoot(page, 'templates-01-preview-fr');
    // The email itself, as the frame shows it (full-page shots may leave a sandboxed frame blank).
    await page.locator('iframe').screenshot({ path: join(SHOTS, 'templates-02-email-fr.png') });
    await page.setViewportSize(SIZES.phone);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
    await page.setViewportSize(SIZES.desktop);

    await page.click('button[name=op][value=save]');
    await expect.poll(() => page.locator('.flash.ok').first().textContent(), POLL).toContain('Modèle enregistré');
    const saved = await getTenantTemplate(sql, tenantId, 'fr.reminder-1', 'fr');
    expect(saved?.body).toBe('Bonjour {{ customer.name }},\n\nNous attendons votre règlement de {{ net_due }} :\n\n{% invoices %}\n\nMerci d’avance.');

    await page.click('.lang a:has-text("EN")');
    await page.goto(`${walk.base}/templates?id=en.reminder-1`);
    expect(await page.locator('button[data-block="payment"]').innerText()).toBe('Portal and payment block');
    await shoot(page, 'templates-03-en');
    // The phone check every shot makes can fail: a drop-down wider than the screen is named.
    await page.setViewportSize(SIZES.phone);
    expect(await fieldsPastTheEdge(page)).toEqual([]);
    await page.evaluate(`document.querySelector('select[name=id]').style.cssText = 'min-width:600px'`);
    expect(await fieldsPastTheEdge(page)).toEqual(['select[name=id]']);
    expect(problems).toEqual([]);
    await context.close();
  });
});
