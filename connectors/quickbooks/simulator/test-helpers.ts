// Shared test set-up for the QuickBooks simulator tests: an msw server, a movable clock, and fetch helpers.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createQuickBooksSimulator, type QuickBooksSimulator, type QuickBooksSimulatorOptions } from './index.js';

export const T0 = Date.parse('2026-07-15T10:00:00Z');

/** One msw server per test file; each test installs its own simulator's handlers. */
export function useMsw() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

export interface Harness {
  sim: QuickBooksSimulator;
  clock: { ms: number; advance(seconds: number): void };
  token: string;
  /** GET/POST on the company's API path with minorversion=75 and a bearer token. */
  api(path: string, init?: { method?: string; body?: unknown; token?: string | null; minorversion?: string | null; query?: Record<string, string> }): Promise<Response>;
  query(sql: string): Promise<{ status: number; body: Record<string, unknown> }>;
}

export function harness(server: ReturnType<typeof setupServer>, opts: QuickBooksSimulatorOptions = {}): Harness {
  const clock = {
    ms: T0,
    advance(seconds: number) {
      clock.ms += seconds * 1000;
    },
  };
  // A frozen clock never opens a new rate window, so tests lift the windows unless they test them.
  const limits = { perSecond: Number.POSITIVE_INFINITY, perMinute: Number.POSITIVE_INFINITY, ...opts.limits };
  const sim = createQuickBooksSimulator({ clock: () => new Date(clock.ms), ...opts, limits });
  server.use(...sim.handlers);
  const { accessToken } = sim.oauth.connect();
  const h: Harness = {
    sim,
    clock,
    token: accessToken,
    api: (path, init = {}) => {
      const url = new URL(`${sim.baseUrls.api}/v3/company/${sim.realmId}/${path}`);
      if (init.minorversion !== null) url.searchParams.set('minorversion', init.minorversion ?? '75');
      for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
      const headers: Record<string, string> = { accept: 'application/json' };
      const token = init.token === undefined ? h.token : init.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      return fetch(url, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    },
    query: async (sql) => {
      const res = await h.api('query', { query: { query: sql } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
  };
  return h;
}

export type Json = Record<string, unknown>;

export function rows(body: Record<string, unknown>, entity: string): Json[] {
  const qr = body.QueryResponse as Json;
  return (qr[entity] as Json[] | undefined) ?? [];
}
