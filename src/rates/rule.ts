// The law's rule per rate, pure: from a publisher's dated observations to the value governing each half-year.
import { addDays } from '../model/index.js';
import { halfYearBounds, halfYearOf } from '../rules/rate-tables.js';
import type { Observation, Publisher } from './publishers.js';

export type { PeriodRate } from '../model/reference-rates.js';
import type { PeriodRate } from '../model/reference-rates.js';

/** Half-years from the one containing `from` to the one containing `to`, in order. */
export function halvesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let h = halfYearOf(from); h <= halfYearOf(to); h = halfYearOf(addDays(halfYearBounds(h).end, 1))) out.push(h);
  return out;
}

export function anchorOf(p: Pick<Publisher, 'anchor'>, half: string): string {
  const start = halfYearBounds(half).start;
  return p.anchor === 'half_start' ? start : addDays(start, -1);
}

/**
 * The value for each half-year from `since` to `today` whose anchor day has come: the last observation on or before
 * the anchor. A half-year whose anchor is still ahead, or with no observation before it, is left out (unknown),
 * never filled with today's value. Change-point series (ECB) publish a change ahead of its effective day, so the
 * last change on or before a past anchor is the rate in force that day.
 */
export function periodRates(p: Pick<Publisher, 'anchor'>, observations: readonly Observation[], since: string, today: string): PeriodRate[] {
  const sorted = [...observations].sort((a, b) => a.date.localeCompare(b.date));
  const out: PeriodRate[] = [];
  for (const period of halvesBetween(since, today)) {
    const effectiveOn = anchorOf(p, period);
    if (effectiveOn > today) continue;
    let used: Observation | undefined;
    for (const o of sorted) if (o.date <= effectiveOn) used = o;
    if (!used) continue;
    out.push({ period, value: used.value, effectiveOn, publishedOn: used.date });
  }
  return out;
}
