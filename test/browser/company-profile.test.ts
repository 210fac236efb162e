// The company profile and the formal-notice preview in Debian's Chromium, in French then English, at 1280 and 390 px:
// a wrong SIREN and IBAN refused in the reader's language with what was typed kept, the profile saved with its logo,
// then a mise en demeure previewed on a chosen overdue invoice with its penalties, and its PDF letter read back.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../../src/store/tenants.js';
import { useDatabase } from '../support/db.js';
import { logoPng } from '../support/png.js';
import { SHOTS, SIZES, shoot, signInAndCreateCompany, startWalk, type Walk } from './harness.js';

const sql = useDatabase();
let walk: Walk;
let browser: Browser;
let base = '';
const created: string[] = [];
const POLL = { timeout: 15_000 };
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

beforeAll(async () => {
  // Two neighbours so sign-in lands on the company picker (see settings.test.ts).
  for (const name of ['Profile walk neighbour A', 'Profile walk neighbour B']) created.push((await createTenant(sql, { name })).id);
  walk = await startWalk();
  ({ base, browser } = walk);
});

afterAll(async () => {
  if (created.length) await sql`delete from tenants where id = any(${created})`;
  await walk?.close();
});

/** The page fits the phone's width: nothing scrolls sideways. */
async function fitsPhone(page: Page): Promise<void> {
  await page.setViewportSize(SIZES.phone);
  // Run in the page, written as a string: the test's types have no DOM.
  const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
  await page.setViewportSize(SIZES.desktop);
  expect(overflow).toBeLessThanOrEqual(0);
}

/** The text of <main>, for checks that must ignore the menu's company switcher. */
const mainText = (page: Page) => page.locator('main').innerText();
const mainHtml = (page: Page) => page.locator('main').innerHTML();

async function fillProfile(page: Page, values: Record<string, string>): Promise<void> {
  for (const [k, v] of Object.entries(values)) {
    if (k === 'country' || k === 'registeredIn') await page.selectOption(`#cp-${k}`, v);
    else await page.fill(`#cp-${k}`, v);
  }
}

const GOOD = {
  legalName: 'Atelier Lumière SARL',
  legalForm: 'SARL',
  shareCapital: '8 000',
  siren: '732 829 320',
  siret: '732 829 320 00074',
  rcsCity: 'Lyon',
  vatNumber: 'FR44732829320',
  addressLine1: '3 place Bellecour',
  postalCode: '69002',
  city: 'Lyon',
  addressCountry: 'France',
  contactName: 'Claire Martin',
  contactEmail: 'compta@lumiere.example',
  contactPhone: '+33 4 72 00 00 00',
  iban: 'FR76 3000 6000 0112 3456 7890 189',
  bic: 'AGRIFRPP',
};

describe('company profile and formal-notice preview in Chromium', () => {
  it('fills the profile in French and English and previews a mise en demeure with the penalties of a chosen invoice', { timeout: 240_000 }, async () => {
    const context = await browser.newContext({ viewport: SIZES.desktop, locale: 'fr-FR', extraHTTPHeaders: { 'accept-language': 'fr-FR,fr;q=0.9' } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    // The refused forms answer 422 on purpose.
    page.on('console', (m) => m.type() === 'error' && !m.text().includes('422') && problems.push(m.text()));

    await page.goto(`${base}/`);
    await signInAndCreateCompany(page, 'Atelier Lumière SARL');
    const [tenant] = await sql<{ id: string }[]>`select id from tenants where name = 'Atelier Lumière SARL' order by created_at desc limit 1`;
    created.push(tenant!.id);
    await page.click('form[action="/connections/demo/quickbooks"] button');
    await page.waitForURL(/\/connections\?msg=syncDone/, { timeout: 120_000 });

    // The profile page is in the menu.
    await Promise.all([page.waitForURL(/\/settings\/company$/), page.click('nav.nav a[href="/settings/company"]')]);
    expect(await page.locator('h1').textContent()).toBe('Profil de l’entreprise');
    expect(await page.inputValue('#cp-legalName')).toBe('Atelier Lumière SARL');
    await shoot(page, 'profile-01-empty-fr');

    // Typos in the SIREN and the IBAN: refused in French, next to their fields, with what was typed kept.
    await fillProfile(page, { ...GOOD, siren: '732 829 321', siret: '', vatNumber: '', iban: 'FR76 3000 6000 0112 3456 7890 180' });
    await page.click('#company-profile button[type=submit]');
    await expect.poll(() => page.locator('.flash.bad').first().textContent(), POLL).toContain('rien n’a été enregistré');
    expect(await page.locator('#cp-siren-err').textContent()).toContain('Ce SIREN n’est pas valide');
    expect(await page.locator('#cp-iban-err').textContent()).toContain('Cet IBAN n’est pas valide');
    expect(await page.inputValue('#cp-siren')).toBe('732 829 321');
    expect(await page.inputValue('#cp-contactName')).toBe('Claire Martin');
    await shoot(page, 'profile-02-invalid-fr');

    await fillProfile(page, GOOD);
    await page.click('#company-profile button[type=submit]');
    await expect.poll(() => page.locator('.flash.ok').first().textContent(), POLL).toContain('Profil de l’entreprise enregistré.');
    expect(await page.locator('[data-profile]').getAttribute('data-profile')).toBe('complete');
    await page.setInputFiles('#company-logo input[type=file]', { name: 'logo.png', mimeType: 'image/png', buffer: logoPng() });
    await page.click('#company-logo button[type=submit]');
    await expect.poll(() => page.locator('.flash.ok').first().textContent(), POLL).toContain('Logo enregistré.');
    // Served back from the database (polled: the image may still be loading when the page is ready).
    await expect.poll(() => page.locator('#company-logo img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), POLL).toBe(240);
    expect(await mainHtml(page)).not.toMatch(UUID);
    await fitsPhone(page);
    await shoot(page, 'profile-03-saved-fr');

    // A mise en demeure on the most overdue invoice, picked by customer and number.
    await page.goto(`${base}/templates?id=fr.mise-en-demeure`);
    const option = page.locator('#tp-invoice option').nth(1);
    const label = (await option.textContent())!;
    expect(label).toMatch(/ — .+ \(.+, \d+ j de retard\)$/);
    const number = (await option.getAttribute('value'))!;
    expect(number).not.toMatch(UUID);
    await Promise.all([page.waitForURL((u) => u.searchParams.get('invoice') === number), page.selectOption('#tp-invoice', number)]);
    const card = page.locator('[data-penalties]');
    expect(await card.getAttribute('data-penalties')).toBe('yes');
    const cardText = (await card.innerText()).replace(/\u00a0/g, ' ');
    for (const s of ['Pénalités de retard', 'Indemnité forfaitaire pour frais de recouvrement', 'Total réclamé', number, 'article L441-10']) expect(cardText).toContain(s);
    expect(cardText).toMatch(/du \d\d\/\d\d\/\d{4} au \d\d\/\d\d\/\d{4} : \d+ jours à \d+,\d\d %/);
    expect(await page.locator('[data-held]').count()).toBe(0);
    // The email as it would leave: the chosen invoice's penalties in the text, the sender's identity in the footer.
    const email = (await page.frameLocator('iframe').locator('body').innerText()).replace(/\u00a0/g, ' ');
    expect(email).toContain('Madame, Monsieur,');
    expect(email).toMatch(/soit \d[\d ]*,\d\d € à ce jour/);
    expect(email).toContain('Atelier Lumière SARL – SARL au capital de 8 000,00 € – Siège social : 3 place Bellecour');
    expect(await mainText(page)).not.toMatch(UUID);
    await fitsPhone(page);
    await shoot(page, 'profile-04-preview-mise-en-demeure-fr');

    // The letter itself, as the executor would print it.
    const href = (await page.locator('a[data-letter=pdf]').getAttribute('href'))!;
    const pdf = Buffer.from(await (await page.request.get(`${base}${href}`)).body());
    mkdirSync(SHOTS, { recursive: true });
    const pdfPath = join(SHOTS, 'profile-05-letter-fr.pdf');
    writeFileSync(pdfPath, pdf);
    execFileSync('pdftoppm', ['-r', '70', '-png', pdfPath, join(SHOTS, 'profile-05-letter-fr')]);
    const text = execFileSync('pdftotext', ['-layout', pdfPath, '-']).toString().replace(/\u00a0/g, ' ');
    for (const s of ['Atelier Lumière SARL', 'SARL au capital de 8 000,00 €', 'SIREN 732 829 320 RCS Lyon', 'FR44732829320', 'Lettre recommandée avec accusé de réception', 'MISE EN DEMEURE', 'Madame, Monsieur,', 'salutations distinguées', 'Claire Martin', 'article L441-10', 'D441-5', 'Total réclamé', 'à compter de la réception de la présente']) expect(text).toContain(s);
    expect(text).toContain(number);
    expect(text).not.toMatch(/Bonjour|Cordialement/);

    // The same pages in English.
    await page.click('.lang a:has-text("EN")');
    await page.goto(`${base}/settings/company`);
    expect(await page.locator('h1').textContent()).toBe('Company profile');
    await page.fill('#cp-bic', 'AGRIFRP');
    await page.click('#company-profile button[type=submit]');
    await expect.poll(() => page.locator('#cp-bic-err').textContent(), POLL).toContain('A BIC has 8 or 11 characters');
    expect(await page.inputValue('#cp-bic')).toBe('AGRIFRP');
    await fitsPhone(page);
    await shoot(page, 'profile-06-invalid-en');
    await page.goto(`${base}/templates?id=fr.mise-en-demeure&invoice=${encodeURIComponent(number)}`);
    const enCard = (await page.locator('[data-penalties]').innerText()).replace(/\u00a0/g, ' ');
    for (const s of ['Late-payment interest', 'Fixed recovery compensation', 'Total claimed']) expect(enCard).toContain(s);
    await fitsPhone(page);
    await shoot(page, 'profile-07-preview-en');

    expect(problems).toEqual([]);
    await context.close();
  });
});
