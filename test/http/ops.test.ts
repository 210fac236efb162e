// Operations endpoints: Prometheus /metrics with the product's gauges, Bull Board behind the admin's credentials.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { createBullQueue } from '../../src/queue/index.js';
import { planActions, quarantine } from '../../src/store/index.js';
import { newTenant, useDatabase } from '../support/db.js';

const sql = useDatabase();
const queue = createBullQueue(inject('redisUrl'), { name: `ops-${randomUUID()}` });
afterAll(() => queue.close());
const admin = { email: 'admin@example.fr', password: 'correct horse battery staple' };
const requests = { total: 12, throttled: 2, byProvider: { quickbooks: { total: 12, throttled: 2 } } };
const app = createApp({
  sql,
  metrics: createMetrics({ runtime: { sql } as never, queue, requests }),
  board: { queues: queue.boardQueues(), admin },
});

describe('/metrics', () => {
  it('exposes jobs, provider requests and 429s, actions by state and quarantine size', async () => {
    const t = await newTenant(sql, 'quickbooks');
    await planActions(sql, t.tenant.id, [{ idempotencyKey: `k-${randomUUID()}`, kind: 'email', dueAt: new Date().toISOString(), payload: {} }]);
    await quarantine(sql, t.tenant.id, t.connection.id, [{ entity: 'invoice', externalId: 'bad-1', reason: 'total: "abc" is not an amount', path: 'total', raw: { Id: 'bad-1' } }]);
    await queue.enqueue('evaluate', { tenantId: t.tenant.id, connectionId: t.connection.id }, { delayMs: 60_000 });
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/relance_provider_requests_total\{provider="quickbooks"\} 12/);
    expect(text).toMatch(/relance_provider_throttled_total\{provider="quickbooks"\} 2/);
    expect(text).toMatch(/relance_jobs\{state="delayed"\} [1-9]/);
    expect(text).toMatch(/relance_actions\{kind="email",state="planned"\} [1-9]/);
    expect(text).toMatch(/relance_quarantine_records\{entity="invoice"\} [1-9]/);
  });
});

describe('Bull Board', () => {
  it('asks for the admin credentials and then shows the queues', async () => {
    expect((await app.request('/admin/queues')).status).toBe(401);
    const wrong = `Basic ${Buffer.from(`${admin.email}:nope`).toString('base64')}`;
    expect((await app.request('/admin/queues', { headers: { Authorization: wrong } })).status).toBe(401);
    const right = `Basic ${Buffer.from(`${admin.email}:${admin.password}`).toString('base64')}`;
    const res = await app.request('/admin/queues', { headers: { Authorization: right } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<html');
    const api = await app.request('/admin/queues/api/queues', { headers: { Authorization: right } });
    expect(api.status).toBe(200);
    expect(JSON.stringify(await api.json())).toContain('ops-');
  });
});
