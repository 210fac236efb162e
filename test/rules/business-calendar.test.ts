// Business calendar: Easter, French and England & Wales holidays with substitutes, business-day arithmetic, send windows.
import { describe, expect, it } from 'vitest';
import { BusinessCalendar, calendarFor, easterSunday, frenchHolidays, isInSendWindow, localTimeToInstant, nextSendInstant, ukHolidays, weekday } from '../../src/rules/index.js';

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

describe('easterSunday over the Gregorian centuries', () => {
  // An independent computus: Oudin's algorithm (1940), as the US Naval Observatory gives it, integer division throughout.
  const oudin = (y: number): string => {
    const div = (a: number, b: number) => Math.floor(a / b);
    const c = div(y, 100);
    const n = y - 19 * div(y, 19);
    const k = div(c - 17, 25);
    let i = c - div(c, 4) - div(c - k, 3) + 19 * n + 15;
    i = i - 30 * div(i, 30);
    i = i - div(i, 28) * (1 - div(i, 28) * div(29, i + 1) * div(21 - n, 11));
    let j = y + div(y, 4) + i + 2 - c + div(c, 4);
    j = j - 7 * div(j, 7);
    const l = i - j;
    const m = 3 + div(l + 40, 44);
    const d = l + 28 - 31 * div(m, 4);
    return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  };
  it('is a Sunday between 22 March and 25 April, the date Oudin’s computus gives, every year from 1583 to 4099', () => {
    const wrong: string[] = [];
    for (let y = 1583; y <= 4099; y++) {
      const e = easterSunday(y);
      if (e !== oudin(y) || weekday(e) !== 0 || e.slice(5) < '03-22' || e.slice(5) > '04-25') wrong.push(`${y}: ${e} (Oudin ${oudin(y)})`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('holiday names', () => {
  it('France: each holiday under its name', () => {
    expect(Object.fromEntries(frenchHolidays(2025))).toEqual({
      '2025-01-01': "Jour de l'an", '2025-04-21': 'Lundi de Pâques', '2025-05-01': 'Fête du travail', '2025-05-08': 'Victoire 1945',
      '2025-05-29': 'Ascension', '2025-06-09': 'Lundi de Pentecôte', '2025-07-14': 'Fête nationale', '2025-08-15': 'Assomption',
      '2025-11-01': 'Toussaint', '2025-11-11': 'Armistice 1918', '2025-12-25': 'Noël',
    });
  });
  it('England & Wales: each bank holiday under its name, substitutes included', () => {
    expect(Object.fromEntries(ukHolidays(2021))).toEqual({
      '2021-01-01': "New Year's Day", '2021-04-02': 'Good Friday', '2021-04-05': 'Easter Monday', '2021-05-03': 'Early May bank holiday',
      '2021-05-31': 'Spring bank holiday', '2021-08-30': 'Summer bank holiday', '2021-12-27': 'Christmas Day', '2021-12-28': 'Boxing Day',
    });
  });
  it('England & Wales: the days moved or added by proclamation', () => {
    // gov.uk bank holiday tables: VE Day 50th anniversary (1995), Golden Jubilee (2002), royal wedding (2011),
    // Diamond Jubilee (2012), Platinum Jubilee and the State funeral (2022), the Coronation (2023).
    const changed = (year: number) => Object.fromEntries([...ukHolidays(year)].filter(([d, name]) => !['Good Friday', 'Easter Monday', 'Summer bank holiday', 'Christmas Day', 'Boxing Day', "New Year's Day"].includes(name) || d.slice(5, 7) === '05' || d.slice(5, 7) === '06'));
    expect(changed(1995)).toEqual({ '1995-05-08': 'Early May bank holiday', '1995-05-29': 'Spring bank holiday' });
    expect(changed(2002)).toEqual({ '2002-05-06': 'Early May bank holiday', '2002-06-04': 'Spring bank holiday', '2002-06-03': 'Golden Jubilee' });
    expect(changed(2011)).toEqual({ '2011-05-02': 'Early May bank holiday', '2011-05-30': 'Spring bank holiday', '2011-04-29': 'Royal wedding' });
    expect(changed(2012)).toEqual({ '2012-05-07': 'Early May bank holiday', '2012-06-04': 'Spring bank holiday', '2012-06-05': 'Diamond Jubilee' });
    expect(changed(2022)).toEqual({ '2022-05-02': 'Early May bank holiday', '2022-06-02': 'Spring bank holiday', '2022-06-03': 'Platinum Jubilee', '2022-09-19': 'State funeral of Queen Elizabeth II' });
    expect(changed(2023)).toEqual({ '2023-05-01': 'Early May bank holiday', '2023-05-29': 'Spring bank holiday', '2023-05-08': 'Coronation of King Charles III' });
  });
});

describe('calendars', () => {
  it('`none` knows weekends only: Christmas and New Year are business days', () => {
    const none = new BusinessCalendar('none');
    expect([none.holidayName('2025-12-25'), none.isBusinessDay('2025-12-25'), none.isBusinessDay('2025-01-01')]).toEqual([undefined, true, true]);
  });
  it('a tenant’s own holidays are named and skipped', () => {
    const fr = new BusinessCalendar('FR', new Set(['2025-06-12']));
    expect([fr.holidayName('2025-06-12'), fr.isBusinessDay('2025-06-12'), fr.shiftForward('2025-06-12')]).toEqual(['tenant holiday', false, '2025-06-13']);
    expect(new BusinessCalendar('FR').holidayName('2025-06-12')).toBeUndefined();
  });
  it('calendarFor shares one instance per calendar', () => {
    expect(calendarFor('FR')).toBe(calendarFor('FR'));
    expect(calendarFor('UK').id).toBe('UK');
  });
});

describe('send window edges', () => {
  const fr = new BusinessCalendar('FR');
  it('a local time skipped by the spring DST change resolves to after the gap; the hour before it stays itself', () => {
    // Paris, 30 Mar 2025: 02:00 → 03:00 at 01:00Z.
    expect(localTimeToInstant('2025-03-30', 2, 'Europe/Paris')).toBe('2025-03-30T01:00:00Z');
    expect(localTimeToInstant('2025-03-30', 1, 'Europe/Paris')).toBe('2025-03-30T00:00:00Z');
    expect(localTimeToInstant('2025-03-30', 3, 'Europe/Paris')).toBe('2025-03-30T01:00:00Z');
  });
  it('the end hour is outside the window', () => {
    const w = { startHour: 9, endHour: 17, businessDaysOnly: true };
    expect(isInSendWindow('2025-07-15T14:59:59Z', w, 'Europe/Paris', fr)).toBe(true); // 16:59:59 Paris
    expect(isInSendWindow('2025-07-15T15:00:00Z', w, 'Europe/Paris', fr)).toBe(false); // 17:00
  });
  it('any day may send when the window is not for business days only: early on a Saturday, the same Saturday', () => {
    const w = { startHour: 9, endHour: 17, businessDaysOnly: false };
    expect(nextSendInstant('2025-07-12T03:00:00Z', w, 'Europe/Paris', fr)).toBe('2025-07-12T07:00:00Z');
    expect(nextSendInstant('2025-07-12T16:00:00Z', w, 'Europe/Paris', fr)).toBe('2025-07-13T07:00:00Z');
  });
});
