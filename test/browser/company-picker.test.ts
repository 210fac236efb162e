// The company picker in Debian's Chromium (playwright-core): a Sage demo login reaching two businesses lands on the
// picker after consent, in English and French, on a desktop and a phone; the chosen business is the one synced, and the
// choice is locked once data is stored. Screenshots go to test-artifacts/screenshots/company-picker-*.png.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECOND_BUSINESS_ID, SECOND_BUSINESS_NAME, DEFAULT_BUSINESS_ID, DEFAULT_BUSINESS_NAME } from '../../connectors/sage/simulator/index.js';
import { createTenant } from '../../src/store/tenants.js';
import { useDatabase } from '../support/db.js';
import { freePort } from '../support/free-port.js';
import { SIZES, shoot as shootAs, signInAndCreateCompany, startWalk, type Walk } from './harness.js';

const sql = useDatabase();
const HEX_ID = /\b[0-9a-f]{32}\b|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** English words our own French text must never contain (company names from the demo data are not ours to translate). */
const ENGLISH = /\b(choose|company|companies|use|this|the|your|login|reaches|several|connection|follows|followed|now|back|invoices|should|demo|sync)\b/i;

let walk: Walk;
let browser: Browser;
let base = '';
const created: string[] = [];

beforeAll(async () => {
  for (const name of ['Picker walk neighbour A', 'Picker walk neighbour B']) created.push((await createTenant(sql, { name })).id);
  walk = await startWalk({ DEMO_INVOICES: '40', DEMO_PORTS: JSON.stringify({ sage: await freePort() }) });
  ({ base, browser } = walk);
});

afterAll(async () => {
  if (created.length) await sql`delete from tenants where id = any(${created})`;
  await walk?.close();
});

const shoot = (page: Page, name: string) => shootAs(page, `company-picker-${name}`);

async function fitsPhone(page: Page, selector: string): Promise<void> {
  await page.setViewportSize(SIZES.phone);
  expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(SIZES.phone.width);
  const box = await page.locator(selector).first().boundingBox();
  expect(box, selector).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(SIZES.phone.width);
  await page.setViewportSize(SIZES.desktop);
}

async function connectSageDemo(page: Page, tenantName: string): Promise<string> {
  await signInAndCreateCompany(page, tenantName);
  const [tenant] = await sql<{ id: string }[]>`select id from tenants where name = ${tenantName} order by created_at desc limit 1`;
  created.push(tenant!.id);
  await page.click('form[action="/connections/demo/sage"] button');
  await page.waitForURL(/\/connections\/[0-9a-f-]{36}\/company$/, { timeout: 120_000 });
  return tenant!.id;
}

describe('the company picker in Chromium', () => {
  it('lists both businesses after consent, syncs the one chosen, then locks the choice (English)', { timeout: 240_000 }, async () => {
    const context = await browser.newContext({ viewport: SIZES.desktop, locale: 'en-GB', extraHTTPHeaders: { 'accept-language': 'en-GB,en;q=0.9' } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(`${base}/`);
    const tenantId = await connectSageDemo(page, 'Picker Walk Ltd');
    // English UI: the page picker sets the language per session; make sure it is English here.
    if ((await page.locator('html').getAttribute('lang')) !== 'en') {
      await page.click('.lang a:has-text("EN")');
      await page.waitForLoadState('load');
    }
    const options = page.locator('[data-company-picker] label');
    expect(await options.allInnerTexts()).toEqual([expect.stringContaining(DEFAULT_BUSINESS_NAME), SECOND_BUSINESS_NAME]);
    // The lead business is followed until the user picks another.
    expect(await page.locator(`input[name=company][value="${DEFAULT_BUSINESS_ID}"]`).isChecked()).toBe(true);
    const text = await page.locator('main').innerText();
    expect(text).toContain('Your login reaches several companies');
    expect(text).not.toMatch(HEX_ID);
    await shoot(page, '01-en');
    await fitsPhone(page, '[data-company-picker] button[type=submit]');

    await page.check(`input[name=company][value="${SECOND_BUSINESS_ID}"]`);
    await Promise.all([page.waitForURL(/\/connections\?msg=syncDone/, { timeout: 120_000 }), page.click('[data-company-picker] button[type=submit]')]);
    const [connection] = await sql<{ id: string; external_tenant_id: string }[]>`select id, external_tenant_id from connections where tenant_id = ${tenantId}`;
    expect(connection!.external_tenant_id).toBe(SECOND_BUSINESS_ID);
    // The name the user gave the company stays (only a company named after the first business takes the new name).
    expect((await sql<{ name: string }[]>`select name from tenants where id = ${tenantId}`)[0]!.name).toBe('Picker Walk Ltd');
    const row = page.locator(`tr[data-connection="${connection!.id}"]`);
    // The Irish business has 12 invoices; the lead one 40.
    expect(Number(await row.locator('td.num').first().textContent())).toBe(12);
    expect(await row.locator('a[href$="/company"]').count()).toBe(0);
    await shoot(page, '02-connections-en');

    // Once data is stored the choice is locked: the page says how to follow another business instead.
    await page.goto(`${base}/connections/${connection!.id}/company`);
    expect(await page.locator('[data-company-picker]').innerText()).toContain('disconnect it and connect again');
    expect(await page.locator('input[name=company]').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows the picker in French with no English word and no id, on a desktop and a phone', { timeout: 240_000 }, async () => {
    const context = await browser.newContext({ viewport: SIZES.desktop, locale: 'fr-FR', extraHTTPHeaders: { 'accept-language': 'fr-FR,fr;q=0.9' } });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await connectSageDemo(page, 'Société Sélecteur');
    if ((await page.locator('html').getAttribute('lang')) !== 'fr') {
      await page.click('.lang a:has-text("FR")');
      await page.waitForLoadState('load');
    }
    const text = (await page.locator('main').innerText()).replace(DEFAULT_BUSINESS_NAME, '').replace(SECOND_BUSINESS_NAME, '').replace('Sage Accounting', '');
    expect(text).toContain('Votre identifiant donne accès à plusieurs sociétés');
    expect(text).toContain('Utiliser cette société');
    expect(text).not.toMatch(ENGLISH);
    expect(text).not.toMatch(HEX_ID);
    await shoot(page, '03-fr');
    await fitsPhone(page, '[data-company-picker] button[type=submit]');
    // Keeping the lead business also syncs it.
    await Promise.all([page.waitForURL(/\/connections\?msg=syncDone/, { timeout: 120_000 }), page.click('[data-company-picker] button[type=submit]')]);
    await shoot(page, '04-connections-fr');
    await context.close();
  });
});
