// Simulator of the BODACC open-data publisher (Opendatasoft Explore API v2.1, dataset `annonces-commerciales`) as msw
// handlers, for tests and the demo: it answers the records query src/insolvency/bodacc.ts sends, for the SIRENs it is
// given notices for. The notices are SIMULATED (invented companies and judgments), shaped as the publisher's records.
import { http, HttpResponse, type RequestHandler } from 'msw';
import { serveAtOrigin } from './serve.js';

export type BodaccFault = 'down' | 'timeout' | 'malformed';

export interface BodaccSimulator {
  handlers: RequestHandler[];
  /** The base the reader is pointed at (in place of BODACC_BASE). */
  base: string;
  /** Mutable: tests add notices and inject faults. */
  state: { notices: Record<string, unknown[]>; fault: BodaccFault | null; requests: number };
}

/** A SIMULATED "procédures collectives" record, as the publisher serves it (the judgment is a JSON string). */
export function simulatedNotice(siren: string, n: { id: string; published: string; judged: string; nature: string; court?: string; mandataire?: string }): Record<string, unknown> {
  return {
    id: n.id,
    dateparution: n.published,
    familleavis: 'collective',
    familleavis_lib: 'Procédures collectives',
    registre: [siren.replace(/(\d{3})(\d{3})(\d{3})/, '$1 $2 $3'), siren],
    tribunal: n.court ?? 'TRIBUNAL DE COMMERCE DE LYON',
    jugement: JSON.stringify({ type: 'initial', famille: n.nature.split(' ').slice(0, 3).join(' '), nature: n.nature, date: n.judged, complementJugement: n.mandataire ? `Mandataire judiciaire : ${n.mandataire}.` : '' }),
  };
}

export function createBodaccPublisher(origin: string, notices: Record<string, unknown[]> = {}): BodaccSimulator {
  const state: BodaccSimulator['state'] = { notices: structuredClone(notices), fault: null, requests: 0 };
  const base = `${origin}/bodacc/api/explore/v2.1`;
  const records = http.get(`${base}/catalog/datasets/annonces-commerciales/records`, ({ request }) => {
    state.requests++;
    if (state.fault === 'down') return new HttpResponse('Service unavailable', { status: 503 });
    if (state.fault === 'timeout') return HttpResponse.error();
    if (state.fault === 'malformed') return HttpResponse.json({ unexpected: true });
    const where = new URL(request.url).searchParams.get('where') ?? '';
    const m = /registre like "(\d{9})"/.exec(where);
    if (!m || !where.includes('familleavis = "collective"')) return HttpResponse.json({ error_code: 'ODSQLError', message: 'unsupported query' }, { status: 400 });
    const results = [...(state.notices[m[1]!] ?? [])].sort((a, b) => String((b as { dateparution?: string }).dateparution).localeCompare(String((a as { dateparution?: string }).dateparution)));
    return HttpResponse.json({ total_count: results.length, results });
  });
  return { handlers: [records], base, state };
}

/** The simulated publisher on a loopback port. */
export function serveBodacc(notices: Record<string, unknown[]> = {}, port?: number): Promise<{ simulator: BodaccSimulator; close(): Promise<void> }> {
  return serveAtOrigin((origin) => createBodaccPublisher(origin, notices), port !== undefined ? { port } : {});
}
