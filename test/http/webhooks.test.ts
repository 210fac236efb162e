// Webhook ingress against a real PostgreSQL: signatures, size, malformed bodies, unknown companies (a delivery end to end and its redelivery: test/contract).
import { createHmac, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { quickbooks } from '../../connectors/quickbooks/index.js';
import { xero } from '../../connectors/xero/index.js';
import { ConnectorRegistry } from '../../src/connectors/registry.js';
import { webhookRoutes } from '../../src/http/webhooks.js';
import { pendingInbox, updateConnection } from '../../src/store/index.js';
import { newTenant, useDatabase } from '../support/db.js';

const sql = useDatabase();
const VERIFIER = 'verifier-token-for-tests';
const woken: string[] = [];
const app = webhookRoutes({
  sql,
  registry: new ConnectorRegistry([quickbooks]),
  secretFor: (provider) => (provider === 'quickbooks' ? VERIFIER : null),
  wake: async (tenantId) => void woken.push(tenantId),
  maxBytes: 64 * 1024,
});

// Independent of the connector's code: Intuit's documented scheme, base64 HMAC-SHA256 of the raw body.
const sign = (body: string, key = VERIFIER) => createHmac('sha256', key).update(body).digest('base64');
const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  app.request(path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

async function connectedRealm() {
  const t = await newTenant(sql, 'quickbooks');
  const realmId = String(9_000_000_000 + Math.floor(Math.random() * 1e9));
  await updateConnection(sql, t.tenant.id, t.connection.id, { externalTenantId: realmId });
  return { ...t, realmId };
}

const classic = (realmId: string, id: string, operation = 'Update', lastUpdated = '2026-11-22T10:00:00.000Z') =>
  JSON.stringify({ eventNotifications: [{ realmId, dataChangeEvent: { entities: [{ name: 'Invoice', id, operation, lastUpdated }] } }] });

describe('POST /webhooks/quickbooks', () => {
  it('stores a signed classic notification in the tenant inbox and wakes a worker', async () => {
    const { tenant, realmId } = await connectedRealm();
    const body = classic(realmId, '130');
    const res = await post('/quickbooks', body, { 'intuit-signature': sign(body) });
    expect(res.status).toBe(200);
    const inbox = await pendingInbox(sql, tenant.id);
    expect(inbox).toHaveLength(1);
    expect(inbox[0]!.payload).toMatchObject({ stream: 'invoices', externalId: '130', operation: 'update', externalTenantId: realmId });
    expect(woken).toContain(tenant.id);
  });

  it('accepts the CloudEvents format, including merges (the losing customer is deleted)', async () => {
    const { tenant, realmId } = await connectedRealm();
    const body = JSON.stringify([
      { specversion: '1.0', id: randomUUID(), source: 'intuit', type: 'qbo.invoice.voided.v1', time: '2026-11-22T10:00:00Z', intuitentityid: '42', intuitaccountid: realmId },
      { specversion: '1.0', id: randomUUID(), source: 'intuit', type: 'qbo.customer.merged.v1', time: '2026-11-22T10:00:01Z', intuitentityid: '7', intuitaccountid: realmId, data: { deletedid: '9' } },
      { specversion: '1.0', id: randomUUID(), source: 'intuit', type: 'qbo.employee.created.v1', time: '2026-11-22T10:00:02Z', intuitentityid: '3', intuitaccountid: realmId },
    ]);
    expect((await post('/quickbooks', body, { 'intuit-signature': sign(body) })).status).toBe(200);
    const payloads = (await pendingInbox(sql, tenant.id)).map((e) => e.payload as { stream: string; externalId: string; operation: string });
    expect(payloads.map((p) => `${p.stream}:${p.externalId}:${p.operation}`).sort()).toEqual(['customers:7:merge', 'customers:9:delete', 'invoices:42:void']);
  });

  it('answers 401 to a wrong or missing signature and stores nothing', async () => {
    const { tenant, realmId } = await connectedRealm();
    const body = classic(realmId, '132');
    expect((await post('/quickbooks', body, { 'intuit-signature': sign(body, 'another-key') })).status).toBe(401);
    expect((await post('/quickbooks', body)).status).toBe(401);
    expect((await post('/quickbooks', body, { 'intuit-signature': sign(`${body} `) })).status).toBe(401);
    expect(await pendingInbox(sql, tenant.id)).toEqual([]);
  });

  it('answers 400 to a signed but malformed body, 413 to an oversized one, 404 to unknown companies and providers', async () => {
    const bad = '{"eventNotifications": [{"dataChangeEvent": {}}]}';
    expect((await post('/quickbooks', bad, { 'intuit-signature': sign(bad) })).status).toBe(400);
    const notJson = 'not json';
    expect((await post('/quickbooks', notJson, { 'intuit-signature': sign(notJson) })).status).toBe(400);
    const huge = JSON.stringify({ eventNotifications: [], pad: 'x'.repeat(70 * 1024) });
    expect((await post('/quickbooks', huge, { 'intuit-signature': sign(huge) })).status).toBe(413);
    const stranger = classic('1234', '1');
    expect((await post('/quickbooks', stranger, { 'intuit-signature': sign(stranger) })).status).toBe(404);
    expect((await post('/sage', stranger)).status).toBe(404);
    expect((await post(`/quickbooks/${randomUUID()}`, stranger, { 'intuit-signature': sign(stranger) })).status).toBe(404);
  });
});

describe('POST /webhooks: the answers in detail', () => {
  const logged: Array<Record<string, unknown>> = [];
  const wakes: string[] = [];
  const withLog = webhookRoutes({
    sql,
    registry: new ConnectorRegistry([quickbooks]),
    secretFor: (provider) => (provider === 'quickbooks' ? VERIFIER : null),
    wake: async (tenantId) => {
      wakes.push(tenantId);
      throw new Error('queue down');
    },
    maxBytes: 64 * 1024,
    log: (entry) => void logged.push(entry),
  });
  const send = (app: typeof withLog, path: string, body: string, headers: Record<string, string> = {}) =>
    app.request(path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  it('says which provider, connection or configuration is missing, and which header failed', async () => {
    const body = classic('1234', '1');
    const answer = async (res: Response) => [res.status, await res.json()];
    expect(await answer(await post('/frobnicate', body))).toEqual([404, { error: 'not_found', message: 'no webhooks for provider "frobnicate"' }]);
    expect(await answer(await post('/sage', body))).toEqual([404, { error: 'not_found', message: 'no webhooks for provider "sage"' }]);
    expect(await answer(await post('/quickbooks/not-a-connection', body, { 'intuit-signature': sign(body) }))).toEqual([404, { error: 'not_found', message: 'unknown connection' }]);
    expect(await answer(await post('/quickbooks', body, { 'intuit-signature': sign(body, 'another-key') }))).toEqual([401, { error: 'invalid_signature', message: 'missing or wrong intuit-signature' }]);
    expect(await answer(await post('/quickbooks', body, { 'intuit-signature': sign(body) }))).toEqual([404, { error: 'not_found', message: 'no connected company matches this notification' }]);
    const unconfigured = webhookRoutes({ sql, registry: new ConnectorRegistry([quickbooks]), secretFor: () => null, wake: async () => undefined });
    expect(await answer(await unconfigured.request('/quickbooks', { method: 'POST', body }))).toEqual([404, { error: 'not_found', message: 'webhooks for quickbooks are not configured' }]);
    const huge = JSON.stringify({ eventNotifications: [], pad: 'x'.repeat(70 * 1024) });
    expect(await answer(await post('/quickbooks', huge, { 'intuit-signature': sign(huge) }))).toEqual([413, { error: 'payload_too_large', message: 'body over 65536 bytes' }]);
    expect(await answer(await post('/quickbooks', 'not json', { 'intuit-signature': sign('not json') }))).toEqual([400, { error: 'malformed', message: 'body is not JSON' }]);
  });

  it('takes a body of exactly the limit, and refuses one declared larger before reading it', async () => {
    const open = JSON.stringify({ eventNotifications: [], pad: '' });
    const exact = JSON.stringify({ eventNotifications: [], pad: 'x'.repeat(64 * 1024 - open.length) });
    expect(new TextEncoder().encode(exact).byteLength).toBe(64 * 1024);
    const res = await post('/quickbooks', exact, { 'intuit-signature': sign(exact), 'content-length': String(64 * 1024) });
    expect([res.status, await res.text()]).toEqual([200, '']);
    // A sender that declares more than the limit is refused on the header alone (nothing signed, nothing read).
    const declared = await post('/quickbooks', '{}', { 'content-length': String(64 * 1024 + 1) });
    expect([declared.status, await declared.json()]).toEqual([413, { error: 'payload_too_large', message: 'body over 65536 bytes' }]);
  });

  it('a connection in the path is for its own provider and its own company only', async () => {
    const { connection, realmId } = await connectedRealm();
    const body = classic(realmId, '140');
    const both = webhookRoutes({ sql, registry: new ConnectorRegistry([quickbooks, xero]), secretFor: () => VERIFIER, wake: async () => undefined });
    const xeroSigned = await both.request(`/xero/${connection.id}`, { method: 'POST', body, headers: { 'x-xero-signature': sign(body) } });
    expect([xeroSigned.status, await xeroSigned.json()]).toEqual([404, { error: 'not_found', message: 'unknown connection' }]);
    const other = classic('5550001', '141');
    const elsewhere = await post(`/quickbooks/${connection.id}`, other, { 'intuit-signature': sign(other) });
    expect([elsewhere.status, await elsewhere.json()]).toEqual([404, { error: 'not_found', message: 'no connected company matches this notification' }]);
    expect((await post(`/quickbooks/${connection.id}`, body, { 'intuit-signature': sign(body) })).status).toBe(200);
  });

  it('stores each company’s events in its own tenant when one delivery names several', async () => {
    const a = await connectedRealm();
    const b = await connectedRealm();
    const body = JSON.stringify([
      { specversion: '1.0', id: randomUUID(), source: 'intuit', type: 'qbo.invoice.updated.v1', time: '2026-11-22T10:00:00Z', intuitentityid: '42', intuitaccountid: a.realmId },
      { specversion: '1.0', id: randomUUID(), source: 'intuit', type: 'qbo.invoice.updated.v1', time: '2026-11-22T10:00:01Z', intuitentityid: '43', intuitaccountid: b.realmId },
      { specversion: '1.0', id: randomUUID(), source: 'intuit', type: 'qbo.payment.created.v1', time: '2026-11-22T10:00:02Z', intuitentityid: '44', intuitaccountid: a.realmId },
    ]);
    expect((await post('/quickbooks', body, { 'intuit-signature': sign(body) })).status).toBe(200);
    const ids = async (tenantId: string) => (await pendingInbox(sql, tenantId)).map((e) => (e.payload as { externalId: string }).externalId).sort();
    expect(await ids(a.tenant.id)).toEqual(['42', '44']);
    expect(await ids(b.tenant.id)).toEqual(['43']);
  });

  it('a wake that fails is logged and the delivery still acknowledged; a redelivery stores and wakes nothing more', async () => {
    const { tenant, realmId } = await connectedRealm();
    const body = classic(realmId, '150');
    logged.length = 0;
    const first = await send(withLog, '/quickbooks', body, { 'intuit-signature': sign(body) });
    expect(first.status).toBe(200);
    expect(wakes.filter((t) => t === tenant.id)).toHaveLength(1);
    expect(logged).toEqual([
      { msg: 'wake failed; the inbox poller will pick the events up', err: 'Error: queue down' },
      { msg: 'webhook stored', provider: 'quickbooks', events: 1, stored: 1 },
    ]);
    logged.length = 0;
    expect((await send(withLog, '/quickbooks', body, { 'intuit-signature': sign(body) })).status).toBe(200);
    expect(wakes.filter((t) => t === tenant.id)).toHaveLength(1);
    expect(logged).toEqual([{ msg: 'webhook stored', provider: 'quickbooks', events: 1, stored: 0 }]);
    expect(await pendingInbox(sql, tenant.id)).toHaveLength(1);
  });

  it('an unexpected failure while reading a delivery is a 503 for the provider to retry, and is logged', async () => {
    const broken = { ...quickbooks, webhooks: { ...quickbooks.webhooks!, parse: () => { throw new TypeError('parser bug'); } } };
    logged.length = 0;
    const app = webhookRoutes({ sql, registry: new ConnectorRegistry([broken]), secretFor: () => VERIFIER, wake: async () => undefined, log: (entry) => void logged.push(entry) });
    const body = classic('1234', '1');
    const res = await send(app, '/quickbooks', body, { 'intuit-signature': sign(body) });
    expect([res.status, await res.json()]).toEqual([503, { error: 'unavailable', message: 'could not store the notification; retry later' }]);
    expect(logged).toEqual([{ msg: 'webhook ingress failed', err: 'parser bug' }]);
  });
});
