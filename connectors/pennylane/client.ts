// Pennylane Company API v2 conventions: host, the 2026 opt-in header, the documented rate limit, and error bodies turned into typed errors.
import { AuthExpired, ProviderRejected, ProviderUnavailable, RateLimited } from '../../src/connectors/errors.js';
import type { OAuthClientConfig, RateLimitSpec } from '../../src/connectors/types.js';

export const PROVIDER = 'pennylane';
export const API_BASE = 'https://app.pennylane.com/api/external/v2';
/** Largest list page (changelogs allow 1000). */
export const PAGE_SIZE = 100;
export const CHANGELOG_PAGE_SIZE = 1000;
/** `id in […]` takes at most 100 ids (reference A4). */
export const IDS_PER_REQUEST = 100;

/**
 * 25 requests per 5 s per token, every endpoint, sandbox too (docs: rate-limiting-1, 2026-02-06). Declared as 5/s and
 * 300/min: the gate spaces starts evenly (about 4.5 a second with the headroom), which never puts more than 25 in any
 * 5 seconds. Pennylane documents no concurrency cap; 5 keeps a burst of re-reads from queueing behind slow pages.
 * After a 429 the HTTP layer waits `retry-after` (seconds) before anything else starts.
 */
export const RATE_LIMITS: RateLimitSpec = { perSecond: 5, perMinute: 300, concurrent: 5, defaultBackoffMs: 5_000, headroom: 0.95 };

export const apiBaseUrl = (client: OAuthClientConfig) => client.endpoints?.api ?? API_BASE;
/**
 * The 2026 behaviour (cursor pagination everywhere, `-id` default sort, split ledger scopes) is the only one from
 * 1 July 2026; the header opts in on every call (docs: 2026-api-changes-guide).
 */
export const defaultHeaders = (): Record<string, string> => ({ Accept: 'application/json', 'X-Use-2026-API-Changes': 'true' });

function detailOf(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 200);
  if (!body || typeof body !== 'object') return '';
  const b = body as Record<string, unknown>;
  const details = b['details'] && typeof b['details'] === 'object' ? (b['details'] as Record<string, unknown>) : null;
  const head = String(b['message'] ?? b['error'] ?? '');
  return details ? `${head} (${String(details['field'] ?? '')}: ${String(details['issue'] ?? '')})` : head;
}

/** The documented body is `{error, message, details}`; some endpoints answer `{error, status}` and a 429 is plain text. */
export function classifyError(status: number, body: unknown, headers: Headers): Error {
  const detail = detailOf(body) || `HTTP ${status}`;
  if (status === 429) {
    const retry = Number(headers.get('retry-after'));
    const reset = Number(headers.get('ratelimit-reset'));
    const wait = Number.isFinite(retry) && retry > 0 ? retry * 1000 : Number.isFinite(reset) && reset > 0 ? Math.max(1000, reset * 1000 - Date.now()) : RATE_LIMITS.defaultBackoffMs;
    return new RateLimited(PROVIDER, wait);
  }
  if (status === 401) return new AuthExpired(PROVIDER, detail);
  if (status === 403) return new AuthExpired(PROVIDER, `missing permission: ${detail} (reconnect and grant the scopes Relance asks for)`);
  if (status >= 500) return new ProviderUnavailable(PROVIDER, status, detail);
  return new ProviderRejected(PROVIDER, status, detail);
}

/** A changelog cursor too old for the 4-week retention: the stream must scan everything again. */
export const isExpiredChangelog = (err: unknown) => err instanceof ProviderRejected && err.provider === PROVIDER && err.status === 422;
