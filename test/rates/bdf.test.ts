// The French taux légal fetcher against the simulated Banque de France Webstat: key unset, period change, publisher down, malformed answer, revision; and the engine reading it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BDF_DEFAULT_SERIES, parseBdfLegalRates } from '../../src/rates/bdf.js';
import { createRateHttp } from '../../src/rates/http.js';
import { runRatesJob } from '../../src/rates/job.js';
import { refreshRates, type RefreshOutcome } from '../../src/rates/refresh.js';
import { computePenalty } from '../../src/rules/late-payment-interest.js';
import { NO_ADDED_RATES, frTauxLegal } from '../../src/rules/rate-tables.js';
import { listStoredRates, loadRateBook } from '../../src/store/rates.js';
import { newTenant, useIsolatedDatabase } from '../support/db.js';
import { usePublishers } from './publishers.js';

const { sql } = useIsolatedDatabase();
const publishers = usePublishers(sql);
const http = createRateHttp({ retries: 2, backoffMs: () => 1, timeoutMs: 2000 });
const logged: Array<{ entry: Record<string, unknown>; msg: string }> = [];
// The Banque de France only: the series publishers are tested in refresh.test.ts.
const refresh = (today: string, env: Record<string, string> = publishers().simulator.env) =>
  refreshRates({ sql, today, http, env, since: '2026-01-01', publishers: [], log: (entry, msg) => logged.push({ entry, msg }) });
const legal = async () => (await listStoredRates(sql)).filter((r) => r.kind.startsWith('fr_legal'));
const statusOf = (out: RefreshOutcome[]) => out.map((o) => [o.kind, o.status, o.stored]);

beforeEach(() => {
  logged.length = 0;
});

describe('French taux légal from the Banque de France', () => {
  it('without RATES_BDF_API_KEY: skipped with a status that names the setting, logged, nothing asked, nothing stored', async () => {
    const { RATES_BDF_API_KEY: _unset, ...env } = publishers().simulator.env;
    const out = await refresh('2026-06-25', env);
    expect(statusOf(out)).toEqual([
      ['fr_legal_other', 'skipped', []],
      ['fr_legal_individual', 'skipped', []],
    ]);
    expect(out[0]?.reason).toMatch(/RATES_BDF_API_KEY is not set/);
    expect(logged.map((l) => l.msg)).toEqual([expect.stringMatching(/RATES_BDF_API_KEY is not set: the French taux légal is not fetched/)]);
    expect(publishers().simulator.state.requests.bdf).toBe(0);
    expect(await legal()).toEqual([]);
  });

  it('period change: a semester is stored once its arrêté is published, with its own value, never the last one carried forward', async () => {
    expect(statusOf(await refresh('2026-06-20'))).toEqual([
      ['fr_legal_other', 'ok', ['2026-H1']],
      ['fr_legal_individual', 'ok', ['2026-H1']],
    ]);
    // H2 is not published yet (the simulated arrêté appears on 24 Jun): unknown, not H1's 2.62 %.
    const early = await loadRateBook(sql);
    expect(frTauxLegal('2026-H1', 'business', early)).toBe('2.62');
    expect(() => frTauxLegal('2026-H2', 'business', early)).toThrow(/RATE_MISSING\(2026-H2\).*RATES_BDF_API_KEY/);
    publishers().simulator.state.today = '2026-06-25';
    expect(statusOf(await refresh('2026-06-25'))).toEqual([
      ['fr_legal_other', 'ok', ['2026-H2']],
      ['fr_legal_individual', 'ok', ['2026-H2']],
    ]);
    const book = await loadRateBook(sql);
    expect([book.frLegalOther, book.frLegalIndividual]).toEqual([{ '2026-H1': '2.62', '2026-H2': '2.71' }, { '2026-H1': '6.67', '2026-H2': '6.58' }]);
    expect((await legal()).find((r) => r.kind === 'fr_legal_other' && r.period === '2026-H2')).toMatchObject({ value: '2.71', effectiveOn: '2026-07-01', publishedOn: '2026-06-24', sourceUrl: publishers().simulator.env['RATES_BDF_URL'] });
  });

  it('a wrong particuliers series key (the guessed default) never keeps the business rate out: it is stored, and the silent series is reported with the setting that corrects it', async () => {
    const env = { ...publishers().simulator.env, RATES_BDF_SERIES_INDIVIDUAL: 'FM.H.FR.EUR.FR2.LIR.NO_SUCH.YLD' };
    const out = await refresh('2026-06-25', env);
    expect(statusOf(out)).toEqual([
      ['fr_legal_other', 'ok', ['2026-H1']],
      ['fr_legal_individual', 'malformed', []],
    ]);
    expect(out[1]?.reason).toMatch(/answered nothing for series FM\.H\.FR\.EUR\.FR2\.LIR\.NO_SUCH\.YLD .*set RATES_BDF_SERIES_INDIVIDUAL/);
    expect(logged.map((l) => l.msg)).toContainEqual(expect.stringMatching(/series key is probably wrong; set RATES_BDF_SERIES_INDIVIDUAL/));
    expect((await legal()).map((r) => [r.kind, r.period, r.value])).toEqual([['fr_legal_other', '2026-H1', '2.62']]);
  });

  it('publisher down: retried, reported, nothing stored; the next refresh stores it', async () => {
    publishers().simulator.state.faults.bdf = 'down';
    const out = await refresh('2026-06-20');
    expect(out.map((o) => o.status)).toEqual(['unavailable', 'unavailable']);
    expect(out[0]?.reason).toMatch(/HTTP 503/);
    expect(publishers().simulator.state.requests.bdf).toBe(3);
    expect(await legal()).toEqual([]);
    publishers().simulator.state.faults.bdf = 'timeout';
    expect((await refresh('2026-06-20')).map((o) => o.status)).toEqual(['unavailable', 'unavailable']);
    // A refused key is not retried: it will be refused again.
    publishers().simulator.state.faults = {};
    publishers().simulator.state.requests.bdf = 0;
    const wrongKey = await refresh('2026-06-20', { ...publishers().simulator.env, RATES_BDF_API_KEY: 'not-the-key' });
    expect(wrongKey[0]).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/HTTP 401/) });
    expect(await legal()).toEqual([]);
    expect((await refresh('2026-06-20')).map((o) => o.stored)).toEqual([['2026-H1'], ['2026-H1']]);
  });

  it('a malformed answer is rejected with the reason, and none of it is stored, not even its readable records', async () => {
    publishers().simulator.state.today = '2026-06-25';
    publishers().simulator.state.faults.bdf = 'malformed';
    const out = await refresh('2026-06-25');
    expect(out.map((o) => o.status)).toEqual(['malformed', 'malformed']);
    expect(out[0]?.reason).toMatch(/obs_value "n\.d\." is not a percent/);
    expect(logged.map((l) => l.entry['status'])).toEqual(['malformed']);
    expect(await legal()).toEqual([]);
  });

  it('a revision of a closed semester never changes the stored value: kept aside, logged, alerted once per tenant', async () => {
    publishers().simulator.state.today = '2026-07-02';
    await refresh('2026-07-02');
    const { tenant } = await newTenant(sql);
    publishers().simulator.state.legal = publishers().simulator.state.legal.map((s) => (s.period === '2026-H1' ? { ...s, other: '2.65' } : s));
    const job = () => runRatesJob(sql, { now: new Date('2026-07-02T08:00:00Z'), timeZone: 'Europe/Paris', env: publishers().simulator.env, http, log: (entry, msg) => logged.push({ entry, msg }) });
    const out = (await job()).filter((o) => o.kind.startsWith('fr_legal'));
    expect(out.map((o) => o.revisions)).toEqual([[{ kind: 'fr_legal_other', period: '2026-H1', storedValue: '2.62', offeredValue: '2.65', sourceUrl: publishers().simulator.env['RATES_BDF_URL'] }], []]);
    expect(logged.map((l) => l.entry)).toContainEqual(expect.objectContaining({ kind: 'fr_legal_other', period: '2026-H1', stored: '2.62', offered: '2.65' }));
    await job();
    expect((await loadRateBook(sql)).frLegalOther?.['2026-H1']).toBe('2.62');
    const alerts = await sql<{ payload: { kind: string; data: Record<string, string> } }[]>`select payload from outbox where tenant_id = ${tenant.id} and kind = 'alert'`;
    expect(alerts.map((a) => a.payload)).toEqual([expect.objectContaining({ kind: 'rate_revised', data: expect.objectContaining({ rate: 'fr_legal_other', period: '2026-H1', stored: '2.62', offered: '2.65' }) })]);
  });
});

describe('parseBdfLegalRates: refuses rather than misreads', () => {
  const series = { ...BDF_DEFAULT_SERIES };
  const rec = (over: Record<string, unknown> = {}, kind: keyof typeof BDF_DEFAULT_SERIES = 'fr_legal_other') => ({ series_key: series[kind], time_period: '2026-S2', time_period_start: '2026-07-01', time_period_end: '2026-12-31', obs_value: kind === 'fr_legal_other' ? 2.71 : 6.58, updated_at: '2026-06-24T08:00:00+00:00', ...over });
  const both = (over: Record<string, unknown> = {}) => JSON.stringify([rec(over), rec({}, 'fr_legal_individual')]);

  it('reads both rates of a semester, a number or a string, with its publication date', () => {
    expect(parseBdfLegalRates(both({ obs_value: '2.71' }), series, '2026-01-01')).toEqual({
      rates: {
        fr_legal_other: [{ period: '2026-H2', value: '2.71', effectiveOn: '2026-07-01', publishedOn: '2026-06-24' }],
        fr_legal_individual: [{ period: '2026-H2', value: '6.58', effectiveOn: '2026-07-01', publishedOn: '2026-06-24' }],
      },
      silent: [],
    });
    expect(parseBdfLegalRates('[]', series, '2026-01-01')).toEqual({ rates: { fr_legal_other: [], fr_legal_individual: [] }, silent: [] });
  });

  it('a series that answers nothing while the other answers is reported silent, and the other is still read', () => {
    expect(parseBdfLegalRates(JSON.stringify([rec()]), series, '2026-01-01')).toEqual({
      rates: { fr_legal_other: [{ period: '2026-H2', value: '2.71', effectiveOn: '2026-07-01', publishedOn: '2026-06-24' }], fr_legal_individual: [] },
      silent: ['fr_legal_individual'],
    });
  });

  it.each([
    ['not JSON', '<html>maintenance</html>', /not JSON/],
    ['not an array', '{"results": []}', /JSON array/],
    ['a series not asked for', both({ series_key: 'FM.M.U2.EUR.4F.KR.MRR_FR.LEV' }), /series_key "FM\.M\.U2.*not one we asked for/],
    ['a period that is not a semester', both({ time_period_end: '2026-09-30' }), /2026-07-01\.\.2026-09-30 is not a semester/],
    ['a label that contradicts the bounds', both({ time_period: '2026-S1' }), /time_period "2026-S1" does not match/],
    ['a value with float noise', both({ obs_value: 2.7099999999 }), /2\.7099999999 is not a percent/],
    ['a negative value', both({ obs_value: -1 }), /is not a percent/],
    ['one rate of the arrêté without the other', JSON.stringify([rec(), rec({ time_period: '2026-S1', time_period_start: '2026-01-01', time_period_end: '2026-06-30' }, 'fr_legal_individual')]), /2026-H2 has the fr_legal_other rate but not the fr_legal_individual one/],
    ['two values for one semester', JSON.stringify([rec(), rec({ obs_value: 2.8 }), rec({}, 'fr_legal_individual')]), /two values for fr_legal_other 2026-H2/],
    ['an unreadable publication date', both({ updated_at: 'hier' }), /updated_at "hier"/],
  ])('%s', (_name, body, reason) => {
    expect(() => parseBdfLegalRates(body, series, '2026-01-01')).toThrow(reason);
  });
});

describe('the penalty engine reads the fetched taux légal: RATES_FILE, then fetched, then shipped', () => {
  // A French consumer debt: interest at the taux légal of the creditor's category from the day after the notice.
  const consumer = (rates: Parameters<typeof computePenalty>[0]['rates']) =>
    computePenalty({ jurisdiction: 'FR', debtor: 'consumer', amount: '1000.00', currency: 'EUR', dueDate: '2026-07-01', noticeDate: '2026-07-31', asOf: '2026-12-31', ...(rates ? { rates } : {}) });

  it('states the interest of a semester only the publisher knows, and waits without it', () => {
    expect(() => consumer(undefined)).toThrow(/RATE_MISSING\(2026-H2\)/);
    // 1 Aug to 31 Dec: 153 days × 1000.00 × 2.71 % / 365 = 11.3597… → 11.36.
    const r = consumer({ frLegalOther: { '2026-H2': '2.71' } });
    expect(r.segments.map((s) => [s.from, s.to, s.days, s.rate])).toEqual([['2026-08-01', '2026-12-31', 153, '2.71']]);
    expect(r.interest).toBe('11.36');
    // The floor of a contract rate reads the same rate: 3 × 2.71 = 8.13 %.
    expect(computePenalty({ jurisdiction: 'FR', amount: '1000.00', currency: 'EUR', dueDate: '2026-07-31', asOf: '2026-08-31', contractRate: '5', rates: { frLegalOther: { '2026-H2': '2.71' } } }).segments[0]?.rate).toBe('8.13');
  });

  it('RATES_FILE wins over the fetched value, which wins over the shipped table', () => {
    expect(frTauxLegal('2026-H1', 'business')).toBe('2.62');
    expect(frTauxLegal('2026-H1', 'business', { frLegalOther: { '2026-H1': '2.60' } })).toBe('2.60');
    const added = { ...NO_ADDED_RATES, frTauxLegal: { '2026-H2': ['2.75', null] as const } };
    expect(frTauxLegal('2026-H2', 'business', { frLegalOther: { '2026-H2': '2.71' }, added })).toBe('2.75');
    // The file gives no particuliers rate for the semester: the fetched one still applies.
    expect(frTauxLegal('2026-H2', 'consumer', { frLegalIndividual: { '2026-H2': '6.58' }, added })).toBe('6.58');
  });
});
