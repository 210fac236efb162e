// The penalties a reminder stated, as they stand today, for the portal's statement (#22 point 2): the latest reminder
// sent to the customer that claimed late-payment interest and the fixed compensation, computed again on today's date
// for its invoices that are still open, with the same code and rates as the executor. None claimed, none shown.
import type { Language } from '../actions/format.js';
import { familyOf } from '../actions/templates.js';
import { buildVars, penaltiesFor, type MessageVars } from '../actions/vars.js';
import { rateBookFor } from '../demo/rates.js';
import { PlannedAction } from '../model/collections.js';
import type { Customer, Invoice } from '../model/index.js';
import { NO_ADDED_RATES, type AddedRates } from '../rules/rate-tables.js';
import type { Sql } from '../store/db.js';
import { getConnection } from '../store/tenants.js';

export type StatedPenalties = NonNullable<MessageVars['penalties']>;

export async function statedPenalties(
  sql: Sql,
  scope: { tenantId: string; connectionId: string },
  customer: Customer,
  open: readonly Invoice[],
  language: Language,
  today: string,
  /** The operator's RATES_FILE (src/rules/rate-overrides.ts), parsed once at start and passed down. */
  added: AddedRates = NO_ADDED_RATES,
): Promise<StatedPenalties | null> {
  const [row] = await sql<{ payload: unknown }[]>`
    select payload from outbox
    where tenant_id = ${scope.tenantId} and state = 'sent' and kind in ('email', 'letter')
      and payload->>'customerExternalId' = ${customer.externalId}
      and jsonb_typeof(payload->'penalties') = 'array' and jsonb_array_length(payload->'penalties') > 0
    order by updated_at desc limit 1`;
  const parsed = row ? PlannedAction.safeParse(row.payload) : null;
  if (!parsed?.success) return null;
  const action = parsed.data;
  const current = new Map(open.map((i) => [i.externalId, i]));
  const family = familyOf(action.templateId);
  const rates = await rateBookFor(sql, await getConnection(sql, scope.tenantId, scope.connectionId), today, added);
  const penalties = penaltiesFor(action, current, family, today, rates);
  if (penalties.length === 0) return null;
  // Only the lines still open: a paid invoice's interest is no longer claimed here.
  const stillOpen = { ...action, invoices: action.invoices.filter((l) => current.has(l.instalmentOf ?? l.externalId)) };
  const vars = buildVars({ action: stillOpen, current, customer, company: { name: '' }, language, family, today, deadlineDays: 8, penalties });
  return vars.penalties;
}
