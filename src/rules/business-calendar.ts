// Business calendars (weekends, French and England & Wales public holidays), business-day arithmetic and send windows in the tenant zone.
import { addDays } from '../model/index.js';

export const CALENDARS = ['FR', 'UK', 'none'] as const;
export type CalendarId = (typeof CALENDARS)[number];

/** Easter Sunday (Gregorian), by the anonymous Meeus/Jones/Butcher algorithm. */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function isWeekend(date: string): boolean {
  const wd = weekday(date);
  return wd === 0 || wd === 6;
}

const ymd = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

function firstMonday(y: number, m: number): string {
  let d = ymd(y, m, 1);
  while (weekday(d) !== 1) d = addDays(d, 1);
  return d;
}

function lastMonday(y: number, m: number): string {
  let d = addDays(m === 12 ? ymd(y + 1, 1, 1) : ymd(y, m + 1, 1), -1);
  while (weekday(d) !== 1) d = addDays(d, -1);
  return d;
}

/** French public holidays (Code du travail L3133-1), metropolitan list without the Alsace-Moselle extras. */
export function frenchHolidays(year: number): Map<string, string> {
  const easter = easterSunday(year);
  return new Map([
    [ymd(year, 1, 1), "Jour de l'an"],
    [addDays(easter, 1), 'Lundi de Pâques'],
    [ymd(year, 5, 1), 'Fête du travail'],
    [ymd(year, 5, 8), 'Victoire 1945'],
    [addDays(easter, 39), 'Ascension'],
    [addDays(easter, 50), 'Lundi de Pentecôte'],
    [ymd(year, 7, 14), 'Fête nationale'],
    [ymd(year, 8, 15), 'Assomption'],
    [ymd(year, 11, 1), 'Toussaint'],
    [ymd(year, 11, 11), 'Armistice 1918'],
    [ymd(year, 12, 25), 'Noël'],
  ]);
}

/**
 * One-off changes to England & Wales bank holidays by royal proclamation: the usual date is moved
 * (`moved`) or a day is added. Data, not rules, because they are decided case by case.
 */
const UK_EXCEPTIONS: Record<number, { moved?: Record<string, string>; added?: Record<string, string> }> = {
  1995: { moved: { 'Early May bank holiday': '1995-05-08' } },
  2002: { moved: { 'Spring bank holiday': '2002-06-04' }, added: { '2002-06-03': 'Golden Jubilee' } },
  2011: { added: { '2011-04-29': 'Royal wedding' } },
  2012: { moved: { 'Spring bank holiday': '2012-06-04' }, added: { '2012-06-05': 'Diamond Jubilee' } },
  2020: { moved: { 'Early May bank holiday': '2020-05-08' } },
  2022: { moved: { 'Spring bank holiday': '2022-06-02' }, added: { '2022-06-03': 'Platinum Jubilee', '2022-09-19': 'State funeral of Queen Elizabeth II' } },
  2023: { added: { '2023-05-08': 'Coronation of King Charles III' } },
};

/** England & Wales bank holidays, with weekend substitutes (New Year, Christmas, Boxing Day). */
export function ukHolidays(year: number): Map<string, string> {
  const easter = easterSunday(year);
  const out = new Map<string, string>();
  const ex = UK_EXCEPTIONS[year] ?? {};
  const put = (name: string, date: string) => out.set(ex.moved?.[name] ?? date, name);
  let newYear = ymd(year, 1, 1);
  while (isWeekend(newYear)) newYear = addDays(newYear, 1);
  put("New Year's Day", newYear);
  put('Good Friday', addDays(easter, -2));
  put('Easter Monday', addDays(easter, 1));
  put('Early May bank holiday', firstMonday(year, 5));
  put('Spring bank holiday', lastMonday(year, 5));
  put('Summer bank holiday', lastMonday(year, 8));
  // Christmas on Saturday → Monday 27 (and Boxing Day Sunday → Tuesday 28); on Sunday → Tuesday 27.
  const xmasWd = weekday(ymd(year, 12, 25));
  const xmas = xmasWd === 6 ? ymd(year, 12, 27) : xmasWd === 0 ? ymd(year, 12, 27) : ymd(year, 12, 25);
  const boxingWd = weekday(ymd(year, 12, 26));
  const boxing = boxingWd === 0 ? ymd(year, 12, 28) : boxingWd === 6 ? ymd(year, 12, 28) : ymd(year, 12, 26);
  put('Christmas Day', xmas);
  put('Boxing Day', boxing);
  for (const [d, name] of Object.entries(ex.added ?? {})) out.set(d, name);
  return out;
}

/** A calendar answers "is this a business day?", memoising holidays per year. */
export class BusinessCalendar {
  private readonly years = new Map<number, Map<string, string>>();
  constructor(readonly id: CalendarId, private readonly extraHolidays: ReadonlySet<string> = new Set()) {}

  holidayName(date: string): string | undefined {
    if (this.id === 'none') return undefined;
    const y = Number(date.slice(0, 4));
    let map = this.years.get(y);
    if (!map) {
      map = this.id === 'FR' ? frenchHolidays(y) : ukHolidays(y);
      this.years.set(y, map);
    }
    return map.get(date) ?? (this.extraHolidays.has(date) ? 'tenant holiday' : undefined);
  }

  isBusinessDay(date: string): boolean {
    return !isWeekend(date) && this.holidayName(date) === undefined && !this.extraHolidays.has(date);
  }

  /** `date` itself when it is a business day, else the next one. */
  shiftForward(date: string): string {
    let d = date;
    while (!this.isBusinessDay(d)) d = addDays(d, 1);
    return d;
  }

  /** N business days after `date` (negative goes back); counting starts the day after (before) `date`. */
  addBusinessDays(date: string, n: number): string {
    let d = date;
    const step = n >= 0 ? 1 : -1;
    for (let left = Math.abs(n); left > 0; ) {
      d = addDays(d, step);
      if (this.isBusinessDay(d)) left--;
    }
    return d;
  }
}

const shared = new Map<CalendarId, BusinessCalendar>();
/** A shared calendar instance per id (holiday tables are memoised). */
export function calendarFor(id: CalendarId): BusinessCalendar {
  let c = shared.get(id);
  if (!c) shared.set(id, (c = new BusinessCalendar(id)));
  return c;
}

export interface SendWindow {
  /** Local hour (0–23) in the tenant zone from which sending may start. */
  startHour: number;
  /** Local hour (1–24) before which sending must happen. */
  endHour: number;
  businessDaysOnly: boolean;
}

/** Offset of `timeZone` from UTC at `utcMillis`, in minutes. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function zoneOffsetMinutes(utcMillis: number, timeZone: string): number {
  // Building a DateTimeFormat costs far more than using one: keep one per zone.
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })));
  const parts = f.formatToParts(new Date(utcMillis));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - utcMillis) / 60_000);
}

/** The UTC instant of a local wall-clock time in `timeZone` (a time skipped by DST resolves to after the gap). */
export function localTimeToInstant(date: string, hour: number, timeZone: string): string {
  const wall = Date.parse(`${date}T00:00:00Z`) + hour * 3_600_000;
  let guess = wall - zoneOffsetMinutes(wall, timeZone) * 60_000;
  guess = wall - zoneOffsetMinutes(guess, timeZone) * 60_000;
  return new Date(guess).toISOString().replace('.000Z', 'Z');
}

/** Local date and hour of an instant in `timeZone`. */
export function localDateHour(instant: string, timeZone: string): { date: string; hour: number } {
  const ms = Date.parse(instant);
  const local = new Date(ms + zoneOffsetMinutes(ms, timeZone) * 60_000);
  return { date: local.toISOString().slice(0, 10), hour: local.getUTCHours() };
}

/** The first instant on or after `date` (tenant-local) at which the window opens, skipping non-business days when asked. */
export function windowOpensOn(date: string, window: SendWindow, timeZone: string, calendar: BusinessCalendar): string {
  const day = window.businessDaysOnly ? calendar.shiftForward(date) : date;
  return localTimeToInstant(day, window.startHour, timeZone);
}

/** True when `instant` falls inside the send window in the tenant zone. */
export function isInSendWindow(instant: string, window: SendWindow, timeZone: string, calendar: BusinessCalendar): boolean {
  const { date, hour } = localDateHour(instant, timeZone);
  if (window.businessDaysOnly && !calendar.isBusinessDay(date)) return false;
  return hour >= window.startHour && hour < window.endHour;
}

/** The next instant at or after `instant` inside the send window. */
export function nextSendInstant(instant: string, window: SendWindow, timeZone: string, calendar: BusinessCalendar): string {
  if (isInSendWindow(instant, window, timeZone, calendar)) return instant;
  const { date, hour } = localDateHour(instant, timeZone);
  const sameDayOk = hour < window.startHour && (!window.businessDaysOnly || calendar.isBusinessDay(date));
  return windowOpensOn(sameDayOk ? date : addDays(date, 1), window, timeZone, calendar);
}
