// The OAuth 2.0 authorization-code server every provider simulator runs; a provider declares only what differs.
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';

type Body = Record<string, unknown>;

export type OAuthErrorCode = 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_request';
/** Where an error arose: a grant exchange on the token endpoint, or the revocation endpoint. */
export type OAuthErrorSite = 'authorization_code' | 'refresh_token' | 'token' | 'revoke';
export type PkceMethod = 'S256' | 'plain';

export interface TokenReply {
  status: number;
  body: Body;
}

export interface RevokeReply {
  status: number;
  /** null: an empty body. */
  body: Body | null;
}

/** One connection the user consented to; every code and token of it dies with it. */
export interface Grant<E> {
  readonly id: string;
  readonly scope: string;
  revoked: boolean;
  /** The provider's own data on the connection (a realm, a user, the tenants it reaches); plain JSON, so it snapshots. */
  extra: E;
}

/** Lifetimes in seconds, read on every use so a test may shrink them between calls. */
export interface OAuthLifetimes {
  authCodeTtlSec: number;
  accessTokenTtlSec: number;
  refreshTokenTtlSec: number;
  /** The refresh token value changes only once the current one is this old (0: on every use); until then it comes back with a rolling expiry. */
  refreshRotationSec: number;
  /** How long a superseded refresh token keeps working, so a client that lost the answer can retry. */
  refreshGraceSec: number;
}

/** What a successful exchange issued, for the provider's token response body. */
export interface Issued<E> {
  grant: Grant<E>;
  nowMs: number;
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
}

export interface OAuthConfig<E> {
  clientId: string;
  clientSecret: string;
  now: () => number;
  lifetimes: () => OAuthLifetimes;
  /** The scope of a consent that names none. */
  defaultScope: string;
  /** Validates a grant's `extra` on restore. */
  extra: z.ZodType<E>;
  /** The provider's data on a new grant, made when the user consents. */
  newGrant(nowMs: number): E;
  /** Token and code values in the provider's shapes; `serial` grows with every value, so no two repeat. */
  values: {
    code(nowMs: number, serial: number): string;
    access(grant: Grant<E>, nowMs: number, ttlSec: number, serial: number): string;
    refresh(nowMs: number, serial: number): string;
  };
  /** Parameters the consent redirect carries beside `code` and `state`. */
  redirectParams?(grant: Grant<E>): Record<string, string>;
  tokenBody(issued: Issued<E>): Body;
  /** The provider's answer to an error where it is not RFC 6749 §5.2's (401 for invalid_client, else 400, `{error}`). */
  error?(code: OAuthErrorCode, site: OAuthErrorSite): TokenReply | undefined;
  /** RFC 6749 §2.3.1 client_secret_post: credentials in the form body when there is no Basic header. */
  clientSecretPost?: boolean;
  /** RFC 7636, where the provider supports it: accepted methods, and the one assumed when the request names none. */
  pkce?: { methods: readonly PkceMethod[]; whenAbsent: PkceMethod };
  /** Whether revoking an access token ends the grant too (RFC 7009 lets a server accept only refresh tokens). */
  revokeByAccessToken: boolean;
}

export type BearerCheck<E> =
  | { ok: true; grant: Grant<E> }
  | { ok: false; status: 401; reason: 'missing' | 'unknown' | 'revoked' }
  | { ok: false; status: 401; reason: 'expired'; expiredMs: number }
  | { ok: false; status: 403; reason: 'forbidden' };

const snapshotSchema = z.object({
  serial: z.number().int(),
  grants: z.array(z.object({ id: z.string(), scope: z.string(), revoked: z.boolean(), extra: z.unknown(), current: z.string().nullable() })),
  codes: z.array(
    z.object({
      value: z.string(),
      grant: z.string(),
      redirectUri: z.string(),
      expiresMs: z.number(),
      challenge: z.object({ value: z.string(), method: z.enum(['S256', 'plain']) }).nullable(),
    }),
  ),
  refresh: z.array(z.object({ value: z.string(), grant: z.string(), issuedMs: z.number(), expiresMs: z.number(), supersededMs: z.number().nullable() })),
  access: z.array(z.object({ value: z.string(), grant: z.string(), expiresMs: z.number() })),
});
/** Every grant, pending code and token as plain JSON; grants are referred to by id. */
export type OAuthSnapshot = z.infer<typeof snapshotSchema>;

/** In memory, a code or token holds its grant itself, so revoking the grant reaches it. */
type Linked<T, E> = Omit<T, 'grant'> & { grant: GrantState<E> };
/** `supersededMs`: when a successor was issued; the token dies `refreshGraceSec` later. */
type RefreshToken<E> = Linked<OAuthSnapshot['refresh'][number], E>;
type AccessToken<E> = Linked<OAuthSnapshot['access'][number], E>;
type Code<E> = Linked<OAuthSnapshot['codes'][number], E>;
interface GrantState<E> extends Grant<E> {
  /** The refresh token the grant hands out now; null until its code is exchanged. */
  current: RefreshToken<E> | null;
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before base64 (a strict client sends "-" as %2D). */
function formDecode(v: string): string | null {
  try {
    return decodeURIComponent(v.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

function pkceVerifies(challenge: { value: string; method: PkceMethod }, verifier: string | null): boolean {
  if (verifier === null) return false;
  const derived = challenge.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return derived === challenge.value;
}

export class OAuthServer<E> {
  private codes = new Map<string, Code<E>>();
  private access = new Map<string, AccessToken<E>>();
  private refresh = new Map<string, RefreshToken<E>>();
  private grants: GrantState<E>[] = [];
  private serial = 0;

  constructor(private readonly cfg: OAuthConfig<E>) {}

  get clientId(): string {
    return this.cfg.clientId;
  }

  /** The consent page, approved: a new grant and a one-time code, on the redirect URI with `state`. */
  authorize(p: { redirectUri: string; state: string; scope?: string; codeChallenge?: string; codeChallengeMethod?: string }): string {
    const url = new URL(p.redirectUri);
    url.searchParams.set('state', p.state);
    let challenge: Code<E>['challenge'] = null;
    const pkce = this.cfg.pkce;
    if (pkce && p.codeChallenge) {
      const named = p.codeChallengeMethod ?? pkce.whenAbsent;
      const method = pkce.methods.find((m) => m === named);
      if (!method) {
        // RFC 7636 §4.4.1: an unsupported transform goes back to the client on the redirect.
        url.searchParams.set('error', 'invalid_request');
        url.searchParams.set('error_description', 'transform algorithm not supported');
        return url.toString();
      }
      challenge = { value: p.codeChallenge, method };
    }
    const now = this.cfg.now();
    const grant: GrantState<E> = { id: randomUUID(), scope: p.scope ?? this.cfg.defaultScope, revoked: false, extra: this.cfg.newGrant(now), current: null };
    this.grants.push(grant);
    const code: Code<E> = { value: this.cfg.values.code(now, this.serial++), grant, redirectUri: p.redirectUri, expiresMs: now + this.cfg.lifetimes().authCodeTtlSec * 1000, challenge };
    this.codes.set(code.value, code);
    url.searchParams.set('code', code.value);
    for (const [k, v] of Object.entries(this.cfg.redirectParams?.(grant) ?? {})) url.searchParams.set(k, v);
    return url.toString();
  }

  /** The token endpoint: `authorization_code` and `refresh_token` grants from a form body. */
  token(authorization: string | null, form: URLSearchParams): TokenReply {
    const client = this.client(authorization, form);
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') return this.exchangeCode(client, form);
    if (client !== 'confidential') return this.fail('invalid_client', grantType === 'refresh_token' ? 'refresh_token' : 'token');
    if (grantType === 'refresh_token') return this.exchangeRefresh(form);
    return this.fail('unsupported_grant_type', 'token');
  }

  /** RFC 7009 revocation from a form body (`token`): the token's whole grant ends. */
  revoke(authorization: string | null, form: URLSearchParams): RevokeReply {
    if (this.client(authorization, form) !== 'confidential') return this.fail('invalid_client', 'revoke');
    const token = form.get('token');
    if (!token) return this.fail('invalid_request', 'revoke');
    const grant = this.refresh.get(token)?.grant ?? (this.cfg.revokeByAccessToken ? this.access.get(token)?.grant : undefined);
    if (grant) grant.revoked = true;
    return { status: 200, body: null };
  }

  /** A bearer token's grant, or why not; `covers` says whether the grant reaches what the request names (a realm, a tenant). */
  checkBearer(authorization: string | null, covers: (grant: Grant<E>) => boolean = () => true): BearerCheck<E> {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m) return { ok: false, status: 401, reason: 'missing' };
    const at = this.access.get(m[1] as string);
    if (!at) return { ok: false, status: 401, reason: 'unknown' };
    if (at.grant.revoked) return { ok: false, status: 401, reason: 'revoked' };
    if (at.expiresMs <= this.cfg.now()) return { ok: false, status: 401, reason: 'expired', expiredMs: at.expiresMs };
    if (!covers(at.grant)) return { ok: false, status: 403, reason: 'forbidden' };
    return { ok: true, grant: at.grant };
  }

  /** For tests: every access token issued so far is past its expiry (a second ago, so an expiry message reads true). */
  expireAccessTokens(): void {
    const past = this.cfg.now() - 1000;
    for (const at of this.access.values()) at.expiresMs = Math.min(at.expiresMs, past);
  }

  revokeAll(): void {
    for (const g of this.grants) g.revoked = true;
  }

  snapshot(): OAuthSnapshot {
    const unlink = <T extends { grant: GrantState<E> }>(m: Map<string, T>) => [...m.values()].map((x) => ({ ...x, grant: x.grant.id }));
    return {
      serial: this.serial,
      grants: this.grants.map((g) => ({ id: g.id, scope: g.scope, revoked: g.revoked, extra: structuredClone(g.extra), current: g.current?.value ?? null })),
      codes: unlink(this.codes),
      refresh: unlink(this.refresh),
      access: unlink(this.access),
    };
  }

  /** Replaces every grant and token with a snapshot's; throws, changing nothing, when the snapshot does not parse. */
  restore(json: unknown): void {
    const snap = snapshotSchema.parse(json);
    const grants = new Map(snap.grants.map((g): [string, GrantState<E>] => [g.id, { id: g.id, scope: g.scope, revoked: g.revoked, extra: this.cfg.extra.parse(g.extra), current: null }]));
    const held = <T>(map: Map<string, T>, key: string): T => {
      const v = map.get(key);
      if (v === undefined) throw new Error(`OAuth snapshot refers to ${key}, which it does not hold`);
      return v;
    };
    const link = <T extends { value: string; grant: string }>(items: T[]) => new Map(items.map((x) => [x.value, { ...x, grant: held(grants, x.grant) }]));
    const refresh = link(snap.refresh);
    for (const g of snap.grants) held(grants, g.id).current = g.current === null ? null : held(refresh, g.current);
    this.codes = link(snap.codes);
    this.access = link(snap.access);
    this.refresh = refresh;
    this.grants = [...grants.values()];
    this.serial = snap.serial;
  }

  /** Confidential: id and secret match; public: the id alone, which only a PKCE code exchange accepts. */
  private client(authorization: string | null, form: URLSearchParams): 'confidential' | 'public' | null {
    let id: string | null = null;
    let secret: string | null = null;
    const m = /^Basic\s+(.+)$/i.exec(authorization ?? '');
    if (m) {
      const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
      const sep = decoded.indexOf(':');
      if (sep < 0) return null;
      id = formDecode(decoded.slice(0, sep));
      secret = formDecode(decoded.slice(sep + 1));
    } else if (this.cfg.clientSecretPost || this.cfg.pkce) {
      id = form.get('client_id');
      secret = this.cfg.clientSecretPost ? form.get('client_secret') : null;
    }
    if (id !== this.cfg.clientId) return null;
    if (secret === this.cfg.clientSecret) return 'confidential';
    return secret ? null : 'public';
  }

  private exchangeCode(client: 'confidential' | 'public' | null, form: URLSearchParams): TokenReply {
    const now = this.cfg.now();
    const code = this.codes.get(form.get('code') ?? '');
    const pkceOk = code?.challenge ? pkceVerifies(code.challenge, form.get('code_verifier')) : false;
    if (client !== 'confidential' && !(client === 'public' && pkceOk)) return this.fail('invalid_client', 'authorization_code');
    if (!code || code.expiresMs <= now || code.grant.revoked || code.redirectUri !== form.get('redirect_uri') || (code.challenge && !pkceOk)) {
      return this.fail('invalid_grant', 'authorization_code');
    }
    // Single use: a failed attempt above leaves the code for the legitimate one.
    this.codes.delete(code.value);
    code.grant.current = this.newRefreshToken(code.grant, now);
    return this.issue(code.grant.current, now);
  }

  private exchangeRefresh(form: URLSearchParams): TokenReply {
    const now = this.cfg.now();
    const life = this.cfg.lifetimes();
    const rt = this.refresh.get(form.get('refresh_token') ?? '');
    const current = rt?.grant.current;
    if (!rt || !current || rt.grant.revoked || rt.expiresMs <= now || (rt.supersededMs !== null && rt.supersededMs + life.refreshGraceSec * 1000 <= now)) {
      return this.fail('invalid_grant', 'refresh_token');
    }
    // Whichever live token was presented, the grant's current one is what rotates (or rolls).
    if (now - current.issuedMs < life.refreshRotationSec * 1000) {
      current.expiresMs = now + life.refreshTokenTtlSec * 1000;
      return this.issue(current, now);
    }
    current.supersededMs = now;
    rt.grant.current = this.newRefreshToken(rt.grant, now);
    return this.issue(rt.grant.current, now);
  }

  private newRefreshToken(grant: GrantState<E>, now: number): RefreshToken<E> {
    const rt: RefreshToken<E> = { value: this.cfg.values.refresh(now, this.serial++), grant, issuedMs: now, expiresMs: now + this.cfg.lifetimes().refreshTokenTtlSec * 1000, supersededMs: null };
    this.refresh.set(rt.value, rt);
    return rt;
  }

  /** A new access token beside the grant's current refresh token. */
  private issue(rt: RefreshToken<E>, now: number): TokenReply {
    const grant = rt.grant;
    const ttl = this.cfg.lifetimes().accessTokenTtlSec;
    const at: AccessToken<E> = { value: this.cfg.values.access(grant, now, ttl, this.serial++), grant, expiresMs: now + ttl * 1000 };
    this.access.set(at.value, at);
    const body = this.cfg.tokenBody({ grant, nowMs: now, accessToken: at.value, expiresIn: ttl, refreshToken: rt.value, refreshExpiresIn: Math.round((rt.expiresMs - now) / 1000) });
    return { status: 200, body };
  }

  private fail(code: OAuthErrorCode, site: OAuthErrorSite): TokenReply {
    return this.cfg.error?.(code, site) ?? { status: code === 'invalid_client' ? 401 : 400, body: { error: code } };
  }
}
