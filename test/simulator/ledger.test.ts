// The simulator kit's ledger arithmetic: minor units to decimal text and back, exactly, and business-date steps.
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, formatMinor, jsonMoney, msToYmd, parseMinor, ymdToMs } from '../../src/simulator/ledger.js';

describe('simulator ledger', () => {
  it('formats minor units with the currency digits', () => {
    expect([formatMinor(36207, 2), formatMinor(-50, 2), formatMinor(5, 2), formatMinor(1500, 0), formatMinor(-1, 3)]).toEqual(['362.07', '-0.50', '0.05', '1500', '-0.001']);
    expect(jsonMoney(36207, 2)).toBe(JSON.parse('362.07'));
    expect(() => formatMinor(0.5, 2)).toThrow(/not an integer/);
  });

  it('parses what clients send, refusing more precision than the currency has', () => {
    expect([parseMinor('362.07', 2), parseMinor(362.07, 2), parseMinor('12.500', 2), parseMinor(' -3 ', 2), parseMinor('7', 0)]).toEqual([36207, 36207, 1250, -300, 7]);
    expect([parseMinor('12.345', 2), parseMinor('1.5', 0), parseMinor('abc', 2), parseMinor('1e3', 2), parseMinor('', 2), parseMinor(null, 2), parseMinor('12.', 2)]).toEqual(Array(7).fill(undefined));
  });

  it('round-trips every amount exactly, as decimal.js computes it', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 3 }), (minor, digits) => {
        const text = formatMinor(minor, digits);
        expect(text).toBe(new Decimal(minor).div(10 ** digits).toFixed(digits));
        expect(parseMinor(text, digits)).toBe(minor);
      }),
      { seed: 20261204, numRuns: 2000 },
    );
  });

  it('steps business dates across months, leap days and years', () => {
    expect([addDays('2028-02-28', 1), addDays('2026-12-31', 1), addDays('2026-03-01', -1), addDays('2026-01-31', 30)]).toEqual(['2028-02-29', '2027-01-01', '2026-02-28', '2026-03-02']);
    expect([daysBetween('2026-01-01', '2026-12-31'), daysBetween('2026-03-10', '2026-03-02')]).toEqual([364, -8]);
    expect(msToYmd(ymdToMs('2026-10-25') + 86_399_999)).toBe('2026-10-25');
  });
});
