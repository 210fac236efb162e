// The normalized model accepts well-formed records and rejects bad ones with readable, path-precise errors.
import { describe, expect, it } from 'vitest';
import {
  CreditNote, Customer, Invoice, Payment, describeIssues, formatAmount, fromMinorUnits, minorUnits, sumAmounts, toAmount, toMinorUnits, subtractAmounts,
} from '../../src/model/index.js';

const invoice = {
  externalId: '130',
  number: '1037',
  customerExternalId: '24',
  issueDate: '2025-01-15',
  dueDate: '2025-02-14',
  currency: 'EUR',
  total: '362.07',
  amountDue: '362.07',
  status: 'open',
  lines: [{ description: 'Rock fountain', amount: '362.07' }],
  externalVersion: '0',
  updatedAt: '2025-01-15T10:02:03-08:00',
};

function errorsOf(schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, value: unknown): string {
  const r = schema.safeParse(value);
  expect(r.success).toBe(false);
  return describeIssues(r.error as Parameters<typeof describeIssues>[0]);
}

describe('Invoice schema', () => {
  it('accepts a well-formed invoice and keeps amounts as strings', () => {
    const parsed = Invoice.parse(invoice);
    expect(parsed.total).toBe('362.07');
    expect(typeof parsed.amountDue).toBe('string');
  });

  it.each([
    ['float amount', { total: 362.07 }, 'total: must be a decimal string such as "362.07", not a number'],
    ['impossible date', { dueDate: '2025-02-30' }, 'dueDate: must be a real date written YYYY-MM-DD'],
    ['non-ISO date', { issueDate: '15/01/2025' }, 'issueDate: must be a real date written YYYY-MM-DD'],
    ['unknown currency', { currency: 'EURO' }, 'currency: must be an ISO 4217 currency code'],
    ['missing id', { externalId: undefined }, 'externalId:'],
    ['empty customer id', { customerExternalId: '' }, 'customerExternalId: must be a non-empty id'],
    ['too many decimals for the currency', { total: '362.075' }, 'total: has more than 2 decimals for EUR'],
    ['decimals on a zero-decimal currency', { currency: 'JPY', total: '1000.5', amountDue: '1000', lines: [] }, 'total: has more than 0 decimals for JPY'],
    ['exponent notation', { amountDue: '3.6207e2' }, 'amountDue: must be a decimal string'],
    ['unknown status', { status: 'overdue' }, 'status:'],
    ['due before issue', { dueDate: '2025-01-01' }, 'dueDate: is before issueDate 2025-01-15'],
    ['instant without offset', { updatedAt: '2025-01-15T10:02:03' }, 'updatedAt: must be an ISO 8601 instant with an offset'],
  ])('rejects %s', (_name, patch, message) => {
    expect(errorsOf(Invoice, { ...invoice, ...patch })).toContain(message);
  });

  it('accepts JPY amounts without decimals and KWD with three', () => {
    expect(Invoice.safeParse({ ...invoice, currency: 'JPY', total: '1000', amountDue: '1000', lines: [] }).success).toBe(true);
    expect(Invoice.safeParse({ ...invoice, currency: 'KWD', total: '10.125', amountDue: '10.125', lines: [] }).success).toBe(true);
  });

  it('names the failing line of a multi-line invoice', () => {
    expect(errorsOf(Invoice, { ...invoice, lines: [{ amount: '1.00' }, { amount: 2 }] })).toContain('lines.1.amount');
  });
});

describe('other entities', () => {
  it('validates customers, credit notes and payments', () => {
    expect(Customer.parse({ externalId: '1', name: 'Amy', emails: ['a@b.fr'], creditLimit: '5000.00' }).tags).toEqual([]);
    expect(errorsOf(Customer, { externalId: '1', name: 'Amy', email: 'not-an-email' })).toContain('email: must be an email address');
    expect(errorsOf(Customer, { externalId: '1', name: '  ' })).toContain('name: must not be empty');
    expect(CreditNote.parse({ externalId: 'c1', customerExternalId: '1', issueDate: '2025-03-01', currency: 'GBP', total: '50.00', remaining: '20.00', allocations: [{ invoiceExternalId: 'i1', amount: '30.00', date: '2025-03-02' }] }).allocations).toHaveLength(1);
    expect(errorsOf(Payment, { externalId: 'p1', date: '2025-03-01', currency: 'USD', amount: '10.001', unapplied: '0' })).toContain('amount: has more than 2 decimals for USD');
    expect(errorsOf(Payment, { externalId: 'p1', date: '2025-13-01', currency: 'USD', amount: '10', unapplied: '0' })).toContain('date:');
  });
});

describe('money helpers', () => {
  it('knows minor units', () => {
    expect([minorUnits('EUR'), minorUnits('JPY'), minorUnits('KWD')]).toEqual([2, 0, 3]);
    expect(() => minorUnits('XXX1')).toThrow(/unknown currency/);
  });

  it('adds exactly where floats would not', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumAmounts(['0.10', '0.20'], 'EUR')).toBe('0.30');
    expect(subtractAmounts('362.07', '100.10', 'EUR')).toBe('261.97');
    expect(formatAmount('2.005', 'EUR')).toBe('2.01');
    expect(formatAmount('-0.001', 'EUR')).toBe('0.00');
  });

  it('normalises provider numbers without float artefacts and refuses excess precision', () => {
    expect(toAmount(362.07, 'USD')).toBe('362.07');
    expect(toAmount('1000', 'JPY')).toBe('1000');
    expect(toAmount(1e21, 'USD')).toBe('1000000000000000000000.00');
    expect(() => toAmount(0.1 + 0.2, 'EUR')).toThrow(/more than 2 decimals/);
    expect(() => toAmount('12,50', 'EUR')).toThrow(/not a decimal amount/);
  });

  it('converts to and from integer minor units', () => {
    expect(toMinorUnits('362.07', 'EUR')).toBe(36207n);
    expect(toMinorUnits('1000', 'JPY')).toBe(1000n);
    expect(fromMinorUnits(36207n, 'EUR')).toBe('362.07');
    expect(fromMinorUnits(-5n, 'KWD')).toBe('-0.005');
  });
});
