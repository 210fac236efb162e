// Sage Accounting OAuth 2.0 on the kit's server: 5-minute access tokens, 31-day refresh tokens rotating on every use, one user reaching several businesses.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { OAuthServer as KitOAuthServer } from '../../../src/simulator/oauth.js';
import type { SageLimits } from './types.js';

/** The consenting user and the businesses their login reaches (the first is the lead business). */
const grantExtra = z.object({ userId: z.string(), businesses: z.array(z.string()).min(1), country: z.string() });
export type SageGrant = z.infer<typeof grantExtra>;

const unique = (serial: number, bytes = 24) => `${serial.toString(36)}${randomBytes(bytes).toString('base64url')}`;

export class OAuthServer extends KitOAuthServer<SageGrant> {
  constructor(o: { clientId: string; clientSecret: string; userId: string; businesses: () => string[]; now: () => number; limits: () => SageLimits }) {
    super({
      clientId: o.clientId,
      clientSecret: o.clientSecret,
      now: o.now,
      // "Returns a new refresh token" on every refresh (reference B1): rotation on every use; the old one dies at once.
      lifetimes: () => ({ ...o.limits(), refreshRotationSec: 0 }),
      // `readonly` or `full_access`; write-back (attachments, contact notes) needs full_access.
      defaultScope: 'full_access',
      extra: grantExtra,
      newGrant: () => ({ userId: o.userId, businesses: o.businesses(), country: 'GB' }),
      values: {
        // Codes carry the region they were issued in: `GB/…` (reference B1: `?code=GB%2F…&country=GB`).
        code: (_n, serial) => `GB/${unique(serial, 16)}`,
        access: (_g, _n, _t, serial) => unique(serial, 48),
        refresh: (_n, serial) => unique(serial, 48),
      },
      redirectParams: (g) => ({ country: g.extra.country }),
      tokenBody: (t) => ({
        access_token: t.accessToken,
        scope: t.grant.scope,
        token_type: 'bearer',
        expires_in: t.expiresIn,
        refresh_token: t.refreshToken,
        refresh_token_expires_in: t.refreshExpiresIn,
        requested_by_id: t.grant.extra.userId,
      }),
      // The token endpoint takes client_id and client_secret in the form body (reference B1).
      clientSecretPost: true,
      pkce: { methods: ['S256'], whenAbsent: 'S256' },
      // Revoke takes the refresh token; access tokens cannot be revoked, they expire within 5 minutes.
      revokeByAccessToken: false,
    });
  }
}
