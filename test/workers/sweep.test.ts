// The one sweep a minute: it wakes, from PostgreSQL, exactly the tenants with outbox items due or webhook events pending,
// so a lost wake-up is picked up within a minute without two jobs a minute for every tenant.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Service } from '../../src/service.js';
import { addToInbox, markInboxProcessed } from '../../src/store/inbox.js';
import { planActions } from '../../src/store/outbox.js';
import { createConnection, createTenant, updateConnection } from '../../src/store/tenants.js';
import { createProcessors } from '../../workers/processors.js';
import { installSchedules } from '../../workers/schedules.js';
import { useDatabase } from '../support/db.js';
import { switchSendingOn } from '../support/sending.js';

const sql = useDatabase();
const LEASE_MS = 5 * 60_000;

/** A connected company (active, with its id at the provider: one the workers schedule), sending on unless told. */
async function company(opts: { sending?: boolean; provider?: string; status?: string } = {}) {
  const tenant = await createTenant(sql, { name: `sweep-${randomUUID().slice(0, 8)}` });
  const connection = await createConnection(sql, tenant.id, { provider: opts.provider ?? 'quickbooks', externalTenantId: `ext-${randomUUID()}` });
  if (opts.status) await sql`update connections set status = ${opts.status} where id = ${connection.id}`;
  else await updateConnection(sql, tenant.id, connection.id, { status: 'active' });
  if (opts.sending !== false) await switchSendingOn(sql, tenant.id, connection.id);
  return { tenantId: tenant.id, connectionId: connection.id };
}

const email = (c: { connectionId: string }, dueAt: Date) => ({ idempotencyKey: `k-${randomUUID()}`, kind: 'email', dueAt: dueAt.toISOString(), payload: {}, connectionId: c.connectionId });

function recordingService() {
  const enqueued: { name: string; payload: Record<string, string>; options: { jobId?: string } }[] = [];
  const service = {
    runtime: { sql },
    config: { OUTBOX_LEASE_MS: LEASE_MS },
    log: pino({ level: 'silent' }),
    queue: { enqueue: async (name: string, payload: Record<string, string>, options: { jobId?: string }) => void enqueued.push({ name, payload, options }) },
  } as unknown as Service;
  return { service, enqueued };
}

describe('the sweep', () => {
  it('wakes the tenants with actions due or webhook events pending, and only those', async () => {
    const now = Date.now();
    const due = await company();
    await planActions(sql, due.tenantId, [email(due, new Date(now - 60_000))]);
    const later = await company();
    await planActions(sql, later.tenantId, [email(later, new Date(now + 3_600_000))]);
    // Sending off: the item is held, nothing would be sent (the executor would only count it).
    const held = await company({ sending: false });
    await planActions(sql, held.tenantId, [email(held, new Date(now - 60_000))]);
    // A worker died with an item in `sending`: its lease ran out, another worker takes it over.
    const stale = await company();
    await planActions(sql, stale.tenantId, [email(stale, new Date(now - 3_600_000))]);
    await sql`update outbox set state = 'sending', updated_at = now() - interval '1 hour' where tenant_id = ${stale.tenantId}`;
    const fresh = await company();
    await planActions(sql, fresh.tenantId, [email(fresh, new Date(now - 60_000))]);
    await sql`update outbox set state = 'sending', updated_at = now() where tenant_id = ${fresh.tenantId}`;
    const done = await company();
    await planActions(sql, done.tenantId, [email(done, new Date(now - 60_000))]);
    await sql`update outbox set state = 'sent' where tenant_id = ${done.tenantId}`;
    // Webhook events: one pending, one processed.
    const hooked = await company({ provider: 'xero' });
    await addToInbox(sql, hooked.tenantId, [{ connectionId: hooked.connectionId, provider: 'xero', dedupeKey: `d-${randomUUID()}`, payload: { stream: 'invoices', externalId: '1' } }]);
    const handled = await company({ provider: 'xero' });
    const ids = await addToInbox(sql, handled.tenantId, [{ connectionId: handled.connectionId, provider: 'xero', dedupeKey: `d-${randomUUID()}`, payload: { stream: 'invoices', externalId: '1' } }]);
    await markInboxProcessed(sql, handled.tenantId, ids);
    // A company waiting to be reconnected is not scheduled by the workers: nothing of it is swept (as before).
    const disconnected = await company({ status: 'needs_reconnect' });
    await planActions(sql, disconnected.tenantId, [email(disconnected, new Date(now - 60_000))]);
    const idle = await company();

    const { service, enqueued } = recordingService();
    await createProcessors(service, { executeActions: async () => undefined }).sweep!({}, { jobId: 'sweep-1', attempt: 1 });
    // The shared database holds other files' tenants too: these are the ones this test looks at.
    const mine = new Set([due, later, held, stale, fresh, done, hooked, handled, disconnected, idle].map((c) => c.tenantId));
    const woken = enqueued.filter((e) => mine.has(e.payload['tenantId']!));
    expect(woken.map((e) => ({ name: e.name, payload: e.payload, jobId: e.options.jobId })).sort((a, b) => a.jobId!.localeCompare(b.jobId!))).toEqual(
      [
        { name: 'actions', payload: { tenantId: due.tenantId }, jobId: `actions:${due.tenantId}` },
        { name: 'actions', payload: { tenantId: stale.tenantId }, jobId: `actions:${stale.tenantId}` },
        { name: 'webhook', payload: { tenantId: hooked.tenantId, provider: 'xero' }, jobId: `webhook:${hooked.tenantId}:xero` },
      ].sort((a, b) => a.jobId.localeCompare(b.jobId)),
    );
  });

  it('is one schedule a minute for the whole service, and the tenants\' own sweeps of earlier versions are removed', async () => {
    const c = await company();
    const calls: { op: string; name?: string; id: string; everyMs?: number }[] = [];
    const queue = {
      schedule: async (name: string, _p: unknown, spec: { id: string; everyMs?: number }) => void calls.push({ op: 'schedule', name, id: spec.id, ...(spec.everyMs ? { everyMs: spec.everyMs } : {}) }),
      unschedule: async (id: string) => void calls.push({ op: 'unschedule', id }),
      enqueue: async () => undefined,
    };
    const service = { runtime: { sql }, queue, config: { DEFAULT_TIME_ZONE: 'Europe/Paris' }, registry: { has: () => false }, addedRates: undefined } as unknown as Service;
    await installSchedules(service);
    expect(calls.filter((k) => k.op === 'schedule' && (k.name === 'sweep' || k.name === 'actions' || k.name === 'webhook'))).toEqual([{ op: 'schedule', name: 'sweep', id: 'sweep', everyMs: 60_000 }]);
    expect(calls.filter((k) => k.op === 'unschedule' && k.id.includes(c.tenantId)).map((k) => k.id).sort()).toEqual([`actions:${c.tenantId}`, `webhook:${c.tenantId}:quickbooks`]);
  });
});
