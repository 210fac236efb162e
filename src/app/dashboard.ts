// The figures the dashboard and the API's KPI endpoint show: the KPI snapshot and DSO trend in one currency, and what
// the dashboard warns about (reference rates not yet known, sending off, customers under insolvency proceedings).
import { tenantCurrencies, tenantKpis, type KpiSnapshot, type TrendPoint } from '../kpi/index.js';
import { dateInZone } from '../model/index.js';
import { tenantMissingRates } from '../collections/missing-rates.js';
import { customersUnderProceedings, type UnderProceedings } from '../store/insolvency.js';
import type { Tenant } from '../store/tenants.js';
import { nowOf, type AppDeps } from './deps.js';
import { sendingOff, type SendingOff } from './sending.js';

export type KpiFigures = { currencies: string[]; currency: string; asOf: string; kpis: KpiSnapshot; trend: TrendPoint[] } | { currencies: string[]; currency: null; asOf: string; kpis: null; trend: [] };

/**
 * The KPIs in one of the tenant's currencies as of a day (today in the company's calendar unless `asOf` is a date).
 * A currency the tenant does not have gives none when `strict` (the API), the first one otherwise (the page).
 */
export async function kpiFigures(deps: AppDeps, tenant: Tenant, want: { currency?: string | undefined; asOf?: string | undefined; strict?: boolean } = {}): Promise<KpiFigures> {
  const currencies = await tenantCurrencies(deps.sql, tenant.id);
  const currency = currencies.find((x) => x === want.currency) ?? (want.strict && want.currency ? null : currencies[0] ?? null);
  const asOf = want.asOf && /^\d{4}-\d{2}-\d{2}$/.test(want.asOf) ? want.asOf : dateInZone(nowOf(deps), tenant.timeZone);
  if (!currency) return { currencies, currency: null, asOf, kpis: null, trend: [] };
  const { kpis, trend } = await tenantKpis(deps.sql, tenant.id, { asOf, currency });
  return { currencies, currency, asOf, kpis, trend };
}

export interface Dashboard {
  figures: KpiFigures;
  rates: Awaited<ReturnType<typeof tenantMissingRates>>;
  sendingOff: SendingOff[];
  underProceedings: UnderProceedings[];
}

/** Everything the dashboard shows, in the currency asked for (else the tenant's first). */
export async function dashboard(deps: AppDeps, tenant: Tenant, currency: string | undefined): Promise<Dashboard> {
  const today = dateInZone(nowOf(deps), tenant.timeZone);
  const [figures, rates, off, underProceedings] = await Promise.all([
    kpiFigures(deps, tenant, { currency }),
    tenantMissingRates(deps.sql, tenant, today, deps.addedRates),
    sendingOff(deps, tenant.id, nowOf(deps)),
    customersUnderProceedings(deps.sql, tenant.id),
  ]);
  return { figures, rates, sendingOff: off, underProceedings };
}
