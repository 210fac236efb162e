// The sending switch in Debian's Chromium (playwright-core): a new demo company shows "sending is off" on connections,
// dashboard and preview, in English and French, on a desktop and a phone; the switch beside the preview turns it on.
// Screenshots go to test-artifacts/screenshots/sending-*.png.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listActivity } from '../../src/store/activity.js';
import { getSending, sendingActionKey } from '../../src/store/sending.js';
import { createTenant } from '../../src/store/tenants.js';
import { useDatabase } from '../support/db.js';
import { ADMIN, SIZES, shoot as shootAs, signInAndCreateCompany, startWalk, type Walk } from './harness.js';

const sql = useDatabase();
const EN_BANNER = 'Sending is off — review the next 30 days, then turn it on';
const FR_BANNER = "L'envoi est désactivé — vérifiez les 30 prochains jours, puis activez-le";
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** English words our own French text must never contain (customer names from the demo data are not ours to translate). */
const ENGLISH = /\b(sending|send|turn|on|off|review|next|days|then|waiting|due|now|email|letter|task|step|past|before|today|alerts?|the|and|of|by|since|call|reliable|watch|bad)\b/i;

let walk: Walk;
let browser: Browser;
let base = '';
const created: string[] = [];
const POLL = { timeout: 15_000 };

beforeAll(async () => {
  // Two neighbours so sign-in lands on the company picker whatever other files have created.
  for (const name of ['Sending walk neighbour A', 'Sending walk neighbour B']) created.push((await createTenant(sql, { name })).id);
  walk = await startWalk({ DEMO_INVOICES: '40' });
  ({ base, browser } = walk);
});

afterAll(async () => {
  if (created.length) await sql`delete from tenants where id = any(${created})`;
  await walk?.close();
});

/** Screenshots named `sending-*`. */
const shoot = (page: Page, name: string) => shootAs(page, `sending-${name}`);

/** On a phone: nothing wider than the screen, and the element fully on it. */
async function fitsPhone(page: Page, selector: string): Promise<void> {
  await page.setViewportSize(SIZES.phone);
  expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(SIZES.phone.width);
  const box = await page.locator(selector).first().boundingBox();
  expect(box, selector).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(SIZES.phone.width);
  await page.setViewportSize(SIZES.desktop);
}

const bannerText = async (page: Page) => ((await page.locator('[data-sending="off"]').innerText()) ?? '').replace(/\s+/g, ' ').trim();

describe('the sending switch in Chromium', () => {
  it('shows the banner in English and French on desktop and phone, then turns sending on beside the preview', { timeout: 240_000 }, async () => {
    const context = await browser.newContext({ viewport: SIZES.desktop, locale: 'en-GB', extraHTTPHeaders: { 'accept-language': 'en-GB,en;q=0.9' } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    const dialogs: string[] = [];
    page.on('dialog', (d) => void (dialogs.push(d.message()), d.accept()));

    await page.goto(`${base}/signin`);
    await signInAndCreateCompany(page, 'Fromagerie Sending Walk');
    const [tenant] = await sql<{ id: string }[]>`select id from tenants where name = 'Fromagerie Sending Walk' order by created_at desc limit 1`;
    created.push(tenant!.id);
    // No company yet: no banner.
    expect(await page.locator('[data-sending="off"]').count()).toBe(0);

    // A new demo company: synced and planned inline, sending off.
    await page.click('form[action="/connections/demo/quickbooks"] button');
    await page.waitForURL(/\/connections\?msg=syncDone/, { timeout: 120_000 });
    const [connection] = await sql<{ id: string }[]>`select id from connections where tenant_id = ${tenant!.id}`;
    expect((await getSending(sql, tenant!.id, connection!.id))!.enabled).toBe(false);
    const [planned] = await sql<{ n: number }[]>`select count(*)::int as n from outbox where tenant_id = ${tenant!.id} and state = 'planned' and kind <> 'alert'`;
    expect(planned!.n).toBeGreaterThan(0);
    expect(await sql`select 1 from outbox where tenant_id = ${tenant!.id} and kind <> 'alert' and state <> 'planned'`).toHaveLength(0);

    expect(await bannerText(page)).toContain(EN_BANNER);
    expect(await bannerText(page)).toContain(`QuickBooks Online · ${planned!.n} ${planned!.n === 1 ? 'action' : 'actions'} waiting`);
    await fitsPhone(page, '[data-sending="off"] a.button');
    expect(await page.locator('td[data-sending-state="off"]').innerText()).toBe('Off');
    await shoot(page, '01-connections-en');

    await page.goto(`${base}/dashboard`);
    expect(await bannerText(page)).toContain(EN_BANNER);
    await shoot(page, '02-dashboard-en');

    // The banner leads to the preview, where the switch is.
    await Promise.all([page.waitForURL(/\/preview\?connection=/), page.click('[data-sending="off"] a.button')]);
    expect(await bannerText(page)).toContain(EN_BANNER);
    const onButton = page.locator('[data-sending="off"] form[data-sending-switch="off"] button');
    expect(await onButton.innerText()).toBe('Turn sending on');
    expect(await page.locator('[data-day]').count()).toBeGreaterThan(0);
    await fitsPhone(page, '[data-sending="off"] form[data-sending-switch="off"] button');
    await shoot(page, '03-preview-en');

    // French: the same pages in French words only, with no id on show.
    await page.click('.lang a:has-text("FR")');
    await expect.poll(() => page.locator('h1').textContent(), POLL).toBe('30 prochains jours');
    const fr = await bannerText(page);
    expect(fr).toContain(FR_BANNER);
    expect(fr).toContain(`QuickBooks Online · ${planned!.n} ${planned!.n === 1 ? 'action' : 'actions'} en attente`);
    expect(fr.replace('QuickBooks Online', '')).not.toMatch(ENGLISH);
    expect(fr).not.toMatch(UUID);
    // What the preview itself writes (step, channel, why) is French too; the engine's English detail stays folded.
    const cells = await page.locator('tr[data-action] td[data-label="Étape"], tr[data-action] td[data-label="Canal"], tr[data-action] td.why').allInnerTexts();
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.filter((c) => ENGLISH.test(c))).toEqual([]);
    expect(await page.locator('main').innerText()).not.toMatch(UUID);
    await fitsPhone(page, '[data-sending="off"] form[data-sending-switch="off"] button');
    await shoot(page, '04-preview-fr');

    await page.goto(`${base}/dashboard`);
    expect(await bannerText(page)).toContain(FR_BANNER);
    expect(await page.locator('main').innerText()).not.toMatch(UUID);
    await shoot(page, '05-dashboard-fr');
    await page.goto(`${base}/connections`);
    expect(await bannerText(page)).toContain(FR_BANNER);
    expect(await page.locator('td[data-sending-state="off"]').innerText()).toBe('Désactivé');
    expect(await page.locator('main').innerText()).not.toMatch(/\b(demo|pending|disconnected)\b/);
    await fitsPhone(page, '[data-sending="off"] a.button');
    await fitsPhone(page, 'td[data-sending-state="off"] + td form[data-sending-switch] button');
    await shoot(page, '06-connections-fr');

    // Turn it on from the preview (a confirmation first), as a person reviewing would.
    await page.goto(`${base}/preview?connection=${connection!.id}`);
    await Promise.all([page.waitForURL(/msg=sendingTurnedOn/), page.click('[data-sending="off"] form[data-sending-switch="off"] button')]);
    expect(dialogs).toEqual(['Commencer maintenant l’envoi des relances prévues à vos clients ?']);
    expect(await page.locator('.flash.ok').innerText()).toBe('L’envoi est activé : les actions dues partent maintenant.');
    expect(await page.locator('[data-sending="off"]').count()).toBe(0);
    expect(await page.locator('[data-sending="on"]').innerText()).toMatch(/^L’envoi est activé depuis le .+ par admin@example\.com\s+Désactiver l’envoi$/);
    await fitsPhone(page, '[data-sending="on"] button');
    await shoot(page, '07-preview-on-fr');
    expect((await getSending(sql, tenant!.id, connection!.id))!).toMatchObject({ enabled: true, changedBy: ADMIN.email });
    expect((await listActivity(sql, tenant!.id, { actionKey: sendingActionKey(connection!.id) })).map((a) => [a.kind, a.actor])).toEqual([['sending_on', ADMIN.email]]);

    await page.goto(`${base}/dashboard`);
    expect(await page.locator('[data-sending="off"]').count()).toBe(0);

    expect(problems).toEqual([]);
    await context.close();
  });
});
