// Simulator of the State's company register search (API Recherche d'entreprises, `GET /search`) as msw handlers, for
// tests and demos: it ranks its SIMULATED companies by how many words of `q` their name holds, filters on
// `code_postal`, pages with `per_page` (default 10, at most 25) and `page`, and answers the shape the real API serves
// (results[], total_results, page, per_page, total_pages). A query shorter than 3 characters is refused with a 400,
// as public clients of the API report (UNCONFIRMED in the official README).
import { http, HttpResponse, type RequestHandler } from 'msw';
import { serveAtOrigin } from './serve.js';

export interface RegisterCompany {
  siren: string;
  name: string;
  postalCode: string;
  city: string;
  address: string;
  /** "A" active, "C" ceased. */
  state?: 'A' | 'C';
}

const words = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 1);

export function createRegister(origin: string, companies: RegisterCompany[]) {
  const state = { companies: [...companies], requests: 0, down: false };
  const search = http.get(`${origin}/search`, ({ request }) => {
    state.requests++;
    if (state.down) return new HttpResponse('Service Unavailable', { status: 503 });
    const url = new URL(request.url);
    const q = (url.searchParams.get('q') ?? '').trim();
    if (q.length < 3) return HttpResponse.json({ erreur: 'Veuillez indiquer au moins 3 caractères.' }, { status: 400 });
    const perPage = Math.min(25, Math.max(1, Number(url.searchParams.get('per_page') ?? 10) || 10));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const postcode = url.searchParams.get('code_postal');
    const wanted = words(q);
    const ranked = state.companies
      .filter((c) => !postcode || c.postalCode === postcode)
      .map((c) => ({ c, score: words(c.name).filter((w) => wanted.includes(w)).length }))
      .filter((x) => x.score > 0)
      .sort((a, b) => b.score - a.score || a.c.name.localeCompare(b.c.name));
    const results = ranked.slice((page - 1) * perPage, page * perPage).map(({ c }) => ({
      siren: c.siren,
      nom_complet: c.name,
      nom_raison_sociale: c.name,
      etat_administratif: c.state ?? 'A',
      siege: { siret: `${c.siren}00012`, adresse: `${c.address} ${c.postalCode} ${c.city}`, code_postal: c.postalCode, libelle_commune: c.city },
    }));
    return HttpResponse.json({ results, total_results: ranked.length, page, per_page: perPage, total_pages: Math.ceil(ranked.length / perPage) });
  });
  return { handlers: [search] as RequestHandler[], base: origin, state };
}

/** The simulated register on a loopback port. */
export function serveRegister(companies: RegisterCompany[], port?: number) {
  return serveAtOrigin((origin) => createRegister(origin, companies), port !== undefined ? { port } : {});
}
