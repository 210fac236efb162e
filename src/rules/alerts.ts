// Alerts for the credit team: credit-limit exposure, overdue amount and age, broken promises, segment downgrades, reference rates; each keyed deterministically.
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
      if (p.customerExternalId === c.externalId && isBrokenPromise(p, input.today, invoices)) alerts.push(brokenPromiseAlert(input.tenantId, input.today, p, c.name, invoices.find((i) => i.externalId === p.invoiceExternalId)?.number));
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

/** The alert for a promise to pay whose date passed unpaid; keyed by the pause, so it is raised once. The invoice is named by its number. */
export function brokenPromiseAlert(tenantId: string, today: string, p: Pause, customerName?: string, invoiceNumber?: string | null): Alert {
  return {
    key: alertKey(tenantId, 'broken_promise', p.id),
    tenantId,
    kind: 'broken_promise',
    severity: 'warning',
    raisedOn: today,
    customerExternalId: p.customerExternalId,
    invoiceExternalId: p.invoiceExternalId ?? null,
    message: `${customerName ?? p.customerExternalId} promised to pay ${p.invoiceExternalId ? `invoice ${invoiceNumber ?? p.invoiceExternalId}` : 'its overdue invoices'}${p.amount ? ` (${p.amount})` : ''} by ${p.expiresOn} and has not; dunning resumes (owner: ${p.owner})`,
    data: { pauseId: p.id, promisedOn: p.expiresOn ?? null, owner: p.owner, invoiceNumber: invoiceNumber ?? null, amount: p.amount ?? null },
  };
}

/** Who a reference-rate alert concerns: every customer of the tenant, not one. */
export const ALL_CUSTOMERS = '*';

/**
 * One alert per missing rate and half-year (not per invoice), for the rates the tenant's policy reads (the caller
 * passes only those, src/rates/staleness.ts ratesUsedBy): penalty steps wait with RATE_MISSING meanwhile, and go out
 * once the rate is fetched. `name` is the rate in the team's words.
 */
export function rateMissingAlerts(tenantId: string, today: string, missing: ReadonlyArray<{ kind: string; name: string; period: string; message: string }>): Alert[] {
  return missing.map((m) => ({
    key: alertKey(tenantId, 'rate_missing', m.kind, m.period),
    tenantId,
    kind: 'rate_missing' as const,
    severity: 'warning' as const,
    raisedOn: today,
    customerExternalId: ALL_CUSTOMERS,
    message: `Penalties wait: the ${m.name} for ${halfYearWords(m.period)} is not known yet (${m.message}). Reminders that state penalties are held until it is fetched, then go out with the right figures.`,
    data: { rate: m.kind, period: m.period },
  }));
}

/** "2026-H2" as "the second half of 2026". */
const halfYearWords = (period: string): string => {
  const m = /^(\d{4})-H([12])$/.exec(period);
  return m ? `the ${m[2] === '1' ? 'first' : 'second'} half of ${m[1]}` : period;
};

/** A publisher offered a different value for a period already stored: the stored value is kept, a person decides. */
export function rateRevisedAlert(tenantId: string, today: string, r: { kind: string; period: string; storedValue: string; offeredValue: string; sourceUrl: string }): Alert {
  return {
    key: alertKey(tenantId, 'rate_revised', r.kind, r.period, r.offeredValue),
    tenantId,
    kind: 'rate_revised',
    severity: 'critical',
    raisedOn: today,
    customerExternalId: ALL_CUSTOMERS,
    message: `The publisher now gives ${r.offeredValue} % for ${r.kind} ${r.period}, where ${r.storedValue} % is stored and used. The stored value was kept: check the publication (${r.sourceUrl}) and, if the revision is right, correct it by RATES_FILE.`,
    data: { rate: r.kind, period: r.period, stored: r.storedValue, offered: r.offeredValue, source: r.sourceUrl },
  };
}
