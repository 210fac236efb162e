// The service schedules the rates refresh daily, and fetches at start-up only when the current half-year has a rate nobody knows.
import { describe, expect, it } from 'vitest';
import { dateInZone } from '../../src/model/index.js';
import { halfYearBounds, halfYearOf } from '../../src/rules/rate-tables.js';
import type { Service } from '../../src/service.js';
import { RATE_KINDS } from '../../src/rates/publishers.js';
import { storeRates } from '../../src/store/rates.js';
import { installSchedules } from '../../workers/schedules.js';
import { useIsolatedDatabase } from '../support/db.js';

const { sql } = useIsolatedDatabase();

function fakeService() {
  const calls: { op: string; name: string; opts: unknown }[] = [];
  const queue = {
    schedule: async (name: string, _p: unknown, opts: unknown) => void calls.push({ op: 'schedule', name, opts }),
    enqueue: async (name: string, _p: unknown, opts: unknown) => void calls.push({ op: 'enqueue', name, opts }),
  };
  const service = { runtime: { sql }, queue, config: { DEFAULT_TIME_ZONE: 'Europe/Paris' }, registry: { has: () => false } } as unknown as Service;
  return { service, calls };
}

describe('installSchedules: reference rates', () => {
  it('schedules a daily refresh, and enqueues one now only while the current half-year lacks a rate', async () => {
    await sql`truncate reference_rates`;
    const stale = fakeService();
    await installSchedules(stale.service);
    expect(stale.calls.filter((c) => c.name === 'rates')).toEqual([
      { op: 'schedule', name: 'rates', opts: { id: 'rates', cron: '15 6 * * *', timeZone: 'Europe/Paris' } },
      { op: 'enqueue', name: 'rates', opts: { jobId: 'rates-startup' } },
    ]);
    const half = halfYearOf(dateInZone(new Date(), 'Europe/Paris'));
    const row = [{ period: half, value: '1.00', effectiveOn: halfYearBounds(half).start, publishedOn: halfYearBounds(half).start }];
    for (const kind of RATE_KINDS) await storeRates(sql, kind, 'http://sim', row);
    const current = fakeService();
    await installSchedules(current.service);
    expect(current.calls.filter((c) => c.name === 'rates').map((c) => c.op)).toEqual(['schedule']);
  });
});
