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

export const COMPANY_REGISTER_BASE = 'https://recherche-entreprises.api.gouv.fr';

export interface CompanySuggestion {
  siren: string;
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
      siren: p.data.siren,
      name: p.data.nom_complet,
      postalCode: p.data.siege?.code_postal ?? null,
      city: p.data.siege?.libelle_commune ?? null,
      address: p.data.siege?.adresse ?? null,
      active: p.data.etat_administratif !== 'C',
    });
  }
  return out.slice(0, 5);
}
