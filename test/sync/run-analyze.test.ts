// A stream's table gets fresh planner statistics once a run inserted ANALYZE_AFTER_INSERTS rows into it (a bulk load),
// not before. On a database of its own with autovacuum off for the table, so that only the run's ANALYZE can leave
// statistics behind (test/support/stub-sync.ts for the in-memory provider).
import { describe, expect, it } from 'vitest';
import { syncConnection } from '../../src/sync/engine.js';
import { ANALYZE_AFTER_INSERTS } from '../../src/sync/run.js';
import { useIsolatedDatabase } from '../support/db.js';
import { page, stubSync } from '../support/stub-sync.js';

const { sql } = useIsolatedDatabase();

describe('statistics after a bulk load', () => {
  it('analyzes a stream’s table after exactly ANALYZE_AFTER_INSERTS inserts, and not after one fewer', async () => {
    await sql`alter table invoices set (autovacuum_enabled = false)`;
    const statistics = async () => Number((await sql<{ n: string }[]>`select count(*)::text as n from pg_stats where schemaname = 'public' and tablename = 'invoices'`)[0]!.n);
    const ids = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

    const fewer = await stubSync(sql, { pages: { invoices: [page(ids(ANALYZE_AFTER_INSERTS - 1, 'a'), 1)] } });
    const first = await syncConnection(fewer.deps, fewer.tenant.id, fewer.connection.id, { streams: ['invoices'] });
    expect(first.streams[0]).toMatchObject({ inserted: ANALYZE_AFTER_INSERTS - 1 });
    expect(await statistics()).toBe(0);

    const exactly = await stubSync(sql, { pages: { invoices: [page(ids(ANALYZE_AFTER_INSERTS, 'b'), 1)] } });
    const second = await syncConnection(exactly.deps, exactly.tenant.id, exactly.connection.id, { streams: ['invoices'] });
    expect(second.streams[0]).toMatchObject({ inserted: ANALYZE_AFTER_INSERTS });
    expect(await statistics()).toBeGreaterThan(0);
  });
});
