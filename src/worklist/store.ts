// The tasks table: list (filtered, sorted by priority computed for today), read, snooze, close; every change is
// written to the activity log with who made it, in the same transaction. Every query takes the tenant.
import { Dec } from '../model/index.js';
import type { TaskKind } from '../model/task.js';
import { recordActivity } from '../store/activity.js';
import type { Sql } from '../store/db.js';
import { isUrgent } from './priority.js';

export const TASK_STATES = ['open', 'snoozed', 'done'] as const;
export type TaskState = (typeof TASK_STATES)[number];
export const TASK_SORTS = ['priority', 'due', 'amount', 'customer'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];

export interface Task {
  id: string;
  connectionId: string;
  kind: TaskKind;
  sourceKey: string;
  customerExternalId: string;
  customerName: string;
  invoiceExternalIds: string[];
  invoiceNumbers: string[];
  amount: string | null;
  currency: string | null;
  dueOn: string;
  overdueSince: string | null;
  daysLate: number;
  segment: string;
  /** amount × days past due (today) × risk weight, as a decimal string. */
  priority: string;
  urgent: boolean;
  title: string;
  detail: Record<string, unknown>;
  owner: { id: string; email: string } | null;
  /** As of today: a task snoozed until today or earlier is open again. */
  state: TaskState;
  snoozedUntil: string | null;
  outcome: string | null;
  outcomeDetail: Record<string, unknown> | null;
  doneBy: string | null;
  doneAt: Date | null;
  createdAt: Date;
}

export interface TaskFilter {
  /** One task by id. */
  id?: string;
  /** Only this owner's tasks ("My tasks"). */
  ownerUserId?: string;
  /** Only the tasks nobody owns (the self-hosted admin's "My tasks": nobody is its collector). */
  unowned?: boolean;
  /** 'todo' = open now (including snoozes that ended); default 'todo'. */
  state?: 'todo' | 'snoozed' | 'done' | 'all';
  kind?: TaskKind;
  customerExternalId?: string;
  sort?: TaskSort;
  limit?: number;
}

type Row = {
  id: string;
  connection_id: string;
  kind: TaskKind;
  source_key: string;
  customer_external_id: string;
  customer_name: string | null;
  invoice_external_ids: string[];
  invoice_numbers: string[] | null;
  amount: string | null;
  currency: string | null;
  due_on: string;
  overdue_since: string | null;
  days_late: number;
  segment: string;
  priority: string;
  title: string;
  detail: Record<string, unknown>;
  owner_user_id: string | null;
  owner_email: string | null;
  state: TaskState;
  snoozed_until: string | null;
  outcome: string | null;
  outcome_detail: Record<string, unknown> | null;
  done_by: string | null;
  done_at: Date | null;
  created_at: Date;
};

/** numeric(18,4) as the model writes amounts: at least two decimals, no padding beyond the value's own. */
const money = (v: string) => {
  const d = new Dec(v);
  return d.toFixed(Math.max(2, d.decimalPlaces()));
};

const toTask = (r: Row): Task => ({
  id: r.id,
  connectionId: r.connection_id,
  kind: r.kind,
  sourceKey: r.source_key,
  customerExternalId: r.customer_external_id,
  customerName: r.customer_name ?? r.customer_external_id,
  invoiceExternalIds: r.invoice_external_ids,
  invoiceNumbers: r.invoice_numbers ?? [],
  amount: r.amount === null ? null : money(r.amount),
  currency: r.currency,
  dueOn: r.due_on,
  overdueSince: r.overdue_since,
  daysLate: r.days_late,
  segment: r.segment,
  priority: r.priority,
  urgent: isUrgent(r.kind, r.priority, r.segment),
  title: r.title,
  detail: r.detail,
  owner: r.owner_user_id && r.owner_email ? { id: r.owner_user_id, email: r.owner_email } : null,
  state: r.state,
  snoozedUntil: r.snoozed_until,
  outcome: r.outcome,
  outcomeDetail: r.outcome_detail,
  doneBy: r.done_by,
  doneAt: r.done_at,
  createdAt: r.created_at,
});

/** Tasks of a tenant as of `today` (a business date in the tenant's zone): priority and snoozes are computed for that day. */
export async function listTasks(sql: Sql, tenantId: string, today: string, f: TaskFilter = {}): Promise<Task[]> {
  const state = f.state ?? 'todo';
  const order = {
    priority: sql`priority_n desc, due_on, created_at`,
    due: sql`due_on, priority_n desc, created_at`,
    amount: sql`coalesce(abs(amount_n), 0) desc, priority_n desc, created_at`,
    customer: sql`lower(coalesce(customer_name, customer_external_id)), priority_n desc, created_at`,
  }[f.sort ?? 'priority'];
  const rows = await sql<Row[]>`
    select * from (
      select t.id::text, t.connection_id, t.kind, t.source_key, t.customer_external_id, c.name as customer_name,
        t.invoice_external_ids,
        (select array_agg(coalesce(i.number, i.external_id) order by i.due_date) from invoices i
          where i.tenant_id = t.tenant_id and i.connection_id = t.connection_id and i.external_id = any(t.invoice_external_ids)) as invoice_numbers,
        t.amount::text, t.currency, t.due_on::text, t.overdue_since::text,
        greatest(0, coalesce(${today}::date - t.overdue_since, 0)) as days_late,
        t.segment,
        round(coalesce(abs(t.amount), 0) * greatest(1, coalesce(${today}::date - t.overdue_since, 1)) * t.risk_weight, 2)::text as priority,
        -- The same, as numbers, for sorting (the text columns above would sort as text).
        t.amount as amount_n, round(coalesce(abs(t.amount), 0) * greatest(1, coalesce(${today}::date - t.overdue_since, 1)) * t.risk_weight, 2) as priority_n,
        t.title, t.detail, t.owner_user_id::text, u.email as owner_email,
        case when t.state = 'snoozed' and t.snoozed_until <= ${today}::date then 'open' else t.state end as state,
        t.snoozed_until::text, t.outcome, t.outcome_detail, t.done_by, t.done_at, t.created_at
      from tasks t
      left join customers c on c.tenant_id = t.tenant_id and c.connection_id = t.connection_id and c.external_id = t.customer_external_id
      left join users u on u.id = t.owner_user_id
      where t.tenant_id = ${tenantId}
        and (${f.id ?? null}::uuid is null or t.id = ${f.id ?? null}::uuid)
        and (${f.ownerUserId ?? null}::uuid is null or t.owner_user_id = ${f.ownerUserId ?? null}::uuid)
        and (not ${f.unowned ?? false}::boolean or t.owner_user_id is null)
        and (${f.kind ?? null}::text is null or t.kind = ${f.kind ?? null}::text)
        and (${f.customerExternalId ?? null}::text is null or t.customer_external_id = ${f.customerExternalId ?? null}::text)
    ) x
    where ${state === 'all' ? sql`true` : state === 'todo' ? sql`x.state = 'open'` : sql`x.state = ${state}`}
    order by ${order}
    limit ${f.limit ?? 500}`;
  return rows.map(toTask);
}

export async function getTask(sql: Sql, tenantId: string, today: string, taskId: string): Promise<Task | null> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(taskId)) return null;
  const [task] = await listTasks(sql, tenantId, today, { id: taskId, state: 'all', limit: 1 });
  return task ?? null;
}

/** Writes a worklist change to the activity log, with who made it. */
export async function recordTaskEvent(sql: Sql, tenantId: string, t: { id: string; connectionId: string; customerExternalId: string; invoiceExternalIds: readonly string[]; kind: string }, event: string, actor: string, detail: Record<string, unknown> = {}): Promise<void> {
  await recordActivity(sql, tenantId, {
    connectionId: t.connectionId,
    actionKey: `task/${t.id}/${event}/${Date.now()}`,
    kind: 'task',
    channel: 'worklist',
    customerExternalId: t.customerExternalId,
    invoiceExternalIds: t.invoiceExternalIds,
    reason: `task ${t.kind}: ${event}`,
    actor,
    proof: { task: t.id, taskKind: t.kind, event, ...detail },
  });
}

/** Snoozes an open task until `until` (a business date); false when it is done or not this tenant's. */
export async function snoozeTask(sql: Sql, tenantId: string, taskId: string, until: string, actor: string): Promise<boolean> {
  return sql.begin(async (tx) => {
    const db = tx as unknown as Sql;
    const [t] = await db<{ id: string; connection_id: string; customer_external_id: string; invoice_external_ids: string[]; kind: string }[]>`
      update tasks set state = 'snoozed', snoozed_until = ${until}, updated_at = now()
      where tenant_id = ${tenantId} and id = ${taskId} and state <> 'done'
      returning id::text, connection_id, customer_external_id, invoice_external_ids, kind`;
    if (!t) return false;
    await recordTaskEvent(db, tenantId, { id: t.id, connectionId: t.connection_id, customerExternalId: t.customer_external_id, invoiceExternalIds: t.invoice_external_ids, kind: t.kind }, 'snoozed', actor, { until });
    return true;
  }) as Promise<boolean>;
}

/**
 * Closes a task with its outcome (compare-and-set: closed once). `then` runs in the same transaction, after the
 * close and before the commit: the pause an outcome opens commits with it, or neither does.
 */
export async function closeTask(sql: Sql, tenantId: string, taskId: string, outcome: string, detail: Record<string, unknown>, actor: string, then?: (db: Sql) => Promise<void>): Promise<boolean> {
  return sql.begin(async (tx) => {
    const db = tx as unknown as Sql;
    const [t] = await db<{ id: string; connection_id: string; customer_external_id: string; invoice_external_ids: string[]; kind: string }[]>`
      update tasks set state = 'done', outcome = ${outcome}, outcome_detail = ${JSON.stringify(detail)}::text::jsonb, done_by = ${actor}, done_at = now(), snoozed_until = null, updated_at = now()
      where tenant_id = ${tenantId} and id = ${taskId} and state <> 'done'
      returning id::text, connection_id, customer_external_id, invoice_external_ids, kind`;
    if (!t) return false;
    if (then) await then(db);
    await recordTaskEvent(db, tenantId, { id: t.id, connectionId: t.connection_id, customerExternalId: t.customer_external_id, invoiceExternalIds: t.invoice_external_ids, kind: t.kind }, 'done', actor, { outcome, ...detail });
    return true;
  }) as Promise<boolean>;
}
