// Simulators of the reference-rate publishers (ECB Data Portal, Bank of England database, Bundesbank API, Banque de France Webstat) as msw handlers, for tests and the demo.
// Written from the publishers' documentation (see src/rates/publishers.ts for the URLs). The values after the shipped
// table (marked SIMULATED) are invented for the demo and tests: they are not real decisions.
import { http, HttpResponse, type RequestHandler } from 'msw';
import { addDays } from '../model/index.js';
import { BDF_DEFAULT_SERIES } from '../rates/bdf.js';
import { halfYearBounds } from '../rules/rate-tables.js';
import { SIMULATED_CHANGES, SIMULATED_LEGAL, type LegalSemester, type SeriesKind } from './rate-history.js';
import { serveAtOrigin } from './serve.js';

export { SIMULATED_CHANGES, SIMULATED_LEGAL, type LegalSemester } from './rate-history.js';

export type PublisherFault = 'down' | 'malformed' | 'timeout';

/** Fault and request counters: one per series publisher, and `bdf` for the Banque de France. */
type PublisherId = SeriesKind | 'bdf';

export interface RatePublisherOptions {
  /** The simulated publisher's today: nothing after it is published. */
  today: string;
  /** Change points per rate (effective date, percent); defaults below. */
  changes?: Partial<Record<SeriesKind, Array<readonly [string, string]>>>;
  legal?: LegalSemester[];
}

/** The key the simulated Webstat accepts (any other is refused with 401, as a wrong key would be). */
export const SIMULATED_BDF_KEY = 'simulated-webstat-key';

export interface RatePublisherSimulator {
  handlers: RequestHandler[];
  /** Environment that points the fetchers at this simulator. */
  env: Record<string, string>;
  /** Mutable: tests move the clock, revise values and inject faults. */
  state: {
    today: string;
    changes: Record<SeriesKind, Array<readonly [string, string]>>;
    legal: LegalSemester[];
    faults: Partial<Record<PublisherId, PublisherFault>>;
    requests: Record<PublisherId, number>;
  };
}

function valueOn(changes: ReadonlyArray<readonly [string, string]>, date: string): string | null {
  let v: string | null = null;
  for (const [from, r] of [...changes].sort((a, b) => a[0].localeCompare(b[0]))) if (from <= date) v = r;
  return v;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const boeDay = (d: string) => `${d.slice(8, 10)} ${MONTHS[Number(d.slice(5, 7)) - 1]} ${d.slice(0, 4)}`;
const fromBoeParam = (s: string) => {
  const m = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4})$/.exec(s);
  return m ? `${m[3]}-${String(MONTHS.indexOf(m[2] as string) + 1).padStart(2, '0')}-${m[1]}` : null;
};
const isWeekend = (d: string) => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());

/** Handlers answering as each publisher does under `origin`/ecb, /boe and /bundesbank. */
export function createRatePublishers(origin: string, options: RatePublisherOptions): RatePublisherSimulator {
  const state: RatePublisherSimulator['state'] = {
    today: options.today,
    changes: { ...SIMULATED_CHANGES, ...options.changes } as Record<SeriesKind, Array<readonly [string, string]>>,
    legal: structuredClone(options.legal ?? SIMULATED_LEGAL),
    faults: {},
    requests: { ecb_mro: 0, uk_bank_rate: 0, de_basiszinssatz: 0, bdf: 0 },
  };
  const fault = (kind: PublisherId): Response | null => {
    state.requests[kind]++;
    const f = state.faults[kind];
    if (f === 'down') return new HttpResponse('Service unavailable', { status: 503 });
    if (f === 'timeout') return HttpResponse.error();
    return null;
  };
  const csv = (body: string) => new HttpResponse(body, { headers: { 'content-type': 'text/csv; charset=utf-8' } });

  const ecb = http.get(`${origin}/ecb/service/data/FM/:key`, ({ request, params }) => {
    const f = fault('ecb_mro');
    if (f) return f;
    const url = new URL(request.url);
    const start = url.searchParams.get('startPeriod') ?? '1999-01-01';
    if (params['key'] !== 'D.U2.EUR.4F.KR.MRR_FR.LEV') return new HttpResponse('No results found.', { status: 404 });
    if (state.faults.ecb_mro === 'malformed') return csv('KEY,FREQ,TIME_PERIOD,OBS_VALUE\nFM.D.U2.EUR.4F.KR.MRR_FR.LEV,D,2026-06-17,two point four\n');
    // The data portal answers 404 "No results found" when no observation matches, e.g. a startPeriod after the last change.
    const rows = state.changes.ecb_mro.filter(([d]) => d >= start && d <= state.today);
    if (rows.length === 0) return new HttpResponse('No results found.', { status: 404 });
    return csv(['KEY,FREQ,REF_AREA,CURRENCY,PROVIDER_FM,INSTRUMENT_FM,PROVIDER_FM_ID,DATA_TYPE_FM,TIME_PERIOD,OBS_VALUE', ...rows.map(([d, v]) => `FM.D.U2.EUR.4F.KR.MRR_FR.LEV,D,U2,EUR,4F,KR,MRR_FR,LEV,${d},${v}`)].join('\n') + '\n');
  });

  const boe = http.get(`${origin}/boe/boeapps/database/_iadb-fromshowcolumns.asp`, ({ request }) => {
    const f = fault('uk_bank_rate');
    if (f) return f;
    const q = new URL(request.url).searchParams;
    const from = fromBoeParam(q.get('Datefrom') ?? '');
    // The database answers an HTML page, not CSV, when the request is not one it understands.
    if (q.get('csv.x') !== 'yes' || q.get('SeriesCodes') !== 'IUDBEDR' || !from) return new HttpResponse('<html><body>Invalid request</body></html>', { headers: { 'content-type': 'text/html' } });
    if (state.faults.uk_bank_rate === 'malformed') return new HttpResponse('<html><body>Sorry, the database is being updated</body></html>', { headers: { 'content-type': 'text/html' } });
    const lines = ['DATE,IUDBEDR'];
    for (let d = from; d <= state.today; d = addDays(d, 1)) {
      const v = valueOn(state.changes.uk_bank_rate, d);
      if (v !== null && !isWeekend(d)) lines.push(`${boeDay(d)},${v}`);
    }
    return csv(lines.join('\n') + '\n');
  });

  const bundesbank = http.get(`${origin}/bundesbank/rest/data/BBIN1/:key`, ({ request, params }) => {
    const f = fault('de_basiszinssatz');
    if (f) return f;
    if (params['key'] !== 'M.DE.BBK.BBKBAS2.EUR.ME') return new HttpResponse('No results found', { status: 404 });
    if (state.faults.de_basiszinssatz === 'malformed') return csv('DATAFLOW,FREQ,TIME_PERIOD\nBBK:BBIN1(1.0),M,2026-07\n');
    const start = new URL(request.url).searchParams.get('startPeriod') ?? '1999-01';
    const lines = ['DATAFLOW,FREQ,BBK_STD_COUNTRY,BBK_STD_SOURCE,BBK_IN1_SERIES,BBK_STD_CURRENCY,BBK_STD_SUFFIX,TIME_PERIOD,OBS_VALUE'];
    for (let m = `${start}-01`; m <= state.today; m = addDays(`${m.slice(0, 7)}-28`, 5).slice(0, 7) + '-01') {
      const v = valueOn(state.changes.de_basiszinssatz, m);
      if (v !== null) lines.push(`BBK:BBIN1(1.0),M,DE,BBK,BBKBAS2,EUR,ME,${m.slice(0, 7)},${v}`);
    }
    if (lines.length === 1) return new HttpResponse('No results found', { status: 404 });
    return csv(lines.join('\n') + '\n');
  });

  // Banque de France Webstat (Opendatasoft Explore v2.1 export, see src/rates/bdf.ts for the sources and what is
  // UNCONFIRMED): the key in `Authorization: Apikey …`, an ODSQL `where` naming the series and a start date, and a
  // JSON array of observation records, empty when nothing matches (a semester not yet published).
  const odsError = (status: number, error_code: string, message: string) => HttpResponse.json({ error_code, message }, { status });
  const bdf = http.get(`${origin}/bdf/api/explore/v2.1/catalog/datasets/observations/exports/json`, ({ request }) => {
    if (request.headers.get('authorization') !== `Apikey ${SIMULATED_BDF_KEY}`) return odsError(401, 'InvalidAPIKey', 'The API key is missing or invalid.');
    const f = fault('bdf');
    if (f) return f;
    const where = new URL(request.url).searchParams.get('where') ?? '';
    const keys = /series_key IN \("([^"]+)", "([^"]+)"\)/.exec(where);
    const since = /time_period_start >= date'(\d{4}-\d{2}-\d{2})'/.exec(where);
    if (!keys || !since) return odsError(400, 'ODSQLError', `Invalid where clause: ${where}`);
    const wanted = new Set([keys[1], keys[2]]);
    const rows: Record<string, unknown>[] = [];
    for (const s of [...state.legal].sort((a, b) => a.period.localeCompare(b.period))) {
      const { start, end } = halfYearBounds(s.period);
      if (s.publishedOn > state.today || start < (since[1] as string)) continue;
      for (const [series, value, title] of [
        [BDF_DEFAULT_SERIES.fr_legal_other, s.other, 'Taux de l’intérêt légal - tous les autres cas'],
        [BDF_DEFAULT_SERIES.fr_legal_individual, s.individual, 'Taux de l’intérêt légal - créances des personnes physiques n’agissant pas pour des besoins professionnels'],
      ] as const) {
        if (!wanted.has(series)) continue;
        rows.push({ dataset_id: 'FM', series_key: series, title_fr: title, time_period: s.period.replace('-H', '-S'), time_period_start: start, time_period_end: end, obs_value: Number(value), obs_status: 'A', updated_at: `${s.publishedOn}T08:00:00+00:00` });
      }
    }
    // A malformed answer: every record fine but the latest one's value, so storing "what could be read" would be a partial write.
    if (state.faults.bdf === 'malformed' && rows.length) rows[rows.length - 1] = { ...rows[rows.length - 1], obs_value: 'n.d.' };
    return HttpResponse.json(rows);
  });

  return {
    handlers: [ecb, boe, bundesbank, bdf],
    state,
    env: {
      RATES_ECB_URL: `${origin}/ecb/service/data/FM/D.U2.EUR.4F.KR.MRR_FR.LEV`,
      RATES_BOE_URL: `${origin}/boe/boeapps/database/_iadb-fromshowcolumns.asp`,
      RATES_BUNDESBANK_URL: `${origin}/bundesbank/rest/data/BBIN1/M.DE.BBK.BBKBAS2.EUR.ME`,
      RATES_BDF_URL: `${origin}/bdf/api/explore/v2.1/catalog/datasets/observations/exports/json`,
      RATES_BDF_API_KEY: SIMULATED_BDF_KEY,
    },
  };
}

/** The publisher simulators on one loopback port (for `relance simulate-rates`, the demo and CLI tests). */
export function serveRatePublishers(options: RatePublisherOptions & { port?: number }): Promise<{ url: string; simulator: RatePublisherSimulator; close(): Promise<void> }> {
  return serveAtOrigin((origin) => createRatePublishers(origin, options), options.port !== undefined ? { port: options.port } : {});
}
