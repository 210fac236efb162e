// Turns a connection's sending switch on for tests that are about sending: new connections send nothing until switched on.
import type { Sql } from '../../src/store/db.js';
import { setSending } from '../../src/store/sending.js';

/** Switches sending on for the connection, as a person would (recorded in the activity log); throws if it does not exist. */
export async function switchSendingOn(sql: Sql, tenantId: string, connectionId: string): Promise<void> {
  if (!(await setSending(sql, tenantId, connectionId, true, 'test setup', 'cli'))) throw new Error(`no connection ${connectionId} for tenant ${tenantId}`);
}
