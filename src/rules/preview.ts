// Dry run: the evaluator day by day over the next N days, each day's planned keys fed into the next day, no side effects.
import { addDays } from '../model/index.js';
import type { PlannedAction } from '../model/collections.js';
import { evaluate, indexInvoices, type EvaluateInput } from './evaluate.js';

export interface PreviewDay {
  date: string;
  actions: PlannedAction[];
}

/**
 * What would be planned on each of the next `days` days (today included) if nothing else changed:
 * no payment arrives, pauses expire on their dates. Each action carries its date and explanation.
 */
export async function preview(input: EvaluateInput & { days: number }): Promise<PreviewDay[]> {
  const planned = new Set(input.alreadyPlanned ?? []);
  const index = 'byDueDate' in input.invoices ? input.invoices : indexInvoices(input.invoices);
  const out: PreviewDay[] = [];
  let since: string | undefined;
  for (let n = 0; n < input.days; n++) {
    const date = addDays(input.today, n);
    const dayInput: EvaluateInput = { ...input, today: date, invoices: index, alreadyPlanned: planned };
    // The first day is a full evaluation; later ones only look at what can become due since the day before.
    if (since) dayInput.since = since;
    else delete dayInput.since;
    delete dayInput.changed;
    const actions = await evaluate(dayInput);
    for (const a of actions) {
      planned.add(a.idempotencyKey);
      for (const k of a.covers) planned.add(k);
    }
    if (actions.length) out.push({ date, actions });
    since = date;
  }
  return out;
}
