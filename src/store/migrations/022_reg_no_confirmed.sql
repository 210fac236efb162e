-- Insolvency watch (#27): a registration number a person confirmed on the customer's page (picked among the public
-- company register's suggestions) when the books have none. The books' number wins when there is one; the sync never
-- overwrites the confirmed one. `watched_reg_no` is the number the watch reads.
alter table customers add column reg_no_confirmed text check (reg_no_confirmed is null or reg_no_confirmed ~ '^[0-9]{9}$');
alter table customers add column reg_no_confirmed_by text;
alter table customers add column watched_reg_no text generated always as (coalesce(reg_no, reg_no_confirmed)) stored;
drop index if exists customers_reg_no;
create index customers_watched_reg_no on customers (tenant_id, watched_reg_no) where watched_reg_no is not null;
