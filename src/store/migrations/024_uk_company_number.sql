-- Insolvency watch, UK side (#27): a customer's registration number is a SIREN (9 digits) or a UK company number
-- normalised as src/model/company-ids.ts does (8 characters: 8 digits, 2 letters + 6 digits, or R + 7 digits). The
-- length tells the register: 9 → SIREN, 8 → UK company number (regNoKind). Relaxes the SIREN-only checks of 020 and 022.
-- Numbered 023, not 018: migrations run in name order, and on a new database an 018 would run before 020 adds the column.
alter table customers drop constraint customers_reg_no_check;
alter table customers add constraint customers_reg_no_check
  check (reg_no is null or reg_no ~ '^([0-9]{9}|[0-9]{8}|[A-Z]{2}[0-9]{6}|R[0-9]{7})$');
alter table customers drop constraint customers_reg_no_confirmed_check;
alter table customers add constraint customers_reg_no_confirmed_check
  check (reg_no_confirmed is null or reg_no_confirmed ~ '^([0-9]{9}|[0-9]{8}|[A-Z]{2}[0-9]{6}|R[0-9]{7})$');
