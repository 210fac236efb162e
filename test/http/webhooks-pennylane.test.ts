// Pennylane's e-invoicing webhook through the real ingress, inbox and worker: a refused e-invoice (210) arrives, is
// stored on the invoice and shows in the API; a bad signature stores nothing; a redelivery is stored once.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { pennylane } from '../../connectors/pennylane/index.js';
import { simulator } from '../../connectors/pennylane/simulator/index.js';
import { webhookSecretFor } from '../../src/connectors/clients.js';
import { ConnectorRegistry } from '../../src/connectors/registry.js';
import { createSite as createUi } from '../../src/http/app.js';
import { webhookRoutes } from '../../src/http/webhooks.js';
import type { Invoice } from '../../src/model/index.js';
import type { Service } from '../../src/service.js';
import { listDocuments, pendingInbox } from '../../src/store/index.js';
import { NO_APPS } from '../../src/sync/deps.js';
import { syncConnection } from '../../src/sync/engine.js';
import { createProcessors } from '../../workers/processors.js';
import { useDatabase } from '../support/db.js';
import { connectTo, syncDeps, useSimulator } from '../support/providers.js';
import { Browser, uiDeps } from './ui/helpers.js';

const sql = useDatabase();
const { sim } = useSimulator(simulator.create({ seed: 12, customers: 8, invoices: 40, payments: 10, creditNotes: 3 }));
sim.liftQuotas();
const deps = syncDeps(sql);
const ingress = webhookRoutes({ sql, registry: new ConnectorRegistry(connectors), secretFor: (p, connection) => webhookSecretFor(NO_APPS, p, connection), wake: async () => undefined });
const ui = createUi(uiDeps(sql));

const REASON = 'Montant erroné : le bon de commande prévoit 3 000 € HT';

async function connectedCompany() {
  const c = await connectTo(sql, pennylane, sim);
  expect((await syncConnection(deps, c.tenant.id, c.connection.id)).status).toBe('ok');
  sim.webhooks.drain();
  return c;
}
const post = (connectionId: string, delivery: { body: string; headers: Record<string, string> }) => ingress.request(`/pennylane/${connectionId}`, { method: 'POST', body: delivery.body, headers: delivery.headers });
const inboxRows = async (tenantId: string) => (await sql<{ n: number }[]>`select count(*)::int as n from inbox where tenant_id = ${tenantId}`)[0]!.n;
const stored = async (tenantId: string, id: string) => (await listDocuments(sql, tenantId, 'invoice', { externalIds: [id] }))[0]!.record;
async function work(tenantId: string) {
  const service = { runtime: { sql }, sync: deps, log: pino({ level: 'silent' }), queue: { enqueue: async () => undefined } } as unknown as Service;
  await createProcessors(service, { executeActions: async () => undefined }).webhook!({ tenantId, provider: 'pennylane' }, { jobId: `webhook-${tenantId}`, attempt: 1 });
}
async function apiToken(tenantId: string): Promise<string> {
  const b = new Browser(ui);
  await b.signIn(tenantId);
  const html = await (await b.post('/settings/tokens', { name: 'webhook test' })).text();
  return /data-testid="new-token">([^<]+)</.exec(html)![1]!;
}

describe('Pennylane e-invoicing webhook', () => {
  it('a refused e-invoice (210) arrives through the ingress, is stored on the invoice with the buyer’s reason, and shows in the API', async () => {
    const c = await connectedCompany();
    const id = sim.scenario.openInvoices()[0]!;
    expect((await stored(c.tenant.id, id)).eInvoicing ?? null).toBeNull();

    sim.data.setEInvoicing(id, 'refused', REASON);
    const [delivery, ...more] = sim.webhooks.drain();
    expect(more).toEqual([]);
    expect(JSON.parse(delivery!.body)).toMatchObject({ event: 'customer_invoice.e_invoicing_status_updated', data: { object: { id: Number(id) } } });

    expect((await post(c.connection.id, delivery!)).status).toBe(200);
    expect((await pendingInbox(sql, c.tenant.id)).map((e) => e.payload)).toEqual([expect.objectContaining({ stream: 'invoices', externalId: id, externalTenantId: c.externalTenantId })]);
    await work(c.tenant.id);
    expect(await pendingInbox(sql, c.tenant.id)).toEqual([]);
    const inv = await stored(c.tenant.id, id);
    expect(inv.eInvoicing).toEqual({ code: 210, status: 'refused', reason: REASON, updatedAt: expect.any(String) });

    // Visible: the invoice list and the customer's page in the API carry the status.
    const token = await apiToken(c.tenant.id);
    const get = async <T>(path: string) => (await (await ui.request(path, { headers: { authorization: `Bearer ${token}` } })).json()) as T;
    const list = await get<{ invoices: Invoice[] }>(`/api/v1/invoices?connectionId=${c.connection.id}&customerId=${inv.customerExternalId}`);
    expect(list.invoices.find((i) => i.externalId === id)!.eInvoicing).toMatchObject({ code: 210, status: 'refused', reason: REASON });
    const detail = await get<{ invoices: Invoice[] }>(`/api/v1/connections/${c.connection.id}/customers/${inv.customerExternalId}`);
    expect(detail.invoices.find((i) => i.externalId === id)!.eInvoicing).toMatchObject({ code: 210, status: 'refused' });
  });

  it('a bad signature gets 401 and stores nothing', async () => {
    const c = await connectedCompany();
    const id = sim.scenario.openInvoices()[1]!;
    sim.data.setEInvoicing(id, 'refused', REASON);
    const [delivery] = sim.webhooks.drain();
    const signature = delivery!.headers['x-pennylane-signature']!;
    const forged = { ...delivery!, headers: { ...delivery!.headers, 'x-pennylane-signature': signature.replace(/v1=([0-9a-f])/, (_m, d: string) => `v1=${d === '0' ? '1' : '0'}`) } };
    const res = await post(c.connection.id, forged);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_signature' });
    const { 'x-pennylane-signature': _, ...unsigned } = delivery!.headers;
    expect((await post(c.connection.id, { ...delivery!, headers: unsigned })).status).toBe(401);
    // Signed, but with another body: the signature covers the body.
    expect((await post(c.connection.id, { ...delivery!, body: delivery!.body.replace('refused', 'approved') })).status).toBe(401);
    expect(await inboxRows(c.tenant.id)).toBe(0);
    await work(c.tenant.id);
    expect((await stored(c.tenant.id, id)).eInvoicing ?? null).toBeNull();
  });

  it('a redelivery (Pennylane retries with the same id) is stored once, before and after the worker ran', async () => {
    const c = await connectedCompany();
    const id = sim.scenario.openInvoices()[2]!;
    sim.data.setEInvoicing(id, 'refused', REASON);
    const [delivery] = sim.webhooks.drain();
    expect((await post(c.connection.id, delivery!)).status).toBe(200);
    expect((await post(c.connection.id, delivery!)).status).toBe(200);
    expect(await inboxRows(c.tenant.id)).toBe(1);
    await work(c.tenant.id);
    expect((await post(c.connection.id, delivery!)).status).toBe(200);
    expect(await inboxRows(c.tenant.id)).toBe(1);
    expect(await pendingInbox(sql, c.tenant.id)).toEqual([]);
    expect((await stored(c.tenant.id, id)).eInvoicing).toMatchObject({ code: 210 });
  });
});
