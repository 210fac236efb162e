// Dry run: the evaluator day by day over the next N days, each day's plans fed into the next day, no side effects.
import { addDays, dateInZone } from '../model/index.js';
import type { PlannedAction } from '../model/collections.js';
import { DUNNING_CHANNELS, MESSAGE_CHANNELS, baseKey, evaluateDay, indexInvoices, isPreDue, unversioned, type EvaluateInput, type Held, type StepRecord } from './evaluate.js';
import type { Policy } from './policy.js';

export interface PreviewDay {
  date: string;
  actions: PlannedAction[];
  /** Planned before today and still in the outbox (sending off, a retry, today's send window): they go out first. */
  alreadyPlanned?: PlannedAction[];
  /** What waits that day and why (an escalation waiting for its predecessor, an e-invoicing hold, a rollover), each said once. */
  held: Held[];
}

/**
 * What the outbox would know after some days of plans, assuming each action goes out on its send day: planned keys,
 * step history and per-day load, as the store reads them for a real run (src/store/outbox.ts `stepHistory`).
 */
export class Forecast {
  readonly planned: Set<string>;
  readonly history: Map<string, StepRecord>;
  readonly load: Map<string, { messages: number; customers: Set<string> }>;
  readonly revisions: Map<string, number>;
  readonly lastContact: Map<string, string>;

  /**
   * With `today`, a step the outbox still holds (planned, not failed) is taken as going out today at the latest: the
   * preview shows what follows once sending runs, not a wait that lasts as long as sending is off.
   */
  constructor(input: Pick<EvaluateInput, 'alreadyPlanned' | 'history' | 'load' | 'revisions' | 'lastContact'>, today?: string) {
    this.planned = new Set(input.alreadyPlanned ?? []);
    this.history = new Map(
      [...(input.history ?? [])].map(([k, r]) => [k, today && !r.delivered && !r.failed ? { on: r.on < today ? today : r.on, delivered: true } : r]),
    );
    this.load = new Map([...(input.load ?? [])].map(([d, l]) => [d, { messages: l.messages, customers: new Set(l.customers) }]));
    this.revisions = new Map(input.revisions ?? []);
    this.lastContact = new Map(input.lastContact ?? []);
  }

  /** The engine's view for one day. */
  state(): Pick<EvaluateInput, 'alreadyPlanned' | 'history' | 'load' | 'revisions' | 'lastContact'> {
    return { alreadyPlanned: this.planned, history: this.history, load: this.load, revisions: this.revisions, lastContact: this.lastContact };
  }

  /** With the policy, overdue messages also mark the customer's last contact (quiet days). */
  record(actions: readonly PlannedAction[], timeZone: string, policy?: Policy): void {
    for (const a of actions) {
      const sendDay = a.notBefore ? dateInZone(a.notBefore, timeZone) : a.dueOn;
      for (const k of [a.idempotencyKey, ...a.covers]) {
        this.planned.add(baseKey(k));
        this.history.set(unversioned(k), { on: sendDay, delivered: true });
        this.revisions.delete(unversioned(k));
      }
      if (!DUNNING_CHANNELS.has(a.channel)) continue;
      if (policy && !isPreDue(policy, a) && (this.lastContact.get(a.customerExternalId) ?? '') < sendDay) this.lastContact.set(a.customerExternalId, sendDay);
      let l = this.load.get(sendDay);
      if (!l) this.load.set(sendDay, (l = { messages: 0, customers: new Set() }));
      l.customers.add(a.customerExternalId);
      if (MESSAGE_CHANNELS.has(a.channel)) l.messages++;
    }
  }
}

/**
 * What would be planned on each of the next `days` days (today included) if nothing else changed:
 * no payment arrives, pauses expire on their dates, and what is planned goes out on its send day.
 * Each action carries its date and explanation.
 *
 * It must equal the daily runs (full evaluations) day by day. The first day is a full evaluation; each later one
 * looks at the invoices with a step date since the day before plus those that still had a step to decide the day
 * before: a step skipped on its date (risk segment, `daysPastDue` condition, grouped minimum, an escalation
 * waiting, a rollover) can apply later with no fact changing, and an invoice with nothing to decide stays so until
 * its next step date.
 */
export async function preview(input: EvaluateInput & { days: number }): Promise<PreviewDay[]> {
  const forecast = new Forecast(input, input.today);
  const index = 'byDueDate' in input.invoices ? input.invoices : indexInvoices(input.invoices);
  const out: PreviewDay[] = [];
  let since: string | undefined;
  let revisit = new Set<string>();
  let heldBefore = new Set<string>();
  for (let n = 0; n < input.days; n++) {
    const date = addDays(input.today, n);
    const dayInput: EvaluateInput = { ...input, today: date, invoices: index, ...forecast.state() };
    if (since) {
      dayInput.since = since;
      dayInput.changed = revisit;
    } else {
      delete dayInput.since;
      delete dayInput.changed;
    }
    const day = await evaluateDay(dayInput);
    forecast.record(day.actions, input.timeZone, input.policy);
    // A wait is said on the day it starts (or changes), not repeated every day it lasts.
    const heldNow = new Set(day.held.map((h) => `${h.invoiceExternalId}\u0000${h.reason}`));
    const held = day.held.filter((h) => !heldBefore.has(`${h.invoiceExternalId}\u0000${h.reason}`));
    heldBefore = heldNow;
    if (day.actions.length || held.length) out.push({ date, actions: day.actions, held });
    revisit = day.revisit;
    since = date;
  }
  return out;
}
