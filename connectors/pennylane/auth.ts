// Pennylane OAuth 2.0 (partner client, rotating refresh tokens) and the company API token for self-hosted use; the company from GET /me.
import { AuthExpired } from '../../src/connectors/errors.js';
import { getWithToken } from '../../src/connectors/http.js';
import { buildAuthorizeUrl, exchangeCode, refreshTokens, type OAuthProvider } from '../../src/connectors/oauth.js';
import type { ConnectorAuth, OAuthClientConfig, OAuthTokens } from '../../src/connectors/types.js';
import { API_BASE, PROVIDER, apiBaseUrl, classifyError, defaultHeaders } from './client.js';

export const OAUTH: OAuthProvider = {
  provider: PROVIDER,
  issuer: 'https://app.pennylane.com',
  authorizeUrl: 'https://app.pennylane.com/oauth/authorize',
  tokenUrl: 'https://app.pennylane.com/oauth/token',
  // Read customers, invoices (with their payments, categories and appendices), bank transactions; write categories and appendices.
  scopes: ['customers:readonly', 'customer_invoices:all', 'categories:all', 'transactions:readonly'],
  // About 90 days (third-party summaries of the OAuth walkthrough: UNCONFIRMED); each refresh rotates both tokens.
  defaultRefreshTokenSeconds: 90 * 86_400,
};

/** The company behind a token: `{user:{…}, company:{id, name, reg_no}}` (docs: v2 new user profile endpoint). */
export async function companyOf(client: OAuthClientConfig, accessToken: string): Promise<{ id: string; name: string }> {
  // Through the kit's token-time call: a 401 is AuthExpired, a 5xx or a truncated body is retried, never taken for "no company".
  const data = await getWithToken<{ company?: { id?: number | string; name?: string } }>({ provider: PROVIDER, classifyError }, `${client.endpoints?.api ?? API_BASE}/me`, accessToken, { headers: defaultHeaders() });
  const id = data.company?.id;
  if (id === undefined || id === null) throw new AuthExpired(PROVIDER, 'GET /me named no company; connect again from the company (not the firm) account');
  return { id: String(id), name: String(data.company?.name ?? '') };
}

/**
 * A company API token (Settings → Connectivity → Developers) stored in the OAuth shape: no refresh token, an expiry far
 * away. Pennylane sets its own expiry on such tokens; a 401 then means "generate a new token", never a refresh.
 */
export function companyTokenCredentials(token: string): OAuthTokens {
  return { accessToken: token, refreshToken: '', accessTokenExpiresAt: '9999-12-31T00:00:00.000Z', refreshTokenExpiresAt: null, scope: null };
}

export const auth: ConnectorAuth = {
  authorizeUrl: (client, state) => buildAuthorizeUrl(OAUTH, client, state),
  async exchangeCode(client, code, callback) {
    const tokens = await exchangeCode(OAUTH, client, code, callback);
    const company = await companyOf(client, tokens.accessToken);
    return { tokens, externalTenantId: company.id, ...(company.name ? { companyName: company.name } : {}) };
  },
  refresh(client, tokens) {
    if (!tokens.refreshToken) return Promise.reject(new AuthExpired(PROVIDER, 'the company API token was refused; generate a new one in Pennylane (Settings → Connectivity → Developers)'));
    return refreshTokens(OAUTH, client, tokens);
  },
};

export { apiBaseUrl };
