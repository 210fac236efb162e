// `RequestOptions.once`: a write the provider cannot deduplicate (a POST with no idempotency key) is sent once. After a
// 5xx or a network error it fails for the caller to check, where an ordinary request retries with backoff.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderUnavailable } from '../../src/connectors/errors.js';
import { createProviderHttp } from '../../src/connectors/http.js';
import { createMemoryRateGate } from '../../src/connectors/rate-gate.js';
import type { Connector } from '../../src/connectors/types.js';

let server: Server;
let base = '';
let posts = 0;
let failFirst = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      posts++;
      if (posts <= failFirst) {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance');
        return;
      }
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":1}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  posts = 0;
  failFirst = 0;
});

// Only what the HTTP layer reads from a connector.
const connector = {
  provider: 'test',
  rateLimits: { perMinute: 6000, concurrent: 4 },
  apiBaseUrl: () => base,
  defaultHeaders: () => ({}),
  classifyError: (status: number, body: unknown) => (status >= 500 ? new ProviderUnavailable('test', status, String(body)) : new Error(`HTTP ${status}`)),
} as unknown as Connector;
const http = () =>
  createProviderHttp({ connector, client: { clientId: 'c', clientSecret: 's', redirectUri: 'http://x' }, externalTenantId: 't', tokens: { accessToken: async () => 'token' }, gate: createMemoryRateGate(), sleep: async () => undefined });

describe('a request sent once', () => {
  it('is not retried after a 5xx: one POST reached the provider, and the caller is told', async () => {
    failFirst = 1;
    await expect(http().post('/appendices', { name: 'audit' }, { once: true })).rejects.toBeInstanceOf(ProviderUnavailable);
    expect(posts).toBe(1);
  });

  it('where an ordinary request retries until it goes through', async () => {
    failFirst = 2;
    expect((await http().post('/appendices', { name: 'audit' })).status).toBe(201);
    expect(posts).toBe(3);
  });

  it('is not retried after a network error either', async () => {
    let attempts = 0;
    const closed = createProviderHttp({ connector: { ...connector, apiBaseUrl: () => 'http://127.0.0.1:9' } as Connector, client: { clientId: 'c', clientSecret: 's', redirectUri: 'http://x' }, externalTenantId: 't', tokens: { accessToken: async () => 'token' }, gate: createMemoryRateGate(), sleep: async () => undefined, onRequest: () => void attempts++ });
    await expect(closed.post('/appendices', {}, { once: true })).rejects.toBeInstanceOf(ProviderUnavailable);
    expect(attempts).toBe(1);
  });
});
