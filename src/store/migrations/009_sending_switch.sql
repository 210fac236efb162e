-- The sending switch: a company plans and previews, but sends nothing (no email, letter, task or ERP write-back)
-- until someone turns sending on for its connection. Every change is kept in the activity log with who made it.
--
-- Existing rows are backfilled ON, new rows default OFF. Connections that exist when this migration runs belong to a
-- service that is already sending reminders: turning them off here would silently stop it. Only a connection still
-- `pending` (its OAuth consent never completed, so it never sent anything) is a new company and starts off.
-- Adding the column with default true fills every existing row; the default then changes to false for new rows.
alter table connections add column sending_enabled boolean not null default true;
alter table connections alter column sending_enabled set default false;
alter table connections add column sending_changed_at timestamptz, add column sending_changed_by text;
update connections set sending_enabled = false where status = 'pending';
update connections set sending_changed_at = now(), sending_changed_by = 'migration 009_sending_switch';

-- Who did it, for entries a person causes (turning sending on or off); null for the executor's own outcomes.
alter table activities add column actor text;

-- The backfill is a change too: recorded like the ones people make, so the log explains why a connection sends.
insert into activities (tenant_id, connection_id, action_key, kind, reason, actor, proof)
select tenant_id, id, 'sending/' || id::text, case when sending_enabled then 'sending_on' else 'sending_off' end,
  case when sending_enabled then 'Sending kept on: this connection existed before the sending switch'
       else 'Sending off until someone turns it on: this connection was still being connected' end,
  'migration 009_sending_switch', jsonb_build_object('enabled', sending_enabled, 'via', 'migration')
from connections;
