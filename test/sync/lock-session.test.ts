// PostgreSQL restarting under a running sync: the connection lock's session dies. The driver (postgres.js, patched in
// patches/postgres+3.4.9.patch for porsager/postgres#1154 and #1208) used to end the whole process from a setImmediate
// when a query went to a connection whose socket had closed; the lock was also held on a reserved connection, which the
// pool took back dead. Found by the chaos suite (a worker dying on its own at each PostgreSQL restart).
import { delay, http } from 'msw';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connect } from '../../src/store/db.js';
import { countDocuments } from '../../src/store/index.js';
import { syncConnection } from '../../src/sync/engine.js';
import { useDatabase } from '../support/db.js';
import { connectQuickBooks, useQuickBooksSync } from '../support/quickbooks.js';

const sql = useDatabase();
const { sim, server, deps } = useQuickBooksSync(sql);

/** A second pool that can end the others' backends. */
const killer = connect(inject('databaseUrl'), { max: 1 });
afterAll(() => killer.end({ timeout: 5 }));

/** The backend running (or, idle in its transaction, last ran) a statement containing `text`. */
async function backendOf(text: string, state: string): Promise<number | null> {
  const rows = await killer<{ pid: number }[]>`select pid from pg_stat_activity where state = ${state} and query like ${`%${text}%`} and pid <> pg_backend_pid()`;
  return rows[0]?.pid ?? null;
}

describe('a connection whose PostgreSQL backend dies', () => {
  it('refuses the next query with CONNECTION_CLOSED instead of ending the process, on a reserved connection and in a transaction', async () => {
    const pool = connect(inject('databaseUrl'), { max: 2 });
    try {
      const reserved = await pool.reserve();
      const [mine] = await reserved<{ pid: number }[]>`select pg_backend_pid() as pid`;
      await killer`select pg_terminate_backend(${mine!.pid})`;
      await new Promise((r) => setTimeout(r, 200));
      await expect(reserved`select 1`).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });

      const inTransaction = pool.begin(async (tx) => {
        const [row] = await tx<{ pid: number }[]>`select pg_backend_pid() as pid`;
        await killer`select pg_terminate_backend(${row!.pid})`;
        await new Promise((r) => setTimeout(r, 200));
        await tx`select 1`;
      });
      await expect(inTransaction).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
      // Still alive: the pool answers (a new backend).
      await new Promise((r) => setTimeout(r, 200));
      expect(await pool<{ one: number }[]>`select 1 as one`).toEqual([{ one: 1 }]);
    } finally {
      await pool.end({ timeout: 5 });
    }
  });

  it('lets a sync whose lock session dies finish with its own outcome, and the next sync takes the lock again', async () => {
    const c = await connectQuickBooks(sql, sim);
    // Every provider answer takes 40 ms, so the sync is still running when its lock's backend is ended.
    server.use(http.all(/.*/, async () => void (await delay(40))));
    const running = syncConnection(deps, c.tenant.id, c.connection.id);
    let lockPid: number | null = null;
    for (let i = 0; i < 200 && lockPid === null; i++) {
      lockPid = await backendOf('pg_try_advisory_xact_lock', 'idle in transaction');
      if (lockPid === null) await new Promise((r) => setTimeout(r, 20));
    }
    expect(lockPid).not.toBeNull();
    await killer`select pg_terminate_backend(${lockPid})`;
    const report = await running;
    expect(report.status).toBe('ok');
    expect(await countDocuments(sql, c.tenant.id, 'invoice')).toBe(sim.data.count('Invoice'));
    // The lock went with its session: a sync takes it again, and while one holds it the other is refused as busy.
    const both = await Promise.all([syncConnection(deps, c.tenant.id, c.connection.id), new Promise((r) => setTimeout(r, 30)).then(() => syncConnection(deps, c.tenant.id, c.connection.id))]);
    expect(both.map((r) => r.status).sort()).toEqual(['busy', 'ok']);
  });
});
