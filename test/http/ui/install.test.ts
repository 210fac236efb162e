// Marketplace install: no account → provider consent → a company, synced, and a session locked to it; a reinstall reuses the company.
import { describe, expect, it } from 'vitest';
import { createSite as createUi } from '../../../src/http/app.js';
import { countDocuments } from '../../../src/store/documents.js';
import { useDatabase } from '../../support/db.js';
import { useQuickBooksSimulator } from '../../support/quickbooks.js';
import { Browser, seedTenant, uiDeps } from './helpers.js';

const sql = useDatabase();
const { sim } = useQuickBooksSimulator({ seed: 8, realmId: '9341455000000777', customers: 5, invoices: 20, creditNotes: 1, payments: 8, limits: { perSecond: Infinity, perMinute: Infinity } });
const app = createUi(uiDeps(sql, {}, { QUICKBOOKS_CLIENT_ID: sim.clientId, QUICKBOOKS_CLIENT_SECRET: sim.clientSecret, PUBLIC_URL: 'http://localhost' }));

async function install(browser: Browser) {
  const start = await browser.request('/install/quickbooks');
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get('location')!);
  expect(authorize.origin + authorize.pathname).toBe(sim.baseUrls.authorize);
  const callback = new URL(sim.oauth.authorize({ redirectUri: authorize.searchParams.get('redirect_uri')!, state: authorize.searchParams.get('state')!, scope: authorize.searchParams.get('scope')! }));
  return browser.request(`${callback.pathname}${callback.search}`);
}

describe('marketplace install', () => {
  it('creates the company, syncs it, and signs the installer in to that company only', async () => {
    const other = await seedTenant(sql, [], []);
    const installer = new Browser(app);
    const done = await install(installer);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/dashboard');
    const [row] = await sql<{ tenant_id: string; name: string }[]>`
      select c.tenant_id, t.name from connections c join tenants t on t.id = c.tenant_id
      where c.provider = 'quickbooks' and c.external_tenant_id = ${sim.realmId} and c.status = 'active'`;
    // Named as the books name it (CompanyInfo.CompanyName), never by the provider's company id.
    expect(row!.name).toBe('Relance Démo SAS');
    expect(await countDocuments(sql, row!.tenant_id, 'invoice')).toBe(20);
    const dashboard = await installer.request('/dashboard');
    expect(dashboard.status).toBe(200);

    // Locked to its company: other companies are neither listed nor reachable.
    const tenantsPage = await (await installer.request('/tenants')).text();
    expect(tenantsPage).not.toContain(other.tenant.name);
    expect(tenantsPage).not.toContain(sim.realmId);
    expect((await installer.post('/tenants/switch', { tenantId: other.tenant.id })).status).toBe(404);
    expect((await installer.post('/tenants', { name: 'Another' })).status).toBe(404);
    expect(await (await installer.request('/connections')).text()).not.toContain(other.tenant.name);

    // Reinstalling the same company lands in the same tenant, with fresh tokens, and leaves no provisional tenant.
    const again = await install(new Browser(app));
    expect(again.status).toBe(303);
    const tenants = await sql<{ tenant_id: string }[]>`select distinct tenant_id from connections where provider = 'quickbooks' and external_tenant_id = ${sim.realmId}`;
    expect(tenants.map((t) => t.tenant_id)).toEqual([row!.tenant_id]);
    const [provisional] = await sql<{ n: number }[]>`select count(*)::int as n from tenants where name = 'QuickBooks Online'`;
    expect(provisional!.n).toBe(0);
  });

  it('answers 404 for a provider whose app is not configured', async () => {
    expect((await new Browser(app).request('/install/xero')).status).toBe(404);
  });
});
