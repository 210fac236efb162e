// An action is due from the start of its day where the company is. Planned at 00:30 in Paris (23:30 UTC the day
// before), today's reminders are due at once, not an hour later at UTC midnight; in New York at 22:00 (03:00 UTC the
// next day), today's reminders were due since local midnight, and nothing is due on a day that has not begun there.
// Found when the end-to-end sending test ran past 23:00 UTC and its service held nothing.
import { describe, expect, it } from 'vitest';
import { runEvaluation } from '../../src/collections/run.js';
import { FRENCH_B2B_POLICY } from '../../src/rules/default-policies.js';
import { parsePolicy } from '../../src/rules/policy.js';
import { savePolicy } from '../../src/store/policies.js';
import { customer, invoice, seedTenant } from '../http/ui/helpers.js';
import { useDatabase } from '../support/db.js';

const sql = useDatabase();

async function plannedDueAt(timeZone: string, now: Date) {
  const t = await seedTenant(sql, [customer('c1', 'Garage Leroy')], [invoice('1', 'c1', '2026-11-10', '900.00')]);
  await sql`update tenants set time_zone = ${timeZone} where id = ${t.tenant.id}`;
  // No send window (it would set its own hour): what is left is the day itself.
  await savePolicy(sql, t.tenant.id, 'no-window', parsePolicy({ ...FRENCH_B2B_POLICY, id: 'no-window', sendWindow: undefined, penalties: undefined, steps: FRENCH_B2B_POLICY.steps.filter((x) => x.channel === 'email' && !x.includePenalties) }));
  const run = await runEvaluation(sql, t.tenant.id, t.connection.id, now);
  const rows = await sql<{ due_at: Date; due_on: string }[]>`select due_at, payload->>'dueOn' as due_on from outbox where tenant_id = ${t.tenant.id} and kind <> 'alert'`;
  return { run, rows };
}

describe('when a planned action is due', () => {
  it('in Paris at 00:30 on 6 December (23:30 UTC on the 5th): due from Paris midnight, so already due', async () => {
    const now = new Date('2026-12-05T23:30:00Z');
    const { run, rows } = await plannedDueAt('Europe/Paris', now);
    expect(run.today).toBe('2026-12-06');
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.due_on).toBe('2026-12-06');
      expect(r.due_at.toISOString()).toBe('2026-12-05T23:00:00.000Z');
      expect(r.due_at.getTime()).toBeLessThanOrEqual(now.getTime());
    }
  });

  it('in New York at 22:00 on 5 December (03:00 UTC on the 6th): due from New York midnight, five hours after UTC’s', async () => {
    const { run, rows } = await plannedDueAt('America/New_York', new Date('2026-12-06T03:00:00Z'));
    expect(run.today).toBe('2026-12-05');
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.due_at.toISOString()).toBe('2026-12-05T05:00:00.000Z');
  });
});
