// A `relance work` started before its PostgreSQL (a machine booting, the database restarting) waits for it instead of
// exiting, and one whose database never comes gives up after STARTUP_WAIT_MS with the reason. (A Redis not up yet is
// waited for by the queue's own client; the chaos suite restarts both under running workers.)
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { isStartingDependency } from '../../src/cli/start.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/store/embedded.js';
import { runCli, startCli, stopChild } from '../support/cli.js';
import { freePort } from '../support/free-port.js';
import { TEST_SECRET_KEY } from '../support/quickbooks.js';

const children: ChildProcess[] = [];
const databases: { db: EmbeddedDatabase; dir: string }[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) await stopChild(c, 'SIGKILL');
  for (const d of databases) await d.db.stop(), rmSync(d.dir, { recursive: true, force: true });
});

const env = (databaseUrl: string, extra: Record<string, string> = {}) => ({
  DATABASE_URL: databaseUrl,
  REDIS_URL: inject('redisUrl'),
  RELANCE_SECRET_KEY: TEST_SECRET_KEY.toString('base64'),
  RELANCE_HOME: mkdtempSync(join(tmpdir(), 'relance-startup-')),
  LOG_LEVEL: 'warn',
  ...extra,
});

describe('starting before PostgreSQL or Redis', () => {
  it('waits for a PostgreSQL that is not up yet, says so, and runs once it is', { timeout: 120_000 }, async () => {
    const port = await freePort();
    // Ready once it has been refused and says it waits (however long loading took on a busy machine).
    // The cluster's own `postgres` database: it exists as soon as the server listens, whereas `relance` is created a
    // moment later by the embedded server's start, and a worker that connected in between met "does not exist".
    const worker = await startCli(['work'], /not reachable yet/, { env: env(`postgres://relance:relance@127.0.0.1:${port}/postgres`), timeoutMs: 90_000 });
    children.push(worker.child);
    expect(worker.output()).toMatch(/PostgreSQL or Redis is not reachable yet \(.*ECONNREFUSED.*\); trying again in 2 s/);
    const dir = mkdtempSync(join(tmpdir(), 'relance-startup-pg-'));
    chmodSync(dir, 0o755);
    const db = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port, database: 'relance' });
    databases.push({ db, dir });
    for (const end = Date.now() + 60_000; !/Workers running/.test(worker.output()); await new Promise((r) => setTimeout(r, 200))) {
      if (Date.now() > end || worker.child.exitCode !== null) throw new Error(`the worker did not start once PostgreSQL was up:\n${worker.output()}`);
    }
    expect(worker.child.exitCode).toBeNull();
  });

  it('gives up after STARTUP_WAIT_MS with the reason, exit code 1', { timeout: 60_000 }, async () => {
    const r = await runCli(['work'], { env: env(`postgres://relance:relance@127.0.0.1:${await freePort()}/relance`, { STARTUP_WAIT_MS: '3000' }), timeoutMs: 45_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/not reachable yet/);
    expect(r.stderr).toMatch(/relance work failed: .*ECONNREFUSED/);
  });

  it('tells a dependency still starting from a real failure', () => {
    expect(isStartingDependency(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isStartingDependency(new Error('the database system is not yet accepting connections'))).toBe(true);
    expect(isStartingDependency(new Error('the database system is starting up'))).toBe(true);
    expect(isStartingDependency(new Error('password authentication failed for user "relance"'))).toBe(false);
    expect(isStartingDependency(new Error('RELANCE_SECRET_KEY must be 32 bytes'))).toBe(false);
  });
});
