-- Insolvency watch (#27): when each SIREN of a connection's portfolio was last read from the publisher. The daily run
-- reads them all; the run after a sync reads only those never read, so a new customer is checked the day it arrives.
-- A SIREN the publisher could not answer for gets no row: the next run reads it again.
create table insolvency_checks (
  tenant_id      uuid not null references tenants(id) on delete cascade,
  connection_id  uuid not null,
  reg_no         text not null,
  checked_at     timestamptz not null default now(),
  primary key (tenant_id, connection_id, reg_no)
);
