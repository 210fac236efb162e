-- Insolvency watch (#27): an opening judgment pauses the customer's pre-judgment invoices with the notice as reason.
alter table pauses drop constraint pauses_kind_check;
alter table pauses add constraint pauses_kind_check check (kind in ('dispute', 'promise', 'payment_plan', 'hold', 'insolvency'));
