// Xero's rate limits in its own words: the name it gives each kit window, its 429 and its remaining-count headers.
import { HttpResponse } from 'msw';
import type { Refusal } from '../../../src/simulator/gate.js';
import type { QuotaKey, Remaining } from '../../../src/simulator/quotas.js';

/** `X-Rate-Limit-Problem` values and the window each one names (Xero staff in xero-node#634, reference X4). */
export const RATE_PROBLEMS = { minute: 'perMinute', day: 'perDay', concurrent: 'concurrent', appminute: 'appPerMinute' } as const satisfies Record<string, QuotaKey>;
export type RateProblem = keyof typeof RATE_PROBLEMS;

/** Sent on every admitted call and on every 429, so a client can pace itself before it is refused. */
export function remainingHeaders(r: Remaining): Record<string, string> {
  return { 'X-DayLimit-Remaining': String(r.perDay), 'X-MinLimit-Remaining': String(r.perMinute), 'X-AppMinLimit-Remaining': String(r.appPerMinute) };
}

/** An empty 429 naming the problem; Retry-After only where the window says when a slot frees (not for concurrency). */
export function throttled(r: Refusal): Response {
  const problem = (Object.keys(RATE_PROBLEMS) as RateProblem[]).find((p) => RATE_PROBLEMS[p] === r.window) ?? 'minute';
  const retry: Record<string, string> = r.retryAfter === undefined ? {} : { 'Retry-After': String(r.retryAfter) };
  return new HttpResponse(null, { status: 429, headers: { ...remainingHeaders(r.remaining), 'X-Rate-Limit-Problem': problem, ...retry } });
}
