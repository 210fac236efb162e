-- Invoice documents a provider gives one invoice at a time (Xero's online invoice): read when a message names the
-- invoice, kept here for the portal and the next messages. The sync never writes them; a stale one is read again.
create table document_links (
  tenant_id            uuid not null references tenants(id) on delete cascade,
  connection_id        uuid not null,
  invoice_external_id  text not null,
  url                  text not null,
  fetched_at           timestamptz not null default now(),
  primary key (tenant_id, connection_id, invoice_external_id),
  foreign key (tenant_id, connection_id) references connections (tenant_id, id) on delete cascade
);
