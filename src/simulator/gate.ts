// The door every simulated API call goes through, in one order for every provider: faults, quotas, latency, then the API.
import { HttpResponse } from 'msw';
import type { FaultInjector } from './faults.js';
import type { Quotas, QuotaKey, Remaining } from './quotas.js';
import type { RequestStats } from './stats.js';

/** What one simulator's gate keeps: its windows, its faults, its statistics and its clock. */
export interface Gate<S extends RequestStats = RequestStats> {
  quotas: Quotas;
  faults: FaultInjector;
  stats: S;
  now: () => number;
}

/** A 429 to answer: the quota that broke (or the one an injected throttle names) and the counts left. */
export interface Refusal {
  window?: QuotaKey;
  retryAfter?: number;
  remaining: Remaining;
}

/** How a provider answers in its own words: the kit decides when, never what the body or headers say. */
export interface ProviderAnswers {
  /** The provider's refusal of the caller (token, tenant), or undefined when the call may go on. */
  refuse(): Response | undefined;
  /** The provider's own 429. */
  throttled(refusal: Refusal): Response;
  /** An injected failure: `body` as given, or the provider's usual body for `status`. */
  failed(status: number, body: unknown): Response;
  /** The provider's own headers on an admitted call (e.g. the counts left). */
  admitted?(res: Response, remaining: Remaining): void;
}

/**
 * Runs `dispatch` for one API call of `company`, or answers in its place. Injected faults come after the caller is
 * accepted and before admission, so they are not counted in any window; spoiled bodies are the real answer, spoiled.
 */
export async function pass(gate: Gate, company: string, request: Request, answers: ProviderAnswers, dispatch: () => Promise<Response>): Promise<Response> {
  const { faults, quotas, stats } = gate;
  faults.begin();
  const refused = answers.refuse();
  if (refused) return refused;
  const now = gate.now();
  const fault = faults.take();
  if (fault?.kind === 'throttle') {
    stats.throttled += 1;
    return answers.throttled({ ...fault, remaining: quotas.remaining(company, now) });
  }
  if (fault?.kind === 'fail') return answers.failed(fault.status, fault.body);
  if (fault?.kind === 'timeout') await faults.hang(fault.ms, request.signal);
  // msw makes fetch reject; the served mode turns it into a destroyed socket (serve.ts).
  if (fault?.kind === 'timeout' || fault?.kind === 'reset') return HttpResponse.error();
  const admission = quotas.admit(company, now);
  if (!admission.ok) {
    stats.throttled += 1;
    return answers.throttled(admission);
  }
  stats.maxConcurrent = Math.max(stats.maxConcurrent, admission.inFlight);
  try {
    const latency = faults.controls.latencyMs;
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));
    const res = await dispatch();
    answers.admitted?.(res, admission.remaining);
    return fault ? await faults.spoil(res, fault) : res;
  } finally {
    quotas.release(company);
  }
}
