// `relance start` end to end: embedded PostgreSQL, /health, clean SIGTERM, data kept across restarts.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { connect } from '../../src/store/db.js';
import { runCli, startCli, stopChild } from '../support/cli.js';
import { freePort } from '../support/free-port.js';

const home = mkdtempSync(join(tmpdir(), 'relance-home-'));
// As root, PostgreSQL runs as its own user, which must be able to traverse RELANCE_HOME.
chmodSync(home, 0o755);
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('relance start', () => {
  it('serves /health on the embedded database, stops on SIGTERM, and keeps data across a restart', { timeout: 120_000 }, async () => {
    const env = { RELANCE_HOME: home, PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()), DATABASE_URL: '' };
    const first = await startCli(['start'], /listening on/, { env });
    const health = await fetch(`http://127.0.0.1:${env.PORT}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: { status: 'up' } });
    expect(first.output()).toContain(`embedded (${join(home, 'pgdata')})`);

    const sql = connect(`postgres://relance:relance@127.0.0.1:${env.EMBEDDED_PG_PORT}/relance`, { max: 1 });
    await sql`insert into tenants (name) values ('survives-restart')`;
    await sql.end();
    expect(await stopChild(first.child)).toBe(0);
    expect(first.output()).toContain('Stopped.');
    // The embedded server is gone with the service.
    await expect(fetch(`http://127.0.0.1:${env.PORT}/health`)).rejects.toThrow();

    const second = await startCli(['start'], /listening on/, { env });
    const sql2 = connect(`postgres://relance:relance@127.0.0.1:${env.EMBEDDED_PG_PORT}/relance`, { max: 1 });
    const rows = await sql2<{ name: string }[]>`select name from tenants where name = 'survives-restart'`;
    await sql2.end();
    expect(rows).toHaveLength(1);
    expect(second.output()).not.toContain('Applied migrations');
    expect(await stopChild(second.child, 'SIGINT')).toBe(0);
  });

  it('uses DATABASE_URL when it is set', async () => {
    const port = String(await freePort());
    const run = await startCli(['start'], /listening on/, { env: { DATABASE_URL: inject('databaseUrl'), PORT: port, RELANCE_HOME: home } });
    expect(run.output()).not.toContain('embedded');
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect(await stopChild(run.child)).toBe(0);
  });
});

describe('configuration errors', () => {
  it.each([
    [{ PORT: 'eighty' }, 'PORT="eighty"'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL="mysql://x": must be a URL starting with postgres:// or postgresql://'],
    [{ RELANCE_SECRET_KEY: 'short' }, 'RELANCE_SECRET_KEY="short": must be 32 random bytes in base64'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL="loud"'],
  ])('exits 2 naming the variable for %o', async (env, message) => {
    const res = await runCli(['migrate'], { env });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(message);
    expect(res.stderr).toContain('README.md');
  });

  it('rejects an unknown command with the usage', async () => {
    const res = await runCli(['frobnicate']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('Unknown command "frobnicate"');
    expect(res.stderr).toContain('Commands:');
  });

  it('migrates an existing database', async () => {
    const res = await runCli(['migrate'], { env: { DATABASE_URL: inject('databaseUrl'), RELANCE_HOME: home } });
    expect(res.stdout).toContain('Database is up to date.');
    expect(res.code).toBe(0);
  });
});
