-- What the user sees matches what will happen (issue #28 point 5).
-- Why an action was cancelled by something other than its invoice changing (a pause opened after planning, a person,
-- a policy change), as data the pages say in the reader's language; `reason` stays the plain-English sentence.
alter table activities add column why jsonb;

-- A promise to pay names an amount as well as a date (decimal strings in the invoice's currency; null: the whole balance),
-- with the balance it covered when made, so a partial promise can be told kept from broken.
alter table pauses add column amount text, add column balance_at_open text;
