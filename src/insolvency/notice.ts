// What every insolvency publisher's reader produces (#27): a notice in one shape whatever its source (the BODACC for a
// SIREN, Companies House for a UK company number), a refused record kept with its reason, and the typed error of a
// publisher that could not answer (the caller reads that number again on the next run: nothing is lost).

export type { InsolvencyNotice, NoticeKind, NoticeSource, NoticeType, RejectedNotice } from '../model/insolvency-notice.js';

/** The publisher could not answer (network, 5xx, 429, a refused key): the caller keeps the number for the next run. */
export class PublisherUnavailable extends Error {
  constructor(readonly status: number | null, message: string) { super(message); }
}

/** One HTTP GET: `headers` carries what a publisher needs (Companies House's Basic authorisation). */
export type Get = (url: string, headers?: Record<string, string>) => Promise<{ status: number; body: unknown }>;

export const fetchGet: Get = async (url, headers = {}) => {
  const res = await fetch(url, { headers: { accept: 'application/json', ...headers }, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  let body: unknown = text;
  try { body = JSON.parse(text); } catch { /* kept as text */ }
  return { status: res.status, body };
};
