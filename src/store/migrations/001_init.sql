-- Relance schema v1: tenants, connections, synced AR documents, quarantine, cursors, inbox, outbox.

create table tenants (
  id          uuid primary key default gen_random_uuid(),
  name        text not null,
  time_zone   text not null default 'Europe/Paris',
  locale      text not null default 'fr',
  created_at  timestamptz not null default now()
);

create table connections (
  id                  uuid primary key default gen_random_uuid(),
  tenant_id           uuid not null references tenants(id) on delete cascade,
  provider            text not null,
  -- The provider's own id for the company (QuickBooks realmId, Xero tenant id…).
  external_tenant_id  text,
  status              text not null default 'active',
  status_detail       text,
  -- OAuth tokens, AES-256-GCM encrypted; never stored or logged in clear.
  credentials         bytea,
  settings            jsonb not null default '{}'::jsonb,
  last_sync_at        timestamptz,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  unique (tenant_id, id)
);
create index connections_tenant on connections (tenant_id);

-- Columns every synced document carries.
create table customers (
  tenant_id           uuid not null references tenants(id) on delete cascade,
  connection_id       uuid not null,
  provider            text not null,
  external_id         text not null,
  external_version    text,
  name                text not null,
  email               text,
  currency            char(3),
  credit_limit        numeric(18,4),
  active              boolean not null default true,
  data                jsonb not null,
  raw                 jsonb not null,
  source_updated_at   timestamptz,
  synced_at           timestamptz not null default now(),
  changed_at          timestamptz not null default now(),
  primary key (tenant_id, connection_id, external_id),
  foreign key (tenant_id, connection_id) references connections (tenant_id, id) on delete cascade
);

create table invoices (
  tenant_id             uuid not null references tenants(id) on delete cascade,
  connection_id         uuid not null,
  provider              text not null,
  external_id           text not null,
  external_version      text,
  number                text,
  customer_external_id  text not null,
  issue_date            date not null,
  due_date              date not null,
  currency              char(3) not null,
  total                 numeric(18,4) not null,
  amount_due            numeric(18,4) not null,
  status                text not null check (status in ('draft','open','partially_paid','paid','void')),
  data                  jsonb not null,
  raw                   jsonb not null,
  source_updated_at     timestamptz,
  synced_at             timestamptz not null default now(),
  changed_at            timestamptz not null default now(),
  primary key (tenant_id, connection_id, external_id),
  foreign key (tenant_id, connection_id) references connections (tenant_id, id) on delete cascade
);
create index invoices_open_due on invoices (tenant_id, due_date) where status in ('open','partially_paid');
create index invoices_customer on invoices (tenant_id, connection_id, customer_external_id);

create table credit_notes (
  tenant_id             uuid not null references tenants(id) on delete cascade,
  connection_id         uuid not null,
  provider              text not null,
  external_id           text not null,
  external_version      text,
  number                text,
  customer_external_id  text not null,
  issue_date            date not null,
  currency              char(3) not null,
  total                 numeric(18,4) not null,
  remaining             numeric(18,4) not null,
  status                text not null,
  data                  jsonb not null,
  raw                   jsonb not null,
  source_updated_at     timestamptz,
  synced_at             timestamptz not null default now(),
  changed_at            timestamptz not null default now(),
  primary key (tenant_id, connection_id, external_id),
  foreign key (tenant_id, connection_id) references connections (tenant_id, id) on delete cascade
);

create table payments (
  tenant_id             uuid not null references tenants(id) on delete cascade,
  connection_id         uuid not null,
  provider              text not null,
  external_id           text not null,
  external_version      text,
  customer_external_id  text,
  date                  date not null,
  currency              char(3) not null,
  amount                numeric(18,4) not null,
  unapplied             numeric(18,4) not null,
  status                text not null,
  data                  jsonb not null,
  raw                   jsonb not null,
  source_updated_at     timestamptz,
  synced_at             timestamptz not null default now(),
  changed_at            timestamptz not null default now(),
  primary key (tenant_id, connection_id, external_id),
  foreign key (tenant_id, connection_id) references connections (tenant_id, id) on delete cascade
);
create index payments_customer on payments (tenant_id, connection_id, customer_external_id);

-- Records that failed mapping or validation: kept whole with the reason, until a later sync fixes them.
create table quarantine (
  id             bigserial primary key,
  tenant_id      uuid not null references tenants(id) on delete cascade,
  connection_id  uuid not null,
  entity         text not null,
  external_id    text not null,
  reason         text not null,
  path           text,
  raw            jsonb not null,
  first_seen_at  timestamptz not null default now(),
  last_seen_at   timestamptz not null default now(),
  occurrences    integer not null default 1,
  resolved_at    timestamptz,
  unique (tenant_id, connection_id, entity, external_id)
);

-- Where each stream of each connection has got to; saved after every page.
create table sync_cursors (
  tenant_id      uuid not null references tenants(id) on delete cascade,
  connection_id  uuid not null,
  stream         text not null,
  cursor         jsonb not null,
  updated_at     timestamptz not null default now(),
  primary key (tenant_id, connection_id, stream)
);

-- Inbound events (webhooks), written before they are acknowledged; dedupe_key makes redelivery harmless.
create table inbox (
  id             bigserial primary key,
  tenant_id      uuid not null references tenants(id) on delete cascade,
  connection_id  uuid,
  provider       text not null,
  dedupe_key     text not null,
  payload        jsonb not null,
  received_at    timestamptz not null default now(),
  processed_at   timestamptz,
  attempts       integer not null default 0,
  last_error     text,
  unique (tenant_id, provider, dedupe_key)
);
create index inbox_pending on inbox (received_at) where processed_at is null;

-- Planned actions; the idempotency key is unique per tenant so a step is never planned twice.
create table outbox (
  id               bigserial primary key,
  tenant_id        uuid not null references tenants(id) on delete cascade,
  idempotency_key  text not null,
  kind             text not null,
  state            text not null default 'planned' check (state in ('planned','sending','sent','failed','cancelled')),
  due_at           timestamptz not null default now(),
  payload          jsonb not null,
  attempts         integer not null default 0,
  last_error       text,
  result           jsonb,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  unique (tenant_id, idempotency_key)
);
create index outbox_due on outbox (due_at) where state in ('planned','sending');

-- Tenant-specific mapping overrides; at most one active per provider and entity.
create table mapping_overrides (
  id           bigserial primary key,
  tenant_id    uuid not null references tenants(id) on delete cascade,
  provider     text not null,
  entity       text not null,
  expression   text not null,
  active       boolean not null default false,
  created_at   timestamptz not null default now()
);
create unique index mapping_overrides_active on mapping_overrides (tenant_id, provider, entity) where active;
