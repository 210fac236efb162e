-- The worklist (#23): the tasks the rules, the actions, the portal and inbound mail ask a person to do, one per
-- (tenant, kind, source key), with an owner, a state and an outcome; and their history (who did what, when).

create table tasks (
  id                    uuid primary key default gen_random_uuid(),
  tenant_id             uuid not null references tenants(id) on delete cascade,
  connection_id         uuid not null,
  kind                  text not null,
  source_key            text not null,
  customer_external_id  text not null,
  invoice_external_ids  text[] not null default '{}',
  amount                numeric(18,4),
  currency              text,
  due_on                date not null,
  -- The oldest due date of the task's invoices when it was opened: days past due are counted from it each day.
  overdue_since         date,
  -- The customer's risk segment when the task was opened, and its weight in the priority.
  segment               text not null default 'reliable',
  risk_weight           integer not null default 1,
  title                 text not null default '',
  detail                jsonb not null default '{}',
  owner_user_id         uuid references users(id) on delete set null,
  state                 text not null default 'open' check (state in ('open', 'snoozed', 'done')),
  snoozed_until         date,
  outcome               text,
  outcome_detail        jsonb,
  done_by               text,
  done_at               timestamptz,
  created_at            timestamptz not null default now(),
  updated_at            timestamptz not null default now(),
  unique (tenant_id, kind, source_key)
);
create index tasks_open on tasks (tenant_id, state, owner_user_id);
create index tasks_customer on tasks (tenant_id, connection_id, customer_external_id);
