// List queries as Xero runs them: `where` expressions, optimised filters (IDs, Statuses…), If-Modified-Since, order, paging.
import { parseIfModifiedSince, toCents, ymdToMs } from './format.js';
import type { Store } from './store.js';
import type { AnyRec, ContactRec, CreditNoteRec, EntityName, InvoiceRec, PaymentRec } from './types.js';

type Value = string | number | boolean | null;
type FieldType = 'string' | 'guid' | 'money' | 'date' | 'bool' | 'number';
interface Field {
  type: FieldType;
  get(rec: AnyRec, store: Store): Value;
}

export class QueryError extends Error {}

const dateOf = (ymd: string | undefined): Value => (ymd ? ymdToMs(ymd) : null);

function fields(entity: EntityName): Record<string, Field> {
  const f = <R extends AnyRec>(type: FieldType, get: (r: R, s: Store) => Value): Field => ({ type, get: get as Field['get'] });
  const common = { UpdatedDateUTC: f<AnyRec>('date', (r) => r.updatedMs) };
  switch (entity) {
    case 'Contact':
      return {
        ...common,
        ContactID: f<ContactRec>('guid', (r) => r.id),
        Name: f<ContactRec>('string', (r) => r.name),
        FirstName: f<ContactRec>('string', (r) => r.firstName),
        LastName: f<ContactRec>('string', (r) => r.lastName),
        EmailAddress: f<ContactRec>('string', (r) => r.email),
        ContactNumber: f<ContactRec>('string', (r) => r.contactNumber ?? null),
        AccountNumber: f<ContactRec>('string', (r) => r.accountNumber ?? null),
        ContactStatus: f<ContactRec>('string', (r) => r.status),
        IsSupplier: f<ContactRec>('bool', (r) => r.isSupplier),
        IsCustomer: f<ContactRec>('bool', (r) => r.invoices.some((i) => i.type === 'ACCREC' && i.status !== 'DELETED')),
      };
    case 'Invoice':
      return {
        ...common,
        InvoiceID: f<InvoiceRec>('guid', (r) => r.id),
        InvoiceNumber: f<InvoiceRec>('string', (r) => r.number),
        Reference: f<InvoiceRec>('string', (r) => r.reference),
        Type: f<InvoiceRec>('string', (r) => r.type),
        Status: f<InvoiceRec>('string', (r, s) => s.status(r)),
        'Contact.ContactID': f<InvoiceRec>('guid', (r) => r.contact.id),
        'Contact.Name': f<InvoiceRec>('string', (r) => r.contact.name),
        Date: f<InvoiceRec>('date', (r) => dateOf(r.date)),
        DueDate: f<InvoiceRec>('date', (r) => dateOf(r.dueDate)),
        ExpectedPaymentDate: f<InvoiceRec>('date', (r) => dateOf(r.expectedPaymentDate)),
        FullyPaidOnDate: f<InvoiceRec>('date', (r) => r.fullyPaidMs ?? null),
        AmountDue: f<InvoiceRec>('money', (r, s) => s.dueCents(r)),
        AmountPaid: f<InvoiceRec>('money', (r, s) => s.paidCents(r)),
        AmountCredited: f<InvoiceRec>('money', (r, s) => s.creditedCents(r)),
        SubTotal: f<InvoiceRec>('money', (r) => r.subCents),
        TotalTax: f<InvoiceRec>('money', (r) => r.taxCents),
        Total: f<InvoiceRec>('money', (r) => r.totalCents),
        CurrencyCode: f<InvoiceRec>('string', (r) => r.currency),
        SentToContact: f<InvoiceRec>('bool', (r) => r.sentToContact),
      };
    case 'CreditNote':
      return {
        ...common,
        CreditNoteID: f<CreditNoteRec>('guid', (r) => r.id),
        CreditNoteNumber: f<CreditNoteRec>('string', (r) => r.number),
        Reference: f<CreditNoteRec>('string', (r) => r.reference),
        Type: f<CreditNoteRec>('string', (r) => r.type),
        Status: f<CreditNoteRec>('string', (r, s) => s.status(r)),
        'Contact.ContactID': f<CreditNoteRec>('guid', (r) => r.contact.id),
        'Contact.Name': f<CreditNoteRec>('string', (r) => r.contact.name),
        Date: f<CreditNoteRec>('date', (r) => dateOf(r.date)),
        RemainingCredit: f<CreditNoteRec>('money', (r, s) => s.remainingCredit(r)),
        Total: f<CreditNoteRec>('money', (r) => r.totalCents),
        CurrencyCode: f<CreditNoteRec>('string', (r) => r.currency),
      };
    case 'Payment':
      return {
        ...common,
        PaymentID: f<PaymentRec>('guid', (r) => r.id),
        Status: f<PaymentRec>('string', (r) => r.status),
        PaymentType: f<PaymentRec>('string', (r) => (r.invoice.type === 'ACCREC' ? 'ACCRECPAYMENT' : 'ACCPAYPAYMENT')),
        Amount: f<PaymentRec>('money', (r) => r.cents),
        Date: f<PaymentRec>('date', (r) => dateOf(r.date)),
        Reference: f<PaymentRec>('string', (r) => r.reference),
        IsReconciled: f<PaymentRec>('bool', (r) => r.isReconciled),
        'Invoice.InvoiceID': f<PaymentRec>('guid', (r) => r.invoice.id),
        'Invoice.InvoiceNumber': f<PaymentRec>('string', (r) => r.invoice.number),
        'Invoice.Type': f<PaymentRec>('string', (r) => r.invoice.type),
        'Invoice.Contact.ContactID': f<PaymentRec>('guid', (r) => r.invoice.contact.id),
      };
  }
}

const FIELDS: Record<EntityName, Record<string, Field>> = {
  Contact: fields('Contact'),
  Invoice: fields('Invoice'),
  CreditNote: fields('CreditNote'),
  Payment: fields('Payment'),
};

// ---- `where` expressions -----------------------------------------------------------------------------

type Pred = (rec: AnyRec, store: Store) => boolean;
type Token = { t: 'str' | 'num' | 'id' | 'op' | 'punct'; v: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        s += src[j];
        j++;
      }
      if (j >= src.length) throw new QueryError('unterminated string');
      out.push({ t: 'str', v: s });
      i = j + 1;
    } else if (/[0-9-]/.test(c) && /^-?\d/.test(src.slice(i))) {
      const m = /^-?\d+(\.\d+)?/.exec(src.slice(i)) as RegExpExecArray;
      out.push({ t: 'num', v: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(src.slice(i)) as RegExpExecArray;
      out.push({ t: 'id', v: m[0] });
      i += m[0].length;
    } else {
      const two = src.slice(i, i + 2);
      if (['==', '!=', '>=', '<=', '&&', '||'].includes(two)) {
        out.push({ t: 'op', v: two });
        i += 2;
      } else if ('<>'.includes(c)) {
        out.push({ t: 'op', v: c });
        i++;
      } else if ('(),!'.includes(c)) {
        out.push({ t: 'punct', v: c });
        i++;
      } else {
        throw new QueryError(`unexpected character '${c}'`);
      }
    }
  }
  return out;
}

/** Parses the subset of Xero's (.NET LINQ-like) where syntax that integrations use. */
export function parseWhere(src: string, entity: EntityName): Pred {
  const tokens = tokenize(src);
  const fieldMap = FIELDS[entity];
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    const t = tokens[pos++];
    if (!t) throw new QueryError('unexpected end of expression');
    return t;
  };
  const expect = (v: string) => {
    const t = next();
    if (t.v !== v) throw new QueryError(`expected '${v}' but found '${t.v}'`);
  };

  const literal = (field: Field): Value => {
    const t = next();
    if (t.t === 'str') return field.type === 'money' ? (toCents(t.v) ?? Number.NaN) : field.type === 'date' ? Date.parse(`${t.v.slice(0, 19)}Z`) : t.v;
    if (t.t === 'num') return field.type === 'money' ? (toCents(t.v) ?? Number.NaN) : Number(t.v);
    if (t.t === 'id') {
      if (t.v === 'true' || t.v === 'false') return t.v === 'true';
      if (t.v === 'null') return null;
      if (t.v === 'Guid') {
        expect('(');
        const s = next();
        expect(')');
        return s.v;
      }
      if (t.v === 'DateTime' || t.v === 'DateTime.Parse') {
        expect('(');
        const parts: string[] = [];
        for (;;) {
          const p = next();
          if (p.v === ')') break;
          if (p.v !== ',') parts.push(p.v);
        }
        if (parts.length === 1) return Date.parse(`${(parts[0] as string).slice(0, 19)}Z`);
        const [y, mo, d, h = '0', mi = '0', s = '0'] = parts.map(Number).map(String);
        return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
      }
    }
    throw new QueryError(`unexpected '${t.v}'`);
  };

  const comparison = (): Pred => {
    const t = next();
    if (t.v === '(') {
      const p = orExpr();
      expect(')');
      return p;
    }
    if (t.v === '!' || t.v === 'NOT') {
      const p = comparison();
      return (r, s) => !p(r, s);
    }
    if (t.t !== 'id') throw new QueryError(`expected a field but found '${t.v}'`);
    const method = /^(.*)\.(Contains|StartsWith|EndsWith|ToLower|ToUpper)$/.exec(t.v);
    if (method && ['Contains', 'StartsWith', 'EndsWith'].includes(method[2] as string)) {
      const field = fieldMap[method[1] as string];
      if (!field) throw new QueryError(`unknown field ${method[1]}`);
      expect('(');
      const arg = next();
      expect(')');
      const needle = arg.v;
      const fn = method[2];
      return (r, s) => {
        const v = field.get(r, s);
        if (typeof v !== 'string') return false;
        return fn === 'Contains' ? v.includes(needle) : fn === 'StartsWith' ? v.startsWith(needle) : v.endsWith(needle);
      };
    }
    const field = fieldMap[t.v];
    if (!field) throw new QueryError(`No property or field '${t.v}' exists`);
    const op = peek();
    if (!op || op.t !== 'op' || op.v === '&&' || op.v === '||') {
      if (field.type !== 'bool') throw new QueryError(`${t.v} is not a boolean`);
      return (r, s) => field.get(r, s) === true;
    }
    pos++;
    const lit = literal(field);
    const cmp = (a: Value, b: Value): number => {
      if (field.type === 'guid' && typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase() ? 0 : a < b ? -1 : 1;
      if (a === b) return 0;
      if (a === null || b === null) return Number.NaN;
      return a < b ? -1 : 1;
    };
    switch (op.v) {
      case '==':
        return (r, s) => cmp(field.get(r, s), lit) === 0;
      case '!=':
        return (r, s) => cmp(field.get(r, s), lit) !== 0;
      case '>':
        return (r, s) => cmp(field.get(r, s), lit) > 0;
      case '<':
        return (r, s) => cmp(field.get(r, s), lit) < 0;
      case '>=':
        return (r, s) => cmp(field.get(r, s), lit) >= 0;
      case '<=':
        return (r, s) => cmp(field.get(r, s), lit) <= 0;
      default:
        throw new QueryError(`unknown operator ${op.v}`);
    }
  };
  const andExpr = (): Pred => {
    let p = comparison();
    while (peek() && (peek()?.v === '&&' || peek()?.v === 'AND')) {
      pos++;
      const a = p;
      const b = comparison();
      p = (r, s) => a(r, s) && b(r, s);
    }
    return p;
  };
  const orExpr = (): Pred => {
    let p = andExpr();
    while (peek() && (peek()?.v === '||' || peek()?.v === 'OR')) {
      pos++;
      const a = p;
      const b = andExpr();
      p = (r, s) => a(r, s) || b(r, s);
    }
    return p;
  };
  const pred = orExpr();
  if (pos < tokens.length) throw new QueryError(`unexpected '${tokens[pos]?.v}'`);
  return pred;
}

// ---- list ------------------------------------------------------------------------------------------

export interface ListParams {
  where?: string | null;
  order?: string | null;
  ids?: string | null;
  numbers?: string | null;
  contactIds?: string | null;
  statuses?: string | null;
  includeArchived?: string | null;
  ifModifiedSince?: string | null;
}

/** Runs list queries with a small result cache so paging through 100k records costs O(pageSize) per page. */
export function createLister(store: Store) {
  const cache = new Map<string, AnyRec[]>();
  let cacheVersion = -1;

  return function list(entity: EntityName, p: ListParams): AnyRec[] {
    if (cacheVersion !== store.version) {
      cache.clear();
      cacheVersion = store.version;
    }
    const key = JSON.stringify([entity, p]);
    const hit = cache.get(key);
    if (hit) return hit;

    const preds: Pred[] = [];
    if (p.where) preds.push(parseWhere(p.where, entity));
    const split = (s: string | null | undefined) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);
    const ids = new Set(split(p.ids).map((x) => x.toLowerCase()));
    if (ids.size) preds.push((r) => ids.has(r.id.toLowerCase()));
    const numbers = new Set(split(p.numbers));
    if (numbers.size) preds.push((r) => (r.kind === 'Invoice' || r.kind === 'CreditNote') && numbers.has(r.number));
    const contacts = new Set(split(p.contactIds).map((x) => x.toLowerCase()));
    if (contacts.size) preds.push((r) => (r.kind === 'Invoice' || r.kind === 'CreditNote') && contacts.has(r.contact.id.toLowerCase()));
    const statuses = new Set(split(p.statuses).map((x) => x.toUpperCase()));
    if (statuses.size) preds.push((r, s) => (r.kind === 'Invoice' || r.kind === 'CreditNote') && statuses.has(s.status(r)));
    // Archived contacts are hidden unless asked for (includeArchived=true).
    if (entity === 'Contact' && p.includeArchived !== 'true' && !ids.size) preds.push((r) => r.kind === 'Contact' && r.status !== 'ARCHIVED');

    let since: number | undefined;
    if (p.ifModifiedSince) {
      since = parseIfModifiedSince(p.ifModifiedSince);
      if (Number.isNaN(since)) since = undefined;
    }
    const orders = parseOrder(p.order, entity);
    const byUpdatedAsc = orders.length === 1 && orders[0]?.name === 'UpdatedDateUTC' && !orders[0].desc;
    const source: Iterable<AnyRec> =
      since !== undefined || byUpdatedAsc ? (store.table(entity).updatedSince(since) as Iterable<AnyRec>) : (store.table(entity).ordered as AnyRec[]);
    const out: AnyRec[] = [];
    for (const r of source) if (preds.every((pr) => pr(r, store))) out.push(r);
    if (orders.length && !byUpdatedAsc) {
      if (since !== undefined) out.sort((a, b) => a.num - b.num);
      const keyed = out.map((r) => ({ r, k: orders.map((o) => o.field.get(r, store)) }));
      keyed.sort((a, b) => {
        for (let i = 0; i < orders.length; i++) {
          const x = a.k[i] ?? null;
          const y = b.k[i] ?? null;
          if (x === y) continue;
          const c = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
          return orders[i]?.desc ? -c : c;
        }
        return 0;
      });
      out.splice(0, out.length, ...keyed.map((k) => k.r));
    } else if (since !== undefined && !byUpdatedAsc) {
      out.sort((a, b) => a.num - b.num);
    }
    if (cache.size > 32) cache.clear();
    cache.set(key, out);
    return out;
  };
}

function parseOrder(order: string | null | undefined, entity: EntityName): { name: string; field: Field; desc: boolean }[] {
  if (!order) return [];
  return order.split(',').map((part) => {
    const [name = '', dir = 'ASC'] = part.trim().split(/\s+/);
    const field = FIELDS[entity][name];
    if (!field) throw new QueryError(`No property or field '${name}' exists`);
    return { name, field, desc: dir.toUpperCase() === 'DESC' };
  });
}
