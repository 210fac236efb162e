// QuickBooks Online API conventions: hosts, minor version, quotas, paths, and the Fault envelope turned into typed errors.
import { AuthExpired, ProviderRejected, ProviderUnavailable, RateLimited, StaleVersion } from '../../src/connectors/errors.js';
import type { OAuthClientConfig, ProviderHttp, RateLimitSpec } from '../../src/connectors/types.js';

export const PROVIDER = 'quickbooks';
export const API_BASE = 'https://quickbooks.api.intuit.com';
export const SANDBOX_API_BASE = 'https://sandbox-quickbooks.api.intuit.com';
/** Intuit ignores 1–74 since 2025-08-01; sending it explicitly pins behaviour when 76 appears. */
export const MINOR_VERSION = '75';
/** Intuit's query maximum; fewer rows than this means the last page. */
export const PAGE_SIZE = 1000;

/** 500/min per realm, 10 req/s per realm and app, 10 concurrent; wait 60 s after a 429 (Intuit: limits and throttles). */
export const RATE_LIMITS: RateLimitSpec = { perSecond: 10, perMinute: 500, concurrent: 10, defaultBackoffMs: 60_000, headroom: 0.9 };

export const apiBaseUrl = (client: OAuthClientConfig) => client.endpoints?.api ?? API_BASE;
export const defaultHeaders = (): Record<string, string> => ({ Accept: 'application/json' });
export const companyPath = (realmId: string, rest: string) => `/v3/company/${encodeURIComponent(realmId)}/${rest}`;

interface FaultError {
  Message?: string;
  Detail?: string;
  code?: string;
}

/** The Fault envelope, whatever the case of its keys (the gateway sometimes lower-cases them). */
export function faultOf(body: unknown): { type: string; errors: FaultError[] } | null {
  if (!body || typeof body !== 'object') return null;
  const entries = Object.entries(body as Record<string, unknown>);
  const fault = entries.find(([k]) => k.toLowerCase() === 'fault')?.[1];
  if (!fault || typeof fault !== 'object') return null;
  const f = Object.fromEntries(Object.entries(fault as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), v]));
  const raw = Array.isArray(f['error']) ? (f['error'] as Record<string, unknown>[]) : [];
  const errors = raw.map((e) => {
    const l = Object.fromEntries(Object.entries(e).map(([k, v]) => [k.toLowerCase(), v]));
    return { Message: l['message'] as string | undefined, Detail: l['detail'] as string | undefined, code: l['code'] !== undefined ? String(l['code']) : undefined };
  });
  return { type: String(f['type'] ?? ''), errors };
}

export function classifyError(status: number, body: unknown, headers: Headers): Error {
  const fault = faultOf(body);
  const first = fault?.errors[0];
  const code = first?.code ?? '';
  const detail = [first?.Message, first?.Detail].filter(Boolean).join(' — ') || (typeof body === 'string' ? body.slice(0, 200) : `HTTP ${status}`);
  const tid = headers.get('intuit_tid');
  const withTid = tid ? `${detail} (intuit_tid ${tid})` : detail;
  if (status === 429 || code === '3001') return new RateLimited(PROVIDER, RATE_LIMITS.defaultBackoffMs, 'ThrottleExceeded');
  if (code === '5010') return new StaleVersion(PROVIDER, '');
  if (status === 401 || code === '3200' || code === '100') return new AuthExpired(PROVIDER, withTid);
  if (status === 403 || code === '120' || code === '3100') return new AuthExpired(PROVIDER, `authorization failure: ${withTid}`);
  if (status >= 500) return new ProviderUnavailable(PROVIDER, status, withTid);
  return new ProviderRejected(PROVIDER, status, `${code ? `[${code}] ` : ''}${withTid}`);
}

/** Intuit sometimes answers 200 with a Fault: treat it like the error it is. */
export function assertNoFault(body: unknown, headers: Headers): void {
  if (faultOf(body)) throw classifyError(400, body, headers);
}

/** Runs one query statement; a missing entity key is an empty page. */
export async function query<T = Record<string, unknown>>(http: ProviderHttp, realmId: string, entity: string, statement: string, opts: { deferRecords?: boolean } = {}): Promise<T[]> {
  const { data, headers } = await http.get<{ QueryResponse?: Record<string, unknown> }>(companyPath(realmId, 'query'), {
    params: { query: statement, minorversion: MINOR_VERSION },
    records: ['QueryResponse', entity],
    ...(opts.deferRecords ? { deferRecords: true } : {}),
  });
  assertNoFault(data, headers);
  const rows = data.QueryResponse?.[entity];
  return Array.isArray(rows) ? (rows as T[]) : [];
}

/** Quotes a value for Intuit's SQL (backslash-escaped single quotes). */
export const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
