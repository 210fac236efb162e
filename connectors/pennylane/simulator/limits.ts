// Pennylane's rate limit in its own words: one window of 25 requests per 5 seconds per token, `ratelimit-*` headers on every answer, a plain-text 429.
import { HttpResponse } from 'msw';
import type { Refusal } from '../../../src/simulator/gate.js';
import { Quotas, type Admission, type Remaining } from '../../../src/simulator/quotas.js';
import type { PennylaneLimits } from './types.js';

/**
 * The kit's windows are a second, a minute and a day; Pennylane counts 25 requests in 5 seconds (docs: rate-limiting-1,
 * 2026-02-06). This keeps the kit's bookkeeping (admit/release, in-flight counts) and adds that one window, reported
 * in the kit's `perSecond` slot. Whether the window is fixed or rolling is not documented: a rolling one is the safe
 * reading (it never admits more than 25 in any 5 seconds, which a fixed window would at its edges).
 */
export class WindowQuotas extends Quotas {
  private readonly starts = new Map<string, number[]>();

  constructor(private readonly plLimits: () => PennylaneLimits) {
    super(() => ({}));
  }

  private window(key: string, now: number): number[] {
    const span = this.plLimits().windowSec * 1000;
    const kept = (this.starts.get(key) ?? []).filter((t) => t > now - span);
    this.starts.set(key, kept);
    return kept;
  }

  override remaining(key: string, now: number): Remaining {
    return { perSecond: Math.max(0, this.plLimits().perWindow - this.window(key, now).length) };
  }

  /** When the oldest call in the window leaves it: Pennylane's `ratelimit-reset` (a Unix timestamp). */
  resetAt(key: string, now: number): number {
    const w = this.window(key, now);
    return (w[0] ?? now) + this.plLimits().windowSec * 1000;
  }

  override admit(key: string, now: number): Admission {
    const w = this.window(key, now);
    const limit = this.plLimits().perWindow;
    if (w.length >= limit) return { ok: false, window: 'perSecond', retryAfter: Math.max(1, Math.ceil((this.resetAt(key, now) - now) / 1000)), remaining: { perSecond: 0 } };
    const inner = super.admit(key, now);
    if (!inner.ok) return inner;
    w.push(now);
    return { ...inner, remaining: { perSecond: limit - w.length } };
  }

  override reset(): void {
    super.reset();
    this.starts.clear();
  }
}

/** The three headers every answer carries (429s too), so a client can pace itself before it is refused. */
export function rateHeaders(limit: number, remaining: number, resetMs: number): Record<string, string> {
  return { 'ratelimit-limit': String(limit), 'ratelimit-remaining': String(Math.max(0, remaining)), 'ratelimit-reset': String(Math.ceil(resetMs / 1000)) };
}

/** Pennylane's 429: plain text, `retry-after` in seconds, and the three counters. */
export function throttled(r: Refusal, limit: number, resetMs: number): Response {
  const wait = r.retryAfter ?? 1;
  return new HttpResponse(`Rate limit exceeded. Please retry in ${wait} seconds.`, {
    status: 429,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': String(wait), ...rateHeaders(limit, r.remaining.perSecond ?? 0, resetMs) },
  });
}
