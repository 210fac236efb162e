// The policy editor in Debian's Chromium, in French, at 1280 and 390 px: the shipped French policy rebuilt from an empty one by
// choosing from lists (no id, no JSON typed), a new step landing at its place in time, and validation that speaks French.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRENCH_B2B_POLICY } from '../../src/rules/default-policies.js';
import { parsePolicy } from '../../src/rules/policy.js';
import { activePolicy } from '../../src/store/policies.js';
import { createTenant } from '../../src/store/tenants.js';
import { useDatabase } from '../support/db.js';
import { SIZES, shoot, signInAndCreateCompany, startWalk, type Walk } from './harness.js';

const sql = useDatabase();
let walk: Walk;
let browser: Browser;
let base = '';
const created: string[] = [];
const COMPANY = 'Scénario Lumière SAS';

beforeAll(async () => {
  // Two neighbours make sure sign-in lands on the company picker (see settings.test.ts).
  for (const name of ['Policy walk neighbour A', 'Policy walk neighbour B']) created.push((await createTenant(sql, { name })).id);
  walk = await startWalk();
  ({ base, browser } = walk);
});

afterAll(async () => {
  if (created.length) await sql`delete from tenants where id = any(${created})`;
  await walk?.close();
});

/** Clicks a submit button of the policy form and waits for the page the POST answers with. */
async function submit(page: Page, button: Locator): Promise<void> {
  await Promise.all([page.waitForResponse((r) => r.url() === `${base}/policy` && r.request().method() === 'POST'), button.click()]);
  await page.waitForLoadState('load');
}

/** The step names down the timeline, as shown. */
const names = (page: Page) => page.locator('.timeline li[data-step] .head strong').allTextContents();
const field = (page: Page, id: string) => page.locator(`[id="${id}"]`);

/** Fills the "add a step" panel by choosing from its lists, then adds the step. */
async function addStep(page: Page, step: { days: number; when: 'avant l’échéance' | 'après l’échéance'; channel: string; template: string; name?: string }): Promise<void> {
  if (step.name) await field(page, 'new.name').fill(step.name);
  await field(page, 'new.days').fill(String(step.days));
  await field(page, 'new.when').selectOption({ label: step.when });
  await field(page, 'new.channel').selectOption({ label: step.channel });
  await field(page, 'new.templateId').selectOption({ label: step.template });
  await submit(page, page.locator('button[value=add]'));
}

/** Opens a step's folded section (conditions, more options) when it is closed. */
async function open(page: Page, step: number, summary: string): Promise<void> {
  const details = page.locator(`li[data-step="${step}"] details`, { has: page.locator(`summary:text-is("${summary}")`) });
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
}

describe('the policy editor in Chromium', () => {
  it('rebuilds the French policy from an empty one, places a new step by its delay, and says errors in French', { timeout: 180_000 }, async () => {
    const context = await browser.newContext({ viewport: SIZES.desktop, locale: 'fr-FR', extraHTTPHeaders: { 'accept-language': 'fr-FR,fr;q=0.9' } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && !m.text().includes('422 (Unprocessable Entity)') && problems.push(m.text()));
    let confirmAnswer = true;
    const confirms: string[] = [];
    page.on('dialog', (d) => {
      confirms.push(d.message());
      void (confirmAnswer ? d.accept() : d.dismiss());
    });

    await page.goto(`${base}/`);
    await signInAndCreateCompany(page, COMPANY);
    const [tenant] = await sql<{ id: string }[]>`select id from tenants where name = ${COMPANY} order by created_at desc limit 1`;
    created.push(tenant!.id);
    await Promise.all([page.waitForURL((u) => u.pathname === '/policy'), page.click('nav.nav a[href="/policy"]')]);
    expect(await page.locator('h1').textContent()).toBe('Scénario');
    expect(await names(page)).toEqual(FRENCH_B2B_POLICY.steps.map((s) => s.name));
    // Templates and channels are chosen from lists, named in words.
    expect(await field(page, 's.4.templateId').locator('option:checked').textContent()).toBe('Mise en demeure');
    expect(await field(page, 's.4.channel').locator('option:checked').textContent()).toBe('Courrier');
    await shoot(page, '20-policy-editor');

    // Deleting asks first: dismissed, nothing happens; accepted, the step goes.
    confirmAnswer = false;
    await page.locator('li[data-step="0"] button[value="remove:0"]').click();
    expect(confirms).toEqual(['Supprimer l’étape « Rappel de courtoisie » ? Elle disparaît à l’enregistrement.']);
    expect(await page.locator('li[data-step]').count()).toBe(6);
    confirmAnswer = true;
    while ((await page.locator('li[data-step]').count()) > 0) await submit(page, page.locator('li[data-step="0"] button[value="remove:0"]'));
    expect(confirms).toHaveLength(7);

    // A delay left empty (or words typed into it) is refused in French, on the panel.
    await field(page, 'new.days').pressSequentially('dix');
    await field(page, 'new.templateId').selectOption({ label: 'Relance 1' });
    await submit(page, page.locator('button[value=add]'));
    expect(await page.locator('#add-step .err').textContent()).toBe('Le délai doit être un nombre de jours, par ex. 10');

    // The six steps, added in a muddled order: each lands at its place in time.
    await addStep(page, { days: 30, when: 'après l’échéance', channel: 'Courrier', template: 'Mise en demeure', name: 'Mise en demeure (LRAR)' });
    // Alone, a formal notice would be the customer's first message: the page warns before any save.
    expect(await page.locator('li[data-step="0"] .flash.warn').textContent()).toBe('« Mise en demeure (LRAR) » arrive sans relance préalable : ajoutez une relance avant elle, l’escalade doit rester progressive.');
    await addStep(page, { days: 1, when: 'après l’échéance', channel: 'E-mail', template: 'Relance 1' });
    await addStep(page, { days: 45, when: 'après l’échéance', channel: 'Transmission', template: 'Transmission : injonction de payer ou agence', name: 'Agence ou injonction de payer' });
    await addStep(page, { days: 3, when: 'avant l’échéance', channel: 'E-mail', template: 'Rappel avant échéance', name: 'Rappel de courtoisie' });
    await addStep(page, { days: 15, when: 'après l’échéance', channel: 'E-mail', template: 'Relance ferme avec pénalités', name: 'Relance ferme chiffrée (pénalités + 40 €)' });
    await addStep(page, { days: 8, when: 'après l’échéance', channel: 'E-mail', template: 'Relance 2' });
    expect(await names(page)).toEqual(FRENCH_B2B_POLICY.steps.map((s) => s.name));
    expect(await page.locator('.flash.warn').count()).toBe(0);
    expect(await page.locator('.timeline li .mark').allTextContents()).toEqual(['J−3', 'J', 'J+1', 'J+8', 'J+15', 'J+30', 'J+45']);

    // The rest by ticking and typing numbers and amounts, as the page shows them.
    await page.locator('#p-catchup').selectOption({ label: 'Relance 1' });
    await open(page, 0, 'Plus d’options');
    await field(page, 's.0.graceDays').fill('2');
    await open(page, 3, 'Plus d’options');
    await field(page, 's.3.includePenalties').check();
    for (const i of [4, 5]) {
      await open(page, i, 'Conditions');
      await field(page, `s.${i}.minAmount`).fill('50,00');
      await open(page, i, 'Plus d’options');
      await field(page, `s.${i}.forInstalments`).uncheck();
    }
    await field(page, 's.4.deadlineDays').fill('8');
    await submit(page, page.locator('.save-bar button[value=save]'));
    expect(await page.locator('.flash.ok').textContent()).toBe('Scénario enregistré en version 1.');
    const saved = parsePolicy((await activePolicy(sql, tenant!.id))!.document);
    expect(saved).toEqual({ ...FRENCH_B2B_POLICY, version: 1 });
    await shoot(page, '21-policy-editor-rebuilt');

    // A call 25 days after the due date lands between the firm reminder and the formal notice.
    await addStep(page, { days: 25, when: 'après l’échéance', channel: 'Appel', template: 'Appel de relance' });
    expect(await names(page)).toEqual(['Rappel de courtoisie', 'Relance 1', 'Relance 2', 'Relance ferme chiffrée (pénalités + 40 €)', 'Appel de relance', 'Mise en demeure (LRAR)', 'Agence ou injonction de payer']);
    expect(await page.locator('li[data-step="4"] .mark').textContent()).toBe('J+25');
    await shoot(page, '22-policy-editor-step-added');

    // Moving a step is changing its delay: the second reminder at 20 days moves after the firm reminder on save.
    await field(page, 's.2.days').fill('20');
    await submit(page, page.locator('.save-bar button[value=save]'));
    expect(await names(page)).toEqual(['Rappel de courtoisie', 'Relance 1', 'Relance ferme chiffrée (pénalités + 40 €)', 'Relance 2', 'Appel de relance', 'Mise en demeure (LRAR)', 'Agence ou injonction de payer']);
    expect(parsePolicy((await activePolicy(sql, tenant!.id))!.document).steps.map((s) => s.id)).toEqual(['courtesy', 'reminder-1', 'firm', 'reminder-2', 'call', 'formal-notice', 'handoff']);

    // On a phone: words typed into a delay are refused in French, next to the field and at the top.
    await page.setViewportSize(SIZES.phone);
    await field(page, 's.1.days').fill('');
    await field(page, 's.1.days').pressSequentially('dix');
    await submit(page, page.locator('.save-bar button[value=save]'));
    expect(await page.locator('li[data-step="1"] .err').first().textContent()).toBe('Le délai doit être un nombre de jours, par ex. 10');
    expect(await page.locator('.flash.bad').textContent()).toContain('Le scénario n’a pas été enregistré');
    // Nothing wider than the phone's screen.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(SIZES.phone.width);
    await page.setViewportSize(SIZES.desktop);
    await shoot(page, '23-policy-editor-invalid');
    expect(parsePolicy((await activePolicy(sql, tenant!.id))!.document).version).toBe(2);

    expect(problems).toEqual([]);
    await context.close();
  });
});
