// The evaluator's smaller promises, each stated on its own: keys and revisions, the scheduler's dates, which invoices an
// incremental run re-examines, the e-invoicing rule's words, and the English sentences of explanations and waits.
import { describe, expect, it } from 'vitest';
import type { Customer, Invoice } from '../../src/model/index.js';
import type { Pause, PlannedAction } from '../../src/model/collections.js';
import { FRENCH_B2B_POLICY, Forecast, calendarFor, parsePolicy, type EvaluateInput, type Policy } from '../../src/rules/index.js';
import { Scheduler, baseKey, type ExplainPart, compileCondition, eInvoicingRule, evaluateDay, explainSentence, heldReason, indexInvoices, unversioned } from '../../src/rules/evaluate.js';

const T = 'tenant-1';
const FR: Policy = { ...FRENCH_B2B_POLICY, groupBy: 'invoice' };
const customers: Customer[] = [
  { externalId: 'c1', name: 'Acme', emails: [], tags: [], active: true },
  { externalId: 'c2', name: 'Globex', emails: [], tags: [], active: true },
];
const inv = (id: string, due: string, amountDue: string, extra: Partial<Invoice> = {}): Invoice => ({
  externalId: id, number: `F-${id}`, customerExternalId: 'c1', issueDate: '2025-05-01', dueDate: due, currency: 'EUR', total: amountDue, amountDue, status: 'open', lines: [], ...extra,
});
const pause = (p: Partial<Pause> & Pick<Pause, 'id' | 'kind' | 'startsOn'>): Pause => ({ reason: 'test', owner: 'ana', customerExternalId: 'c1', instalments: [], expiresOn: null, invoiceExternalId: null, ...p });
const day = (today: string, invoices: Invoice[], extra: Partial<EvaluateInput> = {}) =>
  evaluateDay({ tenantId: T, today, timeZone: 'Europe/Paris', policy: FR, customers, invoices, segments: new Map(), ...extra });
const keys = async (today: string, invoices: Invoice[], extra: Partial<EvaluateInput> = {}) => (await day(today, invoices, extra)).actions.map((a) => a.idempotencyKey);

describe('keys', () => {
  it('a key loses only its final version and revision, whatever the step is called', () => {
    // Step ids may look like a version or a revision ('v2', 'r1'): only the suffix goes.
    expect(unversioned(`${T}|inv:1|v2|v1`)).toBe(`${T}|inv:1|v2`);
    expect(unversioned(`${T}|inv:1|r3|v12|r4`)).toBe(`${T}|inv:1|r3`);
    expect(baseKey(`${T}|inv:1|r3|v1|r12`)).toBe(`${T}|inv:1|r3|v1`);
    expect(baseKey(`${T}|inv:1|r3|v1`)).toBe(`${T}|inv:1|r3|v1`);
  });

  it('a step planned under version 12 is not planned again under version 13', async () => {
    const v13: Policy = { ...FR, version: 13 };
    const invoices = [inv('1', '2025-06-02', '100.00')];
    expect(await keys('2025-06-03', invoices, { policy: v13, alreadyPlanned: new Set([`${T}|inv:1|reminder-1|v12`]) })).toEqual([]);
    expect(await keys('2025-06-03', invoices, { policy: v13 })).toEqual([`${T}|inv:1|reminder-1|v13`]);
  });

  it('a revision is counted from the key without its version; none, or revision 0, keeps the key as it is', async () => {
    const invoices = [inv('1', '2025-06-02', '100.00')];
    expect(await keys('2025-06-03', invoices, { revisions: new Map([[`${T}|inv:1|reminder-1`, 2]]) })).toEqual([`${T}|inv:1|reminder-1|v1|r2`]);
    expect(await keys('2025-06-03', invoices, { revisions: new Map([[`${T}|inv:1|reminder-1`, 0]]) })).toEqual([`${T}|inv:1|reminder-1|v1`]);
    expect(await keys('2025-06-03', invoices, { revisions: new Map([[`${T}|inv:2|reminder-1`, 1]]) })).toEqual([`${T}|inv:1|reminder-1|v1`]);
  });

  it('a grouped key names its set of invoices by a stable 8-hex-digit hash: same set, same key; another set, another key', async () => {
    const policy: Policy = { ...FRENCH_B2B_POLICY };
    const a = inv('a', '2025-06-02', '100.00');
    const b = inv('b', '2025-06-02', '200.00');
    const c = inv('c', '2025-06-02', '300.00');
    const [ab] = await keys('2025-06-03', [a, b], { policy });
    const [ba] = await keys('2025-06-03', [b, a], { policy });
    const [ac] = await keys('2025-06-03', [a, c], { policy });
    const [abc] = await keys('2025-06-03', [a, b, c], { policy });
    expect(ab).toMatch(new RegExp(`^${T}\\|cc:c1:EUR:[0-9a-f]{8}\\|reminder-1\\|v1$`));
    expect(ba).toBe(ab);
    expect(new Set([ab, ac, abc]).size).toBe(3);
  });

  it('the hash is the 32-bit FNV-1a of the sorted ids joined by commas, written as 8 hex digits', async () => {
    // Keys are stored: the hash must not drift between releases. Reference FNV-1a (offset basis 0x811c9dc5, prime
    // 0x01000193); its published vectors: "a" → e40c292c, "foobar" → bf9cf968.
    const fnv = (s: string) => {
      let h = 0x811c9dc5;
      for (const ch of Buffer.from(s, 'latin1')) h = Math.imul(h ^ ch, 0x01000193) >>> 0;
      return h.toString(16).padStart(8, '0');
    };
    expect([fnv('a'), fnv('foobar')]).toEqual(['e40c292c', 'bf9cf968']);
    const policy: Policy = { ...FRENCH_B2B_POLICY };
    const hashOf = async (ids: string[]) => (await keys('2025-06-03', ids.map((id) => inv(id, '2025-06-02', '100.00')), { policy }))[0]?.split('|')[1]?.split(':').at(-1);
    expect(await hashOf(['a'])).toBe('e40c292c');
    expect(await hashOf(['b', 'a'])).toBe(fnv('a,b'));
    // An id set whose hash starts with a zero still gives eight digits.
    const small = Array.from({ length: 2000 }, (_, n) => `INV-${String(n).padStart(4, '0')}`).find((id) => fnv(id).startsWith('0')) as string;
    expect(await hashOf([small])).toBe(fnv(small));
    expect(fnv(small)).toMatch(/^0[0-9a-f]{7}$/);
  });
});

describe('conditions', () => {
  it('compiles an expression once, and names a broken one', () => {
    expect(compileCondition('$number(invoice.amountDue) > 1')).toBe(compileCondition('$number(invoice.amountDue) > 1'));
    expect(() => compileCondition('invoice.(')).toThrow(/^invalid step condition "invoice\.\(": ./);
  });
});

describe('Scheduler', () => {
  const policy = parsePolicy({
    id: 'p', version: 1, name: 'p', calendar: 'FR',
    steps: [
      { id: 'a', offset: { days: 1 }, channel: 'email', templateId: 't', shiftToBusinessDay: false },
      { id: 'b', offset: { days: 2, from: 'previous' }, channel: 'email', templateId: 't', shiftToBusinessDay: false },
      { id: 'c', offset: { days: 1, unit: 'business', from: 'previous' }, channel: 'email', templateId: 't', shiftToBusinessDay: false },
      { id: 'd', offset: { days: 5 }, channel: 'email', templateId: 't' },
    ],
  });
  it('counts from the due date or the previous step, in calendar or business days, and shifts only when asked', () => {
    const s = new Scheduler(policy, calendarFor('FR'));
    // Due Thu 1 May 2025 (a holiday): a = Fri 2, b = Sun 4, c = Mon 5 (next business day after Sun), d = Tue 6.
    expect(s.dates('2025-05-01')).toEqual(['2025-05-02', '2025-05-04', '2025-05-05', '2025-05-06']);
    // d lands on Sat 3 May from 28 Apr and moves to Mon 5; a (Tue 29) is kept as computed.
    expect(s.dates('2025-04-28')[3]).toBe('2025-05-05');
  });
  it('keeps the dates of a delayed anchor apart from the undelayed ones', () => {
    const s = new Scheduler(policy, calendarFor('FR'));
    expect(s.dates('2025-05-01')[0]).toBe('2025-05-02');
    expect(s.dates('2025-05-01', 3)[0]).toBe('2025-05-05');
    expect(s.dates('2025-05-01')[0]).toBe('2025-05-02');
    expect(s.dates('2025-05-01', 3)[0]).toBe('2025-05-05');
    // Two delayed anchors are two anchors.
    expect(s.dates('2025-05-12', 3)[0]).toBe('2025-05-16');
  });
  it('anyIn: a step date after the first day and up to the second', () => {
    const s = new Scheduler(policy, calendarFor('FR'));
    expect(s.anyIn('2025-05-01', '2025-05-01', '2025-05-02')).toBe(true);
    expect(s.anyIn('2025-05-01', '2025-05-02', '2025-05-03')).toBe(false);
    expect(s.anyIn('2025-05-01', '2025-05-06', '2025-05-30')).toBe(false);
    expect(s.anyIn('2025-05-01', '2025-05-05', '2025-05-06')).toBe(true);
  });
});

describe('an incremental run re-examines what a full scan would act on', () => {
  // Both runs see the same facts; the incremental one starts from yesterday's run and today's changes only.
  const both = async (today: string, since: string, invoices: Invoice[], extra: Partial<EvaluateInput> = {}, changed = new Set<string>()) => {
    const full = await keys(today, invoices, extra);
    const inc = (await day(today, invoices, { ...extra, invoices: indexInvoices(invoices), since, changed })).actions.map((a) => a.idempotencyKey);
    return { full, inc };
  };

  it('an invoice with a delay override (its own or its customer’s), whose delayed step date is not a nominal one', async () => {
    // Due Mon 2 Jun: reminder-1 nominally Tue 3 Jun; delayed by 2 days, Thu 5 Jun (no nominal step date on the 5th).
    const invoices = [inv('1', '2025-06-02', '100.00'), inv('2', '2025-06-02', '100.00', { customerExternalId: 'c2' })];
    const policy: Policy = { ...FR, invoiceOverrides: { '1': { disabled: false, delayDays: 2, skipSteps: [] } }, customerOverrides: { c2: { disabled: false, delayDays: 2, skipSteps: [] } } };
    const { full, inc } = await both('2025-06-05', '2025-06-04', invoices, { policy });
    expect(full).toEqual([`${T}|inv:1|reminder-1|v1`, `${T}|inv:2|reminder-1|v1`]);
    expect(inc).toEqual(full);
  });

  it('an invoice whose pause ended yesterday, and a whole customer’s when its pause ended', async () => {
    const invoices = [inv('1', '2025-06-02', '100.00'), inv('2', '2025-06-02', '100.00', { customerExternalId: 'c2' })];
    const pauses = [
      pause({ id: 'd', kind: 'dispute', startsOn: '2025-06-01', expiresOn: '2025-06-20', invoiceExternalId: '1' }),
      pause({ id: 'h', kind: 'hold', startsOn: '2025-06-01', expiresOn: '2025-06-20', customerExternalId: 'c2' }),
    ];
    const { full, inc } = await both('2025-06-21', '2025-06-20', invoices, { pauses });
    expect(full).toEqual([`${T}|inv:1|reminder-1|v1`, `${T}|inv:2|reminder-1|v1`]);
    expect(inc).toEqual(full);
    // Runs missed: the last one was on the 18th, the pause ended on the 20th.
    expect((await both('2025-06-22', '2025-06-18', invoices, { pauses })).inc).toEqual(full);
    // A pause ended before the last run was already seen by it: nothing new to look at today.
    expect((await both('2025-06-25', '2025-06-21', invoices, { pauses })).inc).toEqual([]);
  });

  it('every pause of a customer counts, not only its last', async () => {
    const invoices = [inv('1', '2025-06-02', '100.00'), inv('2', '2025-06-02', '100.00'), inv('3', '2025-06-02', '100.00')];
    const pauses = [
      pause({ id: 'd1', kind: 'dispute', startsOn: '2025-06-01', invoiceExternalId: '1' }),
      pause({ id: 'd2', kind: 'dispute', startsOn: '2025-06-01', invoiceExternalId: '2' }),
    ];
    expect(await keys('2025-06-03', invoices, { pauses })).toEqual([`${T}|inv:3|reminder-1|v1`]);
  });

  it('an actively paused invoice is said held every day, as on a full scan', async () => {
    const invoices = [inv('1', '2025-06-02', '100.00')];
    const pauses = [pause({ id: 'd', kind: 'dispute', startsOn: '2025-06-01', expiresOn: null, invoiceExternalId: '1' })];
    const inc = await day('2025-06-12', invoices, { pauses, invoices: indexInvoices(invoices), since: '2025-06-11', changed: new Set() });
    expect(inc.held.map((h) => [h.invoiceExternalId, h.why.code])).toEqual([['1', 'paused']]);
  });

  it('an invoice named as changed, and only an id it knows', async () => {
    const invoices = [inv('1', '2025-06-02', '100.00')];
    const { full, inc } = await both('2025-06-12', '2025-06-11', invoices, {}, new Set(['1', 'unknown']));
    expect(full).toEqual([`${T}|inv:1|reminder-1|v1`]);
    expect(inc).toEqual(full);
    expect((await both('2025-06-12', '2025-06-11', invoices)).inc).toEqual([]);
  });

  it('an e-invoice whose payment-transmitted hold ends with time', async () => {
    const invoices = [inv('1', '2025-06-02', '100.00', { eInvoicing: { code: 211, status: 'payment_transmitted', updatedAt: '2025-06-01T10:00:00Z' } as Invoice['eInvoicing'] })];
    // Held until 11 Jun (10 days from 1 Jun); on the 12th dunning resumes with no fact changing.
    const { full, inc } = await both('2025-06-12', '2025-06-11', invoices);
    expect(full).toEqual([`${T}|inv:1|reminder-1|v1`]);
    expect(inc).toEqual(full);
  });

  it('a `since` that is not before today is no incremental run: everything is looked at', async () => {
    const invoices = [inv('1', '2025-06-02', '100.00')];
    const { full, inc } = await both('2025-06-12', '2025-06-12', invoices);
    expect(full).toEqual([`${T}|inv:1|reminder-1|v1`]);
    expect(inc).toEqual(full);
  });
});

describe('what is open', () => {
  it('the smallest positive amount is dunned; zero, negative and closed invoices are not', async () => {
    expect(await keys('2025-06-03', [inv('1', '2025-06-02', '0.01')])).toEqual([`${T}|inv:1|reminder-1|v1`]);
    expect(await keys('2025-06-03', [inv('1', '2025-06-02', '10.00')])).toEqual([`${T}|inv:1|reminder-1|v1`]);
    for (const closed of [inv('1', '2025-06-02', '0.00'), inv('1', '2025-06-02', '-5.00'), inv('1', '2025-06-02', '5.00', { status: 'draft' }), inv('1', '2025-06-02', '5.00', { status: 'void' }), inv('1', '2025-06-02', '5.00', { status: 'paid' })]) {
      expect(await keys('2025-06-03', [closed])).toEqual([]);
    }
  });
});

describe('eInvoicingRule', () => {
  const e = (code: number, status: string, extra: object = {}, invExtra: Partial<Invoice> = {}) => inv('1', '2025-06-02', '900.00', { total: '1000.00', ...invExtra, eInvoicing: { code, status, ...extra } as Invoice['eInvoicing'] });
  const rule = (i: Invoice, today = '2025-06-10') => eInvoicingRule(i, today, 'Europe/Paris', FR);

  it('refused by the buyer (210) or rejected by the platform (213): an alert naming the invoice, by its number or else its id', () => {
    expect(rule(e(210, 'refused', { reason: 'wrong PO' }))).toEqual({
      hold: 'e-invoice refused (210): wrong PO: not dunned',
      why: { code: 'e_invoicing', status: 210, hold: 'refused', platformReason: 'wrong PO', since: null, until: null },
      alert: 'Invoice F-1 was refused by the buyer on the e-invoicing platform (210): wrong PO. It is not dunned: correct it or credit it in the ERP.',
    });
    const rejected = rule(e(213, 'rejected', {}, { number: undefined }));
    expect(rejected).toMatchObject({ hold: 'e-invoice rejected (213): not dunned', why: { platformReason: null } });
    expect(rejected && 'alert' in rejected ? rejected.alert : null).toBe('Invoice 1 was rejected by the platform on the e-invoicing platform (213). It is not dunned: correct it or credit it in the ERP.');
  });

  it('payment transmitted (211): held through the last day of the pause, in the tenant’s zone', () => {
    // 31 May 23:30 UTC is 1 Jun in Paris: the pause runs to 11 Jun.
    const paid = e(211, 'payment_transmitted', { updatedAt: '2025-05-31T23:30:00Z' });
    expect(rule(paid, '2025-06-11')).toMatchObject({ hold: 'e-invoice payment transmitted (211) on 2025-06-01: paused until 2025-06-11', why: { hold: 'paused_until', since: '2025-06-01', until: '2025-06-11' } });
    expect(rule(paid, '2025-06-12')).toBeNull();
    expect(rule(e(211, 'payment_transmitted'))).toMatchObject({ hold: 'e-invoice payment transmitted (211) on an unknown date: paused until the status moves on', why: { hold: 'paused' } });
  });

  it('partially approved (206): dunned on what is approved and unpaid; nothing once the approved amount is paid', () => {
    // Paid 100 of 1000: approved 600 leaves 500 owed.
    expect(rule(e(206, 'partially_approved', { approvedAmount: '600.00' }))).toEqual({ amountDue: '500.00', note: 'e-invoice partially approved (206): dunning 500.00 of the 600.00 approved' });
    // Approved more than is due: never more than the amount due.
    expect(rule(e(206, 'partially_approved', { approvedAmount: '1000.00' }))).toMatchObject({ amountDue: '900.00' });
    // Approved exactly what was paid: nothing left to dun.
    expect(rule(e(206, 'partially_approved'))).toEqual({ hold: 'e-invoice partially approved (206) without the approved amount: not dunned until the platform gives it', why: { code: 'e_invoicing', status: 206, hold: 'no_approved_amount', platformReason: null, since: null, until: null } });
    expect(rule(e(206, 'partially_approved', { approvedAmount: '100.00' }))).toEqual({ hold: 'e-invoice partially approved (206): the approved 100.00 is paid', why: { code: 'e_invoicing', status: 206, hold: 'approved_paid', platformReason: null, since: null, until: null } });
  });

  it('disputed (207) and suspended (208) hold; any other status changes nothing', () => {
    expect(rule(e(208, 'suspended'))).toMatchObject({ hold: 'e-invoice suspended (208): paused until the status moves on', why: { hold: 'paused' } });
    expect(rule(e(205, 'approved'))).toBeNull();
    expect(rule(inv('1', '2025-06-02', '5.00'))).toBeNull();
  });
});

describe('English sentences', () => {
  it.each<[ExplainPart, string]>([
    [{ code: 'step', n: 1, step: 'courtesy', dpd: -3 }, 'step 1 (courtesy): 3 days before due'],
    [{ code: 'step', n: 2, step: 'r', dpd: 0 }, 'step 2 (r): due today'],
    [{ code: 'step', n: 3, step: 'r', dpd: 1 }, 'step 3 (r): 1 days past due'],
    [{ code: 'grouped', reaching: 2, listed: 3 }, '2 invoice(s) reaching a step, 3 listed'],
    [{ code: 'instalment', n: '2' }, 'instalment 2 of a payment plan'],
    [{ code: 'amount', amount: '-1234567.5', min: '1000', currency: 'EUR' }, '-1,234,567.5 EUR ≥ 1,000'],
    [{ code: 'amount', amount: '999.00', min: '0.00', currency: 'EUR' }, '999.00 EUR ≥ 0.00'],
    [{ code: 'segment', segment: null }, 'segment unknown'],
    [{ code: 'segment', segment: 'watch' }, 'segment watch'],
    [{ code: 'caught_up', days: 9, step: 'reminder-1' }, 'caught up: already 9 days past due, starts at reminder-1 (policy catch-up)'],
    [{ code: 'scheduled_caught_up', on: '2025-06-01' }, 'scheduled 2025-06-01, caught up'],
    [{ code: 'later_skipped', steps: ['a (x)', 'b (y)'] }, 'later steps not applicable: a (x); b (y)'],
    [{ code: 'covers', items: [{ number: 'F-1', step: 'a' }, { number: 'F-2', step: 'b' }] }, 'one message for the customer: also covers F-1 (a), F-2 (b)'],
    [{ code: 'note', number: 'F-1', note: 'n' }, 'F-1: n'],
    [{ code: 'never_earlier' }, 'earlier steps are never sent after a later one'],
    [{ code: 'resumed', on: null }, 'resumed after a promise to pay broken on an unknown date'],
    [{ code: 'resumed', on: '2025-06-01' }, 'resumed after a promise to pay broken on 2025-06-01'],
    [{ code: 'warning', text: 'w' }, 'w'],
    [{ code: 'broken_promise', number: null, on: '2025-06-01', amount: null, currency: 'EUR', owner: 'ana' }, 'promised to pay its overdue invoices by 2025-06-01 and has not; dunning resumes (owner: ana)'],
    [{ code: 'broken_promise', number: 'F-1', on: '2025-06-01', amount: '5.00', currency: 'EUR', owner: 'ana' }, 'promised to pay invoice F-1 by 2025-06-01 and has not; dunning resumes (owner: ana)'],
  ])('an explanation says %j as “%s”', (part, sentence) => {
    expect(explainSentence([part])).toBe(sentence);
  });

  it('an explanation is its parts in order, comma-separated', () => {
    expect(explainSentence([{ code: 'invoice', number: 'F-1' }, { code: 'never_earlier' }])).toBe('invoice F-1, earlier steps are never sent after a later one');
  });

  it('a wait says what it waits for', () => {
    expect(heldReason({ code: 'not_sent', step: 'firm' })).toBe('waiting: firm not sent yet');
    expect(heldReason({ code: 'cancelled', step: 'firm', by: 'ana', note: 'paid by cheque' })).toBe('waiting: firm was cancelled by ana (paid by cheque), the next step waits for the team');
    expect(heldReason({ code: 'gap', step: 'firm', sentOn: '2025-06-01', notBefore: '2025-06-08' })).toBe('waiting: firm sent 2025-06-01, next step not before 2025-06-08');
    expect(heldReason({ code: 'gap', step: 'firm', sentOn: '2025-06-01', notBefore: '2025-06-08' }, 'formal-notice')).toBe('waiting: firm sent 2025-06-01, formal-notice not before 2025-06-08');
    expect(heldReason({ code: 'one_voice', step: 'firm', day: '2025-06-02' })).toBe('one message per customer a day: firm goes out on 2025-06-02');
    expect(heldReason({ code: 'one_voice_taken', day: '2025-06-02' })).toBe('one message per customer a day: this customer already has one on 2025-06-02');
    expect(heldReason({ code: 'quiet', last: '2025-06-01', until: '2025-06-05' })).toBe('customer written to on 2025-06-01: left alone until 2025-06-05');
    expect(heldReason({ code: 'e_invoicing', status: 206, hold: 'no_approved_amount', platformReason: null, since: null, until: null })).toBe('e-invoice status 206: no approved amount');
    expect(heldReason({ code: 'paused', pause: 'hold', since: '2025-06-01', until: null, by: 'ana' })).toBe('paused (hold) since 2025-06-01');
    expect(heldReason({ code: 'paused', pause: 'dispute', since: '2025-06-01', until: '2025-06-09', by: 'ana' })).toBe('paused (dispute) since 2025-06-01 until 2025-06-09');
  });
});

describe('which channels reach the customer', () => {
  it('email, letter, hand-off and call make the customer’s voice of the day; email and letter count against the cap; an alert neither', () => {
    const f = new Forecast({});
    const action = (channel: PlannedAction['channel'], customer: string) => ({ idempotencyKey: `${T}|inv:${customer}|s|v1`, covers: [], channel, customerExternalId: customer, stepId: 's', dueOn: '2025-06-03', notBefore: null }) as unknown as PlannedAction;
    f.record([action('email', 'e'), action('letter', 'l'), action('handoff', 'h'), action('call', 'c'), action('alert', 'a')], 'Europe/Paris');
    const load = f.load.get('2025-06-03');
    expect([...(load?.customers ?? [])].sort()).toEqual(['c', 'e', 'h', 'l']);
    expect(load?.messages).toBe(2);
  });
});
