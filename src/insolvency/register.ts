// Suggestions of a customer's SIREN from the State's public company register, for a customer whose books carry none
// (#27: "suggest matches by name and postcode ... confirmed by a person on the customer's page, never silently").
// Publisher: API Recherche d'entreprises (Annuaire des Entreprises, DINUM), free, no key:
//   GET https://recherche-entreprises.api.gouv.fr/search?q=<name>&code_postal=<postcode>&per_page=5
// (github.com/annuaire-entreprises-data-gouv-fr/search-api, README: "Recherche textuelle", "Recherche avec filtres").
// Fields read: results[].siren, .nom_complet, .etat_administratif ("A" active, "C" ceased), .siege.code_postal,
// .siege.libelle_commune, .siege.adresse. The request rate limit is not in the README (third parties cite about
// 7 requests per second: UNCONFIRMED); we ask once per click of a person, never in bulk.
import { z } from 'zod';
import { defaultGet, PublisherUnavailable, type Get } from './bodacc.js';
import { COMPANIES_HOUSE_BASE, basicAuth } from './companies-house.js';
import { normaliseRegNo, regNoKind } from '../model/company-ids.js';

export const COMPANY_REGISTER_BASE = 'https://recherche-entreprises.api.gouv.fr';

export interface CompanySuggestion {
  /** A SIREN (French register) or a UK company number (Companies House). */
  number: string;
  name: string;
  postalCode: string | null;
  city: string | null;
  address: string | null;
  active: boolean;
}

const Result = z.object({
  siren: z.string().regex(/^\d{9}$/, 'not a SIREN'),
  nom_complet: z.string().min(1),
  etat_administratif: z.string().nullish(),
  siege: z.object({ code_postal: z.string().nullish(), libelle_commune: z.string().nullish(), adresse: z.string().nullish() }).nullish(),
});
const Page = z.object({ results: z.array(z.unknown()) });

export function searchUrl(base: string, name: string, postalCode: string | null): string {
  const params = new URLSearchParams({ q: name, per_page: '5' });
  if (postalCode && /^\d{5}$/.test(postalCode)) params.set('code_postal', postalCode);
  return `${base}/search?${params}`;
}

/**
 * Up to five companies matching `name` (and the postcode when it is a French one), best first as the register ranks
 * them. Throws PublisherUnavailable when the register cannot answer; a result it serves malformed is left out.
 */
export async function suggestCompanies(name: string, postalCode: string | null, opts: { base?: string; get?: Get } = {}): Promise<CompanySuggestion[]> {
  const q = name.trim();
  if (q.length < 3) return [];
  let res: { status: number; body: unknown };
  try {
    res = await (opts.get ?? defaultGet)(searchUrl(opts.base ?? COMPANY_REGISTER_BASE, q.slice(0, 100), postalCode?.replace(/\s/g, '') ?? null));
  } catch (e) {
    throw new PublisherUnavailable(null, `company register unreachable: ${(e as Error).message}`);
  }
  if (res.status !== 200) throw new PublisherUnavailable(res.status, `company register answered ${res.status}`);
  const page = Page.safeParse(res.body);
  if (!page.success) throw new PublisherUnavailable(res.status, 'company register page unreadable');
  const out: CompanySuggestion[] = [];
  for (const r of page.data.results) {
    const p = Result.safeParse(r);
    if (!p.success) continue;
    out.push({
      number: p.data.siren,
      name: p.data.nom_complet,
      postalCode: p.data.siege?.code_postal ?? null,
      city: p.data.siege?.libelle_commune ?? null,
      address: p.data.siege?.adresse ?? null,
      active: p.data.etat_administratif !== 'C',
    });
  }
  return out.slice(0, 5);
}

// UK: Companies House's company search, with the same key as the insolvency watch (HTTP Basic, key as user name):
//   GET https://api.company-information.service.gov.uk/search/companies?q=<name>&items_per_page=20
// Fields read (as Companies House's public clients and its published spec name them): items[].company_number,
// .title, .company_status ("active", "dissolved", "liquidation", ...), .address_snippet, .address.postal_code. The
// search has no postcode filter: the matches in the customer's postcode are put first.
const UkItem = z.object({
  company_number: z.string().min(1),
  title: z.string().min(1),
  company_status: z.string().nullish(),
  address_snippet: z.string().nullish(),
  address: z.object({ postal_code: z.string().nullish(), locality: z.string().nullish() }).nullish(),
});
const UkPage = z.object({ items: z.array(z.unknown()).default([]) });

export async function suggestUkCompanies(name: string, postalCode: string | null, opts: { apiKey: string; base?: string; get?: Get }): Promise<CompanySuggestion[]> {
  const q = name.trim();
  if (q.length < 2) return [];
  const url = `${opts.base ?? COMPANIES_HOUSE_BASE}/search/companies?${new URLSearchParams({ q: q.slice(0, 100), items_per_page: '20' })}`;
  let res: { status: number; body: unknown };
  try {
    res = await (opts.get ?? defaultGet)(url, { authorization: basicAuth(opts.apiKey) });
  } catch (e) {
    throw new PublisherUnavailable(null, `Companies House unreachable: ${(e as Error).message}`);
  }
  if (res.status !== 200) throw new PublisherUnavailable(res.status, `Companies House answered ${res.status}`);
  const page = UkPage.safeParse(res.body);
  if (!page.success) throw new PublisherUnavailable(res.status, 'Companies House page unreadable');
  const same = (a: string | null | undefined) => !!a && !!postalCode && a.replace(/\s/g, '').toUpperCase() === postalCode.replace(/\s/g, '').toUpperCase();
  const out: (CompanySuggestion & { here: boolean })[] = [];
  for (const r of page.data.items) {
    const p = UkItem.safeParse(r);
    const number = p.success ? normaliseRegNo(p.data.company_number) : null;
    if (!p.success || !number || regNoKind(number) !== 'uk_company') continue;
    out.push({
      number,
      name: p.data.title,
      postalCode: p.data.address?.postal_code ?? null,
      city: p.data.address?.locality ?? null,
      address: p.data.address_snippet ?? null,
      active: !p.data.company_status || p.data.company_status === 'active',
      here: same(p.data.address?.postal_code),
    });
  }
  return out.sort((a, b) => Number(b.here) - Number(a.here)).slice(0, 5).map(({ here: _here, ...s }) => s);
}
