// The outbox lease queries the executor relies on (src/actions/outbox-lease.ts), each on its own against real
// PostgreSQL: what renewing a lease and noting a hand-over answer once another attempt took the item, and which
// stored results count as an earlier hand-over. Plus the executor's side of a lost hand-over on a real SMTP sink.
import { describe, expect, it } from 'vitest';
import { executeDue } from '../../src/actions/executor.js';
import { markSubmitting, renewLease, retryLater, submittedBefore } from '../../src/actions/outbox-lease.js';
import { listOutbox, planActions, transition } from '../../src/store/outbox.js';
import { newTenant, useDatabase } from '../support/db.js';
import { NOW, customer, invoice, makeDeps, outboxRows, plan, seed } from './fixtures.js';
import { useSmtpSink } from './smtp-sink.js';

const sql = useDatabase();
const sink = useSmtpSink();

/** One item of a fresh tenant, claimed (planned → sending, attempt 1). */
async function claimedItem() {
  const { scope } = await newTenant(sql);
  await planActions(sql, scope.tenantId, [{ idempotencyKey: 'k1', kind: 'email', dueAt: '2026-03-16T08:00:00Z', payload: {} }]);
  const [item] = await listOutbox(sql, scope.tenantId);
  expect(await transition(sql, scope.tenantId, item!.id, 'planned', 'sending')).toBe(true);
  return { tenantId: scope.tenantId, id: item!.id };
}

describe('renewing a lease', () => {
  it('renews its own attempt only, and says whether it did', async () => {
    const { tenantId, id } = await claimedItem();
    await sql`update outbox set updated_at = now() - interval '1 hour' where id = ${id}`;
    expect(await renewLease(sql, tenantId, id, 1)).toBe(true);
    const [fresh] = await sql<{ age: number }[]>`select extract(epoch from now() - updated_at)::float8 as age from outbox where id = ${id}`;
    expect(fresh!.age).toBeLessThan(60);
    // Another worker's attempt, or an item that left `sending`: nothing renewed.
    expect(await renewLease(sql, tenantId, id, 2)).toBe(false);
    expect(await transition(sql, tenantId, id, 'sending', 'sent')).toBe(true);
    expect(await renewLease(sql, tenantId, id, 1)).toBe(false);
  });
});

describe('noting a hand-over', () => {
  it('notes it for its own attempt only, and says whether it did', async () => {
    const { tenantId, id } = await claimedItem();
    expect(await markSubmitting(sql, tenantId, id, 2, '<m@x>')).toBe(false);
    expect((await listOutbox(sql, tenantId))[0]!.result).toBeNull();
    expect(await markSubmitting(sql, tenantId, id, 1, '<m@x>')).toBe(true);
    expect((await listOutbox(sql, tenantId))[0]!.result).toEqual({ submitting: 1, messageId: '<m@x>' });
  });

  it('an email whose item another attempt took over while it was on its way is withdrawn: not sent, not recorded', async () => {
    const s = await seed(sql, { customers: [customer('ho', { email: 'handover@lease.example' })], invoices: [invoice('ho-i', 'ho')] });
    expect((await plan(sql, s)).keys).toHaveLength(1);
    // Our lease ran out while the message was on its way, and another worker reclaimed the item (attempt 2).
    const deps = makeDeps(sql, sink.port, {
      hook: async (point, item) => {
        if (point === 'handing') await sql`update outbox set attempts = attempts + 1 where id = ${item.id}`;
      },
    });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 0, skipped: 1 });
    expect(sink.messages.filter((m) => m.rcptTo.includes('handover@lease.example'))).toHaveLength(0);
    // Left to the attempt that has it: still `sending`, no hand-over note of ours.
    expect(await outboxRows(sql, s.tenantId)).toMatchObject([{ state: 'sending', attempts: 2, result: null }]);
  });
});

describe('putting an item back for later', () => {
  it('puts back a `sending` item only, with its date and reason, and says whether it did', async () => {
    const { tenantId, id } = await claimedItem();
    const at = new Date('2026-03-16T09:00:00Z');
    expect(await retryLater(sql, tenantId, id, 1, at, 'boom')).toBe(true);
    expect(await listOutbox(sql, tenantId)).toMatchObject([{ state: 'planned', dueAt: at.toISOString(), lastError: 'boom' }]);
    // No longer `sending` (another worker finished or put it back): nothing changes.
    expect(await retryLater(sql, tenantId, id, 1, new Date('2026-03-17T09:00:00Z'), 'again')).toBe(false);
    expect(await listOutbox(sql, tenantId)).toMatchObject([{ state: 'planned', dueAt: at.toISOString(), lastError: 'boom' }]);
  });

  it('puts back its own attempt only: one whose item another worker took over leaves it `sending`', async () => {
    const { tenantId, id } = await claimedItem();
    // Our lease ran out and another worker reclaimed the item: attempt 2 is running it.
    await sql`update outbox set attempts = 2 where id = ${id}`;
    expect(await retryLater(sql, tenantId, id, 1, new Date('2026-03-16T09:00:00Z'), 'late failure of attempt 1')).toBe(false);
    expect(await listOutbox(sql, tenantId)).toMatchObject([{ state: 'sending', attempts: 2, lastError: null }]);
    expect(await retryLater(sql, tenantId, id, 2, new Date('2026-03-16T09:00:00Z'), 'attempt 2 failed')).toBe(true);
    expect(await listOutbox(sql, tenantId)).toMatchObject([{ state: 'planned', attempts: 2, lastError: 'attempt 2 failed' }]);
  });

  it('a send that fails after another worker took its item over neither puts it back nor gives it up', async () => {
    const s = await seed(sql, { customers: [customer('tk', { email: 'takeover@lease.example' })], invoices: [invoice('tk-i', 'tk')] });
    expect((await plan(sql, s)).keys).toHaveLength(1);
    // Our lease ran out while we were about to hand the message over, another worker reclaimed the item (attempt 2),
    // and our send then failed: attempt 2's item must stay as attempt 2 has it.
    const deps = makeDeps(sql, sink.port, {
      hook: async (point, item) => {
        if (point !== 'handing') return;
        await sql`update outbox set attempts = attempts + 1 where id = ${item.id}`;
        throw new Error('connection reset while handing over');
      },
    });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 0, retried: 0, failed: 0, skipped: 1 });
    expect(await outboxRows(sql, s.tenantId)).toMatchObject([{ state: 'sending', attempts: 2, last_error: null }]);
    expect(sink.messages.filter((m) => m.rcptTo.includes('takeover@lease.example'))).toHaveLength(0);
  });
});

describe('recording an outcome', () => {
  it('records its own attempt’s outcome only', async () => {
    const { tenantId, id } = await claimedItem();
    await sql`update outbox set attempts = 2 where id = ${id}`;
    expect(await transition(sql, tenantId, id, 'sending', 'failed', { error: 'attempt 1 gave up', attempt: 1 })).toBe(false);
    expect(await listOutbox(sql, tenantId)).toMatchObject([{ state: 'sending', attempts: 2 }]);
    expect(await transition(sql, tenantId, id, 'sending', 'sent', { result: { ok: true }, attempt: 2 })).toBe(true);
    expect(await listOutbox(sql, tenantId)).toMatchObject([{ state: 'sent', attempts: 2, result: { ok: true } }]);
  });
});

describe('an earlier hand-over', () => {
  it('is a stored result with a numeric `submitting`, and nothing else', () => {
    expect(submittedBefore({ result: { submitting: 1, messageId: '<m@x>' } })).toBe(true);
    expect(submittedBefore({ result: null })).toBe(false);
    expect(submittedBefore({ result: undefined })).toBe(false);
    expect(submittedBefore({ result: { messageId: '<m@x>', response: '250 OK' } })).toBe(false);
    expect(submittedBefore({ result: { submitting: '1' } })).toBe(false);
  });
});
