-- Inbound mail (issue #23, points 3-5): the thread each reminder opened (its reply token and Message-ID), the mail
-- that came back (replies, auto-replies, bounces, unmatched), its attachments, and the addresses known to bounce.

-- One row per reminder email: the plus-address token in its Reply-To and Return-Path, and the Message-ID it went out
-- with. The token is 128 random bits; it is looked up, never derived, so knowing one thread's token says nothing of
-- another's. A retry of the same action reuses its row (unique action key).
create table mail_threads (
  id                   bigserial primary key,
  tenant_id            uuid not null references tenants(id) on delete cascade,
  connection_id        uuid,
  customer_external_id text not null,
  action_key           text not null,
  invoice_external_ids text[] not null default '{}',
  token                text not null unique,
  message_id           text,
  created_at           timestamptz not null default now(),
  unique (tenant_id, action_key)
);
create index mail_threads_message_id on mail_threads (message_id);

-- Every message received, matched or not. tenant_id is null while nobody can tell whose it is (the operator's list);
-- message_key (the Message-ID, or a hash of the bytes when there is none) makes a redelivery a no-op.
create table inbound_messages (
  id                   bigserial primary key,
  message_key          text not null unique,
  tenant_id            uuid references tenants(id) on delete cascade,
  connection_id        uuid,
  customer_external_id text,
  thread_id            bigint references mail_threads(id) on delete set null,
  kind                 text not null check (kind in ('reply', 'auto_reply', 'bounce', 'unreadable')),
  matched_by           text check (matched_by in ('token', 'references', 'sender', 'hand')),
  -- Why it is not on a customer's timeline: no_match, ambiguous_sender, conflicting_thread, too_large, unreadable.
  unmatched_reason     text,
  source               text not null check (source in ('smtp', 'imap', 'test')),
  from_address         text,
  subject              text not null default '',
  body_text            text not null default '',
  -- For bounces: the address that failed and the DSN status (5.1.1…).
  failed_address       text,
  dsn_status           text,
  size_bytes           integer not null,
  raw                  bytea,
  received_at          timestamptz not null default now(),
  assigned_by          text,
  assigned_at          timestamptz
);
create index inbound_messages_customer on inbound_messages (tenant_id, connection_id, customer_external_id, received_at);
create index inbound_messages_unmatched on inbound_messages (tenant_id, received_at) where customer_external_id is null;

create table inbound_attachments (
  id            bigserial primary key,
  message_id    bigint not null references inbound_messages(id) on delete cascade,
  filename      text not null,
  content_type  text not null,
  size_bytes    integer not null,
  -- Null when the file was over the size limit: its name and size are kept, its bytes are not.
  content       bytea
);
create index inbound_attachments_message on inbound_attachments (message_id);

-- Addresses a delivery-status notification reported as failing: no email goes to them until someone clears them
-- (or the ERP gives the customer another address).
create table failing_addresses (
  tenant_id     uuid not null references tenants(id) on delete cascade,
  address       text not null,
  status        text,
  reason        text not null,
  since         timestamptz not null default now(),
  inbound_id    bigint references inbound_messages(id) on delete set null,
  cleared_at    timestamptz,
  cleared_by    text,
  primary key (tenant_id, address)
);
