-- Insolvency watch (#27). A customer's company registration number (SIREN, 9 digits; or the SIRET's first 9) where the
-- books have it, and the notices of collective proceedings read from the official publisher, history kept: a
-- corrected or withdrawn notice is a new row, the latest one per customer (by publication date, then arrival) wins.
alter table customers add column reg_no text check (reg_no is null or reg_no ~ '^[0-9]{9}$');
create index customers_reg_no on customers (tenant_id, reg_no) where reg_no is not null;

create table insolvency_notices (
  id                    uuid primary key default gen_random_uuid(),
  tenant_id             uuid not null references tenants(id) on delete cascade,
  connection_id         uuid not null,
  customer_external_id  text not null,
  source                text not null,
  notice_id             text not null,
  reg_no                text not null,
  type                  text not null check (type in ('opening', 'conversion', 'plan', 'closing')),
  court                 text,
  judgment_date         date not null,
  publication_date      date not null,
  mandataire            text,
  raw                   jsonb not null,
  received_at           timestamptz not null default now(),
  unique (tenant_id, connection_id, customer_external_id, source, notice_id),
  foreign key (tenant_id, connection_id, customer_external_id) references customers (tenant_id, connection_id, external_id) on delete cascade
);
create index insolvency_notices_latest on insolvency_notices (tenant_id, connection_id, customer_external_id, publication_date desc, received_at desc);

-- A notice the publisher served that the strict parser refused, kept with its reason; nothing is dropped silently.
create table insolvency_quarantine (
  id           uuid primary key default gen_random_uuid(),
  tenant_id    uuid not null references tenants(id) on delete cascade,
  source       text not null,
  notice_id    text,
  reason       text not null,
  raw          jsonb not null,
  received_at  timestamptz not null default now()
);
