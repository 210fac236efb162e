// The preview is a faithful forecast: over N days it plans, day by day, exactly what N daily runs would plan if nothing else changed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Customer, Invoice, Payment } from '../../src/model/index.js';
import { addDays } from '../../src/model/index.js';
import type { Pause, PlannedAction } from '../../src/model/collections.js';
import { FRENCH_B2B_POLICY, Forecast, evaluateDay, parsePolicy, preview, type EvaluateInput, type Held, type PolicyInput, type PreviewDay } from '../../src/rules/index.js';

const T = 'tenant-1';
const customers: Customer[] = ['c1', 'c2', 'c3'].map((id) => ({ externalId: id, name: id, emails: [], tags: id === 'c2' ? ['vip'] : [], active: true }));

/**
 * N daily runs, each a full evaluation seeing what the previous ones planned (what the outbox keeps, each action
 * taken as delivered on its send day): the reference the preview must equal, incremental candidate selection included.
 */
async function dailyRuns(input: EvaluateInput, days: number): Promise<PreviewDay[]> {
  const outbox = new Forecast(input);
  const out: PreviewDay[] = [];
  let heldBefore = new Set<string>();
  for (let n = 0; n < days; n++) {
    const date = addDays(input.today, n);
    const day = await evaluateDay({ ...input, today: date, ...outbox.state() });
    outbox.record(day.actions, input.timeZone, input.policy);
    const said = (h: Held) => `${h.invoiceExternalId}\u0000${h.reason}`;
    const held = day.held.filter((h) => !heldBefore.has(said(h)));
    heldBefore = new Set(day.held.map(said));
    if (day.actions.length || held.length) out.push({ date, actions: day.actions, held });
  }
  return out;
}

describe('preview = simulated daily runs', () => {
  it('shows the hand-off a risk segment allows only after its date (bad payer from D+60, planned 05-01)', async () => {
    const policy = parsePolicy({ ...FRENCH_B2B_POLICY, steps: FRENCH_B2B_POLICY.steps.map((s) => (s.id === 'handoff' ? { ...s, segments: ['bad_payer'] } : s)) });
    const invoice: Invoice = { externalId: '1', number: 'F-1', customerExternalId: 'c1', issueDate: '2026-02-01', dueDate: '2026-03-02', currency: 'EUR', total: '1500.00', amountDue: '1500.00', status: 'open', lines: [] };
    const input: EvaluateInput = { tenantId: T, today: '2026-02-25', timeZone: 'Europe/Paris', policy, customers, invoices: [invoice] };
    const runs = await dailyRuns(input, 75);
    expect(runs.find((d) => d.actions.some((a) => a.stepId === 'handoff'))?.date).toBe('2026-05-01');
    const shown = await preview({ ...input, days: 75 });
    expect(shown.map((d) => [d.date, d.actions.map((a) => a.stepId)])).toEqual(runs.map((d) => [d.date, d.actions.map((a) => a.stepId)]));
    expect(shown).toEqual(runs);
  });

  // Random policies (offsets, units, chains, segments, tags, conditions on daysPastDue, minimums, grace, grouping, calendars)
  // over random portfolios (payments shaping risk segments; disputes, promises, holds and payment plans starting and
  // expiring inside the window; a customer or invoice override with delay days or a skipped step).
  const BASE = '2026-02-02';
  const arbStep = fc.record({
    days: fc.integer({ min: -10, max: 45 }),
    unit: fc.constantFrom('calendar', 'calendar', 'business'),
    previous: fc.boolean(),
    segments: fc.option(fc.subarray(['reliable', 'watch', 'bad_payer'] as const, { minLength: 1 }), { nil: undefined }),
    tags: fc.option(fc.constant(['vip']), { nil: undefined }),
    minDays: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
    minAmount: fc.option(fc.constantFrom('50.00', '300.00'), { nil: undefined }),
    graceDays: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
    channel: fc.constantFrom('email', 'letter', 'call'),
    includePenalties: fc.boolean(),
  });
  const arbPolicy = fc
    .record({ steps: fc.array(arbStep, { minLength: 1, maxLength: 5 }), groupBy: fc.constantFrom('invoice', 'customer_currency'), calendar: fc.constantFrom('none', 'FR', 'UK'), minAmount: fc.constantFrom('0', '0', '20.00') })
    .map((p) => {
      const doc = (chains: boolean): PolicyInput => ({
        id: 'p', version: 1, name: 'random', calendar: p.calendar, groupBy: p.groupBy, minAmount: p.minAmount, penalties: { jurisdiction: 'FR', debtor: 'business' },
        steps: p.steps.map((s, i) => ({
          id: `s${i}`, offset: { days: chains && s.previous && i > 0 ? Math.abs(s.days) % 15 : s.days, unit: s.unit, from: chains && s.previous && i > 0 ? 'previous' : 'due' }, channel: s.channel, templateId: `t.s${i}`,
          ...(s.segments ? { segments: [...s.segments] } : {}), ...(s.tags ? { tags: [...s.tags] } : {}), ...(s.minDays !== undefined ? { condition: `daysPastDue >= ${s.minDays}` } : {}),
          ...(s.minAmount ? { minAmount: s.minAmount } : {}), ...(s.graceDays !== undefined ? { graceDays: s.graceDays } : {}), includePenalties: s.includePenalties,
        })),
      });
      // A random chain of steps counted from the previous one may be unorderable (rejected): then drop the chains.
      try {
        return parsePolicy(doc(true));
      } catch {
        return parsePolicy(doc(false));
      }
    });
  const arbInvoice = fc.record({
    dueOffset: fc.integer({ min: -70, max: 40 }),
    cents: fc.integer({ min: 1, max: 100_000 }),
    paidCents: fc.integer({ min: 0, max: 100_000 }),
    status: fc.constantFrom('open', 'open', 'partially_paid', 'paid', 'void'),
    customer: fc.constantFrom('c1', 'c2', 'c3'),
    currency: fc.constantFrom('EUR', 'EUR', 'GBP'),
    paidLate: fc.integer({ min: -5, max: 80 }),
  });
  const arbPause = fc.record({
    kind: fc.constantFrom('dispute', 'promise', 'hold', 'payment_plan'),
    invoice: fc.integer({ min: 0, max: 7 }),
    start: fc.integer({ min: -20, max: 20 }),
    length: fc.integer({ min: 0, max: 30 }),
    wholeCustomer: fc.boolean(),
  });
  const arbCase = fc.record({
    policy: arbPolicy,
    invoices: fc.array(arbInvoice, { minLength: 1, maxLength: 8 }),
    pauses: fc.array(arbPause, { maxLength: 2 }),
    override: fc.option(fc.record({ invoice: fc.integer({ min: 0, max: 7 }), customer: fc.boolean(), delayDays: fc.integer({ min: 0, max: 10 }), skipFirst: fc.boolean() }), { nil: undefined }),
    start: fc.integer({ min: 0, max: 40 }),
    days: fc.integer({ min: 1, max: 45 }),
  });
  const SEED = Number(process.env['FC_SEED'] ?? 160_2026);
  // FC_RUNS: fewer cases for a mutation run of evaluate.ts, where this test runs once per surviving mutant (README).
  const RUNS = Number(process.env['FC_RUNS'] ?? 1000);

  it('over 1,000 random portfolios and policies (fast-check, seeded: FC_SEED replays a failure)', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase, async (c) => {
        const invoices: Invoice[] = [];
        const payments: Payment[] = [];
        c.invoices.forEach((x, n) => {
          const total = (x.cents / 100).toFixed(2);
          const settled = x.status === 'paid' ? x.cents : x.status === 'partially_paid' ? Math.min(x.paidCents, x.cents - 1) : 0;
          const due = addDays(BASE, x.dueOffset);
          invoices.push({ externalId: `i${n}`, number: `F-${n}`, customerExternalId: x.customer, issueDate: addDays(due, -30), dueDate: due, currency: x.currency, total, amountDue: ((x.cents - settled) / 100).toFixed(2), status: x.status as Invoice['status'], lines: [] });
          if (settled > 0) payments.push({ externalId: `p${n}`, customerExternalId: x.customer, date: addDays(due, x.paidLate), currency: x.currency, amount: (settled / 100).toFixed(2), unapplied: '0.00', status: 'posted', allocations: [{ invoiceExternalId: `i${n}`, amount: (settled / 100).toFixed(2) }] });
        });
        const today = addDays(BASE, c.start);
        const pauses: Pause[] = c.pauses.map((p, n) => {
          const target = invoices[p.invoice % invoices.length] as Invoice;
          const startsOn = addDays(today, p.start);
          const plan = p.kind === 'payment_plan';
          const instalments = plan ? [{ dueOn: addDays(startsOn, 3), amount: '0.01' }, { dueOn: addDays(startsOn, 3 + p.length), amount: target.amountDue }] : [];
          return { id: `pz${n}`, kind: p.kind as Pause['kind'], reason: 'r', owner: 'o', startsOn, expiresOn: addDays(startsOn, p.length + (plan ? 10 : 0)), customerExternalId: target.customerExternalId, invoiceExternalId: p.wholeCustomer && p.kind !== 'promise' && !plan ? null : target.externalId, instalments };
        });
        let policy = c.policy;
        if (c.override) {
          const target = invoices[c.override.invoice % invoices.length] as Invoice;
          const o = { disabled: false, skipSteps: c.override.skipFirst ? [(policy.steps[0] as { id: string }).id] : [], delayDays: c.override.delayDays };
          policy = c.override.customer ? { ...policy, customerOverrides: { [target.customerExternalId]: o } } : { ...policy, invoiceOverrides: { [target.externalId]: o } };
        }
        const input: EvaluateInput = { tenantId: T, today, timeZone: 'Europe/Paris', policy, customers, invoices, payments, pauses };
        expect(await preview({ ...input, days: c.days })).toEqual(await dailyRuns(input, c.days));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  }, 300_000);
});
