// Connecting a real QuickBooks app from the Connections page: POST connect → provider consent → callback → tokens stored → synced.
import { describe, expect, it } from 'vitest';
import { createSite as createUi } from '../../../src/http/app.js';
import { countDocuments } from '../../../src/store/documents.js';
import { useDatabase } from '../../support/db.js';
import { useQuickBooksSimulator } from '../../support/quickbooks.js';
import { Browser, seedTenant, uiDeps } from './helpers.js';

const sql = useDatabase();
// The simulator answers on Intuit's own URLs (msw), as a configured real app would reach them.
const { sim } = useQuickBooksSimulator({ seed: 5, customers: 6, invoices: 30, creditNotes: 2, payments: 12, limits: { perSecond: Infinity, perMinute: Infinity } });

describe('OAuth connect with a configured app', () => {
  it('redirects to the provider with a single-use state, completes the callback and syncs', async () => {
    const app = createUi(uiDeps(sql, {}, { QUICKBOOKS_CLIENT_ID: sim.clientId, QUICKBOOKS_CLIENT_SECRET: sim.clientSecret, PUBLIC_URL: 'http://localhost' }));
    const t = await seedTenant(sql, [], []);
    const user = new Browser(app);
    await user.signIn(t.tenant.id);
    const page = await (await user.request('/connections')).text();
    expect(page).toContain('action="/oauth/quickbooks/connect"');

    const start = await user.post('/oauth/quickbooks/connect');
    expect(start.status).toBe(303);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.origin + authorize.pathname).toBe(sim.baseUrls.authorize);
    const state = authorize.searchParams.get('state')!;
    expect(authorize.searchParams.get('redirect_uri')).toBe('http://localhost/oauth/quickbooks/callback');
    const [pending] = await sql<{ status: string }[]>`select status from connections where tenant_id = ${t.tenant.id} and provider = 'quickbooks' and status = 'pending'`;
    expect(pending?.status).toBe('pending');

    // The user consents at the provider, which redirects the browser back to the callback.
    const callback = new URL(sim.oauth.authorize({ redirectUri: authorize.searchParams.get('redirect_uri')!, state, scope: authorize.searchParams.get('scope')! }));
    const done = await user.request(`${callback.pathname}${callback.search}`);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/connections?msg=connected');
    const [conn] = await sql<{ id: string; status: string; external_tenant_id: string; credentials: Buffer | null }[]>`
      select id, status, external_tenant_id, credentials from connections where tenant_id = ${t.tenant.id} and provider = 'quickbooks' and external_tenant_id is not null`;
    expect(conn).toMatchObject({ status: 'active', external_tenant_id: sim.realmId });
    expect(conn!.credentials!.length).toBeGreaterThan(32);
    expect(conn!.credentials!.toString('utf8')).not.toContain('"accessToken"');
    expect(await countDocuments(sql, t.tenant.id, 'invoice', conn!.id)).toBe(30);

    // The state was single-use: replaying the callback is refused.
    expect((await user.request(`${callback.pathname}${callback.search}`)).status).toBe(400);

    // Disconnecting erases the tokens.
    expect((await user.post(`/connections/${conn!.id}/disconnect`)).status).toBe(303);
    const [after] = await sql<{ status: string; credentials: Buffer | null }[]>`select status, credentials from connections where id = ${conn!.id}`;
    expect(after).toEqual({ status: 'disconnected', credentials: null });
  });
});
