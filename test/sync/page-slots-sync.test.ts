// A sync's page slots in the engine: every slot a stream took is given back, whether its pages committed or it failed
// mid-way (a slot kept would starve the run's other streams). Triggers inject the failure: a database of its own.
import { describe, expect, it } from 'vitest';
import { PAGES_HELD, openSession } from '../../src/sync/session.js';
import { syncStream } from '../../src/sync/stream.js';
import { useIsolatedDatabase } from '../support/db.js';
import { connectQuickBooks, useQuickBooksSync } from '../support/quickbooks.js';

const { sql } = useIsolatedDatabase();
const { sim, deps } = useQuickBooksSync(sql);

describe('page slots of a sync run', () => {
  it('are all given back after a stream that committed every page, and never more than PAGES_HELD were taken', async () => {
    const c = await connectQuickBooks(sql, sim);
    const session = await openSession(deps, c.tenant.id, c.connection.id);
    const taken: number[] = [];
    const report = await syncStream(deps, session, 'invoices', { onProgress: () => taken.push(session.pages.taken) });
    expect(report.pages).toBe(3);
    expect(Math.max(...taken)).toBeLessThanOrEqual(PAGES_HELD);
    expect(session.pages.taken).toBe(0);
  });

  it('are all given back by a stream whose page failed to store while the next one was ready', async () => {
    const c = await connectQuickBooks(sql, sim);
    const byId = sim.data.list('Invoice').sort((a, b) => Number(a['Id']) - Number(b['Id']));
    // Positions 981-1960 are the second page only; its refused row is slow, so the third page is read, mapped and
    // encoded (a slot taken) before the second page's transaction fails.
    const refused = String(byId[1500]!['Id']);
    const trigger = `fail_${c.tenant.id.replace(/-/g, '')}`;
    await sql.unsafe(`create function ${trigger}() returns trigger language plpgsql as $$ begin perform pg_sleep(1); raise exception 'simulated storage failure for %', new.external_id; end $$`);
    await sql.unsafe(`create trigger ${trigger} before insert on invoices for each row when (new.tenant_id = '${c.tenant.id}' and new.external_id = '${refused}') execute function ${trigger}()`);
    try {
      const session = await openSession(deps, c.tenant.id, c.connection.id);
      await expect(syncStream(deps, session, 'invoices', {})).rejects.toThrow(/simulated storage failure/);
      expect(session.pages.taken).toBe(0);
    } finally {
      await sql.unsafe(`drop trigger ${trigger} on invoices`);
      await sql.unsafe(`drop function ${trigger}()`);
    }
  });
});
