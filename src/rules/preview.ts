// Dry run: the evaluator day by day over the next N days, each day's planned keys fed into the next day, no side effects.
import { addDays } from '../model/index.js';
import type { PlannedAction } from '../model/collections.js';
import { evaluateDay, indexInvoices, type EvaluateInput } from './evaluate.js';

export interface PreviewDay {
  date: string;
  actions: PlannedAction[];
}

/**
 * What would be planned on each of the next `days` days (today included) if nothing else changed:
 * no payment arrives, pauses expire on their dates. Each action carries its date and explanation.
 *
 * It must equal the daily runs (full evaluations) day by day. The first day is a full evaluation; each later one
 * looks at the invoices with a step date since the day before plus those that still had a step to decide the day
 * before: a step skipped on its date (risk segment, `daysPastDue` condition, grouped minimum) can apply later
 * with no fact changing, and an invoice with nothing to decide stays so until its next step date.
 */
export async function preview(input: EvaluateInput & { days: number }): Promise<PreviewDay[]> {
  const planned = new Set(input.alreadyPlanned ?? []);
  const index = 'byDueDate' in input.invoices ? input.invoices : indexInvoices(input.invoices);
  const out: PreviewDay[] = [];
  let since: string | undefined;
  let revisit = new Set<string>();
  for (let n = 0; n < input.days; n++) {
    const date = addDays(input.today, n);
    const dayInput: EvaluateInput = { ...input, today: date, invoices: index, alreadyPlanned: planned };
    if (since) {
      dayInput.since = since;
      dayInput.changed = revisit;
    } else {
      delete dayInput.since;
      delete dayInput.changed;
    }
    const day = await evaluateDay(dayInput);
    for (const a of day.actions) {
      planned.add(a.idempotencyKey);
      for (const k of a.covers) planned.add(k);
    }
    if (day.actions.length) out.push({ date, actions: day.actions });
    revisit = day.revisit;
    since = date;
  }
  return out;
}
