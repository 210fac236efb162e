// Default executor lookups backed by the store: current invoices and customers as last synced, the tenant and its company profile.
import type { Customer, Invoice } from '../model/index.js';
import type { Sql } from '../store/db.js';
import { listDocuments } from '../store/documents.js';
import { getTenant } from '../store/tenants.js';
import { getCompanyProfile } from '../store/company-profiles.js';
import { companyFromProfile } from './letterhead.js';
import type { ExecutionContext, ExecutorDeps, TenantProfile } from './executor.js';
import type { CompanyProfile } from './vars.js';

/**
 * freshness/customer/profile read from PostgreSQL. Freshness is only as fresh as the last sync: run a sync
 * (or pass a connector-backed freshness) right before sending when webhooks are not set up.
 */
export function storeLookups(sql: Sql, company?: (tenantId: string, name: string) => CompanyProfile): Pick<ExecutorDeps, 'freshness' | 'customer' | 'profile'> {
  return {
    freshness: async (ctx: ExecutionContext, ids: readonly string[]): Promise<Invoice[]> => {
      const filter = { externalIds: ids, ...(ctx.connectionId ? { connectionId: ctx.connectionId } : {}) };
      return (await listDocuments(sql, ctx.tenantId, 'invoice', filter)).map((d) => d.record);
    },
    customer: async (ctx: ExecutionContext, id: string): Promise<Customer | null> => {
      const filter = { externalIds: [id], ...(ctx.connectionId ? { connectionId: ctx.connectionId } : {}) };
      return (await listDocuments(sql, ctx.tenantId, 'customer', filter))[0]?.record ?? null;
    },
    profile: async (tenantId: string): Promise<TenantProfile> => {
      const t = await getTenant(sql, tenantId);
      if (!t) throw new Error(`tenant ${tenantId} does not exist`);
      // The company profile from the settings (letterhead, legal mentions, bank details); the tenant's name alone before it is filled in.
      return { locale: t.locale, timeZone: t.timeZone, company: company ? company(tenantId, t.name) : companyFromProfile(await getCompanyProfile(sql, tenantId), t.name) };
    },
  };
}
