// Per-file access to the shared test database, and a fresh tenant per test so tests never see each other.
import { randomUUID } from 'node:crypto';
import { afterAll, inject } from 'vitest';
import { connect, type Sql } from '../../src/store/db.js';
import { createConnection, createTenant } from '../../src/store/tenants.js';

/** A pool on the run's database, closed after the file. */
export function useDatabase(): Sql {
  const sql = connect(inject('databaseUrl'), { max: 4 });
  afterAll(() => sql.end({ timeout: 5 }));
  return sql;
}

/** A new tenant with one connection of `provider`: ids unique to the caller. */
export async function newTenant(sql: Sql, provider = 'test') {
  const tenant = await createTenant(sql, { name: `t-${randomUUID().slice(0, 8)}` });
  const connection = await createConnection(sql, tenant.id, { provider });
  return { tenant, connection, scope: { tenantId: tenant.id, connectionId: connection.id, provider } };
}
