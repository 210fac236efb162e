// The evaluator's walk over an invoice's steps and the facts it reads: incremental candidates, pauses and plans, the
// grouped minimum, conditions, risk segments computed on the fly, waits for a step still in the outbox, catch-up
// boundaries and which invoices tomorrow's incremental run must look at again.
import { describe, expect, it } from 'vitest';
import type { Customer, Invoice, Payment } from '../../src/model/index.js';
import type { Pause } from '../../src/model/collections.js';
import { FRENCH_B2B_POLICY, parsePolicy, type EvaluateInput, type Policy, type StepRecord } from '../../src/rules/index.js';
import { evaluateDay, indexInvoices } from '../../src/rules/evaluate.js';
import { sent } from './history.js';

const T = 'tenant-1';
const FR: Policy = { ...FRENCH_B2B_POLICY, groupBy: 'invoice', sendWindow: undefined };
const customers: Customer[] = [
  { externalId: 'c1', name: 'Acme', emails: [], tags: [], active: true },
  { externalId: 'c2', name: 'Globex', emails: [], tags: ['vip'], active: true },
];
const inv = (id: string, due: string, amountDue: string, extra: Partial<Invoice> = {}): Invoice => ({
  externalId: id, number: `F-${id}`, customerExternalId: 'c1', issueDate: '2025-04-01', dueDate: due, currency: 'EUR', total: amountDue, amountDue, status: 'open', lines: [], ...extra,
});
const pause = (p: Partial<Pause> & Pick<Pause, 'id' | 'kind' | 'startsOn'>): Pause => ({ reason: 'test', owner: 'ana', customerExternalId: 'c1', instalments: [], expiresOn: null, invoiceExternalId: null, ...p });
const day = (today: string, invoices: Invoice[], extra: Partial<EvaluateInput> = {}) =>
  evaluateDay({ tenantId: T, today, timeZone: 'Europe/Paris', policy: FR, customers, invoices, segments: new Map(), ...extra });
const steps = async (today: string, invoices: Invoice[], extra: Partial<EvaluateInput> = {}) => (await day(today, invoices, extra)).actions.map((a) => `${a.invoices[0]?.externalId}:${a.stepId}`);

describe('incremental candidates that name what is not there', () => {
  const incremental = (today: string, since: string, invoices: Invoice[], extra: Partial<EvaluateInput> = {}) => day(today, invoices, { ...extra, invoices: indexInvoices(invoices), since, changed: new Set() });
  it('a pause or an override on an invoice the ledger no longer has, an override for a customer with no invoice, a pause not started yet', async () => {
    const invoices = [inv('1', '2025-06-02', '100.00')];
    const pauses = [
      pause({ id: 'gone', kind: 'dispute', startsOn: '2025-06-01', expiresOn: '2025-06-10', invoiceExternalId: 'deleted' }),
      pause({ id: 'soon', kind: 'hold', startsOn: '2025-07-01', expiresOn: null, customerExternalId: 'c2' }),
      { ...pause({ id: 'later', kind: 'hold', startsOn: '2025-07-01', customerExternalId: 'c2' }), expiresOn: undefined },
    ];
    const policy: Policy = { ...FR, customerOverrides: { ghost: { disabled: false, delayDays: 1, skipSteps: [] } }, invoiceOverrides: { deleted: { disabled: false, delayDays: 1, skipSteps: [] } } };
    const r = await incremental('2025-06-11', '2025-06-10', invoices, { pauses, policy });
    expect([r.actions, r.held]).toEqual([[], []]);
  });
});

describe('an incremental run looks only at what can have changed', () => {
  it('not at an e-invoice whose status does not end with time, nor at a customer whose pause has not started', async () => {
    // Invoice 1 has no step date since the last run: a run before planned what it needed (the state here leaves it
    // out, so that looking at it would show). Only a 211 hold ends with time; a pause from 1 to 10 Jul changes nothing yet.
    const invoices = [inv('1', '2025-06-02', '100.00', { eInvoicing: { code: 205, status: 'approved' } as Invoice['eInvoicing'] })];
    const pauses = [pause({ id: 'jul', kind: 'hold', startsOn: '2025-07-01', expiresOn: '2025-07-10' })];
    const r = await day('2025-06-11', invoices, { pauses, invoices: indexInvoices(invoices), since: '2025-06-10', changed: new Set() });
    expect(r.actions).toEqual([]);
    // The same facts on a full scan: it is caught up.
    expect((await day('2025-06-11', invoices, { pauses })).actions.map((a) => a.stepId)).toEqual(['reminder-1']);
  });
});

describe('pauses and plans', () => {
  const invoices = [inv('1', '2025-06-02', '100.00')];
  it('a paused invoice is said held with the pause, its dates and its owner', async () => {
    const dispute = pause({ id: 'd', kind: 'dispute', startsOn: '2025-06-01', expiresOn: '2025-06-20', invoiceExternalId: '1', reason: 'wrong quantity' });
    expect((await day('2025-06-10', invoices, { pauses: [dispute] })).held).toEqual([
      { invoiceExternalId: '1', customerExternalId: 'c1', stepId: null, reason: 'paused (dispute) since 2025-06-01 until 2025-06-20: wrong quantity', why: { code: 'paused', pause: 'dispute', since: '2025-06-01', until: '2025-06-20', by: 'ana' } },
    ]);
    const hold = pause({ id: 'h', kind: 'hold', startsOn: '2025-06-01', owner: 'bob', reason: 'key account' });
    expect((await day('2025-06-10', invoices, { pauses: [hold] })).held).toEqual([
      { invoiceExternalId: '1', customerExternalId: 'c1', stepId: null, reason: 'paused (hold) since 2025-06-01: key account', why: { code: 'paused', pause: 'hold', since: '2025-06-01', until: null, by: 'bob' } },
    ]);
  });

  it('a payment plan not yet started or already over leaves the invoice dunned as an invoice', async () => {
    const plan = (startsOn: string, expiresOn: string) => pause({ id: 'pp', kind: 'payment_plan', startsOn, expiresOn, invoiceExternalId: '1', instalments: [{ dueOn: '2025-06-05', amount: '100.00' }] });
    // Never dunned: the invoice starts at the catch-up step, as an invoice.
    const scopes = async (pp: Pause) => (await day('2025-06-10', invoices, { pauses: [pp] })).actions.map((a) => [a.scope, a.stepId]);
    expect(await scopes(plan('2025-06-01', '2025-06-08'))).toEqual([['invoice', 'reminder-1']]);
    expect(await scopes(plan('2025-06-20', '2025-06-30'))).toEqual([['invoice', 'reminder-1']]);
    expect((await day('2025-06-10', invoices, { pauses: [plan('2025-06-01', '2025-06-30')] })).actions.map((a) => a.scope)).toEqual(['instalment']);
  });

  it('a broken promise of a customer the run does not know still raises its alert', async () => {
    const promise = pause({ id: 'p', kind: 'promise', startsOn: '2025-06-03', expiresOn: '2025-06-05', customerExternalId: 'c9', invoiceExternalId: '9' });
    const r = await day('2025-06-10', [inv('9', '2025-06-02', '100.00', { customerExternalId: 'c9' })], { pauses: [promise] });
    expect(r.actions.map((a) => a.stepId)).toEqual(['broken-promise', 'reminder-1']);
  });
});

describe('the grouped minimum counts what the action lists', () => {
  const policy = parsePolicy({
    id: 'g', version: 1, name: 'g', calendar: 'none', groupBy: 'customer_currency',
    steps: [
      { id: 'pre', offset: { days: -3 }, channel: 'email', templateId: 't', minAmount: '50.00', graceDays: 0 },
      { id: 'due', offset: { days: 1 }, channel: 'email', templateId: 't', minAmount: '100.00' },
      { id: 'last', offset: { days: 60 }, channel: 'email', templateId: 't' },
    ],
  });
  const a = inv('a', '2025-06-02', '60.00');
  // b has had its last step: listed, never reaching a step again.
  const atLast = { alreadyPlanned: new Set([`${T}|inv:b|last|v1`]) };
  const go = (sibling: Invoice, today = '2025-06-03') => steps(today, [a, sibling], { policy, ...atLast });
  it('a partially approved e-invoice counts for its approved amount, a held one not at all', async () => {
    const approved = (approvedAmount: string) => inv('b', '2025-03-01', '50.00', { eInvoicing: { code: 206, status: 'partially_approved', approvedAmount } as Invoice['eInvoicing'] });
    expect(await go(approved('30.00'))).toEqual([]);
    expect(await go(approved('40.00'))).toEqual(['a:due']);
    expect(await go(inv('b', '2025-03-01', '50.00', { eInvoicing: { code: 207, status: 'disputed' } as Invoice['eInvoicing'] }))).toEqual([]);
  });
  it('another currency does not count, nor an invoice due today', async () => {
    expect(await go(inv('b', '2025-03-01', '50.00', { currency: 'GBP' }))).toEqual([]);
    expect(await go(inv('b', '2025-03-01', '50.00'))).toEqual(['a:due']);
    expect(await go(inv('b', '2025-06-03', '50.00'))).toEqual([]);
    // Due today, b is not listed either.
    expect((await day('2025-06-03', [inv('a', '2025-06-02', '200.00'), inv('b', '2025-06-03', '50.00')], { policy, ...atLast })).actions[0]?.invoices.map((l) => l.externalId)).toEqual(['a']);
  });
  it('an invoice not yet due measures its own amount with the overdue ones', async () => {
    expect(await steps('2025-05-30', [inv('p', '2025-06-02', '60.00')], { policy })).toEqual(['p:pre']);
    expect(await steps('2025-05-30', [inv('p', '2025-06-02', '40.00')], { policy })).toEqual([]);
  });
  it('per invoice, or for an instalment, no sibling lifts an amount over its minimum', async () => {
    expect(await steps('2025-06-03', [a, inv('b', '2025-03-01', '50.00')], { policy: { ...policy, groupBy: 'invoice' }, ...atLast })).toEqual([]);
    const plan = pause({ id: 'pp', kind: 'payment_plan', startsOn: '2025-06-01', expiresOn: '2025-07-31', invoiceExternalId: 'a', instalments: [{ dueOn: '2025-06-02', amount: '60.00' }] });
    expect(await steps('2025-06-03', [a, inv('b', '2025-03-01', '50.00')], { policy, pauses: [plan], ...atLast })).toEqual([]);
  });
});

describe('what a condition sees', () => {
  it('the customer and the risk segment', async () => {
    const policy = parsePolicy({ id: 'c', version: 1, name: 'c', calendar: 'none', groupBy: 'invoice', steps: [{ id: 's', offset: { days: 1 }, channel: 'email', templateId: 't', condition: 'customer.name = "Globex" and segment = "watch"' }] });
    const b = inv('1', '2025-06-02', '10.00', { customerExternalId: 'c2' });
    expect(await steps('2025-06-03', [b], { policy, segments: new Map([['c2', 'watch']]) })).toEqual(['1:s']);
    expect(await steps('2025-06-03', [b], { policy, segments: new Map([['c2', 'reliable']]) })).toEqual([]);
  });
});

describe('segments computed on the fly', () => {
  const policy = parsePolicy({
    id: 's', version: 1, name: 's', calendar: 'none', groupBy: 'invoice',
    steps: [{ id: 'soft', offset: { days: 1 }, channel: 'email', templateId: 't' }, { id: 'hard', offset: { days: 1 }, channel: 'email', templateId: 't', segments: ['bad_payer', 'watch'] }],
  });
  const open = inv('1', '2025-06-02', '10.00');
  const run = (extra: Partial<EvaluateInput> & { more?: Invoice[] }) => {
    const { more = [], ...rest } = extra;
    return evaluateDay({ tenantId: T, today: '2025-06-03', timeZone: 'Europe/Paris', policy, customers, invoices: [open, ...more], ...rest }).then((d) => d.actions.filter((a) => a.invoices[0]?.externalId === '1' && a.channel !== 'alert').map((a) => a.stepId));
  };
  it('from the payments, the pauses and the thresholds given', async () => {
    expect(await run({})).toEqual(['soft']);
    // Paid 60 days late: a late payer.
    const paidLate = inv('p', '2025-01-01', '0.00', { total: '100.00', status: 'paid' });
    const payments: Payment[] = [{ externalId: 'pay', customerExternalId: 'c1', date: '2025-03-02', currency: 'EUR', amount: '100.00', unapplied: '0.00', status: 'posted', allocations: [{ invoiceExternalId: 'p', amount: '100.00' }] }];
    expect(await run({ more: [paidLate], payments })).toEqual(['hard']);
    // A promise broken on another invoice: a watch.
    const broken = pause({ id: 'b', kind: 'promise', startsOn: '2025-05-01', expiresOn: '2025-05-20', invoiceExternalId: 'q' });
    expect(await run({ more: [inv('q', '2025-06-30', '10.00')] })).toEqual(['soft']);
    expect(await run({ more: [inv('q', '2025-06-30', '10.00')], pauses: [broken] })).toEqual(['hard']);
    // Thresholds that tolerate 60 days late: reliable again.
    const lenient = { windowDays: 180, toleranceDays: 90, minSampleForShare: 3, watch: { avgDaysLate: 100, lateShare: 1, maxDaysOverdue: 300, brokenPromises: 5 }, badPayer: { avgDaysLate: 200, lateShare: 1, maxDaysOverdue: 400, brokenPromises: 9 } };
    expect(await run({ more: [paidLate], payments, riskThresholds: lenient })).toEqual(['soft']);
  });
});

describe('a step still in the outbox holds what follows', () => {
  it('reminder 2 waits while reminder 1 is planned, failed or cancelled; the courtesy note, step 0, holds reminder 1 too', async () => {
    const invoices = [inv('1', '2025-06-02', '100.00')];
    const record = (key: string, r: StepRecord) => ({ alreadyPlanned: new Set([`${T}|inv:1|${key}|v1`]), history: new Map([[`${T}|inv:1|${key}`, r]]) });
    const wait = async (today: string, key: string, r: StepRecord) => {
      const d = await day(today, invoices, record(key, r));
      return [d.actions.length, d.held.map((h) => [h.stepId, h.why])];
    };
    expect(await wait('2025-06-10', 'reminder-1', { on: '2025-06-03', delivered: false })).toEqual([0, [['reminder-2', { code: 'planned', step: 'reminder-1', on: '2025-06-03' }]]]);
    expect(await wait('2025-06-10', 'reminder-1', { on: '2025-06-03', delivered: false, cancelledBy: { by: 'ana', note: 'paid' } })).toEqual([0, [['reminder-2', { code: 'cancelled', step: 'reminder-1', by: 'ana', note: 'paid' }]]]);
    expect(await wait('2025-06-03', 'courtesy', { on: '2025-05-30', delivered: false })).toEqual([0, [['reminder-1', { code: 'planned', step: 'courtesy', on: '2025-05-30' }]]]);
  });

  it('later steps keep their gap from the day the step before went out, even from the courtesy note, and never come earlier', async () => {
    const invoices = [inv('1', '2025-06-02', '100.00')];
    // The courtesy note (nominally 30 May) went out on 1 Jun: reminder 1 keeps its 4 days, 5 Jun.
    const late = sent(T, { 'inv:1|courtesy': '2025-06-01' });
    expect(await steps('2025-06-04', invoices, late)).toEqual([]);
    expect((await day('2025-06-05', invoices, late)).actions.map((a) => [a.stepId, a.scheduledOn])).toEqual([['reminder-1', '2025-06-05']]);
    // Reminder 1 went out on 1 Jun, before its date (an earlier policy): reminder 2 stays on its own 10 Jun.
    const early = sent(T, { 'inv:1|reminder-1': '2025-06-01' });
    expect(await steps('2025-06-09', invoices, early)).toEqual([]);
    expect(await steps('2025-06-10', invoices, early)).toEqual(['1:reminder-2']);
    // Nor does the firm reminder come before its 17 Jun: on the 15th it is still reminder 2.
    expect(await steps('2025-06-15', invoices, early)).toEqual(['1:reminder-2']);
  });

  it('a step pushed back by a late predecessor is not said waiting before its new date', async () => {
    // Reminder 1 planned for 5 Jun (nominally 3 Jun), not yet sent: reminder 2 moves from 10 to 12 Jun.
    const r = await day('2025-06-10', [inv('1', '2025-06-02', '100.00')], { alreadyPlanned: new Set([`${T}|inv:1|reminder-1|v1`]), history: new Map([[`${T}|inv:1|reminder-1`, { on: '2025-06-05', delivered: false }]]) });
    expect([r.actions, r.held]).toEqual([[], []]);
  });
});

describe('catch-up boundaries', () => {
  it('an invoice whose latest step is the catch-up step takes it on its date, not as a catch-up', async () => {
    const [a] = (await day('2025-06-05', [inv('1', '2025-06-02', '100.00')])).actions;
    expect([a?.stepId, a?.scheduledOn]).toEqual(['reminder-1', '2025-06-03']);
    expect(a?.reasons?.map((r) => r.code)).toContain('scheduled_caught_up');
    expect(a?.reasons?.map((r) => r.code)).not.toContain('caught_up');
  });
  it('a step before the catch-up step is taken normally', async () => {
    expect(await steps('2025-06-05', [inv('1', '2025-06-02', '100.00')], { policy: { ...FR, catchUp: { startAt: 'reminder-2' } } })).toEqual(['1:reminder-1']);
  });
  it('a catch-up at the first step', async () => {
    const policy = parsePolicy({ id: 'f', version: 1, name: 'f', calendar: 'none', groupBy: 'invoice', catchUp: { startAt: 'one' }, steps: [{ id: 'one', offset: { days: 1 }, channel: 'email', templateId: 't' }, { id: 'two', offset: { days: 5 }, channel: 'email', templateId: 't' }] });
    const [a] = (await day('2025-06-20', [inv('1', '2025-06-02', '100.00')], { policy })).actions;
    expect([a?.stepId, a?.reasons?.find((r) => r.code === 'caught_up')]).toEqual(['one', { code: 'caught_up', days: 18, step: 'one' }]);
  });
  it('an invoice due today is not overdue: no catch-up', async () => {
    const policy = parsePolicy({
      id: 'd', version: 1, name: 'd', calendar: 'none', groupBy: 'invoice', catchUp: { startAt: 'pre' },
      steps: [{ id: 'pre', offset: { days: -3 }, channel: 'email', templateId: 't' }, { id: 'today', offset: { days: 0 }, channel: 'email', templateId: 't' }],
    });
    expect(await steps('2025-06-02', [inv('1', '2025-06-02', '100.00')], { policy })).toEqual(['1:today']);
  });
  it('catching up, it goes up to the latest step reached, and says which ones it passed over', async () => {
    const policy: Policy = { ...FR, invoiceOverrides: { '1': { disabled: false, delayDays: 0, skipSteps: ['reminder-1', 'reminder-2'] } } };
    const [a] = (await day('2025-06-17', [inv('1', '2025-06-02', '100.00')], { policy })).actions;
    expect(a?.stepId).toBe('firm');
    expect(a?.reasons).toContainEqual({ code: 'later_skipped', steps: ['reminder-1 (skipped by override)', 'reminder-2 (skipped by override)'] });
  });
});

describe('what tomorrow’s incremental run looks at again', () => {
  it('only invoices with a step reached and not yet planned', async () => {
    const invoices = [inv('due', '2025-06-02', '100.00'), inv('done', '2025-06-02', '100.00'), inv('future', '2025-06-20', '100.00')];
    const { revisit } = await day('2025-06-03', invoices, { alreadyPlanned: new Set([`${T}|inv:done|reminder-1|v1`]) });
    expect([...revisit]).toEqual(['due']);
  });
});

describe('an escalation step’s predecessor', () => {
  const notice = (extra: object) => parsePolicy({
    id: 'e', version: 1, name: 'e', calendar: 'none', groupBy: 'invoice',
    steps: [
      { id: 'mail', offset: { days: 1 }, channel: 'email', templateId: 't' },
      { id: 'firm', offset: { days: 5 }, channel: 'email', templateId: 't', ...extra },
      { id: 'letter', offset: { days: 10 }, channel: 'letter', templateId: 't' },
    ],
  });
  const mailed = sent(T, { 'inv:1|mail': '2025-06-03' });
  it('is the step before it that can apply to this customer: a segment or tag step that cannot is jumped over', async () => {
    // firm is only for bad payers (or tagged customers): for this customer the letter follows the e-mail.
    for (const policy of [notice({ segments: ['bad_payer'] }), notice({ tags: ['vip'] })]) {
      expect(await steps('2025-06-12', [inv('1', '2025-06-02', '100.00')], { policy, ...mailed, segments: new Map([['c1', 'watch']]) })).toEqual(['1:letter']);
    }
    // For a customer it applies to, the letter waits for it.
    const r = await day('2025-06-12', [inv('1', '2025-06-02', '100.00', { customerExternalId: 'c2' })], { policy: notice({ tags: ['vip'] }), ...sent(T, { 'inv:1|mail': '2025-06-03' }) });
    expect(r.actions.map((a) => a.stepId)).toEqual(['firm']);
    expect(r.actions[0]?.explain).toContain('letter (waiting: firm not sent yet)');
    // Not yet started, the wait is no held line: the ladder simply has not got there.
    expect(r.held).toEqual([]);
  });
  it('an instalment jumps over a step not used for instalments', async () => {
    const policy = notice({ forInstalments: false });
    const plan = pause({ id: 'pp', kind: 'payment_plan', startsOn: '2025-06-01', expiresOn: '2025-08-31', invoiceExternalId: '1', instalments: [{ dueOn: '2025-06-02', amount: '100.00' }] });
    const r = await day('2025-06-12', [inv('1', '2025-06-02', '100.00')], { policy, pauses: [plan], ...sent(T, { 'plan:pp:1|mail': '2025-06-03' }) });
    expect(r.actions.map((a) => [a.scope, a.stepId])).toEqual([['instalment', 'letter']]);
  });
  it('a letter as the first step waits for nothing', async () => {
    const policy = parsePolicy({ id: 'l', version: 1, name: 'l', calendar: 'none', groupBy: 'invoice', steps: [{ id: 'letter', offset: { days: 1 }, channel: 'letter', templateId: 't' }] });
    expect(await steps('2025-06-03', [inv('1', '2025-06-02', '100.00')], { policy })).toEqual(['1:letter']);
  });
});

describe('penalties', () => {
  it('are stated for invoices, never for an instalment, and only when the policy has a penalty regime', async () => {
    const invoices = [inv('1', '2025-06-02', '1000.00')];
    const firm = sent(T, { 'inv:1|reminder-1': '2025-06-03', 'inv:1|reminder-2': '2025-06-10' });
    const [a] = (await day('2025-06-17', invoices, firm)).actions;
    expect([a?.stepId, a?.penalties.map((p) => p.invoiceExternalId)]).toEqual(['firm', ['1']]);
    const { penalties: _, ...noRegime } = FR;
    const [b] = (await day('2025-06-17', invoices, { ...firm, policy: noRegime as Policy })).actions;
    expect([b?.stepId, b?.penalties]).toEqual(['firm', []]);
    const plan = pause({ id: 'pp', kind: 'payment_plan', startsOn: '2025-06-01', expiresOn: '2025-08-31', invoiceExternalId: '1', instalments: [{ dueOn: '2025-06-02', amount: '1000.00' }] });
    const [c] = (await day('2025-06-17', invoices, { pauses: [plan], ...sent(T, { 'plan:pp:1|reminder-1': '2025-06-03', 'plan:pp:1|reminder-2': '2025-06-10' }) })).actions;
    expect([c?.scope, c?.stepId, c?.penalties]).toEqual(['instalment', 'firm', []]);
  });
  it('carry the policy’s contract rate into their basis', async () => {
    const policy: Policy = { ...FR, penalties: { ...(FR.penalties as NonNullable<Policy['penalties']>), contractRate: '0.15' } };
    const [a] = (await day('2025-06-17', [inv('1', '2025-06-02', '1000.00')], { policy, ...sent(T, { 'inv:1|reminder-1': '2025-06-03', 'inv:1|reminder-2': '2025-06-10' }) })).actions;
    expect(a?.penalties[0]?.basis?.contractRate).toBe('0.15');
  });
});

describe('a negative balance is not open', () => {
  it('an invoice owing less than nothing lowers no grouped total', async () => {
    const policy = parsePolicy({ id: 'n', version: 1, name: 'n', calendar: 'none', groupBy: 'customer_currency', steps: [{ id: 's', offset: { days: 1 }, channel: 'email', templateId: 't', minAmount: '100.00' }] });
    const r = await day('2025-06-03', [inv('a', '2025-06-02', '120.00'), inv('b', '2025-05-01', '-50.00')], { policy });
    expect(r.actions.map((a) => a.invoices.map((l) => l.externalId))).toEqual([['a']]);
  });
});

describe('the grouped action’s order and lead', () => {
  const policy: Policy = { ...FRENCH_B2B_POLICY, sendWindow: undefined };
  it('lists its invoices oldest first, then by id, whatever order they came in', async () => {
    const invoices = [inv('z', '2025-06-02', '10.00'), inv('b', '2025-05-28', '10.00'), inv('a', '2025-06-02', '10.00')];
    const [x] = (await day('2025-06-05', invoices, { policy })).actions;
    expect(x?.invoices.map((l) => l.externalId)).toEqual(['b', 'a', 'z']);
    // The lead is the oldest of those at the most advanced step: it is b that is caught up, 8 days late.
    expect(x?.reasons).toContainEqual({ code: 'caught_up', days: 8, step: 'reminder-1' });
  });
  it('the lead is the most advanced, even when a newer invoice', async () => {
    const invoices = [inv('old', '2025-05-20', '10.00'), inv('new', '2025-06-01', '10.00')];
    const [x] = (await day('2025-06-16', invoices, { policy, ...sent(T, { 'inv:new|reminder-1': '2025-06-02', 'inv:new|reminder-2': '2025-06-09' }) })).actions;
    expect(x?.stepId).toBe('firm');
  });
  it('names its set by the ids in alphabetical order, not in the order of their due dates', async () => {
    const fnv = (s: string) => {
      let h = 0x811c9dc5;
      for (const ch of Buffer.from(s, 'latin1')) h = Math.imul(h ^ ch, 0x01000193) >>> 0;
      return h.toString(16).padStart(8, '0');
    };
    const [x] = (await day('2025-06-05', [inv('z', '2025-05-28', '10.00'), inv('a', '2025-06-02', '10.00')], { policy })).actions;
    expect(x?.idempotencyKey).toBe(`${T}|cc:c1:EUR:${fnv('a,z')}|reminder-1|v1`);
  });
  it('an instalment gets its own action, and waits like any message of that customer that day', async () => {
    const plan = pause({ id: 'pp', kind: 'payment_plan', startsOn: '2025-06-01', expiresOn: '2025-08-31', invoiceExternalId: '1', instalments: [{ dueOn: '2025-06-02', amount: '40.00' }] });
    const alone = await day('2025-06-05', [inv('1', '2025-06-02', '100.00')], { policy, pauses: [plan] });
    expect(alone.actions.map((a) => [a.scope, a.stepId, a.invoices.map((l) => [l.externalId, l.amountDue, l.instalmentOf])])).toEqual([['instalment', 'reminder-1', [['1', '40.00', '1']]]]);
    // With another invoice further up the ladder (firm reminder, the instalment at reminder 2), the customer hears
    // that one today; the instalment waits.
    const both = await day('2025-06-16', [inv('1', '2025-06-02', '100.00'), inv('2', '2025-06-01', '10.00')], { policy, pauses: [plan], ...sent(T, { 'plan:pp:1|reminder-1': '2025-06-03', 'inv:2|reminder-1': '2025-06-02', 'inv:2|reminder-2': '2025-06-09' }) });
    expect(both.actions.map((a) => [a.scope, a.stepId])).toEqual([['customer_currency', 'firm']]);
    expect(both.held.map((h) => [h.invoiceExternalId, h.stepId, h.why])).toEqual([['1', 'reminder-2', { code: 'one_voice', step: 'firm', day: '2025-06-16' }]]);
  });
});

describe('results in a stable order', () => {
  it('actions by key and held lines by invoice, whatever order the invoices came in', async () => {
    const invoices = ['d', 'b', 'c', 'a'].map((id) => inv(id, '2025-06-02', '10.00'));
    expect((await day('2025-06-03', invoices)).actions.map((a) => a.invoices[0]?.externalId)).toEqual(['a', 'b', 'c', 'd']);
    const disputed = ['d', 'b', 'c', 'a'].map((id) => inv(id, '2025-06-02', '10.00', { eInvoicing: { code: 207, status: 'disputed' } as Invoice['eInvoicing'] }));
    expect((await day('2025-06-03', disputed)).held.map((h) => h.invoiceExternalId)).toEqual(['a', 'b', 'c', 'd']);
  });
  it('held lines of one invoice keep the order they were examined in: its instalments oldest first', async () => {
    // Both instalments' first reminders are still in the outbox, so both second reminders wait: two held lines for
    // invoice 1. Sorting by invoice must leave them as they came (V8's sort is stable), not swap equal ids.
    const plan = pause({ id: 'pp', kind: 'payment_plan', startsOn: '2025-06-01', expiresOn: '2025-08-31', invoiceExternalId: '1', instalments: [{ dueOn: '2025-06-02', amount: '40.00' }, { dueOn: '2025-06-05', amount: '60.00' }] });
    const planned = (on: string) => ({ on, delivered: false });
    const r = await day('2025-06-14', [inv('1', '2025-06-02', '100.00')], {
      pauses: [plan],
      alreadyPlanned: new Set([`${T}|plan:pp:1|reminder-1|v1`, `${T}|plan:pp:2|reminder-1|v1`]),
      history: new Map([[`${T}|plan:pp:1|reminder-1`, planned('2025-06-03')], [`${T}|plan:pp:2|reminder-1`, planned('2025-06-06')]]),
    });
    expect(r.held.map((h) => [h.invoiceExternalId, h.stepId, h.why])).toEqual([
      ['1', 'reminder-2', { code: 'planned', step: 'reminder-1', on: '2025-06-03' }],
      ['1', 'reminder-2', { code: 'planned', step: 'reminder-1', on: '2025-06-06' }],
    ]);
  });
});

describe('an escalation step’s predecessor, more', () => {
  const two = (first: object) => parsePolicy({ id: 'e', version: 1, name: 'e', calendar: 'none', groupBy: 'invoice', steps: [{ id: 'mail', offset: { days: 1 }, channel: 'email', templateId: 't', ...first }, { id: 'letter', offset: { days: 10 }, channel: 'letter', templateId: 't' }] });
  it('the first step, when it can apply, is waited for; when it cannot, nothing is', async () => {
    const r = await day('2025-06-12', [inv('1', '2025-06-02', '100.00')], { policy: two({}) });
    expect(r.actions.map((a) => a.stepId)).toEqual(['mail']);
    expect(r.actions[0]?.explain).toContain('letter (waiting: mail not sent yet)');
    expect(await steps('2025-06-12', [inv('1', '2025-06-02', '100.00')], { policy: two({ tags: ['vip'] }) })).toEqual(['1:letter']);
  });
  it('a customer in the step’s segment, or with one of its tags, waits for it; a customer the run does not know has no tags', async () => {
    const policy = (extra: object) => parsePolicy({
      id: 'e', version: 1, name: 'e', calendar: 'none', groupBy: 'invoice',
      steps: [{ id: 'mail', offset: { days: 1 }, channel: 'email', templateId: 't' }, { id: 'firm', offset: { days: 5 }, channel: 'email', templateId: 't', ...extra }, { id: 'letter', offset: { days: 10 }, channel: 'letter', templateId: 't' }],
    });
    const mailed = sent(T, { 'inv:1|mail': '2025-06-03' });
    expect(await steps('2025-06-12', [inv('1', '2025-06-02', '100.00')], { policy: policy({ segments: ['bad_payer'] }), ...mailed, segments: new Map([['c1', 'bad_payer']]) })).toEqual(['1:firm']);
    expect(await steps('2025-06-12', [inv('1', '2025-06-02', '100.00', { customerExternalId: 'c2' })], { policy: policy({ tags: ['vip', 'key'] }), ...mailed })).toEqual(['1:firm']);
    expect(await steps('2025-06-12', [inv('1', '2025-06-02', '100.00', { customerExternalId: 'c9' })], { policy: policy({ tags: ['vip'] }), ...mailed })).toEqual(['1:letter']);
  });
  it('a tag step reached by a customer the run does not know does not apply, and nothing else is due', async () => {
    // On 11 Jun firm (tagged vip, day 9, after the quiet days) is the latest step reached for an invoice of an unknown
    // customer: it is looked at, found not to apply (no customer, no tags), and the e-mail before it is already done.
    const policy = parsePolicy({
      id: 'e', version: 1, name: 'e', calendar: 'none', groupBy: 'invoice',
      steps: [{ id: 'mail', offset: { days: 1 }, channel: 'email', templateId: 't' }, { id: 'firm', offset: { days: 9 }, channel: 'email', templateId: 't', tags: ['vip'] }],
    });
    const r = await day('2025-06-11', [inv('1', '2025-06-02', '100.00', { customerExternalId: 'c9' })], { policy, ...sent(T, { 'inv:1|mail': '2025-06-03' }) });
    expect([r.actions, r.held]).toEqual([[], []]);
    // A known customer with the tag gets it.
    expect(await steps('2025-06-11', [inv('1', '2025-06-02', '100.00', { customerExternalId: 'c2' })], { policy, ...sent(T, { 'inv:1|mail': '2025-06-03' }) })).toEqual(['1:firm']);
  });
  it('a step whose gap is kept from a predecessor that no longer applies is planned today for its own date, never a later one', async () => {
    // firm (bad payers only) went out late, on 20 Jun, while the customer was a bad payer; it is now only watched, so the
    // letter waits for the e-mail alone (sent 3 Jun, its gap over on the 12th) and goes on the 22nd. Its gap kept from
    // firm would put it on the 25th: an action planned on the 22nd is scheduled for the 12th (`dueOn` is the later one).
    const policy = parsePolicy({
      id: 'e', version: 1, name: 'e', calendar: 'none', groupBy: 'invoice',
      steps: [{ id: 'mail', offset: { days: 1 }, channel: 'email', templateId: 't' }, { id: 'firm', offset: { days: 5 }, channel: 'email', templateId: 't', segments: ['bad_payer'] }, { id: 'letter', offset: { days: 10 }, channel: 'letter', templateId: 't' }],
    });
    const r = await day('2025-06-22', [inv('1', '2025-06-02', '100.00')], { policy, ...sent(T, { 'inv:1|mail': '2025-06-03', 'inv:1|firm': '2025-06-20' }), segments: new Map([['c1', 'watch']]) });
    expect(r.actions.map((a) => [a.stepId, a.dueOn, a.scheduledOn])).toEqual([['letter', '2025-06-22', '2025-06-12']]);
  });
});
