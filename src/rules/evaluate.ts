// The dunning evaluator: (facts, policy, clock, already-planned keys) → planned actions with idempotency keys and explanations.
// Pure apart from JSONata's async evaluation. Catch-up rule: only the latest due step fires, never an earlier one.
import jsonata from 'jsonata';
import { Dec, addDays, daysBetween, formatAmount, type CreditNote, type Customer, type Invoice, type Payment } from '../model/index.js';
import type { Pause, PenaltyBasis, PlannedAction } from '../model/collections.js';
import { brokenPromiseAlert } from './alerts.js';
import { calendarFor, windowOpensOn, type BusinessCalendar } from './business-calendar.js';
import { indexReductions, reductionsFor, type ReductionIndex } from './dated-reductions.js';
import { penaltyFromBasis } from './late-payment-interest.js';
import type { Policy, PolicyStep, Segment } from './policy.js';
import type { RateBook } from './rate-tables.js';
import { isBrokenPromise, segmentCustomers, type RiskThresholds } from './risk.js';

/** Invoices bucketed once by due date and customer, so a daily run can look only at the due dates that matter. */
export interface InvoiceIndex {
  readonly all: readonly Invoice[];
  readonly byId: ReadonlyMap<string, Invoice>;
  readonly byDueDate: ReadonlyMap<string, readonly Invoice[]>;
  readonly byCustomer: ReadonlyMap<string, readonly Invoice[]>;
}

export function indexInvoices(invoices: readonly Invoice[]): InvoiceIndex {
  const byId = new Map<string, Invoice>();
  const byDueDate = new Map<string, Invoice[]>();
  const byCustomer = new Map<string, Invoice[]>();
  for (const i of invoices) {
    byId.set(i.externalId, i);
    let d = byDueDate.get(i.dueDate);
    if (!d) byDueDate.set(i.dueDate, (d = []));
    d.push(i);
    let c = byCustomer.get(i.customerExternalId);
    if (!c) byCustomer.set(i.customerExternalId, (c = []));
    c.push(i);
  }
  return { all: invoices, byId, byDueDate, byCustomer };
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
}

/** Deterministic key: tenant, scope (invoice, instalment or customer+currency group), step and policy version. */
export function actionKey(tenantId: string, scope: string, stepId: string, version: number): string {
  return `${tenantId}|${scope}|${stepId}|v${version}`;
}

/** The same key without its version: a policy edit that keeps a step id does not make it fire again. */
function unversioned(key: string): string {
  return key.replace(/\|v\d+$/, '');
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
const activeOn = (p: Pause, today: string) => p.startsOn <= today && (!p.expiresOn || today <= p.expiresOn);

/** A thing being dunned: an invoice, or one instalment of a payment plan standing in for its invoice. */
interface Dunnable {
  scope: string;
  kind: 'invoice' | 'instalment';
  invoice: Invoice;
  dueDate: string;
  amountDue: string;
  pause?: Pause;
  resumedFrom?: Pause;
}

interface Decision {
  item: Dunnable;
  stepIndex: number;
  scheduledOn: string;
  key: string;
  skipped: string[];
}

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
}

/** evaluate(), also saying which invoices an incremental run must re-examine tomorrow. */
export async function evaluateDay(input: EvaluateInput): Promise<DayResult> {
  const { policy, today, tenantId } = input;
  const cal = calendarFor(policy.calendar);
  const scheduler = new Scheduler(policy, cal);
  const index = 'byDueDate' in input.invoices ? input.invoices : indexInvoices(input.invoices);
  const customers: ReadonlyMap<string, Customer> = input.customers instanceof Map ? input.customers : new Map((input.customers as readonly Customer[]).map((c) => [c.externalId, c]));
  const planned = input.alreadyPlanned ?? new Set<string>();
  const plannedAnyVersion = policy.version > 1 ? new Set([...planned].map(unversioned)) : null;
  const isDone = (key: string) => planned.has(key) || (plannedAnyVersion?.has(unversioned(key)) ?? false);

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
    for (const id of Object.keys(policy.invoiceOverrides)) {
      const i = index.byId.get(id);
      if (i) set.add(i);
    }
    const wholeCustomers = new Set(Object.keys(policy.customerOverrides));
    for (const p of input.pauses ?? []) {
      const touched = (p.kind === 'payment_plan' && activeOn(p, today)) || (p.expiresOn !== null && p.expiresOn !== undefined && addDays(p.expiresOn, 1) > since && p.expiresOn < today);
      if (!touched) continue;
      if (p.invoiceExternalId) {
        const i = index.byId.get(p.invoiceExternalId);
        if (i) set.add(i);
      } else wholeCustomers.add(p.customerExternalId);
    }
    for (const c of wholeCustomers) for (const i of index.byCustomer.get(c) ?? []) set.add(i);
    candidates = set;
  } else candidates = index.all;

  // 2. Expand each open candidate into dunnable items, applying pauses.
  const items: Dunnable[] = [];
  const actions: PlannedAction[] = [];
  const alerted = new Set<string>();
  for (const inv of candidates) {
    if (!isOpen(inv)) continue;
    const pauses = pausesByCustomer.get(inv.customerExternalId);
    if (!pauses) {
      items.push({ scope: `inv:${inv.externalId}`, kind: 'invoice', invoice: inv, dueDate: inv.dueDate, amountDue: inv.amountDue });
      continue;
    }
    const mine = pauses.filter((p) => !p.invoiceExternalId || p.invoiceExternalId === inv.externalId);
    const customerInvoices = index.byCustomer.get(inv.customerExternalId) ?? [];
    let resumedFrom: Pause | undefined;
    for (const p of mine) {
      if (p.kind === 'promise' && isBrokenPromise(p, today, customerInvoices)) {
        resumedFrom = p;
        const alert = brokenPromiseAlert(tenantId, today, p, customers.get(p.customerExternalId)?.name);
        if (!isDone(alert.key) && !alerted.has(alert.key)) {
          alerted.add(alert.key);
          actions.push(alertAction(input, alert.key, alert.message, inv, p));
        }
      }
    }
    if (mine.some((p) => p.kind !== 'payment_plan' && activeOn(p, today))) continue;
    const plan = mine.find((p) => p.kind === 'payment_plan' && p.invoiceExternalId === inv.externalId && activeOn(p, today));
    if (plan) {
      items.push(...instalmentsOf(plan, inv));
      continue;
    }
    const item: Dunnable = { scope: `inv:${inv.externalId}`, kind: 'invoice', invoice: inv, dueDate: inv.dueDate, amountDue: inv.amountDue };
    if (resumedFrom) item.resumedFrom = resumedFrom;
    items.push(item);
  }

  // 3. Grouped actions claim the overdue, unpaused invoices of the customer and currency (see `others` below):
  //    that, not every open invoice, is what a grouped step's minimum amount is measured against.
  const grouped = policy.groupBy === 'customer_currency';
  const groupTotals = new Map<string, Dec>();
  const groupKey = (inv: Invoice) => `${inv.customerExternalId}\u0000${inv.currency}`;
  const listed = (i: Invoice) => isOpen(i) && i.dueDate < today && !suppressed(i, pausesByCustomer.get(i.customerExternalId), today);
  if (grouped) {
    for (const g of new Set(items.map((i) => groupKey(i.invoice)))) {
      const [cust, cur] = g.split('\u0000') as [string, string];
      let t = new Dec(0);
      for (const i of index.byCustomer.get(cust) ?? []) if (i.currency === cur && listed(i)) t = t.plus(i.amountDue);
      groupTotals.set(g, t);
    }
  }
  // An invoice reaching a step before it is overdue (a courtesy reminder) is listed as well; siblings in the same
  // case are not counted here, so the figure checked never exceeds the one the action prints.
  const groupedAmount = (item: Dunnable): Dec => {
    const t = groupTotals.get(groupKey(item.invoice)) ?? new Dec(0);
    return listed(item.invoice) ? t : t.plus(item.amountDue);
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
  for (const { item, ov, dates } of due) {
    const customer = customers.get(item.invoice.customerExternalId);
    const segment = segments.get(item.invoice.customerExternalId);
    const amountForMin = grouped && item.kind === 'invoice' ? groupedAmount(item) : new Dec(item.amountDue);
    const skipped: string[] = [];
    for (let k = policy.steps.length - 1; k >= 0; k--) {
      const step = policy.steps[k] as PolicyStep;
      const key = actionKey(tenantId, item.scope, step.id, policy.version);
      if (isDone(key)) break;
      const on = dates[k] as string;
      if (on > today) continue;
      const why = await notApplicable(step, ov, item, customer, segment, amountForMin, on, today, policy, conditionFacts);
      if (why) {
        skipped.push(`${step.id} (${why})`);
        continue;
      }
      decisions.push({ item, stepIndex: k, scheduledOn: on, key, skipped });
      break;
    }
  }

  // 5. Build actions: one per decision, or one per customer+currency+step when grouping.
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
  if (!grouped) {
    for (const d of decisions) actions.push(buildAction(ctx, [d], d.key, d.item.kind === 'instalment' ? 'instalment' : 'invoice', []));
  } else {
    const groups = new Map<string, Decision[]>();
    for (const d of decisions) {
      if (d.item.kind === 'instalment') {
        actions.push(buildAction(ctx, [d], d.key, 'instalment', []));
        continue;
      }
      const g = `${groupKey(d.item.invoice)}\u0000${d.stepIndex}`;
      let l = groups.get(g);
      if (!l) groups.set(g, (l = []));
      l.push(d);
    }
    for (const list of groups.values()) {
      // Oldest first, whatever order the candidates came in (a full scan and an incremental run list them alike).
      list.sort((a, b) => a.item.dueDate.localeCompare(b.item.dueDate) || a.item.invoice.externalId.localeCompare(b.item.invoice.externalId));
      const first = list[0] as Decision;
      const inv = first.item.invoice;
      const step = policy.steps[first.stepIndex] as PolicyStep;
      const ids = list.map((d) => d.item.invoice.externalId).sort();
      const key = actionKey(tenantId, `cc:${inv.customerExternalId}:${inv.currency}:${fnv1a(ids.join(','))}`, step.id, policy.version);
      const triggered = new Set(ids);
      const others = (index.byCustomer.get(inv.customerExternalId) ?? []).filter((i) => i.currency === inv.currency && !triggered.has(i.externalId) && listed(i));
      actions.push(buildAction(ctx, list, key, 'customer_currency', others));
    }
  }
  actions.sort((a, b) => (a.idempotencyKey < b.idempotencyKey ? -1 : a.idempotencyKey > b.idempotencyKey ? 1 : 0));
  return { actions, revisit: new Set(due.map((d) => d.item.invoice.externalId)) };
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

function buildAction(ctx: BuildContext, decisions: Decision[], key: string, scope: PlannedAction['scope'], others: Invoice[]): PlannedAction {
  const { input } = ctx;
  const { policy, today } = input;
  const first = decisions[0] as Decision;
  const inv = first.item.invoice;
  const step = policy.steps[first.stepIndex] as PolicyStep;
  const currency = inv.currency;
  const lines: PlannedAction['invoices'] = decisions.map((d) => ({
    externalId: d.item.invoice.externalId,
    number: d.item.invoice.number ?? null,
    dueDate: d.item.dueDate,
    amountDue: d.item.amountDue,
    daysPastDue: daysBetween(d.item.dueDate, today),
    instalmentOf: d.item.kind === 'instalment' ? d.item.invoice.externalId : null,
    ...(d.item.kind === 'instalment' ? { invoiceAmountDue: d.item.invoice.amountDue } : {}),
    triggered: true,
  }));
  for (const o of others) lines.push({ externalId: o.externalId, number: o.number ?? null, dueDate: o.dueDate, amountDue: o.amountDue, daysPastDue: daysBetween(o.dueDate, today), instalmentOf: null, triggered: false });
  const credits = scope === 'customer_currency' ? (ctx.creditsByGroup.get(`${inv.customerExternalId}\u0000${currency}`) ?? []) : [];
  const amountDue = lines.reduce((a, l) => a.plus(l.amountDue), new Dec(0));
  const openCredits = credits.reduce((a, c) => a.plus(c.remaining), new Dec(0));
  const segment = ctx.segments.get(inv.customerExternalId);
  const min = policy.invoiceOverrides[inv.externalId]?.minAmount ?? policy.customerOverrides[inv.customerExternalId]?.minAmount ?? step.minAmount ?? policy.minAmount;

  const dpd = Math.max(...decisions.map((d) => daysBetween(d.item.dueDate, today)));
  const when = dpd > 0 ? `${dpd} days past due` : dpd === 0 ? 'due today' : `${-dpd} days before due`;
  const what = scope === 'customer_currency' ? `${decisions.length} invoice(s) reaching this step, ${lines.length} listed` : first.item.kind === 'instalment' ? `instalment ${first.item.scope.split(':').at(-1)} of plan ${first.item.pause?.id}` : `invoice ${inv.number ?? inv.externalId}`;
  const parts = [`step ${first.stepIndex + 1} (${step.id}): ${when}`, `${what}`, `${fmtGrouped(formatAmount(amountDue, currency))} ${currency} ≥ ${fmtGrouped(formatAmount(min, currency))}`, `segment ${segment ?? 'unknown'}`];
  if (first.scheduledOn < today) parts.push(`scheduled ${first.scheduledOn}, caught up`);
  if (first.skipped.length) parts.push(`later steps not applicable: ${first.skipped.join('; ')}`);
  const earlier = policy.steps.slice(0, first.stepIndex).map((s) => s.id);
  if (first.scheduledOn < today && earlier.length) parts.push(`earlier steps are never sent after a later one`);
  const resumed = decisions.map((d) => d.item.resumedFrom).find((p) => p);
  if (resumed) parts.push(`resumed after promise ${resumed.id} broken on ${resumed.expiresOn}`);

  const penalties: PlannedAction['penalties'] = [];
  if (step.includePenalties && policy.penalties) {
    for (const d of decisions) {
      const i = d.item.invoice;
      if (d.item.kind === 'instalment') continue;
      const { reductions, warnings } = reductionsFor(i, ctx.reductions);
      const basis: PenaltyBasis = { jurisdiction: policy.penalties.jurisdiction, amount: i.total, dueDate: i.dueDate, debtor: policy.penalties.debtor, contractRate: policy.penalties.contractRate ?? null, reductions, notes: warnings };
      // The same computation the executor repeats on the send date, so preview, plan and letter state one figure.
      const r = penaltyFromBasis(basis, i.currency, today, input.rates);
      if (warnings.length) parts.push(...warnings);
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
    stepIndex: first.stepIndex,
    channel: step.channel,
    templateId: step.templateId,
    dueOn: today,
    scheduledOn: first.scheduledOn,
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
    explain: parts.join(', '),
  };
}

function alertAction(input: EvaluateInput, key: string, message: string, inv: Invoice, p: Pause): PlannedAction {
  return {
    idempotencyKey: key,
    covers: [],
    tenantId: input.tenantId,
    policyId: input.policy.id,
    policyVersion: input.policy.version,
    stepId: 'broken-promise',
    stepIndex: -1,
    channel: 'alert',
    templateId: 'alert.broken_promise',
    dueOn: input.today,
    scheduledOn: addDays(p.expiresOn ?? input.today, 1),
    notBefore: null,
    scope: p.invoiceExternalId ? 'invoice' : 'customer',
    customerExternalId: p.customerExternalId,
    currency: inv.currency,
    invoices: [{ externalId: inv.externalId, number: inv.number ?? null, dueDate: inv.dueDate, amountDue: inv.amountDue, daysPastDue: daysBetween(inv.dueDate, input.today), instalmentOf: null, triggered: true }],
    credits: [],
    amountDue: inv.amountDue,
    openCredits: formatAmount(0, inv.currency),
    netDue: inv.amountDue,
    penalties: [],
    segment: null,
    explain: message,
  };
}
