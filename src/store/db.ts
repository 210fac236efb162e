// The postgres.js client: one pool per process, typed as `Sql` everywhere else.
import postgres from 'postgres';

export type Sql = postgres.Sql<Record<string, never>>;

/** A process's pool when it runs no jobs (the commands, `serve`). */
export const DEFAULT_POOL_SIZE = 10;

/**
 * The pool of a process that runs `workConcurrency` jobs at once. Each running sync holds one connection for its whole
 * run (the transaction of its advisory lock, src/sync/run.ts) and does its writes on others: with as many syncs running
 * as the pool has connections, every one would wait for a connection none of them gives back. So the pool keeps
 * connections beyond the jobs' for the syncs' page writes, evaluations, the executor's leases and, in `start`, the pages.
 */
export function poolSizeFor(workConcurrency: number): number {
  return Math.max(DEFAULT_POOL_SIZE, workConcurrency + 4);
}

/** Opens a connection pool; numeric columns come back as strings so amounts never become floats. */
export function connect(url: string, options: { max?: number; onnotice?: (n: postgres.Notice) => void } = {}): Sql {
  return postgres(url, {
    max: options.max ?? DEFAULT_POOL_SIZE,
    onnotice: options.onnotice ?? (() => {}),
    // numeric (1700) stays a string; bigint (20) too, to avoid silent precision loss.
    types: {},
    connection: { application_name: 'relance' },
  }) as unknown as Sql;
}

/** True when the database answers a trivial query within the pool's timeout. */
export async function ping(sql: Sql): Promise<boolean> {
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `fn` in a transaction: its own on a pool, or inside the caller's (a savepoint) when `sql` is already one, so
 * a store function that must be atomic composes into a larger transaction.
 */
export async function atomically<T>(sql: Sql, fn: (tx: Sql) => Promise<T>): Promise<T> {
  if ('savepoint' in sql) return (await (sql as unknown as { savepoint: (f: (tx: unknown) => Promise<T>) => Promise<T> }).savepoint((tx) => fn(tx as Sql))) as T;
  return (await sql.begin((tx) => fn(tx as unknown as Sql))) as T;
}
