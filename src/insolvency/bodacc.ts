// Reader of the French official bulletin of civil and commercial notices (BODACC), "procédures collectives" family.
// Publisher: the DILA's open-data portal, Opendatasoft Explore API v2.1, dataset `annonces-commerciales`:
//   GET https://bodacc-datadila.opendatasoft.com/api/explore/v2.1/catalog/datasets/annonces-commerciales/records
//       ?where=registre like "<SIREN>" and familleavis = "collective"&order_by=dateparution desc&limit=100
// Free, no authentication. Fields read (as used by public clients of this dataset, found with the `search` tool;
// the publisher's own field list was not reachable from here, see the report): `id` (notice id, e.g. "A202002333642"),
// `dateparution` (publication date, YYYY-MM-DD), `familleavis` ("collective" for collective proceedings),
// `registre` (array holding the SIREN, spaced and unspaced), `tribunal` (court), `jugement` (a JSON *string*
// holding `famille`, `nature`, `date` of the judgment and `complementJugement`, which names the mandataire).
// Law: the opening judgment is published in the BODACC (Code de commerce R621-8) and the creditor declares its claim
// to the mandataire within two months of that publication (R622-24).
import { z } from 'zod';
import { PublisherUnavailable, fetchGet, type Get, type InsolvencyNotice, type NoticeKind, type NoticeType, type RejectedNotice } from './notice.js';

export const BODACC_BASE = 'https://bodacc-datadila.opendatasoft.com/api/explore/v2.1';

export type { InsolvencyNotice, NoticeKind, NoticeType, RejectedNotice, Get } from './notice.js';
export { PublisherUnavailable } from './notice.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'not a YYYY-MM-DD date');

const Judgment = z.object({
  famille: z.string().min(1).optional(),
  nature: z.string().min(1),
  date: day,
  complementJugement: z.string().optional(),
});

const Record = z.object({
  id: z.string().min(1),
  dateparution: day,
  familleavis: z.literal('collective'),
  registre: z.array(z.string()).min(1),
  tribunal: z.string().nullish(),
  jugement: z.string().min(1),
  // "annonce" / "rectificatif" / "annulation", labelled "Avis initial" / "Avis rectificatif" / "Avis d'annulation"
  // (field names as public clients of the dataset read them; absent on some records: an initial notice).
  typeavis: z.string().nullish(),
  typeavis_lib: z.string().nullish(),
});

/** The notice's kind from `typeavis` (or its label): a withdrawal or a correction; anything else is a first notice. */
export function noticeKind(typeavis: string | null | undefined, label: string | null | undefined): NoticeKind {
  const t = `${typeavis ?? ''} ${label ?? ''}`.toLowerCase();
  if (t.includes('annul')) return 'withdrawal';
  if (t.includes('rectif')) return 'correction';
  return 'initial';
}

/** The notice's type from the judgment's nature; null for judgments the watch does not act on (claims lists, etc.). */
export function noticeType(nature: string): NoticeType | null {
  const n = nature.toLowerCase();
  if (n.includes('clôture') || n.includes('cloture')) return 'closing';
  if (n.includes('conversion')) return 'conversion';
  if (n.includes('ouverture')) return 'opening';
  if (n.includes('plan')) return 'plan';
  return null;
}

/** "mandataire judiciaire : Maître X, 1 rue ..." → "Maître X, 1 rue ..." (the text up to the next sentence). */
function mandataireOf(text: string | undefined): string | null {
  const m = /mandataire(?: judiciaire)?\s*:?\s*([^.;]+)/i.exec(text ?? '') ?? /liquidateur\s*:?\s*([^.;]+)/i.exec(text ?? '');
  return m ? m[1]!.trim() : null;
}

const sirenOf = (registre: readonly string[]): string | null => {
  for (const r of registre) {
    const digits = r.replace(/\s/g, '');
    if (/^\d{9}$/.test(digits)) return digits;
  }
  return null;
};

const issuesOf = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; ');

/**
 * Strict parse of the records served for `siren`. A record that does not fit (missing field, unreadable judgment,
 * another SIREN) is returned in `rejected` with its reason; a well-formed judgment the watch does not act on is
 * `skipped`. Nothing is dropped silently.
 */
export function parseNotices(siren: string, records: readonly unknown[]): { notices: InsolvencyNotice[]; rejected: RejectedNotice[]; skipped: string[] } {
  const notices: InsolvencyNotice[] = [];
  const rejected: RejectedNotice[] = [];
  const skipped: string[] = [];
  for (const raw of records) {
    const idOf = (raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : null);
    const rec = Record.safeParse(raw);
    if (!rec.success) { rejected.push({ noticeId: idOf, reason: issuesOf(rec.error), raw }); continue; }
    let judgmentJson: unknown;
    try { judgmentJson = JSON.parse(rec.data.jugement); } catch { rejected.push({ noticeId: idOf, reason: 'jugement: not JSON', raw }); continue; }
    const j = Judgment.safeParse(judgmentJson);
    if (!j.success) { rejected.push({ noticeId: idOf, reason: `jugement.${issuesOf(j.error)}`, raw }); continue; }
    const regNo = sirenOf(rec.data.registre);
    if (regNo !== siren) { rejected.push({ noticeId: idOf, reason: `registre: names ${regNo ?? 'no SIREN'}, asked ${siren}`, raw }); continue; }
    const type = noticeType(j.data.nature);
    if (!type) { skipped.push(rec.data.id); continue; }
    notices.push({
      source: 'bodacc', noticeId: rec.data.id, regNo, type, kind: noticeKind(rec.data.typeavis, rec.data.typeavis_lib),
      court: rec.data.tribunal ?? null, judgmentDate: j.data.date, publicationDate: rec.data.dateparution,
      mandataire: mandataireOf(j.data.complementJugement), raw,
    });
  }
  return { notices, rejected, skipped };
}

export const defaultGet: Get = fetchGet;

const Page = z.object({ total_count: z.number().int().nonnegative(), results: z.array(z.unknown()) });

/** The records URL for one SIREN (collective-proceedings family only, newest first). */
export function recordsUrl(base: string, siren: string): string {
  if (!/^\d{9}$/.test(siren)) throw new Error(`not a SIREN: ${siren}`);
  const params = new URLSearchParams({
    where: `registre like "${siren}" and familleavis = "collective"`,
    order_by: 'dateparution desc',
    limit: '100',
  });
  return `${base}/catalog/datasets/annonces-commerciales/records?${params}`;
}

/**
 * Reads the notices of one SIREN. Throws PublisherUnavailable when the publisher is down or answers something that is
 * not a page of records (the caller retries on the next run and loses nothing); otherwise returns the parse.
 */
export async function readNotices(siren: string, opts: { base?: string; get?: Get } = {}) {
  const get = opts.get ?? defaultGet;
  let res: { status: number; body: unknown };
  try {
    res = await get(recordsUrl(opts.base ?? BODACC_BASE, siren));
  } catch (e) {
    throw new PublisherUnavailable(null, `publisher unreachable: ${(e as Error).message}`);
  }
  if (res.status !== 200) throw new PublisherUnavailable(res.status, `publisher answered ${res.status}`);
  const page = Page.safeParse(res.body);
  if (!page.success) throw new PublisherUnavailable(res.status, `publisher page unreadable: ${issuesOf(page.error)}`);
  return parseNotices(siren, page.data.results);
}
