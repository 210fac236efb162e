// startSimulatorServer: the QuickBooks simulator on a real loopback port, every host behind one origin.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSimulatorServer } from './index.js';
import type { Json } from './test-helpers.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('QuickBooks simulator server', () => {
  it('serves OAuth and the data API on one port', async () => {
    const served = await startSimulatorServer({ port: 0, customers: 5, invoices: 30, clock: () => new Date('2026-07-15T10:00:00Z') });
    close = served.close;
    const { simulator: sim, url } = served;
    expect(sim.baseUrls.api).toBe(`${url}/api`);
    const authorize = new URL(sim.baseUrls.authorize);
    authorize.search = new URLSearchParams({
      client_id: DEFAULT_CLIENT_ID,
      response_type: 'code',
      scope: 'com.intuit.quickbooks.accounting',
      redirect_uri: 'http://127.0.0.1:9/callback',
      state: 'demo',
    }).toString();
    const redirect = await fetch(authorize, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const tokenRes = await fetch(sim.baseUrls.token, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${DEFAULT_CLIENT_ID}:${DEFAULT_CLIENT_SECRET}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:9/callback' }).toString(),
    });
    expect(tokenRes.status).toBe(200);
    const tokens = (await tokenRes.json()) as Json;
    const query = encodeURIComponent('SELECT * FROM Invoice ORDERBY Id MAXRESULTS 1000');
    const res = await fetch(`${sim.baseUrls.api}/v3/company/${sim.realmId}/query?query=${query}&minorversion=75`, {
      headers: { authorization: `Bearer ${String(tokens.access_token)}`, accept: 'application/json' },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { QueryResponse: { Invoice: Json[] } };
    expect(body.QueryResponse.Invoice.length).toBe(sim.data.count('Invoice'));
  });
});
