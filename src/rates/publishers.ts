// The reference-rate publishers, declared as data: endpoint, series, query, answer format and the law's anchor for each rate.
import { z } from 'zod';
import { addDays } from '../model/index.js';

export { RATE_KINDS, type RateKind } from '../model/reference-rates.js';
import type { RateKind } from '../model/reference-rates.js';

/** Each rate in the team's words (alerts, logs); the pages have their own in src/http/ui/i18n.ts. */
export const RATE_NAMES: Record<RateKind, string> = {
  ecb_mro: 'ECB main refinancing rate',
  uk_bank_rate: 'Bank of England Bank Rate',
  de_basiszinssatz: 'German Basiszinssatz',
  fr_legal_other: 'French taux de l’intérêt légal (business creditors, "autres cas")',
  fr_legal_individual: 'French taux de l’intérêt légal (creditors who are private individuals)',
};

/** One dated value as the publisher answered it; value is a percent as a decimal string. */
export interface Observation {
  date: string;
  value: string;
}

/** A publisher of one change-point or periodic series, read by the law's anchor day (src/rates/rule.ts). */
export interface Publisher {
  kind: RateKind;
  name: string;
  /** Environment variable that replaces `defaultUrl` (a mirror, a proxy, or the simulator). */
  urlEnv: string;
  defaultUrl: string;
  /** Query parameters for observations from `since` (YYYY-MM-DD). */
  query(since: string): Record<string, string>;
  /** How far before the first half-year wanted to ask from, so the observation in force on its anchor is included. */
  fetchFrom(firstAnchor: string): string;
  accept: string;
  parse(body: string): Observation[];
  /**
   * The day whose rate governs a half-year: ECB MRO in force on 1 Jan / 1 Jul (C. com. L441-10 II); Bank Rate on
   * the 31 Dec / 30 Jun before (SI 2002/1675 art. 4); Basiszinssatz set on 1 Jan / 1 Jul (§247 BGB).
   */
  anchor: 'half_start' | 'day_before_half';
}

/** A publisher's answer we cannot read: nothing of it is stored, and the reason says what was wrong. */
export class MalformedAnswer extends Error {
  constructor(readonly publisher: string, reason: string) {
    super(`${publisher} answered something we cannot read: ${reason}`);
    this.name = 'MalformedAnswer';
  }
}

export const Percent = z.string().regex(/^-?\d{1,2}(\.\d{1,6})?$/, 'is not a percent such as 2.15');
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'is not a date YYYY-MM-DD');

/** Splits simple CSV (no quoted commas in the fields we read; quotes around a field are removed). */
function csvRows(body: string): string[][] {
  return body
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l) => l.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1')));
}

function checked(publisher: string, rows: Observation[]): Observation[] {
  for (const [i, o] of rows.entries()) {
    const d = IsoDate.safeParse(o.date);
    if (!d.success) throw new MalformedAnswer(publisher, `row ${i + 1}: date "${o.date}" ${d.error.issues[0]?.message}`);
    const v = Percent.safeParse(o.value);
    if (!v.success) throw new MalformedAnswer(publisher, `row ${i + 1} (${o.date}): value "${o.value}" ${v.error.issues[0]?.message}`);
  }
  return [...rows].sort((a, b) => a.date.localeCompare(b.date));
}

/**
 * SDMX-CSV (ECB `format=csvdata`, Bundesbank `application/vnd.sdmx.data+csv`): a header row naming TIME_PERIOD and
 * OBS_VALUE among the dimension columns. A monthly period "2026-07" is read as its first day.
 */
export function parseSdmxCsv(publisher: string, body: string): Observation[] {
  const [header, ...rows] = csvRows(body);
  if (!header) throw new MalformedAnswer(publisher, 'empty body');
  const t = header.indexOf('TIME_PERIOD');
  const v = header.indexOf('OBS_VALUE');
  if (t < 0 || v < 0) throw new MalformedAnswer(publisher, `no TIME_PERIOD/OBS_VALUE columns in the header "${header.join(',').slice(0, 120)}"`);
  const obs = rows.map((r) => {
    const period = r[t] ?? '';
    return { date: /^\d{4}-\d{2}$/.test(period) ? `${period}-01` : period, value: r[v] ?? '' };
  });
  return checked(publisher, obs);
}

const MONTHS: Record<string, string> = { Jan: '01', Feb: '02', Mar: '03', Apr: '04', May: '05', Jun: '06', Jul: '07', Aug: '08', Sep: '09', Oct: '10', Nov: '11', Dec: '12' };

/** The Bank of England database's CSV (CSVF=TN): "DATE,IUDBEDR" then rows such as "02 Jan 2026,3.75". */
export function parseBoeCsv(publisher: string, series: string, body: string): Observation[] {
  const [header, ...rows] = csvRows(body);
  if (!header || header[0]?.toUpperCase() !== 'DATE' || header[1] !== series) throw new MalformedAnswer(publisher, `expected the header "DATE,${series}", got "${(header ?? []).join(',').slice(0, 120)}"`);
  const obs = rows.map((r) => {
    const m = /^(\d{2}) ([A-Z][a-z]{2}) (\d{4})$/.exec(r[0] ?? '');
    const month = m ? MONTHS[m[2] as string] : undefined;
    return { date: m && month ? `${m[3]}-${month}-${m[1]}` : (r[0] ?? ''), value: r[1] ?? '' };
  });
  return checked(publisher, obs);
}

/** "2026-01-05" → "05/Jan/2026", the date form the Bank of England database takes. */
function boeDate(d: string): string {
  const month = Object.entries(MONTHS).find(([, n]) => n === d.slice(5, 7))?.[0] ?? 'Jan';
  return `${d.slice(8, 10)}/${month}/${d.slice(0, 4)}`;
}

const BOE_SERIES = 'IUDBEDR';

export const PUBLISHERS: readonly Publisher[] = [
  {
    kind: 'ecb_mro',
    name: 'ECB Data Portal',
    urlEnv: 'RATES_ECB_URL',
    // https://data.ecb.europa.eu/help/api/data — entry point https://data-api.ecb.europa.eu/service/, resource `data`,
    // flow FM, series key D.U2.EUR.4F.KR.MRR_FR.LEV (main refinancing operations, fixed rate, level; one observation
    // per change day); startPeriod YYYY-MM-DD; format=csvdata answers SDMX-CSV with TIME_PERIOD and OBS_VALUE.
    // https://data.ecb.europa.eu/help/api/status-codes — 404 "No results found" when nothing matches (e.g. a
    // startPeriod after the last change), 400 syntax error, 500/503 on their side.
    defaultUrl: 'https://data-api.ecb.europa.eu/service/data/FM/D.U2.EUR.4F.KR.MRR_FR.LEV',
    query: (since) => ({ startPeriod: since, format: 'csvdata', detail: 'dataonly' }),
    // Change days only: the rate in force on an anchor may date from years before, and the whole series is small.
    fetchFrom: () => '1999-01-01',
    accept: 'text/csv',
    parse: (body) => parseSdmxCsv('ECB Data Portal', body),
    anchor: 'half_start',
  },
  {
    kind: 'uk_bank_rate',
    name: 'Bank of England database',
    urlEnv: 'RATES_BOE_URL',
    // https://www.bankofengland.co.uk/boeapps/database/ — the interactive database's CSV export
    // (_iadb-fromshowcolumns.asp with csv.x=yes), series IUDBEDR (Official Bank Rate, daily), dates written
    // DD/Mon/YYYY, CSVF=TN for a header "DATE,IUDBEDR" and one row per business day. The parameters (Datefrom and
    // Dateto as DD/Mon/YYYY or "now", SeriesCodes, UsingCodes=Y, CSVF TT|TN|CT|CN, VPD Y|N) are as the Bank's database
    // help (boeapps/database/Help.asp) and a DataCareer tutorial on the IADB describe them; not checked against a live
    // answer here, so the parser refuses anything but that header and those rows.
    defaultUrl: 'https://www.bankofengland.co.uk/boeapps/database/_iadb-fromshowcolumns.asp',
    fetchFrom: (anchor) => addDays(anchor, -14),
    query: (since) => ({ 'csv.x': 'yes', Datefrom: boeDate(since), Dateto: 'now', SeriesCodes: BOE_SERIES, CSVF: 'TN', UsingCodes: 'Y', VPD: 'Y', VFD: 'N' }),
    accept: 'text/csv',
    parse: (body) => parseBoeCsv('Bank of England database', BOE_SERIES, body),
    anchor: 'day_before_half',
  },
  {
    kind: 'de_basiszinssatz',
    name: 'Deutsche Bundesbank',
    urlEnv: 'RATES_BUNDESBANK_URL',
    // https://www.bundesbank.de/en/statistics/time-series-databases/help-for-sdmx-web-service/web-service-interface-data
    // — base https://api.statistiken.bundesbank.de/rest, endpoint /data/{flowRef}/{key}, formats BBK-CSV, SDMX-CSV,
    // SDMX-ML, SDMX-JSON. Flow BBIN1, key M.DE.BBK.BBKBAS2.EUR.ME: the Basiszinssatz (§247 BGB), monthly.
    defaultUrl: 'https://api.statistiken.bundesbank.de/rest/data/BBIN1/M.DE.BBK.BBKBAS2.EUR.ME',
    query: (since) => ({ startPeriod: since.slice(0, 7) }),
    fetchFrom: (anchor) => addDays(anchor, -31),
    accept: 'application/vnd.sdmx.data+csv;version=1.0.0',
    parse: (body) => parseSdmxCsv('Deutsche Bundesbank', body),
    anchor: 'half_start',
  },
];

/** The URL to ask: the operator's override from the environment, else the publisher's own. */
export function publisherUrl(p: Publisher, env: NodeJS.ProcessEnv = process.env): string {
  return env[p.urlEnv]?.trim() || p.defaultUrl;
}
