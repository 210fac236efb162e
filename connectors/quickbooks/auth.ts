// QuickBooks OAuth 2.0: Intuit's endpoints and scope; the company (realmId) comes from the callback.
import { AuthExpired } from '../../src/connectors/errors.js';
import { buildAuthorizeUrl, exchangeCode, refreshTokens, type OAuthProvider } from '../../src/connectors/oauth.js';
import type { ConnectorAuth } from '../../src/connectors/types.js';
import { PROVIDER } from './client.js';

export const OAUTH: OAuthProvider = {
  provider: PROVIDER,
  issuer: 'https://oauth.platform.intuit.com/op/v1',
  authorizeUrl: 'https://appcenter.intuit.com/connect/oauth2',
  tokenUrl: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
  // One scope covers Customer, Invoice, CreditMemo and Payment, read and write.
  scopes: ['com.intuit.quickbooks.accounting'],
  defaultRefreshTokenSeconds: 100 * 86_400,
};

export const auth: ConnectorAuth = {
  authorizeUrl: (client, state) => buildAuthorizeUrl(OAUTH, client, state),
  async exchangeCode(client, code, callback) {
    const realmId = callback['realmId'];
    if (!realmId) throw new AuthExpired(PROVIDER, 'the callback carried no realmId; start the connection again from the Connections page');
    const tokens = await exchangeCode(OAUTH, client, code, callback);
    return { tokens, externalTenantId: realmId };
  },
  refresh: (client, tokens) => refreshTokens(OAUTH, client, tokens),
};
