// Xero Identity on the kit's server: JWT-shaped tokens, refresh tokens that rotate on every use, PKCE, and /connections.
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { OAuthServer as KitOAuthServer, type Grant } from '../../../src/simulator/oauth.js';
import type { XeroLimits } from './types.js';

type Json = Record<string, unknown>;

export interface Tenant {
  tenantId: string;
  tenantName: string;
  tenantType: 'ORGANISATION' | 'PRACTICE';
}

/** The user behind a grant and the tenants it reaches: DELETE /connections/{id} removes one. */
const grantExtra = z.object({
  authEventId: z.string(),
  userId: z.string(),
  connections: z.array(z.object({ id: z.string(), tenantId: z.string(), createdMs: z.number(), updatedMs: z.number() })),
});
type XeroGrant = Grant<z.infer<typeof grantExtra>>;

const DEFAULT_SCOPE = 'openid profile email offline_access accounting.contacts accounting.invoices accounting.payments accounting.settings.read';
const b64url = (v: string | Buffer) => Buffer.from(v).toString('base64url');
// Unique without the seeded generator: tokens must not repeat across simulators in one process.
const unique = (serial: number) => `${serial}${randomBytes(12).toString('hex')}`;
const JWT_HEADER = b64url(JSON.stringify({ alg: 'RS256', kid: 'sim', typ: 'JWT' }));
const jwt = (claims: Json) => `${JWT_HEADER}.${b64url(JSON.stringify(claims))}.${b64url(randomBytes(32))}`;

/** The claims both tokens share, as Xero's access tokens carry them (apps decode `authentication_event_id` and `xero_userid`). */
function sessionClaims(grant: XeroGrant, nowMs: number) {
  const sec = Math.floor(nowMs / 1000);
  const sid = grant.id.replace(/-/g, '');
  return { nbf: sec, iss: 'https://identity.xero.com', sub: grant.extra.userId.replace(/-/g, ''), auth_time: sec, xero_userid: grant.extra.userId, global_session_id: sid, sid };
}

export class OAuthServer extends KitOAuthServer<z.infer<typeof grantExtra>> {
  private readonly tenants: Tenant[];

  constructor(o: { clientId: string; clientSecret: string; tenants: Tenant[]; now: () => number; limits: () => XeroLimits }) {
    super({
      clientId: o.clientId,
      clientSecret: o.clientSecret,
      now: o.now,
      // Xero rotates the refresh token on every use; the old one keeps working for the grace period.
      lifetimes: () => ({ ...o.limits(), refreshRotationSec: 0 }),
      defaultScope: DEFAULT_SCOPE,
      extra: grantExtra,
      newGrant: (nowMs) => ({
        authEventId: randomUUID(),
        userId: randomUUID(),
        connections: o.tenants.map((t) => ({ id: randomUUID(), tenantId: t.tenantId, createdMs: nowMs, updatedMs: nowMs })),
      }),
      values: {
        code: (_nowMs, serial) => unique(serial),
        access: (grant, nowMs, ttlSec, serial) => {
          const session = sessionClaims(grant, nowMs);
          return jwt({
            ...session,
            exp: session.nbf + ttlSec,
            aud: 'https://identity.xero.com/resources',
            client_id: o.clientId,
            jti: unique(serial).slice(0, 32),
            authentication_event_id: grant.extra.authEventId,
            scope: grant.scope.split(' '),
            amr: ['pwd'],
          });
        },
        refresh: (_nowMs, serial) => unique(serial).slice(0, 43),
      },
      redirectParams: (grant) => ({ scope: grant.scope, session_state: `ss${randomBytes(12).toString('hex')}` }),
      tokenBody: (t) => {
        const session = sessionClaims(t.grant, t.nowMs);
        const idToken = { ...session, exp: session.nbf + 300, aud: o.clientId, iat: session.nbf, at_hash: 'sim', preferred_username: 'demo@relance.example', email: 'demo@relance.example', given_name: 'Demo', family_name: 'User' };
        return {
          ...(t.grant.scope.split(' ').includes('openid') ? { id_token: jwt(idToken) } : {}),
          access_token: t.accessToken,
          expires_in: t.expiresIn,
          token_type: 'Bearer',
          refresh_token: t.refreshToken,
          scope: t.grant.scope,
        };
      },
      // Xero answers 400 to a bad client, and 200 to a revocation without a token.
      error: (code, site) =>
        code === 'invalid_client' ? { status: 400, body: { error: code } }
        : code === 'invalid_request' && site === 'revoke' ? { status: 200, body: {} }
        : undefined,
      clientSecretPost: true,
      pkce: { methods: ['S256'], whenAbsent: 'S256' },
      // Xero's /connect/revocation takes the refresh token.
      revokeByAccessToken: false,
    });
    this.tenants = o.tenants;
  }

  /** Validates a bearer token: the grant, or the 401 detail Xero gives. */
  authenticate(authorization: string | null): { grant: XeroGrant } | { detail: string } {
    const check = this.checkBearer(authorization);
    if (check.ok) return { grant: check.grant };
    return { detail: check.reason === 'expired' ? `TokenExpired: token expired at ${formatExpiry(check.expiredMs)}` : 'AuthenticationUnsuccessful' };
  }

  hasTenant(grant: XeroGrant, tenantId: string): boolean {
    return grant.extra.connections.some((c) => c.tenantId.toLowerCase() === tenantId.toLowerCase());
  }

  connections(grant: XeroGrant): Json[] {
    return grant.extra.connections.map((c) => {
      const t = this.tenants.find((x) => x.tenantId === c.tenantId) as Tenant;
      return {
        id: c.id,
        authEventId: grant.extra.authEventId,
        tenantId: t.tenantId,
        tenantType: t.tenantType,
        tenantName: t.tenantName,
        createdDateUtc: new Date(c.createdMs).toISOString().replace('Z', ''),
        updatedDateUtc: new Date(c.updatedMs).toISOString().replace('Z', ''),
      };
    });
  }

  disconnect(grant: XeroGrant, connectionId: string): boolean {
    const i = grant.extra.connections.findIndex((c) => c.id === connectionId);
    if (i >= 0) grant.extra.connections.splice(i, 1);
    return i >= 0;
  }
}

/** Xero's 401 detail uses `MM/dd/yyyy HH:mm:ss` (observed in pyxero#337). */
function formatExpiry(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}
