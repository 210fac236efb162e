// Intuit OAuth 2.0 as documented: authorization codes, 1-hour access tokens, rolling refresh tokens that rotate about daily.
import { randomBytes } from 'node:crypto';
import type { QboLimits } from './types.js';

export const ACCOUNTING_SCOPE = 'com.intuit.quickbooks.accounting';

interface Grant {
  realmId: string;
  scope: string;
  revoked: boolean;
  current: RefreshToken;
}

interface RefreshToken {
  value: string;
  grant: Grant;
  issuedMs: number;
  /** Rolling expiry, pushed forward on each use. */
  expiresMs: number;
  /** When a successor was issued; the token then dies `refreshGraceSec` later. */
  supersededMs?: number;
}

interface AccessToken {
  value: string;
  grant: Grant;
  expiresMs: number;
}

interface Code {
  value: string;
  realmId: string;
  redirectUri: string;
  scope: string;
  expiresMs: number;
  used: boolean;
}

export interface OAuthSnapshot {
  issuedRefreshTokens: number;
  grants: { realmId: string; scope: string; revoked: boolean; current: string }[];
  refresh: { value: string; grant: number; issuedMs: number; expiresMs: number; supersededMs: number | null }[];
  access: { value: string; grant: number; expiresMs: number }[];
}

export interface OAuthReply {
  status: number;
  body: Record<string, unknown> | null;
}

export type BearerCheck = { ok: true } | { ok: false; status: 401 | 403; reason: 'missing' | 'expired' | 'unknown' | 'revoked' | 'realm' };

const b64url = (n: number) => randomBytes(n).toString('base64url');
const alnum = (n: number) => randomBytes(n).toString('hex').slice(0, n).toUpperCase();

export class OAuthServer {
  private readonly codes = new Map<string, Code>();
  private readonly access = new Map<string, AccessToken>();
  private readonly refresh = new Map<string, RefreshToken>();
  private readonly grants: Grant[] = [];
  /** Refresh tokens issued so far (a rotation issues one). */
  issuedRefreshTokens = 0;

  constructor(
    private readonly cfg: { clientId: string; clientSecret: string; realmId: string; now: () => number; limits: () => QboLimits },
  ) {}

  /** What Intuit does when the user clicks Connect: a one-time code, returned on the redirect URI with state and realmId. */
  authorize(params: { redirectUri: string; state: string; scope?: string }): string {
    const code: Code = {
      value: `AB11${Math.floor(this.cfg.now() / 1000)}${alnum(40)}`,
      realmId: this.cfg.realmId,
      redirectUri: params.redirectUri,
      scope: params.scope ?? ACCOUNTING_SCOPE,
      expiresMs: this.cfg.now() + this.cfg.limits().authCodeTtlSec * 1000,
      used: false,
    };
    this.codes.set(code.value, code);
    const url = new URL(params.redirectUri);
    url.searchParams.set('code', code.value);
    url.searchParams.set('state', params.state);
    url.searchParams.set('realmId', code.realmId);
    return url.toString();
  }

  /** Validates the authorize request the way the consent page does before redirecting. */
  checkAuthorizeRequest(q: URLSearchParams): string | undefined {
    if (q.get('client_id') !== this.cfg.clientId) return 'invalid_client';
    if (q.get('response_type') !== 'code') return 'unsupported_response_type';
    if (!q.get('redirect_uri')) return 'invalid_request';
    if (!q.get('state')) return 'invalid_request';
    const scopes = (q.get('scope') ?? '').split(/\s+/);
    if (!scopes.includes(ACCOUNTING_SCOPE)) return 'invalid_scope';
    return undefined;
  }

  clientAuthenticated(authorization: string | null): boolean {
    const m = /^Basic\s+(.+)$/i.exec(authorization ?? '');
    if (!m) return false;
    const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
    const sep = decoded.indexOf(':');
    if (sep < 0) return false;
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before base64 (a strict client sends "-" as %2D).
    const form = (v: string) => {
      try {
        return decodeURIComponent(v.replace(/\+/g, ' '));
      } catch {
        return null;
      }
    };
    return form(decoded.slice(0, sep)) === this.cfg.clientId && form(decoded.slice(sep + 1)) === this.cfg.clientSecret;
  }

  /** POST /oauth2/v1/tokens/bearer with a form body. */
  token(authorization: string | null, form: URLSearchParams): OAuthReply {
    if (!this.clientAuthenticated(authorization)) return { status: 401, body: { error: 'invalid_client' } };
    const now = this.cfg.now();
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      const code = this.codes.get(form.get('code') ?? '');
      if (!code || code.used || code.expiresMs <= now || code.redirectUri !== form.get('redirect_uri')) {
        return { status: 400, body: { error: 'invalid_grant' } };
      }
      code.used = true;
      const grant: Grant = { realmId: code.realmId, scope: code.scope, revoked: false, current: undefined as unknown as RefreshToken };
      grant.current = this.newRefreshToken(grant, now);
      this.grants.push(grant);
      return { status: 200, body: this.tokenResponse(grant, now) };
    }
    if (grantType === 'refresh_token') {
      const rt = this.refresh.get(form.get('refresh_token') ?? '');
      const limits = this.cfg.limits();
      const dead =
        !rt ||
        rt.grant.revoked ||
        rt.expiresMs <= now ||
        (rt.supersededMs !== undefined && rt.supersededMs + limits.refreshGraceSec * 1000 <= now);
      if (dead) return { status: 400, body: { error: 'invalid_grant', error_description: 'Incorrect or invalid refresh token' } };
      const grant = rt.grant;
      const current = grant.current;
      // The value changes once the current token is old enough; until then Intuit hands back the same value.
      if (now - current.issuedMs >= limits.refreshRotationSec * 1000) {
        current.supersededMs = now;
        grant.current = this.newRefreshToken(grant, now);
      } else {
        current.expiresMs = now + limits.refreshTokenTtlSec * 1000;
      }
      return { status: 200, body: this.tokenResponse(grant, now) };
    }
    return { status: 400, body: { error: 'unsupported_grant_type' } };
  }

  /** POST /v2/oauth2/tokens/revoke with `{"token": …}`: either token ends the whole connection. */
  revoke(authorization: string | null, token: unknown): OAuthReply {
    if (!this.clientAuthenticated(authorization)) return { status: 401, body: { error: 'invalid_client' } };
    if (typeof token !== 'string' || !token) return { status: 400, body: { error: 'invalid_request' } };
    const grant = this.refresh.get(token)?.grant ?? this.access.get(token)?.grant;
    if (grant) grant.revoked = true;
    return { status: 200, body: null };
  }

  checkBearer(authorization: string | null, realmId: string): BearerCheck {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m) return { ok: false, status: 401, reason: 'missing' };
    const at = this.access.get(m[1] as string);
    if (!at) return { ok: false, status: 401, reason: 'unknown' };
    if (at.grant.revoked) return { ok: false, status: 401, reason: 'revoked' };
    if (at.expiresMs <= this.cfg.now()) return { ok: false, status: 401, reason: 'expired' };
    if (at.grant.realmId !== realmId) return { ok: false, status: 403, reason: 'realm' };
    return { ok: true };
  }

  /** Plain JSON of every grant and token, so a demo company survives a process restart (see `restore`). */
  snapshot(): OAuthSnapshot {
    const grants = this.grants.map((g) => ({ realmId: g.realmId, scope: g.scope, revoked: g.revoked }));
    const index = new Map(this.grants.map((g, i) => [g, i]));
    return {
      issuedRefreshTokens: this.issuedRefreshTokens,
      grants: grants.map((g, i) => ({ ...g, current: this.grants[i]!.current.value })),
      refresh: [...this.refresh.values()].map((r) => ({ value: r.value, grant: index.get(r.grant)!, issuedMs: r.issuedMs, expiresMs: r.expiresMs, supersededMs: r.supersededMs ?? null })),
      access: [...this.access.values()].map((a) => ({ value: a.value, grant: index.get(a.grant)!, expiresMs: a.expiresMs })),
    };
  }

  restore(snap: OAuthSnapshot): void {
    this.codes.clear();
    this.access.clear();
    this.refresh.clear();
    this.grants.length = 0;
    this.issuedRefreshTokens = snap.issuedRefreshTokens;
    const grants: Grant[] = snap.grants.map((g) => ({ realmId: g.realmId, scope: g.scope, revoked: g.revoked, current: undefined as unknown as RefreshToken }));
    for (const r of snap.refresh) {
      const rt: RefreshToken = { value: r.value, grant: grants[r.grant]!, issuedMs: r.issuedMs, expiresMs: r.expiresMs, ...(r.supersededMs !== null ? { supersededMs: r.supersededMs } : {}) };
      this.refresh.set(rt.value, rt);
    }
    snap.grants.forEach((g, i) => (grants[i]!.current = this.refresh.get(g.current)!));
    for (const a of snap.access) this.access.set(a.value, { value: a.value, grant: grants[a.grant]!, expiresMs: a.expiresMs });
    this.grants.push(...grants);
  }

  expireAccessTokens(): void {
    for (const at of this.access.values()) at.expiresMs = 0;
  }

  revokeAll(): void {
    for (const g of this.grants) g.revoked = true;
  }

  private newRefreshToken(grant: Grant, now: number): RefreshToken {
    const rt: RefreshToken = {
      value: `RT1-${100 + (this.issuedRefreshTokens % 900)}-H0-${Math.floor(now / 1000)}${alnum(20).toLowerCase()}`,
      grant,
      issuedMs: now,
      expiresMs: now + this.cfg.limits().refreshTokenTtlSec * 1000,
    };
    this.issuedRefreshTokens += 1;
    this.refresh.set(rt.value, rt);
    return rt;
  }

  private tokenResponse(grant: Grant, now: number): Record<string, unknown> {
    const ttl = this.cfg.limits().accessTokenTtlSec;
    const at: AccessToken = {
      value: `eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..${b64url(16)}.${b64url(420)}.${b64url(16)}`,
      grant,
      expiresMs: now + ttl * 1000,
    };
    this.access.set(at.value, at);
    return {
      token_type: 'bearer',
      access_token: at.value,
      expires_in: ttl,
      refresh_token: grant.current.value,
      x_refresh_token_expires_in: Math.round((grant.current.expiresMs - now) / 1000),
    };
  }
}
