// The sending switch on the settings pages (real PostgreSQL): the banner on preview, dashboard and connections, in both
// languages; the switch is a CSRF-protected form, tenant-scoped, recorded with the signed-in user.
import { describe, expect, it } from 'vitest';
import { runEvaluation } from '../../../src/collections/run.js';
import { createSite as createUi } from '../../../src/http/app.js';
import { listActivity } from '../../../src/store/activity.js';
import { getSending, sendingActionKey } from '../../../src/store/sending.js';
import { useDatabase } from '../../support/db.js';
import { ADMIN, Browser, customer, invoice, seedTenant, uiDeps } from './helpers.js';

const sql = useDatabase();
const woken: string[] = [];
const deps = uiDeps(sql, { wakeActions: async (tenantId) => void woken.push(tenantId) });
const app = createUi(deps);

const EN_BANNER = 'Sending is off — review the next 30 days, then turn it on';
const FR_BANNER = "L'envoi est désactivé — vérifiez les 30 prochains jours, puis activez-le";
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The banner's markup, and its visible text (tags and attributes dropped). */
function banner(html: string): { html: string; text: string } | null {
  const m = /<div class="flash warn sending"[\s\S]*?<\/div>\s*(?=<div class="(?!line)|<\/main>|<p class="hint" data-rates)/.exec(html);
  if (!m) return null;
  return { html: m[0], text: m[0].replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/\s+/g, ' ').trim() };
}

async function planned() {
  const t = await seedTenant(sql, [customer('c1', 'Dupont SA'), customer('c2', 'Martin SARL')], [invoice('1', 'c1', '2026-11-10', '300.00'), invoice('2', 'c2', '2026-11-20', '80.00')]);
  const run = await runEvaluation(sql, t.tenant.id, t.connection.id, deps.now!());
  expect(run.keys.length).toBeGreaterThan(0);
  return { ...t, planned: run.keys.length };
}

describe('the sending banner', () => {
  it('shows on preview (with the switch), dashboard and connections (leading to the preview) while sending is off', async () => {
    const t = await planned();
    const b = new Browser(app, { 'accept-language': 'en-GB' });
    await b.signIn(t.tenant.id);

    const preview = await (await b.request(`/preview?connection=${t.connection.id}`)).text();
    const p = banner(preview);
    expect(p?.text).toContain(EN_BANNER);
    expect(p?.text).toContain('no email, no letter, no task, no note in your accounting software');
    expect(p?.text).toMatch(/QuickBooks Online · \d+ actions? waiting · \d+ due now/);
    expect(p!.html).toContain(`action="/connections/${t.connection.id}/sending"`);
    expect(p!.html).toMatch(/name="_csrf" value="[^"]+"/);
    expect(p!.html).toContain('name="enabled" value="on"');
    expect(p!.html).toContain('Turn sending on');

    for (const path of ['/dashboard', '/connections']) {
      const page = banner(await (await b.request(path)).text());
      expect(page?.text, path).toContain(EN_BANNER);
      expect(page!.html, path).toContain(`href="/preview?connection=${t.connection.id}"`);
      expect(page!.text, path).toContain('Review the next 30 days');
    }
    expect(await (await b.request('/connections')).text()).toMatch(/data-sending-state="off"[^>]*>\s*<span class="badge warn">Off<\/span>/);
  });

  it('speaks French with no English word and no id in what it shows', async () => {
    const t = await planned();
    const b = new Browser(app, { 'accept-language': 'fr-FR' });
    await b.signIn(t.tenant.id);
    for (const path of [`/preview?connection=${t.connection.id}`, '/dashboard', '/connections']) {
      const page = banner(await (await b.request(path)).text());
      expect(page?.text, path).toContain(FR_BANNER);
      expect(page!.text, path).not.toMatch(UUID);
      expect(page!.text, path).not.toMatch(/\b(Sending|review|turn|the|actions waiting|due now|email|letter|Alerts)\b/);
    }
    const preview = banner(await (await b.request(`/preview?connection=${t.connection.id}`)).text())!;
    expect(preview.text).toMatch(/QuickBooks Online · \d+ actions? en attente · \d+ à envoyer dès l’activation Activer l’envoi$/);
  });
});

describe('the switch', () => {
  it('needs the form token, turns sending on as the signed-in user, wakes the workers, and turns it off again', async () => {
    const t = await planned();
    const b = new Browser(app, { 'accept-language': 'en-GB' });
    await b.signIn(t.tenant.id);
    const refused = await b.request(`/connections/${t.connection.id}/sending`, { form: { enabled: 'on' } });
    expect(refused.status).toBe(403);
    expect((await getSending(sql, t.tenant.id, t.connection.id))!.enabled).toBe(false);

    const back = `/preview?connection=${t.connection.id}`;
    const on = await b.post(`/connections/${t.connection.id}/sending`, { enabled: 'on', back });
    expect(on.status).toBe(303);
    expect(on.headers.get('location')).toBe(`${back}&msg=sendingTurnedOn`);
    expect(await getSending(sql, t.tenant.id, t.connection.id)).toMatchObject({ enabled: true, changedBy: ADMIN.email });
    expect(woken.filter((x) => x === t.tenant.id)).toHaveLength(1);

    const after = await (await b.request(on.headers.get('location')!)).text();
    expect(banner(after)).toBeNull();
    expect(after).toContain('Sending is on: the actions that are due go out now.');
    expect(after).toMatch(/data-sending="on"[\s\S]*Sending is on since [^<]+ by admin@example\.com[\s\S]*Turn sending off/);
    expect(banner(await (await b.request('/dashboard')).text())).toBeNull();
    expect(await (await b.request('/connections')).text()).toMatch(/data-sending-state="on"[^>]*>\s*<span class="badge ok">On<\/span>/);

    // Off again from the connections page; an outside `back` is not followed.
    const off = await b.post(`/connections/${t.connection.id}/sending`, { enabled: 'off', back: 'https://elsewhere.example/' });
    expect(off.headers.get('location')).toBe('/connections?msg=sendingTurnedOff');
    expect((await getSending(sql, t.tenant.id, t.connection.id))!.enabled).toBe(false);
    expect(woken.filter((x) => x === t.tenant.id)).toHaveLength(1);

    const log = await listActivity(sql, t.tenant.id, { actionKey: sendingActionKey(t.connection.id) });
    expect(log.map((a) => [a.kind, a.actor, (a.proof as { via: string }).via])).toEqual([
      ['sending_off', ADMIN.email, 'settings'],
      ['sending_on', ADMIN.email, 'settings'],
    ]);
    // The activity page names the change and who made it, in the reader's language.
    const fr = new Browser(app, { 'accept-language': 'fr-FR' });
    await fr.signIn(t.tenant.id);
    const activity = await (await fr.request('/activity')).text();
    expect(activity).toContain('envoi désactivé');
    expect(activity).toContain(`par ${ADMIN.email}`);
  });

  it('answers 404 for another tenant’s connection and changes nothing there', async () => {
    const mine = await planned();
    const other = await planned();
    const b = new Browser(app);
    await b.signIn(mine.tenant.id);
    expect((await b.post(`/connections/${other.connection.id}/sending`, { enabled: 'on' })).status).toBe(404);
    expect((await b.post('/connections/not-an-id/sending', { enabled: 'on' })).status).toBe(404);
    expect((await getSending(sql, other.tenant.id, other.connection.id))!.enabled).toBe(false);
    expect(await listActivity(sql, other.tenant.id)).toEqual([]);
  });
});
