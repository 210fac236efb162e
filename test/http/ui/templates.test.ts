// The template editor: refuses templates that try to read files, saves valid ones for the company only, and resets to the shipped text.
import { describe, expect, it } from 'vitest';
import { shippedTemplate } from '../../../src/actions/index.js';
import { createSite as createUi } from '../../../src/http/app.js';
import { getTenantTemplate } from '../../../src/store/templates.js';
import { useDatabase } from '../../support/db.js';
import { Browser, seedTenant, uiDeps } from './helpers.js';

const sql = useDatabase();
const app = createUi(uiDeps(sql));
const ID = 'fr.reminder-1';

describe('template editor', () => {
  it('refuses a file include, saves a valid edit for this company only, and resets', async () => {
    const a = await seedTenant(sql, [], []);
    const b = await seedTenant(sql, [], []);
    const user = new Browser(app);
    await user.signIn(a.tenant.id);
    const shipped = shippedTemplate(ID, 'fr');

    const evil = await user.post(`/templates?id=${ID}`, { op: 'save', subject: 'Relance', body: "{% include '/etc/passwd' %}" });
    expect(evil.status).toBe(200);
    expect(await evil.text()).toMatch(/include/);
    expect(await getTenantTemplate(sql, a.tenant.id, ID, 'fr')).toBeNull();

    const subject = `[Acme] ${shipped.subject}`;
    const saved = await user.post(`/templates?id=${ID}`, { op: 'save', subject, body: shipped.body });
    expect(await saved.text()).toContain('Template saved');
    expect((await getTenantTemplate(sql, a.tenant.id, ID, 'fr'))!.subject).toBe(subject);
    expect(await getTenantTemplate(sql, b.tenant.id, ID, 'fr')).toBeNull();
    const page = await (await user.request(`/templates?id=${ID}`)).text();
    expect(page).toContain('Edited for this company');
    expect(page).toContain('[Acme]');

    const reset = await user.post(`/templates?id=${ID}`, { op: 'reset' });
    expect(await reset.text()).toContain('The shipped text applies again');
    expect(await getTenantTemplate(sql, a.tenant.id, ID, 'fr')).toBeNull();
  });
});
