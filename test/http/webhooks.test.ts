// Webhook ingress against a real PostgreSQL: signatures, size, malformed bodies, unknown companies (a delivery end to end and its redelivery: test/contract).
import { createHmac, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { quickbooks } from '../../connectors/quickbooks/index.js';
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
