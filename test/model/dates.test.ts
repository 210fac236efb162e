// isBusinessDate's arithmetic against the calendar of Date.UTC, on every day-month combination of edge years.
import { describe, expect, it } from 'vitest';
import { isBusinessDate } from '../../src/model/dates.js';

const byDateUtc = (s: string) => {
  const [y, mo, d] = s.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
};

describe('isBusinessDate', () => {
  it('agrees with the UTC calendar on leap years, century years, month ends and out-of-range parts', () => {
    let checked = 0;
    for (const y of ['0000', '0099', '0100', '1600', '1900', '2000', '2023', '2024', '2025', '2100', '9999']) {
      for (let mo = 0; mo <= 13; mo++) {
        for (let d = 0; d <= 32; d++) {
          const s = `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          expect([s, isBusinessDate(s)]).toEqual([s, byDateUtc(s)]);
          checked++;
        }
      }
    }
    expect(checked).toBe(11 * 14 * 33);
    expect(isBusinessDate('2024-02-29')).toBe(true);
    expect(isBusinessDate('2025-02-29')).toBe(false);
    expect(isBusinessDate('2025-2-28')).toBe(false);
  });
});
