// QuickBooks OAuth 2.0: Intuit's endpoints and scope; the company (realmId) comes from the callback.
import { AuthExpired } from '../../src/connectors/errors.js';
import { getWithToken } from '../../src/connectors/http.js';
import { buildAuthorizeUrl, exchangeCode, refreshTokens, type OAuthProvider } from '../../src/connectors/oauth.js';
import type { ConnectorAuth, OAuthClientConfig } from '../../src/connectors/types.js';
import { MINOR_VERSION, PROVIDER, apiBaseUrl, classifyError, companyPath, defaultHeaders } from './client.js';

export const OAUTH: OAuthProvider = {
  provider: PROVIDER,
  issuer: 'https://oauth.platform.intuit.com/op/v1',
  authorizeUrl: 'https://appcenter.intuit.com/connect/oauth2',
  tokenUrl: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
  // One scope covers Customer, Invoice, CreditMemo and Payment, read and write.
  scopes: ['com.intuit.quickbooks.accounting'],
  defaultRefreshTokenSeconds: 100 * 86_400,
};

/**
 * The company's name from CompanyInfo (`GET /v3/company/{realmId}/companyinfo/{realmId}`), to name a company an install
 * creates. A name is a courtesy: when it cannot be read the install goes on without it.
 */
async function companyName(client: OAuthClientConfig, realmId: string, accessToken: string): Promise<{ companyName?: string }> {
  try {
    const url = `${apiBaseUrl(client)}${companyPath(realmId, `companyinfo/${encodeURIComponent(realmId)}`)}?minorversion=${MINOR_VERSION}`;
    const data = await getWithToken<{ CompanyInfo?: { CompanyName?: string } }>({ provider: PROVIDER, classifyError }, url, accessToken, { headers: defaultHeaders(), timeoutMs: 15_000, maxRetries: 1 });
    const name = data.CompanyInfo?.CompanyName?.trim();
    return name ? { companyName: name } : {};
  } catch {
    return {};
  }
}

export const auth: ConnectorAuth = {
  authorizeUrl: (client, state) => buildAuthorizeUrl(OAUTH, client, state),
  async exchangeCode(client, code, callback) {
    const realmId = callback['realmId'];
    if (!realmId) throw new AuthExpired(PROVIDER, 'the callback carried no realmId; start the connection again from the Connections page');
    const tokens = await exchangeCode(OAUTH, client, code, callback);
    return { tokens, externalTenantId: realmId, ...(await companyName(client, realmId, tokens.accessToken)) };
  },
  refresh: (client, tokens) => refreshTokens(OAUTH, client, tokens),
};
