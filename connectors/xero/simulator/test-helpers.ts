// Shared test set-up for the Xero simulator tests: an msw server, a movable clock, and fetch helpers.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createXeroSimulator, type XeroSimulator, type XeroSimulatorOptions } from './index.js';

export const T0 = Date.parse('2026-07-15T10:00:00Z');

/** One msw server per test file; each test installs its own simulator's handlers. */
export function useMsw() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

export type Body = Record<string, unknown> & { pagination?: { page: number; pageSize: number; pageCount: number; itemCount: number } };

export interface Harness {
  sim: XeroSimulator;
  clock: { ms: number; advance(seconds: number): void };
  token: string;
  /** A call on the Accounting API with bearer token and tenant header (null removes one). */
  api(path: string, init?: { method?: string; body?: unknown; token?: string | null; tenant?: string | null; headers?: Record<string, string> }): Promise<Response>;
  json(path: string, init?: Parameters<Harness['api']>[1]): Promise<{ status: number; body: Body; headers: Headers }>;
}

export function harness(server: ReturnType<typeof setupServer>, opts: XeroSimulatorOptions = {}): Harness {
  const clock = {
    ms: T0,
    advance(seconds: number) {
      clock.ms += seconds * 1000;
    },
  };
  // A frozen clock never leaves a rate window, so tests lift the minute limit unless they test it.
  const limits = { perMinute: Number.POSITIVE_INFINITY, ...opts.limits };
  const sim = createXeroSimulator({ clock: () => new Date(clock.ms), ...opts, limits });
  server.use(...sim.handlers);
  const { accessToken } = sim.oauth.connect();
  const h: Harness = {
    sim,
    clock,
    token: accessToken,
    api: (path, init = {}) => {
      const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
      const token = init.token === undefined ? h.token : init.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      const tenant = init.tenant === undefined ? sim.tenantId : init.tenant;
      if (tenant !== null) headers['xero-tenant-id'] = tenant;
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      return fetch(`${sim.baseUrls.api}/${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    },
    json: async (path, init) => {
      const res = await h.api(path, init);
      const text = await res.text();
      let body: Body = {};
      try {
        body = JSON.parse(text) as Body;
      } catch {
        body = { text };
      }
      return { status: res.status, body, headers: res.headers };
    },
  };
  return h;
}

export type Rec = Record<string, unknown>;

/** Milliseconds inside `/Date(1518685950940+0000)/`. */
export function msOf(value: unknown): number {
  const m = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(String(value));
  if (!m) throw new Error(`not a Xero date: ${String(value)}`);
  return Number(m[1]);
}

/** Integer cents of a JSON number, via its decimal text (never float arithmetic). */
export function centsOf(value: unknown): number {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(value));
  if (!m) throw new Error(`not money: ${String(value)}`);
  const c = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -c : c;
}
