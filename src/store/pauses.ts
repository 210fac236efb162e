// Pauses (disputes, promises, payment plans, holds) with their history; every query takes the tenant.
// Opening a pause cancels, in the same transaction, the actions already planned that it now covers (a dispute added
// after planning must not leave a reminder or a hand-off queued for that invoice); the next evaluation after the pause
// ends plans them again.
import { dateInZone } from '../model/index.js';
import type { CancelWhy, Pause } from '../model/collections.js';
import { pauseHolding } from '../rules/pause-cover.js';
import { cancelPlanned, plannedDunning } from './cancel.js';
import { atomically, type Sql } from './db.js';

export type PauseState = 'active' | 'resolved' | 'broken' | 'expired';

export interface StoredPause extends Pause {
  connectionId: string;
  state: PauseState;
}

export interface OpenedPause extends StoredPause {
  /** Planned actions the new pause covered, cancelled with it. */
  cancelledActions: number;
}

type Row = {
  id: string;
  connection_id: string;
  kind: Pause['kind'];
  reason: string;
  owner: string;
  starts_on: string;
  expires_on: string | null;
  customer_external_id: string;
  invoice_external_id: string | null;
  instalments: Pause['instalments'];
  amount: string | null;
  balance_at_open: string | null;
  state: PauseState;
  created_at: Date;
};

const toPause = (r: Row): StoredPause => ({
  id: r.id,
  connectionId: r.connection_id,
  kind: r.kind,
  reason: r.reason,
  owner: r.owner,
  startsOn: r.starts_on,
  expiresOn: r.expires_on,
  customerExternalId: r.customer_external_id,
  invoiceExternalId: r.invoice_external_id,
  instalments: r.instalments,
  amount: r.amount,
  balanceAtOpen: r.balance_at_open,
  state: r.state,
  createdAt: r.created_at.toISOString(),
});

const columns = 'id, connection_id, kind, reason, owner, starts_on::text, expires_on::text, customer_external_id, invoice_external_id, instalments, amount, balance_at_open, state, created_at';

/**
 * Opens a pause (validated by the caller with the Pause schema), records who opened it, and cancels the planned
 * actions it covers on their send day, all in one transaction.
 */
export async function openPause(sql: Sql, tenantId: string, connectionId: string, pause: Omit<Pause, 'id' | 'createdAt'>, actor: string): Promise<OpenedPause> {
  return atomically(sql, async (db) => {
    const [row] = await db.unsafe<Row[]>(
      `insert into pauses (tenant_id, connection_id, kind, reason, owner, starts_on, expires_on, customer_external_id, invoice_external_id, instalments, amount, balance_at_open)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::jsonb, $11, $12) returning ${columns}`,
      [tenantId, connectionId, pause.kind, pause.reason, pause.owner, pause.startsOn, pause.expiresOn ?? null, pause.customerExternalId, pause.invoiceExternalId ?? null, JSON.stringify(pause.instalments ?? []), pause.amount ?? null, pause.balanceAtOpen ?? null],
    );
    await db`insert into pause_events (tenant_id, pause_id, event, actor, detail) values (${tenantId}, ${row!.id}, 'opened', ${actor}, ${pause.reason})`;
    const opened = toPause(row!);
    const [tenant] = await db<{ time_zone: string }[]>`select time_zone from tenants where id = ${tenantId}`;
    const planned = await plannedDunning(db, tenantId, { connectionId, customerExternalId: opened.customerExternalId });
    const covered = planned.filter((r) => pauseHolding(r.action, [opened], dateInZone(r.dueAt, tenant!.time_zone)));
    const why: CancelWhy = { code: 'paused', pause: opened.kind, since: opened.startsOn, until: opened.expiresOn ?? null, by: opened.owner };
    const cancelled = await cancelPlanned(db, tenantId, covered, why, pausedReason(why), actor);
    return { ...opened, cancelledActions: cancelled.length };
  });
}

/** The English sentence for a cancellation by a pause (logs, API); pages say `why` in their own language. */
export function pausedReason(why: Extract<CancelWhy, { code: 'paused' }>): string {
  const what = { dispute: 'a dispute', promise: 'a promise to pay', payment_plan: 'a payment plan', hold: 'a hold', insolvency: 'insolvency proceedings' }[why.pause];
  return `held by ${what} followed up by ${why.by}, from ${why.since}${why.until ? ` to ${why.until}` : ''}`;
}

/** Ends a pause (resolved by a user, broken promise, expired); a pause already ended is left as it is. */
export async function closePause(sql: Sql, tenantId: string, pauseId: string, state: Exclude<PauseState, 'active'>, actor: string, detail?: string): Promise<boolean> {
  return atomically(sql, async (db) => {
    const res = await db`update pauses set state = ${state}, updated_at = now() where tenant_id = ${tenantId} and id = ${pauseId} and state = 'active'`;
    if (res.count === 0) return false;
    await db`insert into pause_events (tenant_id, pause_id, event, actor, detail) values (${tenantId}, ${pauseId}, ${state}, ${actor}, ${detail ?? null})`;
    return true;
  });
}

export async function listPauses(sql: Sql, tenantId: string, filter: { connectionId?: string; states?: PauseState[]; customerExternalId?: string } = {}): Promise<StoredPause[]> {
  const rows = await sql.unsafe<Row[]>(
    `select ${columns} from pauses
     where tenant_id = $1 and ($2::uuid is null or connection_id = $2::uuid)
       and ($3::text[] is null or state = any($3::text[]))
       and ($4::text is null or customer_external_id = $4)
     order by created_at`,
    [tenantId, filter.connectionId ?? null, filter.states ?? null, filter.customerExternalId ?? null],
  );
  return rows.map(toPause);
}

export async function pauseHistory(sql: Sql, tenantId: string, pauseId: string) {
  return sql<{ event: string; actor: string; detail: string | null; at: Date }[]>`
    select event, actor, detail, at from pause_events where tenant_id = ${tenantId} and pause_id = ${pauseId} order by at, id`;
}
