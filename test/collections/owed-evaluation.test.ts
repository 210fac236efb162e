// A sync wakes the evaluation when it changed something. A worker killed between storing the changes and that wake-up
// leaves the next sync nothing to change: factsChangedSinceEvaluation is how that sync knows the evaluation is owed
// (found by the chaos suite's kills: reminders waited for the next day's scheduled evaluation).
import { describe, expect, it } from 'vitest';
import { factsChangedSinceEvaluation, runEvaluation } from '../../src/collections/run.js';
import { customer, invoice, seedTenant } from '../http/ui/helpers.js';
import { useDatabase } from '../support/db.js';

const sql = useDatabase();

describe('an evaluation owed after a sync', () => {
  it('is owed before the first evaluation, not after it, and again once a synced fact changes', async () => {
    const t = await seedTenant(sql, [customer('c1', 'Garage Leroy')], [invoice('1', 'c1', '2026-11-10', '900.00')]);
    const owed = () => factsChangedSinceEvaluation(sql, t.tenant.id, t.connection.id);
    expect(await owed()).toBe(true);
    await runEvaluation(sql, t.tenant.id, t.connection.id, new Date('2026-12-06T09:00:00Z'));
    expect(await owed()).toBe(false);
    // A change stored by a sync whose worker died before waking the evaluation.
    await sql`update invoices set changed_at = now() where tenant_id = ${t.tenant.id}`;
    expect(await owed()).toBe(true);
    // A second evaluation the same day settles it too (the day's row keeps the latest start).
    await runEvaluation(sql, t.tenant.id, t.connection.id, new Date('2026-12-06T10:00:00Z'));
    expect(await owed()).toBe(false);
    // Another company's change is not this one's.
    const other = await seedTenant(sql, [customer('c1', 'Autre')], [invoice('1', 'c1', '2026-11-10', '10.00')]);
    await sql`update invoices set changed_at = now() where tenant_id = ${other.tenant.id}`;
    expect(await owed()).toBe(false);
  });
});
