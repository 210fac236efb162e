// The Starter tier: 1,000 calls a day, told truthfully in X-DayLimit-Remaining, then a 429 naming the day with Retry-After.
import { describe, expect, it } from 'vitest';
import { harness, useMsw } from './test-helpers.js';

const server = useMsw();

describe('Xero simulator pricing tier', () => {
  it('counts a Starter organisation down from 1,000 a day and refuses the 1,001st call as Xero documents', async () => {
    const h = harness(server, { tier: 'starter', invoices: 5 });
    expect(h.sim.limits.perDay).toBe(1000);
    const first = await h.api('Organisation');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-daylimit-remaining')).toBe('999');
    for (let i = 2; i <= 1000; i++) await (await h.api('Organisation')).arrayBuffer();
    const refused = await h.api('Organisation');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-rate-limit-problem')).toBe('day');
    expect(refused.headers.get('x-daylimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // A day later the window has moved on (with a fresh token: access tokens last 30 minutes).
    h.clock.advance(86_400);
    expect((await h.api('Organisation', { token: h.sim.oauth.connect().accessToken })).status).toBe(200);
  });

  it('keeps 5,000 a day by default, and lets limits override a tier', async () => {
    expect(harness(server, {}).sim.limits.perDay).toBe(5000);
    expect(harness(server, { tier: 'starter', limits: { perDay: 40 } }).sim.limits.perDay).toBe(40);
  });
});
