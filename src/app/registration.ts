// A customer's registration number (SIREN or UK company number) as the customer page works it: which public register
// it is looked up in, the register's suggestions, a number confirmed or forgotten, and the claim declaration it allows.
import { PublisherUnavailable } from '../insolvency/bodacc.js';
import { customerDeclaration, type DeclarationOptions } from '../insolvency/declaration-service.js';
import { suggestCompanies, suggestUkCompanies } from '../insolvency/register.js';
import { checkSiren, normaliseRegNo, regNoKind } from '../model/company-ids.js';
import type { Customer } from '../model/index.js';
import { confirmRegNo, regNoState } from '../store/insolvency.js';
import type { Tenant } from '../store/tenants.js';
import type { AppDeps } from './deps.js';

export type Register = 'fr' | 'uk' | 'uk_no_key' | null;

/** The public register a customer is looked up in, by its country (none given: France); UK without an API key: none to ask. */
export function registerOf(deps: Pick<AppDeps, 'config'>, customer: Customer): Register {
  const country = customer.address?.country?.trim() ?? '';
  if (!country || /^(FR|FRA|France)$/i.test(country)) return 'fr';
  if (/^(GB|GBR|UK|United Kingdom|Great Britain|England|Scotland|Wales|Northern Ireland)$/i.test(country)) return deps.config.COMPANIES_HOUSE_API_KEY ? 'uk' : 'uk_no_key';
  return null;
}

/** Suggestions from the customer's public register (asked only when a person clicks the search: one request a click). */
export async function registerSuggestions(deps: Pick<AppDeps, 'config'>, customer: Customer) {
  const register = registerOf(deps, customer);
  if (register !== 'fr' && register !== 'uk') return null;
  const postcode = customer.address?.postalCode?.trim() ?? null;
  try {
    if (register === 'uk') {
      const opts = { apiKey: deps.config.COMPANIES_HOUSE_API_KEY!, ...(deps.config.COMPANIES_HOUSE_URL ? { base: deps.config.COMPANIES_HOUSE_URL } : {}) };
      return { suggestions: await suggestUkCompanies(customer.name, postcode, opts), postcode };
    }
    return { suggestions: await suggestCompanies(customer.name, postcode, deps.config.COMPANY_REGISTER_URL ? { base: deps.config.COMPANY_REGISTER_URL } : {}), postcode };
  } catch (e) {
    if (e instanceof PublisherUnavailable) return { unavailable: true as const };
    throw e;
  }
}

/** The number in the books, the one a person confirmed and by whom; null when there is no such customer. */
export const registrationOf = (deps: AppDeps, tenantId: string, connectionId: string, customerId: string) => regNoState(deps.sql, tenantId, connectionId, customerId);

/**
 * A number a person confirms (picked among the suggestions or typed): a SIREN with its checksum checked (a SIRET gives
 * its first 9 digits) or a UK company number. Saved, the insolvency watch reads it now rather than tomorrow.
 */
export async function confirmRegistration(deps: AppDeps, tenantId: string, connectionId: string, customerId: string, typed: string, by: string): Promise<'not_found' | 'invalid' | 'saved'> {
  if (!(await regNoState(deps.sql, tenantId, connectionId, customerId))) return 'not_found';
  const number = normaliseRegNo(typed);
  const kind = number ? regNoKind(number) : null;
  if (!number || !kind || (kind === 'siren' && checkSiren(number) !== 'ok')) return 'invalid';
  await confirmRegNo(deps.sql, tenantId, connectionId, customerId, number, by);
  await deps.enqueueInsolvency?.(tenantId);
  return 'saved';
}

/** Forgets the confirmed number (the books' number, if any, stays); false when there is no such customer. */
export const forgetRegistration = (deps: AppDeps, tenantId: string, connectionId: string, customerId: string, by: string): Promise<boolean> => confirmRegNo(deps.sql, tenantId, connectionId, customerId, null, by);

/**
 * The pre-filled claim declaration (déclaration de créance, or a UK proof of debt) as of the judgment; null when there is
 * no such customer. Throws DeclarationRefused when it cannot be made (no notice, a rate missing…).
 */
export async function claimDeclaration(deps: AppDeps, tenant: Tenant, connectionId: string, customerId: string, opts: Omit<DeclarationOptions, 'added'>) {
  if (!(await regNoState(deps.sql, tenant.id, connectionId, customerId))) return null;
  return customerDeclaration(deps.sql, tenant, connectionId, customerId, { ...opts, ...(deps.addedRates ? { added: deps.addedRates } : {}) });
}
