// Loads the facts behind the KPIs of one tenant (optionally one connection) from PostgreSQL: one query per table.
import type { CreditNote, Customer, Invoice, Pause, Payment } from '../model/index.js';
import type { Sql } from '../store/db.js';
import { listPauses } from '../store/pauses.js';
import type { MonthConvention } from './ledger.js';
import { type KpiSnapshot, type TrendPoint, computeKpis, dsoTrend } from './snapshot.js';

export interface KpiFacts {
  customers: Pick<Customer, 'externalId' | 'name'>[];
  invoices: Invoice[];
  creditNotes: CreditNote[];
  payments: Payment[];
  promises: Pause[];
}

export interface FactsFilter {
  currency: string;
  connectionId?: string;
}

/**
 * The normalized records (`data` jsonb) of one tenant and currency. Draft and void invoices, void payments
 * and draft/void credit notes are filtered in SQL; everything else is loaded whatever its date, because a
 * payment dated after asOf is what lets the ledger roll an invoice back to its earlier balance.
 */
export async function loadKpiFacts(sql: Sql, tenantId: string, filter: FactsFilter): Promise<KpiFacts> {
  const conn = filter.connectionId ?? null;
  const cur = filter.currency;
  const [customers, invoices, creditNotes, payments, pauses] = await Promise.all([
    sql<{ external_id: string; name: string }[]>`
      select external_id, name from customers
      where tenant_id = ${tenantId} and (${conn}::uuid is null or connection_id = ${conn}::uuid)
      order by external_id`,
    sql<{ data: Invoice }[]>`
      select data from invoices
      where tenant_id = ${tenantId} and (${conn}::uuid is null or connection_id = ${conn}::uuid)
        and currency = ${cur} and status not in ('draft', 'void')
      order by external_id`,
    sql<{ data: CreditNote }[]>`
      select data from credit_notes
      where tenant_id = ${tenantId} and (${conn}::uuid is null or connection_id = ${conn}::uuid)
        and currency = ${cur} and status not in ('draft', 'void')
      order by external_id`,
    sql<{ data: Payment }[]>`
      select data from payments
      where tenant_id = ${tenantId} and (${conn}::uuid is null or connection_id = ${conn}::uuid)
        and currency = ${cur} and status <> 'void'
      order by external_id`,
    listPauses(sql, tenantId, conn ? { connectionId: conn } : {}),
  ]);
  return {
    customers: customers.map((c) => ({ externalId: c.external_id, name: c.name })),
    invoices: invoices.map((r) => r.data),
    creditNotes: creditNotes.map((r) => r.data),
    payments: payments.map((r) => r.data),
    // A promise stays evidence after it is resolved, broken or expired: the kept rate needs them all.
    promises: pauses.filter((p) => p.kind === 'promise'),
  };
}

/** The currencies a tenant has invoices in, so the dashboard can show one set of KPIs per currency. */
export async function tenantCurrencies(sql: Sql, tenantId: string, connectionId?: string): Promise<string[]> {
  const conn = connectionId ?? null;
  const rows = await sql<{ currency: string }[]>`
    select distinct currency::text as currency from invoices
    where tenant_id = ${tenantId} and (${conn}::uuid is null or connection_id = ${conn}::uuid) and status not in ('draft', 'void')
    order by 1`;
  return rows.map((r) => r.currency);
}

export interface TenantKpiOptions {
  asOf: string;
  currency: string;
  connectionId?: string;
  /** Default 90 days. */
  periodDays?: number;
  /** Months in the DSO trend, default 12. */
  trendMonths?: number;
  agingEdges?: readonly number[];
  monthConvention?: MonthConvention;
  graceDays?: number;
}

/** The KPI snapshot and DSO trend of one tenant and currency as of `asOf` (the caller's clock, e.g. today in the tenant's zone). */
export async function tenantKpis(sql: Sql, tenantId: string, options: TenantKpiOptions): Promise<{ kpis: KpiSnapshot; trend: TrendPoint[]; customers: number }> {
  const filter: FactsFilter = options.connectionId ? { currency: options.currency, connectionId: options.connectionId } : { currency: options.currency };
  const facts = await loadKpiFacts(sql, tenantId, filter);
  const kpis = computeKpis({
    ...facts,
    asOf: options.asOf,
    currency: options.currency,
    periodDays: options.periodDays ?? 90,
    ...(options.agingEdges ? { agingEdges: options.agingEdges } : {}),
    ...(options.monthConvention ? { monthConvention: options.monthConvention } : {}),
    ...(options.graceDays !== undefined ? { graceDays: options.graceDays } : {}),
  });
  const trend = dsoTrend({ ...facts, asOf: options.asOf, currency: options.currency, months: options.trendMonths ?? 12, ...(options.monthConvention ? { monthConvention: options.monthConvention } : {}) });
  return { kpis, trend, customers: facts.customers.length };
}
