-- Insolvency watch (#27): whether a notice is a first publication, a correction of an earlier one, or its withdrawal.
alter table insolvency_notices add column kind text not null default 'initial' check (kind in ('initial', 'correction', 'withdrawal'));
