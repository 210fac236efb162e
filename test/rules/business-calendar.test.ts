// Business calendar: Easter, French and England & Wales holidays with substitutes, business-day arithmetic, send windows.
import { describe, expect, it } from 'vitest';
import { BusinessCalendar, easterSunday, frenchHolidays, isInSendWindow, localTimeToInstant, nextSendInstant, ukHolidays } from '../../src/rules/index.js';

describe('easterSunday', () => {
  it.each([
    [1961, '1961-04-02'], [2000, '2000-04-23'], [2008, '2008-03-23'], [2011, '2011-04-24'], [2019, '2019-04-21'],
    [2024, '2024-03-31'], [2025, '2025-04-20'], [2026, '2026-04-05'], [2027, '2027-03-28'], [2038, '2038-04-25'],
  ])('%i → %s', (year, date) => expect(easterSunday(year)).toBe(date));
});

describe('French public holidays', () => {
  it('2025 has the 11 metropolitan holidays with the Easter-based ones', () => {
    expect([...frenchHolidays(2025).keys()].sort()).toEqual([
      '2025-01-01', '2025-04-21', '2025-05-01', '2025-05-08', '2025-05-29', '2025-06-09', '2025-07-14', '2025-08-15', '2025-11-01', '2025-11-11', '2025-12-25',
    ]);
  });
  it('Ascension and Whit Monday follow Easter in 2024', () => {
    const h = frenchHolidays(2024);
    expect(h.get('2024-05-09')).toBe('Ascension');
    expect(h.get('2024-05-20')).toBe('Lundi de Pentecôte');
    expect(h.get('2024-04-01')).toBe('Lundi de Pâques');
  });
});

describe('England & Wales bank holidays', () => {
  it.each([
    [2021, ['2021-01-01', '2021-04-02', '2021-04-05', '2021-05-03', '2021-05-31', '2021-08-30', '2021-12-27', '2021-12-28']],
    [2022, ['2022-01-03', '2022-04-15', '2022-04-18', '2022-05-02', '2022-06-02', '2022-06-03', '2022-08-29', '2022-09-19', '2022-12-26', '2022-12-27']],
    [2023, ['2023-01-02', '2023-04-07', '2023-04-10', '2023-05-01', '2023-05-08', '2023-05-29', '2023-08-28', '2023-12-25', '2023-12-26']],
    [2020, ['2020-01-01', '2020-04-10', '2020-04-13', '2020-05-08', '2020-05-25', '2020-08-31', '2020-12-25', '2020-12-28']],
    [2026, ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28']],
  ])('%i', (year, dates) => expect([...ukHolidays(year).keys()].sort()).toEqual(dates));
});

describe('BusinessCalendar', () => {
  const fr = new BusinessCalendar('FR');
  const uk = new BusinessCalendar('UK');
  it('shifts a weekend or holiday forward to the next business day', () => {
    expect(fr.shiftForward('2025-05-31')).toBe('2025-06-02'); // Saturday
    expect(fr.shiftForward('2025-06-09')).toBe('2025-06-10'); // Whit Monday
    expect(fr.shiftForward('2025-06-10')).toBe('2025-06-10');
    expect(uk.shiftForward('2021-12-25')).toBe('2021-12-29'); // Sat, Sun, then both substitute days
    expect(new BusinessCalendar('none').shiftForward('2025-05-31')).toBe('2025-06-02');
  });
  it('adds business days, skipping holidays, in both directions', () => {
    expect(fr.addBusinessDays('2025-05-28', 2)).toBe('2025-06-02'); // Thu 29 Ascension, Fri 30, Mon 2
    expect(fr.addBusinessDays('2025-05-28', 1)).toBe('2025-05-30');
    expect(uk.addBusinessDays('2025-04-17', 1)).toBe('2025-04-22'); // Good Friday and Easter Monday
    expect(uk.addBusinessDays('2025-04-22', -1)).toBe('2025-04-17');
    expect(fr.addBusinessDays('2025-06-10', 0)).toBe('2025-06-10');
  });
});

describe('send window', () => {
  const fr = new BusinessCalendar('FR');
  const w = { startHour: 9, endHour: 17, businessDaysOnly: true };
  it('converts local hours in the tenant zone, across DST', () => {
    expect(localTimeToInstant('2025-01-15', 9, 'Europe/Paris')).toBe('2025-01-15T08:00:00Z');
    expect(localTimeToInstant('2025-07-15', 9, 'Europe/Paris')).toBe('2025-07-15T07:00:00Z');
    expect(localTimeToInstant('2025-07-15', 9, 'America/New_York')).toBe('2025-07-15T13:00:00Z');
  });
  it('knows when an instant is inside the window', () => {
    expect(isInSendWindow('2025-07-15T07:30:00Z', w, 'Europe/Paris', fr)).toBe(true); // 09:30 Paris
    expect(isInSendWindow('2025-07-15T06:30:00Z', w, 'Europe/Paris', fr)).toBe(false); // 08:30
    expect(isInSendWindow('2025-07-14T09:00:00Z', w, 'Europe/Paris', fr)).toBe(false); // Bastille Day
  });
  it('finds the next opening', () => {
    expect(nextSendInstant('2025-07-15T05:00:00Z', w, 'Europe/Paris', fr)).toBe('2025-07-15T07:00:00Z');
    expect(nextSendInstant('2025-07-11T16:00:00Z', w, 'Europe/Paris', fr)).toBe('2025-07-15T07:00:00Z'); // Fri 18:00 → Tue (Mon 14 Jul)
    expect(nextSendInstant('2025-07-15T08:00:00Z', w, 'Europe/Paris', fr)).toBe('2025-07-15T08:00:00Z');
  });
});
