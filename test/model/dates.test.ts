// isBusinessDate's arithmetic against the calendar of Date.UTC, on every day-month combination of edge years, and
// utcIso's against toISOString, isoInstantMs's against Date.parse.
import { describe, expect, it } from 'vitest';
import { isBusinessDate, isInstant, isoInstantMs, utcIso } from '../../src/model/dates.js';

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

describe('isoInstantMs', () => {
  let seed = 7;
  const random = (n: number) => Math.floor(((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648) * n);
  const two = (n: number) => String(n).padStart(2, '0');
  /** An instant in the usual form, each part drawn a little past its range at times. */
  const draw = (): string => {
    const date = `${String(random(10_000)).padStart(4, '0')}-${two(random(14))}-${two(random(33))}`;
    const time = `${two(random(26))}:${two(random(62))}:${two(random(62))}`;
    const fraction = ['', `.${String(random(1000)).padStart(3, '0')}`, '.5', '.123456'][random(4)];
    const zone = ['Z', `+${two(random(26))}:${two(random(62))}`, `-${two(random(26))}:${two(random(62))}`, '+0100', ''][random(5)];
    return `${date}T${time}${fraction}${zone}`;
  };

  it('gives Date.parse\'s instant for the usual form whenever the parts are in range, and leaves the rest to it', () => {
    let answered = 0;
    for (let i = 0; i < 30_000; i++) {
      const s = draw();
      const fast = isoInstantMs(s);
      if (fast === undefined) continue;
      answered++;
      expect([s, fast]).toEqual([s, Date.parse(s)]);
      expect([s, isInstant(s)]).toEqual([s, true]);
    }
    expect(answered).toBeGreaterThan(3000);
  });

  it('answers every real instant of the usual form, and nothing else', () => {
    for (let i = 0; i < 5000; i++) {
      const ms = Math.floor((random(2_000_000) / 1_000_000 - 0.3) * 1e13);
      const iso = new Date(ms).toISOString();
      expect(isoInstantMs(iso)).toBe(ms);
      expect(isoInstantMs(iso.replace('Z', '+02:30'))).toBe(ms - 9_000_000);
      expect(isoInstantMs(iso.replace(/\.\d{3}Z$/, '-07:00'))).toBe(Math.floor(ms / 1000) * 1000 + 25_200_000);
    }
    for (const s of ['2025-02-29T00:00:00Z', '2025-01-01T24:00:00Z', '2025-01-01T00:60:00Z', '2025-01-01T00:00:60Z', '2025-01-01T00:00:00+24:00', '2025-01-01T00:00:00+01:60',
      '2025-01-01T00:00Z', '2025-01-01 00:00:00Z', '2025-01-01T00:00:00', '2025-01-01T00:00:00.5Z', '2025-01-01T00:00:00.000Zx', '2025-01-01T00:00:00+0100', '0099-01-01T00:00:00Z', ' 2025-01-01T00:00:00Z']) {
      expect([s, isoInstantMs(s)]).toEqual([s, undefined]);
    }
  });
});
