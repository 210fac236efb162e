// Priority = amount × days past due × risk weight, and what makes a task urgent: table-driven, pure.
import { describe, expect, it } from 'vitest';
import { isUrgent, priorityDays, taskPriority } from '../../src/worklist/priority.js';
import { mayRequest } from '../../src/http/auth/roles.js';

describe('task priority', () => {
  it.each([
    // amount, oldest due date, segment, today → priority
    ['1000.00', '2026-03-01', 'reliable', '2026-03-11', '10000.00'],
    ['1000.00', '2026-03-01', 'watch', '2026-03-11', '20000.00'],
    ['1000.00', '2026-03-01', 'bad_payer', '2026-03-11', '30000.00'],
    // Not yet due: counted as one day, so it still ranks by its amount.
    ['250.50', '2026-03-20', 'reliable', '2026-03-11', '250.50'],
    // No invoice date: one day. No amount: 0.
    ['99.99', null, 'reliable', '2026-03-11', '99.99'],
    [null, '2026-01-01', 'bad_payer', '2026-03-11', '0.00'],
    // A credit (negative) counts by its size; an unknown segment weighs as reliable.
    ['-40.00', '2026-03-09', 'unknown', '2026-03-11', '80.00'],
    // Exact decimals, no float drift.
    ['0.10', '2026-03-08', 'reliable', '2026-03-11', '0.30'],
  ])('%s due %s (%s) on %s → %s', (amount, since, segment, today, expected) => {
    expect(taskPriority({ amount, overdueSince: since, segment, today })).toBe(expected);
  });

  it('counts days from the oldest due date, at least one', () => {
    expect(priorityDays('2026-02-13', '2026-03-16')).toBe(31);
    expect(priorityDays('2026-03-16', '2026-03-16')).toBe(1);
    expect(priorityDays(null, '2026-03-16')).toBe(1);
  });

  it.each([
    ['call', '49999.99', 'reliable', false],
    ['call', '50000.00', 'reliable', true],
    ['call', '10.00', 'bad_payer', true],
    ['broken_promise', '0.00', 'reliable', true],
    ['handoff', '0.00', 'reliable', true],
    ['declare_claim', '0.00', 'reliable', true],
    ['dispute', '100.00', 'watch', false],
  ] as const)('%s at %s (%s) urgent: %s', (kind, priority, segment, urgent) => {
    expect(isUrgent(kind, priority, segment)).toBe(urgent);
  });
});

describe('what each role may change', () => {
  it.each([
    ['viewer', 'GET', '/policy', true],
    ['viewer', 'POST', '/policy', false],
    ['viewer', 'POST', '/tasks/1/done', false],
    ['viewer', 'PUT', '/api/v1/policy', false],
    ['viewer', 'POST', '/signout', true],
    ['viewer', 'POST', '/signin', true],
    ['viewer', 'POST', '/invite/abc', true],
    ['viewer', 'POST', '/invite/abc/x', false],
    ['collector', 'POST', '/tasks/1/snooze', true],
    ['collector', 'POST', '/customers/c/x/pauses', true],
    ['collector', 'POST', '/customers/c/x/pauses/p/resolve', true],
    ['collector', 'POST', '/customers/c/x/portal/answers/5/accepted', true],
    ['collector', 'POST', '/customers/c/x/collector', false],
    ['collector', 'POST', '/customers/c/x/portal/link', false],
    ['collector', 'POST', '/policy', false],
    ['collector', 'POST', '/settings/team/invite', false],
    ['collector', 'POST', '/connections/x/sending', false],
    ['collector', 'POST', '/api/v1/tasks/x/done', true],
    ['collector', 'PUT', '/api/v1/connections/x/sending', false],
    ['admin', 'POST', '/settings/team/invite', true],
    ['admin', 'DELETE', '/api/v1/mappings/a/b', true],
  ] as const)('%s %s %s → %s', (role, method, path, allowed) => {
    expect(mayRequest(role, method, path)).toBe(allowed);
  });
});
