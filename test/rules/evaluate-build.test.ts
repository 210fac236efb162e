// What the evaluator writes into an action, and how a day is limited: every field of a grouped action, alert actions,
// overrides, the reasons a step does not apply, instalments, one voice a day, the daily cap, untimely and pre-due steps.
import { describe, expect, it } from 'vitest';
import type { Customer, Invoice } from '../../src/model/index.js';
import type { Pause, PlannedAction } from '../../src/model/collections.js';
import { FRENCH_B2B_POLICY, parsePolicy, type EvaluateInput, type Policy } from '../../src/rules/index.js';
import { evaluateDay, isPreDue, untimely } from '../../src/rules/evaluate.js';
import { sent } from './history.js';

const T = 'tenant-1';
const FR: Policy = { ...FRENCH_B2B_POLICY, groupBy: 'invoice' };
const customers: Customer[] = [
  { externalId: 'c1', name: 'Acme', emails: [], tags: [], active: true },
  { externalId: 'c2', name: 'Globex', emails: [], tags: ['vip'], active: true },
  { externalId: 'c3', name: 'Initech', emails: [], tags: [], active: true },
];
const inv = (id: string, due: string, amountDue: string, extra: Partial<Invoice> = {}): Invoice => ({
  externalId: id, number: `F-${id}`, customerExternalId: 'c1', issueDate: '2025-04-01', dueDate: due, currency: 'EUR', total: amountDue, amountDue, status: 'open', lines: [], ...extra,
});
const pause = (p: Partial<Pause> & Pick<Pause, 'id' | 'kind' | 'startsOn'>): Pause => ({ reason: 'test', owner: 'ana', customerExternalId: 'c1', instalments: [], expiresOn: null, invoiceExternalId: null, ...p });
const day = (today: string, invoices: Invoice[], extra: Partial<EvaluateInput> = {}) =>
  evaluateDay({ tenantId: T, today, timeZone: 'Europe/Paris', policy: FR, customers, invoices, segments: new Map(), ...extra });

describe('a grouped action, field by field', () => {
  it('lists the invoices reaching a step, the other overdue ones at their dunned amount, the open credits, the penalties and why', async () => {
    // a: reminders 1 and 2 delivered, firm reminder due 17 Jun. b: due 16 Jun, no number, reminder 1 due 17 Jun.
    // c: already at its last step; an e-invoice of which only 30.00 of 50.00 is approved: listed at 30.00.
    const history = sent(T, { 'inv:a|reminder-1': '2025-06-03', 'inv:a|reminder-2': '2025-06-10' });
    const alreadyPlanned = new Set([...(history.alreadyPlanned ?? []), `${T}|inv:c|handoff|v1`]);
    const invoices = [
      inv('a', '2025-06-02', '1240.00'),
      inv('b', '2025-06-16', '100.00', { number: undefined }),
      inv('c', '2025-05-01', '50.00', { eInvoicing: { code: 206, status: 'partially_approved', approvedAmount: '30.00' } as Invoice['eInvoicing'] }),
    ];
    const credit = (id: string, status: 'open' | 'void' | 'draft', remaining: string, extra: object = {}) => ({ externalId: id, customerExternalId: 'c1', issueDate: '2025-05-01', currency: 'EUR', total: '20.00', remaining, status, allocations: [], ...extra });
    const creditNotes = [credit('cn1', 'open', '20.00', { number: 'AV-1' }), credit('cn2', 'void', '20.00'), credit('cn3', 'draft', '20.00'), credit('cn4', 'open', '0.00'), credit('cn5', 'open', '5.00', { currency: 'GBP' }), credit('cn6', 'open', '7.50')];
    const { actions, held } = await day('2025-06-18', invoices, { policy: FRENCH_B2B_POLICY, creditNotes, segments: new Map([['c1', 'watch']]), ...history, alreadyPlanned });
    expect(held).toEqual([]);
    expect(actions).toHaveLength(1);
    const a = actions[0] as PlannedAction;
    expect(a.idempotencyKey).toMatch(new RegExp(`^${T}\\|cc:c1:EUR:[0-9a-f]{8}\\|firm\\|v1$`));
    const { idempotencyKey: _, penalties, ...rest } = a;
    expect(rest).toEqual({
      covers: [`${T}|inv:a|firm|v1`, `${T}|inv:b|reminder-1|v1`],
      tenantId: T, policyId: 'fr-b2b', policyVersion: 1, stepId: 'firm', stepIndex: 3, channel: 'email', templateId: 'fr.firm-penalties',
      dueOn: '2025-06-18', scheduledOn: '2025-06-17',
      // 09:00 in Paris, the send window's opening.
      notBefore: '2025-06-18T07:00:00Z',
      scope: 'customer_currency', customerExternalId: 'c1', currency: 'EUR',
      invoices: [
        { externalId: 'a', number: 'F-a', dueDate: '2025-06-02', amountDue: '1240.00', daysPastDue: 16, instalmentOf: null, triggered: true },
        { externalId: 'b', number: null, dueDate: '2025-06-16', amountDue: '100.00', daysPastDue: 2, instalmentOf: null, triggered: true },
        { externalId: 'c', number: 'F-c', dueDate: '2025-05-01', amountDue: '30.00', daysPastDue: 48, instalmentOf: null, invoiceAmountDue: '50.00', triggered: false },
      ],
      credits: [{ externalId: 'cn1', number: 'AV-1', remaining: '20.00' }, { externalId: 'cn6', number: null, remaining: '7.50' }],
      amountDue: '1370.00', openCredits: '27.50', netDue: '1342.50',
      segment: 'watch',
      explain: 'step 4 (firm): 16 days past due, 2 invoice(s) reaching a step, 3 listed, 1,370.00 EUR ≥ 0.00, segment watch, scheduled 2025-06-17, caught up, one message for the customer: also covers b (reminder-1), earlier steps are never sent after a later one',
      reasons: [
        { code: 'step', n: 4, step: 'firm', dpd: 16 },
        { code: 'grouped', reaching: 2, listed: 3 },
        { code: 'amount', amount: '1370.00', min: '0.00', currency: 'EUR' },
        { code: 'segment', segment: 'watch' },
        { code: 'scheduled_caught_up', on: '2025-06-17' },
        { code: 'covers', items: [{ number: 'b', step: 'reminder-1' }] },
        { code: 'never_earlier' },
      ],
    });
    // The firm reminder prices each invoice reaching a step on its own total: 1240 × 13.15 % × 16/365 = 7.148…, 100 × 13.15 % × 2/365 = 0.072…
    expect(penalties.map((p) => [p.invoiceExternalId, p.interest, p.compensation, p.basis])).toEqual([
      ['a', '7.15', '40.00', { jurisdiction: 'FR', amount: '1240.00', dueDate: '2025-06-02', debtor: 'business', contractRate: null, reductions: [], notes: [] }],
      ['b', '0.07', '40.00', { jurisdiction: 'FR', amount: '100.00', dueDate: '2025-06-16', debtor: 'business', contractRate: null, reductions: [], notes: [] }],
    ]);
  });

  it('a single invoice, on its date, says no catch-up; the minimum printed is the override’s, the invoice’s before the customer’s', async () => {
    const policy: Policy = {
      ...FR,
      sendWindow: undefined,
      customerOverrides: { c1: { disabled: false, delayDays: 0, skipSteps: [], minAmount: '5.00' } },
      invoiceOverrides: { '2': { disabled: false, delayDays: 0, skipSteps: [], minAmount: '7.00' } },
    };
    const { actions } = await day('2025-06-03', [inv('1', '2025-06-02', '10.00'), inv('2', '2025-06-02', '10.00'), inv('3', '2025-06-02', '10.00', { customerExternalId: 'c3' })], { policy });
    expect(actions.map((a) => [a.invoices[0]?.externalId, a.notBefore, a.scheduledOn, a.explain])).toEqual([
      ['1', null, '2025-06-03', 'step 2 (reminder-1): 1 days past due, invoice F-1, 10.00 EUR ≥ 5.00, segment unknown'],
      ['2', null, '2025-06-03', 'step 2 (reminder-1): 1 days past due, invoice F-2, 10.00 EUR ≥ 7.00, segment unknown'],
      ['3', null, '2025-06-03', 'step 2 (reminder-1): 1 days past due, invoice F-3, 10.00 EUR ≥ 0.00, segment unknown'],
    ]);
    // Per invoice, credits are not netted: they belong to the customer's statement.
    const creditNotes = [{ externalId: 'cn1', customerExternalId: 'c1', issueDate: '2025-05-01', currency: 'EUR', total: '2.00', remaining: '2.00', status: 'open' as const, allocations: [] }];
    const [one] = (await day('2025-06-03', [inv('1', '2025-06-02', '10.00')], { policy, creditNotes })).actions;
    expect([one?.credits, one?.openCredits, one?.netDue, one?.covers]).toEqual([[], '0.00', '10.00', []]);
  });
});

describe('alert actions', () => {
  it('a broken promise for all of a customer’s overdue invoices: a customer alert the day after the promised date', async () => {
    const pauses = [pause({ id: 'p1', kind: 'promise', startsOn: '2025-06-03', expiresOn: '2025-06-25', amount: '100.00' })];
    const { actions } = await day('2025-06-28', [inv('1', '2025-06-02', '500.00')], { pauses });
    const alert = actions.find((a) => a.channel === 'alert');
    expect(alert).toEqual({
      idempotencyKey: `${T}|alert|broken_promise|p1`, covers: [], tenantId: T, policyId: FR.id, policyVersion: FR.version,
      stepId: 'broken-promise', stepIndex: -1, channel: 'alert', templateId: 'alert.broken_promise',
      dueOn: '2025-06-28', scheduledOn: '2025-06-26', notBefore: null, scope: 'customer', customerExternalId: 'c1', currency: 'EUR',
      invoices: [{ externalId: '1', number: 'F-1', dueDate: '2025-06-02', amountDue: '500.00', daysPastDue: 26, instalmentOf: null, triggered: true }],
      credits: [], amountDue: '500.00', openCredits: '0.00', netDue: '500.00', penalties: [], segment: null,
      explain: expect.stringContaining('2025-06-25'),
      reasons: [{ code: 'broken_promise', number: null, on: '2025-06-25', amount: '100.00', currency: 'EUR', owner: 'ana' }],
    });
  });

  it('an e-invoice refused: an invoice alert the same day, with no reasons beyond its sentence', async () => {
    const refused = inv('1', '2025-06-02', '500.00', { eInvoicing: { code: 210, status: 'refused' } as Invoice['eInvoicing'] });
    const [alert] = (await day('2025-06-10', [refused])).actions;
    expect(alert).toMatchObject({ idempotencyKey: `${T}|einv:1:210|alert`, stepId: 'e-invoicing', templateId: 'alert.e_invoicing', scheduledOn: '2025-06-10', scope: 'invoice', channel: 'alert' });
    expect(alert && 'reasons' in alert).toBe(false);
    // Once per invoice and status, even when it appears twice in a run.
    expect((await day('2025-06-10', [refused, refused])).actions).toHaveLength(1);
  });
});

describe('overrides', () => {
  const invoices = [inv('1', '2025-06-02', '100.00'), inv('2', '2025-06-02', '100.00', { customerExternalId: 'c2' })];
  const o = (x: object) => ({ disabled: false, delayDays: 0, skipSteps: [], ...x });
  it('disabled by the customer’s or by the invoice’s override', async () => {
    expect((await day('2025-06-03', invoices, { policy: { ...FR, customerOverrides: { c1: o({ disabled: true }) } } })).actions.map((a) => a.customerExternalId)).toEqual(['c2']);
    expect((await day('2025-06-03', invoices, { policy: { ...FR, invoiceOverrides: { '1': o({ disabled: true }) } } })).actions.map((a) => a.customerExternalId)).toEqual(['c2']);
  });
  it('steps skipped by either override, and delays added up', async () => {
    const policy: Policy = { ...FR, customerOverrides: { c1: o({ skipSteps: ['reminder-1'], delayDays: 1 }) }, invoiceOverrides: { '1': o({ skipSteps: ['reminder-2'], delayDays: 1 }) } };
    // reminder-1 and reminder-2 skipped; with two days' delay the firm reminder is due on 19 Jun, not 17 Jun.
    expect((await day('2025-06-18', [invoices[0] as Invoice], { policy, ...sent(T, {}) })).actions).toEqual([]);
    expect((await day('2025-06-19', [invoices[0] as Invoice], { policy })).actions.map((a) => a.stepId)).toEqual(['firm']);
  });
});

describe('why a step does not apply', () => {
  const policy = parsePolicy({
    id: 'p', version: 1, name: 'p', calendar: 'none', groupBy: 'invoice',
    steps: [
      { id: 'first', offset: { days: 1 }, channel: 'email', templateId: 't' },
      { id: 'late', offset: { days: 3 }, channel: 'email', templateId: 't', graceDays: 0 },
      { id: 'bad', offset: { days: 3 }, channel: 'email', templateId: 't', segments: ['bad_payer', 'watch'] },
      { id: 'vip', offset: { days: 3 }, channel: 'email', templateId: 't', tags: ['vip', 'key'] },
      { id: 'cond', offset: { days: 3 }, channel: 'email', templateId: 't', condition: 'daysPastDue > 30' },
    ],
  });
  it('each step it passes over is named with its reason, and a stale step once its grace days are over', async () => {
    const invoices = [inv('1', '2025-06-02', '100.00')];
    const done = sent(T, { 'inv:1|first': '2025-06-03' });
    const [on] = (await day('2025-06-05', invoices, { policy, ...done })).actions;
    expect(on?.stepId).toBe('late');
    const [after] = (await day('2025-06-06', invoices, { policy, ...done, segments: new Map([['c1', 'reliable']]) })).actions;
    expect(after).toBeUndefined();
    // Never dunned: the walk falls back to the first step and says why each later one was passed over.
    const [first] = (await day('2025-06-06', invoices, { policy })).actions;
    expect(first?.reasons).toContainEqual({ code: 'later_skipped', steps: ['cond (condition false)', 'vip (customer has none of the tags vip, key)', 'bad (segment unknown not in bad_payer, watch)', 'late (stale since 2025-06-06)'] });
    const [reliable] = (await day('2025-06-06', invoices, { policy, segments: new Map([['c1', 'reliable']]) })).actions;
    expect(reliable?.reasons).toContainEqual(expect.objectContaining({ steps: expect.arrayContaining(['bad (segment reliable not in bad_payer, watch)']) }));
  });
  it('a step for tagged customers applies to a customer with one of the tags; a segment step to a customer in one of them', async () => {
    const tagged = await day('2025-06-06', [inv('1', '2025-06-02', '100.00', { customerExternalId: 'c2' })], { policy, ...sent(T, { 'inv:1|first': '2025-06-03' }) });
    expect(tagged.actions.map((a) => a.stepId)).toEqual(['vip']);
    const watched = await day('2025-06-06', [inv('1', '2025-06-02', '100.00')], { policy, ...sent(T, { 'inv:1|first': '2025-06-03' }), segments: new Map([['c1', 'watch']]) });
    expect(watched.actions.map((a) => a.stepId)).toEqual(['bad']);
  });
});

describe('instalments', () => {
  it('oldest first whatever their order in the plan, the residual settling the oldest; each named by its place in the plan', async () => {
    const plan = pause({
      id: 'pp', kind: 'payment_plan', startsOn: '2025-06-01', expiresOn: '2025-09-30', invoiceExternalId: '1',
      instalments: [{ dueOn: '2025-07-15', amount: '300.00' }, { dueOn: '2025-06-15', amount: '200.00' }, { dueOn: '2025-06-15', amount: '100.00' }],
    });
    // Plan total 600, residual 450: 150 is paid, which settles the first 15 Jun instalment (200) down to 50. Each
    // instalment, never dunned, starts at the catch-up step.
    const { actions } = await day('2025-07-16', [inv('1', '2025-06-02', '450.00', { total: '600.00', status: 'partially_paid' })], { pauses: [plan] });
    expect(actions.map((a) => [a.idempotencyKey.split('|')[1], a.stepId, a.amountDue, a.invoices[0]?.invoiceAmountDue, a.invoices[0]?.dueDate])).toEqual([
      ['plan:pp:1', 'reminder-1', '300.00', '450.00', '2025-07-15'],
      ['plan:pp:2', 'reminder-1', '50.00', '450.00', '2025-06-15'],
      ['plan:pp:3', 'reminder-1', '100.00', '450.00', '2025-06-15'],
    ]);
    expect(actions[0]?.explain).toMatch(/, instalment 1 of a payment plan,/);
    // Paid down to the last instalment: only it is dunned.
    const late = await day('2025-07-16', [inv('1', '2025-06-02', '300.00', { total: '600.00', status: 'partially_paid' })], { pauses: [plan] });
    expect(late.actions.map((a) => a.idempotencyKey.split('|')[1])).toEqual(['plan:pp:1']);
  });
  it('an instalment past the ninth is named by its whole number, in the reasons and the explanation', async () => {
    // Twelve monthly instalments of 100, all paid but the last: instalment 12 is the one dunned.
    const plan = pause({
      id: 'pp', kind: 'payment_plan', startsOn: '2025-01-01', expiresOn: '2026-01-31', invoiceExternalId: '1',
      instalments: Array.from({ length: 12 }, (_, m) => ({ dueOn: `2025-${String(m + 1).padStart(2, '0')}-15`, amount: '100.00' })),
    });
    const { actions } = await day('2025-12-16', [inv('1', '2025-01-15', '100.00', { total: '1200.00', status: 'partially_paid' })], { pauses: [plan] });
    expect(actions.map((a) => [a.idempotencyKey.split('|')[1], a.reasons?.find((r) => r.code === 'instalment')])).toEqual([['plan:pp:12', { code: 'instalment', n: '12' }]]);
    expect(actions[0]?.explain).toMatch(/, instalment 12 of a payment plan,/);
  });
});

describe('one voice a day and the daily cap', () => {
  it('per invoice, the firmer step goes and the milder one waits; two invoices at the same step both go', async () => {
    const invoices = [inv('old', '2025-05-01', '800.00'), inv('new', '2025-06-02', '100.00'), inv('new2', '2025-06-02', '90.00')];
    const history = sent(T, { 'inv:old|reminder-1': '2025-05-02' });
    const { actions, held } = await day('2025-06-03', invoices, { ...history, policy: { ...FR, sendWindow: undefined } });
    expect(actions.map((a) => [a.invoices[0]?.externalId, a.stepId])).toEqual([['old', 'firm']]);
    expect(held.map((h) => [h.invoiceExternalId, h.why])).toEqual([
      ['new', { code: 'one_voice', step: 'firm', day: '2025-06-03' }],
      ['new2', { code: 'one_voice', step: 'firm', day: '2025-06-03' }],
    ]);
    // In key order ('inv:new2|…' sorts before 'inv:new|…').
    expect((await day('2025-06-03', invoices.slice(1), { policy: { ...FR, sendWindow: undefined } })).actions.map((a) => a.invoices[0]?.externalId)).toEqual(['new2', 'new']);
  });

  it('grouped, a customer already written to that send day gets nothing more; another day or another customer does', async () => {
    const policy: Policy = { ...FRENCH_B2B_POLICY };
    const invoices = [inv('1', '2025-06-02', '100.00'), inv('2', '2025-06-02', '100.00', { customerExternalId: 'c2' })];
    const load = new Map([['2025-06-03', { messages: 1, customers: new Set(['c1']) }], ['2025-06-02', { messages: 1, customers: new Set(['c2']) }]]);
    const { actions, held } = await day('2025-06-03', invoices, { policy, load });
    expect(actions.map((a) => a.customerExternalId)).toEqual(['c2']);
    expect(held).toEqual([expect.objectContaining({ invoiceExternalId: '1', why: { code: 'one_voice_taken', day: '2025-06-03' } })]);
  });

  it('within the cap, the largest amount × days past due goes first, then by key; calls and hand-offs do not count', async () => {
    const many: Customer[] = ['k1', 'k2', 'k3', 'k4'].map((id) => ({ externalId: id, name: id, emails: [], tags: [], active: true }));
    const policy: Policy = { ...FR, sendWindow: undefined, dailyCap: 1 };
    // k1: 100 × 15 days (its firm reminder); k2: 200 × 1 day (the larger amount, the smaller product); k3 and k4:
    // equal, the key decides.
    const invoices = [inv('a', '2025-05-19', '100.00', { customerExternalId: 'k1' }), inv('b', '2025-06-02', '200.00', { customerExternalId: 'k2' })];
    const history = sent(T, { 'inv:a|reminder-1': '2025-05-20', 'inv:a|reminder-2': '2025-05-27' });
    const r = await day('2025-06-03', invoices, { policy, customers: many, ...history });
    expect(r.actions.map((a) => a.customerExternalId)).toEqual(['k1']);
    expect(r.held.map((h) => [h.customerExternalId, h.why])).toEqual([['k2', { code: 'daily_cap', cap: 1, day: '2025-06-03' }]]);
    const tie = await day('2025-06-03', [inv('y', '2025-06-02', '50.00', { customerExternalId: 'k4' }), inv('x', '2025-06-02', '50.00', { customerExternalId: 'k3' })], { policy, customers: many });
    expect(tie.actions.map((a) => a.customerExternalId)).toEqual(['k3']);
    // A courtesy note (days past due below zero) still counts against the cap, after any overdue message.
    const courtesy = await day('2025-05-30', [inv('p', '2025-06-02', '900.00', { customerExternalId: 'k1' }), inv('q', '2025-05-29', '1.00', { customerExternalId: 'k2' })], { policy: { ...policy, catchUp: undefined }, customers: many });
    expect(courtesy.actions.map((a) => [a.customerExternalId, a.stepId])).toEqual([['k2', 'reminder-1']]);
    expect(courtesy.held.map((h) => [h.customerExternalId, h.why.code])).toEqual([['k1', 'daily_cap']]);
    // A call is no message: with the cap taken by an email, the call still goes.
    const withCall = parsePolicy({ id: 'p', version: 1, name: 'p', calendar: 'none', groupBy: 'invoice', dailyCap: 1, steps: [{ id: 'ring', offset: { days: 1 }, channel: 'call', templateId: 't' }, { id: 'mail', offset: { days: 2 }, channel: 'email', templateId: 't' }] });
    const mixed = await day('2025-06-04', [inv('m', '2025-06-02', '10.00', { customerExternalId: 'k1' }), inv('n', '2025-06-03', '10.00', { customerExternalId: 'k2' })], { policy: withCall, customers: many });
    expect(mixed.actions.map((a) => [a.customerExternalId, a.channel])).toEqual([['k1', 'email'], ['k2', 'call']]);
  });

  it('the cap counts a day’s messages already planned, on the send day of the window', async () => {
    // Due Thu 12 Jun, reminder 1 on Fri 13 Jun; run on Saturday 14 Jun: the send window (business days) opens on
    // Monday 16 Jun, whose load is what counts.
    const policy: Policy = { ...FR, dailyCap: 2 };
    const load = new Map([['2025-06-16', { messages: 2, customers: new Set<string>() }]]);
    const r = await day('2025-06-14', [inv('1', '2025-06-12', '10.00')], { policy, load });
    expect(r.actions).toEqual([]);
    expect(r.held[0]?.why).toEqual({ code: 'daily_cap', cap: 2, day: '2025-06-16' });
    expect((await day('2025-06-14', [inv('1', '2025-06-12', '10.00')], { policy, load: new Map([['2025-06-14', { messages: 2, customers: new Set<string>() }]]) })).actions).toHaveLength(1);
  });

  it('quiet days start after the last message, not on its day', async () => {
    const policy: Policy = { ...FRENCH_B2B_POLICY, sendWindow: undefined };
    const lastContact = new Map([['c1', '2025-06-03']]);
    // Written to on the 3rd: a reminder planned the same day is not held for quiet days (one voice decides that).
    expect((await day('2025-06-03', [inv('1', '2025-06-02', '10.00')], { policy, lastContact })).actions).toHaveLength(1);
    expect((await day('2025-06-09', [inv('1', '2025-06-02', '10.00')], { policy, lastContact })).held.map((h) => h.why)).toEqual([{ code: 'quiet', last: '2025-06-03', until: '2025-06-10' }]);
  });
});

describe('untimely and pre-due steps', () => {
  const line = (dueDate: string, daysPastDue: number, triggered = true) => ({ externalId: 'x', number: null, dueDate, amountDue: '1.00', daysPastDue, instalmentOf: null, triggered });
  it('a reminder written before the due date is untimely once the due date has passed, and only then', () => {
    expect(untimely({ invoices: [line('2025-06-02', -3)] }, '2025-06-01')).toBeNull();
    expect(untimely({ invoices: [line('2025-06-02', -3)] }, '2025-06-02')).toBeNull();
    expect(untimely({ invoices: [line('2025-06-02', -3)] }, '2025-06-03')).toBe('a reminder written before the due date (2025-06-02) is no longer timely');
    // An overdue line in it, or nothing triggered: never untimely.
    expect(untimely({ invoices: [line('2025-06-02', -3), line('2025-05-01', 0)] }, '2025-06-03')).toBeNull();
    expect(untimely({ invoices: [line('2025-06-02', -3, false)] }, '2025-06-03')).toBeNull();
    expect(untimely({ invoices: [] }, '2025-06-03')).toBeNull();
    expect(untimely({ invoices: [line('2025-06-09', -3), line('2025-06-02', -1)] }, '2025-06-03')).toBe('a reminder written before the due date (2025-06-02) is no longer timely');
  });
  it('a step counted from the due date with negative days is pre-due; on the due date, after it, or an unknown step, not', () => {
    const policy = parsePolicy({
      id: 'p', version: 1, name: 'p', calendar: 'none',
      steps: [
        { id: 'pre', offset: { days: -3 }, channel: 'email', templateId: 't' },
        { id: 'on', offset: { days: 0 }, channel: 'email', templateId: 't' },
        { id: 'after', offset: { days: 1, from: 'previous' }, channel: 'email', templateId: 't' },
      ],
    });
    expect(['pre', 'on', 'after', 'nope'].map((stepId) => isPreDue(policy, { stepId }))).toEqual([true, false, false, false]);
  });
});

describe('more of what an action carries', () => {
  it('an instalment line keeps the invoice’s amount due even when the two are equal; an other line only when they differ', async () => {
    const plan = pause({ id: 'pp', kind: 'payment_plan', startsOn: '2025-06-01', expiresOn: '2025-08-31', invoiceExternalId: '1', instalments: [{ dueOn: '2025-06-02', amount: '100.00' }] });
    const [a] = (await day('2025-06-03', [inv('1', '2025-06-02', '100.00')], { pauses: [plan] })).actions;
    expect(a?.invoices[0]).toMatchObject({ amountDue: '100.00', instalmentOf: '1', invoiceAmountDue: '100.00' });
    const grouped = await day('2025-06-03', [inv('a', '2025-06-02', '10.00'), inv('b', '2025-05-01', '20.00')], { policy: FRENCH_B2B_POLICY, alreadyPlanned: new Set([`${T}|inv:b|handoff|v1`]) });
    expect(grouped.actions[0]?.invoices.map((l) => [l.externalId, l.triggered, 'invoiceAmountDue' in l])).toEqual([['a', true, false], ['b', false, false]]);
  });
  it('the first step taken after its date is not said “never earlier”; a later one is', async () => {
    const policy: Policy = { ...FR, catchUp: undefined, steps: FR.steps.map((s) => (s.id === 'courtesy' ? { ...s, graceDays: 5 } : s)) };
    const [a] = (await day('2025-05-31', [inv('1', '2025-06-02', '10.00')], { policy })).actions;
    expect([a?.stepId, a?.reasons?.map((r) => r.code)]).toEqual(['courtesy', ['step', 'invoice', 'amount', 'segment', 'scheduled_caught_up']]);
  });
  it('the daily cap ranks by the days past due of the invoices reaching a step, not of those only listed', async () => {
    const many: Customer[] = ['k1', 'k2'].map((id) => ({ externalId: id, name: id, emails: [], tags: [], active: true }));
    const policy: Policy = { ...FRENCH_B2B_POLICY, sendWindow: undefined, dailyCap: 1 };
    // k1: 100 due yesterday, plus 10 listed from 60 days ago (at its last step): 110 × 1. k2: 150 × 1.
    const invoices = [inv('a', '2025-06-02', '100.00', { customerExternalId: 'k1' }), inv('old', '2025-04-04', '10.00', { customerExternalId: 'k1' }), inv('b', '2025-06-02', '150.00', { customerExternalId: 'k2' })];
    const r = await day('2025-06-03', invoices, { policy, customers: many, alreadyPlanned: new Set([`${T}|inv:old|handoff|v1`]) });
    expect(r.actions.map((x) => x.customerExternalId)).toEqual(['k2']);
  });
  it('an invoice’s own minimum comes before its customer’s, even when lower', async () => {
    const o = (x: object) => ({ disabled: false, delayDays: 0, skipSteps: [], ...x });
    const policy: Policy = { ...FR, customerOverrides: { c1: o({ minAmount: '20.00' }) }, invoiceOverrides: { '1': o({ minAmount: '7.00' }) } };
    expect((await day('2025-06-03', [inv('1', '2025-06-02', '10.00'), inv('2', '2025-06-02', '10.00')], { policy })).actions.map((a) => a.invoices[0]?.externalId)).toEqual(['1']);
  });
  it('an instalment reaching a step not used for instalments gets the step before, saying why', async () => {
    const plan = pause({ id: 'pp', kind: 'payment_plan', startsOn: '2025-06-01', expiresOn: '2025-08-31', invoiceExternalId: '1', instalments: [{ dueOn: '2025-06-02', amount: '100.00' }] });
    const [a] = (await day('2025-07-02', [inv('1', '2025-06-02', '100.00')], { pauses: [plan], ...sent(T, { 'plan:pp:1|reminder-1': '2025-06-03', 'plan:pp:1|reminder-2': '2025-06-10' }) })).actions;
    expect(a?.stepId).toBe('firm');
    expect(a?.reasons).toContainEqual({ code: 'later_skipped', steps: ['formal-notice (not used for instalments)'] });
  });
  it('an e-invoicing alert is for the invoice’s customer', async () => {
    const refused = inv('1', '2025-06-02', '500.00', { customerExternalId: 'c3', eInvoicing: { code: 213, status: 'rejected' } as Invoice['eInvoicing'] });
    expect((await day('2025-06-10', [refused])).actions.map((a) => [a.channel, a.customerExternalId])).toEqual([['alert', 'c3']]);
  });
});
