// Simulator of the Companies House public data API's insolvency resource as msw handlers, for tests and the demo: it
// answers GET /company/{company_number}/insolvency as the developer documentation describes (see
// src/insolvency/companies-house.ts for the sources): HTTP Basic with the API key as the username, else 401; 404 for a
// company with no insolvency history; 600 requests per 5-minute period per key, then 429 for the rest of the period.
// The cases are SIMULATED (invented companies, dates and practitioners), shaped as the resource.
// Not confirmed from Companies House's own pages, so kept minimal: the 401 body `{"error": "Invalid Authorization",
// "type": "ch:service"}` (as users have reported it), the 404 body, and the X-Ratelimit-* headers (named on the
// Companies House developer forum).
import { http, HttpResponse, type RequestHandler } from 'msw';
import { serveAtOrigin } from './serve.js';

export type CompaniesHouseFault = 'down' | 'timeout' | 'malformed';

export interface CompaniesHouseSimulator {
  handlers: RequestHandler[];
  /** The base the reader is pointed at (in place of COMPANIES_HOUSE_BASE). */
  base: string;
  /** The one key the simulator accepts. */
  apiKey: string;
  /** Mutable: tests add cases, inject faults and move the clock. */
  state: {
    cases: Record<string, unknown[]>;
    /** SIMULATED companies the search answers with. */
    companies: { company_number: string; title: string; company_status?: string; address_snippet: string; postal_code: string }[];
    fault: CompaniesHouseFault | null;
    /** Requests answered (any status), and the authorised ones per company number. */
    requests: number;
    asked: string[];
    limit: number;
    windowMs: number;
    window: { startedMs: number; count: number } | null;
    now: () => number;
  };
}

export interface SimulatedCase {
  number: number;
  type: string;
  dates: { type: string; date: string }[];
  practitioners?: { name: string; role?: string; appointed_on?: string; ceased_to_act_on?: string; address?: Record<string, string> }[];
}

/** A SIMULATED case as the resource carries it (`number` a string, as served). */
export function simulatedCase(c: SimulatedCase): Record<string, unknown> {
  return {
    type: c.type,
    number: String(c.number),
    dates: c.dates,
    practitioners: (c.practitioners ?? []).map((p) => ({ role: 'practitioner', address: { address_line_1: '1 Simulated Street', locality: 'London', postal_code: 'EC1A 1AA' }, ...p })),
  };
}

const STATUS_OF: Record<string, string> = {
  'in-administration': 'in-administration', 'administration-order': 'administration-order',
  'compulsory-liquidation': 'liquidation', 'creditors-voluntary-liquidation': 'liquidation', 'members-voluntary-liquidation': 'liquidation',
  'corporate-voluntary-arrangement': 'voluntary-arrangement', receivership: 'receivership', 'administrative-receiver': 'administrative-receiver', 'receiver-manager': 'receiver-manager',
};

export function createCompaniesHousePublisher(
  origin: string,
  cases: Record<string, unknown[]> = {},
  opts: { apiKey?: string; limit?: number; windowMs?: number; now?: () => number } = {},
): CompaniesHouseSimulator {
  const apiKey = opts.apiKey ?? 'simulated-companies-house-key';
  const state: CompaniesHouseSimulator['state'] = {
    cases: structuredClone(cases), companies: [], fault: null, requests: 0, asked: [],
    limit: opts.limit ?? 600, windowMs: opts.windowMs ?? 5 * 60_000, window: null, now: opts.now ?? Date.now,
  };
  const base = `${origin}/companies-house`;
  /** Basic auth with the key, then the key's 600-per-5-minutes window: a refusal to answer, or the rate headers. */
  const admit = (request: Request): Response | Record<string, string> => {
    state.requests++;
    const auth = request.headers.get('authorization') ?? '';
    const m = /^Basic\s+(.+)$/i.exec(auth);
    const user = m ? Buffer.from(m[1]!, 'base64').toString('utf8').split(':')[0] : null;
    if (user !== apiKey) return HttpResponse.json({ error: 'Invalid Authorization', type: 'ch:service' }, { status: 401 });

    // The period starts with the first request; past the limit, every request until it ends gets 429.
    const now = state.now();
    if (!state.window || now - state.window.startedMs >= state.windowMs) state.window = { startedMs: now, count: 0 };
    state.window.count++;
    const reset = Math.ceil((state.window.startedMs + state.windowMs) / 1000);
    const limits = { 'X-Ratelimit-Limit': String(state.limit), 'X-Ratelimit-Remain': String(Math.max(0, state.limit - state.window.count)), 'X-Ratelimit-Reset': String(reset) };
    if (state.window.count > state.limit) return new HttpResponse(null, { status: 429, headers: limits });
    return limits;
  };
  // Company search (GET /search/companies?q=&items_per_page=): the register's companies whose name holds the words
  // of `q`, best first; the shape public clients of the API read (kind "search#companies", items[].company_number,
  // title, company_status, address_snippet, address.postal_code).
  const search = http.get(`${base}/search/companies`, ({ request }) => {
    const admitted = admit(request);
    if (admitted instanceof Response) return admitted;
    if (state.fault === 'down') return new HttpResponse('Service unavailable', { status: 503, headers: admitted });
    const url = new URL(request.url);
    const words = (x: string) => x.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 1);
    const wanted = words(url.searchParams.get('q') ?? '');
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('items_per_page') ?? 20) || 20));
    const ranked = state.companies
      .map((c) => ({ c, score: words(c.title).filter((w) => wanted.includes(w)).length }))
      .filter((x) => x.score > 0)
      .sort((a, b) => b.score - a.score || a.c.title.localeCompare(b.c.title));
    const items = ranked.slice(0, perPage).map(({ c }) => ({
      kind: 'searchresults#company', company_number: c.company_number, title: c.title, company_status: c.company_status ?? 'active',
      address_snippet: c.address_snippet, address: { postal_code: c.postal_code, address_line_1: c.address_snippet.split(',')[0] },
      links: { self: `/company/${c.company_number}` },
    }));
    return HttpResponse.json({ kind: 'search#companies', items, items_per_page: perPage, start_index: 0, page_number: 1, total_results: ranked.length }, { headers: admitted });
  });
  const insolvency = http.get(`${base}/company/:companyNumber/insolvency`, ({ request, params }) => {
    const admitted = admit(request);
    if (admitted instanceof Response) return admitted;
    const limits = admitted;

    if (state.fault === 'down') return new HttpResponse('Service unavailable', { status: 503, headers: limits });
    if (state.fault === 'timeout') return HttpResponse.error();
    if (state.fault === 'malformed') return HttpResponse.json({ unexpected: true }, { headers: limits });
    const number = String(params.companyNumber);
    state.asked.push(number);
    const found = state.cases[number];
    if (!found || found.length === 0) return HttpResponse.json({ errors: [{ error: 'company-insolvencies-not-found', type: 'ch:service' }] }, { status: 404, headers: limits });
    const status = [...new Set(found.map((c) => STATUS_OF[String((c as { type?: unknown }).type)]).filter((s): s is string => !!s))];
    return HttpResponse.json({ etag: `sim-${number}-${found.length}`, cases: found, status }, { headers: limits });
  });
  return { handlers: [search, insolvency], base, apiKey, state };
}

/** The simulated publisher on a loopback port. */
export async function serveCompaniesHouse(
  cases: Record<string, unknown[]> = {},
  opts: { port?: number; apiKey?: string; limit?: number; windowMs?: number; now?: () => number } = {},
): Promise<{ simulator: CompaniesHouseSimulator; close(): Promise<void> }> {
  const { port, ...rest } = opts;
  return serveAtOrigin((origin) => createCompaniesHousePublisher(origin, cases, rest), port !== undefined ? { port } : {});
}
