-- Invoice PDFs read from the books for recovery files (#25): the provider's own rendering of each invoice, kept with
-- the invoice version it was read at, so the same file does not read it again, and an edited invoice is read afresh.
create table invoice_documents (
  tenant_id            uuid not null references tenants(id) on delete cascade,
  connection_id        uuid not null references connections(id) on delete cascade,
  invoice_external_id  text not null,
  -- the invoice's version in the books when read (null when the provider gives none: read again after a day)
  external_version     text,
  pdf                  bytea not null,
  sha256               text not null,
  fetched_at           timestamptz not null default now(),
  primary key (tenant_id, connection_id, invoice_external_id)
);
