// Intuit OAuth 2.0 on the kit's server: its token shapes, its bodies, refresh tokens that keep their value for a day.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { OAuthServer as KitOAuthServer } from '../../../src/simulator/oauth.js';
import type { QboLimits } from './types.js';

export const ACCOUNTING_SCOPE = 'com.intuit.quickbooks.accounting';

/** A grant reaches one company; a token used on another realm gets the 403 ApplicationAuthorizationFailed. */
const grantExtra = z.object({ realmId: z.string() });

const b64url = (n: number) => randomBytes(n).toString('base64url');
const alnum = (n: number) => randomBytes(n).toString('hex').slice(0, n).toUpperCase();

export class OAuthServer extends KitOAuthServer<z.infer<typeof grantExtra>> {
  constructor(cfg: { clientId: string; clientSecret: string; realmId: string; now: () => number; limits: () => QboLimits }) {
    super({
      clientId: cfg.clientId,
      clientSecret: cfg.clientSecret,
      now: cfg.now,
      // QboLimits names the rotation age and grace as the kit does (from Intuit's OAuth FAQ).
      lifetimes: cfg.limits,
      defaultScope: ACCOUNTING_SCOPE,
      extra: grantExtra,
      newGrant: () => ({ realmId: cfg.realmId }),
      values: {
        code: (nowMs) => `AB11${Math.floor(nowMs / 1000)}${alnum(40)}`,
        // Intuit's access tokens are JWEs (header `{"enc":"A128CBC-HS256","alg":"dir"}`): opaque to the app.
        access: () => `eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..${b64url(16)}.${b64url(420)}.${b64url(16)}`,
        refresh: (nowMs, serial) => `RT1-${100 + (serial % 900)}-H0-${Math.floor(nowMs / 1000)}${alnum(20).toLowerCase()}`,
      },
      redirectParams: (grant) => ({ realmId: grant.extra.realmId }),
      tokenBody: (t) => ({
        token_type: 'bearer',
        access_token: t.accessToken,
        expires_in: t.expiresIn,
        refresh_token: t.refreshToken,
        x_refresh_token_expires_in: t.refreshExpiresIn,
      }),
      error: (code, site) => (code === 'invalid_grant' && site === 'refresh_token' ? { status: 400, body: { error: code, error_description: 'Incorrect or invalid refresh token' } } : undefined),
      revokeByAccessToken: true,
    });
  }

  /** Validates the authorize request the way the consent page does before redirecting. */
  checkAuthorizeRequest(q: URLSearchParams): string | undefined {
    if (q.get('client_id') !== this.clientId) return 'invalid_client';
    if (q.get('response_type') !== 'code') return 'unsupported_response_type';
    if (!q.get('redirect_uri')) return 'invalid_request';
    if (!q.get('state')) return 'invalid_request';
    const scopes = (q.get('scope') ?? '').split(/\s+/);
    if (!scopes.includes(ACCOUNTING_SCOPE)) return 'invalid_scope';
    return undefined;
  }
}
