// Xero OAuth 2.0: granular scopes (apps created from March 2026), the organisation from GET /connections.
import { AuthExpired } from '../../src/connectors/errors.js';
import { getWithToken } from '../../src/connectors/http.js';
import { buildAuthorizeUrl, exchangeCode, refreshTokens, type OAuthProvider } from '../../src/connectors/oauth.js';
import type { ConnectorAuth } from '../../src/connectors/types.js';
import { CONNECTIONS_URL, PROVIDER, classifyError } from './client.js';

export const OAUTH: OAuthProvider = {
  provider: PROVIDER,
  issuer: 'https://identity.xero.com',
  authorizeUrl: 'https://login.xero.com/identity/connect/authorize',
  tokenUrl: 'https://identity.xero.com/connect/token',
  // offline_access for a refresh token; granular scopes are mandatory for apps created on/after 2026-03-02.
  scopes: ['offline_access', 'accounting.contacts', 'accounting.invoices', 'accounting.payments', 'accounting.settings.read'],
  defaultRefreshTokenSeconds: 60 * 86_400,
};

interface XeroConnection {
  tenantId: string;
  tenantType: string;
  tenantName?: string | null;
  authEventId?: string;
  updatedDateUtc?: string;
}

export const auth: ConnectorAuth = {
  authorizeUrl: (client, state) => buildAuthorizeUrl(OAUTH, client, state),
  async exchangeCode(client, code, callback) {
    const tokens = await exchangeCode(OAUTH, client, code, callback);
    // Through the common HTTP layer: a refused token, a throttle or an outage comes back as Xero's typed error.
    const data = await getWithToken<XeroConnection[]>({ provider: PROVIDER, classifyError }, client.endpoints?.connections ?? CONNECTIONS_URL, tokens.accessToken);
    // The organisation(s) of this consent: the most recently updated connection first.
    const orgs = (Array.isArray(data) ? data : []).filter((c) => c.tenantType === 'ORGANISATION').sort((a, b) => String(b.updatedDateUtc ?? '').localeCompare(String(a.updatedDateUtc ?? '')));
    const org = orgs[0];
    if (!org) throw new AuthExpired(PROVIDER, 'the consent gave access to no organisation; connect again and pick an organisation');
    return { tokens, externalTenantId: org.tenantId, ...(org.tenantName ? { companyName: org.tenantName } : {}) };
  },
  refresh: (client, tokens) => refreshTokens(OAUTH, client, tokens),
};
