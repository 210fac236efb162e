// The custom JSONata functions: exact amounts, Xero and QBO dates/instants, derived status — directly and from JSONata.
import { describe, expect, it } from 'vitest';
import { amount, cmpAmountsFn, compileMapping, instant, isInvalidValue, status, subAmountsFn, sumAmountsFn, msJsonDate, msJsonInstant } from '../../src/mapping/index.js';

const reason = (v: unknown) => (isInvalidValue(v) ? v.reason : `not invalid: ${String(v)}`);

describe('$amount', () => {
  it.each([
    [362.07, 'USD', '362.07'],
    [12.5, 'EUR', '12.50'],
    ['1675.52', 'EUR', '1675.52'],
    [0, 'EUR', '0.00'],
    [-50.25, 'EUR', '-50.25'],
    [1000, 'JPY', '1000'],
    [1.234, 'KWD', '1.234'],
    [1e21, 'EUR', '1000000000000000000000.00'],
    [' 7.1 ', 'EUR', '7.10'],
  ])('%s %s → %s', (value, cur, expected) => expect(amount(value, cur)).toBe(expected));

  it.each([
    [0.1 + 0.2, 'EUR', 'more than 2 decimals'],
    [10.505, 'EUR', 'more than 2 decimals'],
    [1000.5, 'JPY', 'more than 0 decimals'],
    ['12,50', 'EUR', 'not a decimal amount'],
    ['1e3', 'EUR', 'not a decimal amount'],
    [true, 'EUR', 'is not an amount'],
    [10, 'XXX', 'known currency'],
    [10, undefined, 'known currency'],
  ])('%s %s is refused (%s)', (value, cur, why) => expect(reason(amount(value, cur))).toContain(why));

  it('passes undefined and null through as undefined', () => {
    expect(amount(undefined, 'EUR')).toBeUndefined();
    expect(amount(null, 'EUR')).toBeUndefined();
  });
});

describe('amount arithmetic', () => {
  it('sums exactly where floats drift', () => {
    expect(sumAmountsFn([0.1, 0.2, '0.30'], 'EUR')).toBe('0.60');
    expect(0.1 + 0.2 + 0.3).not.toBe(0.6);
    expect(sumAmountsFn(undefined, 'EUR')).toBe('0.00');
    expect(sumAmountsFn(19.99, 'EUR')).toBe('19.99');
    expect(reason(sumAmountsFn([1, 'x'], 'EUR'))).toContain('not a decimal');
  });
  it('subtracts and compares', () => {
    expect(subAmountsFn(838.94, 568.31, 'USD')).toBe('270.63');
    expect(subAmountsFn(0, 50.25, 'USD')).toBe('-50.25');
    expect(cmpAmountsFn(0, '0.00')).toBe(0);
    expect(cmpAmountsFn('10.01', 10)).toBe(1);
    expect(cmpAmountsFn(undefined, 0.01)).toBe(-1);
  });
});

describe('$msjson_date', () => {
  const ms = (y: number, m: number, d: number, h = 0) => Date.UTC(y, m - 1, d, h);
  it.each([
    [`/Date(${ms(2026, 5, 31)}+0000)/`, '2026-05-31'],
    [`/Date(${ms(2026, 5, 31)})/`, '2026-05-31'],
    // Local midnight written as a UTC instant with the organisation's offset.
    [`/Date(${ms(2026, 5, 30, 23)}+0100)/`, '2026-05-31'],
    [`/Date(${ms(2026, 5, 30, 11)}+1300)/`, '2026-05-31'],
    [`/Date(${ms(2026, 5, 31, 5)}-0500)/`, '2026-05-31'],
    // UTC midnight with a decorative offset stays the UTC day (no shift west of UTC).
    [`/Date(${ms(2026, 5, 31)}-0500)/`, '2026-05-31'],
    [`/Date(${ms(2026, 5, 31)}+0100)/`, '2026-05-31'],
    ['2026-05-31T00:00:00', '2026-05-31'],
    ['2026-05-31', '2026-05-31'],
    ['2026-05-31T00:00:00+13:00', '2026-05-31'],
  ])('%s → %s', (value, expected) => expect(msJsonDate(value)).toBe(expected));

  it('refuses what is not a date', () => {
    expect(reason(msJsonDate('/Date(abc)/'))).toContain('not a Microsoft JSON date');
    expect(reason(msJsonDate('2026-02-30'))).toContain('not a Microsoft JSON date');
    expect(msJsonDate(undefined)).toBeUndefined();
  });
});

describe('instants', () => {
  it('normalises QBO offsets and Xero MS dates to UTC', () => {
    expect(instant('2015-07-24T10:35:08-07:00')).toBe('2015-07-24T17:35:08.000Z');
    expect(instant('2026-05-05T03:13:29Z')).toBe('2026-05-05T03:13:29.000Z');
    expect(msJsonInstant('/Date(1229791330237+0000)/')).toBe('2008-12-20T16:42:10.237Z');
    expect(msJsonInstant('/Date(1229791330237+0100)/')).toBe('2008-12-20T16:42:10.237Z');
    expect(msJsonInstant('2026-04-20T10:55:21.49')).toBe('2026-04-20T10:55:21.490Z');
  });
  it('refuses an instant without offset from QBO', () => {
    expect(reason(instant('2015-07-24T10:35:08'))).toContain('with an offset');
    expect(reason(instant('yesterday'))).toContain('with an offset');
  });
});

describe('$status', () => {
  it.each([
    ['100', '100', 'open', 'open'],
    ['100', '40', 'open', 'partially_paid'],
    ['100', '0', 'open', 'paid'],
    ['0', '0', 'open', 'open'],
    ['100', '100', 'void', 'void'],
    ['100', '100', 'draft', 'draft'],
    ['100', '0.01', 'paid', 'paid'],
    [100, 0, null, 'paid'],
  ])('total %s due %s source %s → %s', (total, due, source, expected) => expect(status(total, due, source)).toBe(expected));
});

describe('registered on every compiled mapping', () => {
  it('evaluates from JSONata with JSON numbers', async () => {
    const m = compileMapping('{ "t": $amount(TotalAmt, "EUR"), "s": $sum_amounts(Line.Amount, "EUR"), "d": $msjson_date(D), "c": $cmp_amounts(TotalAmt, 10) }');
    const out = await m.evaluate(JSON.parse('{"TotalAmt": 19.9, "Line": [{"Amount": 0.1}, {"Amount": 0.2}], "D": "/Date(1780185600000+0000)/"}'));
    expect(out).toEqual({ t: '19.90', s: '0.30', d: '2026-05-31', c: 1 });
  });
});
