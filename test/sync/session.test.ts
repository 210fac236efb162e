// A run's session hands the run's own sleep to the HTTP layer: a retried request waits on the clock the run was given
// (tests and simulators move a virtual one), never on the real one behind it.
import { describe, expect, it } from 'vitest';
import { syncConnection } from '../../src/sync/engine.js';
import { useDatabase } from '../support/db.js';
import { connectQuickBooks, useQuickBooksSync } from '../support/quickbooks.js';

const sql = useDatabase();
const { sim, deps } = useQuickBooksSync(sql);

describe('a sync session', () => {
  it('waits between retries with the sleep the run was given', async () => {
    const c = await connectQuickBooks(sql, sim);
    const slept: number[] = [];
    sim.faults.failNext(1, 503);
    const report = await syncConnection({ ...deps, sleep: async (ms) => void slept.push(ms) }, c.tenant.id, c.connection.id, { streams: ['customers'] });
    expect(report.status).toBe('ok');
    expect(slept).toHaveLength(1);
    expect(slept[0]).toBeGreaterThan(0);
  });
});
