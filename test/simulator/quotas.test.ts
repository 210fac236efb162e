// The kit's quota windows on a given clock: per second, minute and day per company, app-wide, concurrency, Retry-After.
import { describe, expect, it } from 'vitest';
import { liftQuotas, Quotas, type QuotaKey, type QuotaLimits } from '../../src/simulator/quotas.js';

const T0 = Date.parse('2026-07-15T10:00:00Z');
const S = 1000;
const H = 3_600_000;

/** Admits what `calls` says, then checks that the next call at `refused.at` breaks `window`, and that `freedAt` admits again. */
const windows: {
  name: string;
  limits: QuotaLimits;
  calls: { company: string; at: number }[];
  refused: { company: string; at: number; window: QuotaKey; retryAfter: number };
  freedAt: number;
}[] = [
  { name: 'per second', limits: { perSecond: 3 }, calls: [0, 200, 400].map((at) => ({ company: 'a', at })), refused: { company: 'a', at: 500, window: 'perSecond', retryAfter: 1 }, freedAt: 1000 },
  { name: 'per minute', limits: { perMinute: 3 }, calls: [0, 10 * S, 20 * S].map((at) => ({ company: 'a', at })), refused: { company: 'a', at: 30 * S, window: 'perMinute', retryAfter: 30 }, freedAt: 60 * S },
  { name: 'per day', limits: { perDay: 2 }, calls: [0, H].map((at) => ({ company: 'a', at })), refused: { company: 'a', at: 2 * H, window: 'perDay', retryAfter: 22 * 3600 }, freedAt: 24 * H },
  {
    name: 'app-wide minute, whichever company calls',
    limits: { perMinute: 10, appPerMinute: 2 },
    calls: [{ company: 'a', at: 0 }, { company: 'b', at: 15 * S }],
    refused: { company: 'c', at: 20 * S, window: 'appPerMinute', retryAfter: 40 },
    freedAt: 60 * S,
  },
  {
    name: 'the day outranks the minute when both are full',
    limits: { perMinute: 1, perDay: 1 },
    calls: [{ company: 'a', at: 0 }],
    refused: { company: 'a', at: 1 * S, window: 'perDay', retryAfter: 86_399 },
    freedAt: 24 * H,
  },
];

describe('kit quotas', () => {
  it.each(windows)('$name: refuses with the window and its Retry-After, then frees on the clock', ({ limits, calls, refused, freedAt }) => {
    const q = new Quotas(() => limits);
    for (const c of calls) expect(q.admit(c.company, T0 + c.at).ok).toBe(true);
    const r = q.admit(refused.company, T0 + refused.at);
    expect(r).toMatchObject({ ok: false, window: refused.window, retryAfter: refused.retryAfter });
    // One millisecond early is still refused: the window is rolling, not reset on a boundary.
    expect(q.admit(refused.company, T0 + freedAt - 1).ok).toBe(false);
    expect(q.admit(refused.company, T0 + freedAt).ok).toBe(true);
  });

  it('keeps per-company windows apart', () => {
    const q = new Quotas(() => ({ perMinute: 1 }));
    expect(q.admit('a', T0).ok).toBe(true);
    expect(q.admit('b', T0).ok).toBe(true);
    expect(q.admit('a', T0)).toMatchObject({ ok: false, window: 'perMinute' });
  });

  it('caps calls in flight per company, without Retry-After, until one is released', () => {
    const q = new Quotas(() => ({ concurrent: 2, perMinute: 100 }));
    expect(q.admit('a', T0)).toMatchObject({ ok: true, inFlight: 1 });
    expect(q.admit('a', T0)).toMatchObject({ ok: true, inFlight: 2 });
    const refused = q.admit('a', T0);
    expect(refused).toMatchObject({ ok: false, window: 'concurrent' });
    expect(refused).not.toHaveProperty('retryAfter');
    expect(q.admit('b', T0)).toMatchObject({ ok: true, inFlight: 1 });
    q.release('a');
    expect(q.admit('a', T0)).toMatchObject({ ok: true, inFlight: 2 });
    // Three admitted for a: the refused call was not counted in the minute.
    expect(q.remaining('a', T0).perMinute).toBe(97);
  });

  it('tells what each declared window has left, after the call it admits and without taking one when asked', () => {
    const q = new Quotas(() => ({ perMinute: 5, perDay: 10, appPerMinute: 7 }));
    expect(q.admit('a', T0)).toMatchObject({ ok: true, remaining: { perMinute: 4, perDay: 9, appPerMinute: 6 } });
    expect(q.remaining('a', T0)).toEqual({ perMinute: 4, perDay: 9, appPerMinute: 6 });
    expect(q.remaining('b', T0)).toEqual({ perMinute: 5, perDay: 10, appPerMinute: 6 });
    expect(q.remaining('a', T0 + 60 * S)).toEqual({ perMinute: 5, perDay: 9, appPerMinute: 7 });
  });

  it('reads the limits live: a lifted or raised quota admits at once, and reset forgets every call', () => {
    const limits = { perMinute: 1, maxResults: 1000 };
    const q = new Quotas(() => limits);
    expect(q.admit('a', T0).ok).toBe(true);
    expect(q.admit('a', T0).ok).toBe(false);
    liftQuotas(limits);
    expect(limits).toEqual({ perMinute: Number.POSITIVE_INFINITY, maxResults: 1000 });
    expect(q.admit('a', T0).ok).toBe(true);
    limits.perMinute = 2;
    expect(q.admit('a', T0).ok).toBe(false);
    q.reset();
    expect(q.admit('a', T0).ok).toBe(true);
  });
});
