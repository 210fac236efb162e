// Reference-rate fetchers against the publisher simulators: period change, publisher down, malformed answer, revision.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRateHttp } from '../../src/rates/http.js';
import { refreshRates } from '../../src/rates/refresh.js';
import { serveRatePublishers, SIMULATED_CHANGES } from '../../src/simulator/rate-publishers.js';
import { listStoredRates, loadRateBook } from '../../src/store/rates.js';
import { runRatesJob } from '../../src/rates/job.js';
import { newTenant, useIsolatedDatabase } from '../support/db.js';

const { sql } = useIsolatedDatabase();
let sim: Awaited<ReturnType<typeof serveRatePublishers>>;
const http = createRateHttp({ retries: 2, backoffMs: () => 1, timeoutMs: 2000 });
// The series publishers only: the Banque de France's taux légal has its own tests (test/rates/bdf.test.ts).
const refresh = (today: string) => refreshRates({ sql, today, http, env: sim.simulator.env, since: '2026-01-01', semesterPublishers: [] });

beforeAll(async () => {
  sim = await serveRatePublishers({ today: '2026-06-20' });
});
afterAll(() => sim.close());
beforeEach(async () => {
  await sql`truncate reference_rates, reference_rate_revisions`;
  sim.simulator.state.today = '2026-06-20';
  sim.simulator.state.faults = {};
  sim.simulator.state.changes = structuredClone(SIMULATED_CHANGES);
  for (const k of Object.keys(sim.simulator.state.requests) as (keyof typeof sim.simulator.state.requests)[]) sim.simulator.state.requests[k] = 0;
});

describe('refreshRates', () => {
  it('stores each half-year once its anchor day has passed, by the law\'s rule, and the next half-year after the change', async () => {
    const before = await refresh('2026-06-20');
    expect(before.map((o) => [o.kind, o.status, o.stored])).toEqual([
      ['ecb_mro', 'ok', ['2026-H1']],
      ['uk_bank_rate', 'ok', ['2026-H1']],
      ['de_basiszinssatz', 'ok', ['2026-H1']],
    ]);
    // 30 Jun (the UK anchor for H2) and 1 Jul have not come: H2 is unknown, not today's value.
    expect((await loadRateBook(sql)).ecbMro).toEqual({ '2026-H1': '2.15' });
    sim.simulator.state.today = '2026-07-02';
    const after = await refresh('2026-07-02');
    expect(after.map((o) => o.stored)).toEqual([['2026-H2'], ['2026-H2'], ['2026-H2']]);
    const book = await loadRateBook(sql);
    // ECB: the 2.40 effective 17 Jun is in force on 1 Jul; UK: Bank Rate on 30 Jun; DE: the July value.
    expect(book).toEqual({ ecbMro: { '2026-H1': '2.15', '2026-H2': '2.40' }, ukBankRate: { '2026-H1': '3.75', '2026-H2': '3.50' }, deBasiszinssatz: { '2026-H1': '1.27', '2026-H2': '1.52' }, frLegalOther: {}, frLegalIndividual: {} });
    const stored = (await listStoredRates(sql)).find((r) => r.kind === 'ecb_mro' && r.period === '2026-H2');
    expect(stored).toMatchObject({ effectiveOn: '2026-07-01', publishedOn: '2026-06-17', sourceUrl: sim.simulator.env['RATES_ECB_URL'] });
  });

  it('a publisher that is down: retried, reported, nothing stored for it, the others still stored, no crash', async () => {
    sim.simulator.state.faults.ecb_mro = 'down';
    const out = await refresh('2026-06-20');
    expect(out[0]).toMatchObject({ kind: 'ecb_mro', status: 'unavailable', stored: [] });
    expect(out[0]?.reason).toMatch(/HTTP 503/);
    expect(sim.simulator.state.requests.ecb_mro).toBe(3);
    expect(out.slice(1).map((o) => o.status)).toEqual(['ok', 'ok']);
    expect((await listStoredRates(sql)).filter((r) => r.kind === 'ecb_mro')).toEqual([]);
    sim.simulator.state.faults.ecb_mro = 'timeout';
    expect((await refresh('2026-06-20'))[0]?.status).toBe('unavailable');
    // Back up: the next refresh stores it.
    sim.simulator.state.faults = {};
    expect((await refresh('2026-06-20'))[0]?.stored).toEqual(['2026-H1']);
  });

  it('a malformed answer is rejected with the reason and nothing of it is stored', async () => {
    sim.simulator.state.faults = { ecb_mro: 'malformed', uk_bank_rate: 'malformed', de_basiszinssatz: 'malformed' };
    const out = await refresh('2026-07-02');
    expect(out.map((o) => o.status)).toEqual(['malformed', 'malformed', 'malformed']);
    expect(out[0]?.reason).toMatch(/value "two point four" is not a percent/);
    expect(out[1]?.reason).toMatch(/expected the header "DATE,IUDBEDR"/);
    expect(out[2]?.reason).toMatch(/no TIME_PERIOD\/OBS_VALUE/);
    expect(await listStoredRates(sql)).toEqual([]);
  });

  it('a revised rate for a closed period never changes the stored value: the revision is returned and logged, once', async () => {
    await refresh('2026-07-02');
    sim.simulator.state.changes.ecb_mro = sim.simulator.state.changes.ecb_mro.map(([d, v]) => (d === '2025-06-11' ? [d, '2.25'] as const : [d, v] as const));
    const logged: Record<string, unknown>[] = [];
    const out = await refreshRates({ sql, today: '2026-07-02', http, env: sim.simulator.env, since: '2026-01-01', semesterPublishers: [], log: (e) => logged.push(e) });
    expect(out[0]?.revisions).toEqual([{ kind: 'ecb_mro', period: '2026-H1', storedValue: '2.15', offeredValue: '2.25', sourceUrl: sim.simulator.env['RATES_ECB_URL'] }]);
    expect(logged).toContainEqual(expect.objectContaining({ kind: 'ecb_mro', period: '2026-H1', stored: '2.15', offered: '2.25' }));
    expect((await loadRateBook(sql)).ecbMro?.['2026-H1']).toBe('2.15');
    const again = await refresh('2026-07-02');
    expect(again[0]?.revisions).toEqual([]);
  });

  it('the scheduled job alerts each tenant\'s team of a revision once, however often it runs', async () => {
    const { tenant } = await newTenant(sql);
    const job = () => runRatesJob(sql, { now: new Date('2026-07-02T08:00:00Z'), timeZone: 'Europe/Paris', env: sim.simulator.env, http });
    sim.simulator.state.today = '2026-07-02';
    await job();
    sim.simulator.state.changes.uk_bank_rate = sim.simulator.state.changes.uk_bank_rate.map(([d, v]) => (d === '2026-05-07' ? [d, '3.25'] as const : [d, v] as const));
    await job();
    await job();
    const alerts = await sql<{ payload: { kind: string; severity: string; data: Record<string, string> } }[]>`select payload from outbox where tenant_id = ${tenant.id} and kind = 'alert'`;
    expect(alerts.map((a) => a.payload)).toEqual([expect.objectContaining({ kind: 'rate_revised', severity: 'critical', data: expect.objectContaining({ rate: 'uk_bank_rate', period: '2026-H2', stored: '3.50', offered: '3.25' }) })]);
    expect((await loadRateBook(sql)).ukBankRate?.['2026-H2']).toBe('3.50');
  });
});
