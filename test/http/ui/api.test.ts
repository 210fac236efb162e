// The REST API: per-tenant bearer tokens (shown once, hashed at rest, revocable), tenant scoping, validation, the OpenAPI document.
import { describe, expect, it } from 'vitest';
import { createSite as createUi } from '../../../src/http/app.js';
import { recordActivity } from '../../../src/store/activity.js';
import { planActions } from '../../../src/store/outbox.js';
import { listPauses, openPause } from '../../../src/store/pauses.js';
import { activePolicy } from '../../../src/store/policies.js';
import { sha256 } from '../../../src/store/auth.js';
import { useDatabase } from '../../support/db.js';
import { ADMIN, Browser, customer, invoice, seedTenant, uiDeps } from './helpers.js';

const sql = useDatabase();
/** Tenants whose workers were woken (sending just turned on). */
const woken: string[] = [];
const app = createUi(uiDeps(sql, { wakeActions: async (tenantId) => void woken.push(tenantId) }));

/** Creates a token through the settings page, as a user would, and reads it from the page (shown once). */
async function tokenFor(tenantId: string): Promise<string> {
  const b = new Browser(app);
  await b.signIn(tenantId);
  const html = await (await b.post('/settings/tokens', { name: 'CI' })).text();
  const token = /data-testid="new-token">([^<]+)</.exec(html)?.[1];
  if (!token) throw new Error('no token on the page');
  const again = await (await b.request('/settings/tokens')).text();
  expect(again).not.toContain(token);
  return token;
}

const get = (path: string, token: string) => app.request(path, { headers: { authorization: `Bearer ${token}` } });
const send = (method: string, path: string, token: string, body: unknown) =>
  app.request(path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('API tokens', () => {
  it('stores only a hash, works as a Bearer token, and stops working once revoked', async () => {
    const t = await seedTenant(sql, [customer('c1', 'Dupont SA')], [invoice('1', 'c1', '2026-11-10', '120.50')]);
    const token = await tokenFor(t.tenant.id);
    const [row] = await sql<{ token_hash: string; prefix: string }[]>`select token_hash, prefix from api_tokens where tenant_id = ${t.tenant.id}`;
    expect(row!.token_hash).toBe(sha256(token));
    expect(token.startsWith(row!.prefix)).toBe(true);

    const res = await get('/api/v1/customers', token);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { customers: { externalId: string; name: string; open: string; overdue: string; segment: string }[] };
    expect(body.customers).toEqual([expect.objectContaining({ externalId: 'c1', name: 'Dupont SA', open: '120.50', overdue: '120.50' })]);

    const b = new Browser(app);
    await b.signIn(t.tenant.id);
    const [tok] = await sql<{ id: string }[]>`select id from api_tokens where tenant_id = ${t.tenant.id}`;
    expect((await b.post(`/settings/tokens/${tok!.id}/revoke`)).status).toBe(303);
    expect((await get('/api/v1/customers', token)).status).toBe(401);
  });

  it('scopes every call to the token’s tenant: another tenant’s ids are 404', async () => {
    const a = await seedTenant(sql, [customer('ca')], [invoice('1', 'ca', '2026-11-10', '100.00')]);
    const b = await seedTenant(sql, [customer('cb')], [invoice('2', 'cb', '2026-11-10', '200.00')]);
    const pauseA = await openPause(sql, a.tenant.id, a.connection.id, { kind: 'hold', reason: 'r', owner: 'o', startsOn: '2026-11-20', customerExternalId: 'ca', instalments: [] }, 'test');
    const tokenB = await tokenFor(b.tenant.id);
    const invoices = (await (await get('/api/v1/invoices', tokenB)).json()) as { invoices: { externalId: string }[] };
    expect(invoices.invoices.map((i) => i.externalId)).toEqual(['2']);
    expect(await (await get(`/api/v1/invoices?connectionId=${a.connection.id}`, tokenB)).json()).toEqual({ invoices: [] });
    expect((await get(`/api/v1/connections/${a.connection.id}/customers/ca`, tokenB)).status).toBe(404);
    expect((await get(`/api/v1/connections/${a.connection.id}/preview`, tokenB)).status).toBe(404);
    expect((await send('POST', `/api/v1/connections/${a.connection.id}/sync`, tokenB, {})).status).toBe(404);
    expect((await send('POST', `/api/v1/pauses/${pauseA.id}/resolve`, tokenB, {})).status).toBe(404);
    expect((await send('POST', `/api/v1/connections/${a.connection.id}/pauses`, tokenB, { kind: 'dispute', reason: 'x', owner: 'y', customerExternalId: 'ca' })).status).toBe(404);
    const connections = (await (await get('/api/v1/connections', tokenB)).json()) as { connections: { id: string }[] };
    expect(connections.connections.map((c) => c.id)).toEqual([b.connection.id]);
    expect((await get(`/api/v1/connections/${b.connection.id}/customers/cb`, tokenB)).status).toBe(200);
  });
});

describe('API activity and pauses across two tenants', () => {
  it('a token of tenant B reads only B’s outbox, activity and pauses, even with the same ids; A’s connection is 404', async () => {
    // The same customer and invoice ids in both tenants: only the tenant scoping tells them apart.
    const a = await seedTenant(sql, [customer('c1')], [invoice('1', 'c1', '2026-11-10', '100.00')]);
    const b = await seedTenant(sql, [customer('c1')], [invoice('1', 'c1', '2026-11-10', '200.00')]);
    for (const t of [a, b]) {
      const key = `${t.tenant.id}|reminder-1|1`;
      await planActions(sql, t.tenant.id, [{ idempotencyKey: key, kind: 'email', dueAt: '2026-11-25T09:00:00Z', payload: { tenant: t.tenant.name }, connectionId: t.connection.id }]);
      await recordActivity(sql, t.tenant.id, { connectionId: t.connection.id, actionKey: key, kind: 'sent', channel: 'email', customerExternalId: 'c1', invoiceExternalIds: ['1'], reason: `sent for ${t.tenant.name}` });
      await openPause(sql, t.tenant.id, t.connection.id, { kind: 'dispute', reason: `dispute of ${t.tenant.name}`, owner: 'o', startsOn: '2026-11-20', customerExternalId: 'c1', invoiceExternalId: '1', instalments: [] }, 'test');
    }
    type ActivityAnswer = { outbox: { payload: unknown }[]; activities: { kind: string; reason: string | null; connectionId: string | null; actor: string | null }[] };
    type PausesAnswer = { pauses: { reason: string; connectionId: string }[] };
    for (const t of [a, b]) {
      const token = await tokenFor(t.tenant.id);
      const activity = (await (await get('/api/v1/activity', token)).json()) as ActivityAnswer;
      expect(activity.outbox.map((o) => o.payload)).toEqual([{ tenant: t.tenant.name }]);
      // Creating the token on the settings page is a change of the company's, recorded with who made it (#23).
      expect(activity.activities.filter((x) => x.kind === 'changed').map((x) => [x.reason, x.actor])).toEqual([['POST /settings/tokens', ADMIN.email]]);
      expect(activity.activities.filter((x) => x.kind !== 'changed').map((x) => [x.reason, x.connectionId])).toEqual([[`sent for ${t.tenant.name}`, t.connection.id]]);
      for (const query of ['', '?customerId=c1', '?state=active&customerId=c1']) {
        const pauses = (await (await get(`/api/v1/pauses${query}`, token)).json()) as PausesAnswer;
        expect(pauses.pauses.map((p) => [p.reason, p.connectionId]), query).toEqual([[`dispute of ${t.tenant.name}`, t.connection.id]]);
      }
    }
    // Tenant A's connection named with B's token: 404, and A's pauses are untouched.
    const tokenB = await tokenFor(b.tenant.id);
    const detail = await get(`/api/v1/connections/${a.connection.id}/customers/c1`, tokenB);
    expect(detail.status).toBe(404);
    expect(JSON.stringify(await detail.json())).not.toContain(`dispute of ${a.tenant.name}`);
    expect((await send('POST', `/api/v1/connections/${a.connection.id}/pauses`, tokenB, { kind: 'hold', reason: 'from B', owner: 'b', customerExternalId: 'c1' })).status).toBe(404);
    expect((await listPauses(sql, a.tenant.id)).map((p) => p.reason)).toEqual([`dispute of ${a.tenant.name}`]);
  });
});

describe('API operations', () => {
  it('opens a pause (validated by the Pause schema), previews, edits the policy and reads KPIs', async () => {
    const t = await seedTenant(sql, [customer('c1')], [invoice('1', 'c1', '2026-11-10', '300.00'), invoice('2', 'c1', '2026-11-27', '80.00')]);
    const token = await tokenFor(t.tenant.id);
    const bad = await send('POST', `/api/v1/connections/${t.connection.id}/pauses`, token, { kind: 'payment_plan', reason: 'plan', owner: 'me', customerExternalId: 'c1', invoiceExternalId: '1' });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toContain('a payment plan needs at least one instalment');
    const created = await send('POST', `/api/v1/connections/${t.connection.id}/pauses`, token, { kind: 'dispute', reason: 'damaged goods', owner: 'me', customerExternalId: 'c1', invoiceExternalId: '1' });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ kind: 'dispute', invoiceExternalId: '1', state: 'active', startsOn: '2026-11-24' });

    const preview = (await (await get(`/api/v1/connections/${t.connection.id}/preview?days=10`, token)).json()) as { today: string; days: { date: string; actions: { invoices: { externalId: string }[]; explain: string }[] }[] };
    expect(preview.today).toBe('2026-11-24');
    const planned = preview.days.flatMap((d) => d.actions.flatMap((a) => a.invoices.map((i) => i.externalId)));
    // Invoice 1 is disputed: only invoice 2 (due 27 Nov, courtesy reminder 3 days before) is planned.
    expect(planned).toContain('2');
    expect(planned).not.toContain('1');

    const policy = (await (await get('/api/v1/policy', token)).json()) as { version: number | null; policy: { steps: { id: string; offset: { days: number } }[] } };
    expect(policy.version).toBeNull();
    const invalid = await send('PUT', '/api/v1/policy', token, { ...policy.policy, steps: [] });
    expect(invalid.status).toBe(422);
    // A template that does not exist is refused on save, naming the step; so is a formal notice with no reminder before it.
    const unknown = structuredClone(policy.policy) as unknown as { steps: { templateId: string }[] };
    unknown.steps[2]!.templateId = 'fr.appel';
    const refused = await send('PUT', '/api/v1/policy', token, unknown);
    expect(refused.status).toBe(422);
    expect(JSON.stringify(await refused.json())).toContain('step \\"Relance 2\\" (reminder-2) names the template \\"fr.appel\\", which does not exist');
    const abrupt = await send('PUT', '/api/v1/policy', token, { ...policy.policy, catchUp: undefined, steps: policy.policy.steps.slice(4) });
    expect(abrupt.status).toBe(422);
    expect(JSON.stringify(await abrupt.json())).toContain('comes without a prior reminder');
    policy.policy.steps[1]!.offset.days = 4;
    const saved = await send('PUT', '/api/v1/policy', token, policy.policy);
    expect(saved.status).toBe(200);
    expect(((await activePolicy(sql, t.tenant.id))!.document as typeof policy.policy).steps[1]!.offset.days).toBe(4);

    const kpis = (await (await get('/api/v1/kpis', token)).json()) as { currency: string; kpis: { receivables: { total: string; pastDue: string } } };
    expect(kpis.currency).toBe('EUR');
    expect(kpis.kpis.receivables).toMatchObject({ total: '380.00', pastDue: '300.00' });
  });
});

describe('the sending switch', () => {
  type ConnectionJson = { id: string; sending: { enabled: boolean; changedAt: string | null; changedBy: string | null } };

  it('is off for a new connection, turns on and off with the token named as the actor, and wakes the workers when on', async () => {
    const t = await seedTenant(sql, [customer('c1')], [invoice('1', 'c1', '2026-11-10', '100.00')]);
    const token = await tokenFor(t.tenant.id);
    const path = `/api/v1/connections/${t.connection.id}`;
    const first = (await (await get(path, token)).json()) as ConnectionJson;
    expect(first).toMatchObject({ id: t.connection.id, sending: { enabled: false, changedAt: null, changedBy: null } });

    const on = await send('PUT', `${path}/sending`, token, { enabled: true });
    expect(on.status).toBe(200);
    const body = (await on.json()) as { connectionId: string; changed: boolean; sending: ConnectionJson['sending'] };
    expect(body).toMatchObject({ connectionId: t.connection.id, changed: true, sending: { enabled: true } });
    expect(body.sending.changedBy).toBe(`api token "CI" (${token.slice(0, 9)}…)`);
    expect(woken.filter((x) => x === t.tenant.id)).toHaveLength(1);
    // The same position again changes nothing, logs nothing and wakes nobody.
    expect(await (await send('PUT', `${path}/sending`, token, { enabled: true })).json()).toMatchObject({ changed: false, sending: { enabled: true } });
    expect(woken.filter((x) => x === t.tenant.id)).toHaveLength(1);
    const listed = (await (await get('/api/v1/connections', token)).json()) as { connections: ConnectionJson[] };
    expect(listed.connections.map((c) => [c.id, c.sending.enabled])).toEqual([[t.connection.id, true]]);

    expect(await (await send('PUT', `${path}/sending`, token, { enabled: false })).json()).toMatchObject({ changed: true, sending: { enabled: false } });
    expect(woken.filter((x) => x === t.tenant.id)).toHaveLength(1);
    expect((await (await get(path, token)).json()) as ConnectionJson).toMatchObject({ sending: { enabled: false } });

    const activity = (await (await get('/api/v1/activity', token)).json()) as { activities: { kind: string; actor: string | null; actionKey: string }[] };
    expect(activity.activities.filter((a) => a.kind !== 'changed').map((a) => [a.kind, a.actor])).toEqual([
      ['sending_off', body.sending.changedBy],
      ['sending_on', body.sending.changedBy],
    ]);
  });

  it('refuses a body that is not {enabled: boolean}, and another tenant’s connection is 404 and left as it was', async () => {
    const a = await seedTenant(sql, [customer('ca')], [invoice('1', 'ca', '2026-11-10', '100.00')]);
    const b = await seedTenant(sql, [customer('cb')], [invoice('2', 'cb', '2026-11-10', '200.00')]);
    const tokenB = await tokenFor(b.tenant.id);
    for (const bad of [{ enabled: 'yes' }, {}, { enabled: true, extra: 1 }]) {
      const res = await send('PUT', `/api/v1/connections/${b.connection.id}/sending`, tokenB, bad);
      expect(res.status, JSON.stringify(bad)).toBe(422);
    }
    expect((await get(`/api/v1/connections/${a.connection.id}`, tokenB)).status).toBe(404);
    expect((await send('PUT', `/api/v1/connections/${a.connection.id}/sending`, tokenB, { enabled: true })).status).toBe(404);
    expect((await send('PUT', '/api/v1/connections/not-a-uuid/sending', tokenB, { enabled: true })).status).toBe(404);
    const [row] = await sql<{ sending_enabled: boolean }[]>`select sending_enabled from connections where tenant_id = ${a.tenant.id} and id = ${a.connection.id}`;
    expect(row!.sending_enabled).toBe(false);
    expect(await sql`select 1 from activities where tenant_id = ${a.tenant.id}`).toHaveLength(0);
    expect((await send('PUT', `/api/v1/connections/${b.connection.id}/sending`, 'not-a-token', { enabled: true })).status).toBe(401);
  });
});

describe('OpenAPI', () => {
  it('serves a valid JSON document listing every API route with the bearer scheme', async () => {
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { security?: unknown[] }>>; components: { securitySchemes: Record<string, { scheme: string }>; schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/v1/activity',
      '/api/v1/connections',
      '/api/v1/connections/{connectionId}/customers/{customerId}',
      '/api/v1/connections/{connectionId}/customers/{customerId}/recovery-file',
      '/api/v1/connections/{connectionId}/pauses',
      '/api/v1/connections/{connectionId}/preview',
      '/api/v1/connections/{id}',
      '/api/v1/connections/{id}/sending',
      '/api/v1/connections/{id}/sync',
      '/api/v1/customers',
      '/api/v1/invoices',
      '/api/v1/kpis',
      '/api/v1/mappings/{provider}/{entity}',
      '/api/v1/pauses',
      '/api/v1/pauses/{id}/resolve',
      '/api/v1/policy',
      '/api/v1/tasks',
      '/api/v1/tasks/{id}',
      '/api/v1/tasks/{id}/done',
      '/api/v1/tasks/{id}/snooze',
    ]);
    expect(Object.keys(doc.paths['/api/v1/policy']!).sort()).toEqual(['get', 'put']);
    expect(doc.components.securitySchemes['Bearer']!.scheme).toBe('bearer');
    expect(doc.paths['/api/v1/customers']!['get']!.security).toEqual([{ Bearer: [] }]);
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Pause', 'NewPause', 'CustomerSummary', 'Preview', 'Connection', 'Sending', 'SendingInput']));
    expect(Object.keys(doc.paths['/api/v1/connections/{id}/sending']!)).toEqual(['put']);
  });
});
