// Risk segments (reliable | watch | bad_payer) from payment history, with configurable thresholds and the reasons shown to users.
import { z } from 'zod';
import { Dec, daysBetween, type Invoice, type Payment } from '../model/index.js';
import type { Pause } from '../model/collections.js';
import { activeOn } from './pause-cover.js';
import type { Segment } from './policy.js';

export const RiskThresholds = z.object({
  /** Paid invoices whose payment date falls in the last N days are considered. */
  windowDays: z.number().int().positive().default(180),
  /** Paying this many days late or less is not counted as late. */
  toleranceDays: z.number().int().nonnegative().default(3),
  /** The share of late invoices counts only from this many paid invoices: one late payment is not a pattern. */
  minSampleForShare: z.number().int().positive().default(3),
  watch: z.object({ avgDaysLate: z.number().default(10), lateShare: z.number().min(0).max(1).default(0.3), maxDaysOverdue: z.number().default(30), brokenPromises: z.number().int().default(1) }).default({ avgDaysLate: 10, lateShare: 0.3, maxDaysOverdue: 30, brokenPromises: 1 }),
  badPayer: z.object({ avgDaysLate: z.number().default(30), lateShare: z.number().min(0).max(1).default(0.6), maxDaysOverdue: z.number().default(60), brokenPromises: z.number().int().default(2) }).default({ avgDaysLate: 30, lateShare: 0.6, maxDaysOverdue: 60, brokenPromises: 2 }),
});
export type RiskThresholds = z.infer<typeof RiskThresholds>;
export const DEFAULT_RISK_THRESHOLDS: RiskThresholds = RiskThresholds.parse({});

export const SEGMENT_RANK: Record<Segment, number> = { reliable: 0, watch: 1, bad_payer: 2 };

export interface PaidFact { dueDate: string; paidOn: string; amount: string }
export interface OpenFact { dueDate: string; amountDue: string }

/** Why a customer is in its segment, as data pages say in their own language (`reasons` is the English sentence). */
export type RiskWhy =
  | { code: 'avg_late'; days: number; windowDays: number; min: number }
  | { code: 'late_share'; pct: number; count: number; min: number }
  | { code: 'overdue'; days: number; min: number }
  | { code: 'broken_promises'; count: number; min: number }
  | { code: 'on_time' }
  | { code: 'insolvency'; since: string };

export interface RiskAssessment {
  segment: Segment;
  reasons: string[];
  why: RiskWhy[];
  metrics: { avgDaysLate: number; lateShare: number; maxDaysOverdue: number; brokenPromises: number; paidCount: number };
}

/** Segment of one customer from its paid and open invoices. */
export function assessRisk(input: { today: string; paid: readonly PaidFact[]; open: readonly OpenFact[]; brokenPromises?: number; thresholds?: RiskThresholds; insolventSince?: string | null }): RiskAssessment {
  const t = input.thresholds ?? DEFAULT_RISK_THRESHOLDS;
  const recent = input.paid.filter((p) => daysBetween(p.paidOn, input.today) <= t.windowDays && p.paidOn <= input.today);
  let weighted = new Dec(0);
  let weight = new Dec(0);
  let late = 0;
  for (const p of recent) {
    const daysLate = Math.max(0, daysBetween(p.dueDate, p.paidOn));
    weighted = weighted.plus(new Dec(p.amount).abs().times(daysLate));
    weight = weight.plus(new Dec(p.amount).abs());
    if (daysLate > t.toleranceDays) late++;
  }
  const avgDaysLate = weight.isZero() ? 0 : weighted.div(weight).toDecimalPlaces(1).toNumber();
  const lateShare = recent.length === 0 ? 0 : Math.round((late / recent.length) * 1000) / 1000;
  let maxDaysOverdue = 0;
  for (const o of input.open) if (new Dec(o.amountDue).gt(0)) maxDaysOverdue = Math.max(maxDaysOverdue, daysBetween(o.dueDate, input.today));
  const brokenPromises = input.brokenPromises ?? 0;
  const metrics = { avgDaysLate, lateShare, maxDaysOverdue, brokenPromises, paidCount: recent.length };

  const check = (level: RiskThresholds['watch']): RiskWhy[] => {
    const r: RiskWhy[] = [];
    if (avgDaysLate >= level.avgDaysLate && recent.length > 0) r.push({ code: 'avg_late', days: avgDaysLate, windowDays: t.windowDays, min: level.avgDaysLate });
    if (lateShare >= level.lateShare && recent.length >= t.minSampleForShare) r.push({ code: 'late_share', pct: Math.round(lateShare * 100), count: recent.length, min: Math.round(level.lateShare * 100) });
    if (maxDaysOverdue >= level.maxDaysOverdue) r.push({ code: 'overdue', days: maxDaysOverdue, min: level.maxDaysOverdue });
    if (brokenPromises >= level.brokenPromises && level.brokenPromises > 0) r.push({ code: 'broken_promises', count: brokenPromises, min: level.brokenPromises });
    return r;
  };
  const assessed = (segment: Segment, why: RiskWhy[]): RiskAssessment => ({ segment, reasons: why.map(riskReason), why, metrics });
  // Under insolvency proceedings (an active insolvency pause): the highest risk whatever the history says.
  const insolvency: RiskWhy[] = input.insolventSince ? [{ code: 'insolvency', since: input.insolventSince }] : [];
  const bad = check(t.badPayer);
  if (bad.length || insolvency.length) return assessed('bad_payer', [...insolvency, ...bad]);
  const watch = check(t.watch);
  if (watch.length) return assessed('watch', watch);
  return assessed('reliable', [{ code: 'on_time' }]);
}

/** The English sentence for a risk reason (logs, API, explanations). */
export function riskReason(w: RiskWhy): string {
  switch (w.code) {
    case 'avg_late':
      return `pays on average ${w.days} days late over ${w.windowDays} days (≥ ${w.min})`;
    case 'late_share':
      return `${w.pct} % of ${w.count} invoices paid late (≥ ${w.min} %)`;
    case 'overdue':
      return `an invoice is ${w.days} days overdue (≥ ${w.min})`;
    case 'broken_promises':
      return `${w.count} broken promise(s) to pay (≥ ${w.min})`;
    case 'on_time':
      return 'pays on time';
    case 'insolvency':
      return `under insolvency proceedings since ${w.since}`;
  }
}

/** Date each fully paid invoice was settled: the latest payment allocated to it. */
export function paidOnDates(payments: readonly Payment[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of payments) {
    if (p.status === 'void') continue;
    for (const a of p.allocations) {
      const prev = out.get(a.invoiceExternalId);
      if (!prev || p.date > prev) out.set(a.invoiceExternalId, p.date);
    }
  }
  return out;
}

/** Promises to pay whose date has passed while what they covered is still unpaid. */
export function isBrokenPromise(p: Pause, today: string, invoicesOfCustomer: readonly Invoice[]): boolean {
  if (p.kind !== 'promise' || !p.expiresOn || p.expiresOn >= today) return false;
  const promised = p.expiresOn;
  const covered = invoicesOfCustomer.filter(
    (i) => (p.invoiceExternalId ? i.externalId === p.invoiceExternalId : i.dueDate <= promised) && i.status !== 'paid' && i.status !== 'void' && i.status !== 'draft' && new Dec(i.amountDue).gt(0),
  );
  // A promise of part of the balance is kept once the balance it covered fell by the amount promised.
  if (p.amount && p.balanceAtOpen) {
    const owed = covered.reduce((a, i) => a.plus(i.amountDue), new Dec(0));
    return owed.gt(new Dec(p.balanceAtOpen).minus(p.amount));
  }
  return covered.length > 0;
}

/** Segments for the given customers from their invoices, payments and promise history. */
export function segmentCustomers(input: {
  today: string;
  invoicesByCustomer: ReadonlyMap<string, readonly Invoice[]>;
  customerIds: Iterable<string>;
  payments?: readonly Payment[];
  pauses?: readonly Pause[];
  thresholds?: RiskThresholds;
}): Map<string, RiskAssessment> {
  const paidOn = paidOnDates(input.payments ?? []);
  const out = new Map<string, RiskAssessment>();
  for (const id of input.customerIds) {
    const invoices = input.invoicesByCustomer.get(id) ?? [];
    const paid: PaidFact[] = [];
    const open: OpenFact[] = [];
    for (const i of invoices) {
      if (i.status === 'paid') {
        const on = paidOn.get(i.externalId);
        if (on) paid.push({ dueDate: i.dueDate, paidOn: on, amount: i.total });
      } else if (i.status !== 'void' && i.status !== 'draft' && i.dueDate < input.today) open.push({ dueDate: i.dueDate, amountDue: i.amountDue });
    }
    const broken = (input.pauses ?? []).filter((p) => p.customerExternalId === id && isBrokenPromise(p, input.today, invoices)).length;
    const insolvency = (input.pauses ?? []).filter((p) => p.customerExternalId === id && p.kind === 'insolvency' && activeOn(p, input.today)).map((p) => p.startsOn).sort()[0];
    const a: Parameters<typeof assessRisk>[0] = { today: input.today, paid, open, brokenPromises: broken, insolventSince: insolvency ?? null };
    if (input.thresholds) a.thresholds = input.thresholds;
    out.set(id, assessRisk(a));
  }
  return out;
}
