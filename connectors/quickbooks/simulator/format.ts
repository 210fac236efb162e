// QBO wire formats: money from integer minor units, instants with the company's UTC offset, Fault envelopes.
import { minorUnits } from '../../../src/model/currency.js';
import { formatMinor, jsonMoney, parseMinor } from '../../../src/simulator/ledger.js';

export { addDays } from '../../../src/simulator/ledger.js';

/** JSON number for an amount in minor units, as Intuit writes `TotalAmt` and `Balance`. */
export const moneyNumber = (minor: number, currency: string): number => jsonMoney(minor, minorUnits(currency));

/** Decimal string with the currency's digits ("387.00"), as Intuit writes amounts inside `LineEx`. */
export const moneyString = (minor: number, currency: string): string => formatMinor(minor, minorUnits(currency));

/** Minor units of an amount a client sent; throws on more precision than the currency has, as Intuit rejects it. */
export function parseMoney(value: unknown, currency: string): number {
  const minor = parseMinor(value, minorUnits(currency));
  if (minor === undefined) throw new Error(`"${String(value)}" is not an amount with at most ${minorUnits(currency)} decimals`);
  return minor;
}

/** Offset of a time zone at an instant, in minutes east of UTC, cached per hour (offsets change on the hour). */
export function createZone(timeZone: string) {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const cache = new Map<number, number>();
  const offsetAt = (ms: number): number => {
    const hour = Math.floor(ms / 3_600_000);
    const hit = cache.get(hour);
    if (hit !== undefined) return hit;
    const probe = hour * 3_600_000;
    const parts: Record<string, number> = {};
    for (const p of fmt.formatToParts(new Date(probe))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const wall = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
    const offset = Math.round((wall - probe) / 60_000);
    if (cache.size > 50_000) cache.clear();
    cache.set(hour, offset);
    return offset;
  };
  /** "2026-05-05T03:13:29-07:00" (MetaData) or with milliseconds (response `time`). */
  const instant = (ms: number, withMillis = false): string => {
    const offset = offsetAt(ms);
    const local = new Date(ms + offset * 60_000).toISOString();
    const body = withMillis ? local.slice(0, 23) : local.slice(0, 19);
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    return `${body}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  };
  /** The company's calendar date at an instant (business dates such as TxnDate are local dates). */
  const localDate = (ms: number): string => new Date(ms + offsetAt(ms) * 60_000).toISOString().slice(0, 10);
  /**
   * Parses a timestamp as clients write it in queries and CDC: with an offset (`-07:00` or `-0700`), `Z`,
   * or none at all (then it is read in the company's zone), or a bare date (midnight, company zone).
   */
  const parse = (text: string): number | undefined => {
    const t = text.trim();
    const bare = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/.exec(t);
    if (bare) {
      const wall = Date.UTC(Number(bare[1]), Number(bare[2]) - 1, Number(bare[3]), Number(bare[4] ?? 0), Number(bare[5] ?? 0), Number(bare[6] ?? 0), Number((bare[7] ?? '0').slice(0, 3).padEnd(3, '0')));
      const guess = wall - offsetAt(wall) * 60_000;
      return wall - offsetAt(guess) * 60_000;
    }
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(t)) return undefined;
    const ms = Date.parse(t.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    return Number.isNaN(ms) ? undefined : ms;
  };
  return { offsetAt, instant, localDate, parse };
}
export type Zone = ReturnType<typeof createZone>;

export interface FaultError {
  Message: string;
  Detail?: string;
  code: string;
  element?: string;
}

/** The v3 data-service error envelope (`{"Fault":{"Error":[…],"type":…},"time":…}`). */
export function faultBody(type: string, errors: FaultError[], time: string) {
  return { Fault: { Error: errors.map((e) => ({ element: '', ...e })), type }, time };
}

/**
 * The platform gateway's 401 body: lower-case keys, epoch-millisecond `time`, as recorded in
 * routablehq/python-quickbooks#118 and #250 (Intuit answers bad bearer tokens before the data service sees them).
 */
export function gatewayAuthFault(detail: string | null, nowMs: number) {
  return {
    warnings: null,
    intuitObject: null,
    fault: {
      error: [{ message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401', detail, code: '3200', element: null }],
      type: 'AUTHENTICATION',
    },
    report: null,
    queryResponse: null,
    batchItemResponse: [],
    attachableResponse: [],
    syncErrorResponse: null,
    requestId: null,
    time: nowMs,
    status: null,
    cdcresponse: [],
  };
}
