// The kit's OAuth 2.0 server on its own: codes, both refresh rotation policies, revocation, client auth, PKCE, snapshots, bearer checks.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OAuthServer, type OAuthConfig, type OAuthLifetimes } from '../../src/simulator/oauth.js';

const T0 = Date.parse('2026-07-15T10:00:00Z');
const ID = 'app-id';
const SECRET = 'app-secret';
const REDIRECT = 'https://app.example/callback';
const extra = z.object({ realm: z.string() });
type Extra = z.infer<typeof extra>;

/** A server with readable token values (`code-0`, `rt-1`, `at-2`…), a movable clock and a log of every value issued. */
function setup(opts: { life?: Partial<OAuthLifetimes>; cfg?: Partial<OAuthConfig<Extra>>; clockMs?: { ms: number } } = {}) {
  const clock = opts.clockMs ?? { ms: T0 };
  const life: OAuthLifetimes = { authCodeTtlSec: 600, accessTokenTtlSec: 3600, refreshTokenTtlSec: 100 * 86_400, refreshRotationSec: 86_400, refreshGraceSec: 3600, ...opts.life };
  const issued: string[] = [];
  const log = (v: string) => (issued.push(v), v);
  const server = new OAuthServer<Extra>({
    clientId: ID,
    clientSecret: SECRET,
    now: () => clock.ms,
    lifetimes: () => life,
    defaultScope: 'read',
    extra,
    newGrant: () => ({ realm: 'r1' }),
    values: { code: (_now, n) => log(`code-${n}`), access: (_g, _now, _ttl, n) => log(`at-${n}`), refresh: (_now, n) => log(`rt-${n}`) },
    redirectParams: (g) => ({ realm: g.extra.realm }),
    tokenBody: (t) => ({ access_token: t.accessToken, refresh_token: t.refreshToken, expires_in: t.expiresIn, refresh_expires_in: t.refreshExpiresIn }),
    revokeByAccessToken: true,
    ...opts.cfg,
  });
  const advance = (sec: number) => (clock.ms += sec * 1000);
  return { server, clock, advance, issued };
}

const basic = (id = ID, secret = SECRET) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const codeOf = (url: string) => new URL(url).searchParams.get('code') ?? '';
const exchange = (s: OAuthServer<Extra>, code: string, more: Record<string, string> = {}, auth: string | null = basic()) =>
  s.token(auth, new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, ...more }));
const refresh = (s: OAuthServer<Extra>, token: string) => s.token(basic(), new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }));
const connect = (s: OAuthServer<Extra>) => {
  const body = exchange(s, codeOf(s.authorize({ redirectUri: REDIRECT, state: 'st' }))).body;
  return { access: String(body.access_token), refresh: String(body.refresh_token) };
};
const bearer = (s: OAuthServer<Extra>, token: string) => s.checkBearer(`Bearer ${token}`);
const INVALID_GRANT = { status: 400, body: { error: 'invalid_grant' } };

describe('kit OAuth server: authorization codes', () => {
  it('redirects with code, state and the provider parameters, then exchanges the code exactly once', () => {
    const { server, issued } = setup();
    const url = new URL(server.authorize({ redirectUri: `${REDIRECT}?keep=1`, state: 'st-42' }));
    expect(Object.fromEntries(url.searchParams)).toEqual({ keep: '1', state: 'st-42', code: 'code-0', realm: 'r1' });

    const wrongRedirect = server.token(basic(), new URLSearchParams({ grant_type: 'authorization_code', code: 'code-0', redirect_uri: REDIRECT }));
    expect(wrongRedirect).toEqual(INVALID_GRANT);
    // The failed attempt left the code usable for the redirect URI it was issued to.
    const ok = server.token(basic(), new URLSearchParams({ grant_type: 'authorization_code', code: 'code-0', redirect_uri: `${REDIRECT}?keep=1` }));
    expect(ok).toEqual({ status: 200, body: { refresh_token: 'rt-1', access_token: 'at-2', expires_in: 3600, refresh_expires_in: 100 * 86_400 } });
    const again = server.token(basic(), new URLSearchParams({ grant_type: 'authorization_code', code: 'code-0', redirect_uri: `${REDIRECT}?keep=1` }));
    expect(again).toEqual(INVALID_GRANT);
    // One code, then one refresh and one access token for the one successful exchange.
    expect(issued).toEqual(['code-0', 'rt-1', 'at-2']);
  });

  it('expires codes after authCodeTtlSec', () => {
    const { server, advance } = setup();
    const early = codeOf(server.authorize({ redirectUri: REDIRECT, state: 's' }));
    const late = codeOf(server.authorize({ redirectUri: REDIRECT, state: 's' }));
    advance(599);
    expect(exchange(server, early).status).toBe(200);
    advance(1);
    expect(exchange(server, late)).toEqual(INVALID_GRANT);
  });

  it('refuses a code whose grant was revoked before the exchange, and an unknown grant type', () => {
    const { server } = setup();
    const code = codeOf(server.authorize({ redirectUri: REDIRECT, state: 's' }));
    server.revokeAll();
    expect(exchange(server, code)).toEqual(INVALID_GRANT);
    expect(server.token(basic(), new URLSearchParams({ grant_type: 'password' }))).toEqual({ status: 400, body: { error: 'unsupported_grant_type' } });
  });
});

describe('kit OAuth server: refresh rotation', () => {
  it('rolling policy: the same value with a rolling expiry until it is refreshRotationSec old, then a new one; the old one dies after the grace period', () => {
    const { server, advance } = setup();
    const { refresh: rt1, access: at1 } = connect(server);
    advance(3600);
    const same = refresh(server, rt1);
    expect(same.body.refresh_token).toBe(rt1);
    expect(same.body.access_token).not.toBe(at1);
    expect(same.body.refresh_expires_in).toBe(100 * 86_400);

    advance(86_400 - 3600);
    const rotated = refresh(server, rt1);
    const rt2 = String(rotated.body.refresh_token);
    expect(rt2).not.toBe(rt1);

    advance(3599);
    // Within the grace period the superseded value still answers, with the current value (which is too young to rotate).
    expect(refresh(server, rt1).body.refresh_token).toBe(rt2);
    advance(1);
    expect(refresh(server, rt1)).toEqual(INVALID_GRANT);
    expect(refresh(server, rt2).body.refresh_token).toBe(rt2);
  });

  it('a refresh token unused for refreshTokenTtlSec is dead; each use rolls its expiry forward', () => {
    const { server, advance } = setup({ life: { refreshTokenTtlSec: 1000, refreshRotationSec: 1_000_000 } });
    const { refresh: rt } = connect(server);
    advance(999);
    expect(refresh(server, rt).body.refresh_expires_in).toBe(1000);
    advance(999);
    expect(refresh(server, rt).status).toBe(200);
    advance(1000);
    expect(refresh(server, rt)).toEqual(INVALID_GRANT);
  });

  it('rotate-on-every-use policy: a new value each time; a retry with the old one in its grace period supersedes the successor it got before', () => {
    const { server, advance, issued } = setup({ life: { refreshRotationSec: 0, refreshGraceSec: 1800 } });
    const { refresh: rt0 } = connect(server);
    const rt1 = String(refresh(server, rt0).body.refresh_token);
    expect(rt1).not.toBe(rt0);
    advance(1799);
    const rt2 = String(refresh(server, rt0).body.refresh_token);
    expect(new Set([rt0, rt1, rt2]).size).toBe(3);
    advance(1);
    expect(refresh(server, rt0)).toEqual(INVALID_GRANT);
    // rt1 was superseded by the retry at 1799 s, so it works until 3599 s.
    advance(1798);
    expect(refresh(server, rt1).status).toBe(200);
    advance(1);
    expect(refresh(server, rt1)).toEqual(INVALID_GRANT);
    // Four successful exchanges: four access tokens, one refresh token each.
    expect(issued.filter((v) => v.startsWith('at-'))).toHaveLength(4);
    expect(issued.filter((v) => v.startsWith('rt-'))).toHaveLength(4);
  });
});

describe('kit OAuth server: revocation', () => {
  it.each(['refresh', 'access'] as const)('revoking the %s token ends its whole grant and no other', (which) => {
    const { server } = setup();
    const a = connect(server);
    const b = connect(server);
    expect(server.revoke(basic(), new URLSearchParams({ token: a[which] }))).toEqual({ status: 200, body: null });
    expect(bearer(server, a.access)).toMatchObject({ ok: false, status: 401, reason: 'revoked' });
    expect(refresh(server, a.refresh)).toEqual(INVALID_GRANT);
    expect(bearer(server, b.access).ok).toBe(true);
    expect(refresh(server, b.refresh).status).toBe(200);
  });

  it('an access token does not revoke where the provider takes refresh tokens only; bad requests are refused', () => {
    const { server } = setup({ cfg: { revokeByAccessToken: false } });
    const a = connect(server);
    expect(server.revoke(basic(), new URLSearchParams({ token: a.access })).status).toBe(200);
    expect(bearer(server, a.access).ok).toBe(true);
    expect(server.revoke(basic(), new URLSearchParams())).toEqual({ status: 400, body: { error: 'invalid_request' } });
    expect(server.revoke(basic(ID, 'nope'), new URLSearchParams({ token: a.refresh }))).toEqual({ status: 401, body: { error: 'invalid_client' } });
    expect(bearer(server, a.access).ok).toBe(true);
  });
});

describe('kit OAuth server: client authentication', () => {
  // RFC 6749 §2.3.1: id and secret are application/x-www-form-urlencoded, then joined by ":" and base64-encoded.
  const form = (v: string) => new URLSearchParams({ v }).toString().slice(2);
  const id = 'my-app id+1:x';
  const secret = 'pa:ss/ü%';
  const cases: [string, string | null, boolean][] = [
    ['form-encoded id and secret', basic(form(id), form(secret)), true],
    ['a strict client\'s "-" as %2D and space as %20', basic(form(id).replace('-', '%2D').replace('+', '%20'), form(secret)), true],
    ['raw, not form-encoded', basic(id, secret), false],
    ['malformed percent escape', basic(`${form(id)}%zz`, form(secret)), false],
    ['no ":" separator', `Basic ${Buffer.from(form(id)).toString('base64')}`, false],
    ['wrong secret', basic(form(id), 'nope'), false],
    ['no Authorization header', null, false],
  ];
  it.each(cases)('%s', (_name, authorization, accepted) => {
    const { server } = setup({ cfg: { clientId: id, clientSecret: secret } });
    const reply = server.token(authorization, new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x' }));
    expect(reply).toEqual(accepted ? { status: 400, body: { error: 'invalid_grant' } } : { status: 401, body: { error: 'invalid_client' } });
  });

  it('takes credentials from the form body only where the provider declares client_secret_post', () => {
    const body = { grant_type: 'refresh_token', refresh_token: 'x', client_id: ID, client_secret: SECRET };
    expect(setup().server.token(null, new URLSearchParams(body)).body).toEqual({ error: 'invalid_client' });
    expect(setup({ cfg: { clientSecretPost: true } }).server.token(null, new URLSearchParams(body)).body).toEqual({ error: 'invalid_grant' });
  });

  it("answers errors in the provider's own statuses and bodies where it declares them, RFC 6749 §5.2 elsewhere", () => {
    const { server } = setup({ cfg: { error: (code) => (code === 'invalid_client' ? { status: 400, body: { error: code, error_description: 'who?' } } : undefined) } });
    expect(server.token(basic(ID, 'nope'), new URLSearchParams({ grant_type: 'refresh_token' }))).toEqual({ status: 400, body: { error: 'invalid_client', error_description: 'who?' } });
    expect(refresh(server, 'x')).toEqual(INVALID_GRANT);
  });
});

describe('kit OAuth server: PKCE', () => {
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const s256 = createHash('sha256').update(verifier).digest('base64url');
  const pkce = { methods: ['S256', 'plain'] as const, whenAbsent: 'plain' as const };

  it('lets a public client (id alone) exchange a code with the right S256 or plain verifier, and nothing else', () => {
    const { server } = setup({ cfg: { pkce } });
    const publicClient = basic(ID, '');
    const c1 = codeOf(server.authorize({ redirectUri: REDIRECT, state: 's', codeChallenge: s256, codeChallengeMethod: 'S256' }));
    expect(exchange(server, c1, { code_verifier: 'wrong' }, publicClient)).toEqual({ status: 401, body: { error: 'invalid_client' } });
    expect(exchange(server, c1, { code_verifier: 'wrong' })).toEqual(INVALID_GRANT);
    const ok = exchange(server, c1, { code_verifier: verifier }, publicClient);
    expect(ok.status).toBe(200);
    // The public client cannot refresh: only a code exchange accepts it.
    expect(server.token(publicClient, new URLSearchParams({ grant_type: 'refresh_token', refresh_token: String(ok.body.refresh_token) })).body).toEqual({ error: 'invalid_client' });

    const c2 = codeOf(server.authorize({ redirectUri: REDIRECT, state: 's', codeChallenge: verifier }));
    expect(exchange(server, c2, { code_verifier: verifier }, null)).toEqual({ status: 401, body: { error: 'invalid_client' } });
    expect(exchange(server, c2, {}, basic(ID, ''))).toEqual({ status: 401, body: { error: 'invalid_client' } });
    expect(exchange(server, c2, { code_verifier: verifier }, basic(ID, '')).status).toBe(200);

    const noChallenge = codeOf(server.authorize({ redirectUri: REDIRECT, state: 's' }));
    expect(exchange(server, noChallenge, { code_verifier: verifier }, publicClient)).toEqual({ status: 401, body: { error: 'invalid_client' } });
  });

  it('sends an unsupported challenge method back on the redirect, with no code', () => {
    const { server, issued } = setup({ cfg: { pkce: { methods: ['S256'], whenAbsent: 'S256' } } });
    const url = new URL(server.authorize({ redirectUri: REDIRECT, state: 'st', codeChallenge: verifier, codeChallengeMethod: 'plain' }));
    expect(url.searchParams.get('error')).toBe('invalid_request');
    expect(url.searchParams.get('state')).toBe('st');
    expect(url.searchParams.has('code')).toBe(false);
    expect(issued).toEqual([]);
  });
});

describe('kit OAuth server: bearer checks', () => {
  it('tells missing, unknown, revoked, expired, forbidden and good tokens apart', () => {
    const { server, advance } = setup();
    const a = connect(server);
    expect(server.checkBearer(null)).toEqual({ ok: false, status: 401, reason: 'missing' });
    expect(server.checkBearer(`Basic ${a.access}`)).toEqual({ ok: false, status: 401, reason: 'missing' });
    expect(bearer(server, 'nope')).toEqual({ ok: false, status: 401, reason: 'unknown' });
    expect(bearer(server, a.refresh)).toEqual({ ok: false, status: 401, reason: 'unknown' });
    expect(server.checkBearer(`Bearer ${a.access}`, (g) => g.extra.realm === 'r2')).toEqual({ ok: false, status: 403, reason: 'forbidden' });
    const good = server.checkBearer(`bearer ${a.access}`, (g) => g.extra.realm === 'r1');
    expect(good.ok && good.grant.extra).toEqual({ realm: 'r1' });
    advance(3600);
    expect(bearer(server, a.access)).toEqual({ ok: false, status: 401, reason: 'expired', expiredMs: T0 + 3600_000 });
    server.revokeAll();
    // Revoked wins over expired: the connection is gone, a refresh would not help.
    expect(bearer(server, a.access)).toMatchObject({ reason: 'revoked' });
  });

  it('expireAccessTokens ends every access token a second ago, and refreshing gives a working one', () => {
    const { server, clock } = setup();
    const a = connect(server);
    const b = connect(server);
    server.expireAccessTokens();
    for (const t of [a, b]) expect(bearer(server, t.access)).toEqual({ ok: false, status: 401, reason: 'expired', expiredMs: clock.ms - 1000 });
    expect(bearer(server, String(refresh(server, a.refresh).body.access_token)).ok).toBe(true);
  });
});

describe('kit OAuth server: snapshot and restore', () => {
  it('a fresh server restored from the JSON keeps every grant, token, grace period and pending code, and issues no repeated value', () => {
    const clock = { ms: T0 };
    const { server, advance, issued } = setup({ clockMs: clock, life: { refreshRotationSec: 0 } });
    const live = connect(server);
    const gone = connect(server);
    server.revoke(basic(), new URLSearchParams({ token: gone.refresh }));
    const rotated = String(refresh(server, live.refresh).body.refresh_token);
    const pending = codeOf(server.authorize({ redirectUri: REDIRECT, state: 's' }));
    advance(500);
    const json: unknown = JSON.parse(JSON.stringify(server.snapshot()));

    const fresh = setup({ clockMs: clock, life: { refreshRotationSec: 0 } });
    fresh.server.restore(json);
    expect(fresh.server.snapshot()).toEqual(json);
    expect(bearer(fresh.server, live.access).ok).toBe(true);
    expect(bearer(fresh.server, gone.access)).toMatchObject({ reason: 'revoked' });
    expect(refresh(fresh.server, gone.refresh)).toEqual(INVALID_GRANT);
    expect(exchange(fresh.server, pending).status).toBe(200);
    // The superseded token is still in its grace period (3600 s from its supersession, 500 s ago).
    expect(refresh(fresh.server, live.refresh).status).toBe(200);
    advance(3100);
    expect(refresh(fresh.server, live.refresh)).toEqual(INVALID_GRANT);
    expect(refresh(fresh.server, rotated).status).toBe(200);
    // Values continue where the original server stopped.
    expect(fresh.issued.filter((v) => issued.includes(v))).toEqual([]);
  });

  it('refuses a malformed snapshot and keeps its own state', () => {
    const { server } = setup();
    const a = connect(server);
    const snap = server.snapshot();
    const dangling = { ...snap, access: [{ value: 'x', grant: 'no-such-grant', expiresMs: 0 }] };
    const badExtra = { ...snap, grants: snap.grants.map((g) => ({ ...g, extra: { realm: 7 } })) };
    for (const bad of [dangling, badExtra, { grants: new Map() }, null]) expect(() => server.restore(bad)).toThrow();
    expect(bearer(server, a.access).ok).toBe(true);
    expect(server.snapshot()).toEqual(snap);
  });
});
