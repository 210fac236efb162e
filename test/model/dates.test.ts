// isBusinessDate's arithmetic against the calendar of Date.UTC, on every day-month combination of edge years, and
// utcIso's against toISOString.
import { describe, expect, it } from 'vitest';
import { isBusinessDate, utcIso } from '../../src/model/dates.js';

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

  it('refuses anything but ASCII digits and hyphens in their places', () => {
    for (const s of ['2024-01-0x', '202a-01-01', '2024/01/01', '2024-01-01 ', ' 2024-01-01', '2024-0１-01', '+024-01-01', '2024-01--1', '2024-1-001', '']) {
      expect([s, isBusinessDate(s)]).toEqual([s, false]);
    }
  });
});

describe('utcIso', () => {
  it('writes what toISOString writes, at every boundary and on random instants', () => {
    const edges = [0, -1, 1, 999, 1000, 86_399_999, 86_400_000, Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2100, 2, 1), Date.UTC(2000, 1, 29, 12), Date.UTC(1000, 0, 1), Date.UTC(1000, 0, 1) - 1, Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(9999, 11, 31, 23, 59, 59, 999) + 1, Date.UTC(1969, 11, 31, 23, 59, 59, 999), 1.5, -62_198_755_200_000];
    let seed = 29;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const instants = [...edges, ...Array.from({ length: 20_000 }, () => Math.floor((random() * 2 - 0.6) * 2.6e14))];
    for (const ms of instants) expect([ms, utcIso(ms)]).toEqual([ms, new Date(ms).toISOString()]);
  });
});
