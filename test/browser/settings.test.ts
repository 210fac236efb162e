// The settings pages in Debian's Chromium (playwright-core): sign in, connect the demo company, see invoices, edit the policy,
// preview, open a dispute, view the dashboard; every page screenshotted at 1280×800 and 390×844 into test-artifacts/screenshots/.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPauses } from '../../src/store/pauses.js';
import { createTenant } from '../../src/store/tenants.js';
import { useDatabase } from '../support/db.js';
import { SIZES, shoot, signInAndCreateCompany, startWalk, type Walk } from './harness.js';

const sql = useDatabase();
let walk: Walk;
let browser: Browser;
let base = '';
/** The tenants the walk creates: removed afterwards, so its demo connections do not linger in the shared test database. */
const created: string[] = [];

beforeAll(async () => {
  // Sign-in goes straight to the company when there is exactly one, and to the picker otherwise: two neighbours make
  // sure of the picker however far the other files (sharing this database) have got when this one starts.
  for (const name of ['Browser walk neighbour A', 'Browser walk neighbour B']) {
    created.push((await createTenant(sql, { name })).id);
  }
  walk = await startWalk();
  ({ base, browser } = walk);
});

afterAll(async () => {
  // Other tests (e.g. `relance start` on DATABASE_URL) host the demo companies of every connection they find.
  if (created.length) await sql`delete from tenants where id = any(${created})`;
  await walk?.close();
});

/** Follows a navigation link and waits for the page it leads to (locator counts do not wait by themselves). */
async function go(page: Page, href: string): Promise<void> {
  await Promise.all([page.waitForURL((u) => u.pathname === href), page.click(`nav.nav a[href="${href}"]`)]);
  await page.waitForLoadState('load');
}

const POLL = { timeout: 15_000 };

describe('settings pages in Chromium', () => {
  it('walks a new user from sign-in to the dashboard', { timeout: 180_000 }, async () => {
    const context = await browser.newContext({ viewport: SIZES.desktop, locale: 'en-GB', extraHTTPHeaders: { 'accept-language': 'en-GB,en;q=0.9' } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    // The invalid policy submission answers 422 on purpose; anything else failing to load is a problem.
    page.on('console', (m) => m.type() === 'error' && !m.text().includes('422 (Unprocessable Entity)') && problems.push(m.text()));

    await page.goto(`${base}/`);
    expect(page.url()).toBe(`${base}/signin`);
    await shoot(page, '01-signin');
    await signInAndCreateCompany(page, 'Atelier Lumière SARL');
    const [tenant] = await sql<{ id: string }[]>`select id from tenants where name = 'Atelier Lumière SARL' order by created_at desc limit 1`;
    created.push(tenant!.id);
    await shoot(page, '02-tenants-connections-empty');

    // Connect the QuickBooks demo company: real OAuth code flow against the simulator, then an inline sync.
    await page.click('form[action="/connections/demo/quickbooks"] button');
    await page.waitForURL(/\/connections\?msg=syncDone/, { timeout: 120_000 });
    const row = page.locator('tr[data-connection]').first();
    await expect.poll(() => row.locator('td:nth-child(2) .badge').textContent(), POLL).toBe('active');
    const invoiceCount = Number(await row.locator('td.num').first().textContent());
    expect(invoiceCount).toBeGreaterThan(0);

    // The Xero demo company connects the same way.
    await page.click('form[action="/connections/demo/xero"] button');
    await page.waitForURL(/\/connections\?msg=syncDone/, { timeout: 120_000 });
    const statuses = await page.locator('tr[data-connection] td:nth-child(2) .badge').allTextContents();
    expect(statuses).toEqual(['active', 'active']);
    await shoot(page, '03-connections');

    // Customers, then one customer's invoices.
    await go(page, '/customers');
    const customers = page.locator('table tbody tr');
    expect(await customers.count()).toBeGreaterThan(0);
    await shoot(page, '04-customers');
    // The customer with the most overdue comes first: open it.
    await customers.first().locator('a').click();
    await page.waitForURL(/\/customers\/[0-9a-f-]{36}\//);
    expect(await page.locator('tr[data-invoice]').count()).toBeGreaterThan(0);
    await shoot(page, '05-customer-invoices');

    // Open a dispute on the customer's first open invoice.
    const customerUrl = page.url();
    await page.selectOption('#p-kind', 'dispute');
    const firstInvoice = await page.locator('#p-invoice option').nth(1).getAttribute('value');
    if (firstInvoice) await page.selectOption('#p-invoice', firstInvoice);
    await page.fill('#p-reason', 'Livraison incomplète <b>contestée</b>');
    await page.click('#add-pause button[type=submit]');
    await page.waitForURL(/msg=pauseAdded/);
    await expect.poll(() => page.locator('tr[data-pause]').first().textContent(), POLL).toContain('Livraison incomplète <b>contestée</b>');
    await shoot(page, '06-customer-dispute');
    const pauses = await listPauses(sql, tenant!.id, { states: ['active'] });
    expect(pauses.map((p) => [p.kind, p.reason])).toEqual([['dispute', 'Livraison incomplète <b>contestée</b>']]);
    expect(customerUrl).toContain(pauses[0]!.connectionId);

    // Edit a policy step: a validation error first, shown next to its field, then a valid save.
    await go(page, '/policy');
    // The delay is a number field: words typed into it leave it empty, and the server says what it expects.
    await page.fill('[id="s.1.days"]', '');
    await page.locator('[id="s.1.days"]').pressSequentially('next week');
    await page.click('.save-bar button[value=save]');
    await expect.poll(() => page.locator('li[data-step="1"] .err').first().textContent(), POLL).toBe('The delay must be a number of days, e.g. 10');
    await shoot(page, '07-policy-invalid');
    await page.fill('[id="s.1.days"]', '3');
    await page.click('.save-bar button[value=save]');
    await expect.poll(() => page.locator('.flash.ok').textContent(), POLL).toMatch(/version 1/);
    expect(await page.inputValue('[id="s.1.days"]')).toBe('3');
    await shoot(page, '08-policy');

    // Preview the next 30 days.
    await go(page, '/preview');
    const days = page.locator('[data-day]');
    expect(await days.count()).toBeGreaterThan(0);
    const why = await page.locator('tr[data-action] td.hint').first().textContent();
    expect(why?.length).toBeGreaterThan(10);
    await shoot(page, '09-preview');

    for (const [path, name] of [
      ['/templates', '10-templates'],
      ['/mappings', '11-mappings'],
      ['/activity', '12-activity'],
      ['/settings/tokens', '13-tokens'],
    ] as const) {
      await page.goto(`${base}${path}`);
      expect(await page.locator('h1').textContent()).toBeTruthy();
      await shoot(page, name);
    }

    // Test the shipped mapping against a synced record.
    await page.goto(`${base}/mappings?provider=quickbooks&entity=invoice`);
    await page.click('button[value=test]');
    await expect.poll(() => page.locator('.flash').first().textContent(), POLL).toMatch(/Mapped record/);
    await shoot(page, '14-mappings-tested');

    // The dashboard with its KPI cards and SVG charts, in French after switching language.
    await go(page, '/dashboard');
    expect(await page.locator('.kpi').count()).toBeGreaterThanOrEqual(8);
    expect(await page.locator('[data-chart=aging] svg').count()).toBe(1);
    expect(await page.locator('[data-chart=dso] svg').count()).toBe(1);
    await shoot(page, '15-dashboard');
    await page.click('.lang a:has-text("FR")');
    await expect.poll(() => page.locator('h1').textContent(), POLL).toBe('Tableau de bord');
    await shoot(page, '16-dashboard-fr');

    expect(problems).toEqual([]);
    await context.close();
  });
});
