-- The company's team (#23): users with a role, single-use invitation links, the user behind a session, the role of
-- an API token, and the collector each customer is assigned to (its tasks follow). The self-hosted admin keeps its
-- password sign-in and no user row: a session without a user is that operator, with every right.

create table users (
  id          uuid primary key default gen_random_uuid(),
  tenant_id   uuid not null references tenants(id) on delete cascade,
  email       text not null,
  role        text not null check (role in ('admin', 'collector', 'viewer')),
  created_by  text not null,
  created_at  timestamptz not null default now(),
  -- Removed from the team: their sessions stop working at the next request, their history stays.
  removed_at  timestamptz
);
create unique index users_email on users (tenant_id, lower(email));

-- An invitation is a random token sent by email; only its sha256 is kept. Used once, then `used_at` is set.
create table invitations (
  token_hash  text primary key,
  tenant_id   uuid not null references tenants(id) on delete cascade,
  user_id     uuid not null references users(id) on delete cascade,
  created_by  text not null,
  created_at  timestamptz not null default now(),
  expires_at  timestamptz not null,
  used_at     timestamptz
);
create index invitations_user on invitations (tenant_id, user_id);

alter table sessions add column user_id uuid references users(id) on delete cascade;
-- Tokens made before roles existed were made by an admin.
alter table api_tokens add column role text not null default 'admin' check (role in ('admin', 'collector', 'viewer'));

create table customer_collectors (
  tenant_id             uuid not null references tenants(id) on delete cascade,
  connection_id         uuid not null,
  customer_external_id  text not null,
  user_id               uuid not null references users(id) on delete cascade,
  assigned_by           text not null,
  assigned_at           timestamptz not null default now(),
  primary key (tenant_id, connection_id, customer_external_id)
);
