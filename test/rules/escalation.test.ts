// A coherent escalation: letters and hand-offs wait for their predecessor's delivery and deadline, a cancelled step is
// re-planned, e-invoicing statuses hold or reduce dunning, and a company's daily cap rolls the rest over.
import { describe, expect, it } from 'vitest';
import type { Customer, Invoice } from '../../src/model/index.js';
import { addDays } from '../../src/model/index.js';
import { FRENCH_B2B_POLICY, UK_POLICY, evaluate, preview, type EvaluateInput, type Policy } from '../../src/rules/index.js';
import { evaluateDay, type StepRecord } from '../../src/rules/evaluate.js';
import { sent } from './history.js';

const T = 'tenant-1';
const FR: Policy = { ...FRENCH_B2B_POLICY, groupBy: 'invoice' };
const customers: Customer[] = [{ externalId: 'c1', name: 'Acme', emails: [], tags: [], active: true }];
// Due Mon 2 Mar 2026: reminder-1 3 Mar, reminder-2 10 Mar, firm 17 Mar, formal notice 1 Apr, hand-off 16 Apr.
const inv = (extra: Partial<Invoice> = {}): Invoice => ({
  externalId: '1', number: 'F-1', customerExternalId: 'c1', issueDate: '2026-02-01', dueDate: '2026-03-02', currency: 'EUR', total: '1000.00', amountDue: '1000.00', status: 'open', lines: [], ...extra,
});
const run = (today: string, extra: Partial<EvaluateInput> = {}, invoices: Invoice[] = [inv()]) =>
  evaluateDay({ tenantId: T, today, timeZone: 'Europe/Paris', policy: FR, customers, invoices, segments: new Map([['c1', 'watch']]), ...extra });
const reminders = { 'inv:1|reminder-1': '2026-03-03', 'inv:1|reminder-2': '2026-03-10' };

describe('escalation needs its predecessor', () => {
  it('no formal notice while the firm reminder is only planned, failed or absent; the preview says why', async () => {
    const planned = sent(T, reminders);
    const firmKey = `${T}|inv:1|firm`;
    // Never sent: the firm reminder itself is what goes out, and its explanation says the notice waits for it.
    const first = await run('2026-04-02', planned);
    expect(first.actions.map((a) => a.stepId)).toEqual(['firm']);
    expect(first.actions[0]?.explain).toContain('formal-notice (waiting: firm not sent yet)');
    const cases: Array<[StepRecord, string]> = [
      [{ on: '2026-03-17', delivered: false }, 'waiting: firm planned for 2026-03-17, not sent yet'],
      [{ on: '2026-03-17', delivered: false, failed: 'no e-mail address' }, 'waiting: firm failed (no e-mail address), the next step waits for the team'],
    ];
    for (const [record, reason] of cases) {
      const history = new Map(planned.history);
      const alreadyPlanned = new Set(planned.alreadyPlanned);
      history.set(firmKey, record);
      alreadyPlanned.add(`${firmKey}|v1`);
      const day = await run('2026-04-02', { alreadyPlanned, history });
      expect(day.actions.filter((a) => a.stepId === 'formal-notice')).toEqual([]);
      expect(day.held).toContainEqual(expect.objectContaining({ invoiceExternalId: '1', customerExternalId: 'c1', stepId: 'formal-notice', reason }));
    }
  });

  it('the formal notice goes once the firm reminder was delivered and its gap has passed since', async () => {
    // Firm reminder delivered late, on 25 Mar: the notice keeps its 15-day gap (9 Apr), not its nominal 1 Apr.
    const late = sent(T, { ...reminders, 'inv:1|firm': '2026-03-25' });
    expect((await run('2026-04-01', late)).held.map((h) => h.reason)).toEqual(['waiting: firm sent 2026-03-25, formal-notice not before 2026-04-09']);
    expect((await run('2026-04-08', late)).actions).toEqual([]);
    const day = await run('2026-04-09', late);
    expect(day.actions.map((a) => [a.stepId, a.channel])).toEqual([['formal-notice', 'letter']]);
  });

  it('a hand-off waits for the formal notice to be delivered and for its deadline (8 days in France)', async () => {
    const noticed = (on: string, delivered = true) => {
      const s = sent(T, { ...reminders, 'inv:1|firm': '2026-03-17', 'inv:1|formal-notice': on });
      if (!delivered) (s.history as Map<string, StepRecord>).set(`${T}|inv:1|formal-notice`, { on, delivered: false });
      return s;
    };
    // Sent 14 Apr: the 8-day deadline runs to 22 Apr; the hand-off (nominally 16 Apr) waits, and says so.
    const waiting = await run('2026-04-20', noticed('2026-04-14'));
    expect(waiting.actions).toEqual([]);
    expect(waiting.held.map((h) => h.reason)).toEqual(['waiting: formal-notice sent 2026-04-14, deadline 2026-04-22']);
    // The same reason as data, for pages to say in their own language.
    expect(waiting.held[0]?.why).toEqual({ code: 'deadline', step: 'formal-notice', sentOn: '2026-04-14', until: '2026-04-22' });
    expect((await run('2026-04-22', noticed('2026-04-14'))).actions).toEqual([]);
    // Deadline passed but the gap (15 days after the notice) not yet: 29 Apr.
    expect((await run('2026-04-23', noticed('2026-04-14'))).held.map((h) => h.reason)).toEqual(['waiting: formal-notice sent 2026-04-14, handoff not before 2026-04-29']);
    expect((await run('2026-04-29', noticed('2026-04-14'))).actions.map((a) => a.stepId)).toEqual(['handoff']);
    // A notice still in the outbox does not count, however late it is.
    expect((await run('2026-06-01', noticed('2026-04-01', false))).held.map((h) => h.reason)).toEqual(['waiting: formal-notice planned for 2026-04-01, not sent yet']);
  });

  it('a deadline longer than the gap holds through its last day; the hand-off goes the day after', async () => {
    // A 20-day deadline on the notice (sent 14 Apr): the 15-day gap is over on 29 Apr, the deadline runs to 4 May.
    const policy: Policy = { ...FR, steps: FR.steps.map((s) => (s.id === 'formal-notice' ? { ...s, deadlineDays: 20 } : s)) };
    const done = sent(T, { ...reminders, 'inv:1|firm': '2026-03-17', 'inv:1|formal-notice': '2026-04-14' });
    const onDeadline = await run('2026-05-04', { policy, ...done });
    expect(onDeadline.actions).toEqual([]);
    expect(onDeadline.held.map((h) => h.why)).toEqual([{ code: 'deadline', step: 'formal-notice', sentOn: '2026-04-14', until: '2026-05-04' }]);
    expect((await run('2026-05-05', { policy, ...done })).actions.map((a) => a.stepId)).toEqual(['handoff']);
  });

  it('the UK letter before action gives 14 days before the hand-off', async () => {
    const uk: Policy = { ...UK_POLICY, groupBy: 'invoice' };
    const done = sent(T, { 'inv:1|reminder-1': '2026-03-03', 'inv:1|reminder-2': '2026-03-10', 'inv:1|firm': '2026-03-17', 'inv:1|call': '2026-03-24', 'inv:1|letter-before-action': '2026-04-20' });
    const day = await run('2026-05-01', { policy: uk, ...done });
    expect(day.held.map((h) => h.reason)).toEqual(['waiting: letter-before-action sent 2026-04-20, deadline 2026-05-04']);
    expect((await run('2026-05-21', { policy: uk, ...done })).actions.map((a) => a.stepId)).toEqual(['handoff']);
  });

  it('a step excluded for this customer is jumped over when looking for the predecessor', async () => {
    const policy: Policy = { ...FR, customerOverrides: { c1: { disabled: false, delayDays: 0, skipSteps: ['firm'] } } };
    const day = await run('2026-04-01', { policy, ...sent(T, reminders) });
    expect(day.actions.map((a) => a.stepId)).toEqual(['formal-notice']);
  });
});

describe('a cancelled step is re-planned', () => {
  it('under its next revision, on the residual', async () => {
    // reminder-2 was cancelled after a partial payment: it is not counted as done, and comes back as `|r1`.
    const history = sent(T, { 'inv:1|reminder-1': '2026-03-03' });
    const alreadyPlanned = new Set([...(history.alreadyPlanned ?? [])]);
    const day = await run('2026-03-11', { ...history, alreadyPlanned, revisions: new Map([[`${T}|inv:1|reminder-2`, 1]]) }, [inv({ amountDue: '400.00', status: 'partially_paid' })]);
    expect(day.actions.map((a) => [a.idempotencyKey, a.amountDue])).toEqual([[`${T}|inv:1|reminder-2|v1|r1`, '400.00']]);
  });
});

describe('e-invoicing statuses', () => {
  const e = (code: number, status: string, extra: object = {}) => inv({ eInvoicing: { code, status, updatedAt: '2026-03-20T10:00:00Z', ...extra } as Invoice['eInvoicing'] });
  const day = '2026-03-24';
  const history = sent(T, reminders);

  it.each([
    [210, 'refused', 'buyer refused: wrong PO'],
    [213, 'rejected', 'invalid SIREN'],
  ])('%i (%s): never dunned, and one alert to the team', async (code, status, reason) => {
    const r = await run(day, history, [e(code, status, { reason })]);
    expect(r.actions.map((a) => [a.channel, a.templateId])).toEqual([['alert', 'alert.e_invoicing']]);
    expect(r.actions[0]?.explain).toContain(reason);
    expect(r.held[0]?.reason).toBe(`e-invoice ${status} (${code}): ${reason}: not dunned`);
    // Already alerted: nothing again.
    expect((await run(day, { ...history, alreadyPlanned: new Set([...(history.alreadyPlanned ?? []), r.actions[0]!.idempotencyKey]) }, [e(code, status, { reason })])).actions).toEqual([]);
  });

  it.each([
    [207, 'disputed'],
    [208, 'suspended'],
  ])('%i (%s): paused with the platform reason until the status moves on', async (code, status) => {
    const r = await run(day, history, [e(code, status, { reason: 'quantity contested' })]);
    expect(r.actions).toEqual([]);
    expect(r.held[0]?.reason).toBe(`e-invoice ${status} (${code}): quantity contested: paused until the status moves on`);
    // The status moves on to approved (205): dunning resumes.
    expect((await run(day, history, [e(205, 'approved')])).actions.map((a) => a.stepId)).toEqual(['firm']);
  });

  it('211 (payment transmitted): paused 10 days from the status date, then dunned again', async () => {
    const paid = e(211, 'payment_transmitted');
    expect((await run('2026-03-30', history, [paid])).held[0]?.reason).toBe('e-invoice payment transmitted (211) on 2026-03-20: paused until 2026-03-30');
    expect((await run('2026-03-31', history, [paid])).actions.map((a) => a.stepId)).toEqual(['firm']);
    const unknown = inv({ eInvoicing: { code: 211, status: 'payment_transmitted' } as Invoice['eInvoicing'] });
    expect((await run('2026-05-01', history, [unknown])).actions).toEqual([]);
    // The pause is a policy setting.
    expect((await run('2026-03-25', { ...history, policy: { ...FR, paymentTransmittedPauseDays: 3 } }, [paid])).actions.map((a) => a.stepId)).toEqual(['firm']);
  });

  it('206 (partially approved): only the approved amount, less what was paid, is dunned; without it, nothing', async () => {
    const partial = inv({ total: '1000.00', amountDue: '900.00', status: 'partially_paid', eInvoicing: { code: 206, status: 'partially_approved', approvedAmount: '600.00' } as Invoice['eInvoicing'] });
    const r = await run(day, history, [partial]);
    expect(r.actions.map((a) => [a.stepId, a.amountDue, a.invoices[0]?.invoiceAmountDue])).toEqual([['firm', '500.00', '900.00']]);
    expect(r.actions[0]?.explain).toContain('F-1: e-invoice partially approved (206): dunning 500.00 of the 600.00 approved');
    const none = inv({ eInvoicing: { code: 206, status: 'partially_approved' } as Invoice['eInvoicing'] });
    expect((await run(day, history, [none])).held[0]?.reason).toBe('e-invoice partially approved (206) without the approved amount: not dunned until the platform gives it');
  });

  it.each([200, 201, 202, 203, 204, 205, 209, 212])('%i changes nothing', async (code) => {
    const words: Record<number, string> = { 200: 'deposited', 201: 'issued', 202: 'received', 203: 'made_available', 204: 'taken_over', 205: 'approved', 209: 'completed', 212: 'collected' };
    expect((await run(day, history, [e(code, words[code] as string)])).actions.map((a) => a.stepId)).toEqual(['firm']);
  });
});

describe('quiet days', () => {
  it('a customer written to is left alone for the policy\u2019s quiet days; what falls due meanwhile joins the next message', async () => {
    const policy: Policy = { ...FRENCH_B2B_POLICY };
    const a = inv({ externalId: 'a', number: 'F-a', dueDate: '2026-03-02' });
    const b = inv({ externalId: 'b', number: 'F-b', dueDate: '2026-03-05' });
    // Reminder 1 for a went out on 3 Mar; b falls due on the 5th, and its reminder waits for the 10th.
    const history = sent(T, { 'inv:a|reminder-1': '2026-03-03' });
    const lastContact = new Map([['c1', '2026-03-03']]);
    const waiting = await run('2026-03-06', { policy, ...history, lastContact }, [a, b]);
    expect(waiting.actions).toEqual([]);
    expect(waiting.held.map((h) => [h.invoiceExternalId, h.why])).toEqual([['b', { code: 'quiet', last: '2026-03-03', until: '2026-03-10' }]]);
    const next = await run('2026-03-10', { policy, ...history, lastContact }, [a, b]);
    expect(next.actions.map((x) => [x.stepId, x.covers.map((k) => k.split('|').slice(1, 3).join('|'))])).toEqual([['reminder-2', ['inv:a|reminder-2', 'inv:b|reminder-1']]]);
    // A courtesy note before the due date waits too (the customer was just written to), and without a recent
    // message it goes; it does not start quiet days itself (the store and the forecast leave it out of lastContact).
    const c = inv({ externalId: 'c', number: 'F-c', dueDate: '2026-03-09' });
    expect((await run('2026-03-06', { policy, ...history, lastContact }, [c])).held.map((h) => h.why.code)).toEqual(['quiet']);
    expect((await run('2026-03-06', { policy }, [c])).actions.map((x) => x.stepId)).toEqual(['courtesy']);
  });
});

describe('daily sending cap', () => {
  it('what exceeds the cap rolls over to the next send day, largest amount × days late first, and the preview shows it', async () => {
    const many: Customer[] = Array.from({ length: 5 }, (_, n) => ({ externalId: `c${n}`, name: `C${n}`, emails: [], tags: [], active: true }));
    const invoices = many.map((c, n) => inv({ externalId: `i${n}`, number: `F-${n}`, customerExternalId: c.externalId, amountDue: `${(n + 1) * 100}.00`, total: `${(n + 1) * 100}.00` }));
    const policy: Policy = { ...FRENCH_B2B_POLICY, dailyCap: 2 };
    // Tuesday 3 Mar 2026: all five reach reminder-1; 2 go, 2 on Wednesday, 1 on Thursday.
    const days = await preview({ tenantId: T, today: '2026-03-03', days: 3, timeZone: 'Europe/Paris', policy, customers: many, invoices, segments: new Map() });
    const byDay = days.map((d) => [d.date, d.actions.map((a) => a.customerExternalId).sort().join()]);
    expect(byDay).toEqual([['2026-03-03', 'c3,c4'], ['2026-03-04', 'c1,c2'], ['2026-03-05', 'c0']]);
    expect(days[0]?.held.map((h) => [h.customerExternalId, h.reason]).sort()).toEqual(
      ['c0', 'c1', 'c2'].map((c) => [c, 'daily cap of 2 messages reached for 2026-03-03: rolls over to the next send day']),
    );
    // Each message goes once in all.
    expect(days.flatMap((d) => d.actions).length).toBe(5);
  });

  it('a run later the same day counts what is already planned for it', async () => {
    const load = new Map([['2026-03-03', { messages: 200, customers: new Set<string>() }]]);
    const r = await run('2026-03-03', { load });
    expect(r.actions).toEqual([]);
    expect(r.held[0]?.reason).toMatch(/^daily cap of 200 messages reached for 2026-03-03/);
    expect((await evaluate({ tenantId: T, today: addDays('2026-03-03', 1), timeZone: 'Europe/Paris', policy: FR, customers, invoices: [inv()], load })).map((a) => a.stepId)).toEqual(['reminder-1']);
  });
});
