// Sage Accounting API v3.1 conventions: host, the X-Business header, the pace we keep (Sage publishes none), and its error array turned into typed errors.
import { AuthExpired, ProviderRejected, ProviderUnavailable, RateLimited } from '../../src/connectors/errors.js';
import type { OAuthClientConfig, RateLimitSpec } from '../../src/connectors/types.js';

export const PROVIDER = 'sage';
/** v3.1 only: v3 was shut down on 31 July 2026 (developer.sage.com/accounting announcements, 2025-07-21). */
export const API_BASE = 'https://api.accounting.sage.com/v3.1';
/** `items_per_page` takes at most 200 (guides/efficiencies/pagination). */
export const PAGE_SIZE = 200;

/**
 * Sage documents 429 "Too Many Requests" (guides/concepts/response_codes) and publishes no numbers (third-party claims
 * disagree: 100/min and 2,500/day per company, 1,296,000/day; reference B6). We keep to about one request a second per
 * business with two in flight, and wait 30 s after a 429 that names no Retry-After (whether Sage sends one is
 * UNCONFIRMED). The gate key is the business (X-Business), so every worker shares one budget per business.
 */
export const RATE_LIMITS: RateLimitSpec = { perSecond: 1, perMinute: 60, concurrent: 2, defaultBackoffMs: 30_000, headroom: 1 };

export const apiBaseUrl = (client: OAuthClientConfig) => client.endpoints?.api ?? API_BASE;

/**
 * Every call names the business: a token is a user who may reach several, and without X-Business Sage answers for the
 * lead business, which can change (guides/concepts/multi_business; reference B1, pitfall 4).
 */
export const defaultHeaders = (businessId: string): Record<string, string> => ({ Accept: 'application/json', 'X-Business': businessId });

/** `[{"$severity","$dataCode","$message","$source"}]` (Sage's sample apps, issues #9 and #29), or an OAuth `{error}`. */
export function describeError(body: unknown): string {
  if (Array.isArray(body)) {
    return body
      .filter((d): d is Record<string, unknown> => !!d && typeof d === 'object')
      .map((d) => `${String(d['$dataCode'] ?? 'Error')}: ${String(d['$message'] ?? '')}${d['$source'] ? ` (${String(d['$source'])})` : ''}`)
      .join('; ');
  }
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    return String(b['error_description'] ?? b['error'] ?? b['message'] ?? '');
  }
  return typeof body === 'string' ? body.slice(0, 200) : '';
}

export function classifyError(status: number, body: unknown, headers: Headers): Error {
  const detail = describeError(body) || `HTTP ${status}`;
  if (status === 429) {
    const retry = Number(headers.get('retry-after'));
    return new RateLimited(PROVIDER, Number.isFinite(retry) && retry > 0 ? retry * 1000 : RATE_LIMITS.defaultBackoffMs);
  }
  // A token revoked or expired, or an X-Business the user no longer reaches: refreshed once by the HTTP layer, then reconnect.
  if (status === 401) return new AuthExpired(PROVIDER, detail);
  // A role or subscription tier without the feature (Start has no allocation writes; the exact code is UNCONFIRMED).
  if (status === 403) return new ProviderRejected(PROVIDER, status, `${detail} (the Sage user's role or subscription does not allow this)`);
  if (status >= 500) return new ProviderUnavailable(PROVIDER, status, detail);
  return new ProviderRejected(PROVIDER, status, detail);
}
