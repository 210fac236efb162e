// Reader of the Companies House public data API's insolvency resource for a UK company number (#27, the UK side of
// the watch; the French side is bodacc.ts). Facts from Companies House's own developer documentation:
// - GET https://api.company-information.service.gov.uk/company/{company_number}/insolvency; 200 with the
//   `companyInsolvency` resource, 401 Unauthorized, 404 Not Found "Resource not found" (no insolvency history)
//   (developer-specs.company-information.service.gov.uk/companies-house-public-data-api/reference/insolvency/get);
// - an API key sent by HTTP Basic authentication, the key as the username and an empty password
//   (developer-specs.company-information.service.gov.uk/guides/authorisation);
// - 600 requests within a 5-minute period, then 429 Too Many Requests for every request in the rest of the period
//   (developer.company-information.service.gov.uk/developer-guidelines).
// The resource's shape is Companies House's swagger spec (api.ch.gov.uk-specifications, insolvency.json, read through
// copies of it; the spec page itself was not reachable from here): `{etag, cases[], status}`, each case `{type, dates[],
// practitioners[], number, notes[], links}`, a date `{type, date}` (types in `insolvency_case_date_type`), a
// practitioner `{name, address, role, appointed_on, ceased_to_act_on}`. Where the spec and the data served differ
// (`number` an integer in the spec, "1" in examples; `address` an array in the spec, an object in examples;
// `status` a string in the spec, an array in examples) both are read.
//
// A case is one set of proceedings, and it changes over time rather than being republished: its start date makes the
// opening notice, its end date (when given) the closing one. A notice's id is the company, the case number and the
// date's type, so a rerun stores nothing twice. Companies House gives no publication date: the case date stands for it.
import { z } from 'zod';
import { daysBetween } from '../model/index.js';
import { PublisherUnavailable, fetchGet, type Get, type InsolvencyNotice, type NoticeType, type RejectedNotice } from './notice.js';

export const COMPANIES_HOUSE_BASE = 'https://api.company-information.service.gov.uk';

/** The rate limit the documentation states (developer guidelines): 600 requests per 5 minutes per key. */
export const COMPANIES_HOUSE_RATE = { requests: 600, windowMs: 5 * 60_000 } as const;

/** Case types (`insolvency_case_type`) the watch acts on. */
const ACTED: Record<string, true> = {
  'compulsory-liquidation': true,
  'creditors-voluntary-liquidation': true,
  'members-voluntary-liquidation': true,
  'in-administration': true,
  'administration-order': true,
  // A company voluntary arrangement binds the unsecured creditors to the arrangement, so chasing invoices issued
  // before it is pointless and the claim goes to the nominee or supervisor: treated as proceedings (a choice).
  'corporate-voluntary-arrangement': true,
};

/**
 * Case types read but not acted on, each with why. A receivership is a secured creditor enforcing its charge, not
 * collective proceedings; a moratorium (Part A1) is a payment holiday with no claim to prove; a foreign insolvency
 * is proved where it is run. They are `skipped` (listed), never dropped silently.
 */
const NOT_ACTED = new Set(['receiver-manager', 'administrative-receiver', 'receivership', 'moratorium', 'corporate-voluntary-arrangement-moratorium', 'foreign-insolvency']);

/** Date types (`insolvency_case_date_type`) that start a case, by preference, and that end it. */
const START_DATES = ['administration-started-on', 'ordered-to-wind-up-on', 'wound-up-on', 'voluntary-arrangement-started-on', 'declaration-solvent-on', 'petitioned-on'] as const;
const END_DATES = ['administration-ended-on', 'administration-discharged-on', 'concluded-winding-up-on', 'voluntary-arrangement-ended-on', 'case-end-on', 'due-to-be-dissolved-on'] as const;

/** A later case that starts within this many days of the end of the one before is the same proceedings continued (administration → liquidation). */
const CONVERSION_GAP_DAYS = 7;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'not a YYYY-MM-DD date');

const Address = z.object({
  address_line_1: z.string().nullish(), address_line_2: z.string().nullish(), locality: z.string().nullish(),
  region: z.string().nullish(), postal_code: z.string().nullish(), country: z.string().nullish(),
}).passthrough();

const Practitioner = z.object({
  name: z.string().min(1),
  role: z.string().nullish(),
  address: z.union([Address, z.array(Address)]).nullish(),
  appointed_on: day.nullish(),
  ceased_to_act_on: day.nullish(),
}).passthrough();

const Case = z.object({
  type: z.string().min(1),
  number: z.union([z.string().min(1), z.number().int()]).nullish(),
  dates: z.array(z.object({ type: z.string().min(1), date: day })),
  practitioners: z.array(Practitioner).default([]),
}).passthrough();

const Resource = z.object({ cases: z.array(z.unknown()) }).passthrough();

const issuesOf = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || '(case)'}: ${i.message}`).join('; ');

const addressText = (a: z.infer<typeof Practitioner>['address']) => {
  const one = Array.isArray(a) ? a[0] : a;
  if (!one) return '';
  return [one.address_line_1, one.address_line_2, one.locality, one.region, one.postal_code].filter((x) => x && x.trim()).join(', ');
};

/** "Jane Smith (practitioner), 1 High St, Leeds, LS1 1AA; ..." — those still acting, else all of them. */
function officeHolders(ps: z.infer<typeof Practitioner>[]): string | null {
  const acting = ps.filter((p) => !p.ceased_to_act_on);
  const list = (acting.length ? acting : ps).map((p) => {
    const where = addressText(p.address);
    return `${p.name}${p.role ? ` (${p.role})` : ''}${where ? `, ${where}` : ''}`;
  });
  return list.length ? list.join('; ').slice(0, 500) : null;
}

/**
 * Strict parse of the insolvency resource of `companyNumber`. A case that does not fit (no type, an unreadable date,
 * an unknown case type, no start date) is returned in `rejected` with its reason; a case type the watch does not act
 * on is `skipped`. A later case that follows the previous one without a gap (an administration moving to a creditors'
 * voluntary liquidation) is a `conversion`: the same proceedings continued.
 */
export function parseInsolvency(companyNumber: string, body: unknown): { notices: InsolvencyNotice[]; rejected: RejectedNotice[]; skipped: string[] } {
  const notices: InsolvencyNotice[] = [];
  const rejected: RejectedNotice[] = [];
  const skipped: string[] = [];
  const resource = Resource.safeParse(body);
  if (!resource.success) return { notices, rejected: [{ noticeId: null, reason: `resource: ${issuesOf(resource.error)}`, raw: body }], skipped };

  const accepted: { key: string; type: string; start: { type: string; date: string }; end: { type: string; date: string } | null; holders: string | null; raw: unknown }[] = [];
  resource.data.cases.forEach((raw, i) => {
    const parsed = Case.safeParse(raw);
    const numberOf = (raw && typeof raw === 'object' ? (raw as { number?: unknown }).number : undefined);
    const label = typeof numberOf === 'string' || typeof numberOf === 'number' ? `${companyNumber}-${numberOf}` : null;
    if (!parsed.success) { rejected.push({ noticeId: label, reason: issuesOf(parsed.error), raw }); return; }
    const c = parsed.data;
    if (NOT_ACTED.has(c.type)) { skipped.push(label ?? `${companyNumber}#${i + 1}`); return; }
    if (!ACTED[c.type]) { rejected.push({ noticeId: label, reason: `type: unknown case type "${c.type}"`, raw }); return; }
    // The start is the first date type found in START_DATES' order (the order or resolution before the petition); the end the earliest end date.
    const start = START_DATES.map((t) => c.dates.find((d) => d.type === t)).find((d) => d !== undefined) ?? null;
    if (!start) { rejected.push({ noticeId: label, reason: `dates: no start date (one of ${START_DATES.join(', ')})`, raw }); return; }
    const end = c.dates.filter((d) => (END_DATES as readonly string[]).includes(d.type)).sort((a, b) => a.date.localeCompare(b.date))[0] ?? null;
    if (end && end.date < start.date) { rejected.push({ noticeId: label, reason: `dates: ${end.type} ${end.date} before ${start.type} ${start.date}`, raw }); return; }
    // Without a case number, the case's type and start date identify it (stable from one read to the next).
    const key = c.number != null ? `${companyNumber}-${c.number}` : `${companyNumber}-${c.type}-${start.date}`;
    accepted.push({ key, type: c.type, start, end, holders: officeHolders(c.practitioners), raw });
  });

  accepted.sort((a, b) => a.start.date.localeCompare(b.start.date) || a.key.localeCompare(b.key));
  accepted.forEach((c, i) => {
    const before = accepted[i - 1];
    const continues = before !== undefined && (before.end === null || daysBetween(before.end.date, c.start.date) <= CONVERSION_GAP_DAYS);
    const notice = (type: NoticeType, d: { type: string; date: string }): InsolvencyNotice => ({
      source: 'companies_house', noticeId: `${c.key}-${d.type}`, regNo: companyNumber, type, kind: 'initial', court: null,
      judgmentDate: d.date, publicationDate: d.date, mandataire: c.holders, raw: c.raw,
    });
    notices.push(notice(continues ? 'conversion' : 'opening', c.start));
    if (c.end) notices.push(notice('closing', c.end));
  });
  return { notices, rejected, skipped };
}

/** The insolvency resource's URL for one UK company number (normalised: 8 characters). */
export function insolvencyUrl(base: string, companyNumber: string): string {
  if (!/^(\d{8}|[A-Z]{2}\d{6}|R\d{7})$/.test(companyNumber)) throw new Error(`not a UK company number: ${companyNumber}`);
  return `${base}/company/${companyNumber}/insolvency`;
}

/** HTTP Basic with the key as the username and an empty password, as Companies House asks. */
export const basicAuth = (apiKey: string) => `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;

/**
 * Reads the insolvency history of one UK company. 404 is a company with no insolvency history (nothing to act on);
 * a refused key (401, 403), the rate limit (429), a server error, a timeout or a body that is not the resource throw
 * PublisherUnavailable (the caller retries on the next run and loses nothing). The key is never put in a message.
 */
export async function readInsolvency(companyNumber: string, opts: { apiKey: string; base?: string; get?: Get }) {
  const get = opts.get ?? fetchGet;
  let res: { status: number; body: unknown };
  try {
    res = await get(insolvencyUrl(opts.base ?? COMPANIES_HOUSE_BASE, companyNumber), { authorization: basicAuth(opts.apiKey) });
  } catch (e) {
    throw new PublisherUnavailable(null, `Companies House unreachable: ${(e as Error).message}`);
  }
  if (res.status === 404) return { notices: [], rejected: [], skipped: [] };
  if (res.status === 401 || res.status === 403) throw new PublisherUnavailable(res.status, `Companies House refused the API key (${res.status}): check COMPANIES_HOUSE_API_KEY`);
  if (res.status === 429) throw new PublisherUnavailable(429, `Companies House rate limit reached (429, ${COMPANIES_HOUSE_RATE.requests} requests per 5 minutes): read again on the next run`);
  if (res.status !== 200) throw new PublisherUnavailable(res.status, `Companies House answered ${res.status}`);
  const page = Resource.safeParse(res.body);
  if (!page.success) throw new PublisherUnavailable(res.status, `Companies House resource unreadable: ${issuesOf(page.error)}`);
  return parseInsolvency(companyNumber, page.data);
}
