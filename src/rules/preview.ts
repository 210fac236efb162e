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
 *
 * Every day is a full evaluation, as the daily run is. An incremental day (only invoices with a step date since
 * the day before) misses a step skipped on its date that becomes applicable later without any fact changing:
 * a risk segment reached by ageing, a `daysPastDue` condition, a grouped total crossing its minimum.
 */
export async function preview(input: EvaluateInput & { days: number }): Promise<PreviewDay[]> {
  const planned = new Set(input.alreadyPlanned ?? []);
  const index = 'byDueDate' in input.invoices ? input.invoices : indexInvoices(input.invoices);
  const out: PreviewDay[] = [];
  for (let n = 0; n < input.days; n++) {
    const date = addDays(input.today, n);
    const dayInput: EvaluateInput = { ...input, today: date, invoices: index, alreadyPlanned: planned };
    delete dayInput.since;
    delete dayInput.changed;
    const actions = await evaluate(dayInput);
    for (const a of actions) {
      planned.add(a.idempotencyKey);
      for (const k of a.covers) planned.add(k);
    }
    if (actions.length) out.push({ date, actions });
  }
  return out;
}
