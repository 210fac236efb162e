// The law's rule per rate, as a table: which observation governs which half-year, and what stays unknown.
import { describe, expect, it } from 'vitest';
import { parseBoeCsv, parseSdmxCsv, MalformedAnswer } from '../../src/rates/publishers.js';
import { periodRates } from '../../src/rates/rule.js';

const ecb = { anchor: 'half_start' } as const;
const boe = { anchor: 'day_before_half' } as const;

describe('periodRates', () => {
  it.each([
    // FR H2 2022 stayed 0 % + 10: the 0.50 % MRO took effect on 27 Jul, after the 1 Jul anchor (law §1.2).
    ['ECB: a change after 1 Jul waits for the next half-year', ecb, [['2016-03-16', '0.00'], ['2022-07-27', '0.50']], '2022-01-01', '2023-01-05', [['2022-H1', '0.00'], ['2022-H2', '0.00'], ['2023-H1', '0.50']]],
    ['ECB: a change effective on 1 Jul itself counts', ecb, [['2025-06-11', '2.15'], ['2026-07-01', '2.40']], '2026-01-01', '2026-07-01', [['2026-H1', '2.15'], ['2026-H2', '2.40']]],
    ['ECB: the anchor not yet come is unknown, not today\'s value', ecb, [['2025-06-11', '2.15']], '2026-01-01', '2026-06-30', [['2026-H1', '2.15']]],
    ['UK: Bank Rate on 30 Jun governs H2; a cut on 1 Jul does not', boe, [['2026-06-30', '3.75'], ['2026-07-01', '3.50']], '2026-07-01', '2026-12-04', [['2026-H2', '3.75']]],
    ['UK: H1 reads 31 Dec of the year before', boe, [['2025-12-31', '3.75'], ['2026-01-02', '3.50']], '2026-01-01', '2026-01-02', [['2026-H1', '3.75']]],
    ['nothing observed before the anchor: unknown', ecb, [['2026-08-01', '2.40']], '2026-07-01', '2026-12-04', []],
  ] as const)('%s', (_name, p, obs, since, today, want) => {
    expect(periodRates(p, obs.map(([date, value]) => ({ date, value })), since, today).map((r) => [r.period, r.value])).toEqual(want);
  });
});

describe('parsers', () => {
  it('read SDMX-CSV by column name, monthly periods as their first day', () => {
    expect(parseSdmxCsv('x', 'FREQ,TIME_PERIOD,OBS_VALUE\nM,2026-07,1.52\nM,2026-01,1.27\n')).toEqual([{ date: '2026-01-01', value: '1.27' }, { date: '2026-07-01', value: '1.52' }]);
  });
  it('read the Bank of England CSV dates', () => {
    expect(parseBoeCsv('x', 'IUDBEDR', 'DATE,IUDBEDR\n31 Dec 2025,3.75\n')).toEqual([{ date: '2025-12-31', value: '3.75' }]);
  });
  it.each([
    ['an HTML page', () => parseBoeCsv('BoE', 'IUDBEDR', '<html>maintenance</html>'), /expected the header/],
    ['a float written as text', () => parseSdmxCsv('ECB', 'TIME_PERIOD,OBS_VALUE\n2026-06-17,NaN\n'), /value "NaN" is not a percent/],
    ['an empty body', () => parseSdmxCsv('ECB', ''), /empty body/],
    ['a bad date', () => parseSdmxCsv('ECB', 'TIME_PERIOD,OBS_VALUE\n17/06/2026,2.40\n'), /date "17\/06\/2026"/],
  ])('reject %s with the reason', (_n, f, why) => {
    expect(f).toThrow(MalformedAnswer);
    expect(f).toThrow(why);
  });
});

describe('precedence: RATES_FILE, then fetched, then the shipped table', () => {
  it('reads the fetched rate for a period the shipped table lacks, and lets the operator\'s RATES_FILE win', async () => {
    const { ecbMroForHalf, deBasiszinssatz, RateMissing } = await import('../../src/rules/rate-tables.js');
    const { parseRateOverrides } = await import('../../src/rules/rate-overrides.js');
    expect(() => ecbMroForHalf('2026-H2')).toThrow(RateMissing);
    expect(ecbMroForHalf('2026-H2', { ecbMro: { '2026-H2': '2.40' } })).toBe('2.40');
    expect(ecbMroForHalf('2026-H1', { ecbMro: {} })).toBe('2.15');
    expect(deBasiszinssatz('2026-H2', { deBasiszinssatz: { '2026-H2': '1.52' } })).toBe('1.52');
    const added = parseRateOverrides({ source: 'test override', ecbMro: { knownThrough: '2026-12-31', changes: [['2026-06-17', '2.65']] }, deBasiszinssatz: { '2026-H2': '1.77' } });
    expect(ecbMroForHalf('2026-H2', { ecbMro: { '2026-H2': '2.40' }, added })).toBe('2.65');
    expect(deBasiszinssatz('2026-H2', { deBasiszinssatz: { '2026-H2': '1.52' }, added })).toBe('1.77');
  });
});
