// Grouped actions (customer + currency): the minimum amount is checked against what the action claims, and its explanation prints that figure.
import { describe, expect, it } from 'vitest';
import type { Customer, Invoice } from '../../src/model/index.js';
import type { Pause } from '../../src/model/collections.js';
import { FRENCH_B2B_POLICY, evaluate, type Policy } from '../../src/rules/index.js';
import { sent } from './history.js';

const T = 'tenant-1';
const policy: Policy = { ...FRENCH_B2B_POLICY, groupBy: 'customer_currency' };
const customers: Customer[] = [{ externalId: 'c1', name: 'Acme', emails: [], tags: [], active: true }];
const inv = (id: string, due: string, amountDue: string): Invoice => ({
  externalId: id, number: `F-${id}`, customerExternalId: 'c1', issueDate: '2026-02-01', dueDate: due, currency: 'EUR', total: amountDue, amountDue, status: 'open', lines: [],
});
const dispute: Pause = { id: 'd1', kind: 'dispute', reason: 'contested delivery', owner: 'ana', startsOn: '2026-03-01', expiresOn: null, customerExternalId: 'c1', invoiceExternalId: 'B', instalments: [] };
// The reminders and the firm reminder already went out, so the formal notice may follow.
const earlierStepsOf = (id: string): Record<string, string> =>
  Object.fromEntries(Object.entries({ courtesy: '2026-02-27', 'reminder-1': '2026-03-03', 'reminder-2': '2026-03-10', firm: '2026-03-17' }).map(([s, on]) => [`inv:${id}|${s}`, on]));
const run = (invoices: Invoice[], pauses: Pause[], done: Record<string, string>) =>
  evaluate({ tenantId: T, today: '2026-04-01', timeZone: 'Europe/Paris', policy, customers, invoices, pauses, ...sent(T, done), segments: new Map([['c1', 'watch']]) });

describe('grouped minimum amount', () => {
  it('a disputed invoice does not lift a 30.00 formal notice over its 50.00 minimum', async () => {
    const actions = await run([inv('A', '2026-03-02', '30.00'), inv('B', '2026-03-02', '500.00')], [dispute], earlierStepsOf('A'));
    expect(actions.map((a) => [a.stepId, a.amountDue])).toEqual([]);
  });

  it('nor does an invoice not yet due', async () => {
    const actions = await run([inv('A', '2026-03-02', '30.00'), inv('C', '2026-05-30', '500.00')], [], earlierStepsOf('A'));
    expect(actions.map((a) => [a.stepId, a.amountDue])).toEqual([]);
  });

  it('two overdue invoices listed together reach it, and the explanation prints what is claimed', async () => {
    const planned = { ...earlierStepsOf('A'), ...earlierStepsOf('D') };
    const actions = await run([inv('A', '2026-03-02', '30.00'), inv('B', '2026-03-02', '500.00'), inv('D', '2026-03-02', '25.00')], [dispute], planned);
    expect(actions.map((a) => [a.stepId, a.amountDue, a.invoices.map((l) => l.externalId)])).toEqual([['formal-notice', '55.00', ['A', 'D']]]);
    expect(actions[0]?.explain).toContain('55.00 EUR ≥ 50.00');
  });
});
