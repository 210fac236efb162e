// The worklist on the real database: tasks opened by the executor (a UK call step, a French letter to post, a broken
// promise) and by the portal's answers, once per source; owned by the customer's collector and following them;
// ranked by amount × days past due × risk weight; closed with a call outcome that opens the pause the portal would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeDue, type ActionAlert } from '../../src/actions/executor.js';
import { recordAnswer } from '../../src/portal/answers.js';
import { UK_POLICY } from '../../src/rules/default-policies.js';
import { listActivity } from '../../src/store/activity.js';
import { listPauses } from '../../src/store/pauses.js';
import { savePolicy } from '../../src/store/policies.js';
import { assignCollector, upsertUser } from '../../src/store/team.js';
import { openTaskIn, taskOpener } from '../../src/worklist/open.js';
import { closeWithOutcome } from '../../src/worklist/outcomes.js';
import { getTask, listTasks, snoozeTask } from '../../src/worklist/store.js';
import { startSmtpSink, type SmtpSink } from '../actions/smtp-sink.js';
import { NOW, customer, invoice, makeDeps, plan, seed } from '../actions/fixtures.js';
import { useDatabase } from '../support/db.js';

const sql = useDatabase();
let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => sink?.stop());

const TODAY = '2026-03-16';
const opener = (alerts: ActionAlert[]) => taskOpener(sql, { now: () => NOW, alert: async (a) => void alerts.push(a as ActionAlert) });

describe('tasks opened by the executor', () => {
  it('a UK call step becomes one task owned by the customer’s collector, with its script, and no alert when it is not urgent', async () => {
    const s = await seed(sql, { locale: 'en', customers: [customer('u1', { name: 'Brick Lane Bakery', language: 'en' })], invoices: [invoice('ui', 'u1', { dueDate: '2026-02-20', total: '300.00', amountDue: '300.00' })], delivered: { ui: { 'reminder-1': '2026-02-23', 'reminder-2': '2026-03-02', firm: '2026-03-09' } } });
    await savePolicy(sql, s.tenantId, UK_POLICY.id, UK_POLICY);
    const ann = await upsertUser(sql, s.tenantId, 'ann@team.example', 'collector', 'test');
    await assignCollector(sql, s.tenantId, { connectionId: s.connectionId, customerExternalId: 'u1' }, ann.id, 'test');
    const run = await plan(sql, s);
    const call = run.keys.find((k) => k.includes('|call|'));
    expect(call, run.keys.join(', ')).toBeDefined();
    const worklistAlerts: ActionAlert[] = [];
    const deps = makeDeps(sql, sink.port, { openTask: opener(worklistAlerts) });
    await executeDue(deps, s.tenantId, NOW);
    // Run again (a redelivered job): still one task.
    await sql`update outbox set state = 'planned' where tenant_id = ${s.tenantId} and idempotency_key = ${call!}`;
    await executeDue(deps, s.tenantId, NOW);
    const tasks = await listTasks(sql, s.tenantId, TODAY, { state: 'all' });
    expect(tasks.map((t) => [t.kind, t.sourceKey, t.owner?.email, t.amount, t.currency, t.invoiceNumbers])).toEqual([['call', call, 'ann@team.example', '300.00', 'EUR', ['F-ui']]]);
    // 24 days past due (20 Feb → 16 Mar), under the 30 days of the watch segment: reliable, 300 × 24 × 1.
    expect(tasks[0]!.daysLate).toBe(24);
    expect(tasks[0]!.segment).toBe('reliable');
    expect(tasks[0]!.priority).toBe('7200.00');
    expect(String(tasks[0]!.detail['script'])).toMatch(/Brick Lane Bakery/);
    // Not urgent: the worklist holds it and nobody is alerted (neither by the executor nor by the worklist).
    expect(deps.alerts.filter((a) => a.kind === 'task')).toEqual([]);
    expect(worklistAlerts).toEqual([]);
  });

  it('a letter to post is a task, urgent (watch segment: 1,240 × 31 days × 2), alerted once by the worklist', async () => {
    const s = await seed(sql, { customers: [customer('m1', { name: 'Garage Leroy' })], invoices: [invoice('mi', 'm1', { dueDate: '2026-02-13' })], delivered: { mi: { 'reminder-1': '2026-02-16', 'reminder-2': '2026-02-20', firm: '2026-02-27' } } });
    const run = await plan(sql, s);
    const worklistAlerts: ActionAlert[] = [];
    const deps = makeDeps(sql, sink.port, { openTask: opener(worklistAlerts) });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 1 });
    const [task] = await listTasks(sql, s.tenantId, TODAY, { state: 'all' });
    expect(task).toMatchObject({ kind: 'letter_to_post', sourceKey: `${run.keys[0]}|post`, owner: null, segment: 'watch', daysLate: 31, priority: '76880.00', urgent: true });
    // The executor's own "post it" alert gave way to the worklist's alert for an urgent task.
    expect(deps.alerts.filter((a) => a.kind === 'letter_to_post')).toEqual([]);
    expect(worklistAlerts).toHaveLength(1);
    expect(worklistAlerts[0]).toMatchObject({ kind: 'task', customerExternalId: 'm1' });
    await openTaskIn(sql, { tenantId: s.tenantId, connectionId: s.connectionId, kind: 'letter_to_post', customerExternalId: 'm1', dueOn: TODAY, sourceKey: `${run.keys[0]}|post` }, { now: () => NOW, alert: async (a) => void worklistAlerts.push(a as ActionAlert) });
    expect(worklistAlerts).toHaveLength(1);
  });

  it('without a worklist the executor alerts as before (a letter to post)', async () => {
    const s = await seed(sql, { customers: [customer('m2')], invoices: [invoice('m2i', 'm2', { dueDate: '2026-02-13' })], delivered: { m2i: { 'reminder-1': '2026-02-16', 'reminder-2': '2026-02-20', firm: '2026-02-27' } } });
    await plan(sql, s);
    const deps = makeDeps(sql, sink.port);
    await executeDue(deps, s.tenantId, NOW);
    expect(deps.alerts.map((a) => a.kind)).toEqual(['letter_to_post']);
    expect(await listTasks(sql, s.tenantId, TODAY, { state: 'all' })).toEqual([]);
  });

  it('a broken promise becomes an urgent task for the promise, once', async () => {
    const s = await seed(sql, { customers: [customer('p1', { name: 'Pharmacie Durand' })], invoices: [invoice('pi', 'p1', { dueDate: '2026-03-01', total: '500.00', amountDue: '500.00' })], delivered: { pi: { 'reminder-1': '2026-03-02' } } });
    await sql`insert into pauses (tenant_id, connection_id, kind, reason, owner, starts_on, expires_on, customer_external_id, invoice_external_id) values (${s.tenantId}, ${s.connectionId}, 'promise', 'phone', 'marie', '2026-03-03', '2026-03-10', 'p1', 'pi')`;
    await plan(sql, s);
    const worklistAlerts: ActionAlert[] = [];
    const deps = makeDeps(sql, sink.port, { openTask: opener(worklistAlerts) });
    await executeDue(deps, s.tenantId, NOW);
    const tasks = await listTasks(sql, s.tenantId, TODAY, { state: 'all', kind: 'broken_promise' });
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ customerExternalId: 'p1', invoiceExternalIds: ['pi'], urgent: true });
    expect(worklistAlerts.map((a) => a.kind)).toEqual(['task']);
  });
});

describe('tasks opened by the portal', () => {
  it('a dispute, a plan request and an "already paid" each open their task; a promise opens none', async () => {
    const s = await seed(sql, { customers: [customer('q1', { name: 'Boulangerie Martin' })], invoices: [invoice('qi', 'q1', { total: '450.00', amountDue: '450.00' })] });
    const scope = { tenantId: s.tenantId, connectionId: s.connectionId, customerExternalId: 'q1', linkId: null };
    const base = { invoiceExternalId: 'qi', today: TODAY, customerName: 'Boulangerie Martin', invoiceNumber: 'F-qi' };
    await recordAnswer(sql, scope, { ...base, nonce: 'n1', detail: { kind: 'dispute', reason: 'quality', text: 'abîmé' } });
    await recordAnswer(sql, scope, { ...base, nonce: 'n2', detail: { kind: 'plan', instalments: [], text: '' } });
    await recordAnswer(sql, scope, { ...base, nonce: 'n3', detail: { kind: 'paid', on: '2026-03-14', amount: '450.00', reference: 'VIR 1' } });
    await recordAnswer(sql, scope, { ...base, nonce: 'n4', detail: { kind: 'promise', on: '2026-03-30', amount: null, balance: '450.00' } });
    // A replayed form opens nothing more.
    expect(await recordAnswer(sql, scope, { ...base, nonce: 'n1', detail: { kind: 'dispute', reason: 'quality', text: 'abîmé' } })).toBe('replayed');
    const tasks = await listTasks(sql, s.tenantId, TODAY, { state: 'all', sort: 'customer' });
    expect(tasks.map((t) => t.kind).sort()).toEqual(['already_paid', 'dispute', 'payment_plan_request']);
    expect(tasks.every((t) => t.amount === '450.00' && t.invoiceNumbers[0] === 'F-qi')).toBe(true);
  });
});

describe('working the list', () => {
  it('follows the collector, snoozes until a date, and a call outcome "promise" opens the very pause a portal promise opens', async () => {
    const s = await seed(sql, { customers: [customer('w1', { name: 'Menuiserie Petit' }), customer('w2', { name: 'Portail Témoin' })], invoices: [invoice('wi', 'w1', { total: '800.00', amountDue: '800.00' }), invoice('wj', 'w2', { total: '800.00', amountDue: '800.00' })] });
    const ann = await upsertUser(sql, s.tenantId, 'ann@team.example', 'collector', 'test');
    const bob = await upsertUser(sql, s.tenantId, 'bob@team.example', 'collector', 'test');
    const open = opener([]);
    await open({ tenantId: s.tenantId, connectionId: s.connectionId, kind: 'call', customerExternalId: 'w1', invoiceExternalIds: ['wi'], dueOn: TODAY, sourceKey: 'k-call' });
    await open({ tenantId: s.tenantId, connectionId: s.connectionId, kind: 'dispute', customerExternalId: 'w1', invoiceExternalIds: ['wi'], dueOn: TODAY, sourceKey: 'k-dispute' });
    expect((await listTasks(sql, s.tenantId, TODAY, { ownerUserId: ann.id })).length).toBe(0);
    expect((await listTasks(sql, s.tenantId, TODAY, { unowned: true })).length).toBe(2);
    // Assigned to Ann: both open tasks follow; reassigned to Bob: they follow again.
    expect(await assignCollector(sql, s.tenantId, { connectionId: s.connectionId, customerExternalId: 'w1' }, ann.id, 'admin@x')).toBe(2);
    expect((await listTasks(sql, s.tenantId, TODAY, { ownerUserId: ann.id })).map((t) => t.kind).sort()).toEqual(['call', 'dispute']);
    expect(await listTasks(sql, s.tenantId, TODAY, { unowned: true })).toEqual([]);
    await assignCollector(sql, s.tenantId, { connectionId: s.connectionId, customerExternalId: 'w1' }, bob.id, 'admin@x');
    expect((await listTasks(sql, s.tenantId, TODAY, { ownerUserId: ann.id })).length).toBe(0);
    const [call] = await listTasks(sql, s.tenantId, TODAY, { ownerUserId: bob.id, kind: 'call' });

    // Snoozed until the 18th: gone from "to do" on the 16th and 17th, back on the 18th.
    const dispute = (await listTasks(sql, s.tenantId, TODAY, { kind: 'dispute' }))[0]!;
    expect(await snoozeTask(sql, s.tenantId, dispute.id, '2026-03-18', 'bob@team.example')).toBe(true);
    expect((await listTasks(sql, s.tenantId, '2026-03-17', {})).map((t) => t.kind)).toEqual(['call']);
    expect((await listTasks(sql, s.tenantId, '2026-03-17', { state: 'snoozed' })).map((t) => t.snoozedUntil)).toEqual(['2026-03-18']);
    expect((await listTasks(sql, s.tenantId, '2026-03-18', {})).map((t) => t.kind).sort()).toEqual(['call', 'dispute']);

    // A promise in the past is refused and changes nothing.
    expect(await closeWithOutcome(sql, s.tenantId, call!, { outcome: 'promise', on: '2026-03-10' }, 'bob@team.example', TODAY)).toEqual({ ok: false, problem: 'promiseDate' });
    expect(await listPauses(sql, s.tenantId, { customerExternalId: 'w1' })).toEqual([]);
    expect(await closeWithOutcome(sql, s.tenantId, call!, { outcome: 'promise', on: '2026-03-27', amount: '300' }, 'bob@team.example', TODAY)).toEqual({ ok: true });
    // Closed once: a second close changes nothing.
    expect(await closeWithOutcome(sql, s.tenantId, call!, { outcome: 'promise', on: '2026-03-28' }, 'bob@team.example', TODAY)).toEqual({ ok: false, problem: 'closed' });
    const [promise] = await listPauses(sql, s.tenantId, { customerExternalId: 'w1' });
    // The portal's promise for the same invoice, to compare with.
    await recordAnswer(sql, { tenantId: s.tenantId, connectionId: s.connectionId, customerExternalId: 'w2', linkId: null }, { invoiceExternalId: 'wj', today: TODAY, customerName: 'Portail Témoin', invoiceNumber: 'F-wj', nonce: 'portal-promise', detail: { kind: 'promise', on: '2026-03-27', amount: '300', balance: '800.00' } });
    const [portal] = await listPauses(sql, s.tenantId, { customerExternalId: 'w2' });
    const shape = (p: typeof promise) => ({ kind: p!.kind, startsOn: p!.startsOn, expiresOn: p!.expiresOn, amount: p!.amount, balanceAtOpen: p!.balanceAtOpen, state: p!.state });
    expect(shape(promise)).toEqual(shape(portal));
    expect(shape(promise)).toMatchObject({ kind: 'promise', expiresOn: '2026-03-27', amount: '300', balanceAtOpen: '800.00', state: 'active' });
    expect(promise).toMatchObject({ owner: 'bob@team.example', reason: 'call: promise to pay' });
    expect(portal).toMatchObject({ owner: '—', reason: 'portal: promise to pay' });

    const done = await getTask(sql, s.tenantId, TODAY, call!.id);
    expect(done).toMatchObject({ state: 'done', outcome: 'promise', doneBy: 'bob@team.example' });
    // Who did what, in the activity log.
    const log = await listActivity(sql, s.tenantId, { customerExternalId: 'w1' });
    expect(log.filter((a) => a.kind === 'task' && a.actor).map((a) => [a.actor, (a.proof as { event: string }).event]).sort()).toEqual([
      ['bob@team.example', 'done'],
      ['bob@team.example', 'snoozed'],
    ]);
    expect(log.find((a) => a.kind === 'answered')).toMatchObject({ channel: 'call', actor: 'bob@team.example' });
  });

  it('no answer and wrong number open no pause; a dispute outcome opens a dispute; a plan request waits for a decision', async () => {
    const s = await seed(sql, { customers: [customer('x1')], invoices: [invoice('xi', 'x1')] });
    const open = opener([]);
    for (const k of ['a', 'b', 'c', 'd']) await open({ tenantId: s.tenantId, connectionId: s.connectionId, kind: 'call', customerExternalId: 'x1', invoiceExternalIds: ['xi'], dueOn: TODAY, sourceKey: k });
    const tasks = await listTasks(sql, s.tenantId, TODAY, { sort: 'due' });
    const outcomes = ['no_answer', 'wrong_number', 'dispute', 'plan'] as const;
    for (const [i, outcome] of outcomes.entries()) expect(await closeWithOutcome(sql, s.tenantId, tasks[i]!, { outcome, note: 'rappeler' }, 'ann@team.example', TODAY)).toEqual({ ok: true });
    expect((await listPauses(sql, s.tenantId, { customerExternalId: 'x1' })).map((p) => [p.kind, p.reason])).toEqual([['dispute', 'call: other — rappeler']]);
    const [plan] = await sql<{ kind: string; state: string; link_id: string | null }[]>`select kind, state, link_id from portal_answers where tenant_id = ${s.tenantId} and kind = 'plan'`;
    expect(plan).toEqual({ kind: 'plan', state: 'new', link_id: null });
    expect(await listTasks(sql, s.tenantId, TODAY, {})).toEqual([]);
  });
});

describe('sorting', () => {
  it('sorts by priority and amount as numbers, by the date to do, and by customer name', async () => {
    const s = await seed(sql, {
      customers: [customer('s1', { name: 'Zinc Bar' }), customer('s2', { name: 'atelier Bois' }), customer('s3', { name: 'Menuiserie' })],
      invoices: [invoice('a', 's1', { dueDate: '2026-03-06', total: '9000.00', amountDue: '9000.00' }), invoice('b', 's2', { dueDate: '2026-03-15', total: '80000.00', amountDue: '80000.00' }), invoice('c', 's3', { dueDate: '2026-03-11', total: '700.00', amountDue: '700.00' })],
    });
    const open = opener([]);
    const dues: Record<string, string> = { s1: '2026-03-20', s2: '2026-03-18', s3: '2026-03-19' };
    for (const [c, inv] of [['s1', 'a'], ['s2', 'b'], ['s3', 'c']] as const) await open({ tenantId: s.tenantId, connectionId: s.connectionId, kind: 'call', customerExternalId: c, invoiceExternalIds: [inv], dueOn: dues[c]!, sourceKey: `sort-${c}` });
    const by = async (sort: 'priority' | 'amount' | 'due' | 'customer') => (await listTasks(sql, s.tenantId, TODAY, { sort })).map((t) => [t.customerExternalId, t.priority]);
    // 9,000 × 10 = 90,000; 80,000 × 1 = 80,000; 700 × 5 = 3,500 (text order would put 90000 after 80000… and 3500 first).
    expect(await by('priority')).toEqual([['s1', '90000.00'], ['s2', '80000.00'], ['s3', '3500.00']]);
    expect((await by('amount')).map(([c]) => c)).toEqual(['s2', 's1', 's3']);
    expect((await by('due')).map(([c]) => c)).toEqual(['s2', 's3', 's1']);
    expect((await by('customer')).map(([c]) => c)).toEqual(['s2', 's3', 's1']);
  });
});
