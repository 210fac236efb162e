// What the user sees matches what will happen (#28.5): a pause opened after planning cancels what it covers (and the
// executor checks again before sending), a person can cancel a planned action for good, and a policy change cancels
// what was planned for the steps it changed; each says why, as data the pages word in the reader's language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeDue } from '../../src/actions/executor.js';
import { listActivity } from '../../src/store/activity.js';
import { cancelPlanned, plannedDunning } from '../../src/store/cancel.js';
import { closePause, openPause } from '../../src/store/pauses.js';
import { changedSteps, savePolicy } from '../../src/store/policies.js';
import { stepHistory } from '../../src/store/step-history.js';
import { FRENCH_B2B_POLICY } from '../../src/rules/default-policies.js';
import { pauseHolding } from '../../src/rules/pause-cover.js';
import { isBrokenPromise } from '../../src/rules/risk.js';
import type { Pause, PlannedAction } from '../../src/model/collections.js';
import { useDatabase } from '../support/db.js';
import { NOW, customer, invoice, makeDeps, outboxRows, plan, seed } from '../actions/fixtures.js';
import { useSmtpSink } from '../actions/smtp-sink.js';

const sql = useDatabase();
const sink = useSmtpSink();

const TODAY = '2026-03-16';
const dispute = (invoiceExternalId: string | null, patch: Partial<Pause> = {}): Omit<Pause, 'id' | 'createdAt'> => ({
  kind: 'dispute', reason: 'Livraison contestée', owner: 'marie@atelier.fr', startsOn: TODAY, expiresOn: null, customerExternalId: 'c1', invoiceExternalId, instalments: [], ...patch,
});
/** Outbox states by customer (the French policy writes to a customer once for all its overdue invoices). */
const byCustomer = async (tenantId: string) => {
  const rows = await outboxRows(sql, tenantId);
  return Object.fromEntries(rows.map((r) => [/\|cc:([^:]+):/.exec(r.idempotency_key)?.[1] ?? r.idempotency_key, r.state]));
};

describe('a pause opened after planning', () => {
  it('cancels the planned reminder of its invoice only, says why, and nothing is sent for it', async () => {
    // Two customers (one message per customer a day): the dispute on a leaves b alone.
    const s = await seed(sql, { customers: [customer('c1', { email: 'c1@client.example' }), customer('c2', { email: 'c1@client.example' })], invoices: [invoice('a', 'c1'), invoice('b', 'c2', { dueDate: '2026-03-09' })] });
    expect((await plan(sql, s)).keys).toHaveLength(2);
    const opened = await openPause(sql, s.tenantId, s.connectionId, dispute('a'), 'marie@atelier.fr');
    expect(opened.cancelledActions).toBe(1);
    expect(await byCustomer(s.tenantId)).toEqual({ c1: 'cancelled', c2: 'planned' });
    const [act] = await listActivity(sql, s.tenantId, { invoiceExternalId: 'a' });
    expect(act).toMatchObject({ kind: 'cancelled', actor: 'marie@atelier.fr', why: { code: 'paused', pause: 'dispute', since: TODAY, until: null, by: 'marie@atelier.fr' } });
    expect(act!.reason).toContain('held by a dispute');
    const sent = await executeDue(makeDeps(sql, sink.port), s.tenantId, NOW);
    expect(sent).toMatchObject({ sent: 1, cancelled: 0 });
    expect(sink.messages.filter((m) => m.rcptTo.includes('c1@client.example')).map((m) => m.raw)).toEqual([expect.stringContaining('F-b')]);
    expect(sink.messages.filter((m) => m.rcptTo.includes('c1@client.example') && m.raw.includes('F-a'))).toHaveLength(0);
  });

  it('a whole-customer promise cancels what goes out up to its date, not after; resolved, the step is planned again', async () => {
    const s = await seed(sql, { customers: [customer('c1')], invoices: [invoice('a', 'c1')] });
    await plan(sql, s);
    const promise = await openPause(sql, s.tenantId, s.connectionId, dispute(null, { kind: 'promise', expiresOn: '2026-03-15', reason: 'Paiement promis' }), 'paul');
    // The action goes out on the 16th, after the promised date: the promise does not cover it.
    expect(promise.cancelledActions).toBe(0);
    const longer = await openPause(sql, s.tenantId, s.connectionId, dispute(null, { kind: 'promise', expiresOn: '2026-03-20', reason: 'Paiement promis', amount: '1240.00', balanceAtOpen: '1240.00' }), 'paul');
    expect(longer.cancelledActions).toBe(1);
    expect(longer).toMatchObject({ amount: '1240.00', balanceAtOpen: '1240.00' });
    // Only the alert that the first promise (15 March) was broken: no reminder while the second one runs.
    expect((await plan(sql, s)).keys).toEqual([expect.stringContaining('|alert|broken_promise|')]);
    await closePause(sql, s.tenantId, longer.id, 'resolved', 'paul');
    await closePause(sql, s.tenantId, promise.id, 'resolved', 'paul');
    const again = await plan(sql, s);
    expect(again.keys).toEqual([expect.stringMatching(/\|cc:c1:EUR:\w+\|reminder-1\|v1\|r1$/)]);
  });

  it('the executor checks pauses again before sending: a pause written by another path still holds the action', async () => {
    const s = await seed(sql, { customers: [customer('c1', { email: 'held@client.example' })], invoices: [invoice('a', 'c1')] });
    await plan(sql, s);
    // Written straight to the table, as another process or an import would: the planned row is still `planned`.
    await sql`insert into pauses (tenant_id, connection_id, kind, reason, owner, starts_on, customer_external_id, invoice_external_id)
      values (${s.tenantId}, ${s.connectionId}, 'hold', 'vérification', 'lea', ${TODAY}, 'c1', 'a')`;
    expect(await executeDue(makeDeps(sql, sink.port), s.tenantId, NOW)).toMatchObject({ sent: 0, cancelled: 1 });
    expect(sink.messages.filter((m) => m.rcptTo.includes('held@client.example'))).toHaveLength(0);
    const [row] = await outboxRows(sql, s.tenantId);
    expect(row!.result).toMatchObject({ why: { code: 'paused', pause: 'hold', by: 'lea' } });
  });
});

describe('which pause holds an action', () => {
  const action = (lines: PlannedAction['invoices']): Pick<PlannedAction, 'customerExternalId' | 'invoices'> => ({ customerExternalId: 'c1', invoices: lines });
  const line = (externalId: string, instalmentOf?: string) => ({ externalId, number: externalId, dueDate: '2026-03-10', amountDue: '10.00', ...(instalmentOf ? { instalmentOf } : {}) }) as PlannedAction['invoices'][number];
  const p = (patch: Partial<Pause>): Pause => ({ id: 'p', kind: 'dispute', reason: 'r', owner: 'o', startsOn: '2026-03-01', expiresOn: null, customerExternalId: 'c1', invoiceExternalId: 'a', instalments: [], ...patch });

  it('a payment plan holds the invoice’s own reminders, not its instalment reminders', () => {
    const plan = p({ kind: 'payment_plan', instalments: [{ dueOn: '2026-04-01', amount: '10.00' }] });
    expect(pauseHolding(action([line('a')]), [plan], TODAY)).toBe(plan);
    expect(pauseHolding(action([line('a', 'a')]), [plan], TODAY)).toBeNull();
  });

  it('a dispute holds the instalments of its invoice, a grouped action naming it, and nothing of another customer', () => {
    const d = p({});
    expect(pauseHolding(action([line('a', 'a')]), [d], TODAY)).toBe(d);
    expect(pauseHolding(action([line('b'), line('a')]), [d], TODAY)).toBe(d);
    expect(pauseHolding(action([line('b')]), [d], TODAY)).toBeNull();
    expect(pauseHolding({ ...action([line('a')]), customerExternalId: 'c2' }, [d], TODAY)).toBeNull();
  });

  it('holds only on the days it runs', () => {
    const d = p({ startsOn: '2026-03-17', expiresOn: '2026-03-20' });
    expect(pauseHolding(action([line('a')]), [d], TODAY)).toBeNull();
    expect(pauseHolding(action([line('a')]), [d], '2026-03-17')).toBe(d);
    expect(pauseHolding(action([line('a')]), [d], '2026-03-20')).toBe(d);
    expect(pauseHolding(action([line('a')]), [d], '2026-03-21')).toBeNull();
  });
});

describe('a promise with an amount', () => {
  const promise = (patch: Partial<Pause>): Pause => ({ id: 'p', kind: 'promise', reason: 'r', owner: 'o', startsOn: '2026-03-01', expiresOn: '2026-03-10', customerExternalId: 'c1', invoiceExternalId: 'a', instalments: [], ...patch });
  it('is kept once the balance fell by the amount promised, broken when it fell by less', () => {
    const part = promise({ amount: '500.00', balanceAtOpen: '1240.00' });
    expect(isBrokenPromise(part, TODAY, [invoice('a', 'c1', { amountDue: '740.00', status: 'partially_paid' })])).toBe(false);
    expect(isBrokenPromise(part, TODAY, [invoice('a', 'c1', { amountDue: '740.01', status: 'partially_paid' })])).toBe(true);
    // Without an amount, the whole balance was promised.
    expect(isBrokenPromise(promise({}), TODAY, [invoice('a', 'c1', { amountDue: '740.00', status: 'partially_paid' })])).toBe(true);
    expect(isBrokenPromise(promise({}), TODAY, [invoice('a', 'c1', { amountDue: '0.00', status: 'paid' })])).toBe(false);
  });
});

describe('a person cancels a planned action', () => {
  it('it is never sent nor planned again, and the next step waits for the team, saying who cancelled and why', async () => {
    const s = await seed(sql, { customers: [customer('c1')], invoices: [invoice('a', 'c1')] });
    await plan(sql, s);
    const rows = await plannedDunning(sql, s.tenantId, { connectionId: s.connectionId });
    expect(rows).toHaveLength(1);
    const done = await cancelPlanned(sql, s.tenantId, rows, { code: 'user', by: 'marie', note: 'client au téléphone' }, 'cancelled by marie: client au téléphone', 'marie');
    expect(done).toHaveLength(1);
    // A second cancel of the same row moves nothing (compare-and-set on `planned`).
    expect(await cancelPlanned(sql, s.tenantId, rows, { code: 'user', by: 'paul', note: 'x' }, 'x', 'paul')).toEqual([]);
    expect(await executeDue(makeDeps(sql, sink.port), s.tenantId, NOW)).toMatchObject({ sent: 0, cancelled: 0 });
    // Eight days on, reminder-2 is due: it waits, and nothing replaces the cancelled reminder-1.
    const later = await plan(sql, s, new Date('2026-03-24T10:00:00Z'));
    expect(later.keys).toEqual([]);
    expect(later.held).toEqual([expect.objectContaining({ invoiceExternalId: 'a', why: { code: 'cancelled', step: 'reminder-1', by: 'marie', note: 'client au téléphone' } })]);
    const h = await stepHistory(sql, s.tenantId, s.connectionId, 'Europe/Paris', '2026-03-24');
    expect(h.revisions.size).toBe(0);
  });
});

describe('a policy change', () => {
  it('cancels what was planned for a step it changed, keeps the others, and the step is planned again under the new version', async () => {
    const s = await seed(sql, { customers: [customer('c1'), customer('c2')], invoices: [invoice('a', 'c1'), invoice('b', 'c2', { dueDate: '2026-03-15' })] });
    // Invoice a (due the 10th) gets reminder-1 on the 16th; invoice b (due the 15th) gets it too.
    const before = await plan(sql, s);
    expect(before.keys).toHaveLength(2);
    const edited = { ...FRENCH_B2B_POLICY, steps: FRENCH_B2B_POLICY.steps.map((st) => (st.id === 'reminder-1' ? { ...st, templateId: 'fr.reminder-2' } : st)) };
    expect(changedSteps(FRENCH_B2B_POLICY, { ...edited, version: 2 })).toEqual(['reminder-1']);
    expect(changedSteps(FRENCH_B2B_POLICY, { ...FRENCH_B2B_POLICY, dailyCap: 10 })).toEqual([]);
    await savePolicy(sql, s.tenantId, 'fr-b2b', edited);
    expect(await byCustomer(s.tenantId)).toEqual({ c1: 'cancelled', c2: 'cancelled' });
    const [act] = await listActivity(sql, s.tenantId, { invoiceExternalId: 'a' });
    expect(act).toMatchObject({ kind: 'cancelled', why: { code: 'policy', step: 'reminder-1' } });
    const after = await plan(sql, s);
    expect(after.keys).toHaveLength(2);
    const payloads = await sql<{ template: string }[]>`select payload->>'templateId' as template from outbox where tenant_id = ${s.tenantId} and state = 'planned'`;
    expect(payloads.map((p) => p.template)).toEqual(['fr.reminder-2', 'fr.reminder-2']);
    // Saving again without changing a step cancels nothing.
    await savePolicy(sql, s.tenantId, 'fr-b2b', { ...edited, quietDays: 5 });
    expect((await outboxRows(sql, s.tenantId)).filter((r) => r.state === 'planned')).toHaveLength(2);
  });
});
