// Rate limits and faults: remaining-count headers, 429 per limit with Retry-After and X-Rate-Limit-Problem, 503 injection.
import { describe, expect, it } from 'vitest';
import { harness, useMsw } from './test-helpers.js';

const server = useMsw();

describe('Xero simulator rate limits', () => {
  it('puts the three remaining-count headers on every API response, at the documented limits', async () => {
    const h = harness(server, { invoices: 5, limits: { perMinute: 60 } });
    const a = await h.api('Invoices?page=1');
    expect(a.headers.get('X-DayLimit-Remaining')).toBe('4999');
    expect(a.headers.get('X-MinLimit-Remaining')).toBe('59');
    expect(a.headers.get('X-AppMinLimit-Remaining')).toBe('9999');
    const b = await h.api('Invoices/00000000-0000-4000-8000-000000000000');
    expect(b.status).toBe(404);
    expect(b.headers.get('X-DayLimit-Remaining')).toBe('4998');
  });

  it('minute limit: 429 minute with Retry-After until the rolling minute frees a slot', async () => {
    const h = harness(server, { invoices: 5, limits: { perMinute: 3 } });
    for (let i = 0; i < 3; i++) {
      expect((await h.api('Contacts?page=1')).status).toBe(200);
      h.clock.advance(10);
    }
    const r = await h.api('Contacts?page=1');
    expect(r.status).toBe(429);
    expect(r.headers.get('X-Rate-Limit-Problem')).toBe('minute');
    // The first call was 30 s ago: it leaves the window in 30 s.
    expect(r.headers.get('Retry-After')).toBe('30');
    expect(r.headers.get('X-MinLimit-Remaining')).toBe('0');
    h.clock.advance(30);
    expect((await h.api('Contacts?page=1')).status).toBe(200);
    expect(h.sim.stats.throttled).toBe(1);
  });

  it('day limit: 429 day over a rolling 24 hours', async () => {
    const h = harness(server, { invoices: 5, limits: { perDay: 2 } });
    expect((await h.api('Invoices?page=1')).status).toBe(200);
    h.clock.advance(1700);
    expect((await h.api('Invoices?page=1')).status).toBe(200);
    const r = await h.api('Invoices?page=1');
    expect(r.status).toBe(429);
    expect(r.headers.get('X-Rate-Limit-Problem')).toBe('day');
    expect(r.headers.get('Retry-After')).toBe(String(86_400 - 1700));
    expect(r.headers.get('X-DayLimit-Remaining')).toBe('0');
    h.clock.advance(86_400 - 1700);
    const token = h.sim.oauth.connect().accessToken;
    const again = await h.api('Invoices?page=1', { token });
    expect(again.status).toBe(200);
    expect(again.headers.get('X-DayLimit-Remaining')).toBe('0');
    expect((await h.api('Invoices?page=1', { token })).status).toBe(429);
  });

  it('app minute limit across tenants: 429 appminute', async () => {
    const h = harness(server, { invoices: 5, limits: { appPerMinute: 2 } });
    await h.api('Invoices?page=1');
    await h.api('Invoices?page=1');
    const r = await h.api('Invoices?page=1');
    expect(r.status).toBe(429);
    expect(r.headers.get('X-Rate-Limit-Problem')).toBe('appminute');
    expect(r.headers.get('X-AppMinLimit-Remaining')).toBe('0');
  });

  it('concurrent limit: the sixth call in flight gets 429 concurrent', async () => {
    const h = harness(server, { invoices: 5 });
    h.sim.faults.latencyMs = 60;
    const results = await Promise.all(Array.from({ length: 7 }, () => h.api('Contacts?page=1')));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    const throttled = results.filter((r) => r.status === 429);
    expect(throttled).toHaveLength(2);
    expect(throttled.every((r) => r.headers.get('X-Rate-Limit-Problem') === 'concurrent')).toBe(true);
    expect(h.sim.stats.maxConcurrent).toBe(5);
    h.sim.faults.latencyMs = 0;
    expect((await h.api('Contacts?page=1')).status).toBe(200);
  });

  it('throttleNext and failNext inject 429 and 503 for the next calls only', async () => {
    const h = harness(server, { invoices: 5 });
    h.sim.faults.throttleNext(1, { problem: 'day', retryAfter: 120 });
    const t = await h.api('Invoices?page=1');
    expect(t.status).toBe(429);
    expect(t.headers.get('X-Rate-Limit-Problem')).toBe('day');
    expect(t.headers.get('Retry-After')).toBe('120');
    h.sim.faults.failNext(2, 503);
    const f1 = await h.api('Invoices?page=1');
    expect(f1.status).toBe(503);
    expect(await f1.text()).toBe('Service Unavailable');
    expect((await h.api('Invoices?page=1')).status).toBe(503);
    expect((await h.api('Invoices?page=1')).status).toBe(200);
    h.sim.faults.failNext(1, 500, { Message: 'boom' });
    const f3 = await h.api('Invoices?page=1');
    expect(f3.status).toBe(500);
    expect(await f3.json()).toEqual({ Message: 'boom' });
    expect(h.sim.stats.byRoute['GET /Invoices']).toBe(5);
    // Only admitted calls count: injected faults come before admission and injected throttles are not counted.
    const next = await h.api('Invoices?page=1');
    expect(next.headers.get('X-DayLimit-Remaining')).toBe(String(5000 - 2));
  });

  it('corrupt() makes a record malformed and visible to incremental reads', async () => {
    const h = harness(server, { invoices: 10 });
    const inv = h.sim.data.list('Invoice')[0] as Record<string, unknown>;
    h.clock.advance(5);
    h.sim.faults.corrupt('Invoice', String(inv.InvoiceID));
    const r = await h.json('Invoices?page=1', { headers: { 'If-Modified-Since': new Date(h.clock.ms - 1000).toISOString().slice(0, 19) } });
    const rows = r.body.Invoices as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]?.AmountDue).toBe('abc');
  });
});
