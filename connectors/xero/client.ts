// Xero API conventions: hosts, tenant header, quotas and their headers, MS-JSON dates, and error bodies turned into typed errors.
import { AuthExpired, ProviderRejected, ProviderUnavailable, QuotaExhausted, RateLimited } from '../../src/connectors/errors.js';
import type { OAuthClientConfig, RateLimitSpec } from '../../src/connectors/types.js';

export const PROVIDER = 'xero';
export const API_BASE = 'https://api.xero.com/api.xro/2.0';
export const CONNECTIONS_URL = 'https://api.xero.com/connections';
/** Largest page Xero serves (pageSize, added to the spec in 2024). */
export const PAGE_SIZE = 1000;
/** The IDs filter stops working past ~52 GUIDs (URL length, Xero-OpenAPI#534). */
export const IDS_PER_REQUEST = 50;

/**
 * Per organisation: 60/min, 5 concurrent, 5,000/day, and 10,000/min for the app (developer.xero.com OAuth 2.0 API
 * limits); Retry-After is sent with 429s. The daily limit depends on the app's pricing tier since 2 March 2026 (1,000 a
 * day on Starter, as reported by Accounting Today; Xero's own tier table was not read in full here), so these are
 * defaults: every answer carries X-DayLimit-Remaining, X-MinLimit-Remaining and X-AppMinLimit-Remaining (same page),
 * and the rate gate paces on them.
 */
export const RATE_LIMITS: RateLimitSpec = {
  perMinute: 60,
  appPerMinute: 10_000,
  concurrent: 5,
  perDay: 5000,
  defaultBackoffMs: 60_000,
  headroom: 0.9,
  remainingHeaders: { perDay: 'x-daylimit-remaining', perMinute: 'x-minlimit-remaining', appPerMinute: 'x-appminlimit-remaining' },
};

export const apiBaseUrl = (client: OAuthClientConfig) => client.endpoints?.api ?? API_BASE;
export const defaultHeaders = (tenantId: string): Record<string, string> => ({ Accept: 'application/json', 'xero-tenant-id': tenantId });

/** `/Date(1780185600000+0000)/` or an ISO string → epoch milliseconds (the number is UTC whatever the offset says). */
export function xeroDateMs(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const ms = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(value);
  if (ms) return Number(ms[1]);
  const iso = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(iso) ? null : iso;
}

/** If-Modified-Since value: UTC, no offset, as in Xero's examples. */
export const ifModifiedSince = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '');

function messages(body: unknown): string {
  if (!body || typeof body !== 'object') return typeof body === 'string' ? body.slice(0, 200) : '';
  const b = body as Record<string, unknown>;
  const elements = Array.isArray(b['Elements']) ? (b['Elements'] as Record<string, unknown>[]) : [];
  const validation = elements.flatMap((e) => (Array.isArray(e['ValidationErrors']) ? (e['ValidationErrors'] as { Message?: string }[]) : [])).map((v) => v.Message).filter(Boolean);
  if (validation.length) return validation.join('; ');
  return String(b['Detail'] ?? b['Message'] ?? b['Title'] ?? b['error'] ?? '');
}

export function classifyError(status: number, body: unknown, headers: Headers): Error {
  const detail = messages(body) || `HTTP ${status}`;
  const problem = headers.get('x-rate-limit-problem')?.toLowerCase() ?? '';
  const retryAfter = Number(headers.get('retry-after'));
  const waitMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : RATE_LIMITS.defaultBackoffMs;
  if (status === 429 && problem === 'day') return new QuotaExhausted(PROVIDER, new Date(Date.now() + waitMs));
  if (status === 429 || (status === 503 && /rate limit/i.test(detail))) return new RateLimited(PROVIDER, waitMs, problem || 'rate');
  if (status === 401) return new AuthExpired(PROVIDER, detail);
  if (status === 403) return new AuthExpired(PROVIDER, `${detail} (the organisation may have been disconnected, or the tenant id changed on reconnect)`);
  if (status >= 500) return new ProviderUnavailable(PROVIDER, status, detail);
  return new ProviderRejected(PROVIDER, status, detail);
}
