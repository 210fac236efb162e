// The insolvency watch as a user meets it (#27): the real `relance start`, a person in Chromium connects the Pennylane
// demo company from the page; the service syncs it, reads the simulated BODACC for the SIRENs the sync brought, and
// finds an opening judgment against one demo customer. The customers list shows the badge, the customer's page the
// notice, the claim-declaration deadline (publication + 2 months) and its task, the dashboard the customer under
// proceedings, and the preview says why its pre-judgment invoices get no reminder. In French and in English.
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDemoPort } from '../../src/demo/host.js';
import { claimDeadline } from '../../src/insolvency/effects.js';
import { serveRegister } from '../../src/simulator/company-register.js';
import { startCli, stopChild } from '../support/cli.js';
import { useIsolatedDatabase } from '../support/db.js';
import { freePort } from '../support/free-port.js';
import { SIZES, createCompanyFromPicker, launchChromium, shoot, signInServiceAdmin } from './harness.js';

const { sql, url } = useIsolatedDatabase();
const PASSWORD = 'a long enough password';
let service: ChildProcess | null = null;
let browser: Browser;
let closeRegister: (() => Promise<void>) | null = null;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  if (service) await stopChild(service, 'SIGKILL');
  await closeRegister?.();
});

async function until<T>(what: string, probe: () => Promise<T | null | undefined>, log: () => string, ms = 150_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await probe();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  throw new Error(`${what} did not happen within ${ms / 1000} s. Service output:\n${log().slice(-4000)}`);
}

describe('insolvency watch in the running service', () => {
  it('a demo customer under proceedings: badge, notice, deadline task, dashboard and preview, FR and EN', { timeout: 300_000 }, async () => {
    const port = await freePort();
    const demoPort = await freePort();
    const from = demoPort - defaultDemoPort('pennylane', 0);
    const register = await serveRegister([]);
    closeRegister = register.close;
    const env = { COMPANY_REGISTER_URL: register.simulator.base, DATABASE_URL: url, RELANCE_HOME: mkdtempSync(join(tmpdir(), 'relance-insolvency-')), PORT: String(port), RELANCE_ADMIN_PASSWORD: PASSWORD, DEMO_PORTS_FROM: String(from), LOG_LEVEL: 'info' };
    const started = await startCli(['start'], /listening on/, { env, timeoutMs: 120_000 });
    service = started.child;
    const base = `http://127.0.0.1:${port}`;

    const { context, page } = await signInServiceAdmin(browser, base, PASSWORD);
    await createCompanyFromPicker(page, 'Menuiserie Veille');
    await Promise.all([page.waitForURL(/\/connections\?msg=/, { timeout: 120_000 }), page.click('form[action="/connections/demo/pennylane"] button')]);

    // The sync brings customers with their SIRENs; the watch that follows it stores the simulated opening judgment.
    const notice = await until(
      'the opening notice',
      async () => (await sql<{ connection_id: string; customer_external_id: string; name: string; publication_date: string; judgment_date: string }[]>`
        select n.connection_id::text, n.customer_external_id, c.name, n.publication_date::text, n.judgment_date::text from insolvency_notices n
        join customers c on c.tenant_id = n.tenant_id and c.connection_id = n.connection_id and c.external_id = n.customer_external_id`)[0],
      () => started.output(),
    );
    // The job logs its figures once the notice is applied and its reminders are planned: the pauses are all there.
    await until('the watch to report its notice', async () => /"newNotices":[1-9][^\n]*insolvency watch finished/.test(started.output()), () => started.output());
    const held = (await sql<{ n: number }[]>`select count(*)::int as n from pauses where kind = 'insolvency' and state = 'active'`)[0]!.n;
    expect(held).toBeGreaterThan(0);
    const deadline = claimDeadline(notice.publication_date);
    const [task] = await sql<{ due_on: string }[]>`select due_on::text from tasks where kind = 'declare_claim'`;
    expect(task!.due_on).toBe(deadline);

    // Customers: the badge on the customer's row, and only there.
    await page.goto(`${base}/customers`);
    const row = page.locator(`tr[data-customer="${notice.name}"]`);
    await expect.poll(() => row.locator('[data-insolvent]').count()).toBe(1);
    expect(await row.locator('[data-insolvent]').innerText()).toBe('Procédure collective');
    expect(await page.locator('[data-insolvent]').count()).toBe(1);
    await shoot(page, 'insolvency-01-customers-fr');

    // The customer's page: the notice, the deadline, the held invoices and the task to declare the claim.
    await row.locator('a').first().click();
    const card = page.locator('.card[data-insolvency="opening"]');
    await card.waitFor();
    const text = await card.innerText();
    expect(text).toContain('Jugement d’ouverture');
    expect(text).toContain('TRIBUNAL DE COMMERCE DE LYON');
    expect(text).toContain('publié au BODACC');
    expect(text).toContain('Mandataire judiciaire : SELARL Mandataires Associés (simulé)');
    expect(await card.locator(`[data-claim-deadline="${deadline}"]`).count()).toBe(1);
    expect(text).toContain(`Relances arrêtées pour ${held} facture(s) antérieure(s) au jugement`);
    expect(await page.locator('[data-customer-tasks]').innerText()).toContain('Déclarer la créance');
    expect(await page.locator('.card').first().innerText()).toMatch(/mauvais payeur en procédure collective depuis le/);
    await shoot(page, 'insolvency-02-customer-fr');

    // The claim declaration, pre-filled, downloaded from the card with a retention-of-title clause and a guarantee.
    await card.locator('input[name=retention]').check();
    await card.locator('textarea[name=guarantees]').fill('Caution personnelle du gérant');
    const [download] = await Promise.all([page.waitForEvent('download'), card.locator('[data-declaration] button').click()]);
    const pdf = readFileSync((await download.path())!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const said = execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString().replace(/\s+/g, ' ');
    expect(said).toContain('Déclaration de créance Articles L622-24');
    expect(said).toContain(notice.name);
    expect(said).toContain('Caution personnelle du gérant');
    expect(said).toMatch(/\[X\] ?Réserve de propriété|\[X\][^[]*réserve de propriété/i);
    expect(said).toContain(deadline.split('-').reverse().join('/'));

    // The dashboard lists the customer under proceedings with its deadline.
    await page.goto(`${base}/dashboard`);
    const dash = page.locator('[data-under-proceedings="1"]');
    await dash.waitFor();
    expect(await dash.innerText()).toContain(notice.name);
    await shoot(page, 'insolvency-03-dashboard-fr');

    // The preview: no reminder for the pre-judgment invoices, each with its reason.
    await page.goto(`${base}/preview?connection=${notice.connection_id}`);
    const heldItems = page.locator('li[data-held="paused"]', { hasText: notice.name });
    await expect.poll(() => heldItems.count()).toBe(held);
    expect(await heldItems.first().innerText()).toContain('procédure collective ouverte le');
    const numbers = (await sql<{ number: string }[]>`select coalesce(i.number, i.external_id) as number from pauses p join invoices i on i.tenant_id = p.tenant_id and i.connection_id = p.connection_id and i.external_id = p.invoice_external_id where p.kind = 'insolvency'`).map((r) => r.number);
    expect(numbers).toHaveLength(held);
    const planned = await page.locator('tr[data-action]').allInnerTexts();
    expect(planned.filter((p) => p.includes(notice.name) && numbers.some((n) => p.includes(n)))).toEqual([]);
    await shoot(page, 'insolvency-04-preview-fr');

    // A customer the books give no SIREN: the person looks it up in the company register and confirms it, and the
    // running service's watch reads the publisher for it at once.
    const [bare] = await sql<{ external_id: string; name: string; postcode: string | null }[]>`
      select external_id, name, data->'address'->>'postalCode' as postcode from customers
      where connection_id = ${notice.connection_id} and reg_no is null and coalesce(data->'address'->>'country', 'FR') in ('FR', 'France') order by external_id limit 1`;
    expect(bare, 'the demo has a customer without a SIREN').toBeTruthy();
    register.simulator.state.companies.push(
      { siren: '443061841', name: bare!.name.toUpperCase(), postalCode: bare!.postcode ?? '69003', city: 'LYON', address: '8 cours Gambetta' },
      { siren: '552100554', name: `${bare!.name.toUpperCase()} HOLDING`, postalCode: '13001', city: 'MARSEILLE', address: '1 quai du Port' },
    );
    await page.goto(`${base}/customers/${notice.connection_id}/${encodeURIComponent(bare!.external_id)}`);
    expect(await page.locator('#reg-no').innerText()).toContain('Aucun SIREN pour ce client');
    await page.click('#reg-no a.button');
    const suggestion = page.locator('#reg-no li[data-number="443061841"]');
    await suggestion.waitFor();
    await shoot(page, 'insolvency-06-register-suggestions-fr');
    await Promise.all([page.waitForURL(/msg=regNoSaved/), suggestion.locator('button').click()]);
    expect(await page.locator('#reg-no').innerText()).toContain('SIREN 443 061 841, confirmé par admin@localhost');
    await until('the watch to read the confirmed SIREN', async () => (await sql`select 1 from insolvency_checks where reg_no = '443061841'`).length > 0, () => started.output());
    await shoot(page, 'insolvency-07-register-confirmed-fr');

    // The recovery file of a customer whose reminders failed: downloaded from its page, then handed over to a
    // commissaire de justice, which stops its reminders.
    const [late] = await sql<{ external_id: string; number: string }[]>`
      select i.customer_external_id as external_id, min(coalesce(i.number, i.external_id)) as number from invoices i
      where i.connection_id = ${notice.connection_id} and i.status in ('open', 'partially_paid') and i.amount_due > 0 and i.due_date < current_date
        and i.customer_external_id <> ${notice.customer_external_id}
      group by i.customer_external_id order by i.customer_external_id limit 1`;
    expect(late, 'the demo has a customer with overdue invoices').toBeTruthy();
    await page.goto(`${base}/customers/${notice.connection_id}/${encodeURIComponent(late!.external_id)}`);
    const recovery = page.locator('#recovery');
    await shoot(page, 'insolvency-08-recovery-fr');
    const [file] = await Promise.all([page.waitForEvent('download'), recovery.locator('[data-recovery-pdf]').click()]);
    const filePdf = readFileSync((await file.path())!);
    const fileText = execFileSync('pdftotext', ['-layout', '-', '-'], { input: filePdf }).toString().replace(/\s+/g, ' ');
    expect(fileText).toContain(late!.number);
    // The ZIP encloses each invoice as the books render it: read from the demo Pennylane through its public file link.
    const [zipped] = await Promise.all([page.waitForEvent('download'), recovery.locator('[data-recovery-zip]').click()]);
    const zip = unzipSync(new Uint8Array(readFileSync((await zipped.path())!)));
    const invoices = Object.keys(zip).filter((k) => k.startsWith('06-factures/'));
    expect(invoices.length).toBeGreaterThan(0);
    expect(invoices.filter((k) => k.endsWith('-copie.pdf')), 'no invoice left to a copy: the books gave every PDF').toEqual([]);
    const firstInvoice = execFileSync('pdftotext', ['-layout', '-', '-'], { input: zip[invoices.sort()[0]!]! }).toString();
    expect(firstInvoice).toMatch(/Facture \S+/);
    expect((await sql<{ n: number }[]>`select count(*)::int as n from invoice_documents where connection_id = ${notice.connection_id}`)[0]!.n).toBe(invoices.length);
    await recovery.locator('input[name=to]').fill('Cabinet Martin, commissaire de justice');
    await Promise.all([page.waitForURL(/msg=handedOff/), recovery.locator('[data-hand-off] button').click()]);
    expect(await page.locator('.flash, [role=status]').first().innerText()).toContain('Dossier remis');
    const holds = await sql<{ n: number }[]>`select count(*)::int as n from pauses where kind = 'hold' and state = 'active' and customer_external_id = ${late!.external_id}`;
    expect(holds[0]!.n).toBeGreaterThan(0);
    // The case is followed from the worklist: the order obtained is recorded there.
    await page.goto(`${base}/tasks?view=all`);
    const kase = page.locator('[data-cases] [data-case="sent"]');
    await kase.locator('select[name=state]').selectOption('order_obtained');
    await kase.locator('input[name=note]').fill('Ordonnance n° 26/1234');
    await Promise.all([page.waitForURL(/msg=caseUpdated/), kase.locator('button').click()]);
    expect(await page.locator('[data-case="order_obtained"]').innerText()).toContain('Ordonnance n° 26/1234');
    await shoot(page, 'insolvency-09-case-fr');

    // The same customer's page in English.
    const en = await browser.newContext({ viewport: SIZES.desktop, locale: 'en-GB', extraHTTPHeaders: { 'accept-language': 'en-GB,en;q=0.9' } });
    await en.addCookies(await context.cookies());
    const pageEn = await en.newPage();
    await pageEn.goto(`${base}/customers/${notice.connection_id}/${encodeURIComponent(notice.customer_external_id)}`);
    const cardEn = pageEn.locator('.card[data-insolvency="opening"]');
    await cardEn.waitFor();
    expect(await cardEn.innerText()).toMatch(/Opening judgment of .*published in the BODACC on/);
    expect(await cardEn.innerText()).toContain('Declare the claim to the mandataire by');
    await shoot(pageEn, 'insolvency-05-customer-en');
    await en.close();
    await context.close();
    expect(await stopChild(started.child)).toBe(0);
    service = null;
  });
});
