// OAuth 2.0 against the simulator: authorize redirect, code exchange, rotating refresh tokens with grace, 401/403 bodies.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from './index.js';
import { harness, useMsw, type Rec } from './test-helpers.js';

const server = useMsw();
const basic = (id = DEFAULT_CLIENT_ID, secret = DEFAULT_CLIENT_SECRET) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const REDIRECT = 'https://relance.example/oauth/xero/callback';

async function tokenCall(url: string, form: Record<string, string>, auth = basic()) {
  const res = await fetch(url, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
  return { status: res.status, body: (await res.json()) as Rec };
}

describe('Xero simulator OAuth', () => {
  it('authorize redirects with code and state; the code is exchanged once for 30-minute tokens', async () => {
    const h = harness(server, { invoices: 5 });
    const url = new URL(h.sim.baseUrls.authorize);
    url.search = new URLSearchParams({ response_type: 'code', client_id: DEFAULT_CLIENT_ID, redirect_uri: REDIRECT, scope: 'openid offline_access accounting.invoices', state: 'st-42' }).toString();
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const callback = new URL(res.headers.get('location') ?? '');
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
    expect(callback.searchParams.get('state')).toBe('st-42');
    const code = callback.searchParams.get('code') ?? '';
    expect(code).not.toBe('');

    const wrongSecret = await tokenCall(h.sim.baseUrls.token, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, basic(DEFAULT_CLIENT_ID, 'nope'));
    expect(wrongSecret).toEqual({ status: 400, body: { error: 'invalid_client' } });
    const ok = await tokenCall(h.sim.baseUrls.token, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(ok.status).toBe(200);
    expect(ok.body.expires_in).toBe(1800);
    expect(ok.body.token_type).toBe('Bearer');
    expect(typeof ok.body.refresh_token).toBe('string');
    expect(typeof ok.body.id_token).toBe('string');
    const claims = JSON.parse(Buffer.from(String(ok.body.access_token).split('.')[1] ?? '', 'base64url').toString()) as Rec;
    expect(claims.exp).toBe(Number(claims.nbf) + 1800);
    const again = await tokenCall(h.sim.baseUrls.token, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(again).toEqual({ status: 400, body: { error: 'invalid_grant' } });

    // /connections lists the organisation with its authEventId.
    const conns = await fetch(h.sim.baseUrls.connections, { headers: { authorization: `Bearer ${String(ok.body.access_token)}` } });
    const list = (await conns.json()) as Rec[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ tenantId: h.sim.tenantId, tenantType: 'ORGANISATION', tenantName: 'Relance Démo SARL', authEventId: claims.authentication_event_id });
  });

  it('access tokens expire after 30 minutes with the TokenExpired problem body', async () => {
    const h = harness(server, { invoices: 5 });
    expect((await h.api('Invoices?page=1')).status).toBe(200);
    h.clock.advance(1799);
    expect((await h.api('Invoices?page=1')).status).toBe(200);
    h.clock.advance(2);
    const expired = await h.json('Invoices?page=1');
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ Type: null, Title: 'Unauthorized', Status: 401 });
    expect(String(expired.body.Detail)).toMatch(/^TokenExpired: token expired at \d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/);
    expect((await h.json('Invoices?page=1', { token: null })).status).toBe(401);
  });

  it('rotates refresh tokens: the old one works for 30 minutes after first use, then invalid_grant', async () => {
    const h = harness(server, { invoices: 5 });
    const { refreshToken } = h.sim.oauth.connect();
    const first = await tokenCall(h.sim.baseUrls.token, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(refreshToken);
    h.clock.advance(29 * 60);
    const retry = await tokenCall(h.sim.baseUrls.token, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(retry.status).toBe(200);
    h.clock.advance(2 * 60);
    const late = await tokenCall(h.sim.baseUrls.token, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(late).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    const fresh = await tokenCall(h.sim.baseUrls.token, { grant_type: 'refresh_token', refresh_token: String(retry.body.refresh_token) });
    expect(fresh.status).toBe(200);
    // The new access token works on the API.
    expect((await h.api('Contacts?page=1', { token: String(fresh.body.access_token) })).status).toBe(200);
  });

  it('unused refresh tokens expire after 60 days; revocation ends the grant', async () => {
    const h = harness(server, { invoices: 5 });
    const a = h.sim.oauth.connect();
    h.clock.advance(60 * 86_400 + 1);
    expect((await tokenCall(h.sim.baseUrls.token, { grant_type: 'refresh_token', refresh_token: a.refreshToken })).status).toBe(400);
    const b = h.sim.oauth.connect();
    const revoke = await fetch(h.sim.baseUrls.revoke, { method: 'POST', headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: b.refreshToken }) });
    expect(revoke.status).toBe(200);
    expect((await tokenCall(h.sim.baseUrls.token, { grant_type: 'refresh_token', refresh_token: b.refreshToken })).body).toEqual({ error: 'invalid_grant' });
    expect((await h.api('Invoices?page=1', { token: b.accessToken })).status).toBe(401);
  });

  it('needs the xero-tenant-id header of a connected tenant: 403 AuthenticationUnsuccessful otherwise', async () => {
    const h = harness(server, { invoices: 5 });
    for (const tenant of [null, '11111111-2222-4333-8444-555555555555']) {
      const r = await h.json('Invoices?page=1', { tenant });
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ Type: null, Title: 'Forbidden', Status: 403, Detail: 'AuthenticationUnsuccessful' });
    }
    // Disconnecting the tenant (DELETE /connections/{id}) has the same effect.
    const list = (await (await fetch(h.sim.baseUrls.connections, { headers: { authorization: `Bearer ${h.token}` } })).json()) as Rec[];
    const del = await fetch(`${h.sim.baseUrls.connections}/${String(list[0]?.id)}`, { method: 'DELETE', headers: { authorization: `Bearer ${h.token}` } });
    expect(del.status).toBe(204);
    expect((await h.api('Invoices?page=1')).status).toBe(403);
  });

  it('expireAccessTokens and revokeAll act on every grant', async () => {
    const h = harness(server, { invoices: 5 });
    h.sim.oauth.expireAccessTokens();
    expect((await h.api('Invoices?page=1')).status).toBe(401);
    const c = h.sim.oauth.connect();
    expect((await h.api('Invoices?page=1', { token: c.accessToken })).status).toBe(200);
    h.sim.oauth.revokeAll();
    expect((await h.api('Invoices?page=1', { token: c.accessToken })).status).toBe(401);
  });
});
