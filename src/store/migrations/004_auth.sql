-- Sign-in sessions, per-tenant API tokens and pending OAuth authorizations; only hashes of secrets are stored.

-- A browser session of the self-hosted admin; the cookie holds a random token whose sha256 is the id.
create table sessions (
  id            text primary key,
  email         text not null,
  -- The tenant the admin is working on; every page query is scoped to it.
  tenant_id     uuid references tenants(id) on delete set null,
  csrf_token    text not null,
  created_at    timestamptz not null default now(),
  last_seen_at  timestamptz not null default now(),
  expires_at    timestamptz not null
);
create index sessions_expiry on sessions (expires_at);

-- API tokens: shown once at creation, kept as sha256; the prefix lets a user recognise one in the list.
create table api_tokens (
  id            uuid primary key default gen_random_uuid(),
  tenant_id     uuid not null references tenants(id) on delete cascade,
  name          text not null,
  prefix        text not null,
  token_hash    text not null unique,
  created_at    timestamptz not null default now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz
);
create index api_tokens_tenant on api_tokens (tenant_id);

-- OAuth authorizations in flight: the state is single-use, bound to the session and tenant that started it.
create table oauth_states (
  state_hash     text primary key,
  tenant_id      uuid not null references tenants(id) on delete cascade,
  session_id     text references sessions(id) on delete cascade,
  provider       text not null,
  connection_id  uuid not null,
  created_at     timestamptz not null default now(),
  expires_at     timestamptz not null,
  foreign key (tenant_id, connection_id) references connections (tenant_id, id) on delete cascade
);
