// Alerts for the credit team: credit-limit exposure, overdue amount and age, broken promises, segment downgrades; each keyed deterministically.
import { z } from 'zod';
import { Amount, Dec, daysBetween, formatAmount, type Customer, type Invoice } from '../model/index.js';
import type { Alert, Pause } from '../model/collections.js';
import type { Segment } from './policy.js';
import { SEGMENT_RANK, isBrokenPromise } from './risk.js';

export const AlertThresholds = z.object({
  /** Percent of the credit limit; the highest one crossed raises an alert. */
  creditLimitPercents: z.array(z.number().positive()).default([50, 70, 90, 100]),
  /** Overdue total per currency above which an alert is raised, e.g. {EUR: "10000"}. */
  overdueAmount: z.record(z.string(), Amount).default({}),
  /** An invoice this many days past due raises an alert. */
  overdueAgeDays: z.number().int().positive().optional(),
});
export type AlertThresholds = z.infer<typeof AlertThresholds>;

export interface AlertInput {
  tenantId: string;
  today: string;
  customers: readonly Customer[];
  invoices: readonly Invoice[];
  pauses?: readonly Pause[];
  segments?: ReadonlyMap<string, Segment>;
  previousSegments?: ReadonlyMap<string, Segment>;
  thresholds?: Partial<AlertThresholds>;
}

const isOpen = (i: Invoice) => i.status !== 'paid' && i.status !== 'void' && i.status !== 'draft' && new Dec(i.amountDue).gt(0);

/** Deterministic alert key: the same situation on a re-run gives the same key, so the outbox keeps one. */
export function alertKey(tenantId: string, ...parts: Array<string | number>): string {
  return [tenantId, 'alert', ...parts].join('|');
}

/** All alerts warranted today. Keys carry the threshold crossed so each level alerts once. */
export function computeAlerts(input: AlertInput): Alert[] {
  const t = AlertThresholds.parse(input.thresholds ?? {});
  const alerts: Alert[] = [];
  const byCustomer = new Map<string, Invoice[]>();
  for (const i of input.invoices) {
    let list = byCustomer.get(i.customerExternalId);
    if (!list) byCustomer.set(i.customerExternalId, (list = []));
    list.push(i);
  }
  const percents = [...t.creditLimitPercents].sort((a, b) => b - a);
  for (const c of input.customers) {
    const invoices = byCustomer.get(c.externalId) ?? [];
    const open = invoices.filter(isOpen);
    if (c.creditLimit && new Dec(c.creditLimit).gt(0)) {
      // Exposure in the limit's currency: the customer's currency, else the only currency it is invoiced in.
      const currencies = new Set(open.map((i) => i.currency));
      const currency = c.currency ?? (currencies.size === 1 ? [...currencies][0] : undefined);
      if (currency) {
        const exposure = open.filter((i) => i.currency === currency).reduce((a, i) => a.plus(i.amountDue), new Dec(0));
        const pct = exposure.div(c.creditLimit).times(100);
        const crossed = percents.find((p) => pct.gte(p));
        if (crossed !== undefined) {
          alerts.push({
            key: alertKey(input.tenantId, 'credit_limit', c.externalId, crossed),
            tenantId: input.tenantId,
            kind: 'credit_limit',
            severity: crossed >= 100 ? 'critical' : crossed >= 90 ? 'warning' : 'info',
            raisedOn: input.today,
            customerExternalId: c.externalId,
            message: `${c.name}: ${formatAmount(exposure, currency)} ${currency} open is ${pct.toDecimalPlaces(1).toString()} % of the ${formatAmount(c.creditLimit, currency)} credit limit (≥ ${crossed} %)`,
            data: { exposure: formatAmount(exposure, currency), creditLimit: c.creditLimit, currency, percent: pct.toDecimalPlaces(1).toString(), threshold: crossed },
          });
        }
      }
    }
    const overdue = open.filter((i) => i.dueDate < input.today);
    const perCurrency = new Map<string, Dec>();
    for (const i of overdue) perCurrency.set(i.currency, (perCurrency.get(i.currency) ?? new Dec(0)).plus(i.amountDue));
    for (const [currency, total] of perCurrency) {
      const limit = t.overdueAmount[currency];
      if (limit !== undefined && total.gte(limit)) {
        alerts.push({
          key: alertKey(input.tenantId, 'overdue_amount', c.externalId, currency, limit),
          tenantId: input.tenantId,
          kind: 'overdue_amount',
          severity: 'warning',
          raisedOn: input.today,
          customerExternalId: c.externalId,
          message: `${c.name}: ${formatAmount(total, currency)} ${currency} overdue (≥ ${formatAmount(limit, currency)})`,
          data: { overdue: formatAmount(total, currency), currency, threshold: limit },
        });
      }
    }
    if (t.overdueAgeDays !== undefined) {
      for (const i of overdue) {
        const age = daysBetween(i.dueDate, input.today);
        if (age >= t.overdueAgeDays) {
          alerts.push({
            key: alertKey(input.tenantId, 'overdue_age', i.externalId, t.overdueAgeDays),
            tenantId: input.tenantId,
            kind: 'overdue_age',
            severity: 'warning',
            raisedOn: input.today,
            customerExternalId: c.externalId,
            invoiceExternalId: i.externalId,
            message: `${c.name}: invoice ${i.number ?? i.externalId} is ${age} days past due (≥ ${t.overdueAgeDays})`,
            data: { days: age, threshold: t.overdueAgeDays, amountDue: i.amountDue, currency: i.currency },
          });
        }
      }
    }
    for (const p of input.pauses ?? []) {
      if (p.customerExternalId === c.externalId && isBrokenPromise(p, input.today, invoices)) alerts.push(brokenPromiseAlert(input.tenantId, input.today, p, c.name));
    }
    const now = input.segments?.get(c.externalId);
    const before = input.previousSegments?.get(c.externalId);
    if (now && before && SEGMENT_RANK[now] > SEGMENT_RANK[before]) {
      alerts.push({
        key: alertKey(input.tenantId, 'segment_downgrade', c.externalId, `${before}>${now}`, input.today),
        tenantId: input.tenantId,
        kind: 'segment_downgrade',
        severity: now === 'bad_payer' ? 'critical' : 'warning',
        raisedOn: input.today,
        customerExternalId: c.externalId,
        message: `${c.name} moved from ${before} to ${now}`,
        data: { from: before, to: now },
      });
    }
  }
  return alerts;
}

/** The alert for a promise to pay whose date passed unpaid; keyed by the pause, so it is raised once. */
export function brokenPromiseAlert(tenantId: string, today: string, p: Pause, customerName?: string): Alert {
  return {
    key: alertKey(tenantId, 'broken_promise', p.id),
    tenantId,
    kind: 'broken_promise',
    severity: 'warning',
    raisedOn: today,
    customerExternalId: p.customerExternalId,
    invoiceExternalId: p.invoiceExternalId ?? null,
    message: `${customerName ?? p.customerExternalId} promised to pay ${p.invoiceExternalId ? `invoice ${p.invoiceExternalId}` : 'its overdue invoices'} by ${p.expiresOn} and has not; dunning resumes (owner: ${p.owner})`,
    data: { pauseId: p.id, promisedOn: p.expiresOn ?? null, owner: p.owner },
  };
}
