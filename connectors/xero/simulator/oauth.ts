// Xero Identity as the simulator plays it: authorization codes, JWT-shaped access tokens, rotating refresh tokens, connections.
import { createHash, randomBytes } from 'node:crypto';
import type { XeroLimits } from './types.js';

type Json = Record<string, unknown>;

interface Grant {
  id: string;
  authEventId: string;
  userId: string;
  scope: string;
  revoked: boolean;
  /** connectionId → tenantId; DELETE /connections/{id} removes one. */
  connections: Map<string, { tenantId: string; createdMs: number; updatedMs: number }>;
}

interface AccessToken {
  grant: Grant;
  expMs: number;
}

interface RefreshToken {
  grant: Grant;
  expMs: number;
  /** When it was first exchanged; it keeps working for the grace period after that. */
  usedMs?: number;
}

export interface OAuthReply {
  status: number;
  body: Json;
}

export interface Tenant {
  tenantId: string;
  tenantName: string;
  tenantType: 'ORGANISATION' | 'PRACTICE';
}

const b64url = (v: string | Buffer) => Buffer.from(v).toString('base64url');

export class OAuthServer {
  private codes = new Map<string, { grant: Grant; redirectUri: string; expMs: number; codeChallenge?: string }>();
  private access = new Map<string, AccessToken>();
  private refresh = new Map<string, RefreshToken>();
  private grants: Grant[] = [];
  private counter = 0;

  constructor(
    private readonly o: {
      clientId: string;
      clientSecret: string;
      tenants: Tenant[];
      now: () => number;
      limits: () => XeroLimits;
    },
  ) {}

  /** Every grant, code and token (with their shared grant objects), for the simulator's snapshot. */
  state(): unknown {
    return { codes: this.codes, access: this.access, refresh: this.refresh, grants: this.grants, counter: this.counter };
  }

  restoreState(state: unknown): void {
    const s = state as { codes: OAuthServer['codes']; access: OAuthServer['access']; refresh: OAuthServer['refresh']; grants: Grant[]; counter: number };
    this.codes = s.codes;
    this.access = s.access;
    this.refresh = s.refresh;
    this.grants = s.grants;
    this.counter = s.counter;
  }

  get clientId(): string {
    return this.o.clientId;
  }

  private id(prefix: string): string {
    // Unique without the seeded generator: tokens must not repeat across simulators in one process.
    return `${prefix}${++this.counter}${randomBytes(12).toString('hex')}`;
  }

  private uuid(): string {
    const h = randomBytes(16).toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** The consent screen, approved: returns the redirect with `code`, `scope`, `state` and `session_state`. */
  authorize(p: { redirectUri: string; state: string; scope?: string; codeChallenge?: string }): string {
    const grant: Grant = {
      id: this.uuid(),
      authEventId: this.uuid(),
      userId: this.uuid(),
      scope: p.scope ?? 'openid profile email offline_access accounting.contacts accounting.invoices accounting.payments accounting.settings.read',
      revoked: false,
      connections: new Map(),
    };
    const now = this.o.now();
    for (const t of this.o.tenants) grant.connections.set(this.uuid(), { tenantId: t.tenantId, createdMs: now, updatedMs: now });
    this.grants.push(grant);
    const code = this.id('');
    this.codes.set(code, { grant, redirectUri: p.redirectUri, expMs: now + this.o.limits().authCodeTtlSec * 1000, ...(p.codeChallenge ? { codeChallenge: p.codeChallenge } : {}) });
    const url = new URL(p.redirectUri);
    url.searchParams.set('code', code);
    url.searchParams.set('scope', grant.scope);
    url.searchParams.set('state', p.state);
    url.searchParams.set('session_state', this.id('ss'));
    return url.toString();
  }

  /** POST /connect/token: authorization_code and refresh_token grants with client_secret_basic (or form credentials). */
  token(authorization: string | null, form: URLSearchParams): OAuthReply {
    const creds = this.clientCredentials(authorization, form);
    const grantType = form.get('grant_type');
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') return { status: 400, body: { error: 'unsupported_grant_type' } };
    const now = this.o.now();
    if (grantType === 'authorization_code') {
      const code = this.codes.get(form.get('code') ?? '');
      const verifier = form.get('code_verifier');
      const pkceOk = code?.codeChallenge !== undefined && verifier !== null && b64url(createHash('sha256').update(verifier).digest()) === code.codeChallenge;
      if (!creds.ok && !(creds.clientIdOnly && pkceOk)) return { status: 400, body: { error: 'invalid_client' } };
      if (!code || code.expMs <= now || code.grant.revoked) return { status: 400, body: { error: 'invalid_grant' } };
      if (code.redirectUri !== form.get('redirect_uri')) return { status: 400, body: { error: 'invalid_grant' } };
      if (code.codeChallenge !== undefined && !pkceOk) return { status: 400, body: { error: 'invalid_grant' } };
      this.codes.delete(form.get('code') ?? '');
      return { status: 200, body: this.issue(code.grant, now) };
    }
    if (!creds.ok) return { status: 400, body: { error: 'invalid_client' } };
    const rt = this.refresh.get(form.get('refresh_token') ?? '');
    if (!rt || rt.grant.revoked || rt.expMs <= now) return { status: 400, body: { error: 'invalid_grant' } };
    if (rt.usedMs !== undefined && now - rt.usedMs > this.o.limits().refreshGraceSec * 1000) return { status: 400, body: { error: 'invalid_grant' } };
    rt.usedMs ??= now;
    return { status: 200, body: this.issue(rt.grant, now) };
  }

  /** POST /connect/revocation with the refresh token: the grant and all its connections go. */
  revoke(authorization: string | null, form: URLSearchParams): OAuthReply {
    if (!this.clientCredentials(authorization, form).ok) return { status: 400, body: { error: 'invalid_client' } };
    const rt = this.refresh.get(form.get('token') ?? '');
    if (rt) this.revokeGrant(rt.grant);
    return { status: 200, body: {} };
  }

  private revokeGrant(g: Grant): void {
    g.revoked = true;
    g.connections.clear();
  }

  private clientCredentials(authorization: string | null, form: URLSearchParams): { ok: boolean; clientIdOnly: boolean } {
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    const m = /^Basic\s+(.+)$/i.exec(authorization ?? '');
    if (m) {
      const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      // RFC 6749 §2.3.1: both parts are form-urlencoded before base64 (strict clients send "-" as %2D).
      const form = (v: string) => {
        try {
          return decodeURIComponent(v.replace(/\+/g, ' '));
        } catch {
          return null;
        }
      };
      id = form(decoded.slice(0, i));
      secret = form(decoded.slice(i + 1));
    }
    return { ok: id === this.o.clientId && secret === this.o.clientSecret, clientIdOnly: id === this.o.clientId && !secret };
  }

  private issue(grant: Grant, now: number): Json {
    const ttl = this.o.limits().accessTokenTtlSec;
    const claims = {
      nbf: Math.floor(now / 1000),
      exp: Math.floor(now / 1000) + ttl,
      iss: 'https://identity.xero.com',
      aud: 'https://identity.xero.com/resources',
      client_id: this.o.clientId,
      sub: grant.userId.replace(/-/g, ''),
      auth_time: Math.floor(now / 1000),
      xero_userid: grant.userId,
      global_session_id: grant.id.replace(/-/g, ''),
      sid: grant.id.replace(/-/g, ''),
      jti: this.id('').slice(0, 32),
      authentication_event_id: grant.authEventId,
      scope: grant.scope.split(' '),
      amr: ['pwd'],
    };
    const header = b64url(JSON.stringify({ alg: 'RS256', kid: 'sim', typ: 'JWT' }));
    const accessToken = `${header}.${b64url(JSON.stringify(claims))}.${b64url(randomBytes(32))}`;
    this.access.set(accessToken, { grant, expMs: now + ttl * 1000 });
    const refreshToken = this.id('').slice(0, 43);
    this.refresh.set(refreshToken, { grant, expMs: now + this.o.limits().refreshTokenTtlSec * 1000 });
    const body: Json = {};
    if (grant.scope.split(' ').includes('openid')) body.id_token = this.idToken(grant, claims, header);
    Object.assign(body, { access_token: accessToken, expires_in: ttl, token_type: 'Bearer', refresh_token: refreshToken, scope: grant.scope });
    return body;
  }

  private idToken(grant: Grant, claims: { nbf: number; iss: string; sid: string; sub: string; auth_time: number; global_session_id: string }, header: string): string {
    const id = { nbf: claims.nbf, exp: claims.nbf + 300, iss: claims.iss, aud: this.o.clientId, iat: claims.nbf, at_hash: 'sim', sid: claims.sid, sub: claims.sub, auth_time: claims.auth_time, xero_userid: grant.userId, global_session_id: claims.global_session_id, preferred_username: 'demo@relance.example', email: 'demo@relance.example', given_name: 'Demo', family_name: 'User' };
    return `${header}.${b64url(JSON.stringify(id))}.${b64url(randomBytes(32))}`;
  }

  /** Validates a bearer token: the grant, or the 401 detail Xero gives. */
  authenticate(authorization: string | null): { grant: Grant } | { detail: string } {
    const m = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    const at = m ? this.access.get((m[1] as string).trim()) : undefined;
    if (!at || at.grant.revoked) return { detail: 'AuthenticationUnsuccessful' };
    if (at.expMs <= this.o.now()) return { detail: `TokenExpired: token expired at ${formatExpiry(at.expMs)}` };
    return { grant: at.grant };
  }

  hasTenant(grant: Grant, tenantId: string): boolean {
    for (const c of grant.connections.values()) if (c.tenantId.toLowerCase() === tenantId.toLowerCase()) return true;
    return false;
  }

  connections(grant: Grant): Json[] {
    return [...grant.connections.entries()].map(([id, c]) => {
      const t = this.o.tenants.find((x) => x.tenantId === c.tenantId) as Tenant;
      return {
        id,
        authEventId: grant.authEventId,
        tenantId: t.tenantId,
        tenantType: t.tenantType,
        tenantName: t.tenantName,
        createdDateUtc: new Date(c.createdMs).toISOString().replace('Z', ''),
        updatedDateUtc: new Date(c.updatedMs).toISOString().replace('Z', ''),
      };
    });
  }

  disconnect(grant: Grant, connectionId: string): boolean {
    return grant.connections.delete(connectionId);
  }

  expireAccessTokens(): void {
    const past = this.o.now() - 1000;
    for (const at of this.access.values()) at.expMs = Math.min(at.expMs, past);
  }

  revokeAll(): void {
    for (const g of this.grants) this.revokeGrant(g);
  }
}

/** Xero's 401 detail uses `MM/dd/yyyy HH:mm:ss` (observed in pyxero#337). */
function formatExpiry(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}
