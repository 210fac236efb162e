// Rate limits and fault injection of the QuickBooks simulator: 429 ThrottleExceeded, concurrency, failNext, corrupt.
import { describe, expect, it } from 'vitest';
import { DOCUMENTED_LIMITS } from './index.js';
import { harness, useMsw, type Json } from './test-helpers.js';

const server = useMsw();

describe('QuickBooks simulator limits and faults', () => {
  it('has the documented per-realm limits by default', () => {
    expect(DOCUMENTED_LIMITS).toMatchObject({ perMinute: 500, perSecond: 10, concurrent: 10, maxResults: 1000, cdcMaxObjects: 1000, cdcLookbackDays: 30, accessTokenTtlSec: 3600 });
  });

  it('throttles the 11th request in one second at the default limits with the 3001 fault', async () => {
    const h = harness(server, { limits: { ...DOCUMENTED_LIMITS } });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await h.api('invoice/1')).status);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    const res = await h.api('invoice/1');
    expect(res.status).toBe(429);
    expect(res.headers.get('intuit_tid')).toBeTruthy();
    const body = (await res.json()) as { Fault: { Error: Json[]; type: string } };
    expect(body.Fault.type).toBe('SERVICE');
    expect(body.Fault.Error[0]).toMatchObject({ code: '3001', Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429' });
    h.clock.advance(1);
    expect((await h.api('invoice/1')).status).toBe(200);
    expect(h.sim.stats.throttled).toBe(2);
  });

  it('enforces a per-minute window on the simulator clock', async () => {
    const h = harness(server, { limits: { perMinute: 5 } });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await h.api('invoice/1')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    h.clock.advance(59);
    expect((await h.api('invoice/1')).status).toBe(429);
    h.clock.advance(1);
    expect((await h.api('invoice/1')).status).toBe(200);
  });

  it('refuses requests beyond the concurrency limit and reports the peak', async () => {
    const h = harness(server, { limits: { concurrent: 2 } });
    h.sim.faults.latencyMs = 40;
    const statuses = await Promise.all(Array.from({ length: 6 }, () => h.api('invoice/1').then((r) => r.status)));
    expect(statuses.filter((s) => s === 200).length).toBe(2);
    expect(statuses.filter((s) => s === 429).length).toBe(4);
    expect(h.sim.stats.maxConcurrent).toBe(2);
  });

  it('throttleNext and failNext inject 429, 503 and 500 with realistic bodies', async () => {
    const h = harness(server);
    h.sim.faults.throttleNext(1);
    h.sim.faults.failNext(1, 503);
    h.sim.faults.failNext(1, 500);
    h.sim.faults.failNext(1, 502, { custom: true });
    expect((await h.api('invoice/1')).status).toBe(429);
    const unavailable = await h.api('invoice/1');
    expect(unavailable.status).toBe(503);
    expect(((await unavailable.json()) as { Fault: { type: string; Error: Json[] } }).Fault).toMatchObject({ type: 'SystemFault', Error: [{ code: '10000' }] });
    const failed = await h.api('invoice/1');
    expect(failed.status).toBe(500);
    expect(((await failed.json()) as { Fault: { type: string } }).Fault.type).toBe('SystemFault');
    const custom = await h.api('invoice/1');
    expect(custom.status).toBe(502);
    expect(await custom.json()).toEqual({ custom: true });
    expect((await h.api('invoice/1')).status).toBe(200);
    expect(h.sim.stats.requests).toBe(5);
  });

  it('corrupt() makes a record malformed and marks it changed', async () => {
    const h = harness(server);
    const before = h.sim.data.get('Invoice', '2') as Json;
    h.sim.faults.corrupt('Invoice', '2');
    const res = await h.api('invoice/2');
    const inv = ((await res.json()) as { Invoice: Json }).Invoice;
    expect(inv.TotalAmt).toBe('abc');
    expect(inv.SyncToken).toBe(String(Number(before.SyncToken) + 1));
  });
});
