-- Recovery cases (#25.5): a file handed to a court, a commissaire de justice, a solicitor or an agency, tracked to its
-- end. States: sent (filed or sent to an agency), order_obtained, served, paid, closed; each change is an event with
-- its date, note and who recorded it.
create table recovery_cases (
  id                    uuid primary key default gen_random_uuid(),
  tenant_id             uuid not null references tenants(id) on delete cascade,
  connection_id         uuid not null,
  customer_external_id  text not null,
  invoice_external_ids  text[] not null,
  handed_to             text not null,
  state                 text not null default 'sent' check (state in ('sent', 'order_obtained', 'served', 'paid', 'closed')),
  claimed               numeric(18, 2),
  currency              text,
  opened_on             date not null,
  opened_by             text not null,
  updated_at            timestamptz not null default now(),
  -- one case per hand-off: the same click retried opens nothing twice
  unique (tenant_id, connection_id, customer_external_id, opened_on, handed_to)
);
create index recovery_cases_open on recovery_cases (tenant_id, state);

create table recovery_case_events (
  id          bigserial primary key,
  tenant_id   uuid not null references tenants(id) on delete cascade,
  case_id     uuid not null references recovery_cases(id) on delete cascade,
  state       text not null,
  on_date     date not null,
  note        text not null default '',
  actor       text not null,
  at          timestamptz not null default now()
);
create index recovery_case_events_case on recovery_case_events (tenant_id, case_id, at);
