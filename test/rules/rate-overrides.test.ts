// Operator-added rates: validated, sourced, never replacing shipped ones; once added, the missing period computes.
import { describe, expect, it } from 'vitest';
import { computePenalty, ecbMroForHalf, parseRateOverrides } from '../../src/rules/index.js';

describe('rate overrides', () => {
  it('refuses a file without a source, a malformed rate, or a period the shipped table has', () => {
    expect(() => parseRateOverrides({ ecbMro: { knownThrough: '2026-12-31', changes: [] } })).toThrow(/source/);
    expect(() => parseRateOverrides({ source: 'ECB press release', frTauxLegal: { '2026-H2': ['2,40', null] } })).toThrow(/decimal string/);
    expect(() => parseRateOverrides({ source: 'ECB press release', frTauxLegal: { '2026-H1': ['9.99', '9.99'] } })).toThrow(/already in the shipped table/);
    expect(() => parseRateOverrides({ source: 'ECB press release', ecbMro: { knownThrough: '2026-12-31', changes: [['2025-06-11', '9.00']] } })).toThrow(/within the shipped table/);
  });

  it('makes the second half of 2026 computable once the ECB rate is added', () => {
    expect(() => ecbMroForHalf('2026-H2')).toThrow(/RATE_MISSING/);
    const added = parseRateOverrides({ source: 'https://www.ecb.europa.eu (decision of 11 June 2026)', ecbMro: { knownThrough: '2026-12-31', changes: [['2026-06-17', '2.40']] } });
    expect(ecbMroForHalf('2026-H2', { added })).toBe('2.40');
    // A value passed down, not module state: without it the period is still unknown.
    expect(() => ecbMroForHalf('2026-H2')).toThrow(/RATE_MISSING/);
    const r = computePenalty({ jurisdiction: 'FR', amount: '10000.00', currency: 'EUR', dueDate: '2026-09-30', asOf: '2026-10-30', debtor: 'business', rates: { added } });
    // By hand: 10,000 × (2.40 + 10) % × 30/365 = 101.917… → 101.92, plus the €40 indemnity.
    expect(r.interest).toBe('101.92');
    expect(r.compensation).toBe('40.00');
  });
});
