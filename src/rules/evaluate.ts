// The dunning evaluator: (facts, policy, clock, already-planned keys) → planned actions with idempotency keys and explanations.
// Pure apart from JSONata's async evaluation. Escalation is gradual: an invoice already overdue when first met starts at
// the policy's catch-up step, later steps keep their gaps from the step actually taken, an escalation step waits for
// its predecessor's delivery (and deadline), and a customer hears one voice a day, within the company's daily cap.
import jsonata from 'jsonata';
import { Dec, addDays, dateInZone, daysBetween, formatAmount, type CreditNote, type Customer, type Invoice, type Payment } from '../model/index.js';
import type { Pause, PenaltyBasis, PlannedAction } from '../model/collections.js';
import { brokenPromiseAlert } from './alerts.js';
import { calendarFor, windowOpensOn, type BusinessCalendar } from './business-calendar.js';
import { indexReductions, reductionsFor, type ReductionIndex } from './dated-reductions.js';
import { penaltyFromBasis } from './late-payment-interest.js';
import { requiresPrevious, type Policy, type PolicyStep, type Segment } from './policy.js';
import type { RateBook } from './rate-tables.js';
import { isBrokenPromise, segmentCustomers, type RiskThresholds } from './risk.js';
import { activeOn } from './pause-cover.js';

/** Invoices bucketed once by due date and customer, so a daily run can look only at the due dates that matter. */
export interface InvoiceIndex {
  readonly all: readonly Invoice[];
  readonly byId: ReadonlyMap<string, Invoice>;
  readonly byDueDate: ReadonlyMap<string, readonly Invoice[]>;
  readonly byCustomer: ReadonlyMap<string, readonly Invoice[]>;
  /** Invoices carrying an e-invoicing status (few): holds that end with time are re-examined every day. */
  readonly eInvoiced: readonly Invoice[];
}

export function indexInvoices(invoices: readonly Invoice[]): InvoiceIndex {
  const byId = new Map<string, Invoice>();
  const byDueDate = new Map<string, Invoice[]>();
  const byCustomer = new Map<string, Invoice[]>();
  const eInvoiced: Invoice[] = [];
  for (const i of invoices) {
    if (i.eInvoicing) eInvoiced.push(i);
    byId.set(i.externalId, i);
    let d = byDueDate.get(i.dueDate);
    if (!d) byDueDate.set(i.dueDate, (d = []));
    d.push(i);
    let c = byCustomer.get(i.customerExternalId);
    if (!c) byCustomer.set(i.customerExternalId, (c = []));
    c.push(i);
  }
  return { all: invoices, byId, byDueDate, byCustomer, eInvoiced };
}

export interface EvaluateInput {
  tenantId: string;
  /** The tenant's business date today (YYYY-MM-DD in timeZone). */
  today: string;
  timeZone: string;
  policy: Policy;
  customers: readonly Customer[] | ReadonlyMap<string, Customer>;
  invoices: readonly Invoice[] | InvoiceIndex;
  creditNotes?: readonly CreditNote[];
  /** Used for penalty segments (payment dates) and risk segments (late history). */
  payments?: readonly Payment[];
  pauses?: readonly Pause[];
  /** Idempotency keys already planned (any state), including the `covers` of grouped actions. */
  alreadyPlanned?: ReadonlySet<string>;
  /** Risk segment per customer; computed from invoices and payments when absent. */
  segments?: ReadonlyMap<string, Segment>;
  riskThresholds?: RiskThresholds;
  /**
   * Date of the last completed run. With it, only invoices having a step date in (since, today], plus
   * `changed` ones and those touched by pauses, are examined: the daily cost follows what is due.
   */
  since?: string;
  /** Invoices whose facts changed since `since` (invoice, its customer, its pauses or segment). */
  changed?: ReadonlySet<string>;
  /** Reference rates fetched from their publishers (src/rates), for penalty figures. */
  rates?: RateBook;
  /**
   * What became of the steps already planned, by key without its policy version (covers included): when each went
   * out or is due to, and whether it was delivered. Escalation steps wait for their predecessor's delivery; later
   * steps keep their gaps from the day a step actually went out. Absent: every planned step counts as planned on
   * its own date and none as delivered.
   */
  history?: ReadonlyMap<string, StepRecord>;
  /** Keys (without version) whose actions were all cancelled (the invoice changed): the next revision to plan. */
  revisions?: ReadonlyMap<string, number>;
  /** Customer messages already planned or sent per send day, for the daily cap and one voice per customer. */
  load?: ReadonlyMap<string, DayLoad>;
  /** Per customer, the last day an overdue message went out or is planned to (for the policy's quiet days). */
  lastContact?: ReadonlyMap<string, string>;
}

/** One planned step's fate. */
export interface StepRecord {
  /** The business date it was delivered, or the one it is planned to go out on. */
  on: string;
  delivered: boolean;
  /** Set when it failed for good (no address, refused): escalation after it waits for a person. */
  failed?: string | null;
  /** Set when a person cancelled it (activity page): taken, never planned again; escalation after it waits too. */
  cancelledBy?: { by: string; note: string } | null;
}

/** What one send day already carries. */
export interface DayLoad {
  /** Emails and letters, counted against the daily cap. */
  messages: number;
  /** Customers with any dunning action (message, call or hand-off) that day. */
  customers: ReadonlySet<string>;
}

/** Something that could have been planned today and was not, with the reason (preview and worklist). */
export interface Held {
  invoiceExternalId: string;
  customerExternalId: string;
  stepId: string | null;
  /** The reason in plain English (logs, CLI). */
  reason: string;
  /** The same reason as data, for pages to say in their own language. */
  why: HeldWhy;
}

/** Why a step waits: `step` is the step waited for (or the one deferred), by id. */
export type HeldWhy =
  | { code: 'planned'; step: string; on: string }
  | { code: 'failed'; step: string; error: string }
  | { code: 'cancelled'; step: string; by: string; note: string }
  | { code: 'not_sent'; step: string }
  | { code: 'deadline'; step: string; sentOn: string; until: string }
  | { code: 'gap'; step: string; sentOn: string; notBefore: string }
  | { code: 'one_voice'; step: string; day: string }
  | { code: 'one_voice_taken'; day: string }
  | { code: 'daily_cap'; cap: number; day: string }
  | { code: 'quiet'; last: string; until: string }
  | { code: 'e_invoicing'; status: number; hold: 'refused' | 'paused' | 'paused_until' | 'no_approved_amount' | 'approved_paid'; platformReason: string | null; since: string | null; until: string | null }
  | { code: 'paused'; pause: Pause['kind']; since: string; until: string | null; by: string };

/** Channels that reach the customer (and count against one voice per customer); alerts and write-backs do not. */
export const DUNNING_CHANNELS: ReadonlySet<string> = new Set(['email', 'letter', 'handoff', 'call']);
/** Channels counted against the daily cap. */
export const MESSAGE_CHANNELS: ReadonlySet<string> = new Set(['email', 'letter']);

/** Deterministic key: tenant, scope (invoice, instalment or customer+currency group), step and policy version. */
export function actionKey(tenantId: string, scope: string, stepId: string, version: number): string {
  return `${tenantId}|${scope}|${stepId}|v${version}`;
}

/** The same key without its version: a policy edit that keeps a step id does not make it fire again. */
export function unversioned(key: string): string {
  return baseKey(key).replace(/\|v\d+$/, '');
}

/** A key without its revision suffix: a step re-planned after its action was cancelled is still that step. */
export function baseKey(key: string): string {
  return key.replace(/\|r\d+$/, '');
}

/** The key to plan: the base key, or its next revision when earlier actions for it were cancelled. */
function revised(key: string, revisions: ReadonlyMap<string, number> | undefined): string {
  const n = revisions?.get(unversioned(key));
  return n ? `${key}|r${n}` : key;
}

const compiled = new Map<string, ReturnType<typeof jsonata>>();
/** Compiles a JSONata condition once per process; the expression text is the cache key. */
export function compileCondition(expr: string): ReturnType<typeof jsonata> {
  let c = compiled.get(expr);
  if (!c) {
    try {
      c = jsonata(expr);
    } catch (e) {
      throw new Error(`invalid step condition "${expr}": ${(e as Error).message}`);
    }
    compiled.set(expr, c);
  }
  return c;
}

/** FNV-1a of a string, hex: a short, stable name for the set of invoices a grouped action covers. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

const fmtGrouped = (amount: string): string => {
  const [int, frac] = amount.split('.');
  const neg = int?.startsWith('-') ? '-' : '';
  const digits = (int ?? '0').replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg}${digits}${frac !== undefined ? `.${frac}` : ''}`;
};

/** amountDue > 0 without building a Decimal: this runs once per invoice on a full scan. */
const positive = (amount: string) => !amount.startsWith('-') && /[1-9]/.test(amount);
const isOpen = (i: Invoice) => i.status !== 'paid' && i.status !== 'void' && i.status !== 'draft' && positive(i.amountDue);

type EInvoicingRule = { hold: string; why: HeldWhy; alert?: string } | { amountDue: string; note: string };

/**
 * What the e-invoicing lifecycle says about dunning an invoice today, or null when it changes nothing. Refused or
 * rejected: never dunned, and the team is told. Disputed or suspended: paused until the status moves on. Payment
 * transmitted: paused for the policy's days. Partially approved: only the approved amount is dunned.
 */
export function eInvoicingRule(inv: Invoice, today: string, timeZone: string, policy: Policy): EInvoicingRule | null {
  const e = inv.eInvoicing;
  if (!e) return null;
  const name = inv.number ?? inv.externalId;
  const why = e.reason ? `: ${e.reason}` : '';
  const label = `e-invoice ${e.status.replace(/_/g, ' ')} (${e.code})`;
  const data = (hold: Extract<HeldWhy, { code: 'e_invoicing' }>['hold'], since: string | null = null, until: string | null = null): HeldWhy => ({ code: 'e_invoicing', status: e.code, hold, platformReason: e.reason ?? null, since, until });
  switch (e.code) {
    case 210:
    case 213:
      return {
        hold: `${label}${why}: not dunned`,
        why: data('refused'),
        alert: `Invoice ${name} was ${e.code === 210 ? 'refused by the buyer' : 'rejected by the platform'} on the e-invoicing platform (${e.code})${why}. It is not dunned: correct it or credit it in the ERP.`,
      };
    case 207:
    case 208:
      return { hold: `${label}${why}: paused until the status moves on`, why: data('paused') };
    case 211: {
      if (!e.updatedAt) return { hold: `${label} on an unknown date: paused until the status moves on`, why: data('paused') };
      const since = dateInZone(e.updatedAt, timeZone);
      const until = addDays(since, policy.paymentTransmittedPauseDays);
      return today <= until ? { hold: `${label} on ${since}: paused until ${until}`, why: data('paused_until', since, until) } : null;
    }
    case 206: {
      if (!e.approvedAmount) return { hold: `${label} without the approved amount: not dunned until the platform gives it`, why: data('no_approved_amount') };
      const paid = new Dec(inv.total).minus(inv.amountDue);
      const owed = Dec.min(new Dec(e.approvedAmount).minus(paid), inv.amountDue);
      if (owed.lte(0)) return { hold: `${label}: the approved ${e.approvedAmount} is paid`, why: data('approved_paid') };
      return { amountDue: formatAmount(owed, inv.currency), note: `${label}: dunning ${formatAmount(owed, inv.currency)} of the ${e.approvedAmount} approved` };
    }
    default:
      return null;
  }
}


/** A thing being dunned: an invoice, or one instalment of a payment plan standing in for its invoice. */
interface Dunnable {
  scope: string;
  kind: 'invoice' | 'instalment';
  invoice: Invoice;
  dueDate: string;
  amountDue: string;
  pause?: Pause;
  resumedFrom?: Pause;
  /** Why the amount dunned is not the invoice's amount due (an e-invoice partially approved). */
  note?: string;
}

interface Decision {
  item: Dunnable;
  stepIndex: number;
  scheduledOn: string;
  key: string;
  skipped: string[];
  /** Set when the invoice started at the policy's catch-up step instead of the step its age would give: its days late. */
  caughtUp?: { late: number };
}

/**
 * The explanation of a planned action as data, for pages to say in their own language; `explain` says the same in
 * English (logs, CLI, API). Step ids are named by the policy's step names where shown.
 */
export type ExplainPart =
  | { code: 'step'; n: number; step: string; dpd: number }
  | { code: 'invoice'; number: string }
  | { code: 'grouped'; reaching: number; listed: number }
  | { code: 'instalment'; n: string }
  | { code: 'amount'; amount: string; min: string; currency: string }
  | { code: 'segment'; segment: string | null }
  | { code: 'caught_up'; days: number; step: string }
  | { code: 'scheduled_caught_up'; on: string }
  | { code: 'later_skipped'; steps: string[] }
  | { code: 'covers'; items: { number: string; step: string }[] }
  | { code: 'note'; number: string; note: string }
  | { code: 'never_earlier' }
  | { code: 'resumed'; on: string | null }
  | { code: 'warning'; text: string }
  | { code: 'broken_promise'; number: string | null; on: string | null; amount: string | null; currency: string; owner: string };

/** Scheduled date of every step for an anchor due date (exported for benches and previews); memoised because millions of invoices share few due dates. */
export class Scheduler {
  private readonly cache = new Map<string, string[]>();
  constructor(private readonly policy: Policy, private readonly cal: BusinessCalendar) {}

  dates(due: string, delayDays = 0): string[] {
    const ck = delayDays ? `${due}+${delayDays}` : due;
    let out = this.cache.get(ck);
    if (out) return out;
    out = [];
    let prev = due;
    for (const s of this.policy.steps) {
      const base = s.offset.from === 'previous' ? prev : addDays(due, delayDays);
      let d = s.offset.unit === 'business' ? this.cal.addBusinessDays(base, s.offset.days) : addDays(base, s.offset.days);
      if (s.shiftToBusinessDay) d = this.cal.shiftForward(d);
      out.push(d);
      prev = d;
    }
    this.cache.set(ck, out);
    return out;
  }

  /** Latest step date for this anchor, and earliest: bounds for the pre-filter. */
  anyIn(due: string, fromExclusive: string, toInclusive: string): boolean {
    return this.dates(due).some((d) => d > fromExclusive && d <= toInclusive);
  }
}

/**
 * Plans today's dunning actions. Never plans a step whose key (any policy version) is already planned,
 * never goes back to an earlier step, and after missed days fires only the latest due step.
 */
export async function evaluate(input: EvaluateInput): Promise<PlannedAction[]> {
  return (await evaluateDay(input)).actions;
}

export interface DayResult {
  actions: PlannedAction[];
  /**
   * Invoices that had a step to decide today (planned or not). Tomorrow's incremental run must look at them again
   * (as `changed`): a step skipped today for its segment, condition or minimum may apply tomorrow with no fact
   * changing. Every other invoice stays settled until one of its step dates passes.
   */
  revisit: Set<string>;
  /** What could have been planned today and waits, with the reason: e-invoicing holds, escalation waits, rollovers. */
  held: Held[];
}

/** evaluate(), also saying which invoices an incremental run must re-examine tomorrow. */
export async function evaluateDay(input: EvaluateInput): Promise<DayResult> {
  const { policy, today, tenantId } = input;
  const cal = calendarFor(policy.calendar);
  const scheduler = new Scheduler(policy, cal);
  const index = 'byDueDate' in input.invoices ? input.invoices : indexInvoices(input.invoices);
  const customers: ReadonlyMap<string, Customer> = input.customers instanceof Map ? input.customers : new Map((input.customers as readonly Customer[]).map((c) => [c.externalId, c]));
  const planned = input.alreadyPlanned ?? new Set<string>();
  // A step planned under any version counts, whatever this policy's own version: keys carry no policy id, so a tenant
  // who moves to another policy (at version 1) would otherwise be sent again a step planned under version 2 or later.
  const plannedAnyVersion = new Set([...planned].map(unversioned));
  const isDone = (key: string) => planned.has(key) || plannedAnyVersion.has(unversioned(key));

  const pausesByCustomer = new Map<string, Pause[]>();
  for (const p of input.pauses ?? []) {
    let l = pausesByCustomer.get(p.customerExternalId);
    if (!l) pausesByCustomer.set(p.customerExternalId, (l = []));
    l.push(p);
  }

  // 1. Candidates: everything, or (incremental) only what can have changed since the last run.
  let candidates: Iterable<Invoice>;
  if (input.since && input.since < today) {
    const since = input.since;
    const set = new Set<Invoice>();
    for (const [due, list] of index.byDueDate) if (scheduler.anyIn(due, since, today)) for (const i of list) set.add(i);
    for (const id of input.changed ?? []) {
      const i = index.byId.get(id);
      if (i) set.add(i);
    }
    // A payment-transmitted hold ends with time, not with a change of facts.
    for (const i of index.eInvoiced) if (i.eInvoicing?.code === 211) set.add(i);
    for (const id of Object.keys(policy.invoiceOverrides)) {
      const i = index.byId.get(id);
      if (i) set.add(i);
    }
    const wholeCustomers = new Set(Object.keys(policy.customerOverrides));
    for (const p of input.pauses ?? []) {
      // An active pause is looked at every day: the day says why its invoices wait (held 'paused'), as a full run does.
      const touched = activeOn(p, today) || (p.expiresOn !== null && p.expiresOn !== undefined && addDays(p.expiresOn, 1) > since && p.expiresOn < today);
      if (!touched) continue;
      if (p.invoiceExternalId) {
        const i = index.byId.get(p.invoiceExternalId);
        if (i) set.add(i);
      } else wholeCustomers.add(p.customerExternalId);
    }
    for (const c of wholeCustomers) for (const i of index.byCustomer.get(c) ?? []) set.add(i);
    candidates = set;
  } else candidates = index.all;

  // 2. Expand each open candidate into dunnable items, applying pauses and the e-invoicing lifecycle.
  const items: Dunnable[] = [];
  const actions: PlannedAction[] = [];
  const held: Held[] = [];
  const alerted = new Set<string>();
  const einvoicing = (inv: Invoice) => eInvoicingRule(inv, today, input.timeZone, policy);
  for (const inv of candidates) {
    if (!isOpen(inv)) continue;
    const rule = inv.eInvoicing ? einvoicing(inv) : null;
    if (rule && 'hold' in rule) {
      held.push({ invoiceExternalId: inv.externalId, customerExternalId: inv.customerExternalId, stepId: null, reason: rule.hold, why: rule.why });
      if (rule.alert) {
        const key = `${tenantId}|einv:${inv.externalId}:${inv.eInvoicing?.code}|alert`;
        if (!isDone(key) && !alerted.has(key)) {
          alerted.add(key);
          actions.push(alertAction(input, key, rule.alert, inv, null, 'e-invoicing'));
        }
      }
      continue;
    }
    const base: Dunnable = { scope: `inv:${inv.externalId}`, kind: 'invoice', invoice: inv, dueDate: inv.dueDate, amountDue: rule ? rule.amountDue : inv.amountDue };
    if (rule) base.note = rule.note;
    const pauses = pausesByCustomer.get(inv.customerExternalId);
    if (!pauses) {
      items.push(base);
      continue;
    }
    const mine = pauses.filter((p) => !p.invoiceExternalId || p.invoiceExternalId === inv.externalId);
    const customerInvoices = index.byCustomer.get(inv.customerExternalId) ?? [];
    let resumedFrom: Pause | undefined;
    for (const p of mine) {
      if (p.kind === 'promise' && isBrokenPromise(p, today, customerInvoices)) {
        resumedFrom = p;
        const alert = brokenPromiseAlert(tenantId, today, p, customers.get(p.customerExternalId)?.name, p.invoiceExternalId ? index.byId.get(p.invoiceExternalId)?.number : null);
        if (!isDone(alert.key) && !alerted.has(alert.key)) {
          alerted.add(alert.key);
          actions.push(alertAction(input, alert.key, alert.message, inv, p));
        }
      }
    }
    const holding = mine.find((p) => p.kind !== 'payment_plan' && activeOn(p, today));
    if (holding) {
      // Said once, on the day the invoice is examined: the preview shows why nothing goes out for it.
      held.push({ invoiceExternalId: inv.externalId, customerExternalId: inv.customerExternalId, stepId: null, reason: `paused (${holding.kind}) since ${holding.startsOn}${holding.expiresOn ? ` until ${holding.expiresOn}` : ''}: ${holding.reason}`, why: { code: 'paused', pause: holding.kind, since: holding.startsOn, until: holding.expiresOn ?? null, by: holding.owner } });
      continue;
    }
    const plan = mine.find((p) => p.kind === 'payment_plan' && p.invoiceExternalId === inv.externalId && activeOn(p, today));
    if (plan) {
      items.push(...instalmentsOf(plan, inv));
      continue;
    }
    if (resumedFrom) base.resumedFrom = resumedFrom;
    items.push(base);
  }

  // 3. Grouped actions claim the overdue, unpaused invoices of the customer and currency (see `others` below):
  //    that, not every open invoice, is what a grouped step's minimum amount is measured against.
  const grouped = policy.groupBy === 'customer_currency';
  const groupTotals = new Map<string, Dec>();
  const groupKey = (inv: Invoice) => `${inv.customerExternalId}\u0000${inv.currency}`;
  const listedAmount = (i: Invoice): string | null => {
    if (!isOpen(i) || i.dueDate >= today || suppressed(i, pausesByCustomer.get(i.customerExternalId), today)) return null;
    const rule = i.eInvoicing ? einvoicing(i) : null;
    return rule === null ? i.amountDue : 'hold' in rule ? null : rule.amountDue;
  };
  // Summed on first use: only the groups with an invoice at a step today need their total.
  const groupTotal = (g: string): Dec => {
    let t = groupTotals.get(g);
    if (t) return t;
    const [cust, cur] = g.split('\u0000') as [string, string];
    t = new Dec(0);
    for (const i of index.byCustomer.get(cust) ?? []) {
      const a = i.currency === cur ? listedAmount(i) : null;
      if (a !== null) t = t.plus(a);
    }
    groupTotals.set(g, t);
    return t;
  };
  // An invoice reaching a step before it is overdue (a courtesy reminder) is listed as well; siblings in the same
  // case are not counted here, so the figure checked never exceeds the one the action prints.
  const groupedAmount = (item: Dunnable): Dec => {
    const t = groupTotal(groupKey(item.invoice));
    return listedAmount(item.invoice) !== null ? t : t.plus(item.amountDue);
  };

  // 4. Decide the step per item (cheap date checks first; segments and JSONata only for real candidates).
  let segments = input.segments;
  const decisions: Decision[] = [];
  const conditionFacts = (item: Dunnable, segment: Segment | undefined) => ({
    invoice: item.invoice,
    customer: customers.get(item.invoice.customerExternalId) ?? null,
    segment: segment ?? null,
    daysPastDue: daysBetween(item.dueDate, today),
    amountDue: item.amountDue,
  });
  const due: Array<{ item: Dunnable; ov: ReturnType<typeof mergeOverrides>; dates: string[] }> = [];
  // The walk below without its conditions: an item whose latest due step is already planned needs no segment,
  // no amount and no JSONata. Full scans (the daily run, every preview day) are mostly such items.
  const toDecide = (item: Dunnable, dates: readonly string[]): boolean => {
    for (let k = policy.steps.length - 1; k >= 0; k--) {
      if (isDone(actionKey(tenantId, item.scope, (policy.steps[k] as PolicyStep).id, policy.version))) return false;
      if ((dates[k] as string) <= today) return true;
    }
    return false;
  };
  for (const item of items) {
    const ov = mergeOverrides(policy, item.invoice);
    if (ov.disabled) continue;
    const dates = scheduler.dates(item.dueDate, ov.delayDays);
    if (toDecide(item, dates)) due.push({ item, ov, dates });
  }
  if (!segments) {
    const risk: Parameters<typeof segmentCustomers>[0] = { today, invoicesByCustomer: index.byCustomer, customerIds: new Set(due.map((d) => d.item.invoice.customerExternalId)) };
    if (input.payments) risk.payments = input.payments;
    if (input.pauses) risk.pauses = input.pauses;
    if (input.riskThresholds) risk.thresholds = input.riskThresholds;
    segments = new Map([...segmentCustomers(risk)].map(([k, v]) => [k, v.segment]));
  }
  const history = input.history;
  const recordOf = (key: string): StepRecord | undefined => history?.get(unversioned(key));
  const catchUpAt = policy.catchUp ? policy.steps.findIndex((s) => s.id === policy.catchUp?.startAt) : -1;
  for (const { item, ov, dates } of due) {
    const customer = customers.get(item.invoice.customerExternalId);
    const segment = segments.get(item.invoice.customerExternalId);
    const amountForMin = grouped && item.kind === 'invoice' ? groupedAmount(item) : new Dec(item.amountDue);
    const keyOf = (k: number) => actionKey(tenantId, item.scope, (policy.steps[k] as PolicyStep).id, policy.version);
    const applicable = (k: number, on: string) => notApplicable(policy.steps[k] as PolicyStep, ov, item, customer, segment, amountForMin, on, today, policy, conditionFacts);
    let lastDone = -1;
    for (let k = policy.steps.length - 1; k >= 0; k--) {
      if (isDone(keyOf(k))) {
        lastDone = k;
        break;
      }
    }
    // Later steps keep their gaps from the day the last step actually went out (or is due to): a step taken late,
    // by catch-up or after a stop, does not bring the next ones forward.
    const lastOn = lastDone >= 0 ? recordOf(keyOf(lastDone))?.on : undefined;
    const dateOf = (k: number): string => {
      const nominal = dates[k] as string;
      if (lastOn === undefined) return nominal;
      const kept = addDays(lastOn, daysBetween(dates[lastDone] as string, nominal));
      return kept > nominal ? kept : nominal;
    };
    // An escalation step is looked at from its nominal date, so that while it waits (gap or deadline after its
    // predecessor's delivery) the preview says why; `waitingFor` holds it until both have passed.
    const reachedOn = (k: number): string => (requiresPrevious(policy.steps[k] as PolicyStep) ? (dates[k] as string) : dateOf(k));
    let latest = -1;
    for (let k = policy.steps.length - 1; k > lastDone; k--) {
      if (reachedOn(k) <= today) {
        latest = k;
        break;
      }
    }
    if (latest < 0) continue;
    // Nothing follows a step still waiting in the outbox (sending off, a send window not open yet) or failed: when
    // sending resumes, the customer gets that step, not a pile of them. Without history, planned counts as done.
    const lastRecord = lastDone >= 0 ? recordOf(keyOf(lastDone)) : undefined;
    if (lastRecord && !lastRecord.delivered) {
      const prev = (policy.steps[lastDone] as PolicyStep).id;
      const why: HeldWhy = lastRecord.cancelledBy
        ? { code: 'cancelled', step: prev, ...lastRecord.cancelledBy }
        : lastRecord.failed
          ? { code: 'failed', step: prev, error: lastRecord.failed }
          : { code: 'planned', step: prev, on: lastRecord.on };
      held.push({ invoiceExternalId: item.invoice.externalId, customerExternalId: item.invoice.customerExternalId, stepId: (policy.steps[latest] as PolicyStep).id, reason: heldReason(why), why });
      continue;
    }
    const skipped: string[] = [];
    let decided: Decision | null = null;
    if (catchUpAt >= 0 && lastDone < catchUpAt && latest > catchUpAt && item.dueDate < today) {
      // Already overdue and never dunned at or past the catch-up step: start there (or at the first applicable
      // step after it that needs no predecessor), never straight at a letter, a formal notice or a hand-off.
      for (let k = catchUpAt; k <= latest; k++) {
        const step = policy.steps[k] as PolicyStep;
        if (requiresPrevious(step)) break;
        const why = await applicable(k, today);
        if (why) {
          skipped.push(`${step.id} (${why})`);
          continue;
        }
        decided = { item, stepIndex: k, scheduledOn: today, key: revised(keyOf(k), input.revisions), skipped, caughtUp: { late: daysBetween(item.dueDate, today) } };
        break;
      }
    } else {
      for (let k = latest; k > lastDone; k--) {
        const step = policy.steps[k] as PolicyStep;
        if (reachedOn(k) > today) continue;
        const on = dateOf(k) <= today ? dateOf(k) : (dates[k] as string);
        const why = await applicable(k, on);
        if (why) {
          skipped.push(`${step.id} (${why})`);
          continue;
        }
        if (requiresPrevious(step)) {
          const wait = waitingFor(policy, k, dates, { item, ov, segment, customer }, today, (j) => recordOf(keyOf(j)));
          if (wait) {
            skipped.push(`${step.id} (${wait.reason})`);
            // Said as a wait once the step before it exists; before that, the ladder simply has not got there.
            if (wait.started) held.push({ invoiceExternalId: item.invoice.externalId, customerExternalId: item.invoice.customerExternalId, stepId: step.id, reason: wait.reason, why: wait.why });
            continue;
          }
        }
        decided = { item, stepIndex: k, scheduledOn: on, key: revised(keyOf(k), input.revisions), skipped };
        break;
      }
    }
    if (decided) decisions.push(decided);
  }

  // 5. Build actions: one per decision, or one per customer and currency when grouping.
  const creditsByGroup = new Map<string, CreditNote[]>();
  for (const cn of input.creditNotes ?? []) {
    if (cn.status === 'void' || cn.status === 'draft' || !new Dec(cn.remaining).gt(0)) continue;
    const g = `${cn.customerExternalId}\u0000${cn.currency}`;
    let l = creditsByGroup.get(g);
    if (!l) creditsByGroup.set(g, (l = []));
    l.push(cn);
  }
  const reductions: ReductionIndex = decisions.length ? indexReductions(input.payments ?? [], input.creditNotes ?? []) : new Map();
  // The send window opens at the same instant for every action of the day.
  const notBefore = policy.sendWindow && decisions.length > 0 ? windowOpensOn(today, policy.sendWindow, input.timeZone, cal) : null;
  const ctx: BuildContext = { input, segments: segments ?? new Map(), creditsByGroup, reductions, notBefore };
  const dunning: Array<{ action: PlannedAction; decisions: Decision[] }> = [];
  if (!grouped) {
    for (const d of decisions) dunning.push({ action: buildAction(ctx, [d], d, d.key, d.item.kind === 'instalment' ? 'instalment' : 'invoice', []), decisions: [d] });
  } else {
    const groups = new Map<string, Decision[]>();
    for (const d of decisions) {
      if (d.item.kind === 'instalment') {
        dunning.push({ action: buildAction(ctx, [d], d, d.key, 'instalment', []), decisions: [d] });
        continue;
      }
      const g = groupKey(d.item.invoice);
      let l = groups.get(g);
      if (!l) groups.set(g, (l = []));
      l.push(d);
    }
    for (const list of groups.values()) {
      // Oldest first, whatever order the candidates came in (a full scan and an incremental run list them alike).
      list.sort((a, b) => a.item.dueDate.localeCompare(b.item.dueDate) || a.item.invoice.externalId.localeCompare(b.item.invoice.externalId));
      // One voice: the customer gets the most advanced step reached today, covering every invoice due.
      const lead = list.reduce((a, b) => (b.stepIndex > a.stepIndex ? b : a));
      const inv = lead.item.invoice;
      const step = policy.steps[lead.stepIndex] as PolicyStep;
      const ids = list.map((d) => d.item.invoice.externalId).sort();
      const key = revised(actionKey(tenantId, `cc:${inv.customerExternalId}:${inv.currency}:${fnv1a(ids.join(','))}`, step.id, policy.version), input.revisions);
      const triggered = new Set(ids);
      const others = (index.byCustomer.get(inv.customerExternalId) ?? []).filter((i) => i.currency === inv.currency && !triggered.has(i.externalId) && listedAmount(i) !== null);
      dunning.push({ action: buildAction(ctx, list, lead, key, 'customer_currency', others), decisions: list });
    }
  }
  const { kept, deferred } = limitDay(dunning, input, grouped);
  for (const { action, decisions: ds, why } of deferred) {
    for (const d of ds) held.push({ invoiceExternalId: d.item.invoice.externalId, customerExternalId: d.item.invoice.customerExternalId, stepId: action.stepId, reason: heldReason(why), why });
  }
  actions.push(...kept.map((d) => d.action));
  actions.sort((a, b) => (a.idempotencyKey < b.idempotencyKey ? -1 : a.idempotencyKey > b.idempotencyKey ? 1 : 0));
  // In invoice order whatever examined them (a full run and an incremental one list the same day alike).
  held.sort((a, b) => (a.invoiceExternalId < b.invoiceExternalId ? -1 : a.invoiceExternalId > b.invoiceExternalId ? 1 : 0));
  return { actions, revisit: new Set(due.map((d) => d.item.invoice.externalId)), held };
}

/** Whether a step can never apply to this item whatever the day: its predecessor for escalation is the step before. */
function excluded(step: PolicyStep, who: { item: Dunnable; ov: Merged; segment: Segment | undefined; customer: Customer | undefined }): boolean {
  if (who.ov.skipSteps.has(step.id)) return true;
  if (who.item.kind === 'instalment' && !step.forInstalments) return true;
  if (step.segments && (!who.segment || !step.segments.includes(who.segment))) return true;
  return !!step.tags && !step.tags.some((t) => who.customer?.tags.includes(t));
}

/**
 * Why escalation step k must still wait, or null when it may go: the step before it must have been delivered (not
 * merely planned), at least the gap between the two steps ago, and past its deadline when it gave one.
 */
function waitingFor(
  policy: Policy,
  k: number,
  dates: readonly string[],
  who: { item: Dunnable; ov: Merged; segment: Segment | undefined; customer: Customer | undefined },
  today: string,
  record: (j: number) => StepRecord | undefined,
): { reason: string; started: boolean; why: HeldWhy } | null {
  let p = k - 1;
  while (p >= 0 && excluded(policy.steps[p] as PolicyStep, who)) p--;
  if (p < 0) return null;
  const prev = policy.steps[p] as PolicyStep;
  const r = record(p);
  const wait = (why: HeldWhy) => ({ reason: heldReason(why, step(policy, k)), started: r !== undefined, why });
  if (!r) return wait({ code: 'not_sent', step: prev.id });
  if (r.cancelledBy) return wait({ code: 'cancelled', step: prev.id, ...r.cancelledBy });
  if (r.failed) return wait({ code: 'failed', step: prev.id, error: r.failed });
  if (!r.delivered) return wait({ code: 'planned', step: prev.id, on: r.on });
  const afterGap = addDays(r.on, daysBetween(dates[p] as string, dates[k] as string));
  const deadline = prev.deadlineDays ? addDays(r.on, prev.deadlineDays) : null;
  if (deadline && deadline >= today) return wait({ code: 'deadline', step: prev.id, sentOn: r.on, until: deadline });
  if (afterGap > today) return wait({ code: 'gap', step: prev.id, sentOn: r.on, notBefore: afterGap });
  return null;
}

/** The English explanation of a planned action (logs, CLI, API); pages say `reasons` in their own language. */
export function explainSentence(reasons: readonly ExplainPart[]): string {
  const said = reasons.map((r): string => {
    switch (r.code) {
      case 'step':
        return `step ${r.n} (${r.step}): ${r.dpd > 0 ? `${r.dpd} days past due` : r.dpd === 0 ? 'due today' : `${-r.dpd} days before due`}`;
      case 'invoice':
        return `invoice ${r.number}`;
      case 'grouped':
        return `${r.reaching} invoice(s) reaching a step, ${r.listed} listed`;
      case 'instalment':
        return `instalment ${r.n} of a payment plan`;
      case 'amount':
        return `${fmtGrouped(r.amount)} ${r.currency} ≥ ${fmtGrouped(r.min)}`;
      case 'segment':
        return `segment ${r.segment ?? 'unknown'}`;
      case 'caught_up':
        return `caught up: already ${r.days} days past due, starts at ${r.step} (policy catch-up)`;
      case 'scheduled_caught_up':
        return `scheduled ${r.on}, caught up`;
      case 'later_skipped':
        return `later steps not applicable: ${r.steps.join('; ')}`;
      case 'covers':
        return `one message for the customer: also covers ${r.items.map((i) => `${i.number} (${i.step})`).join(', ')}`;
      case 'note':
        return `${r.number}: ${r.note}`;
      case 'never_earlier':
        return 'earlier steps are never sent after a later one';
      case 'resumed':
        return `resumed after a promise to pay broken on ${r.on ?? 'an unknown date'}`;
      case 'warning':
        return r.text;
      case 'broken_promise':
        return `promised to pay ${r.number ? `invoice ${r.number}` : 'its overdue invoices'} by ${r.on} and has not; dunning resumes (owner: ${r.owner})`;
    }
  });
  return said.join(', ');
}

/** The English sentence for a wait (logs, CLI, explanations); pages say `why` in their own language. */
export function heldReason(why: HeldWhy, waiting?: string): string {
  switch (why.code) {
    case 'planned':
      return `waiting: ${why.step} planned for ${why.on}, not sent yet`;
    case 'failed':
      return `waiting: ${why.step} failed (${why.error}), the next step waits for the team`;
    case 'cancelled':
      return `waiting: ${why.step} was cancelled by ${why.by} (${why.note}), the next step waits for the team`;
    case 'not_sent':
      return `waiting: ${why.step} not sent yet`;
    case 'deadline':
      return `waiting: ${why.step} sent ${why.sentOn}, deadline ${why.until}`;
    case 'gap':
      return `waiting: ${why.step} sent ${why.sentOn}, ${waiting ?? 'next step'} not before ${why.notBefore}`;
    case 'one_voice':
      return `one message per customer a day: ${why.step} goes out on ${why.day}`;
    case 'one_voice_taken':
      return `one message per customer a day: this customer already has one on ${why.day}`;
    case 'daily_cap':
      return `daily cap of ${why.cap} messages reached for ${why.day}: rolls over to the next send day`;
    case 'quiet':
      return `customer written to on ${why.last}: left alone until ${why.until}`;
    case 'e_invoicing':
      return `e-invoice status ${why.status}: ${why.hold.replace(/_/g, ' ')}`;
    case 'paused':
      return `paused (${why.pause}) since ${why.since}${why.until ? ` until ${why.until}` : ''}`;
  }
}

const step = (policy: Policy, k: number) => (policy.steps[k] as PolicyStep).id;

interface Candidate {
  action: PlannedAction;
  decisions: Decision[];
}

/**
 * One voice per customer and the daily cap. With grouping, a customer gets at most one dunning action per send
 * day (the most advanced; the others wait for a later day) and none when an earlier run already gave it one that
 * day. Then at most `dailyCap` emails and letters per send day, by amount × days past due; the rest roll over.
 */
function limitDay(candidates: Candidate[], input: EvaluateInput, grouped: boolean): { kept: Candidate[]; deferred: Array<Candidate & { why: HeldWhy }> } {
  const { policy } = input;
  // Every action of a run shares one send-window instant: its date is computed once.
  const days = new Map<string, string>();
  const sendDay = (a: PlannedAction) => {
    if (!a.notBefore) return a.dueOn;
    let d = days.get(a.notBefore);
    if (!d) days.set(a.notBefore, (d = dateInZone(a.notBefore, input.timeZone)));
    return d;
  };
  const deferred: Array<Candidate & { why: HeldWhy }> = [];
  const kept: Candidate[] = [];
  const byCustomer = new Map<string, Candidate[]>();
  for (const c of candidates) {
    let l = byCustomer.get(c.action.customerExternalId);
    if (!l) byCustomer.set(c.action.customerExternalId, (l = []));
    l.push(c);
  }
  for (const [customer, list] of byCustomer) {
    list.sort((a, b) => b.action.stepIndex - a.action.stepIndex || new Dec(b.action.amountDue).cmp(a.action.amountDue) || a.action.idempotencyKey.localeCompare(b.action.idempotencyKey));
    const lead = list[0] as Candidate;
    const day = sendDay(lead.action);
    // Quiet days: after an overdue message, the customer is left alone; what falls due meanwhile joins the next one.
    // A courtesy note (before the due date) waits too, and is dropped once stale: the customer was just written to.
    const quietLast = input.lastContact?.get(customer);
    if (quietLast && quietLast < day && daysBetween(quietLast, day) < policy.quietDays) {
      for (const c of list) deferred.push({ ...c, why: { code: 'quiet', last: quietLast, until: addDays(quietLast, policy.quietDays) } });
      continue;
    }
    if (!grouped) {
      // Per-invoice sending (a policy option) sends one message per invoice, but never a milder step the same day
      // as a firmer one: a friendly reminder does not arrive with a formal notice.
      for (const c of list) {
        if (c.action.stepIndex === lead.action.stepIndex) kept.push(c);
        else deferred.push({ ...c, why: { code: 'one_voice', step: lead.action.stepId, day } });
      }
      continue;
    }
    if (input.load?.get(day)?.customers.has(customer)) {
      for (const c of list) deferred.push({ ...c, why: { code: 'one_voice_taken', day } });
      continue;
    }
    kept.push(lead);
    for (const c of list.slice(1)) deferred.push({ ...c, why: { code: 'one_voice', step: lead.action.stepId, day } });
  }
  // Amount × days past due, computed once per message rather than in every comparison of the sort.
  const messages = kept.filter((c) => MESSAGE_CHANNELS.has(c.action.channel));
  const priority = new Map(messages.map((c) => [c, new Dec(c.action.amountDue).times(Math.max(0, ...c.action.invoices.filter((l) => l.triggered).map((l) => l.daysPastDue)))]));
  messages.sort((a, b) => (priority.get(b) as Dec).cmp(priority.get(a) as Dec) || a.action.idempotencyKey.localeCompare(b.action.idempotencyKey));
  const used = new Map<string, number>();
  const over = new Set<Candidate>();
  for (const c of messages) {
    const day = sendDay(c.action);
    const n = used.get(day) ?? input.load?.get(day)?.messages ?? 0;
    used.set(day, n + 1);
    if (n >= policy.dailyCap) {
      over.add(c);
      deferred.push({ ...c, why: { code: 'daily_cap', cap: policy.dailyCap, day } });
    }
  }
  return { kept: kept.filter((c) => !over.has(c)), deferred };
}

/**
 * Why a planned action is no longer timely on `today`, or null: a reminder written before the due date ("your invoice
 * falls due on…") that did not go out before it (sending was off) would now say something untrue.
 */
export function untimely(action: Pick<PlannedAction, 'invoices'>, today: string): string | null {
  const lines = action.invoices.filter((l) => l.triggered);
  if (lines.length === 0 || !lines.every((l) => l.daysPastDue < 0)) return null;
  const passed = lines.find((l) => l.dueDate < today);
  return passed ? `a reminder written before the due date (${passed.dueDate}) is no longer timely` : null;
}

/** A reminder before the due date (a courtesy note): it does not start quiet days (it waits for them like any message). */
export function isPreDue(policy: Policy, action: Pick<PlannedAction, 'stepId'>): boolean {
  const step = policy.steps.find((s) => s.id === action.stepId);
  return !!step && step.offset.from === 'due' && step.offset.days < 0;
}

function suppressed(inv: Invoice, pauses: readonly Pause[] | undefined, today: string): boolean {
  return (pauses ?? []).some((p) => (!p.invoiceExternalId || p.invoiceExternalId === inv.externalId) && activeOn(p, today));
}

type Merged = { disabled: boolean; skipSteps: ReadonlySet<string>; minAmount: string | undefined; delayDays: number };
/** Shared by every invoice without an override: a full scan merges overrides once per invoice. */
const NO_OVERRIDE: Merged = { disabled: false, skipSteps: new Set(), minAmount: undefined, delayDays: 0 };

function mergeOverrides(policy: Policy, inv: Invoice): Merged {
  const c = policy.customerOverrides[inv.customerExternalId];
  const i = policy.invoiceOverrides[inv.externalId];
  if (!c && !i) return NO_OVERRIDE;
  return {
    disabled: (c?.disabled ?? false) || (i?.disabled ?? false),
    skipSteps: new Set([...(c?.skipSteps ?? []), ...(i?.skipSteps ?? [])]),
    minAmount: i?.minAmount ?? c?.minAmount,
    delayDays: (c?.delayDays ?? 0) + (i?.delayDays ?? 0),
  };
}

async function notApplicable(
  step: PolicyStep,
  ov: ReturnType<typeof mergeOverrides>,
  item: Dunnable,
  customer: Customer | undefined,
  segment: Segment | undefined,
  amount: Dec,
  on: string,
  today: string,
  policy: Policy,
  facts: (item: Dunnable, segment: Segment | undefined) => unknown,
): Promise<string | null> {
  if (ov.skipSteps.has(step.id)) return 'skipped by override';
  if (item.kind === 'instalment' && !step.forInstalments) return 'not used for instalments';
  if (step.graceDays !== undefined && daysBetween(on, today) > step.graceDays) return `stale since ${addDays(on, step.graceDays + 1)}`;
  const min = ov.minAmount ?? step.minAmount ?? policy.minAmount;
  if (amount.lt(min)) return `${amount.toFixed()} < ${min}`;
  if (step.segments && (!segment || !step.segments.includes(segment))) return `segment ${segment ?? 'unknown'} not in ${step.segments.join(', ')}`;
  if (step.tags && !step.tags.some((t) => customer?.tags.includes(t))) return `customer has none of the tags ${step.tags.join(', ')}`;
  if (step.condition) {
    const ok: unknown = await compileCondition(step.condition).evaluate(facts(item, segment));
    if (!ok) return 'condition false';
  }
  return null;
}

function instalmentsOf(plan: Pause, inv: Invoice): Dunnable[] {
  // What the plan still needs is the invoice's residual; older instalments are settled first.
  const sorted = plan.instalments.map((x, n) => ({ ...x, n })).sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : a.n - b.n));
  const planTotal = sorted.reduce((a, x) => a.plus(x.amount), new Dec(0));
  let paid = Dec.max(planTotal.minus(inv.amountDue), 0);
  const out: Dunnable[] = [];
  for (const x of sorted) {
    const settled = Dec.min(paid, x.amount);
    paid = paid.minus(settled);
    const residual = new Dec(x.amount).minus(settled);
    if (residual.lte(0)) continue;
    out.push({ scope: `plan:${plan.id}:${x.n + 1}`, kind: 'instalment', invoice: inv, dueDate: x.dueOn, amountDue: formatAmount(residual, inv.currency), pause: plan });
  }
  return out;
}

interface BuildContext {
  input: EvaluateInput;
  segments: ReadonlyMap<string, Segment>;
  creditsByGroup: ReadonlyMap<string, CreditNote[]>;
  reductions: ReductionIndex;
  notBefore: string | null;
}

function buildAction(ctx: BuildContext, decisions: Decision[], lead: Decision, key: string, scope: PlannedAction['scope'], others: Invoice[]): PlannedAction {
  const { input } = ctx;
  const { policy, today } = input;
  const inv = lead.item.invoice;
  const step = policy.steps[lead.stepIndex] as PolicyStep;
  const currency = inv.currency;
  const lines: PlannedAction['invoices'] = decisions.map((d) => ({
    externalId: d.item.invoice.externalId,
    number: d.item.invoice.number ?? null,
    dueDate: d.item.dueDate,
    amountDue: d.item.amountDue,
    daysPastDue: daysBetween(d.item.dueDate, today),
    instalmentOf: d.item.kind === 'instalment' ? d.item.invoice.externalId : null,
    // Kept when the line's amount is not the invoice's (an instalment, an e-invoice partially approved), so a payment since is seen at send time.
    ...(d.item.kind === 'instalment' || d.item.amountDue !== d.item.invoice.amountDue ? { invoiceAmountDue: d.item.invoice.amountDue } : {}),
    triggered: true,
  }));
  for (const o of others) {
    const rule = o.eInvoicing ? eInvoicingRule(o, today, input.timeZone, policy) : null;
    const amount = rule && 'amountDue' in rule ? rule.amountDue : o.amountDue;
    lines.push({ externalId: o.externalId, number: o.number ?? null, dueDate: o.dueDate, amountDue: amount, daysPastDue: daysBetween(o.dueDate, today), instalmentOf: null, ...(amount !== o.amountDue ? { invoiceAmountDue: o.amountDue } : {}), triggered: false });
  }
  const credits = scope === 'customer_currency' ? (ctx.creditsByGroup.get(`${inv.customerExternalId}\u0000${currency}`) ?? []) : [];
  const amountDue = lines.reduce((a, l) => a.plus(l.amountDue), new Dec(0));
  const openCredits = credits.reduce((a, c) => a.plus(c.remaining), new Dec(0));
  const segment = ctx.segments.get(inv.customerExternalId);
  const min = policy.invoiceOverrides[inv.externalId]?.minAmount ?? policy.customerOverrides[inv.customerExternalId]?.minAmount ?? step.minAmount ?? policy.minAmount;

  const dpd = Math.max(...decisions.map((d) => daysBetween(d.item.dueDate, today)));
  const numberOf = (i: Invoice) => i.number ?? i.externalId;
  const reasons: ExplainPart[] = [{ code: 'step', n: lead.stepIndex + 1, step: step.id, dpd }];
  reasons.push(
    scope === 'customer_currency'
      ? { code: 'grouped', reaching: decisions.length, listed: lines.length }
      : lead.item.kind === 'instalment'
        ? { code: 'instalment', n: lead.item.scope.split(':').at(-1) ?? '' }
        : { code: 'invoice', number: numberOf(inv) },
  );
  reasons.push({ code: 'amount', amount: formatAmount(amountDue, currency), min: formatAmount(min, currency), currency }, { code: 'segment', segment: segment ?? null });
  if (lead.caughtUp) reasons.push({ code: 'caught_up', days: lead.caughtUp.late, step: step.id });
  else if (lead.scheduledOn < today) reasons.push({ code: 'scheduled_caught_up', on: lead.scheduledOn });
  if (lead.skipped.length) reasons.push({ code: 'later_skipped', steps: lead.skipped });
  const behind = decisions.filter((d) => d.stepIndex < lead.stepIndex);
  if (behind.length) reasons.push({ code: 'covers', items: behind.map((d) => ({ number: numberOf(d.item.invoice), step: (policy.steps[d.stepIndex] as PolicyStep).id })) });
  for (const d of decisions) if (d.item.note) reasons.push({ code: 'note', number: numberOf(d.item.invoice), note: d.item.note });
  if (!lead.caughtUp && lead.scheduledOn < today && lead.stepIndex > 0) reasons.push({ code: 'never_earlier' });
  const resumed = decisions.map((d) => d.item.resumedFrom).find((p) => p);
  if (resumed) reasons.push({ code: 'resumed', on: resumed.expiresOn ?? null });

  const penalties: PlannedAction['penalties'] = [];
  if (step.includePenalties && policy.penalties) {
    for (const d of decisions) {
      const i = d.item.invoice;
      if (d.item.kind === 'instalment') continue;
      const { reductions, warnings } = reductionsFor(i, ctx.reductions);
      const basis: PenaltyBasis = { jurisdiction: policy.penalties.jurisdiction, amount: i.total, dueDate: i.dueDate, debtor: policy.penalties.debtor, contractRate: policy.penalties.contractRate ?? null, reductions, notes: warnings };
      // The same computation the executor repeats on the send date, so preview, plan and letter state one figure.
      const r = penaltyFromBasis(basis, i.currency, today, input.rates);
      for (const text of warnings) reasons.push({ code: 'warning', text });
      penalties.push({ invoiceExternalId: i.externalId, ...r, basis });
    }
  }
  return {
    idempotencyKey: key,
    covers: scope === 'customer_currency' ? decisions.map((d) => d.key).sort() : [],
    tenantId: input.tenantId,
    policyId: policy.id,
    policyVersion: policy.version,
    stepId: step.id,
    stepIndex: lead.stepIndex,
    channel: step.channel,
    templateId: step.templateId,
    dueOn: today,
    scheduledOn: lead.scheduledOn,
    notBefore: ctx.notBefore,
    scope,
    customerExternalId: inv.customerExternalId,
    currency,
    invoices: lines,
    credits: credits.map((c) => ({ externalId: c.externalId, number: c.number ?? null, remaining: c.remaining })),
    amountDue: formatAmount(amountDue, currency),
    openCredits: formatAmount(openCredits, currency),
    netDue: formatAmount(amountDue.minus(openCredits), currency),
    penalties,
    segment: segment ?? null,
    explain: explainSentence(reasons),
    reasons,
  };
}

function alertAction(input: EvaluateInput, key: string, message: string, inv: Invoice, p: Pause | null, cause: 'broken-promise' | 'e-invoicing' = 'broken-promise'): PlannedAction {
  return {
    idempotencyKey: key,
    covers: [],
    tenantId: input.tenantId,
    policyId: input.policy.id,
    policyVersion: input.policy.version,
    stepId: cause,
    stepIndex: -1,
    channel: 'alert',
    templateId: cause === 'broken-promise' ? 'alert.broken_promise' : 'alert.e_invoicing',
    dueOn: input.today,
    scheduledOn: p ? addDays(p.expiresOn ?? input.today, 1) : input.today,
    notBefore: null,
    scope: !p || p.invoiceExternalId ? 'invoice' : 'customer',
    customerExternalId: p?.customerExternalId ?? inv.customerExternalId,
    currency: inv.currency,
    invoices: [{ externalId: inv.externalId, number: inv.number ?? null, dueDate: inv.dueDate, amountDue: inv.amountDue, daysPastDue: daysBetween(inv.dueDate, input.today), instalmentOf: null, triggered: true }],
    credits: [],
    amountDue: inv.amountDue,
    openCredits: formatAmount(0, inv.currency),
    netDue: inv.amountDue,
    penalties: [],
    segment: null,
    explain: message,
    ...(p && cause === 'broken-promise' ? { reasons: [{ code: 'broken_promise', number: p.invoiceExternalId ? (inv.number ?? null) : null, on: p.expiresOn ?? null, amount: p.amount ?? null, currency: inv.currency, owner: p.owner } satisfies ExplainPart] } : {}),
  };
}
