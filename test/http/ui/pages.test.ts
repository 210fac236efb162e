// The settings pages through app.request() on a real PostgreSQL: sign-in, CSRF, tenant isolation, escaping, forms, language.
import { describe, expect, it } from 'vitest';
import { createSite as createUi } from '../../../src/http/app.js';
import { activePolicy } from '../../../src/store/policies.js';
import { listPauses, openPause } from '../../../src/store/pauses.js';
import { createSession, saveOAuthState } from '../../../src/store/auth.js';
import { useDatabase } from '../../support/db.js';
import { ADMIN, Browser, ORIGIN, customer, invoice, seedTenant, uiDeps } from './helpers.js';
import { delivered } from '../../actions/fixtures.js';
import { Invoice } from '../../../src/model/index.js';
import { runEvaluation } from '../../../src/collections/run.js';

const sql = useDatabase();
const app = createUi(uiDeps(sql));

describe('sign-in', () => {
  it('sends pages to the sign-in page and the API to 401 without credentials', async () => {
    const b = new Browser(app);
    const res = await b.request('/dashboard');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/signin?next=%2Fdashboard');
    expect((await b.request('/')).headers.get('location')).toBe('/signin');
    const api = await app.request('/api/v1/customers');
    expect(api.status).toBe(401);
    expect(api.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('refuses a wrong password and opens an HttpOnly SameSite=Lax session for the admin', async () => {
    const b = new Browser(app);
    const bad = await b.request('/signin', { form: { email: ADMIN.email, password: 'wrong password!' } });
    expect(bad.status).toBe(400);
    expect(b.cookies.has('relance_session')).toBe(false);
    const ok = await app.request('/signin', { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(ADMIN).toString() });
    expect(ok.status).toBe(303);
    const cookie = ok.headers.getSetCookie().find((c) => c.startsWith('relance_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    // The session id stored is a hash: the cookie value itself is nowhere in the table.
    const token = cookie.split(';')[0]!.split('=')[1]!;
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from sessions where id = ${token}`;
    expect(row!.n).toBe(0);
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    const secure = createUi(uiDeps(sql, {}, { PUBLIC_URL: 'https://relance.example.com' }));
    const res = await secure.request('/signin', { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(ADMIN).toString() });
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie().find((c) => c.startsWith('relance_session='))).toMatch(/Secure/);
  });

  it('signs out: the old cookie no longer opens pages', async () => {
    const t = await seedTenant(sql, [], []);
    const b = new Browser(app);
    await b.signIn(t.tenant.id);
    const cookie = b.cookies.get('relance_session')!;
    expect((await b.post('/signout')).status).toBe(303);
    const res = await app.request('/dashboard', { headers: { cookie: `relance_session=${cookie}` } });
    expect(res.status).toBe(302);
  });
});

describe('CSRF', () => {
  it('refuses a form without the session token, or from another origin, and accepts the page’s own', async () => {
    const t = await seedTenant(sql, [customer('c1')], [invoice('1', 'c1', '2026-11-10', '100.00')]);
    const b = new Browser(app);
    await b.signIn(t.tenant.id);
    const noToken = await b.request('/settings/tokens', { form: { name: 'x' } });
    expect(noToken.status).toBe(403);
    const wrongToken = await b.request('/settings/tokens', { form: { name: 'x', _csrf: 'forged' } });
    expect(wrongToken.status).toBe(403);
    const token = await b.csrf();
    const crossSite = await b.request('/settings/tokens', { form: { name: 'x', _csrf: token }, headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    const ok = await b.request('/settings/tokens', { form: { name: 'x', _csrf: token } });
    expect(ok.status).toBe(200);
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from api_tokens where tenant_id = ${t.tenant.id}`;
    expect(row!.n).toBe(1);
  });
});

describe('tenant isolation', () => {
  it('answers 404 for every id of another tenant, in pages and forms', async () => {
    const a = await seedTenant(sql, [customer('ca')], [invoice('1', 'ca', '2026-11-10', '100.00')]);
    const b = await seedTenant(sql, [customer('cb')], [invoice('2', 'cb', '2026-11-10', '100.00')]);
    const pause = await openPause(sql, a.tenant.id, a.connection.id, { kind: 'hold', reason: 'r', owner: 'o', startsOn: '2026-11-20', customerExternalId: 'ca', instalments: [] }, 'test');
    const user = new Browser(app);
    await user.signIn(b.tenant.id);
    expect((await user.request(`/customers/${a.connection.id}/ca`)).status).toBe(404);
    expect((await user.request(`/customers/${b.connection.id}/cb`)).status).toBe(200);
    expect((await user.request(`/preview?connection=${a.connection.id}`)).status).toBe(404);
    expect((await user.post(`/connections/${a.connection.id}/sync`)).status).toBe(404);
    expect((await user.post(`/connections/${a.connection.id}/disconnect`)).status).toBe(404);
    expect((await user.post(`/customers/${a.connection.id}/ca/pauses`, { kind: 'dispute', reason: 'x', owner: 'y', startsOn: '2026-11-24' })).status).toBe(404);
    expect((await user.post(`/customers/${a.connection.id}/ca/pauses/${pause.id}/resolve`)).status).toBe(404);
    // B's own customer path with A's pause id is not a way round either.
    expect((await user.post(`/customers/${b.connection.id}/cb/pauses/${pause.id}/resolve`)).status).toBe(404);
    expect((await listPauses(sql, a.tenant.id, { states: ['active'] })).map((p) => p.id)).toEqual([pause.id]);
    const [conn] = await sql<{ status: string }[]>`select status from connections where id = ${a.connection.id}`;
    expect(conn!.status).toBe('active');
  });

  it('shows only the current tenant’s customers', async () => {
    const a = await seedTenant(sql, [customer('ca', 'Alpha Seulement SARL')], []);
    const b = await seedTenant(sql, [customer('cb', 'Beta Seulement SAS')], []);
    const user = new Browser(app);
    await user.signIn(b.tenant.id);
    const html = await (await user.request('/customers')).text();
    expect(html).toContain('Beta Seulement SAS');
    expect(html).not.toContain('Alpha Seulement SARL');
    expect(a.tenant.id).not.toBe(b.tenant.id);
  });
});

describe('escaping', () => {
  it('renders an XSS payload in a customer name as text on every page that shows it', async () => {
    const payload = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'';
    const t = await seedTenant(sql, [customer('evil', payload)], [invoice('9', 'evil', '2026-11-10', '250.00')]);
    const user = new Browser(app);
    await user.signIn(t.tenant.id);
    for (const path of ['/customers', `/customers/${t.connection.id}/evil`, '/preview']) {
      const res = await user.request(path);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html, path).not.toContain('<script>alert(1)');
      expect(html, path).not.toContain('<img src=x');
      expect(html, path).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    }
    const res = await user.request('/customers');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});

describe('forms', () => {
  it('shows errors in the page’s language next to their field, refuses an unknown template, and saves a valid edit as a new version', async () => {
    const t = await seedTenant(sql, [customer('c1')], []);
    const user = new Browser(app, { 'accept-language': 'fr-FR' });
    await user.signIn(t.tenant.id);
    const base = policyForm(await (await user.request('/policy')).text());
    const bad = await user.post('/policy', { ...base, op: 'save', 's.1.days': 'dix', 's.3.templateId': 'fr.appel' });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    // In time order the step without a delay stays after the one it followed; its error is on its own block.
    expect(stepBlock(html, 1)).toContain('class="err">Le délai doit être un nombre de jours, par ex. 10<');
    expect(stepBlock(html, 3)).toContain('L’étape « Relance ferme chiffrée (pénalités + 40 €) » désigne un modèle qui n’existe pas : choisissez-en un dans la liste.');
    expect(visibleText(html)).not.toMatch(/Invalid input|expected number|fr\.appel/);
    expect(await activePolicy(sql, t.tenant.id)).toBeNull();

    const good = await user.post('/policy', { ...base, op: 'save', 's.1.days': '5' });
    expect(good.status).toBe(200);
    const stored = await activePolicy(sql, t.tenant.id);
    expect(stored?.version).toBe(1);
    expect((stored!.document as { steps: { id: string; offset: { days: number } }[] }).steps[1]).toMatchObject({ id: 'reminder-1', offset: { days: 5 } });
  });

  it('shows the policy in words: no raw value, no template or step id outside "Advanced"; edits the catch-up step, the daily cap, a deadline and waiting', async () => {
    const t = await seedTenant(sql, [customer('c1')], []);
    const user = new Browser(app, { 'accept-language': 'fr-FR' });
    await user.signIn(t.tenant.id);
    const page = await (await user.request('/policy')).text();
    // The shipped policy starts late invoices at the first reminder, shown by its name, not its id.
    expect(page).toMatch(/<option value="reminder-1" selected="">Relance 1<\/option>/);
    expect(page).toContain('Un message par client et par devise');
    expect(page).toContain('<option value="fr.mise-en-demeure" selected="">Mise en demeure</option>');
    expect(page).toContain('France (jours fériés français)');
    const text = visibleText(page);
    expect(text).not.toMatch(/\b(customer_currency|calendar|business|handoff|writeback|email|letter|due|previous)\b/);
    expect(text).not.toMatch(/fr\.[a-z]|reminder-1|formal-notice|JSON/);
    expect(text).toContain('J+30');
    expect(page).toMatch(/<details class="card advanced">/);
    const base = policyForm(page);
    // A formal notice cannot be where late invoices start.
    const bad = await user.post('/policy', { ...base, op: 'save', catchUp: 'formal-notice' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('Les factures déjà en retard ne peuvent pas commencer par un courrier, une mise en demeure ou une transmission');
    const ok = await user.post('/policy', { ...base, op: 'save', catchUp: 'reminder-2', dailyCap: '50', quietDays: '5', replyPauseDays: '3', 's.4.deadlineDays': '10', 's.3.requiresPrevious': 'yes' });
    expect(ok.status).toBe(200);
    const doc = (await activePolicy(sql, t.tenant.id))!.document as { catchUp: { startAt: string }; dailyCap: number; quietDays: number; replyPauseDays: number; steps: { id: string; deadlineDays?: number; requiresPrevious?: boolean }[] };
    expect(doc.catchUp).toEqual({ startAt: 'reminder-2' });
    expect(doc.dailyCap).toBe(50);
    expect(doc.quietDays).toBe(5);
    // How long a customer's reply pauses their reminders (#23).
    expect(doc.replyPauseDays).toBe(3);
    expect(doc.steps.find((s) => s.id === 'formal-notice')?.deadlineDays).toBe(10);
    expect(doc.steps.find((s) => s.id === 'firm')?.requiresPrevious).toBe(true);
    // Left to the channel, the flag is not written: a letter step waits by default.
    expect(doc.steps.find((s) => s.id === 'formal-notice')).not.toHaveProperty('requiresPrevious');
    const none = await user.post('/policy', { ...base, op: 'save', catchUp: '' });
    expect(none.status).toBe(200);
    expect((await activePolicy(sql, t.tenant.id))!.document).not.toHaveProperty('catchUp');
  });

  it('shows the same policy in English words to an English reader', async () => {
    const t = await seedTenant(sql, [customer('c1')], []);
    const user = new Browser(app, { 'accept-language': 'en-GB' });
    await user.signIn(t.tenant.id);
    const page = await (await user.request('/policy')).text();
    expect(page).toContain('<option value="fr.mise-en-demeure" selected="">Formal notice (France)</option>');
    expect(page).toContain('<option value="letter" selected="">Letter</option>');
    expect(page).toContain('<option value="before" selected="">before the due date</option>');
    expect(visibleText(page)).not.toMatch(/\b(customer_currency|handoff|writeback)\b|fr\.[a-z]|reminder-1|formal-notice|Échéance|Relance 1 \(|jours/);
    expect(visibleText(page)).toContain('D+30');
  });

  it('edits exceptions as rows: customers and invoices chosen by name and number, steps skipped by name', async () => {
    const t = await seedTenant(sql, [customer('c1', 'Atelier Dupont'), customer('c2', 'Boulangerie Martin')], [invoice('7', 'c2', '2026-11-10', '120.00')]);
    const user = new Browser(app, { 'accept-language': 'fr-FR' });
    await user.signIn(t.tenant.id);
    const base = policyForm(await (await user.request('/policy')).text());
    const withRows = await (await user.post('/policy', { ...(policyForm(await (await user.post('/policy', { ...base, op: 'add-co' })).text())), op: 'add-io' })).text();
    expect(withRows).toContain('<option value="c1">Atelier Dupont</option>');
    expect(withRows).toContain('<option value="7">F-7 · Boulangerie Martin</option>');
    expect(withRows).toMatch(/<input type="checkbox" id="io\.0\.skip\.reminder-2" name="io\.0\.skip\.reminder-2"\/> Relance 2/);
    const rows = policyForm(withRows);
    const missing = await user.post('/policy', { ...rows, op: 'save' });
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain('Choisissez le client.');
    const saved = await user.post('/policy', { ...rows, op: 'save', 'co.0.target': 'c1', 'co.0.disabled': 'on', 'io.0.target': '7', 'io.0.skip.reminder-2': 'on', 'io.0.delayDays': '5', 'io.0.minAmount': '100,50' });
    expect(saved.status).toBe(200);
    const doc = (await activePolicy(sql, t.tenant.id))!.document as { customerOverrides: unknown; invoiceOverrides: unknown };
    expect(doc.customerOverrides).toEqual({ c1: { disabled: true, skipSteps: [], delayDays: 0 } });
    expect(doc.invoiceOverrides).toEqual({ '7': { disabled: false, skipSteps: ['reminder-2'], delayDays: 5, minAmount: '100.50' } });
    // Shown again as rows, the amount written the French way.
    const again = await saved.text();
    expect(again).toContain('<option value="c1" selected="">Atelier Dupont</option>');
    expect(again).toContain('name="io.0.minAmount" value="100,50"');
  });

  it('adds a step at its place in time, deletes one, and saves steps in time order whatever order they are written in', async () => {
    const t = await seedTenant(sql, [customer('c1')], []);
    const user = new Browser(app, { 'accept-language': 'fr-FR' });
    await user.signIn(t.tenant.id);
    const base = policyForm(await (await user.request('/policy')).text());
    const badNew = await user.post('/policy', { ...base, op: 'add', 'new.days': '', 'new.when': 'after', 'new.templateId': 'fr.call-script' });
    expect(badNew.status).toBe(422);
    expect(await badNew.text()).toContain('Le délai doit être un nombre de jours, par ex. 10');
    const addedPage = await (await user.post('/policy', { ...base, op: 'add', 'new.days': '25', 'new.when': 'after', 'new.channel': 'call', 'new.templateId': 'fr.call-script' })).text();
    const added = policyForm(addedPage);
    expect(Array.from({ length: 7 }, (_, i) => [added[`s.${i}.days`], added[`s.${i}.when`]])).toEqual([
      ['3', 'before'], ['1', 'after'], ['8', 'after'], ['15', 'after'], ['25', 'after'], ['30', 'after'], ['45', 'after'],
    ]);
    expect([added['s.4.name'], added['s.4.channel'], added['s.4.templateId'], added['stepCount']]).toEqual(['Appel de relance', 'call', 'fr.call-script', '7']);
    expect(stepBlock(addedPage, 4)).toContain('J+25');
    const ids = (doc: unknown) => (doc as { steps: { id: string }[] }).steps.map((s) => s.id);
    expect((await user.post('/policy', { ...added, op: 'save' })).status).toBe(200);
    expect(ids((await activePolicy(sql, t.tenant.id))?.document)).toEqual(['courtesy', 'reminder-1', 'reminder-2', 'firm', 'call', 'formal-notice', 'handoff']);
    // A step appended after the hand-off (an older page) is saved at its place too.
    const appended = { ...base, op: 'save', stepCount: '7', 's.6.name': 'Appel', 's.6.days': '25', 's.6.when': 'after', 's.6.unit': 'calendar', 's.6.channel': 'call', 's.6.templateId': 'fr.call-script' };
    expect((await user.post('/policy', appended)).status).toBe(200);
    expect(ids((await activePolicy(sql, t.tenant.id))?.document)).toEqual(['courtesy', 'reminder-1', 'reminder-2', 'firm', 'call', 'formal-notice', 'handoff']);
    // Deleting asks first (in the browser), then takes the step off the form; the catch-up step forgets it.
    expect(stepBlock(addedPage, 1)).toContain('data-confirm="Supprimer l’étape « Relance 1 » ? Elle disparaît à l’enregistrement."');
    const removed = policyForm(await (await user.post('/policy', { ...base, op: 'remove:1' })).text());
    expect([removed['stepCount'], removed['s.1.name'], removed['catchUp']]).toEqual(['5', 'Relance 2', '']);
  });

  it('adds a dispute with validation, then resolves it', async () => {
    const t = await seedTenant(sql, [customer('c1')], [invoice('1', 'c1', '2026-11-10', '100.00')]);
    const user = new Browser(app);
    await user.signIn(t.tenant.id);
    const base = `/customers/${t.connection.id}/c1`;
    const invalid = await user.post(`${base}/pauses`, { kind: 'promise', invoiceExternalId: '1', reason: 'will pay', owner: 'me', startsOn: '2026-11-24', expiresOn: '' });
    expect(invalid.status).toBe(422);
    expect(await invalid.text()).toContain('A promise to pay needs the date promised (in “Ends on”).');
    const fr = new Browser(app, { 'accept-language': 'fr-FR' });
    await fr.signIn(t.tenant.id);
    const frInvalid = await (await fr.post(`${base}/pauses`, { kind: 'promise', invoiceExternalId: '1', reason: '', owner: 'moi', startsOn: '2026-11-24', expiresOn: '2026-11-30', amount: 'dix' })).text();
    expect(frInvalid).toContain('Indiquez le motif (les mots du client ou les vôtres).');
    expect(frInvalid).toContain('Saisissez un montant supérieur à zéro, par ex. 1250,00.');
    expect(frInvalid).not.toContain('must be a decimal string');
    const ok = await user.post(`${base}/pauses`, { kind: 'dispute', invoiceExternalId: '1', reason: 'wrong quantity', owner: 'me', startsOn: '2026-11-24', expiresOn: '' });
    expect(ok.status).toBe(303);
    const [p] = await listPauses(sql, t.tenant.id, { states: ['active'] });
    expect(p).toMatchObject({ kind: 'dispute', invoiceExternalId: '1', reason: 'wrong quantity', customerExternalId: 'c1' });
    expect((await user.post(`${base}/pauses/${p!.id}/resolve`)).status).toBe(303);
    expect(await listPauses(sql, t.tenant.id, { states: ['active'] })).toEqual([]);
  });

  it('a promise keeps its amount as typed in French, and the invoice row shows it with its date', async () => {
    const t = await seedTenant(sql, [customer('c1')], [invoice('1', 'c1', '2026-11-10', '1500.00')]);
    const fr = new Browser(app, { 'accept-language': 'fr-FR' });
    await fr.signIn(t.tenant.id);
    const base = `/customers/${t.connection.id}/c1`;
    const ok = await fr.post(`${base}/pauses`, { kind: 'promise', invoiceExternalId: '1', reason: 'appel du 24', owner: 'moi', startsOn: '2026-11-24', expiresOn: '2026-11-30', amount: '1 250,50' });
    expect(ok.status).toBe(303);
    const [p] = await listPauses(sql, t.tenant.id, { states: ['active'] });
    expect(p).toMatchObject({ kind: 'promise', amount: '1250.50', balanceAtOpen: '1500', expiresOn: '2026-11-30' });
    const page = await (await fr.request(base)).text();
    const row = page.slice(page.indexOf('data-invoice="1"'), page.indexOf('</tr>', page.indexOf('data-invoice="1"')));
    expect(row).toContain('data-paused="promise"');
    expect(row).toMatch(/1\u202f?\s?250,50\s?€ promis pour le 30 nov\. 2026/);
    expect(page).toContain('en cours');
  });
});

describe('activity', () => {
  it('a person cancels a planned action with a reason; without one the page says so in French', async () => {
    // The provider's invoice id (a number only a database knows) differs from the invoice's number.
    const t = await seedTenant(sql, [customer('c1')], [{ ...invoice('1', 'c1', '2026-11-10', '100.00'), externalId: '60129542186', number: 'F-2026-0417' }]);
    await runEvaluation(sql, t.tenant.id, t.connection.id, new Date('2026-11-24T10:00:00Z'));
    const [row] = await sql<{ id: string }[]>`select id::text from outbox where tenant_id = ${t.tenant.id} and state = 'planned'`;
    const fr = new Browser(app, { 'accept-language': 'fr-FR' });
    await fr.signIn(t.tenant.id);
    const page = await (await fr.request('/activity')).text();
    expect(page).toContain(`action="/activity/outbox/${row!.id}/cancel"`);
    const refused = await fr.post(`/activity/outbox/${row!.id}/cancel`, { note: '  ' });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('Indiquez pourquoi vous l’annulez');
    expect((await fr.post(`/activity/outbox/${row!.id}/cancel`, { note: 'réglé par chèque' })).status).toBe(303);
    const [after] = await sql<{ state: string }[]>`select state from outbox where id = ${row!.id}`;
    expect(after!.state).toBe('cancelled');
    const shown = await (await fr.request('/activity')).text();
    expect(shown).toMatch(/Annulée par [^:]+ : réglé par chèque/);
    expect(shown).toContain('F-2026-0417');
    expect(shown).not.toContain('60129542186');
    // Another tenant's user cannot cancel it: the row is not theirs (a second cancel of a cancelled row changes nothing either).
    const other = await seedTenant(sql, [customer('c9')], []);
    const intruder = new Browser(app);
    await intruder.signIn(other.tenant.id);
    const r = await intruder.post(`/activity/outbox/${row!.id}/cancel`, { note: 'x' });
    expect(r.headers.get('location')).toBe('/activity?msg=actionNotPlanned');
  });
});

describe('preview', () => {
  it('says what waits and why, in the reader’s language: a hand-off waiting for the formal notice’s deadline', async () => {
    const t = await seedTenant(sql, [customer('c1', 'Garage Leroy')], [invoice('1', 'c1', '2026-10-01', '900.00')]);
    await sql`update tenants set locale = 'fr' where id = ${t.tenant.id}`;
    await delivered(sql, { tenantId: t.tenant.id, connectionId: t.connection.id }, '1', { 'reminder-1': '2026-10-02', 'reminder-2': '2026-10-09', firm: '2026-10-16', 'formal-notice': '2026-11-20' });
    const fr = new Browser(app, { 'accept-language': 'fr-FR' });
    await fr.signIn(t.tenant.id);
    const page = await (await fr.request(`/preview?connection=${t.connection.id}`)).text();
    const held = page.slice(page.indexOf('<details class="held"'), page.indexOf('</details>', page.indexOf('<details class="held"')));
    expect(held).toContain('En attente (1)');
    expect(held).toContain('data-held="deadline"');
    expect(held).toContain('Garage Leroy');
    expect(held).toContain('F-1 · Agence ou injonction de payer : Mise en demeure (LRAR) envoyée le 20 nov. 2026 : son délai court jusqu’au 28 nov. 2026');
    const en = new Browser(app, { 'accept-language': 'en-GB' });
    await en.signIn(t.tenant.id);
    await en.request('/lang?to=en&back=/preview');
    const english = await (await en.request(`/preview?connection=${t.connection.id}`)).text();
    expect(english).toContain('Mise en demeure (LRAR) sent on 20 Nov 2026: its deadline runs to 28 Nov 2026');
  });
});

describe('customer invoices', () => {
  it('show the invoice status and the e-invoicing platform’s status, with its reason, in the reader’s language', async () => {
    const refused = Invoice.parse({ ...invoice('9', 'c1', '2026-11-10', '500.00'), eInvoicing: { status: 'refused', code: 210, reason: 'bon de commande manquant' } });
    const t = await seedTenant(sql, [customer('c1', 'Garage Leroy')], [refused, invoice('8', 'c1', '2026-12-30', '100.00')]);
    const fr = new Browser(app, { 'accept-language': 'fr-FR' });
    await fr.signIn(t.tenant.id);
    const html = await (await fr.request(`/customers/${t.connection.id}/c1`)).text();
    const row = (id: string) => html.slice(html.indexOf(`data-invoice="${id}"`), html.indexOf('</tr>', html.indexOf(`data-invoice="${id}"`)));
    expect(row('9')).toContain('ouverte · échu');
    expect(row('9')).toContain('Facture électronique : refusée (bon de commande manquant)');
    expect(row('9')).toContain('data-einvoicing="210"');
    expect(row('8')).toMatch(/>ouverte</);
    expect(row('8')).not.toContain('data-einvoicing');
  });
});

describe('activity', () => {
  it('names states, channels and steps in the reader’s language', async () => {
    const t = await seedTenant(sql, [customer('c1', 'Garage Leroy')], [invoice('1', 'c1', '2026-11-10', '900.00')]);
    await sql`update tenants set locale = 'fr' where id = ${t.tenant.id}`;
    const { runEvaluation } = await import('../../../src/collections/run.js');
    expect((await runEvaluation(sql, t.tenant.id, t.connection.id, new Date('2026-11-24T10:00:00Z'))).keys).toHaveLength(1);
    const fr = new Browser(app, { 'accept-language': 'fr-FR' });
    await fr.signIn(t.tenant.id);
    const html = await (await fr.request('/activity')).text();
    const row = html.slice(html.indexOf('<tr data-outbox='), html.indexOf('</tr>', html.indexOf('<tr data-outbox=')));
    expect(row).toContain('>prévue<');
    expect(row).toContain('>E-mail<');
    expect(row).toContain('Relance 1');
    expect(row).not.toMatch(/>(planned|email|reminder-1)</);
    expect(html).toMatch(/href="\/activity\?state=cancelled"[^>]*>\s*annulée\s*</);
  });
});

describe('language', () => {
  it('follows Accept-Language until a language is picked', async () => {
    const t = await seedTenant(sql, [], []);
    const fr = new Browser(app, { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' });
    await fr.signIn(t.tenant.id);
    const html = await (await fr.request('/connections')).text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Connecter la société de démonstration');
    await fr.request('/lang?to=en&back=/connections');
    const en = await (await fr.request('/connections')).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Connect the demo company');
    // No open redirect through the language switch.
    expect((await fr.request('/lang?to=fr&back=//evil.example')).headers.get('location')).toBe('/');
  });
});

describe('OAuth callback', () => {
  it('refuses an unknown or replayed state and a state of another session', async () => {
    const t = await seedTenant(sql, [], []);
    const user = new Browser(app);
    await user.signIn(t.tenant.id);
    expect((await user.request('/oauth/quickbooks/callback?code=x&state=unknown')).status).toBe(400);
    const other = await createSession(sql, ADMIN.email, 60_000, t.tenant.id);
    const state = await saveOAuthState(sql, { tenantId: t.tenant.id, sessionId: other.session.id, provider: 'quickbooks', connectionId: t.connection.id });
    expect((await user.request(`/oauth/quickbooks/callback?code=x&state=${state}`)).status).toBe(400);
    // Consumed by the refused attempt: a replay is refused too.
    expect((await user.request(`/oauth/quickbooks/callback?code=x&state=${state}`)).status).toBe(400);
  });
});

/** The form as the browser would post it: inputs (checked boxes only), the selected option of each select, textareas. */
function policyForm(page: string): Record<string, string> {
  const form: Record<string, string> = {};
  const html = page.slice(page.indexOf('<form method="post" action="/policy"'));
  for (const m of html.matchAll(/<input[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(m[0])?.[1];
    if (!name || name === '_csrf') continue;
    if (/type="checkbox"/.test(m[0])) {
      if (/\schecked/.test(m[0])) form[name] = 'on';
    } else form[name] = decode(/value="([^"]*)"/.exec(m[0])?.[1] ?? '');
  }
  for (const m of html.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const options = [...m[2]!.matchAll(/<option value="([^"]*)"( selected="")?/g)];
    form[m[1]!] = decode((options.find((o) => o[2]) ?? options[0])?.[1] ?? '');
  }
  for (const m of html.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) form[m[1]!] = decode(m[2]!);
  return form;
}

/** The HTML of step block `i` of the policy page. */
const stepBlock = (html: string, i: number) => html.slice(html.indexOf(`data-step="${i}"`), html.indexOf(`data-step="${i + 1}"`) > 0 ? html.indexOf(`data-step="${i + 1}"`) : undefined);

/** What a reader sees of the policy page: its text, without tags, attributes or the "Advanced" JSON box. */
const visibleText = (html: string) =>
  decode(html.slice(html.indexOf('<main')).replace(/<details class="(?:card )?advanced"[\s\S]*?<\/details>/g, '').replace(/<datalist[\s\S]*?<\/datalist>/g, '').replace(/<[^>]+>/g, ' '));

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

describe('mounting', () => {
  it('leaves the host app’s other routes alone, whatever the mount order', async () => {
    const { Hono } = await import('hono');
    const host = new Hono();
    host.route('/', createUi(uiDeps(sql)));
    host.post('/webhooks/quickbooks', (c) => c.text('ingested'));
    host.get('/health', (c) => c.json({ status: 'ok' }));
    const hook = await host.request('/webhooks/quickbooks', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(hook.status).toBe(200);
    expect(await hook.text()).toBe('ingested');
    expect((await host.request('/health')).status).toBe(200);
    expect((await host.request('/dashboard')).status).toBe(302);
  });
});

describe('templates page', () => {
  it('names templates by the step that uses them, never by id, and lists the variables to insert', async () => {
    const t = await seedTenant(sql, [customer('c1')], [invoice('1', 'c1', '2026-11-10', '100.00')]);
    await sql`update tenants set locale = 'fr' where id = ${t.tenant.id}`;
    const fr = new Browser(app, { 'accept-language': 'fr-FR' });
    await fr.signIn(t.tenant.id);
    const html = await (await fr.request('/templates?id=fr.reminder-1')).text();
    const picker = html.slice(html.indexOf('<select name="id"'), html.indexOf('</select>', html.indexOf('<select name="id"')));
    expect(picker).toContain('>Relance 1</option>');
    expect(picker).toContain('>Mise en demeure (LRAR)</option>');
    expect(picker).not.toMatch(/>(fr|en)\.[a-z-]+</);
    expect(html).toContain('data-insert="{{ portal.link }}"');
    expect(html).toContain('Lien du portail client');
  });
});
