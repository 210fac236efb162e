-- Raw provider payloads move from one jsonb per document to one compressed page per stored batch.
--
-- Why: a synced invoice carries ~2 KB of raw JSON. Parsed into jsonb and compressed value by value (pglz),
-- storing it cost PostgreSQL ~4x the rest of the row, and made the upsert, not the provider's quota, the pace of
-- a full sync. A page of raw records compresses ~10x as one gzip blob, costs PostgreSQL one out-of-line value,
-- and keeps each payload byte for byte as received (jsonb reorders keys and drops duplicates).
--
-- A page holds the payloads of one stored batch, in order; a document points at its payload with
-- (raw_page, raw_index) and compares raw_hash (SHA-1 of the payload's JSON text) to tell a changed payload from a
-- re-delivered one. Rows left unchanged keep pointing at their older page, and a page no row ended up pointing at
-- is deleted with its batch. After each sync, pages nobody points at any more are deleted, sparse ones rewritten
-- and small ones merged. Rows written before this migration keep their jsonb `raw` until they next change.
create table raw_pages (
  id             bigserial primary key,
  -- Scoped and cascaded through its connection (whose tenant key cascades in turn).
  tenant_id      uuid not null,
  connection_id  uuid not null,
  entity         text not null,
  record_count   integer not null,
  -- gzip of a UTF-8 JSON array of the raw records, in raw_index order.
  body           bytea not null,
  created_at     timestamptz not null default now(),
  foreign key (tenant_id, connection_id) references connections (tenant_id, id) on delete cascade
);
-- Already compressed: stored out of line as is, never run through pglz again.
alter table raw_pages alter column body set storage external;
create index raw_pages_connection on raw_pages (tenant_id, connection_id, entity, id);

alter table customers alter column raw drop not null, add column raw_page bigint, add column raw_index integer, add column raw_hash bytea;
alter table invoices alter column raw drop not null, add column raw_page bigint, add column raw_index integer, add column raw_hash bytea;
alter table credit_notes alter column raw drop not null, add column raw_page bigint, add column raw_index integer, add column raw_hash bytea;
alter table payments alter column raw drop not null, add column raw_page bigint, add column raw_index integer, add column raw_hash bytea;

-- Each document row paid for two foreign-key checks; the tenant one is implied by the (tenant_id, connection_id)
-- key to connections, whose own tenant key cascades: deleting a tenant still removes its documents.
alter table customers drop constraint customers_tenant_id_fkey;
alter table invoices drop constraint invoices_tenant_id_fkey;
alter table credit_notes drop constraint credit_notes_tenant_id_fkey;
alter table payments drop constraint payments_tenant_id_fkey;
