// The operator's companies and the API tokens as the account pages work them: the companies there are, one created
// or opened in a session, and a company's tokens listed, made and revoked.
import { createApiToken, listApiTokens, listTenants, revokeApiToken, setSessionTenant, type ApiToken } from '../store/auth.js';
import type { Role } from '../store/team.js';
import { createTenant, getTenant, type Tenant } from '../store/tenants.js';
import type { AppDeps } from './deps.js';

/** Every company this service holds (the self-hosted admin's choice). */
export const allCompanies = (deps: AppDeps): Promise<Tenant[]> => listTenants(deps.sql);

/**
 * Creates a company and opens it in the session. An unknown time zone falls back to the configured default rather
 * than breaking every date computed later.
 */
export async function createCompany(deps: AppDeps, sessionId: string, input: { name: string; timeZone: string; locale: 'fr' | 'en' }): Promise<Tenant> {
  let timeZone = deps.config.DEFAULT_TIME_ZONE;
  try {
    new Intl.DateTimeFormat('en', { timeZone: input.timeZone });
    timeZone = input.timeZone;
  } catch {
    // the default
  }
  const tenant = await createTenant(deps.sql, { name: input.name, timeZone, locale: input.locale });
  await setSessionTenant(deps.sql, sessionId, tenant.id);
  return tenant;
}

/** Opens a company in the session; false when there is no such company. */
export async function openCompany(deps: AppDeps, sessionId: string, tenantId: string): Promise<boolean> {
  const tenant = /^[0-9a-f-]{36}$/i.test(tenantId) ? await getTenant(deps.sql, tenantId) : null;
  if (!tenant) return false;
  await setSessionTenant(deps.sql, sessionId, tenant.id);
  return true;
}

export const apiTokensOf = (deps: AppDeps, tenantId: string): Promise<ApiToken[]> => listApiTokens(deps.sql, tenantId);

/** A new API token with a role: the secret, to be shown once. */
export const newApiToken = async (deps: AppDeps, tenantId: string, name: string, role: Role): Promise<string> => (await createApiToken(deps.sql, tenantId, name, role)).token;

/** False when the company has no such token. */
export const revokeToken = (deps: AppDeps, tenantId: string, tokenId: string): Promise<boolean> => revokeApiToken(deps.sql, tenantId, tokenId);
