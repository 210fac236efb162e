-- Collections state around the rules engine: policies, pauses with history, evaluation runs, grouped outbox keys.

-- A grouped action stands for per-invoice step keys; they count as planned too.
alter table outbox add column covers text[] not null default '{}';
alter table outbox add column connection_id uuid;
create index outbox_covers on outbox using gin (covers);

-- Dunning policies as data, versioned; one active per tenant.
create table policies (
  tenant_id   uuid not null references tenants(id) on delete cascade,
  policy_id   text not null,
  version     integer not null,
  document    jsonb not null,
  active      boolean not null default false,
  created_at  timestamptz not null default now(),
  primary key (tenant_id, policy_id, version)
);
create unique index policies_active on policies (tenant_id) where active;

-- Disputes, promises to pay, payment plans and holds, each with reason, owner and expiry.
create table pauses (
  id                    uuid primary key default gen_random_uuid(),
  tenant_id             uuid not null references tenants(id) on delete cascade,
  connection_id         uuid not null,
  kind                  text not null check (kind in ('dispute','promise','payment_plan','hold')),
  reason                text not null,
  owner                 text not null,
  starts_on             date not null,
  expires_on            date,
  customer_external_id  text not null,
  invoice_external_id   text,
  instalments           jsonb not null default '[]'::jsonb,
  state                 text not null default 'active' check (state in ('active','resolved','broken','expired')),
  created_at            timestamptz not null default now(),
  updated_at            timestamptz not null default now(),
  foreign key (tenant_id, connection_id) references connections (tenant_id, id) on delete cascade
);
create index pauses_active on pauses (tenant_id, customer_external_id) where state = 'active';

create table pause_events (
  id          bigserial primary key,
  tenant_id   uuid not null references tenants(id) on delete cascade,
  pause_id    uuid not null references pauses(id) on delete cascade,
  event       text not null,
  actor       text not null,
  detail      text,
  at          timestamptz not null default now()
);
create index pause_events_pause on pause_events (tenant_id, pause_id, at);

-- One row per completed evaluation day: the next run looks only at what became due since.
create table evaluation_runs (
  tenant_id     uuid not null references tenants(id) on delete cascade,
  connection_id uuid not null,
  run_on        date not null,
  started_at  timestamptz not null,
  finished_at timestamptz not null default now(),
  planned     integer not null,
  alerts      integer not null,
  primary key (tenant_id, connection_id, run_on)
);
