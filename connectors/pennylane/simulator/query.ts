// Pennylane list semantics: the JSON `filter` syntax, `sort`, and opaque cursors that hold the sort key but never the filter.

type Json = Record<string, unknown>;

export class FilterError extends Error {}

export const OPERATORS = ['eq', 'not_eq', 'lt', 'lteq', 'gt', 'gteq', 'in', 'not_in', 'start_with'] as const;
export type Operator = (typeof OPERATORS)[number];
export interface Condition {
  field: string;
  operator: Operator;
  value: unknown;
}

/** Which operators each endpoint allows on which field (reference A4, from the generated v2 client). */
export type FilterSpec = Record<string, readonly Operator[]>;
const RANGE: readonly Operator[] = ['eq', 'not_eq', 'lt', 'lteq', 'gt', 'gteq', 'in', 'not_in'];

export const INVOICE_FILTERS: FilterSpec = {
  id: RANGE, date: RANGE, customer_id: RANGE, billing_subscription_id: RANGE, quote_id: RANGE,
  invoice_number: ['eq', 'not_eq', 'in', 'not_in'], draft: ['eq'], credit_note: ['eq'], external_reference: ['eq'], category_id: ['in'],
};
export const CUSTOMER_FILTERS: FilterSpec = { id: RANGE, customer_type: ['eq'], ledger_account_id: ['eq'], name: ['eq', 'start_with'], external_reference: ['eq'], reg_no: ['eq'], emails: ['in'] };
export const TRANSACTION_FILTERS: FilterSpec = { id: RANGE, bank_account_id: ['eq'], journal_id: ['eq'], date: RANGE };

/** Parses `filter` (URL-decoded JSON array of {field, operator, value}); anything else is the caller's 400. */
export function parseFilter(text: string | null, spec: FilterSpec): Condition[] {
  if (text === null || text === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new FilterError('filter must be a JSON array of {field, operator, value}');
  }
  if (!Array.isArray(parsed)) throw new FilterError('filter must be a JSON array of {field, operator, value}');
  return parsed.map((c: unknown) => {
    const x = (c ?? {}) as Json;
    const field = String(x['field'] ?? '');
    const operator = String(x['operator'] ?? '') as Operator;
    const allowed = spec[field];
    if (!allowed) throw new FilterError(`filter on "${field}" is not supported`);
    if (!allowed.includes(operator)) throw new FilterError(`operator "${operator}" is not supported on "${field}"`);
    if ((operator === 'in' || operator === 'not_in') && !Array.isArray(x['value'])) throw new FilterError(`"${operator}" expects an array value`);
    if ((operator === 'in' || operator === 'not_in') && (x['value'] as unknown[]).length > 100) throw new FilterError('"in" accepts at most 100 values');
    return { field, operator, value: x['value'] };
  });
}

const norm = (v: unknown): string | number | boolean | null => {
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
  const s = String(v);
  return /^-?\d+$/.test(s) && s.length < 16 ? Number(s) : s === 'true' ? true : s === 'false' ? false : s;
};
const cmp = (a: unknown, b: unknown): number => {
  const x = norm(a);
  const y = norm(b);
  return x === y ? 0 : (x as number) < (y as number) ? -1 : 1;
};

export function matches(value: (field: string) => unknown, conditions: Condition[]): boolean {
  return conditions.every(({ field, operator, value: v }) => {
    const actual = value(field);
    const list = Array.isArray(actual) ? actual : [actual];
    switch (operator) {
      case 'eq': return list.some((a) => cmp(a, v) === 0);
      case 'not_eq': return list.every((a) => cmp(a, v) !== 0);
      case 'lt': return cmp(actual, v) < 0;
      case 'lteq': return cmp(actual, v) <= 0;
      case 'gt': return cmp(actual, v) > 0;
      case 'gteq': return cmp(actual, v) >= 0;
      case 'in': return list.some((a) => (v as unknown[]).some((w) => cmp(a, w) === 0));
      case 'not_in': return list.every((a) => (v as unknown[]).every((w) => cmp(a, w) !== 0));
      case 'start_with': return typeof actual === 'string' && actual.toLowerCase().startsWith(String(v).toLowerCase());
    }
  });
}

/**
 * The list cursor as Pennylane encodes it (seen in the recordings): base64 of {"cursor_attributes":[id],"sort":"-id"};
 * a sort on another field puts its value first (UNCONFIRMED: no recording sorts by date).
 */
export const encodeCursor = (id: number, sort: string, value?: string) => Buffer.from(JSON.stringify({ cursor_attributes: value === undefined ? [id] : [value, id], sort })).toString('base64');

export function decodeCursor(text: string): { id: number; sort: string; value?: string } | null {
  try {
    const v = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as { cursor_attributes?: unknown[]; sort?: unknown };
    const attrs = v.cursor_attributes ?? [];
    const id = Number(attrs[attrs.length - 1]);
    const value = attrs.length === 2 ? String(attrs[0]) : undefined;
    return Number.isSafeInteger(id) && typeof v.sort === 'string' ? { id, sort: v.sort, ...(value === undefined ? {} : { value }) } : null;
  } catch {
    return null;
  }
}

/** A changelog cursor (seen in the recordings): base64 of the last served event's processed_at. */
export const encodeInstantCursor = (iso: string) => Buffer.from(iso).toString('base64');
export function decodeInstantCursor(text: string): number | null {
  const ms = Date.parse(Buffer.from(text, 'base64').toString('utf8'));
  return Number.isNaN(ms) ? null : ms;
}
