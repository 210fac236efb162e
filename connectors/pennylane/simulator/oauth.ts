// Pennylane OAuth 2.0 on the kit's server: partner client, 24 h access tokens, refresh tokens that rotate on every use and die at once.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { OAuthServer as KitOAuthServer } from '../../../src/simulator/oauth.js';
import type { PennylaneLimits } from './types.js';

const grantExtra = z.object({ userId: z.number(), companyId: z.number() });

/** Scopes a collections add-on asks for (reference A1), space-separated as Pennylane's authorize URL takes them. */
export const DEFAULT_SCOPE = 'customers:readonly customer_invoices:all categories:all transactions:readonly';
const unique = (serial: number, bytes = 24) => `${serial.toString(36)}${randomBytes(bytes).toString('base64url')}`;

export class OAuthServer extends KitOAuthServer<z.infer<typeof grantExtra>> {
  constructor(o: { clientId: string; clientSecret: string; companyId: number; now: () => number; limits: () => PennylaneLimits }) {
    super({
      clientId: o.clientId,
      clientSecret: o.clientSecret,
      now: o.now,
      // "Each refresh returns a new pair and invalidates both old tokens" (GAC oauth.py): rotation on every use, no grace.
      lifetimes: () => ({ ...o.limits(), refreshRotationSec: 0 }),
      defaultScope: DEFAULT_SCOPE,
      extra: grantExtra,
      newGrant: () => ({ userId: 12_345, companyId: o.companyId }),
      values: {
        code: (_n, serial) => unique(serial, 16),
        access: (_g, _n, _t, serial) => unique(serial),
        refresh: (_n, serial) => unique(serial),
      },
      tokenBody: (t) => ({ access_token: t.accessToken, token_type: 'Bearer', expires_in: t.expiresIn, refresh_token: t.refreshToken, scope: t.grant.scope, created_at: Math.floor(t.nowMs / 1000) }),
      // The token endpoint takes client_id/client_secret in the form (reference A1; GH-PL-OAUTH) and Basic alike.
      clientSecretPost: true,
      // PKCE is not documented by Pennylane (UNCONFIRMED): not offered.
      revokeByAccessToken: true,
    });
  }
}
