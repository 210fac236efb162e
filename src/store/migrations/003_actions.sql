-- Action executors: the activity log (what was sent, cancelled or failed, with proof) and generated letters.

-- One row per outcome of an action; queried per customer or per invoice (an action may cover several invoices).
create table activities (
  id                    bigserial primary key,
  tenant_id             uuid not null references tenants(id) on delete cascade,
  connection_id         uuid,
  action_key            text not null,
  kind                  text not null,
  channel               text,
  customer_external_id  text,
  invoice_external_ids  text[] not null default '{}',
  reason                text,
  -- sha256 of what was sent (rendered email parts, or the PDF bytes).
  content_hash          text,
  proof                 jsonb,
  created_at            timestamptz not null default now()
);
create index activities_customer on activities (tenant_id, customer_external_id, created_at);
create index activities_invoices on activities using gin (invoice_external_ids);
create index activities_key on activities (tenant_id, action_key);
-- Final outcomes are written once per action even when a recovery path reaches them twice.
create unique index activities_outcome on activities (tenant_id, action_key, kind) where kind in ('sent', 'cancelled', 'failed', 'bounced');

-- Generated letters, kept byte for byte: the stored sha256 is the proof of what was posted.
create table letters (
  id               bigserial primary key,
  tenant_id        uuid not null references tenants(id) on delete cascade,
  action_key       text not null,
  template_id      text not null,
  language         text not null,
  formal           boolean not null,
  registered       boolean not null,
  tracking_number  text,
  sha256           text not null,
  pdf              bytea not null,
  created_at       timestamptz not null default now(),
  unique (tenant_id, action_key)
);
