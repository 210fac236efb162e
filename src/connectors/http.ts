// The authenticated, paced and retried HTTP surface every connector uses (axios underneath).
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { AuthExpired, NotConnected, ProviderRejected, ProviderUnavailable, QuotaExhausted, RateLimited } from './errors.js';
import type { RateGate } from './rate-gate.js';
import { bytesText, parseDeferringRecords, parseWithSourceText } from '../json/source-text.js';
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
/** Forced token refreshes one request may ask for after 401s (see the AuthExpired branch below). */
const MAX_FORCED_REFRESHES = 5;

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
/** A body that looked like JSON (or was declared so) and did not parse: truncated on the way, or malformed. */
class UnparsableBody {
  constructor(readonly reason: string) {}
}

/**
 * Reads a JSON answer from its bytes (axios hands every body over as bytes: see `asBytes` for why; a text, from an
 * adapter that gives one, is read the same way). A body that is not JSON stays text, for the connector's classifyError.
 */
function parseBody(records: RequestOptions['records'], deferRecords = false) {
  return (data: unknown, headers?: Record<string, unknown>): unknown => {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data instanceof ArrayBuffer ? Buffer.from(data) : data;
    if (!Buffer.isBuffer(bytes)) return data;
    if (bytes.length === 0) return '';
    try {
      return records ? (deferRecords ? parseDeferringRecords(bytes, records) : parseWithSourceText(bytes, records)) : JSON.parse(bytesText(bytes));
    } catch (err) {
      // An error page in HTML or plain text stays text, for the connector's classifyError to read. A body that says
      // it is JSON, or starts as JSON, and does not parse must never pass for an answer: read as a page, it would be
      // an empty one and end the stream early, silently dropping every record after it.
      const text = bytesText(bytes);
      const declared = String(headers?.['content-type'] ?? '').includes('json');
      return declared || /^\s*[[{]/.test(text) ? new UnparsableBody(err instanceof Error ? err.message : String(err)) : text;
    }
  };
}

/**
 * Every answer is read as bytes and decoded here, not by axios: a JSON body is mostly ASCII, which `bytesText` reads as
 * Latin-1 (a copy) where axios decoded UTF-8 (3.8 µs per 2 KB QuickBooks invoice), and a deferred page's records keep
 * their bytes as they came.
 */
const asBytes = { responseType: 'arraybuffer' as const };

/** A document's bytes as they came; an error answer (not 2xx, or a JSON body) is read as text or JSON, for classifyError. */
function binaryBody(records: RequestOptions['records']) {
  const parse = parseBody(records);
  return (data: unknown, headers?: Record<string, unknown>, status?: number): unknown => {
    if (!(data instanceof ArrayBuffer) && !Buffer.isBuffer(data)) return data;
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data);
    const failed = status !== undefined && (status < 200 || status >= 300);
    return failed || String(headers?.['content-type'] ?? '').includes('json') ? parse(bytes, headers) : new Uint8Array(bytes);
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
    if (opts.anonymous && !sameOrigin(path, baseURL)) throw new ProviderRejected(connector.provider, 0, `refused to follow a public link outside ${new URL(baseURL).origin}: ${path.slice(0, 120)}`);
    let attempt = 0;
    let throttled = 0;
    let refreshes = 0;
    let refusedFresh = 0;
    let refreshedTo: string | undefined;
    // The token the last attempt was sent with: a 401 names it when asking for a new one.
    let sentWith: string | undefined;
    for (;;) {
      attempt++;
      const release = await gate.acquire(gateKey, connector.provider, connector.rateLimits);
      const started = Date.now();
      let response: AxiosResponse | null = null;
      let networkError: unknown = null;
      try {
        const token = opts.anonymous ? undefined : await tokens.accessToken(false);
        sentWith = token;
        response = await instance.request({
          method,
          baseURL,
          url: path,
          params: opts.params,
          data: body,
          timeout: options.timeoutMs ?? 120_000,
          validateStatus: () => true,
          ...asBytes,
          transformResponse: opts.binary ? binaryBody(opts.records) : parseBody(opts.records, opts.deferRecords),
          headers: {
            Accept: 'application/json',
            ...connector.defaultHeaders(externalTenantId),
            ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
            ...opts.headers,
            ...(token !== undefined ? { Authorization: `Bearer ${token}` } : {}),
          },
        });
      } catch (err) {
        // No usable credentials (none stored, or saved under another secret key): waiting and asking again cannot help.
        if (err instanceof AuthExpired || err instanceof QuotaExhausted || err instanceof NotConnected) throw err;
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

      if (response?.data instanceof UnparsableBody) {
        refreshedTo = undefined;
        // Retried like a dropped connection: the next answer is usually whole.
        const detail = `the answer to ${method} ${path} was not valid JSON (${response.data.reason}): truncated or malformed`;
        if (opts.once || attempt > maxRetries) throw new ProviderUnavailable(connector.provider, status, detail);
        await sleep(backoffMs(attempt, random));
        continue;
      }
      if (response && status !== null && status >= 200 && status < 300) {
        return { data: response.data as T, headers: toHeaders(response), status };
      }
      if (!response) {
        refreshedTo = undefined;
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
      // A fresh token refused on its first use, twice in a row, is the provider's answer (a revoked grant, a company
      // the login no longer reaches): the connection needs reconnecting. Any other 401 asks for a refresh: a token
      // may be revoked early or expire in flight, and a request retried through resets and backoff may outlive the
      // token it got from the last refresh (seen under the chaos suite's faults) without the grant being dead.
      // A public link that asks for credentials is not one: no token is sent to it, so none is refreshed for it.
      if (opts.anonymous && error instanceof AuthExpired) throw new ProviderRejected(connector.provider, response.status, `the public link was refused (${response.status})`);
      if (error instanceof AuthExpired) refusedFresh = sentWith !== undefined && sentWith === refreshedTo ? refusedFresh + 1 : 0;
      // Any other answer means the token was not refused: its next refusal is not one on first use.
      else refreshedTo = undefined;
      if (error instanceof AuthExpired && refusedFresh < 2 && refreshes < MAX_FORCED_REFRESHES) {
        refreshes++;
        refreshedTo = await tokens.accessToken(true, sentWith);
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

/** An absolute https URL (or http on a loopback simulator) on the same origin as the API base. */
function sameOrigin(url: string, base: string): boolean {
  try {
    const u = new URL(url);
    return u.origin === new URL(base).origin && (u.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname));
  } catch {
    return false;
  }
}

function describe(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return `${err.code}${'message' in err ? `: ${String(err.message)}` : ''}`;
  return err instanceof Error ? err.message : String(err);
}

/** What a token-time call needs of its connector: the name its errors carry and the classification of its answers. */
export type AnswerClassifier = Pick<Connector, 'provider' | 'classifyError'>;

export interface TokenCallOptions {
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Retries for 5xx, network errors and unreadable bodies (other answers are final). */
  maxRetries?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  axios?: AxiosInstance;
}

/**
 * One GET with an access token before a company's session exists: the token-time calls ("which organisations did this
 * consent reach?"). There is no company to pace or refresh for yet and the token is seconds old, so no rate gate and no
 * refresh; the answer is handled as every other call's: JSON parsed (a body that says JSON and does not parse is never
 * taken for an answer), network failures and 5xx retried with backoff then ProviderUnavailable, and any other non-2xx
 * turned by the connector's classifyError into its typed error (AuthExpired, RateLimited, ProviderRejected…).
 */
export async function getWithToken<T>(connector: AnswerClassifier, url: string, accessToken: string, options: TokenCallOptions = {}): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const maxRetries = options.maxRetries ?? 2;
  const instance = options.axios ?? axios;
  for (let attempt = 1; ; attempt++) {
    let response: AxiosResponse | null = null;
    let failure: unknown = null;
    try {
      response = await instance.request({
        method: 'GET',
        url,
        timeout: options.timeoutMs ?? 30_000,
        validateStatus: () => true,
        ...asBytes,
        transformResponse: parseBody(undefined),
        headers: { Accept: 'application/json', ...options.headers, Authorization: `Bearer ${accessToken}` },
      });
    } catch (err) {
      failure = err;
    }
    let error: Error;
    if (!response) error = new ProviderUnavailable(connector.provider, null, describe(failure));
    else if (response.data instanceof UnparsableBody) error = new ProviderUnavailable(connector.provider, response.status, `the answer to GET ${url} was not valid JSON (${response.data.reason}): truncated or malformed`);
    else if (response.status >= 200 && response.status < 300) return response.data as T;
    else error = connector.classifyError(response.status, response.data, toHeaders(response));
    if (!(error instanceof ProviderUnavailable) || attempt > maxRetries) throw error;
    await sleep(backoffMs(attempt, random));
  }
}
