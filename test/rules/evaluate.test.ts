// Evaluator: catch-up, idempotency over random daily runs, payment stop, pauses, grouping, plans, versions; preview; risk and alerts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Customer, Invoice } from '../../src/model/index.js';
import { addDays } from '../../src/model/index.js';
import type { Pause, PlannedAction } from '../../src/model/collections.js';
import { FRENCH_B2B_POLICY, UK_POLICY, assessRisk, computeAlerts, evaluate, indexInvoices, parsePolicy, preview, type EvaluateInput, type Policy } from '../../src/rules/index.js';
import { evaluateDay } from '../../src/rules/evaluate.js';
import { sent as sentSteps } from './history.js';
import { Forecast } from '../../src/rules/preview.js';

const T = 'tenant-1';
const inv = (id: string, due: string, amountDue: string, extra: Partial<Invoice> = {}): Invoice => ({
  externalId: id, number: `F-${id}`, customerExternalId: 'c1', issueDate: addDays(due, -30), dueDate: due, currency: 'EUR', total: amountDue, amountDue, status: 'open', lines: [], ...extra,
});
const customers: Customer[] = [
  { externalId: 'c1', name: 'Acme', emails: [], tags: [], active: true },
  { externalId: 'c2', name: 'Globex', emails: [], tags: ['vip'], active: true },
];
const pause = (p: Partial<Pause> & Pick<Pause, 'id' | 'kind' | 'startsOn'>): Pause => ({ reason: 'test', owner: 'ana', customerExternalId: 'c1', instalments: [], expiresOn: null, invoiceExternalId: null, ...p });
// Per invoice, so single-invoice cases read their keys plainly; the shipped grouping is tested on its own below.
const FR: Policy = { ...FRENCH_B2B_POLICY, groupBy: 'invoice' };
const run = (today: string, invoices: Invoice[], extra: Partial<EvaluateInput> = {}) =>
  evaluate({ tenantId: T, today, timeZone: 'Europe/Paris', policy: FR, customers, invoices, ...extra });
const sent = (steps: Record<string, string>) => sentSteps(T, steps);
const remember = (planned: Set<string>, actions: PlannedAction[]) => {
  for (const a of actions) {
    planned.add(a.idempotencyKey);
    for (const k of a.covers) planned.add(k);
  }
};

describe('evaluate: one invoice', () => {
  // Due Mon 2 Jun 2025: courtesy 30 May, D+1 3 Jun, D+8 10 Jun, D+15 17 Jun, D+30 2 Jul, D+45 17 Jul.
  it.each([
    ['2025-05-29', []],
    ['2025-05-30', ['courtesy']],
    ['2025-06-03', ['reminder-1']],
    ['2025-06-12', ['reminder-1']],
    ['2025-06-17', ['reminder-1']],
    ['2025-09-01', ['reminder-1']],
  ])('on %s a never-dunned invoice starts at the catch-up step, never further: %j', async (today, steps) => {
    const actions = await run(today, [inv('1', '2025-06-02', '1240.00')]);
    expect(actions.map((a) => a.stepId)).toEqual(steps);
  });

  it('says why it starts at the catch-up step, and later steps keep their gaps from the day it went out', async () => {
    const [a] = await run('2025-09-01', [inv('1', '2025-06-02', '1240.00')]);
    expect(a?.explain).toMatch(/caught up: already 91 days past due, starts at reminder-1 \(policy catch-up\)/);
    // reminder-1 went out 1 Sep: reminder-2 comes 7 days later (its gap), not at once.
    const after = sent({ 'inv:1|reminder-1': '2025-09-01' });
    expect(await run('2025-09-05', [inv('1', '2025-06-02', '1240.00')], after)).toEqual([]);
    expect((await run('2025-09-08', [inv('1', '2025-06-02', '1240.00')], after)).map((x) => x.stepId)).toEqual(['reminder-2']);
  });

  it('without a catch-up step, a late invoice gets the latest step that needs no predecessor, and says what waits', async () => {
    const policy: Policy = { ...FR, catchUp: undefined };
    const [a, ...rest] = await run('2025-09-01', [inv('1', '2025-06-02', '1240.00')], { policy });
    expect(rest).toEqual([]);
    expect(a?.stepId).toBe('firm');
    expect(a?.explain).toMatch(/handoff \(waiting: formal-notice not sent yet\); formal-notice \(waiting: firm not sent yet\)/);
  });

  it('a catch-up step that does not apply moves on to the next step needing no predecessor, never to a letter', async () => {
    const policy: Policy = { ...FR, invoiceOverrides: { '1': { disabled: false, delayDays: 0, skipSteps: ['reminder-1'] } } };
    expect((await run('2025-07-20', [inv('1', '2025-06-02', '1240.00')], { policy })).map((a) => a.stepId)).toEqual(['reminder-2']);
    const none: Policy = { ...FR, invoiceOverrides: { '1': { disabled: false, delayDays: 0, skipSteps: ['reminder-1', 'reminder-2', 'firm'] } } };
    expect(await run('2025-07-20', [inv('1', '2025-06-02', '1240.00')], { policy: none })).toEqual([]);
  });

  it('keys, explains and prices the firm reminder', async () => {
    const [a] = await run('2025-06-18', [inv('1', '2025-06-02', '1240.00')], { segments: new Map([['c1', 'watch']]), ...sent({ 'inv:1|reminder-1': '2025-06-03', 'inv:1|reminder-2': '2025-06-10' }) });
    expect(a?.idempotencyKey).toBe(`${T}|inv:1|firm|v1`);
    expect(a?.explain).toMatch(/^step 4 \(firm\): 16 days past due, invoice F-1, 1,240\.00 EUR ≥ 0\.00, segment watch, scheduled 2025-06-17, caught up/);
    // 1240 × 13.15 % × 16/365 = 7.148…
    expect(a?.penalties[0]).toMatchObject({ interest: '7.15', compensation: '40.00' });
    expect(a?.notBefore).toBe('2025-06-18T07:00:00Z');
  });

  it('a stale courtesy reminder is not sent after the due date', async () => {
    expect(await run('2025-06-02', [inv('1', '2025-06-02', '100.00')])).toEqual([]);
  });

  it('does not go back to an earlier step once a later one is planned', async () => {
    const planned = new Set([`${T}|inv:1|formal-notice|v1`]);
    expect(await run('2025-07-05', [inv('1', '2025-06-02', '100.00')], { alreadyPlanned: planned })).toEqual([]);
  });

  it('duns the residual and stops on payment', async () => {
    const [a] = await run('2025-06-03', [inv('1', '2025-06-02', '400.00', { total: '1000.00', status: 'partially_paid' })]);
    expect(a?.amountDue).toBe('400.00');
    for (const closed of [inv('2', '2025-06-02', '0.00', { status: 'paid' }), inv('3', '2025-06-02', '100.00', { status: 'void' }), inv('4', '2025-06-02', '0.00')]) {
      expect(await run('2025-06-03', [closed])).toEqual([]);
    }
  });

  it('skips the formal notice under its minimum amount and falls back to the last applicable step', async () => {
    const actions = await run('2025-07-03', [inv('1', '2025-06-02', '20.00')], sent({ 'inv:1|reminder-1': '2025-06-03', 'inv:1|reminder-2': '2025-06-10' }));
    expect(actions.map((a) => a.stepId)).toEqual(['firm']);
    expect(actions[0]?.explain).toMatch(/formal-notice \(20 < 50.00\)/);
  });

  it('a policy version bump does not re-send a step planned under the previous version', async () => {
    const v2: Policy = { ...FR, version: 2 };
    const invoices = [inv('1', '2025-06-02', '100.00')];
    expect(await run('2025-06-03', invoices, { policy: v2, alreadyPlanned: new Set([`${T}|inv:1|reminder-1|v1`]) })).toEqual([]);
    const [a] = await run('2025-06-10', invoices, { policy: v2, alreadyPlanned: new Set([`${T}|inv:1|reminder-1|v1`]) });
    expect(a?.idempotencyKey).toBe(`${T}|inv:1|reminder-2|v2`);
  });

  it('a policy at version 1 does not re-send a step planned under another policy’s later version (#20, line 337)', async () => {
    // The tenant moved from a policy edited twice (keys end in |v3) to a new policy at version 1 with the same step ids.
    const invoices = [inv('1', '2025-06-02', '100.00')];
    expect(FR.version).toBe(1);
    expect(await run('2025-06-03', invoices, { alreadyPlanned: new Set([`${T}|inv:1|reminder-1|v3`]) })).toEqual([]);
    const [a] = await run('2025-06-10', invoices, { alreadyPlanned: new Set([`${T}|inv:1|reminder-1|v3`]) });
    expect(a?.idempotencyKey).toBe(`${T}|inv:1|reminder-2|v1`);
  });

  it('evaluates JSONata conditions, tags, segments and overrides', async () => {
    const policy = parsePolicy({
      id: 'p', version: 1, name: 'p', calendar: 'none',
      steps: [
        { id: 'big', offset: { days: 1 }, channel: 'email', templateId: 't', condition: '$number(invoice.amountDue) >= 1000' },
        { id: 'vip', offset: { days: 2 }, channel: 'call', templateId: 't', tags: ['vip'] },
        { id: 'bad', offset: { days: 3 }, channel: 'email', templateId: 't', segments: ['bad_payer'] },
      ],
      customerOverrides: { c3: { disabled: true } },
      invoiceOverrides: { x: { skipSteps: ['big'] } },
    });
    const due = '2025-06-02';
    const go = (today: string, invoices: Invoice[], segments = new Map<string, 'reliable' | 'bad_payer'>()) => run(today, invoices, { policy, segments }).then((a) => a.map((x) => `${x.invoices[0]?.externalId}:${x.stepId}`));
    expect(await go('2025-06-03', [inv('a', due, '1500.00'), inv('b', due, '10.00'), inv('x', due, '5000.00')])).toEqual(['a:big']);
    expect(await go('2025-06-04', [inv('a', due, '1500.00'), inv('v', due, '10.00', { customerExternalId: 'c2' })])).toEqual(['a:big', 'v:vip']);
    expect(await go('2025-06-05', [inv('a', due, '1500.00')], new Map([['c1', 'bad_payer']]))).toEqual(['a:bad']);
    expect(await go('2025-06-05', [inv('z', due, '1500.00', { customerExternalId: 'c3' })])).toEqual([]);
  });

  it('shifts step dates to the next business day and counts business-day offsets', async () => {
    const policy = parsePolicy({ id: 'p', version: 1, name: 'p', calendar: 'FR', steps: [{ id: 's1', offset: { days: 2, unit: 'business' }, channel: 'email', templateId: 't' }] });
    // Due Wed 28 May 2025: Thu 29 Ascension, so +2 business days = Mon 2 Jun.
    expect(await run('2025-05-30', [inv('1', '2025-05-28', '10.00')], { policy })).toEqual([]);
    expect((await run('2025-06-02', [inv('1', '2025-05-28', '10.00')], { policy })).map((a) => a.scheduledOn)).toEqual(['2025-06-02']);
  });
});

describe('evaluate: pauses', () => {
  const invoices = [inv('1', '2025-06-02', '500.00')];
  it('a dispute on the invoice suppresses it until it expires, then dunning starts at the catch-up step', async () => {
    const pauses = [pause({ id: 'd1', kind: 'dispute', startsOn: '2025-06-01', expiresOn: '2025-06-20', invoiceExternalId: '1' })];
    expect(await run('2025-06-10', invoices, { pauses })).toEqual([]);
    expect((await run('2025-06-21', invoices, { pauses })).map((a) => a.stepId)).toEqual(['reminder-1']);
    // Already reminded before the dispute: it goes on from there with the latest e-mail step due (no letter waits on it).
    const before = sent({ 'inv:1|reminder-1': '2025-06-03' });
    expect((await run('2025-06-21', invoices, { pauses, ...before })).map((a) => a.stepId)).toEqual(['firm']);
  });
  it('a customer hold suppresses every invoice of that customer only', async () => {
    const pauses = [pause({ id: 'h1', kind: 'hold', startsOn: '2025-06-01', expiresOn: null })];
    const actions = await run('2025-06-03', [...invoices, inv('2', '2025-06-02', '10.00', { customerExternalId: 'c2' })], { pauses });
    expect(actions.map((a) => a.customerExternalId)).toEqual(['c2']);
  });
  it('a promise suppresses until its date; broken, it raises one alert and dunning resumes', async () => {
    const pauses = [pause({ id: 'p1', kind: 'promise', startsOn: '2025-06-03', expiresOn: '2025-06-25', invoiceExternalId: '1' })];
    expect(await run('2025-06-20', invoices, { pauses })).toEqual([]);
    const after = await run('2025-06-26', invoices, { pauses });
    expect(after.map((a) => [a.channel, a.stepId])).toEqual([['alert', 'broken-promise'], ['email', 'reminder-1']]);
    expect(after[0]?.idempotencyKey).toBe(`${T}|alert|broken_promise|p1`);
    // The alert names the invoice by its number, never by the ERP's id.
    expect(after[0]?.explain).toMatch(/promised to pay invoice F-1 by 2025-06-25/);
    expect(after[0]?.reasons).toEqual([expect.objectContaining({ code: 'broken_promise', number: 'F-1', on: '2025-06-25' })]);
    expect(after[1]?.explain).toMatch(/resumed after a promise to pay broken on 2025-06-25/);
    expect(after[1]?.reasons).toContainEqual({ code: 'resumed', on: '2025-06-25' });
    const next = sent({ 'inv:1|reminder-1': '2025-06-26' });
    const planned = new Set([...(next.alreadyPlanned ?? []), ...after.map((a) => a.idempotencyKey)]);
    expect(await run('2025-06-27', invoices, { pauses, ...next, alreadyPlanned: planned })).toEqual([]);
    // Kept promise: paid, so no alert and nothing to dun.
    expect(await run('2025-06-26', [inv('1', '2025-06-02', '0.00', { status: 'paid' })], { pauses })).toEqual([]);
  });
  it('a payment plan duns the unpaid instalments, not the invoice', async () => {
    const plan = pause({ id: 'pp', kind: 'payment_plan', startsOn: '2025-06-05', expiresOn: '2025-08-31', invoiceExternalId: '1', instalments: [{ dueOn: '2025-06-15', amount: '200.00' }, { dueOn: '2025-07-15', amount: '300.00' }] });
    const first = await run('2025-06-16', invoices, { pauses: [plan] });
    expect(first.map((a) => [a.idempotencyKey, a.scope, a.amountDue, a.invoices[0]?.instalmentOf])).toEqual([[`${T}|plan:pp:1|reminder-1|v1`, 'instalment', '200.00', '1']]);
    // First instalment paid (residual 300): only the second is dunned when it falls due; never the letter steps.
    const paidFirst = [inv('1', '2025-06-02', '300.00', { total: '500.00', status: 'partially_paid' })];
    expect(await run('2025-06-20', paidFirst, { pauses: [plan] })).toEqual([]);
    const later = await run('2025-08-20', paidFirst, { pauses: [plan] });
    expect(later.map((a) => [a.idempotencyKey, a.amountDue])).toEqual([[`${T}|plan:pp:2|reminder-1|v1`, '300.00']]);
    const reminded = await run('2025-08-20', paidFirst, { pauses: [plan], ...sent({ 'plan:pp:2|reminder-1': '2025-07-16', 'plan:pp:2|reminder-2': '2025-07-23' }) });
    expect(reminded.map((a) => [a.idempotencyKey, a.amountDue])).toEqual([[`${T}|plan:pp:2|firm|v1`, '300.00']]);
  });
});

describe('evaluate: grouping per customer and currency', () => {
  const policy: Policy = { ...UK_POLICY, groupBy: 'customer_currency' };
  it('sends one action per customer+currency listing due invoices, other overdue ones and open credits; one a day per customer', async () => {
    const invoices = [
      inv('a', '2025-06-02', '100.00'), inv('b', '2025-06-02', '250.50'), inv('c', '2025-05-01', '40.00'),
      inv('d', '2025-06-02', '70.00', { currency: 'GBP' }), inv('e', '2025-06-02', '5.00', { customerExternalId: 'c2' }),
    ];
    const creditNotes = [{ externalId: 'cn1', number: 'AV-1', customerExternalId: 'c1', issueDate: '2025-05-01', currency: 'EUR', total: '30.00', remaining: '30.00', status: 'open' as const, allocations: [] }];
    // What the outbox knows after each run: planned keys, when each step goes out, and each day's load.
    const outbox = new Forecast({ alreadyPlanned: new Set([`${T}|inv:c|handoff|v1`]) });
    const actions = await run('2025-06-03', invoices, { policy, creditNotes, ...outbox.state() });
    const eur = actions.find((a) => a.customerExternalId === 'c1' && a.currency === 'EUR');
    // c1's GBP invoice waits: one message per customer a day, the most advanced (then larger) claim first.
    expect(actions.map((a) => `${a.customerExternalId}/${a.currency}`).sort()).toEqual(['c1/EUR', 'c2/EUR']);
    expect(eur?.invoices.map((l) => [l.externalId, l.triggered])).toEqual([['a', true], ['b', true], ['c', false]]);
    expect([eur?.amountDue, eur?.openCredits, eur?.netDue]).toEqual(['390.50', '30.00', '360.50']);
    expect(eur?.covers).toEqual([`${T}|inv:a|reminder-1|v1`, `${T}|inv:b|reminder-1|v1`]);
    outbox.record(actions, 'Europe/Paris');
    expect(await run('2025-06-03', invoices, { policy, creditNotes, ...outbox.state() })).toEqual([]);
    // A new invoice of a customer already written to today waits for the next day, then gets its own grouped action.
    const withF = [...invoices, inv('f', '2025-06-02', '9.00', { customerExternalId: 'c2' })];
    expect((await run('2025-06-03', withF, { policy, ...outbox.state() })).map((a) => a.customerExternalId)).toEqual([]);
    const next = await run('2025-06-04', withF, { policy, ...outbox.state() });
    expect(next.map((a) => [a.customerExternalId, a.currency, a.stepId, a.invoices.filter((l) => l.triggered).map((l) => l.externalId).join()]).sort()).toEqual([
      ['c1', 'GBP', 'reminder-1', 'd'],
      ['c2', 'EUR', 'reminder-1', 'f'],
    ]);
    for (const a of next) expect(outbox.planned.has(a.idempotencyKey)).toBe(false);
  });

  it('a customer with invoices at different steps gets one message, at the most advanced step, covering them all', async () => {
    const invoices = [inv('old', '2025-05-01', '800.00'), inv('new', '2025-06-02', '100.00')];
    const history = sent({ 'inv:old|reminder-1': '2025-05-02', 'inv:old|reminder-2': '2025-05-09', 'inv:old|firm': '2025-05-16' });
    const actions = await run('2025-06-03', invoices, { policy: { ...FRENCH_B2B_POLICY }, ...history });
    expect(actions.map((a) => a.stepId)).toEqual(['formal-notice']);
    expect(actions[0]?.covers).toEqual([`${T}|inv:new|reminder-1|v1`, `${T}|inv:old|formal-notice|v1`]);
    expect(actions[0]?.explain).toMatch(/one message for the customer: also covers F-new \(reminder-1\)/);
    // Per-invoice sending stays available: then each invoice gets its own step, still one message a day.
    const perInvoice = await run('2025-06-03', invoices, { policy: FR, ...history });
    expect(perInvoice.map((a) => a.stepId)).toEqual(['formal-notice']);
  });
});

// Random portfolios around a base date, run on random days with gaps.
const BASE = '2025-05-01';
const arbInvoice = fc.record({
  dueOffset: fc.integer({ min: -60, max: 60 }),
  cents: fc.integer({ min: 0, max: 500_000 }),
  status: fc.constantFrom('open', 'open', 'open', 'partially_paid', 'paid', 'void', 'draft'),
  customer: fc.constantFrom('c1', 'c2'),
  currency: fc.constantFrom('EUR', 'EUR', 'GBP'),
});
const arbPortfolio = fc.array(arbInvoice, { minLength: 1, maxLength: 25 }).map((xs) =>
  xs.map((x, n) => inv(`i${n}`, addDays(BASE, x.dueOffset), (x.cents / 100).toFixed(2), { status: x.status as Invoice['status'], customerExternalId: x.customer, currency: x.currency })),
);
const arbRunDays = fc.uniqueArray(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 30 }).map((xs) => xs.sort((a, b) => a - b).map((d) => addDays(BASE, d)));

describe('evaluate: properties', () => {
  it('no step is ever planned twice for an invoice across daily runs with random gaps, in both grouping modes; escalation waits for its predecessor; one voice a day', async () => {
    await fc.assert(
      fc.asyncProperty(arbPortfolio, arbRunDays, fc.boolean(), async (invoices, days, grouped) => {
        const policy: Policy = { ...FRENCH_B2B_POLICY, groupBy: grouped ? 'customer_currency' : 'invoice' };
        const outbox = new Forecast({});
        const stepKeys = new Set<string>();
        const voices = new Set<string>();
        for (const today of days) {
          const actions = await run(today, invoices, { policy, ...outbox.state(), segments: new Map() });
          for (const a of actions) {
            expect(outbox.planned.has(a.idempotencyKey)).toBe(false);
            // Each invoice's own step (the covers of a grouped action, else the action's key) is planned once.
            for (const k of grouped ? a.covers : [a.idempotencyKey]) {
              expect(stepKeys.has(k)).toBe(false);
              stepKeys.add(k);
              const [, scope, stepId] = k.split('|') as [string, string, string];
              const idx = policy.steps.findIndex((st) => st.id === stepId);
              // A letter or hand-off only after the step before it was delivered (the forecast delivers on the send day).
              if (idx > 0 && ['letter', 'handoff'].includes(policy.steps[idx]?.channel ?? '')) {
                const prev = outbox.history.get(`${T}|${scope}|${policy.steps[idx - 1]?.id}`);
                expect(prev?.delivered && prev.on < today).toBe(true);
              }
            }
            if (grouped && a.channel !== 'alert') {
              const voice = `${a.customerExternalId}@${a.dueOn}`;
              expect(voices.has(voice)).toBe(false);
              voices.add(voice);
            }
          }
          expect(new Set(actions.map((a) => a.idempotencyKey)).size).toBe(actions.length);
          outbox.record(actions, 'Europe/Paris', policy);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('paid, void, draft and zero-balance invoices are never planned', async () => {
    await fc.assert(
      fc.asyncProperty(arbPortfolio, arbRunDays, async (invoices, days) => {
        const closed = new Set(invoices.filter((i) => ['paid', 'void', 'draft'].includes(i.status) || Number(i.amountDue) <= 0).map((i) => i.externalId));
        for (const today of days) for (const a of await run(today, invoices, { segments: new Map() })) for (const l of a.invoices) expect(closed.has(l.externalId)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it('pauses suppress while active and dunning resumes after expiry', async () => {
    await fc.assert(
      fc.asyncProperty(arbPortfolio, fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 40 }), fc.constantFrom('dispute', 'hold', 'promise'), async (invoices, start, length, kind) => {
        const startsOn = addDays(BASE, start);
        const expiresOn = addDays(startsOn, length);
        const target = invoices[0] as Invoice;
        const p = pause({ id: 'p', kind: kind as Pause['kind'], startsOn, expiresOn, customerExternalId: target.customerExternalId, invoiceExternalId: kind === 'hold' ? null : target.externalId });
        const covered = (i: Invoice) => i.customerExternalId === target.customerExternalId && (kind === 'hold' || i.externalId === target.externalId);
        for (let d = 0; d <= length; d += 7) {
          const actions = await run(addDays(startsOn, d), invoices, { pauses: [p], segments: new Map() });
          for (const a of actions.filter((x) => x.channel !== 'alert')) for (const l of a.invoices) expect(covered(invoices.find((i) => i.externalId === l.externalId) as Invoice)).toBe(false);
        }
        // The day after expiry, a covered open invoice with a step due gets exactly what it would get with no pause at all.
        const day = addDays(expiresOn, 1);
        const withPause = (await run(day, invoices, { pauses: [p], segments: new Map() })).filter((a) => a.channel !== 'alert').map((a) => a.idempotencyKey);
        const without = (await run(day, invoices, { segments: new Map() })).map((a) => a.idempotencyKey);
        expect(withPause).toEqual(without);
      }),
      { numRuns: 40 },
    );
  });

  it('the incremental run (since the last run, plus what it had to revisit) plans exactly what a full scan plans', async () => {
    await fc.assert(
      fc.asyncProperty(arbPortfolio, arbRunDays, fc.boolean(), async (invoices, days, grouped) => {
        const policy: Policy = { ...FRENCH_B2B_POLICY, groupBy: grouped ? 'customer_currency' : 'invoice' };
        const index = indexInvoices(invoices);
        const full = new Forecast({});
        const inc = new Forecast({});
        let since: string | undefined;
        let changed = new Set<string>();
        for (const today of days) {
          const a = await run(today, invoices, { policy, ...full.state(), segments: new Map() });
          const day = await evaluateDay({ tenantId: T, today, timeZone: 'Europe/Paris', policy, customers, invoices: index, ...inc.state(), segments: new Map(), ...(since ? { since, changed } : {}) });
          expect(day.actions.map((x) => x.idempotencyKey)).toEqual(a.map((x) => x.idempotencyKey));
          full.record(a, 'Europe/Paris', policy);
          inc.record(day.actions, 'Europe/Paris', policy);
          since = today;
          changed = day.revisit;
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('preview', () => {
  it('walks the ladder day by day without planning a step twice', async () => {
    const days = await preview({ tenantId: T, today: '2025-05-25', days: 60, timeZone: 'Europe/Paris', policy: FRENCH_B2B_POLICY, customers, invoices: [inv('1', '2025-06-02', '1240.00')], segments: new Map() });
    expect(days.map((d) => [d.date, d.actions.map((a) => a.stepId).join()])).toEqual([
      ['2025-05-30', 'courtesy'], ['2025-06-03', 'reminder-1'], ['2025-06-10', 'reminder-2'], ['2025-06-17', 'firm'], ['2025-07-02', 'formal-notice'], ['2025-07-17', 'handoff'],
    ]);
    expect(days[3]?.actions[0]?.explain).toMatch(/^step 4 \(firm\): 15 days past due/);
  });
});

describe('risk segments', () => {
  it.each([
    [{ paid: [{ dueDate: '2025-01-01', paidOn: '2025-01-02', amount: '100' }], open: [] }, 'reliable'],
    [{ paid: [{ dueDate: '2025-01-01', paidOn: '2025-01-16', amount: '100' }], open: [] }, 'watch'],
    [{ paid: [{ dueDate: '2025-01-01', paidOn: '2025-01-02', amount: '100' }], open: [{ dueDate: '2025-01-10', amountDue: '5' }] }, 'bad_payer'],
    [{ paid: [], open: [], brokenPromises: 2 }, 'bad_payer'],
    [{ paid: [{ dueDate: '2025-01-01', paidOn: '2025-02-15', amount: '10' }, { dueDate: '2025-01-01', paidOn: '2025-01-01', amount: '990' }], open: [] }, 'reliable'],
    [{ paid: ['2025-01-20', '2025-01-02', '2025-01-03', '2025-01-06'].map((paidOn) => ({ dueDate: '2025-01-01', paidOn, amount: '100' })), open: [] }, 'watch'],
  ])('%j → %s', (facts, segment) => {
    const r = assessRisk({ today: '2025-03-15', ...facts });
    expect(r.segment).toBe(segment);
    expect(r.reasons.length).toBeGreaterThan(0);
  });
  it('amount-weights the average delay', () => {
    const r = assessRisk({ today: '2025-03-15', paid: [{ dueDate: '2025-01-01', paidOn: '2025-02-15', amount: '10' }, { dueDate: '2025-01-01', paidOn: '2025-01-01', amount: '990' }], open: [] });
    expect(r.metrics.avgDaysLate).toBe(0.5); // 45 × 10 / 1000
    expect(r.metrics.lateShare).toBe(0.5);
  });
  it('puts a customer under insolvency proceedings in bad_payer whatever its history, saying why; an ended pause does not', async () => {
    const { segmentCustomers } = await import('../../src/rules/risk.js');
    const onTime = [{ externalId: 'i1', number: 'F-1', customerExternalId: 'c1', issueDate: '2025-01-01', dueDate: '2025-02-01', currency: 'EUR', total: '100.00', amountDue: '100.00', status: 'open' as const, lines: [] }];
    const pause = { id: 'p1', kind: 'insolvency' as const, reason: 'BODACC', owner: 'relance', startsOn: '2025-01-20', expiresOn: null, customerExternalId: 'c1', invoiceExternalId: 'i1', instalments: [] };
    const seg = (pauses: Parameters<typeof segmentCustomers>[0]['pauses'], today = '2025-01-25') => segmentCustomers({ today, invoicesByCustomer: new Map([['c1', onTime]]), customerIds: ['c1'], pauses }).get('c1')!;
    expect(seg([]).segment).toBe('reliable');
    const r = seg([pause]);
    expect(r.segment).toBe('bad_payer');
    expect(r.why[0]).toEqual({ code: 'insolvency', since: '2025-01-20' });
    expect(r.reasons[0]).toBe('under insolvency proceedings since 2025-01-20');
    expect(seg([{ ...pause, expiresOn: '2025-01-22' }]).segment).toBe('reliable');
  });
});

describe('alerts', () => {
  const cust: Customer[] = [{ externalId: 'c1', name: 'Acme', emails: [], tags: [], active: true, currency: 'EUR', creditLimit: '1000.00' }];
  it.each([
    ['400.00', []],
    ['500.00', ['50']],
    ['899.99', ['70']],
    ['950.00', ['90']],
    ['1200.00', ['100']],
  ])('credit-limit exposure %s raises the highest crossed threshold only', (due, levels) => {
    const alerts = computeAlerts({ tenantId: T, today: '2025-06-01', customers: cust, invoices: [inv('1', '2025-07-01', due)] });
    expect(alerts.filter((a) => a.kind === 'credit_limit').map((a) => a.key.split('|').at(-1))).toEqual(levels);
  });
  it('overdue amount and age, broken promise and downgrade, with deterministic keys', () => {
    const input = {
      tenantId: T, today: '2025-06-01', customers: cust,
      invoices: [inv('1', '2025-03-01', '300.00'), inv('2', '2025-05-20', '300.00')],
      pauses: [pause({ id: 'p9', kind: 'promise', startsOn: '2025-05-01', expiresOn: '2025-05-25', invoiceExternalId: '1' })],
      segments: new Map([['c1', 'bad_payer' as const]]), previousSegments: new Map([['c1', 'watch' as const]]),
      thresholds: { creditLimitPercents: [], overdueAmount: { EUR: '500' }, overdueAgeDays: 60 },
    };
    const a = computeAlerts(input);
    expect(a.map((x) => x.key)).toEqual([
      `${T}|alert|overdue_amount|c1|EUR|500`, `${T}|alert|overdue_age|1|60`, `${T}|alert|broken_promise|p9`, `${T}|alert|segment_downgrade|c1|watch>bad_payer|2025-06-01`,
    ]);
    expect(computeAlerts(input).map((x) => x.key)).toEqual(a.map((x) => x.key));
  });
});
