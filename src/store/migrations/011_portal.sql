-- The customer portal (issue #22): a link per customer of a company, stored as the SHA-256 of its token only (the
-- token itself, 256 random bits, is printed in the reminder and never kept); the customer's answers, each accepted
-- once (its form nonce is unique); fixed-window hit counters for the portal's rate limits.
create table portal_links (
  id                   bigserial primary key,
  tenant_id            uuid not null references tenants(id) on delete cascade,
  connection_id        uuid not null,
  customer_external_id text not null,
  token_hash           bytea not null unique,
  created_at           timestamptz not null default now(),
  expires_at           timestamptz not null,
  revoked_at           timestamptz,
  revoked_by           text,
  -- The first visit since the link was last handed out (a reminder), shown as "viewed on …".
  viewed_at            timestamptz
);
create index portal_links_customer on portal_links (tenant_id, connection_id, customer_external_id);

create table portal_answers (
  id                   bigserial primary key,
  tenant_id            uuid not null references tenants(id) on delete cascade,
  connection_id        uuid not null,
  customer_external_id text not null,
  link_id              bigint references portal_links(id) on delete set null,
  kind                 text not null check (kind in ('dispute', 'promise', 'plan', 'paid')),
  invoice_external_id  text,
  detail               jsonb not null,
  attachment           bytea,
  attachment_type      text,
  attachment_name      text,
  state                text not null default 'new' check (state in ('new', 'accepted', 'refused', 'done')),
  decided_by           text,
  nonce                text not null,
  created_at           timestamptz not null default now(),
  unique (tenant_id, nonce)
);
create index portal_answers_customer on portal_answers (tenant_id, connection_id, customer_external_id, created_at);

create table portal_hits (
  bucket       text primary key,
  window_start timestamptz not null,
  hits         integer not null
);
