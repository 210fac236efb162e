// The rate gate paces on the counts the provider reports (Xero's X-*Limit-Remaining), over its declared defaults.
import type { AxiosResponse } from 'axios';
import { describe, expect, it } from 'vitest';
import { pennylane } from '../../connectors/pennylane/index.js';
import { quickbooks } from '../../connectors/quickbooks/index.js';
import { xero } from '../../connectors/xero/index.js';
import { QuotaExhausted } from '../../src/connectors/errors.js';
import { remainingCounts } from '../../src/connectors/http.js';
import { createMemoryRateGate } from '../../src/connectors/rate-gate.js';
import type { RateLimitSpec } from '../../src/connectors/types.js';
import { virtualClock } from '../support/providers.js';

const spec: RateLimitSpec = { perMinute: 1_000_000, perDay: 5000, concurrent: 5, defaultBackoffMs: 60_000, headroom: 0.9 };

/** A gate on a virtual clock that records every sleep it asks for. */
function gateWithSleeps() {
  const clock = virtualClock();
  const sleeps: number[] = [];
  const gate = createMemoryRateGate({ now: clock.now, sleep: async (ms) => (sleeps.push(ms), clock.sleep(ms)) });
  return { gate, sleeps, clock };
}

describe('gate paced by reported counts', () => {
  it('stops at the headroom of the limit the counts reveal (1,000 a day), not of the declared 5,000', async () => {
    const { gate } = gateWithSleeps();
    (await gate.acquire('xero:t1', 'xero', spec))();
    gate.observe('xero:t1', 'xero', spec, { perDay: 999 });
    let started = 1;
    const err = await (async () => {
      for (;;) {
        (await gate.acquire('xero:t1', 'xero', spec))();
        started++;
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuotaExhausted);
    // 999 left after the first call, a tenth of 1,000 kept back: 899 more starts, 900 in all.
    expect(started).toBe(900);
    expect((err as QuotaExhausted).resetAt.getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
  });

  it('trusts the latest count the provider reports over its own countdown', async () => {
    const { gate } = gateWithSleeps();
    gate.observe('xero:t2', 'xero', spec, { perDay: 4999 });
    (await gate.acquire('xero:t2', 'xero', spec))();
    gate.observe('xero:t2', 'xero', spec, { perDay: 500 });
    await expect(gate.acquire('xero:t2', 'xero', spec)).rejects.toBeInstanceOf(QuotaExhausted);
  });

  it('waits a minute when the minute count is at zero, and holds every company when the app count is', async () => {
    const { gate, sleeps } = gateWithSleeps();
    gate.observe('xero:t3', 'xero', spec, { perMinute: 0 });
    (await gate.acquire('xero:t3', 'xero', spec))();
    expect(sleeps.some((ms) => ms > 59_000 && ms <= 60_000)).toBe(true);
    sleeps.length = 0;
    gate.observe('xero:t3', 'xero', spec, { appPerMinute: 0 });
    (await gate.acquire('xero:another-company', 'xero', spec))();
    expect(sleeps.some((ms) => ms > 59_000 && ms <= 60_000)).toBe(true);
  });

  it('surfaces a pause of hours as QuotaExhausted at once instead of sleeping through it', async () => {
    const { gate, sleeps } = gateWithSleeps();
    gate.pause('xero:t4', 3 * 3_600_000);
    await new Promise((r) => setTimeout(r, 1));
    const err = await gate.acquire('xero:t4', 'xero', spec).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuotaExhausted);
    expect(sleeps).toEqual([]);
  });

  it('reads the headers Xero declares, and none for providers that send none', () => {
    const response = { headers: { 'x-daylimit-remaining': '812', 'x-minlimit-remaining': '0', 'x-appminlimit-remaining': '9990', 'x-other': '1' } } as unknown as AxiosResponse;
    expect(remainingCounts(xero.rateLimits, response)).toEqual({ perDay: 812, perMinute: 0, appPerMinute: 9990 });
    expect(remainingCounts(xero.rateLimits, { headers: { 'x-daylimit-remaining': 'lots' } } as unknown as AxiosResponse)).toBeNull();
    expect(remainingCounts(quickbooks.rateLimits, response)).toBeNull();
    expect(remainingCounts(pennylane.rateLimits, response)).toBeNull();
  });
});
