// Starts one real embedded PostgreSQL (migrated) and one real redis-server for the whole test run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { connect } from '../../src/store/db.js';
import { startEmbeddedPostgres } from '../../src/store/embedded.js';
import { migrate } from '../../src/store/migrate.js';
import { freePort } from './free-port.js';
import { startRedisServer } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    /** The embedded server's admin URL (database "postgres"), for tests that create databases of their own. */
    adminDatabaseUrl: string;
    redisUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'relance-test-pg-'));
  const pg = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), database: 'relance_test' });
  const sql = connect(pg.url, { max: 1 });
  await migrate(sql);
  await sql.end();
  const redis = await startRedisServer();
  project.provide('databaseUrl', pg.url);
  project.provide('adminDatabaseUrl', pg.url.replace(/\/relance_test$/, '/postgres'));
  project.provide('redisUrl', redis.url);
  return async () => {
    await redis.stop();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
