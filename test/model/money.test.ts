// toAmount's string fast path against the decimal.js path, on random decimal texts and JSON numbers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareAmounts, minorUnits, toAmount } from '../../src/model/index.js';
import { Dec } from '../../src/model/money.js';
import { toAmountWithDecimal } from '../../src/model/money.js';

const outcome = (f: () => string) => {
  try {
    return { value: f() };
  } catch (err) {
    return { error: (err as Error).message };
  }
};

const decimalText = fc
  .tuple(fc.constantFrom('', '-'), fc.constantFrom('0', '00', '7', '10', '123456789012', '007'), fc.option(fc.stringMatching(/^\d{1,6}$/), { nil: undefined }))
  .map(([sign, int, fraction]) => `${sign}${int}${fraction === undefined ? '' : `.${fraction}`}`);

describe('toAmount', () => {
  it('formats exactly as decimal.js does, and refuses the same texts, for every currency precision', () => {
    fc.assert(
      fc.property(decimalText, fc.constantFrom('EUR', 'JPY', 'KWD'), (text, currency) => {
        expect(outcome(() => toAmount(text, currency))).toEqual(outcome(() => toAmountWithDecimal(text, minorUnits(currency), currency)));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with decimal.js on JSON numbers with up to 4 decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 4 }), (units, scale) => {
        const n = units / 10 ** scale;
        expect(outcome(() => toAmount(n, 'EUR'))).toEqual(outcome(() => toAmountWithDecimal(String(n).includes('e') ? n.toFixed(20).replace(/0+$/, '') : String(n), 2, 'EUR')));
      }),
      { numRuns: 3000 },
    );
  });

  it('compares decimal texts exactly as decimal.js does', () => {
    fc.assert(
      fc.property(decimalText, decimalText, (a, b) => {
        expect(compareAmounts(a, b)).toBe(new Dec(a).comparedTo(b));
      }),
      { numRuns: 5000 },
    );
    expect(compareAmounts('-0.00', '0')).toBe(0);
    expect(compareAmounts('10.5', '9.99')).toBe(1);
    expect(compareAmounts('-10.5', '-9.99')).toBe(-1);
    expect(compareAmounts('1e3', '999')).toBe(1);
  });

  it('keeps the edge cases', () => {
    expect(toAmount('-0.00', 'EUR')).toBe('0.00');
    expect(toAmount('12.500', 'EUR')).toBe('12.50');
    expect(toAmount('0012.5', 'EUR')).toBe('12.50');
    expect(toAmount(' 5 ', 'JPY')).toBe('5');
    expect(() => toAmount('12.345', 'EUR')).toThrow('12.345 has more than 2 decimals for EUR');
    expect(() => toAmount('1e5', 'EUR')).toThrow('"1e5" is not a decimal amount');
  });
});
