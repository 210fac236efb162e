// openTask: the worklist's side of the TaskRequest contract (model/task.ts). Idempotent on (tenant, kind, sourceKey);
// the owner is the customer's assigned collector; the amount and days past due come from the task's invoices; the
// risk segment (rules/risk.ts) weighs the priority. An urgent task also alerts the team, once, when it is opened.
import { Dec, dateInZone, type Invoice, type Payment } from '../model/index.js';
import type { Pause } from '../model/collections.js';
import { TaskRequest, type OpenTask } from '../model/task.js';
import { segmentCustomers } from '../rules/risk.js';
import { recordActivity } from '../store/activity.js';
import type { Sql } from '../store/db.js';
import { listPauses } from '../store/pauses.js';
import { collectorOf } from '../store/team.js';
import { isUrgent, riskWeight, taskPriority } from './priority.js';

/** What the team is told about an urgent task (the executor's alert sink has this shape). */
export interface TaskAlert {
  key: string;
  tenantId: string;
  severity: 'warning' | 'critical';
  kind: 'task';
  message: string;
  actionKey: string;
  customerExternalId: string;
}

export interface OpenTaskOptions {
  now?: () => Date;
  /** Sends the alert for an urgent task; absent, urgent tasks are only in the worklist. */
  alert?: (a: TaskAlert) => Promise<void>;
}

export interface Opened {
  id: string;
  created: boolean;
  urgent: boolean;
  priority: string;
}

/** Opens the task in `db` (a pool or a transaction: the caller's transaction when it has one). */
export async function openTaskIn(db: Sql, input: TaskRequest, opts: OpenTaskOptions = {}): Promise<Opened> {
  const req = TaskRequest.parse(input);
  const [tenant] = await db<{ time_zone: string }[]>`select time_zone from tenants where id = ${req.tenantId}`;
  if (!tenant) throw new Error(`openTask: no tenant ${req.tenantId}`);
  const today = dateInZone(opts.now?.() ?? new Date(), tenant.time_zone);
  const scope = { tenantId: req.tenantId, connectionId: req.connectionId };

  const [existing] = await db<{ id: string }[]>`select id::text from tasks where tenant_id = ${req.tenantId} and kind = ${req.kind} and source_key = ${req.sourceKey}`;
  if (existing) return { id: existing.id, created: false, urgent: false, priority: '0.00' };

  const [invoiceRows, paymentRows, pauses, collector] = await Promise.all([
    db<{ data: Invoice }[]>`select data from invoices where tenant_id = ${scope.tenantId} and connection_id = ${scope.connectionId} and customer_external_id = ${req.customerExternalId}`,
    db<{ data: Payment }[]>`select data from payments where tenant_id = ${scope.tenantId} and connection_id = ${scope.connectionId} and customer_external_id = ${req.customerExternalId}`,
    listPauses(db, scope.tenantId, { connectionId: scope.connectionId, customerExternalId: req.customerExternalId }),
    collectorOf(db, scope.tenantId, { connectionId: scope.connectionId, customerExternalId: req.customerExternalId }),
  ]);
  const invoices = invoiceRows.map((r) => r.data);
  const mine = invoices.filter((i) => req.invoiceExternalIds.includes(i.externalId));
  // Not given: what the task's invoices still owe (one currency; a mix has no single amount).
  const currencies = [...new Set(mine.map((i) => i.currency))];
  const amount = req.amount ?? (mine.length && currencies.length === 1 ? mine.reduce((a, i) => a.plus(i.amountDue), new Dec(0)).toFixed(2) : null);
  const currency = req.currency ?? (currencies.length === 1 ? currencies[0]! : null);
  const overdueSince = mine.length ? mine.map((i) => i.dueDate).sort()[0]! : null;
  const segment =
    segmentCustomers({ today, invoicesByCustomer: new Map([[req.customerExternalId, invoices]]), customerIds: [req.customerExternalId], payments: paymentRows.map((r) => r.data), pauses: pauses as Pause[] }).get(req.customerExternalId)?.segment ?? 'reliable';
  const priority = taskPriority({ amount, overdueSince, segment, today });

  const [row] = await db<{ id: string }[]>`
    insert into tasks (tenant_id, connection_id, kind, source_key, customer_external_id, invoice_external_ids, amount, currency, due_on, overdue_since, segment, risk_weight, title, detail, owner_user_id)
    values (${req.tenantId}, ${req.connectionId}, ${req.kind}, ${req.sourceKey}, ${req.customerExternalId}, ${req.invoiceExternalIds}, ${amount}, ${currency}, ${req.dueOn}, ${overdueSince},
      ${segment}, ${riskWeight(segment)}, ${req.title}, ${JSON.stringify(req.detail)}::text::jsonb, ${collector?.id ?? null})
    on conflict (tenant_id, kind, source_key) do nothing returning id::text`;
  // Opened meanwhile by a concurrent producer: theirs stands.
  if (!row) {
    const [other] = await db<{ id: string }[]>`select id::text from tasks where tenant_id = ${req.tenantId} and kind = ${req.kind} and source_key = ${req.sourceKey}`;
    return { id: other!.id, created: false, urgent: false, priority };
  }
  await recordActivity(db, req.tenantId, {
    connectionId: req.connectionId,
    actionKey: `task/${row.id}/opened`,
    kind: 'task',
    channel: 'worklist',
    customerExternalId: req.customerExternalId,
    invoiceExternalIds: req.invoiceExternalIds,
    reason: `task ${req.kind}: opened${collector ? ` for ${collector.email}` : ''}`,
    actor: null,
    proof: { task: row.id, taskKind: req.kind, event: 'opened', source: req.sourceKey, priority },
  });
  const urgent = isUrgent(req.kind, priority, segment);
  if (urgent && opts.alert) {
    await opts.alert({
      key: `task|${req.tenantId}|${req.kind}|${req.sourceKey}`,
      tenantId: req.tenantId,
      severity: 'warning',
      kind: 'task',
      message: `Urgent task (${req.kind.replace(/_/g, ' ')}): ${req.title || req.customerExternalId}${amount ? ` — ${amount}${currency ? ` ${currency}` : ''}` : ''}${collector ? ` — ${collector.email}` : ''}`,
      actionKey: req.sourceKey,
      customerExternalId: req.customerExternalId,
    });
  }
  return { id: row.id, created: true, urgent, priority };
}

/** The OpenTask producers receive through their deps, bound to the pool. */
export function taskOpener(sql: Sql, opts: OpenTaskOptions = {}): OpenTask {
  return async (req) => {
    await openTaskIn(sql, req, opts);
  };
}
