// Per-file access to the shared test database, and a fresh tenant per test so tests never see each other.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { connect, type Sql } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createConnection, createTenant } from '../../src/store/tenants.js';

/** A pool on the run's database, closed after the file. */
export function useDatabase(): Sql {
  const sql = connect(inject('databaseUrl'), { max: 4 });
  afterAll(() => sql.end({ timeout: 5 }));
  return sql;
}

/**
 * A migrated database of the file's own, dropped after it: for tests that change the schema (fault-injection
 * triggers), and for child processes that act on every connection they find (workers scheduling syncs). On the
 * shared database, DDL would queue other files' queries behind its lock, and workers would spend their time on other
 * files' connections.
 */
export function useIsolatedDatabase(): { sql: Sql; url: string } {
  const name = `iso_${randomUUID().replace(/-/g, '')}`;
  const admin = connect(inject('adminDatabaseUrl'), { max: 1 });
  const url = inject('adminDatabaseUrl').replace(/\/postgres$/, `/${name}`);
  // The pool connects on first use, once beforeAll has created the database.
  const sql = connect(url, { max: 6 });
  beforeAll(async () => {
    await admin.unsafe(`create database ${name}`);
    await migrate(sql);
  });
  afterAll(async () => {
    await sql.end({ timeout: 5 });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });
  return { sql, url };
}

/** A new tenant with one connection of `provider`: ids unique to the caller. */
export async function newTenant(sql: Sql, provider = 'test') {
  const tenant = await createTenant(sql, { name: `t-${randomUUID().slice(0, 8)}` });
  const connection = await createConnection(sql, tenant.id, { provider });
  return { tenant, connection, scope: { tenantId: tenant.id, connectionId: connection.id, provider } };
}
