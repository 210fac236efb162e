// Step order: a policy's steps are kept in time order when it is parsed, so a step listed out of order can no longer block later ones.
import { describe, expect, it } from 'vitest';
import type { Customer, Invoice } from '../../src/model/index.js';
import { addDays } from '../../src/model/index.js';
import type { PlannedAction } from '../../src/model/collections.js';
import { FRENCH_B2B_POLICY, evaluate, parsePolicy, type Policy, type PolicyInput } from '../../src/rules/index.js';
import { Forecast } from '../../src/rules/preview.js';

const T = 'tenant-1';
const customers: Customer[] = [{ externalId: 'c1', name: 'Acme', emails: [], tags: [], active: true }];
const invoice: Invoice = { externalId: '1', number: 'F-1', customerExternalId: 'c1', issueDate: '2026-02-01', dueDate: '2026-03-02', currency: 'EUR', total: '1500.00', amountDue: '1500.00', status: 'open', lines: [] };

/** Every day from `from` for `days` days, each run seeing what the previous ones planned and sent: the steps in the order they fire. */
async function dailyRuns(policy: Policy, from: string, days: number): Promise<string[]> {
  const outbox = new Forecast({});
  const fired: string[] = [];
  for (let n = 0; n < days; n++) {
    const actions: PlannedAction[] = await evaluate({ tenantId: T, today: addDays(from, n), timeZone: 'Europe/Paris', policy, customers, invoices: [invoice], ...outbox.state(), segments: new Map([['c1', 'watch']]) });
    outbox.record(actions, 'Europe/Paris');
    fired.push(...actions.map((a) => a.stepId));
  }
  return fired;
}
const step = (id: string, days: number, from: 'due' | 'previous' = 'due') => ({ id, offset: { days, from }, channel: 'email' as const, templateId: `fr.${id}` });

describe('step order', () => {
  it('a call step at D+25 appended after the hand-off takes its place in time, and the later steps still fire', async () => {
    const doc: PolicyInput = { ...FRENCH_B2B_POLICY, steps: [...FRENCH_B2B_POLICY.steps, { id: 'call', offset: { days: 25 }, channel: 'call', templateId: 'fr.call' }] };
    const policy = parsePolicy(doc);
    expect(policy.steps.map((s) => s.id)).toEqual(['courtesy', 'reminder-1', 'reminder-2', 'firm', 'call', 'formal-notice', 'handoff']);
    expect(await dailyRuns(policy, '2026-02-25', 60)).toEqual(['courtesy', 'reminder-1', 'reminder-2', 'firm', 'call', 'formal-notice', 'handoff']);
  });

  it('steps [+20, −29, +1]: each fires, the +20 one last', async () => {
    const policy = parsePolicy({ id: 'p', version: 1, name: 'p', steps: [step('late', 20), step('early', -29), step('next', 1)] });
    expect(policy.steps.map((s) => s.id)).toEqual(['early', 'next', 'late']);
    expect(await dailyRuns(policy, '2026-01-25', 60)).toEqual(['early', 'next', 'late']);
  });

  it('keeps a step counted from the previous one right after it', () => {
    const policy = parsePolicy({ id: 'p', version: 1, name: 'p', steps: [step('b', 10), step('c', 5, 'previous'), step('a', 1)] });
    expect(policy.steps.map((s) => s.id)).toEqual(['a', 'b', 'c']);
  });

  it('rejects an order that sorting cannot fix, naming the steps', () => {
    // "b" is 30 days after "a", i.e. D+31; "c" (D+15) cannot go between them without changing what "b" counts from.
    expect(() => parsePolicy({ id: 'p', version: 1, name: 'p', steps: [step('a', 1), step('b', 30, 'previous'), step('c', 15)] })).toThrow(
      'invalid policy: steps.2.offset.days: step "c" (D+15) falls before step "b" (D+31), which counts from the step before it: count "b" from the due date, or move "c"',
    );
    expect(() => parsePolicy({ id: 'p', version: 1, name: 'p', steps: [step('a', 10), step('b', -5, 'previous')] })).toThrow(/steps\.1\.offset\.days: step "b" counts 5 days back from "a"/);
  });
});
