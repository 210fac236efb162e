// Xero webhooks through the ingress: Intent to Receive (200 empty / 401), events stored for the organisation's tenant.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { xero } from '../../connectors/xero/index.js';
import { ConnectorRegistry } from '../../src/connectors/registry.js';
import { webhookRoutes } from '../../src/http/webhooks.js';
import { pendingInbox, updateConnection } from '../../src/store/index.js';
import { newTenant, useDatabase } from '../support/db.js';

const sql = useDatabase();
const KEY = 'xero-webhook-key-for-tests';
const app = webhookRoutes({ sql, registry: new ConnectorRegistry([xero]), secretFor: () => KEY, wake: async () => undefined });
// Xero's scheme, computed independently of the connector.
const sign = (body: string, key = KEY) => createHmac('sha256', key).update(body).digest('base64');
const post = (body: string, signature: string) => app.request('/xero', { method: 'POST', body, headers: { 'x-xero-signature': signature, 'content-type': 'application/json' } });

describe('POST /webhooks/xero', () => {
  it('passes Intent to Receive: 200 with an empty body when signed, 401 otherwise', async () => {
    const itr = JSON.stringify({ events: [], lastEventSequence: 0, firstEventSequence: 0, entropy: 'S0m3r4Nd0mt3xt' });
    const ok = await post(itr, sign(itr));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('');
    expect((await post(itr, sign(itr, 'not-the-key'))).status).toBe(401);
  });

  it('stores INVOICE and CONTACT events of a connected organisation for a targeted re-read', async () => {
    const t = await newTenant(sql, 'xero');
    const org = crypto.randomUUID();
    await updateConnection(sql, t.tenant.id, t.connection.id, { externalTenantId: org });
    const events = [
      { resourceUrl: 'https://api.xero.com/api.xro/2.0/Invoices/inv-1', resourceId: 'inv-1', eventDateUtc: '2026-11-22T10:00:00.000', eventType: 'UPDATE', eventCategory: 'INVOICE', tenantId: org, tenantType: 'ORGANISATION' },
      { resourceUrl: 'https://api.xero.com/api.xro/2.0/Contacts/c-1', resourceId: 'c-1', eventDateUtc: '2026-11-22T10:00:01.000', eventType: 'CREATE', eventCategory: 'CONTACT', tenantId: org, tenantType: 'ORGANISATION' },
    ];
    const body = JSON.stringify({ events, firstEventSequence: 1, lastEventSequence: 2, entropy: 'x' });
    expect((await post(body, sign(body))).status).toBe(200);
    expect((await post(body, sign(body))).status).toBe(200);
    const stored = (await pendingInbox(sql, t.tenant.id)).map((e) => e.payload as { stream: string; externalId: string; occurredAt: string });
    expect(stored.map((p) => `${p.stream}:${p.externalId}`).sort()).toEqual(['customers:c-1', 'invoices:inv-1']);
    expect(stored.find((p) => p.externalId === 'inv-1')!.occurredAt).toBe('2026-11-22T10:00:00.000Z');
  });

  it('answers 401 to a delivery without x-xero-signature and stores nothing', async () => {
    const t = await newTenant(sql, 'xero');
    const org = crypto.randomUUID();
    await updateConnection(sql, t.tenant.id, t.connection.id, { externalTenantId: org });
    const events = [{ resourceUrl: 'https://api.xero.com/api.xro/2.0/Invoices/inv-u', resourceId: 'inv-u', eventDateUtc: '2026-11-22T10:00:00.000', eventType: 'UPDATE', eventCategory: 'INVOICE', tenantId: org, tenantType: 'ORGANISATION' }];
    const body = JSON.stringify({ events, firstEventSequence: 1, lastEventSequence: 1, entropy: 'x' });
    const unsigned = await app.request('/xero', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(401);
    expect((await post(body, '')).status).toBe(401);
    expect(await pendingInbox(sql, t.tenant.id)).toEqual([]);
  });

  it('answers 400 to a signed body without events', async () => {
    const body = JSON.stringify({ hello: 'world' });
    expect((await post(body, sign(body))).status).toBe(400);
  });
});
