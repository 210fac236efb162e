// A demo company's reference rates: the simulated publishers' values by the law's rule, only where no real source knows the rate.
import { describe, expect, it } from 'vitest';
import { withDemoRates } from '../../src/demo/rates.js';
import { NO_ADDED_RATES, frTauxLegal } from '../../src/rules/rate-tables.js';

describe('withDemoRates', () => {
  it('fills the half-years nothing real knows with what the simulated publishers had published by today', () => {
    const book = withDemoRates({}, '2026-12-04');
    expect([book.ecbMro?.['2026-H2'], book.ukBankRate?.['2026-H2'], book.deBasiszinssatz?.['2026-H2'], book.frLegalOther?.['2026-H2'], book.frLegalIndividual?.['2026-H2']]).toEqual(['2.40', '3.50', '1.52', '2.71', '6.58']);
    // The shipped table knows 2026-H1: nothing simulated is added for it.
    expect(book.ecbMro?.['2026-H1']).toBeUndefined();
    expect(book.frLegalOther?.['2026-H1']).toBeUndefined();
  });

  it('never replaces a fetched or RATES_FILE rate, and never anticipates a rate not yet published', () => {
    expect(withDemoRates({ ecbMro: { '2026-H2': '2.65' } }, '2026-12-04').ecbMro?.['2026-H2']).toBe('2.65');
    const book = withDemoRates({ added: { ...NO_ADDED_RATES, frTauxLegal: { '2026-H2': ['3.00', null] } } }, '2026-12-04');
    expect([book.frLegalOther?.['2026-H2'], book.frLegalIndividual?.['2026-H2']]).toEqual([undefined, '6.58']);
    // The operator's rate travels with the book: the engine reads it, not the simulated one.
    expect(frTauxLegal('2026-H2', 'business', book)).toBe('3.00');
    // 20 Jun: the 1 Jul anchor has not come and the simulated arrêté (24 Jun) is not out.
    const june = withDemoRates({}, '2026-06-20');
    expect([june.ecbMro?.['2026-H2'], june.frLegalOther?.['2026-H2']]).toEqual([undefined, undefined]);
  });
});
