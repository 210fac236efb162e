// OAuth 2.0 behaviour of the QuickBooks simulator: code flow, expiry, refresh rotation, revocation, 401 bodies.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from './index.js';
import { harness, useMsw, type Harness, type Json } from './test-helpers.js';

const server = useMsw();
const REDIRECT = 'https://relance.example/oauth/callback';
const basic = (id = DEFAULT_CLIENT_ID, secret = DEFAULT_CLIENT_SECRET) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function tokenCall(h: Harness, form: Record<string, string>, auth = basic()) {
  const res = await fetch(h.sim.baseUrls.token, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

async function connectOverHttp(h: Harness) {
  const authUrl = new URL(h.sim.baseUrls.authorize);
  authUrl.search = new URLSearchParams({
    client_id: DEFAULT_CLIENT_ID,
    response_type: 'code',
    scope: 'com.intuit.quickbooks.accounting openid',
    redirect_uri: REDIRECT,
    state: 'st-42',
  }).toString();
  const res = await fetch(authUrl, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const callback = new URL(res.headers.get('location') ?? '');
  const code = callback.searchParams.get('code') ?? '';
  const tokens = await tokenCall(h, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
  return { callback, code, tokens };
}

const companyInfo = (h: Harness, token: string) => h.api(`companyinfo/${h.sim.realmId}`, { token });

describe('QuickBooks simulator OAuth', () => {
  it('redirects to the callback with code, state and realmId, then exchanges the code once', async () => {
    const h = harness(server);
    const { callback, code, tokens } = await connectOverHttp(h);
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
    expect(callback.searchParams.get('state')).toBe('st-42');
    expect(callback.searchParams.get('realmId')).toBe(h.sim.realmId);
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ token_type: 'bearer', expires_in: 3600, x_refresh_token_expires_in: 8726400 });
    expect(typeof tokens.body.access_token).toBe('string');
    expect(String(tokens.body.refresh_token)).toMatch(/^RT1-/);
    expect((await companyInfo(h, String(tokens.body.access_token))).status).toBe(200);

    const again = await tokenCall(h, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(again).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('rejects bad client credentials and an authorize request without the accounting scope', async () => {
    const h = harness(server);
    const wrong = await tokenCall(h, { grant_type: 'refresh_token', refresh_token: 'x' }, basic(DEFAULT_CLIENT_ID, 'nope'));
    expect(wrong).toEqual({ status: 401, body: { error: 'invalid_client' } });
    const url = new URL(h.sim.baseUrls.authorize);
    url.search = new URLSearchParams({ client_id: DEFAULT_CLIENT_ID, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT, state: 's' }).toString();
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_scope' });
  });

  it('expires access tokens after 3600 s of simulator time with the gateway 401 body', async () => {
    const h = harness(server);
    const { tokens } = await connectOverHttp(h);
    const access = String(tokens.body.access_token);
    h.clock.advance(3599);
    expect((await companyInfo(h, access)).status).toBe(200);
    h.clock.advance(1);
    const res = await companyInfo(h, access);
    expect(res.status).toBe(401);
    const body = (await res.json()) as Json;
    const fault = body.fault as { error: Json[]; type: string };
    expect(fault.type).toBe('AUTHENTICATION');
    expect(fault.error[0]).toMatchObject({ code: '3200', message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401' });
    expect(String(fault.error[0]?.detail)).toMatch(/^Token expired/);

    const refreshed = await tokenCall(h, { grant_type: 'refresh_token', refresh_token: String(tokens.body.refresh_token) });
    expect(refreshed.status).toBe(200);
    expect((await companyInfo(h, String(refreshed.body.access_token))).status).toBe(200);
  });

  it('answers 401 for a missing or unknown bearer token', async () => {
    const h = harness(server);
    const missing = await h.api('invoice/1', { token: null });
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { fault: { error: Json[] } }).fault.error[0]?.code).toBe('3200');
    expect((await h.api('invoice/1', { token: 'not-a-token' })).status).toBe(401);
  });

  it('keeps the refresh token value for a day, then rotates it; the old value dies 24 h after its successor', async () => {
    const h = harness(server);
    const { tokens } = await connectOverHttp(h);
    const rt1 = String(tokens.body.refresh_token);

    h.clock.advance(3600);
    const sameDay = await tokenCall(h, { grant_type: 'refresh_token', refresh_token: rt1 });
    expect(sameDay.status).toBe(200);
    expect(sameDay.body.refresh_token).toBe(rt1);
    expect(sameDay.body.access_token).not.toBe(tokens.body.access_token);

    h.clock.advance(24 * 3600);
    const rotated = await tokenCall(h, { grant_type: 'refresh_token', refresh_token: rt1 });
    const rt2 = String(rotated.body.refresh_token);
    expect(rotated.status).toBe(200);
    expect(rt2).not.toBe(rt1);

    h.clock.advance(12 * 3600);
    const withOld = await tokenCall(h, { grant_type: 'refresh_token', refresh_token: rt1 });
    expect(withOld.status).toBe(200);
    expect(withOld.body.refresh_token).toBe(rt2);

    h.clock.advance(12 * 3600);
    const dead = await tokenCall(h, { grant_type: 'refresh_token', refresh_token: rt1 });
    expect(dead).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Incorrect or invalid refresh token' } });
    const latest = await tokenCall(h, { grant_type: 'refresh_token', refresh_token: rt2 });
    expect(latest.status).toBe(200);
  });

  it('rotates on every refresh when the test sets refreshRotationSec to 0', async () => {
    const h = harness(server, { limits: { refreshRotationSec: 0, refreshGraceSec: 0 } });
    const { refreshToken } = h.sim.oauth.connect();
    const first = await tokenCall(h, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(first.body.refresh_token).not.toBe(refreshToken);
    expect((await tokenCall(h, { grant_type: 'refresh_token', refresh_token: refreshToken })).status).toBe(400);
  });

  it('revokes the whole connection through the revoke endpoint', async () => {
    const h = harness(server);
    const { tokens } = await connectOverHttp(h);
    const res = await fetch(h.sim.baseUrls.revoke, {
      method: 'POST',
      headers: { authorization: basic(), 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ token: tokens.body.refresh_token }),
    });
    expect(res.status).toBe(200);
    expect((await companyInfo(h, String(tokens.body.access_token))).status).toBe(401);
    const refresh = await tokenCall(h, { grant_type: 'refresh_token', refresh_token: String(tokens.body.refresh_token) });
    expect(refresh.body.error).toBe('invalid_grant');
  });

  it('expireAccessTokens and revokeAll act on every issued token', async () => {
    const h = harness(server);
    expect((await companyInfo(h, h.token)).status).toBe(200);
    h.sim.oauth.expireAccessTokens();
    expect((await companyInfo(h, h.token)).status).toBe(401);
    const fresh = h.sim.oauth.connect();
    h.sim.oauth.revokeAll();
    expect((await companyInfo(h, fresh.accessToken)).status).toBe(401);
  });
});
