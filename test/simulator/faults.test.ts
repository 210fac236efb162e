// The kit's faults seen from a client: every kind through fetch against both simulators, behind msw and served for real.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createQuickBooksSimulator, startSimulatorServer as serveQuickBooks, type QuickBooksSimulator } from '../../connectors/quickbooks/simulator/index.js';
import { createXeroSimulator, startSimulatorServer as serveXero, type XeroSimulator } from '../../connectors/xero/simulator/index.js';
import { FaultInjector, MAX_HANG_MS, type FaultKind } from '../../src/simulator/faults.js';
import { createStats, countRequest } from '../../src/simulator/stats.js';

type Sim = QuickBooksSimulator | XeroSimulator;

/** A minimal client of one simulator: a plain API call, one page of a list, and a fresh token. */
interface Client {
  sim: Sim;
  call(signal?: AbortSignal): Promise<Response>;
  page(n: number, size: number): Promise<string[]>;
  reconnect(): void;
}

function quickbooksClient(sim: QuickBooksSimulator): Client {
  // Only injected faults here: Intuit's 10 calls a second would throttle these quick loops.
  sim.liftQuotas();
  let token = sim.oauth.connect().accessToken;
  const get = (path: string, signal?: AbortSignal) =>
    fetch(`${sim.baseUrls.api}/v3/company/${sim.realmId}/${path}${path.includes('?') ? '&' : '?'}minorversion=75`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      ...(signal ? { signal } : {}),
    });
  return {
    sim,
    call: (signal) => get('companyinfo/1', signal),
    page: async (n, size) => {
      const sql = `SELECT * FROM Customer ORDERBY Id STARTPOSITION ${(n - 1) * size + 1} MAXRESULTS ${size}`;
      const body = (await (await get(`query?query=${encodeURIComponent(sql)}`)).json()) as { QueryResponse: { Customer?: { Id: string }[] } };
      return (body.QueryResponse.Customer ?? []).map((c) => c.Id);
    },
    reconnect: () => {
      token = sim.oauth.connect().accessToken;
    },
  };
}

function xeroClient(sim: XeroSimulator): Client {
  sim.liftQuotas();
  let token = sim.oauth.connect().accessToken;
  const get = (path: string, signal?: AbortSignal) =>
    fetch(`${sim.baseUrls.api}/${path}`, { headers: { authorization: `Bearer ${token}`, 'xero-tenant-id': sim.tenantId, accept: 'application/json' }, ...(signal ? { signal } : {}) });
  return {
    sim,
    call: (signal) => get('Organisation', signal),
    page: async (n, size) => {
      const body = (await (await get(`Contacts?page=${n}&pageSize=${size}`)).json()) as { Contacts: { ContactID: string }[] };
      return body.Contacts.map((c) => c.ContactID);
    },
    reconnect: () => {
      token = sim.oauth.connect().accessToken;
    },
  };
}

const SIZE = { customers: 25, invoices: 10 };
const providers = [
  { provider: 'quickbooks', create: () => quickbooksClient(createQuickBooksSimulator(SIZE)), serve: async () => served(await serveQuickBooks(SIZE), quickbooksClient) },
  { provider: 'xero', create: () => xeroClient(createXeroSimulator(SIZE)), serve: async () => served(await serveXero(SIZE), xeroClient) },
];

function served<S extends Sim>(s: { simulator: S; close(): Promise<void> }, client: (sim: S) => Client) {
  return { client: client(s.simulator), close: () => s.close() };
}

// Loopback is the served mode's own server; anything else unhandled is a bug in the test, not a fault.
const server = setupServer();
beforeAll(() =>
  server.listen({
    onUnhandledRequest: (request, print) => {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error();
    },
  }),
);
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Status and whether the body is JSON, or "network" when fetch got no response. */
async function outcome(res: Promise<Response>): Promise<string> {
  try {
    const r = await res;
    const text = await r.text();
    try {
      JSON.parse(text);
      return `${r.status}`;
    } catch {
      return `${r.status} not-json`;
    }
  } catch {
    return 'network';
  }
}

const kinds = (c: Client) => c.sim.faults.injected.map((f) => f.kind);

describe.each(providers)('kit faults on the $provider simulator', ({ create, serve }) => {
  const behindMsw = () => {
    const c = create();
    server.use(...c.sim.handlers);
    return c;
  };

  it('failNext answers the status with the provider error, then the API answers again', async () => {
    const c = behindMsw();
    c.sim.faults.failNext(1, 503);
    expect((await c.call()).status).toBe(503);
    expect((await c.call()).status).toBe(200);
    expect(kinds(c)).toEqual(['fail']);
  });

  it('throttleNext answers 429 and counts it as throttled', async () => {
    const c = behindMsw();
    c.sim.faults.throttleNext(2);
    expect([(await c.call()).status, (await c.call()).status, (await c.call()).status]).toEqual([429, 429, 200]);
    expect(c.sim.stats.throttled).toBe(2);
    expect(c.sim.stats.requests).toBe(3);
  });

  it('timeoutNext hangs past the client timeout; a patient client gets a dropped connection, not an answer', async () => {
    const c = behindMsw();
    c.sim.faults.timeoutNext(2, 300);
    await expect(c.call(AbortSignal.timeout(50))).rejects.toMatchObject({ name: 'TimeoutError' });
    const started = performance.now();
    await expect(c.call()).rejects.toThrow(TypeError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect((await c.call()).status).toBe(200);
    expect(kinds(c)).toEqual(['timeout', 'timeout']);
  });

  it('resetNext makes fetch fail with no response at all', async () => {
    const c = behindMsw();
    c.sim.faults.resetNext(1);
    await expect(c.call()).rejects.toThrow(TypeError);
    expect((await c.call()).status).toBe(200);
  });

  it('resetNext destroys the socket when served over real HTTP, and the next connection works', async () => {
    const { client, close } = await serve();
    try {
      client.sim.faults.resetNext(1);
      const failure = await client.call().catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(TypeError);
      // undici names the socket that closed under it: the reset reached the wire, it was not a 5xx.
      expect(String((failure as TypeError & { cause?: { code?: string } }).cause?.code)).toMatch(/UND_ERR_SOCKET|ECONNRESET/);
      expect((await client.call()).status).toBe(200);
    } finally {
      await close();
    }
  });

  it('truncateNext and malformNext keep status and headers but break the JSON, the one cut, the other complete', async () => {
    const c = behindMsw();
    const whole = await (await c.call()).text();
    c.sim.faults.truncateNext(1);
    c.sim.faults.malformNext(1);
    const cut = await c.call();
    expect(cut.status).toBe(200);
    expect(cut.headers.get('content-type')).toMatch(/json/);
    const cutText = await cut.text();
    expect(() => JSON.parse(cutText)).toThrow();
    expect(cutText.length).toBeLessThan(whole.length * 0.75);
    const malformed = await c.call();
    expect(malformed.status).toBe(200);
    const malformedText = await malformed.text();
    expect(() => JSON.parse(malformedText)).toThrow();
    // Complete: without its stray comma it parses.
    expect(JSON.parse(malformedText.replace(/,(\s*[}\]])\s*$/, '$1'))).toBeTypeOf('object');
    expect(await outcome(c.call())).toBe('200');
  });

  it('duplicatePageNext serves the previous page again, so the page asked for is never seen', async () => {
    const c = behindMsw();
    const truth = [await c.page(1, 5), await c.page(2, 5), await c.page(3, 5)];
    const first = await c.page(1, 5);
    c.sim.faults.duplicatePageNext(1);
    const seen = [first, await c.page(2, 5), await c.page(3, 5)];
    expect(seen).toEqual([truth[0], truth[0], truth[2]]);
    expect(new Set(truth.flat()).size).toBe(15);
  });

  it('swapPagesNext serves the next page first and the skipped one after it', async () => {
    const c = behindMsw();
    const truth = [await c.page(1, 5), await c.page(2, 5), await c.page(3, 5), await c.page(4, 5)];
    const first = await c.page(1, 5);
    c.sim.faults.swapPagesNext(1);
    const seen = [first, await c.page(2, 5), await c.page(3, 5), await c.page(4, 5)];
    expect(seen).toEqual([truth[0], truth[2], truth[1], truth[3]]);
  });

  it('swapPagesNext never swaps a first page: a list that fits one page cannot come out of order (found by npm run chaos)', async () => {
    const c = behindMsw();
    const truth = [await c.page(1, 5), await c.page(2, 5), await c.page(3, 5)];
    c.sim.faults.swapPagesNext(1);
    const seen = [await c.page(1, 5), await c.page(2, 5), await c.page(3, 5)];
    expect(seen).toEqual([truth[0], truth[2], truth[1]]);
  });

  it('expireTokenAfter lets N calls through, then the token is expired mid-sync until the client refreshes', async () => {
    const c = behindMsw();
    c.sim.faults.expireTokenAfter(2);
    const statuses = [(await c.call()).status, (await c.call()).status, (await c.call()).status, (await c.call()).status];
    expect(statuses).toEqual([200, 200, 401, 401]);
    c.reconnect();
    expect((await c.call()).status).toBe(200);
    expect(kinds(c)).toEqual(['expireToken']);
  });

  it('random faults are reproducible for a seed, and another seed gives others', async () => {
    const run = async (seed: number) => {
      const c = behindMsw();
      c.sim.faults.random({ seed, rate: 0.4, kinds: ['fail', 'throttle', 'reset', 'truncate', 'malform', 'expireToken'] });
      const outcomes: string[] = [];
      for (let i = 0; i < 40; i++) {
        const o = await outcome(c.call());
        if (o.startsWith('401')) c.reconnect();
        outcomes.push(o);
      }
      return { outcomes, injected: c.sim.faults.injected.map((f) => `${f.call}:${f.kind}`) };
    };
    const a = await run(7);
    expect(await run(7)).toEqual(a);
    expect((await run(8)).outcomes).not.toEqual(a.outcomes);
    expect(a.injected.length).toBeGreaterThan(5);
    expect(a.injected.length).toBeLessThan(30);
    expect(new Set(a.outcomes).size).toBeGreaterThanOrEqual(4);
    // The log names calls that went wrong: a call it does not name answered normally.
    const named = new Set(a.injected.map((s) => Number(s.split(':')[0])));
    a.outcomes.forEach((o, i) => {
      if (!named.has(i + 1)) expect(o).toBe('200');
    });
  });

  it('clear forgets pending faults and stops random draws', async () => {
    const c = behindMsw();
    c.sim.faults.failNext(3, 500);
    c.sim.faults.random({ seed: 1, rate: 1, kinds: ['reset'] });
    c.sim.faults.clear();
    expect(await outcome(c.call())).toBe('200');
    expect(c.sim.faults.injected).toEqual([]);
  });
});

describe('kit fault internals', () => {
  it('bounds a hang, and ends it when the caller gives up', async () => {
    vi.useFakeTimers();
    try {
      const faults = new FaultInjector(() => undefined);
      let ended = false;
      void faults.hang(10 * MAX_HANG_MS).then(() => (ended = true));
      await vi.advanceTimersByTimeAsync(MAX_HANG_MS - 1);
      expect(ended).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(ended).toBe(true);
      const gone = new AbortController();
      let aborted = false;
      void faults.hang(60_000, gone.signal).then(() => (aborted = true));
      gone.abort();
      await vi.advanceTimersByTimeAsync(0);
      expect(aborted).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('draws every kind it is given, from the seed alone', () => {
    const draw = (seed: number) => {
      const f = new FaultInjector(() => undefined);
      f.controls.random({ seed, rate: 1 });
      const seen: (FaultKind | undefined)[] = [];
      for (let i = 0; i < 200; i++) {
        f.begin();
        seen.push(f.take()?.kind);
        f.pageOffset('list', 10, 5);
      }
      return f.controls.injected.map((x) => x.kind);
    };
    const kinds = draw(3);
    expect(draw(3)).toEqual(kinds);
    // All but timeout by default: its hang would dominate a run.
    expect(new Set(kinds)).toEqual(new Set(['fail', 'throttle', 'reset', 'truncate', 'malform', 'duplicatePage', 'swapPages', 'expireToken']));
  });

  it('stats keep a provider extra and reset it with the rest', () => {
    const stats = createStats(() => ({ withIfModifiedSince: 0, minorVersions: {} as Record<string, number> }));
    countRequest(stats, 'GET /Invoices');
    countRequest(stats, 'GET /Invoices');
    stats.withIfModifiedSince = 3;
    stats.minorVersions['75'] = 1;
    expect(stats).toMatchObject({ requests: 2, byRoute: { 'GET /Invoices': 2 }, withIfModifiedSince: 3 });
    stats.reset();
    expect(stats).toMatchObject({ requests: 0, throttled: 0, maxConcurrent: 0, byRoute: {}, withIfModifiedSince: 0, minorVersions: {} });
  });
});
