-- The company profile a tenant's letters and emails print (legal name, form, capital, SIREN/company number, VAT,
-- registered address, contact, bank details), validated by src/model/company-profile.ts before it is stored, and
-- its logo (PNG or JPEG, size-limited by the page) served back only to the same tenant.
create table company_profiles (
  tenant_id    uuid primary key references tenants(id) on delete cascade,
  data         jsonb not null,
  logo         bytea,
  logo_type    text check (logo_type in ('image/png', 'image/jpeg')),
  updated_by   text not null,
  updated_at   timestamptz not null default now(),
  check ((logo is null) = (logo_type is null))
);
