-- Reference rates fetched from their official publishers (ECB, Bank of England, Bundesbank), one row per rate and
-- half-year, already put through the law's rule (see src/rates/rule.ts). Not tenant data: the same legal rate holds
-- for every tenant, so these tables carry no tenant_id.
--
-- A stored value for a period never changes silently: a publisher answering a different value for a period already
-- stored is written to reference_rate_revisions (and alerted), and the stored value stays as it was.
create table reference_rates (
  kind          text not null,             -- 'ecb_mro' | 'uk_bank_rate' | 'de_basiszinssatz'
  period        text not null,             -- half-year governed, e.g. '2026-H2'
  value         text not null,             -- percent as a decimal string, e.g. '2.15' (never a float)
  effective_on  date not null,             -- the day the law reads the rate on (1 Jan / 1 Jul, or 31 Dec / 30 Jun before)
  published_on  date not null,             -- the publisher's own date for the observation used
  source_url    text not null,
  fetched_at    timestamptz not null default now(),
  primary key (kind, period),
  check (value ~ '^-?\d{1,2}(\.\d{1,4})?$')
);

create table reference_rate_revisions (
  id            bigserial primary key,
  kind          text not null,
  period        text not null,
  stored_value  text not null,
  offered_value text not null,
  source_url    text not null,
  seen_at       timestamptz not null default now(),
  unique (kind, period, offered_value)
);
