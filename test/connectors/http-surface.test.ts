// The provider HTTP surface against a real local server: what every request carries, how 429s, spent quotas, outages
// and refused tokens are retried or surfaced, what the rate gate is told, and the Retry-After and backoff arithmetic.
import type { IncomingHttpHeaders } from 'node:http';
import type { AxiosResponse } from 'axios';
import { beforeEach, describe, expect, it } from 'vitest';
import { AuthExpired, ProviderRejected, ProviderUnavailable, QuotaExhausted, RateLimited } from '../../src/connectors/errors.js';
import { backoffMs, createProviderHttp, getWithToken, parseRetryAfter, remainingCounts, type AccessTokenSource, type ProviderHttpOptions, type RequestRecord } from '../../src/connectors/http.js';
import { createMemoryRateGate, type RateGate } from '../../src/connectors/rate-gate.js';
import type { Connector, RateLimitSpec, RemainingCounts } from '../../src/connectors/types.js';
import { sourceTextOf } from '../../src/json/source-text.js';
import { useLocalServer } from '../support/local-server.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string | string[]>;
  /** Answer after this many milliseconds. */
  delayMs?: number;
}

/** What the next requests answer, in order; then a 200 with `{"ok":true}`. */
let script: Answer[] = [];
const seen: Seen[] = [];
const local = useLocalServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    const next = script.shift() ?? { status: 200, body: '{"ok":true}' };
    const answer = () => res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers }).end(next.body);
    if (next.delayMs) setTimeout(answer, next.delayMs);
    else answer();
  });
});
beforeEach(() => {
  script = [];
  seen.length = 0;
});

const RESET = new Date('2031-01-01T00:00:00Z');
const rateLimits: RateLimitSpec = { perMinute: 6000, concurrent: 4, defaultBackoffMs: 1000, remainingHeaders: { perDay: 'X-Day-Left', perMinute: 'X-Min-Left' } };
/** Only what the HTTP layer reads from a connector: 401 refused, 429 throttled (body `{"wait": ms}`), 403 quota, 5xx down. */
const connector = {
  provider: 'test',
  rateLimits,
  apiBaseUrl: () => local.base,
  defaultHeaders: (tenant: string) => ({ 'X-Tenant': tenant, Accept: 'application/vnd.overridden' }),
  classifyError: (status: number, body: unknown) => {
    if (status === 401) return new AuthExpired('test', 'token expired');
    if (status === 429) return new RateLimited('test', (body as { wait?: number }).wait ?? 1234);
    if (status === 403) return new QuotaExhausted('test', RESET);
    if (status >= 500) return new ProviderUnavailable('test', status, JSON.stringify(body));
    return new ProviderRejected('test', status, JSON.stringify(body));
  },
} as unknown as Connector;

/** The memory gate, with the pauses and observed counts it was given. */
function recordingGate() {
  const real = createMemoryRateGate();
  const pauses: { key: string; ms: number }[] = [];
  const observed: { key: string; counts: RemainingCounts }[] = [];
  const gate: RateGate = {
    acquire: (key, provider, spec) => real.acquire(key, provider, spec),
    pause: (key, ms) => void pauses.push({ key, ms }),
    observe: (key, _provider, _spec, counts) => void observed.push({ key, counts }),
    close: () => real.close(),
  };
  return { gate, pauses, observed };
}

function httpWith(patch: Partial<ProviderHttpOptions> = {}) {
  const { gate, pauses, observed } = recordingGate();
  const records: RequestRecord[] = [];
  const sleeps: number[] = [];
  const http = createProviderHttp({
    connector,
    client: { clientId: 'c', clientSecret: 's', redirectUri: 'http://x' },
    externalTenantId: 'org-7',
    tokens: { accessToken: async () => 'tok' },
    gate,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    onRequest: (r) => records.push(r),
    ...patch,
  });
  return { http, pauses, observed, records, sleeps };
}
const json = (body: unknown, status = 200, headers?: Record<string, string | string[]>): Answer => ({ status, body: JSON.stringify(body), ...(headers ? { headers } : {}) });

describe('what a request carries', () => {
  it('a GET: the bearer token, Accept JSON (the connector’s own headers may override it), its params, no content type', async () => {
    const { http } = httpWith();
    const answer = await http.get<{ ok: boolean }>('/invoices', { params: { page: 2, where: 'a b' }, headers: { 'X-Extra': 'yes' } });
    expect(answer).toMatchObject({ status: 200, data: { ok: true } });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('GET');
    expect(seen[0]!.url).toBe('/invoices?page=2&where=a+b');
    expect(seen[0]!.headers).toMatchObject({ authorization: 'Bearer tok', 'x-tenant': 'org-7', accept: 'application/vnd.overridden', 'x-extra': 'yes' });
    expect(seen[0]!.headers['content-type']).toBeUndefined();
  });

  it('a POST and a PUT send their JSON body with its content type; the caller’s headers come after the connector’s', async () => {
    const plain = { ...connector, defaultHeaders: () => ({}) } as unknown as Connector;
    const { http } = httpWith({ connector: plain });
    await http.post('/notes', { text: 'é' }, { headers: { 'Idempotency-Key': 'k1' } });
    await http.put('/notes/1', { text: 'b' });
    expect(seen.map((s) => [s.method, s.url, s.body, s.headers['content-type']])).toEqual([
      ['POST', '/notes', '{"text":"é"}', 'application/json'],
      ['PUT', '/notes/1', '{"text":"b"}', 'application/json'],
    ]);
    expect(seen[0]!.headers).toMatchObject({ accept: 'application/json', 'idempotency-key': 'k1', authorization: 'Bearer tok' });
  });

  it('the answer’s headers come back, a repeated one joined, and each request is reported without headers or body', async () => {
    script = [json({ id: 1 }, 201, { 'set-cookie': ['a=1', 'b=2'], 'x-request-id': 'r-9' })];
    const { http, records } = httpWith();
    const { headers, status } = await http.post('/things', { x: 1 });
    expect(status).toBe(201);
    expect(headers.get('x-request-id')).toBe('r-9');
    expect(headers.get('set-cookie')).toBe('a=1, b=2');
    expect(records).toEqual([{ provider: 'test', method: 'POST', path: '/things', status: 201, attempt: 1, ms: expect.any(Number) }]);
    expect(records[0]!.ms).toBeGreaterThanOrEqual(0);
    expect(records[0]!.ms).toBeLessThan(30_000);
  });

  it('a record path keeps each record’s text as it came; without one, nothing is kept', async () => {
    const text = '{"items":[{"id":1,  "n":"a"},{"id":2}]}';
    script = [{ status: 200, body: text }, { status: 200, body: text }];
    const { http } = httpWith();
    const { data } = await http.get<{ items: object[] }>('/items', { records: ['items'] });
    expect(data.items.map((r) => sourceTextOf(r))).toEqual(['{"id":1,  "n":"a"}', '{"id":2}']);
    const plain = await http.get<{ items: object[] }>('/items');
    expect(sourceTextOf(plain.data.items[0])).toBeUndefined();
  });

  it('an empty body stays empty, and a text answer that is no JSON stays text', async () => {
    script = [{ status: 204, body: '' }, { status: 200, body: 'plain words', headers: { 'content-type': 'text/plain' } }];
    const { http } = httpWith();
    expect((await http.put('/x', { a: 1 })).data).toBe('');
    expect((await http.get('/y')).data).toBe('plain words');
  });

  it('a document request answered with JSON (200) gives the parsed JSON, not bytes', async () => {
    script = [json({ Invoice: { Id: '9' } })];
    const { http } = httpWith();
    const { data } = await http.get('/invoice/9/pdf', { binary: true });
    expect(data).toEqual({ Invoice: { Id: '9' } });
  });
});

describe('bodies that are not what they say', () => {
  it('a body declared JSON that does not parse is retried, even when it does not start like JSON (a string cut short)', async () => {
    script = [{ status: 200, body: '"cut sh' }];
    const { http } = httpWith();
    expect((await http.get('/x')).data).toEqual({ ok: true });
    expect(seen).toHaveLength(2);
  });

  it('an undeclared body is JSON when it starts like JSON, blanks before it allowed; any other text stays text, braces and all', async () => {
    script = [{ status: 200, body: '  \n {"items":[', headers: { 'content-type': 'text/plain' } }];
    const { http } = httpWith();
    expect((await http.get('/x')).data).toEqual({ ok: true });
    expect(seen).toHaveLength(2);
    script = [{ status: 200, body: 'ok {see the docs} [1]', headers: { 'content-type': 'text/plain' } }];
    expect((await http.get('/y')).data).toBe('ok {see the docs} [1]');
    expect(seen).toHaveLength(3);
  });

  it('an error answer to a document request reaches the classifier as text when it is no JSON, from 300 up', async () => {
    const bodies: unknown[] = [];
    const seeing = { ...connector, classifyError: (status: number, body: unknown) => (bodies.push(body), new ProviderRejected('test', status, 'refused')) } as unknown as Connector;
    const { http } = httpWith({ connector: seeing });
    script = [{ status: 404, body: 'no such document', headers: { 'content-type': 'text/plain' } }, { status: 300, body: 'pick one', headers: { 'content-type': 'application/pdf' } }];
    await expect(http.get('/invoice/1/pdf', { binary: true })).rejects.toBeInstanceOf(ProviderRejected);
    await expect(http.get('/invoice/2/pdf', { binary: true })).rejects.toBeInstanceOf(ProviderRejected);
    expect(bodies).toEqual(['no such document', 'pick one']);
  });

  it('a body given as text is declared JSON too', async () => {
    const { http } = httpWith();
    await http.post('/raw', '{"already":"serialised"}');
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(seen[0]!.body).toBe('{"already":"serialised"}');
  });
});

describe('time', () => {
  it('a request slower than timeoutMs is abandoned as a network failure', async () => {
    script = [{ status: 200, body: '{"late":true}', delayMs: 3000 }];
    const { http, records } = httpWith({ timeoutMs: 200, maxRetries: 0 });
    const err = await http.get('/slow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderUnavailable);
    expect(records.map((r) => r.status)).toEqual([null]);
  });

  it('without a sleep of its own, the backoff is really waited', async () => {
    script = [json({}, 503)];
    const { http } = httpWith({ sleep: undefined, random: () => 0.5 });
    const started = Date.now();
    expect((await http.get('/x')).status).toBe(200);
    // random() × min(30 s, 500 ms × 2¹) = 500 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });

  it('a refused public link is named in the error, cut at 120 characters', async () => {
    const link = `https://elsewhere.example/${'p'.repeat(200)}`;
    const err = await httpWith().http.get(link, { anonymous: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderRejected);
    expect((err as Error).message.endsWith(`: ${link.slice(0, 120)}`)).toBe(true);
  });
});

describe('what is an answer', () => {
  it('a 300 is no success: it goes to the classifier', async () => {
    script = [json({ choose: true }, 300)];
    await expect(httpWith().http.get('/x')).rejects.toBeInstanceOf(ProviderRejected);
  });

  it('getWithToken too: a 300 goes to the classifier', async () => {
    script = [json({ choose: true }, 300)];
    await expect(getWithToken(connector, `${local.base}/c`, 't')).rejects.toBeInstanceOf(ProviderRejected);
  });

  it('a 299 is a success', async () => {
    script = [json({ odd: true }, 299)];
    expect(await httpWith().http.get('/x')).toMatchObject({ status: 299, data: { odd: true } });
  });

  it('a truncated answer to a request sent once is not retried', async () => {
    script = [{ status: 201, body: '{"id":' }];
    const err = await httpWith().http.post('/appendices', { a: 1 }, { once: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderUnavailable);
    expect((err as ProviderUnavailable).status).toBe(201);
    expect((err as Error).message).toContain('the answer to POST /appendices was not valid JSON');
    expect(seen).toHaveLength(1);
  });

  it('a public link that asks for credentials says so, with the status', async () => {
    script = [json({}, 401)];
    const err = await httpWith().http.get(`${local.base}/public/x`, { anonymous: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderRejected);
    expect((err as ProviderRejected).status).toBe(401);
    expect((err as Error).message).toContain('the public link was refused (401)');
  });
});

describe('a call with a token before any session (getWithToken)', () => {
  const noSleep = { sleep: async () => undefined, random: () => 0.5 };
  it('sends Accept JSON, the caller’s headers and the token, and gives the parsed answer', async () => {
    script = [json([{ tenantId: 'org-1' }])];
    expect(await getWithToken(connector, `${local.base}/connections`, 'tok-9', { headers: { 'X-Extra': 'yes', Accept: 'text/plain' } })).toEqual([{ tenantId: 'org-1' }]);
    expect(seen[0]!.headers).toMatchObject({ authorization: 'Bearer tok-9', 'x-extra': 'yes', accept: 'text/plain' });
    script = [json({})];
    await getWithToken(connector, `${local.base}/connections`, 'tok-9');
    expect(seen[1]!.headers.accept).toBe('application/json');
  });

  it('retries an outage twice by default with backoff, then surfaces it; other refusals at once', async () => {
    const sleeps: number[] = [];
    script = Array.from({ length: 5 }, () => json({}, 503));
    await expect(getWithToken(connector, `${local.base}/c`, 't', { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 })).rejects.toBeInstanceOf(ProviderUnavailable);
    expect(seen).toHaveLength(3);
    expect(sleeps).toEqual([500, 1000]);
    seen.length = 0;
    script = [json({}, 401)];
    await expect(getWithToken(connector, `${local.base}/c`, 't', noSleep)).rejects.toBeInstanceOf(AuthExpired);
    expect(seen).toHaveLength(1);
  });

  it('maxRetries bounds its retries of a truncated answer and of a closed port', async () => {
    script = Array.from({ length: 5 }, () => ({ status: 200, body: '[{"a":' }));
    const cut = await getWithToken(connector, `${local.base}/c`, 't', { ...noSleep, maxRetries: 1 }).catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(ProviderUnavailable);
    expect((cut as Error).message).toContain(`the answer to GET ${local.base}/c was not valid JSON`);
    expect(seen).toHaveLength(2);
    const closed = await getWithToken(connector, 'http://127.0.0.1:9/c', 't', { ...noSleep, maxRetries: 0 }).catch((e: unknown) => e);
    expect(closed).toBeInstanceOf(ProviderUnavailable);
    expect((closed as ProviderUnavailable).detail).toMatch(/^ECONNREFUSED: /);
  });

  it('abandons a call slower than timeoutMs', async () => {
    script = [{ status: 200, body: '{}', delayMs: 3000 }];
    await expect(getWithToken(connector, `${local.base}/slow`, 't', { ...noSleep, timeoutMs: 200, maxRetries: 0 })).rejects.toBeInstanceOf(ProviderUnavailable);
  });

  it('without a sleep of its own, the backoff is really waited', async () => {
    script = [json({}, 503)];
    const started = Date.now();
    expect(await getWithToken(connector, `${local.base}/c`, 't', { random: () => 0.5 })).toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });
});

describe('throttles, quotas and outages', () => {
  it('a 429 pauses the company for the Retry-After it gives, then the request goes through without counting an attempt', async () => {
    script = [json({ wait: 99_000 }, 429, { 'retry-after': '7' }), json({ wait: 99_000 }, 429)];
    const { http, pauses, records } = httpWith();
    expect((await http.get('/invoices')).status).toBe(200);
    // The header's 7 s, else the connector's own reading of the answer.
    expect(pauses).toEqual([{ key: 'test:org-7', ms: 7000 }, { key: 'test:org-7', ms: 99_000 }]);
    expect(records.map((r) => [r.status, r.attempt])).toEqual([[429, 1], [429, 1], [200, 1]]);
  });

  it('429s beyond maxThrottleRetries surface as RateLimited', async () => {
    script = Array.from({ length: 10 }, () => json({ wait: 10 }, 429));
    const { http } = httpWith({ maxThrottleRetries: 2 });
    await expect(http.get('/invoices')).rejects.toBeInstanceOf(RateLimited);
    expect(seen).toHaveLength(3);
  });

  it('eight 429s are waited out by default, a ninth surfaces', async () => {
    script = Array.from({ length: 8 }, () => json({ wait: 10 }, 429));
    expect((await httpWith().http.get('/invoices')).status).toBe(200);
    expect(seen).toHaveLength(9);
    seen.length = 0;
    script = Array.from({ length: 9 }, () => json({ wait: 10 }, 429));
    await expect(httpWith().http.get('/invoices')).rejects.toBeInstanceOf(RateLimited);
    expect(seen).toHaveLength(9);
  });

  it('a spent quota pauses the company until its reset and is surfaced at once, without a retry', async () => {
    script = [json({}, 403)];
    const { http, pauses } = httpWith();
    const before = Date.now();
    await expect(http.get('/invoices')).rejects.toBeInstanceOf(QuotaExhausted);
    const after = Date.now();
    expect(seen).toHaveLength(1);
    expect(pauses).toHaveLength(1);
    expect(pauses[0]!.key).toBe('test:org-7');
    expect(pauses[0]!.ms).toBeGreaterThanOrEqual(RESET.getTime() - after);
    expect(pauses[0]!.ms).toBeLessThanOrEqual(RESET.getTime() - before);
  });

  it('a quota whose reset has passed pauses for nothing, never a negative wait', async () => {
    const past = { ...connector, classifyError: () => new QuotaExhausted('test', new Date(Date.now() - 60_000)) } as unknown as Connector;
    script = [json({}, 403)];
    const { http, pauses } = httpWith({ connector: past });
    await expect(http.get('/invoices')).rejects.toBeInstanceOf(QuotaExhausted);
    expect(pauses).toEqual([{ key: 'test:org-7', ms: 0 }]);
  });

  it('an outage is retried five times by default with growing jittered backoff, then surfaced', async () => {
    script = Array.from({ length: 10 }, () => json({ down: true }, 503));
    const { http, sleeps, records } = httpWith();
    const err = await http.get('/invoices').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderUnavailable);
    expect(seen).toHaveLength(6);
    // random() = 0.5 of min(30 s, 500 ms × 2^attempt).
    expect(sleeps).toEqual([500, 1000, 2000, 4000, 8000]);
    expect(records.map((r) => r.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('maxRetries bounds the retries of an outage and of a truncated answer alike', async () => {
    script = Array.from({ length: 5 }, () => json({}, 500));
    await expect(httpWith({ maxRetries: 1 }).http.get('/a')).rejects.toBeInstanceOf(ProviderUnavailable);
    expect(seen).toHaveLength(2);
    seen.length = 0;
    script = Array.from({ length: 5 }, () => ({ status: 200, body: '{"items":[' }));
    const { http, sleeps } = httpWith({ maxRetries: 2 });
    await expect(http.get('/b')).rejects.toThrow('the answer to GET /b was not valid JSON');
    expect(seen).toHaveLength(3);
    expect(sleeps).toEqual([500, 1000]);
  });

  it('any other refusal is surfaced at once as the connector classified it', async () => {
    script = [json({ Message: 'bad field' }, 400)];
    const { http } = httpWith();
    const err = await http.get('/invoices').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderRejected);
    expect((err as ProviderRejected).detail).toBe('{"Message":"bad field"}');
    expect(seen).toHaveLength(1);
  });

  it('a connection refused is retried with backoff and then named in the error', async () => {
    const closed = { ...connector, apiBaseUrl: () => 'http://127.0.0.1:9' } as unknown as Connector;
    const { http, sleeps, records } = httpWith({ connector: closed, maxRetries: 2 });
    const err = await http.get('/invoices').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderUnavailable);
    expect((err as ProviderUnavailable).status).toBeNull();
    expect((err as ProviderUnavailable).detail).toMatch(/^ECONNREFUSED: .*ECONNREFUSED/);
    expect(sleeps).toEqual([500, 1000]);
    expect(records.map((r) => [r.status, r.attempt])).toEqual([[null, 1], [null, 2], [null, 3]]);
  });

  it('a token source that says the grant is dead (or the quota spent) ends the request at once: no retry, nothing sent', async () => {
    for (const dead of [new AuthExpired('test', 'refresh token expired'), new QuotaExhausted('test', RESET)]) {
      const tokens: AccessTokenSource = { accessToken: async () => Promise.reject(dead) };
      const { http, sleeps } = httpWith({ tokens });
      await expect(http.get('/invoices')).rejects.toBe(dead);
      expect(sleeps).toEqual([]);
    }
    expect(seen).toHaveLength(0);
  });
  it('a token source that fails otherwise is retried like the network, and its failure named as it is', async () => {
    const failures: unknown[] = [new Error('vault sealed'), 'plain words', Object.assign(new Error('numbered'), { code: 42 }), { code: 'EPIPE' }, undefined];
    const named: string[] = [];
    for (const failure of failures) {
      const tokens: AccessTokenSource = { accessToken: async () => Promise.reject(failure) };
      const { http, sleeps } = httpWith({ tokens, maxRetries: 1 });
      const err = await http.get('/invoices').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderUnavailable);
      expect(sleeps).toEqual([500]);
      named.push((err as ProviderUnavailable).detail);
    }
    expect(named).toEqual(['vault sealed', 'plain words', 'numbered', 'EPIPE', 'undefined']);
    expect(seen).toHaveLength(0);
  });
});

describe('refused tokens', () => {
  it('at most five forced refreshes for one request, even when each new token is refused only after an outage', async () => {
    // 401 → refresh → 503 (not a refusal of the new token) → 401 → refresh … the sixth 401 is surfaced.
    script = [...Array.from({ length: 5 }, () => [json({}, 401), json({}, 503)]).flat(), json({}, 401)];
    let n = 0;
    let forced = 0;
    const tokens: AccessTokenSource = {
      accessToken: async (force) => {
        if (force) {
          forced++;
          n++;
        }
        return `t${n}`;
      },
    };
    const { http } = httpWith({ tokens, maxRetries: 10 });
    await expect(http.get('/invoices')).rejects.toBeInstanceOf(AuthExpired);
    expect(forced).toBe(5);
    expect(seen).toHaveLength(11);
  });

  it('a refresh names the token the 401 answered', async () => {
    script = [json({}, 401)];
    const asked: [boolean | undefined, string | undefined][] = [];
    const tokens: AccessTokenSource = {
      accessToken: async (force, rejected) => {
        asked.push([force, rejected]);
        return force ? 'new' : 'old';
      },
    };
    await httpWith({ tokens }).http.get('/invoices');
    expect(asked).toEqual([[false, undefined], [true, 'old'], [false, undefined]]);
    expect(seen.map((s) => s.headers.authorization)).toEqual(['Bearer old', 'Bearer old']);
  });
});

describe('public links', () => {
  it('are followed on the API’s own origin over https or on a loopback simulator, and refused over plain http elsewhere', async () => {
    const on = (origin: string) => httpWith({ connector: { ...connector, apiBaseUrl: () => origin } as unknown as Connector, maxRetries: 0, timeoutMs: 5000 }).http;
    const remote = await on('http://api.provider.invalid').get('http://api.provider.invalid/public/file', { anonymous: true }).catch((e: unknown) => e);
    expect(remote).toBeInstanceOf(ProviderRejected);
    expect((remote as Error).message).toContain('refused to follow a public link outside http://api.provider.invalid');
    // Followed: nothing listens there, so each fails on the network (ProviderUnavailable), not as a refusal.
    for (const origin of ['https://api.provider.invalid', 'http://localhost:9', 'http://[::1]:9']) {
      const tried = await on(origin).get(`${origin}/public/file`, { anonymous: true }).catch((e: unknown) => e);
      expect(tried, origin).toBeInstanceOf(ProviderUnavailable);
    }
    expect(seen).toHaveLength(0);
  });
});

describe('arithmetic', () => {
  it('Retry-After: seconds (rounded up to the millisecond), an HTTP date from now, or nothing usable', () => {
    const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('1.0005', now)).toBe(1001);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:27:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    // A negative or infinite count of seconds is no count of seconds (nor a date: '-5' would read as the year 2001).
    expect(parseRetryAfter('-5', now)).toBe(0);
    expect(parseRetryAfter('Infinity', now)).toBeNull();
    // '0' is zero seconds whatever the clock, not a date ('0' would read as 1 January 2000).
    expect(parseRetryAfter('0', 0)).toBe(0);
  });

  it('backoff: full jitter over an exponential bound, capped at 30 s', () => {
    expect(backoffMs(1, () => 0.5)).toBe(500);
    expect(backoffMs(3, () => 0.999)).toBe(3996);
    expect(backoffMs(10, () => 0.5)).toBe(15_000);
    expect(backoffMs(2, () => 0.5, 100, 300)).toBe(150);
    expect(backoffMs(1, () => 0)).toBe(0);
  });

  it('remaining counts: whole non-negative numbers of the declared headers only', () => {
    const counts = (headers: Record<string, string>) => remainingCounts(rateLimits, { headers } as unknown as AxiosResponse);
    expect(counts({ 'x-day-left': '12', 'x-min-left': '0' })).toEqual({ perDay: 12, perMinute: 0 });
    expect(counts({ 'x-day-left': '-1', 'x-min-left': '2.5' })).toBeNull();
    expect(counts({ 'x-min-left': '3' })).toEqual({ perMinute: 3 });
    expect(counts({})).toBeNull();
  });

  it('the gate is told the counts each answer reports, errors included', async () => {
    script = [json({}, 503, { 'x-day-left': '41' }), json({ ok: 1 }, 200, { 'x-day-left': '40', 'x-min-left': '9' }), json({ ok: 1 })];
    const { http, observed } = httpWith();
    await http.get('/a');
    await http.get('/b');
    expect(observed).toEqual([
      { key: 'test:org-7', counts: { perDay: 41 } },
      { key: 'test:org-7', counts: { perDay: 40, perMinute: 9 } },
    ]);
  });
});
