// Sage Accounting OAuth 2.0: the v3.1 consent, client credentials in the token form, 5-minute access tokens and rotating 31-day refresh tokens; the business from GET /businesses.
import { AuthExpired, ProviderUnavailable } from '../../src/connectors/errors.js';
import { buildAuthorizeUrl, type OAuthProvider } from '../../src/connectors/oauth.js';
import type { ConnectorAuth, OAuthClientConfig, OAuthTokens } from '../../src/connectors/types.js';
import { API_BASE, PROVIDER, apiBaseUrl, describeError } from './client.js';

export const OAUTH: OAuthProvider = {
  provider: PROVIDER,
  issuer: 'https://oauth.accounting.sage.com',
  // `filter=apiv3.1` picks the v3.1 consent (guides/authenticating/authentication); without a `country` the user picks theirs.
  authorizeUrl: 'https://www.sageone.com/oauth2/auth/central',
  tokenUrl: 'https://oauth.accounting.sage.com/token',
  // full_access: write-back adds attachments and edits contact notes (readonly would refuse both).
  scopes: ['full_access'],
  // refresh_token_expires_in: 2678400 (31 days) is in every token answer; this is the fallback.
  defaultRefreshTokenSeconds: 31 * 86_400,
};

interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  refresh_token_expires_in?: number;
  scope?: string;
  error?: string;
  error_description?: string;
}

/**
 * POST to the token endpoint with client_id and client_secret in the form body, `Accept: application/json` (Sage's
 * authentication guide lists exactly these fields). invalid_grant (code used or older than 60 s, refresh token spent,
 * revoked or past 31 days, redirect mismatch) and invalid_client end the connection: the user reconnects.
 */
async function tokenRequest(client: OAuthClientConfig, form: Record<string, string>, previous?: OAuthTokens, nowMs = Date.now()): Promise<OAuthTokens> {
  let res: Response;
  try {
    res = await fetch(client.endpoints?.token ?? OAUTH.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({ ...form, client_id: client.clientId, client_secret: client.clientSecret }),
    });
  } catch (err) {
    throw new ProviderUnavailable(PROVIDER, null, err instanceof Error ? err.message : String(err));
  }
  const body = (await res.json().catch(() => ({}))) as TokenAnswer;
  if (res.status >= 500) throw new ProviderUnavailable(PROVIDER, res.status, describeError(body) || 'token endpoint failed');
  if (!res.ok || !body.access_token) throw new AuthExpired(PROVIDER, describeError(body) || `token endpoint answered ${res.status}`);
  const refreshToken = body.refresh_token ?? previous?.refreshToken;
  if (!refreshToken) throw new AuthExpired(PROVIDER, 'the token answer carried no refresh token');
  return {
    accessToken: body.access_token,
    refreshToken,
    accessTokenExpiresAt: new Date(nowMs + (body.expires_in ?? 300) * 1000).toISOString(),
    refreshTokenExpiresAt: new Date(nowMs + (body.refresh_token_expires_in ?? OAUTH.defaultRefreshTokenSeconds!) * 1000).toISOString(),
    scope: body.scope ?? previous?.scope ?? null,
  };
}

interface Page<T> {
  $items?: T[];
  $next?: string | null;
}

/** The businesses one login reaches (GET /businesses needs no X-Business), every page of them. */
export async function businessesOf(client: OAuthClientConfig, accessToken: string): Promise<{ id: string; name: string }[]> {
  const out: { id: string; name: string }[] = [];
  let path: string | null = '/businesses?items_per_page=200&attributes=name';
  while (path) {
    const res = await fetch(`${apiBaseUrl(client)}${path}`, { headers: { Accept: 'application/json', Authorization: `Bearer ${accessToken}` } });
    const body = (await res.json().catch(() => null)) as Page<{ id?: string; name?: string; displayed_as?: string }> | null;
    if (res.status === 401) throw new AuthExpired(PROVIDER, describeError(body) || 'GET /businesses was refused');
    if (!res.ok || !body) throw new ProviderUnavailable(PROVIDER, res.status, describeError(body) || 'GET /businesses failed');
    for (const b of body.$items ?? []) if (b.id) out.push({ id: b.id, name: String(b.name ?? b.displayed_as ?? b.id) });
    path = body.$next ?? null;
  }
  return out;
}

async function leadBusiness(client: OAuthClientConfig, accessToken: string): Promise<string | null> {
  const res = await fetch(`${apiBaseUrl(client)}/businesses/lead`, { headers: { Accept: 'application/json', Authorization: `Bearer ${accessToken}` } });
  if (!res.ok) return null;
  const body = (await res.json().catch(() => null)) as { id?: string } | null;
  return body?.id ?? null;
}

export const auth: ConnectorAuth = {
  authorizeUrl: (client, state) => buildAuthorizeUrl(OAUTH, client, state, { filter: 'apiv3.1' }),
  async exchangeCode(client, code) {
    const tokens = await tokenRequest(client, { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri });
    const businesses = await businessesOf(client, tokens.accessToken);
    if (!businesses.length) throw new AuthExpired(PROVIDER, 'this Sage login reaches no business; sign in with the user of the business to connect');
    // One business: that one. Several: the lead business until the user picks another on the Connections page.
    const chosen = businesses.length === 1 ? businesses[0]!.id : ((await leadBusiness(client, tokens.accessToken)) ?? businesses[0]!.id);
    const name = businesses.find((b) => b.id === chosen)?.name;
    return { tokens, externalTenantId: chosen, ...(name && name !== chosen ? { companyName: name } : {}) };
  },
  refresh(client, tokens) {
    return tokenRequest(client, { grant_type: 'refresh_token', refresh_token: tokens.refreshToken }, tokens);
  },
  async tenants(client, tokens) {
    return businessesOf(client, tokens.accessToken);
  },
};

export { API_BASE };
