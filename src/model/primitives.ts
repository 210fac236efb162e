// zod building blocks shared by every entity: ids, currency, amounts, dates, instants.
import { z } from 'zod';
import { isCurrency, minorUnits } from './currency.js';
import { isBusinessDate, isInstant, isTimeZone } from './dates.js';
import { isDecimalString, scaleOf } from './money.js';

export const ExternalId = z.string().trim().min(1, 'must be a non-empty id');

export const Currency = z
  .string()
  .refine(isCurrency, { message: 'must be an ISO 4217 currency code such as EUR' });

/** A decimal string such as "362.07" or "-10"; JavaScript numbers are refused so floats never enter. */
export const Amount = z
  .string({ error: (i) => (i.input === undefined ? 'required' : 'must be a decimal string such as "362.07", not a number') })
  .refine(isDecimalString, { message: 'must be a decimal string such as "362.07" (at most 4 decimals, no exponent)' });

export const BusinessDate = z.string().refine(isBusinessDate, { message: 'must be a real date written YYYY-MM-DD' });

export const Instant = z.string().refine(isInstant, { message: 'must be an ISO 8601 instant with an offset, e.g. 2025-01-31T10:00:00Z' });

export const TimeZone = z.string().refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Paris' });

/**
 * Adds an issue for every listed amount that carries more decimals than the record's currency allows
 * (e.g. "10.5" is fine for EUR, "10.50" is fine, "10.505" is not; "1000.5" is not for JPY).
 */
export function checkPrecision(
  record: { currency: string },
  amounts: Array<[path: (string | number)[], value: string | undefined | null]>,
  ctx: z.RefinementCtx,
): void {
  if (!isCurrency(record.currency)) return;
  const digits = minorUnits(record.currency);
  for (const [path, value] of amounts) {
    if (value != null && isDecimalString(value) && scaleOf(value) > digits) {
      ctx.addIssue({ code: 'custom', path, message: `has more than ${digits} decimals for ${record.currency}` });
    }
  }
}
