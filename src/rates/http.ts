// A small axios client for the rate publishers: a timeout per request, a few retries with backoff, and typed failures.
import axios, { type AxiosInstance } from 'axios';

/** The publisher could not be reached or answered an error; the next scheduled refresh tries again. */
export class PublisherUnavailable extends Error {
  constructor(readonly publisher: string, readonly url: string, reason: string) {
    super(`${publisher} is unavailable (${reason}); nothing was stored, the next refresh tries again`);
    this.name = 'PublisherUnavailable';
  }
}

export interface RateHttpOptions {
  timeoutMs?: number;
  retries?: number;
  /** Delay before retry n (1-based). */
  backoffMs?: (attempt: number) => number;
}

export interface RateHttp {
  /** The body as text, or null when the publisher says there is no data for the query (HTTP 404). */
  get(publisher: string, url: string, params: Record<string, string>, accept: string, headers?: Record<string, string>): Promise<string | null>;
}

export function createRateHttp(options: RateHttpOptions = {}, instance: AxiosInstance = axios.create()): RateHttp {
  const retries = options.retries ?? 2;
  const backoff = options.backoffMs ?? ((n: number) => 500 * 2 ** (n - 1));
  return {
    async get(publisher, url, params, accept, headers = {}) {
      let last = '';
      for (let attempt = 0; attempt <= retries; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, backoff(attempt)));
        try {
          const res = await instance.get<string>(url, {
            params,
            headers: { ...headers, accept, 'user-agent': 'relance (reference-rate refresh)' },
            timeout: options.timeoutMs ?? 15_000,
            responseType: 'text',
            transformResponse: (x: unknown) => x,
            validateStatus: () => true,
          });
          if (res.status === 404) return null;
          if (res.status >= 200 && res.status < 300) return typeof res.data === 'string' ? res.data : String(res.data);
          last = `HTTP ${res.status}`;
          // A refused query will be refused again: only server-side and throttling answers are retried.
          if (res.status < 500 && res.status !== 429) break;
        } catch (err) {
          last = err instanceof Error ? err.message || err.name : String(err);
        }
      }
      throw new PublisherUnavailable(publisher, url, last);
    },
  };
}
