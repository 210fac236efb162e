// startSimulatorServer: every Xero host served on one loopback port, usable with plain fetch and no msw.
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSimulatorServer } from './index.js';

describe('Xero simulator server', () => {
  const started = startSimulatorServer({ invoices: 30, seed: 4 });
  afterAll(async () => (await started).close());

  it('runs the OAuth dance and lists invoices over real HTTP', async () => {
    const { url, simulator } = await started;
    expect(simulator.baseUrls.api).toBe(`${url}/api.xro/2.0`);
    const auth = new URL(simulator.baseUrls.authorize);
    auth.search = new URLSearchParams({ response_type: 'code', client_id: DEFAULT_CLIENT_ID, redirect_uri: 'http://localhost:9/cb', scope: 'offline_access accounting.invoices', state: 's' }).toString();
    const redirect = await fetch(auth, { redirect: 'manual' });
    const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const token = await fetch(simulator.baseUrls.token, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${DEFAULT_CLIENT_ID}:${DEFAULT_CLIENT_SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:9/cb' }),
    });
    const tokens = (await token.json()) as { access_token: string };
    const conns = (await (await fetch(simulator.baseUrls.connections, { headers: { authorization: `Bearer ${tokens.access_token}` } })).json()) as { tenantId: string }[];
    const res = await fetch(`${simulator.baseUrls.api}/Invoices?page=1&where=${encodeURIComponent('Type=="ACCREC"')}`, {
      headers: { authorization: `Bearer ${tokens.access_token}`, 'xero-tenant-id': conns[0]?.tenantId ?? '', accept: 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-minlimit-remaining')).toBe('59');
    const body = (await res.json()) as { Invoices: { Type: string }[]; pagination: { itemCount: number } };
    expect(body.pagination.itemCount).toBe(30);
    expect(body.Invoices.every((i) => i.Type === 'ACCREC')).toBe(true);
  });
});
