// Emails in doubt (#26): a worker died while handing a reminder to the mail server, and nothing says whether it left.
// With SMTP_IN_DOUBT=hold the executor does not send it again (the customer may have it) and asks the team to check.
// This is the team's answer, once they looked in the sent mail or asked the customer:
// - "it arrived": the reminder counts as sent (the ladder goes on from it) and is written back to the books;
// - "send it again": it goes back to the outbox and is sent once more, with the same Message-ID, unless the invoice
//   changed meanwhile (paid, voided…), in which case the executor cancels it as it would any stale reminder.
// Only an item that is really in doubt can be settled: failed, an email, handed over by an earlier attempt.
import { PlannedAction as PlannedActionSchema } from '../model/collections.js';
import { recordActivity } from '../store/activity.js';
import type { Sql } from '../store/db.js';
import { planActions } from '../store/outbox.js';

export type InDoubtVerdict = 'arrived' | 'resend';

export interface InDoubtEmail {
  actionKey: string;
  connectionId: string | null;
  customerExternalId: string;
  customerName: string | null;
  stepId: string;
  invoiceNumbers: string[];
  messageId: string | null;
  failedAt: Date;
}

/** The tenant's emails in doubt, oldest first. */
export async function listInDoubt(sql: Sql, tenantId: string): Promise<InDoubtEmail[]> {
  const rows = await sql<{ idempotency_key: string; connection_id: string | null; payload: unknown; result: { messageId?: string } | null; updated_at: Date; name: string | null }[]>`
    select o.idempotency_key, o.connection_id::text, o.payload, o.result, o.updated_at, c.name
    from outbox o
    left join customers c on c.tenant_id = o.tenant_id and c.connection_id = o.connection_id and c.external_id = o.payload->>'customerExternalId'
    where o.tenant_id = ${tenantId} and o.kind = 'email' and o.state = 'failed' and o.result ? 'submitting'
    order by o.updated_at, o.id`;
  return rows.flatMap((r) => {
    const a = PlannedActionSchema.safeParse(r.payload);
    if (!a.success) return [];
    return [{
      actionKey: r.idempotency_key, connectionId: r.connection_id, customerExternalId: a.data.customerExternalId, customerName: r.name, stepId: a.data.stepId,
      invoiceNumbers: a.data.invoices.map((l) => l.number ?? l.externalId), messageId: r.result?.messageId ?? null, failedAt: r.updated_at,
    }];
  });
}

/**
 * Settles one email in doubt with the team's verdict. False when the key names no email in doubt of this tenant (never
 * was, or already settled): a second click changes nothing.
 */
export async function settleInDoubt(sql: Sql, tenantId: string, actionKey: string, verdict: InDoubtVerdict, actor: string, now: Date = new Date()): Promise<boolean> {
  return sql.begin(async (tx) => {
    const s = tx as unknown as Sql;
    const [item] = await s<{ id: string; connection_id: string | null; payload: unknown; result: Record<string, unknown> }[]>`
      select id::text, connection_id::text, payload, result from outbox
      where tenant_id = ${tenantId} and idempotency_key = ${actionKey} and kind = 'email' and state = 'failed' and result ? 'submitting'
      for update`;
    if (!item) return false;
    const action = PlannedActionSchema.parse(item.payload);
    const base = { actionKey, connectionId: item.connection_id, channel: 'email', customerExternalId: action.customerExternalId, invoiceExternalIds: [...new Set(action.invoices.map((l) => l.instalmentOf ?? l.externalId))], actor };
    if (verdict === 'arrived') {
      const result = { ...item.result, submitting: undefined, settled: 'arrived', settledBy: actor };
      await s`update outbox set state = 'sent', last_error = null, result = ${JSON.stringify(result)}::text::jsonb, updated_at = now() where tenant_id = ${tenantId} and id = ${item.id}`;
      await recordActivity(s, tenantId, { ...base, kind: 'reconciled', reason: `confirmed received by ${actor} (the send was interrupted)`, proof: { messageId: item.result['messageId'] ?? null } });
      // As a send does: the books hear of it once.
      await planActions(s, tenantId, [{ idempotencyKey: `${actionKey}|writeback`, kind: 'writeback', dueAt: now.toISOString(), payload: { action, proof: { messageId: item.result['messageId'] ?? null, settledBy: actor } }, connectionId: item.connection_id }]);
    } else {
      // The marker goes: the next attempt is a plain send (same Message-ID), checked for staleness like any other.
      await s`update outbox set state = 'planned', due_at = ${now}, last_error = null, result = null, updated_at = now() where tenant_id = ${tenantId} and id = ${item.id}`;
      await recordActivity(s, tenantId, { ...base, kind: 'retry', reason: `not received: sent again at the request of ${actor}` });
    }
    return true;
  });
}
