// OAuth 2.0 authorization-code and refresh grants shared by every connector, on oauth4webapi (RFC-exact, fetch-based, runs on the edge too).
import * as oauth from 'oauth4webapi';
import { AuthExpired, ProviderUnavailable } from './errors.js';
import type { OAuthClientConfig, OAuthTokens } from './types.js';

/** A provider's OAuth endpoints and scopes, declared in connectors/<provider>/auth.ts. */
export interface OAuthProvider {
  provider: string;
  issuer: string;
  authorizeUrl: string;
  tokenUrl: string;
  scopes: readonly string[];
  /** Refresh-token lifetime when the provider does not say it in the response. */
  defaultRefreshTokenSeconds?: number;
}

const endpointsOf = (p: OAuthProvider, client: OAuthClientConfig) => ({
  authorize: client.endpoints?.authorize ?? p.authorizeUrl,
  token: client.endpoints?.token ?? p.tokenUrl,
});

function server(p: OAuthProvider, client: OAuthClientConfig): oauth.AuthorizationServer {
  const e = endpointsOf(p, client);
  return { issuer: p.issuer, authorization_endpoint: e.authorize, token_endpoint: e.token };
}

/** Loopback simulators speak plain HTTP; anything else must be HTTPS. */
function requestOptions(client: OAuthClientConfig, p: OAuthProvider) {
  const insecure = /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(endpointsOf(p, client).token);
  return insecure ? { [oauth.allowInsecureRequests]: true } : {};
}

export function buildAuthorizeUrl(p: OAuthProvider, client: OAuthClientConfig, state: string, extra: Record<string, string> = {}): string {
  const url = new URL(endpointsOf(p, client).authorize);
  url.searchParams.set('client_id', client.clientId);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', p.scopes.join(' '));
  url.searchParams.set('redirect_uri', client.redirectUri);
  url.searchParams.set('state', state);
  for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
  return url.toString();
}

function toTokens(p: OAuthProvider, res: oauth.TokenEndpointResponse, nowMs: number, previous?: OAuthTokens): OAuthTokens {
  if (!res.refresh_token && !previous?.refreshToken) throw new AuthExpired(p.provider, 'the token response carried no refresh token (is offline access granted?)');
  const refreshSeconds = typeof res['x_refresh_token_expires_in'] === 'number' ? res['x_refresh_token_expires_in'] : p.defaultRefreshTokenSeconds;
  return {
    accessToken: res.access_token,
    refreshToken: res.refresh_token ?? previous!.refreshToken,
    accessTokenExpiresAt: new Date(nowMs + (res.expires_in ?? 3600) * 1000).toISOString(),
    refreshTokenExpiresAt: refreshSeconds ? new Date(nowMs + refreshSeconds * 1000).toISOString() : (previous?.refreshTokenExpiresAt ?? null),
    scope: res.scope ?? previous?.scope ?? null,
  };
}

function translate(p: OAuthProvider, err: unknown): Error {
  if (err instanceof oauth.ResponseBodyError) {
    if (err.error === 'invalid_grant' || err.error === 'invalid_client' || err.error === 'unauthorized_client') {
      return new AuthExpired(p.provider, `${err.error}${err.error_description ? `: ${err.error_description}` : ''}`);
    }
    if (err.status >= 500) return new ProviderUnavailable(p.provider, err.status, err.error);
    return new AuthExpired(p.provider, err.error);
  }
  if (err instanceof oauth.WWWAuthenticateChallengeError) return new AuthExpired(p.provider, err.message);
  if (err instanceof oauth.OperationProcessingError && err.cause instanceof Response && err.cause.status >= 500) {
    return new ProviderUnavailable(p.provider, err.cause.status, err.message);
  }
  if (err instanceof AuthExpired) return err;
  return new ProviderUnavailable(p.provider, null, err instanceof Error ? err.message : String(err));
}

/** Exchanges the callback's code (the caller has already checked `state` against its session). */
export async function exchangeCode(p: OAuthProvider, client: OAuthClientConfig, code: string, callback: Record<string, string>, nowMs = Date.now()): Promise<OAuthTokens> {
  const as = server(p, client);
  const c: oauth.Client = { client_id: client.clientId };
  try {
    const params = oauth.validateAuthResponse(as, c, new URLSearchParams({ ...callback, code }), oauth.skipStateCheck);
    const response = await oauth.authorizationCodeGrantRequest(as, c, oauth.ClientSecretBasic(client.clientSecret), params, client.redirectUri, oauth.nopkce, requestOptions(client, p));
    return toTokens(p, await oauth.processAuthorizationCodeResponse(as, c, response), nowMs);
  } catch (err) {
    throw translate(p, err);
  }
}

/** Spends the refresh token; the provider may rotate it, so the result must be saved before use. */
export async function refreshTokens(p: OAuthProvider, client: OAuthClientConfig, tokens: OAuthTokens, nowMs = Date.now()): Promise<OAuthTokens> {
  const as = server(p, client);
  const c: oauth.Client = { client_id: client.clientId };
  try {
    const response = await oauth.refreshTokenGrantRequest(as, c, oauth.ClientSecretBasic(client.clientSecret), tokens.refreshToken, requestOptions(client, p));
    return toTokens(p, await oauth.processRefreshTokenResponse(as, c, response), nowMs, tokens);
  } catch (err) {
    throw translate(p, err);
  }
}
