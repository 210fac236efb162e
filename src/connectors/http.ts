// The authenticated, paced and retried HTTP surface every connector uses (axios underneath).
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { AuthExpired, ProviderUnavailable, QuotaExhausted, RateLimited } from './errors.js';
import type { RateGate } from './rate-gate.js';
import { parseWithSourceText } from './source-text.js';
import type { Connector, OAuthClientConfig, ProviderHttp, RateLimitSpec, RemainingCounts, RemainingWindow, RequestOptions } from './types.js';

/**
 * Supplies a valid access token; `force` after a 401 refreshes even if the token looks fresh, unless `rejected` (the
 * token the 401 answered) has already been replaced: a late 401 on an old token must not spend the refresh token again.
 */
export interface AccessTokenSource {
  accessToken(force?: boolean, rejected?: string): Promise<string>;
}

/** One finished request, for metrics and the sync report (no headers or bodies: they may hold secrets). */
export interface RequestRecord {
  provider: string;
  method: string;
  path: string;
  status: number | null;
  attempt: number;
  ms: number;
}

export interface ProviderHttpOptions {
  connector: Connector;
  client: OAuthClientConfig;
  externalTenantId: string;
  tokens: AccessTokenSource;
  gate: RateGate;
  /** Retries for 5xx and network errors (429s are waited out separately, up to `maxThrottleRetries`). */
  maxRetries?: number;
  maxThrottleRetries?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRequest?: (record: RequestRecord) => void;
  /** An axios instance to share connection pools (benchmarks); created when absent. */
  axios?: AxiosInstance;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Seconds or an HTTP date, as RFC 9110 allows for Retry-After. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

/**
 * axios's own JSON handling (parse when it parses, else keep the text), plus the source text of each record at
 * `records` for raw payload storage.
 */
function parseBody(records: RequestOptions['records']) {
  return (data: unknown): unknown => {
    if (typeof data !== 'string' || data === '') return data;
    try {
      return records ? parseWithSourceText(data, records) : JSON.parse(data);
    } catch {
      return data;
    }
  };
}

function toHeaders(response: AxiosResponse): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined || value === null) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : String(value));
  }
  return headers;
}

/** Exponential backoff with full jitter (AWS architecture blog): spreads retries of many workers apart. */
export function backoffMs(attempt: number, random: () => number, baseMs = 500, capMs = 30_000): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}

export function createProviderHttp(options: ProviderHttpOptions): ProviderHttp {
  const { connector, client, externalTenantId, tokens, gate } = options;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const maxRetries = options.maxRetries ?? 5;
  const maxThrottleRetries = options.maxThrottleRetries ?? 8;
  const instance = options.axios ?? axios.create();
  const baseURL = connector.apiBaseUrl(client);
  const gateKey = `${connector.provider}:${externalTenantId}`;

  async function request<T>(method: 'GET' | 'POST' | 'PUT', path: string, body: unknown, opts: RequestOptions = {}) {
    let attempt = 0;
    let throttled = 0;
    let refreshed = false;
    // The token the last attempt was sent with: a 401 names it when asking for a new one.
    let sentWith: string | undefined;
    for (;;) {
      attempt++;
      const release = await gate.acquire(gateKey, connector.provider, connector.rateLimits);
      const started = Date.now();
      let response: AxiosResponse | null = null;
      let networkError: unknown = null;
      try {
        const token = await tokens.accessToken(false);
        sentWith = token;
        response = await instance.request({
          method,
          baseURL,
          url: path,
          params: opts.params,
          data: body,
          timeout: options.timeoutMs ?? 120_000,
          validateStatus: () => true,
          transformResponse: parseBody(opts.records),
          headers: {
            Accept: 'application/json',
            ...connector.defaultHeaders(externalTenantId),
            ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
            ...opts.headers,
            Authorization: `Bearer ${token}`,
          },
        });
      } catch (err) {
        if (err instanceof AuthExpired || err instanceof QuotaExhausted) throw err;
        networkError = err;
      } finally {
        release();
      }
      const status = response?.status ?? null;
      options.onRequest?.({ provider: connector.provider, method, path, status, attempt, ms: Date.now() - started });
      if (response) {
        const counts = remainingCounts(connector.rateLimits, response);
        if (counts) gate.observe(gateKey, connector.provider, connector.rateLimits, counts);
      }

      if (response && status !== null && status >= 200 && status < 300) {
        return { data: response.data as T, headers: toHeaders(response), status };
      }
      if (!response) {
        if (opts.once || attempt > maxRetries) throw new ProviderUnavailable(connector.provider, null, describe(networkError));
        await sleep(backoffMs(attempt, random));
        continue;
      }
      const headers = toHeaders(response);
      const error = connector.classifyError(response.status, response.data, headers);
      if (error instanceof RateLimited) {
        throttled++;
        if (throttled > maxThrottleRetries) throw error;
        const wait = parseRetryAfter(headers.get('retry-after'), Date.now()) ?? error.retryAfterMs;
        gate.pause(gateKey, wait);
        attempt--;
        continue;
      }
      if (error instanceof QuotaExhausted) {
        // Every caller on this company waits for the reset instead of spending requests on 429s.
        gate.pause(gateKey, Math.max(0, error.resetAt.getTime() - Date.now()));
        throw error;
      }
      if (error instanceof AuthExpired && !refreshed) {
        // One forced refresh: the token may have been revoked early or expired in flight.
        refreshed = true;
        await tokens.accessToken(true, sentWith);
        attempt--;
        continue;
      }
      if (error instanceof ProviderUnavailable && !opts.once && attempt <= maxRetries) {
        await sleep(backoffMs(attempt, random));
        continue;
      }
      throw error;
    }
  }

  return {
    get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, undefined, opts),
    post: <T>(path: string, body: unknown, opts?: RequestOptions) => request<T>('POST', path, body, opts),
    put: <T>(path: string, body: unknown, opts?: RequestOptions) => request<T>('PUT', path, body, opts),
  };
}

/** The calls left per window, from the headers the connector declares (none declared, or none sent: null). */
export function remainingCounts(spec: RateLimitSpec, response: AxiosResponse): RemainingCounts | null {
  if (!spec.remainingHeaders) return null;
  const counts: RemainingCounts = {};
  for (const [window, header] of Object.entries(spec.remainingHeaders) as [RemainingWindow, string][]) {
    const value = Number(response.headers[header.toLowerCase()]);
    if (response.headers[header.toLowerCase()] !== undefined && Number.isInteger(value) && value >= 0) counts[window] = value;
  }
  return Object.keys(counts).length ? counts : null;
}

function describe(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return `${err.code}${'message' in err ? `: ${String(err.message)}` : ''}`;
  return err instanceof Error ? err.message : String(err);
}
