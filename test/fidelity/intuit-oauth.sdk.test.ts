// Intuit's official OAuth 2.0 client (intuit-oauth) against our QuickBooks simulator on loopback: it authorizes, exchanges the code, refreshes, calls the API and revokes.
import OAuthClient from 'intuit-oauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulator as quickbooks, type QuickBooksSimulator } from '../../connectors/quickbooks/simulator/index.js';
import type { ServedSimulator } from '../../src/simulator/types.js';

describe('intuit-oauth against the QuickBooks simulator', () => {
  let served: ServedSimulator<QuickBooksSimulator>;
  let client: OAuthClient;
  // The client keeps its endpoints as static fields: put back what the next file expects.
  const production = { environment: { ...OAuthClient.environment }, authorize: OAuthClient.authorizeEndpoint, token: OAuthClient.tokenEndpoint, revoke: OAuthClient.revokeEndpoint };
  const redirectUri = 'http://127.0.0.1:8787/oauth/quickbooks/callback';

  beforeAll(async () => {
    served = await quickbooks.serve({ seed: 29, customers: 5, invoices: 10 });
    const urls = served.simulator.baseUrls;
    client = new OAuthClient({ clientId: served.simulator.clientId, clientSecret: served.simulator.clientSecret, environment: 'sandbox', redirectUri });
    // The client's documented override of Intuit's hosts.
    client.setAuthorizeURLs({ authorizeEndpoint: urls['authorize']!, tokenEndpoint: urls['token']!, revokeEndpoint: urls['revoke']!, userInfoEndpoint: `${urls['api']}/v1/openid_connect/userinfo` });
    OAuthClient.environment.sandbox = `${urls['api']}/`;
  });
  afterAll(async () => {
    Object.assign(OAuthClient.environment, production.environment);
    Object.assign(OAuthClient, { authorizeEndpoint: production.authorize, tokenEndpoint: production.token, revokeEndpoint: production.revoke });
    await served?.close();
  });

  it('authorizes, exchanges the code, refreshes, calls the API with the token, and revokes', async () => {
    const uri = client.authorizeUri({ scope: [OAuthClient.scopes.Accounting], state: 'state-42' });
    expect(uri.startsWith(served.simulator.baseUrls['authorize']!)).toBe(true);
    // What the browser does: the consent redirects to the app's callback.
    const consent = await fetch(uri, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const callback = consent.headers.get('location')!;
    expect(new URL(callback).searchParams.get('state')).toBe('state-42');

    const created = await client.createToken(callback);
    const token = created.getJson() as Record<string, unknown>;
    expect(token).toMatchObject({ token_type: 'bearer', access_token: expect.any(String), refresh_token: expect.any(String), expires_in: 3600, x_refresh_token_expires_in: expect.any(Number) });
    expect(client.getToken().realmId).toBe(served.simulator.externalTenantId);
    expect(client.isAccessTokenValid()).toBe(true);

    const refreshed = (await client.refresh()).getJson() as Record<string, unknown>;
    expect(refreshed['access_token']).not.toBe(token['access_token']);
    expect(client.getToken().access_token).toBe(refreshed['access_token']);

    const realm = served.simulator.externalTenantId;
    const info = await client.makeApiCall({ url: `v3/company/${realm}/companyinfo/${realm}?minorversion=75` });
    expect(info.json).toMatchObject({ CompanyInfo: { Id: expect.any(String) } });

    const revoked = await client.revoke({ refresh_token: String(refreshed['refresh_token']) });
    expect(revoked.status()).toBe(200);
    // A revoked grant refreshes no more.
    client.setToken({ ...refreshed, realmId: realm } as Parameters<OAuthClient['setToken']>[0]);
    await expect(client.refresh()).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
