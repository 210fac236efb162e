// The HTTP layer under the faults the chaos suite found (npm run chaos, #26): a 200 whose JSON is cut or malformed is
// retried, never read as an empty last page; and a 401 leads to reconnecting only when fresh tokens are refused on
// their first use twice in a row, not when a long-retried request outlives the token of its last refresh.
import axios from 'axios';
import { beforeEach, describe, expect, it } from 'vitest';
import { AuthExpired, ProviderRejected, ProviderUnavailable } from '../../src/connectors/errors.js';
import { isPdf, readPdf } from '../../src/connectors/pdf.js';
import { createProviderHttp } from '../../src/connectors/http.js';
import { createMemoryRateGate } from '../../src/connectors/rate-gate.js';
import type { Connector } from '../../src/connectors/types.js';
import { useLocalServer } from '../support/local-server.js';

/** What the next requests answer, in order; then a whole page. */
let script: { status: number; body: string | Buffer; type?: string }[] = [];
const seen: string[] = [];
const PAGE = '{"items":[{"id":1},{"id":2}],"next":null}';
const local = useLocalServer((req, res) => {
  seen.push(req.headers.authorization ?? '');
  const next = script.shift() ?? { status: 200, body: PAGE };
  res.writeHead(next.status, { 'content-type': next.type ?? 'application/json' }).end(next.body);
});
beforeEach(() => {
  script = [];
  seen.length = 0;
});

const connector = {
  provider: 'test',
  rateLimits: { perMinute: 6000, concurrent: 4 },
  apiBaseUrl: () => local.base,
  defaultHeaders: () => ({}),
  classifyError: (status: number, body: unknown) =>
    status === 401 ? new AuthExpired('test', 'token expired') : status >= 500 ? new ProviderUnavailable('test', status, String(body)) : new Error(`HTTP ${status}`),
} as unknown as Connector;

/** A token source that hands out token-1, token-2… and counts the refreshes asked of it. */
function tokenSource() {
  let n = 1;
  const source = {
    refreshes: 0,
    async accessToken(force = false) {
      if (force) {
        source.refreshes++;
        n++;
      }
      return `token-${n}`;
    },
  };
  return source;
}
const http = (tokens = tokenSource()) =>
  createProviderHttp({ connector, client: { clientId: 'c', clientSecret: 's', redirectUri: 'http://x' }, externalTenantId: 't', tokens, gate: createMemoryRateGate(), sleep: async () => undefined });

describe('an answer that is not whole', () => {
  it('a 200 with its JSON cut half way is retried, and the page read whole', async () => {
    script = [{ status: 200, body: PAGE.slice(0, PAGE.length / 2) }];
    const { data } = await http().get<{ items: unknown[] }>('/customers');
    expect(data.items).toHaveLength(2);
    expect(seen).toHaveLength(2);
  });

  it('a 200 with malformed JSON (a trailing comma) is retried too, even when it does not say it is JSON', async () => {
    script = [{ status: 200, body: PAGE.replace(/}$/, ',}'), type: 'text/plain' }];
    const { data } = await http().get<{ items: unknown[] }>('/customers');
    expect(data.items).toHaveLength(2);
  });

  it('a provider that keeps answering broken JSON fails the request with the reason, never an empty page', async () => {
    script = Array.from({ length: 10 }, () => ({ status: 200, body: '{"items":[{"id":1' }));
    await expect(http().get('/customers')).rejects.toThrow(/not valid JSON.*truncated or malformed/);
  });

  it('reads answers from their bytes: UTF-8 beyond ASCII, a byte-order mark, and a text an adapter gives', async () => {
    const names = '{"items":[{"id":1,"name":"Société Générale"},{"id":2,"name":"Zoë & Björk 🙂"}],"next":null}';
    script = [{ status: 200, body: Buffer.from(names) }, { status: 200, body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(names)]) }];
    expect((await http().get('/customers')).data).toEqual(JSON.parse(names));
    expect((await http().get('/customers')).data).toEqual(JSON.parse(names));
    const withText = createProviderHttp({
      connector, client: { clientId: 'c', clientSecret: 's', redirectUri: 'http://x' }, externalTenantId: 't', tokens: tokenSource(), gate: createMemoryRateGate(), sleep: async () => undefined,
      axios: axios.create({ adapter: async (config) => ({ data: names, status: 200, statusText: 'OK', headers: {}, config }) }),
    });
    expect((await withText.get('/customers')).data).toEqual(JSON.parse(names));
  });

  it('an error page in plain text still reaches the connector’s classifier', async () => {
    script = Array.from({ length: 10 }, () => ({ status: 503, body: 'down for maintenance', type: 'text/plain' }));
    await expect(http().get('/customers')).rejects.toThrow(/down for maintenance/);
  });
});

describe('401s and refreshes', () => {
  it('a request refused again with a token older than its last refresh refreshes again and goes through', async () => {
    // token-1 refused → refresh to token-2 → 500, retried → token-2 expired meanwhile (refused) → refresh → token-3 works.
    script = [{ status: 401, body: '{}' }, { status: 500, body: '{}' }, { status: 401, body: '{}' }, { status: 401, body: '{}' }];
    const tokens = tokenSource();
    const { status } = await http(tokens).get('/customers');
    expect(status).toBe(200);
    expect(seen).toEqual(['Bearer token-1', 'Bearer token-2', 'Bearer token-2', 'Bearer token-3', 'Bearer token-4']);
    expect(tokens.refreshes).toBe(3);
  });

  it('fresh tokens refused on their first use twice in a row: the connection needs reconnecting', async () => {
    script = Array.from({ length: 10 }, () => ({ status: 401, body: '{}' }));
    const tokens = tokenSource();
    await expect(http(tokens).get('/customers')).rejects.toBeInstanceOf(AuthExpired);
    // token-1 refused, token-2 (fresh) refused, token-3 (fresh) refused: two refreshes, no third.
    expect(seen).toEqual(['Bearer token-1', 'Bearer token-2', 'Bearer token-3']);
    expect(tokens.refreshes).toBe(2);
  });
});

describe('documents (binary answers) and public links', () => {
  const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from([0x00, 0xff, 0x80, 0x0a]), Buffer.from('%%EOF\n')]);

  it('a PDF comes back byte for byte, non-UTF-8 bytes included', async () => {
    script = [{ status: 200, body: PDF, type: 'application/pdf' }];
    const pdf = await readPdf(http(), '/invoice/1/pdf');
    expect(pdf).not.toBeNull();
    expect(Buffer.from(pdf!).equals(PDF)).toBe(true);
    expect(isPdf(pdf!)).toBe(true);
  });

  it('an error answer to a document request is read as JSON for the classifier; a JSON 200 is no PDF', async () => {
    script = [{ status: 404, body: '{"Message":"not here"}' }];
    const bodies: unknown[] = [];
    const seenBody = { ...connector, classifyError: (status: number, body: unknown) => (bodies.push(body), new ProviderRejected('test', status, 'not here')) } as unknown as Connector;
    const h = createProviderHttp({ connector: seenBody, client: { clientId: 'c', clientSecret: 's', redirectUri: 'http://x' }, externalTenantId: 't', tokens: tokenSource(), gate: createMemoryRateGate(), sleep: async () => undefined });
    expect(await readPdf(h, '/invoice/404/pdf')).toBeNull();
    expect(bodies).toEqual([{ Message: 'not here' }]);
    script = [{ status: 200, body: '{"Invoice":{}}' }];
    expect(await readPdf(h, '/invoice/1/pdf')).toBeNull();
  });

  it('a public link is sent without the token, and a link to another origin is refused before any request', async () => {
    script = [{ status: 200, body: '{}' }];
    await http().get(`${local.base}/public/invoice/pdf?encrypted_id=x`, { anonymous: true });
    expect(seen).toEqual(['']);
    await expect(http().get('https://elsewhere.example/public/invoice/pdf', { anonymous: true })).rejects.toBeInstanceOf(ProviderRejected);
    await expect(http().get('/relative/path', { anonymous: true })).rejects.toBeInstanceOf(ProviderRejected);
    expect(seen).toHaveLength(1);
  });

  it('a public link that asks for credentials is refused, and no token is refreshed for it', async () => {
    script = [{ status: 401, body: '{}' }];
    const tokens = tokenSource();
    await expect(http(tokens).get(`${local.base}/public/x`, { anonymous: true })).rejects.toBeInstanceOf(ProviderRejected);
    expect(tokens.refreshes).toBe(0);
  });
});
