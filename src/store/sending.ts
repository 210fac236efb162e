// The sending switch of each connection (off for a new company until someone turns it on), and its history in the activity log.
import { recordActivity } from './activity.js';
import type { Sql } from './db.js';

export interface SendingState {
  connectionId: string;
  enabled: boolean;
  /** When and by whom it was last turned on or off; null for a connection nobody has switched yet. */
  changedAt: Date | null;
  changedBy: string | null;
}

/** The actor of the rows migration 009 backfilled (connections that existed before the switch kept sending). */
export const MIGRATION_ACTOR = 'migration 009_sending_switch';

/** Where a change came from, kept with it in the activity log. */
export type SendingVia = 'settings' | 'api' | 'cli';

type Row = { id: string; sending_enabled: boolean; sending_changed_at: Date | null; sending_changed_by: string | null };
const toState = (r: Row): SendingState => ({ connectionId: r.id, enabled: r.sending_enabled, changedAt: r.sending_changed_at, changedBy: r.sending_changed_by });

/** The activity-log key of a connection's switch: every change of one connection shares it, so its history is one lookup. */
export const sendingActionKey = (connectionId: string) => `sending/${connectionId}`;

const isUuid = (s: string) => /^[0-9a-f-]{36}$/i.test(s);

/** The switch of one connection of this tenant, or null (another tenant's connection is simply not found). */
export async function getSending(sql: Sql, tenantId: string, connectionId: string): Promise<SendingState | null> {
  if (!isUuid(connectionId)) return null;
  const [row] = await sql<Row[]>`
    select id, sending_enabled, sending_changed_at, sending_changed_by from connections where tenant_id = ${tenantId} and id = ${connectionId}`;
  return row ? toState(row) : null;
}

/** The switch of every connection of the tenant, by connection id. */
export async function listSending(sql: Sql, tenantId: string): Promise<Map<string, SendingState>> {
  const rows = await sql<Row[]>`
    select id, sending_enabled, sending_changed_at, sending_changed_by from connections where tenant_id = ${tenantId} order by created_at`;
  return new Map(rows.map((r) => [r.id, toState(r)]));
}

export interface SendingChange {
  state: SendingState;
  /** False when the switch was already in that position: nothing changed and nothing was logged. */
  changed: boolean;
}

/**
 * Turns sending on or off for a connection, and records the change with its actor in the activity log, in one
 * transaction. Turning it off holds every action not yet in flight: the executor claims a `planned` item only while
 * its connection's switch is on (src/actions/outbox-lease.ts), so an item already `sending` finishes and no other
 * starts. Returns null when the tenant has no such connection.
 */
export async function setSending(sql: Sql, tenantId: string, connectionId: string, enabled: boolean, actor: string, via: SendingVia): Promise<SendingChange | null> {
  if (!isUuid(connectionId)) return null;
  return sql.begin(async (tx) => {
    const db = tx as unknown as Sql;
    // Locked, so two people flipping it at once are logged in the order they took effect.
    const [before] = await db<Row[]>`
      select id, sending_enabled, sending_changed_at, sending_changed_by from connections where tenant_id = ${tenantId} and id = ${connectionId} for update`;
    if (!before) return null;
    if (before.sending_enabled === enabled) return { state: toState(before), changed: false };
    const [after] = await db<Row[]>`
      update connections set sending_enabled = ${enabled}, sending_changed_at = now(), sending_changed_by = ${actor}, updated_at = now()
      where tenant_id = ${tenantId} and id = ${connectionId}
      returning id, sending_enabled, sending_changed_at, sending_changed_by`;
    await recordActivity(db, tenantId, {
      connectionId,
      actionKey: sendingActionKey(connectionId),
      kind: enabled ? 'sending_on' : 'sending_off',
      actor,
      reason: `Sending turned ${enabled ? 'on' : 'off'} by ${actor} (${via})`,
      proof: { enabled, via },
    });
    return { state: toState(after!), changed: true };
  });
}
