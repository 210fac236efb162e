// Every recorded QBO and Xero record maps through the shipped mappings and validates (or is deliberately skipped),
// with exact values checked against the raw payloads.
import { describe, expect, it } from 'vitest';
import { ENTITIES, type EntityKind } from '../../src/model/index.js';
import { loadShippedMapping, mapBatch, mapRecord, type MapResult } from '../../src/mapping/index.js';
import { realRecord, realRecords } from './realdata.js';

const QBO = { provider: 'quickbooks', homeCurrency: 'USD' };
const XERO = { provider: 'xero', homeCurrency: 'USD' };

async function map<K extends EntityKind>(provider: 'quickbooks' | 'xero', entity: K, raw: unknown, context: Record<string, unknown> = provider === 'xero' ? XERO : QBO): Promise<MapResult<K>> {
  return mapRecord(loadShippedMapping(provider, entity), entity, raw, context);
}

async function mapped<K extends EntityKind>(provider: 'quickbooks' | 'xero', entity: K, raw: unknown, context?: Record<string, unknown>) {
  const r = await map(provider, entity, raw, context);
  if (r.ok !== true) throw new Error(`expected ${provider} ${entity} to map, got ${JSON.stringify(r)}`);
  return r.value;
}

/** Which recorded records a provider's mapping must skip, decided from the raw payload independently of the mapping. */
const mustSkip: Record<'quickbooks' | 'xero', Record<EntityKind, (raw: Record<string, unknown>) => boolean>> = {
  quickbooks: { customer: () => false, invoice: () => false, credit_note: () => false, payment: () => false },
  xero: {
    customer: () => false,
    invoice: (r) => r.Type !== 'ACCREC',
    credit_note: (r) => r.Type !== 'ACCRECCREDIT',
    payment: (r) => r.PaymentType !== 'ACCRECPAYMENT',
  },
};

describe.each(['quickbooks', 'xero'] as const)('%s recordings', (provider) => {
  it.each([...ENTITIES])('every %s maps and validates, or is skipped only when it is not a receivable', async (entity) => {
    const raws = realRecords(provider, entity);
    expect(raws.length).toBeGreaterThan(0);
    const results = await mapBatch(loadShippedMapping(provider, entity), entity, raws, provider === 'xero' ? XERO : QBO);
    const failures = results.flatMap((r, i) => (r.ok === false ? [`#${i}: ${r.error.path}: ${r.error.reason}`] : []));
    expect(failures).toEqual([]);
    results.forEach((r, i) => expect(r.ok === 'skipped', `record #${i}`).toBe(mustSkip[provider][entity](raws[i]!)));
  });
});

describe('QuickBooks values', () => {
  it('invoice 130: amounts to the cent, dates, open status, charge lines without the subtotal line', async () => {
    const inv = await mapped('quickbooks', 'invoice', realRecord('quickbooks', 'invoice', 'Id', '130'));
    expect(inv).toMatchObject({
      externalId: '130', number: '1037', customerExternalId: '24', issueDate: '2026-04-08', dueDate: '2026-05-08',
      currency: 'USD', total: '362.07', amountDue: '362.07', status: 'open', externalVersion: '3', updatedAt: '2026-05-05T10:13:29.000Z',
    });
    expect(inv.lines).toEqual([
      { description: 'Rock Fountain', amount: '275.00' },
      { description: 'Fountain Pump', amount: '12.75' },
      { description: 'Concrete for fountain installation', amount: '47.50' },
    ]);
  });

  it('derives partially_paid and paid from TotalAmt and Balance', async () => {
    const partial = await mapped('quickbooks', 'invoice', realRecord('quickbooks', 'invoice', 'Id', '67'));
    expect([partial.total, partial.amountDue, partial.status]).toEqual(['459.00', '239.00', 'partially_paid']);
    const paid = await mapped('quickbooks', 'invoice', realRecord('quickbooks', 'invoice', 'Id', '9'));
    expect([paid.total, paid.amountDue, paid.status]).toEqual(['108.00', '0.00', 'paid']);
  });

  it('turns a discount line into a negative line', async () => {
    const inv = await mapped('quickbooks', 'invoice', realRecord('quickbooks', 'invoice', 'Id', '49'));
    expect(inv.lines.at(-1)).toEqual({ description: 'Discount', amount: '-50.25' });
  });

  it('maps a voided invoice (zeroed, PrivateNote "Voided") to void', async () => {
    const raw = realRecord('quickbooks', 'invoice', 'Id', '130');
    Object.assign(raw, { TotalAmt: 0, Balance: 0, PrivateNote: 'Voided', LinkedTxn: [] });
    const inv = await mapped('quickbooks', 'invoice', raw);
    expect([inv.status, inv.total, inv.amountDue]).toEqual(['void', '0.00', '0.00']);
  });

  it('falls back to context.homeCurrency when CurrencyRef is absent, and fails on the currency when neither is there', async () => {
    const raw = realRecord('quickbooks', 'invoice', 'Id', '67');
    delete raw.CurrencyRef;
    expect((await mapped('quickbooks', 'invoice', raw, { homeCurrency: 'EUR' })).currency).toBe('EUR');
    const r = await map('quickbooks', 'invoice', raw, {});
    expect(r.ok).toBe(false);
    if (r.ok === false) expect(r.error.path).toBe('currency');
  });

  it('payment allocations come from LinkedTxn Invoice lines; the credit-memo line of a zero payment is not cash', async () => {
    const p74 = await mapped('quickbooks', 'payment', realRecord('quickbooks', 'payment', 'Id', '74'));
    expect(p74).toMatchObject({ amount: '0.00', unapplied: '0.00', status: 'posted', customerExternalId: '1', date: '2026-03-22' });
    expect(p74.allocations).toEqual([{ invoiceExternalId: '71', amount: '100.00' }]);
    const p120 = await mapped('quickbooks', 'payment', realRecord('quickbooks', 'payment', 'Id', '120'));
    expect(p120.allocations).toEqual([{ invoiceExternalId: '12', amount: '1675.52' }]);
    const p15 = await mapped('quickbooks', 'payment', realRecord('quickbooks', 'payment', 'Id', '15'));
    expect([p15.amount, p15.reference, p15.externalVersion]).toEqual(['86.40', '5664', '1']);
  });

  it('credit memo remaining comes from RemainingCredit', async () => {
    const used = await mapped('quickbooks', 'credit_note', realRecord('quickbooks', 'credit_note', 'Id', '73'));
    expect(used).toMatchObject({ total: '100.00', remaining: '0.00', status: 'applied', number: '1026', externalVersion: '5' });
    const open = await mapped('quickbooks', 'credit_note', realRecord('quickbooks', 'credit_note', 'Id', '184'));
    expect([open.remaining, open.status]).toEqual(['100.00', 'open']);
  });

  it('customer: name, email, phone, bill address, version', async () => {
    const c = await mapped('quickbooks', 'customer', realRecord('quickbooks', 'customer', 'Id', '2'));
    expect(c).toMatchObject({
      externalId: '2', name: "Bill's Windsurf Shop", email: 'Surf@Intuit.com', emails: ['Surf@Intuit.com'], phone: '(415) 444-6538',
      currency: 'USD', active: true, externalVersion: '0',
      address: { line1: '12 Ocean Dr.', city: 'Half Moon Bay', postalCode: '94213', region: 'CA' },
    });
  });
});

describe('Xero values', () => {
  it('a PAID invoice settled by a credit note: amounts, dates from DateString, version from UpdatedDateUTC', async () => {
    const inv = await mapped('xero', 'invoice', realRecord('xero', 'invoice', 'InvoiceID', '4c4db294-3633-45cd-8706-f0b3b0079609'));
    expect(inv).toMatchObject({
      number: 'INV-0010', customerExternalId: '37918a06-92f6-4edb-bfe0-1fc041c90f8b', issueDate: '2026-02-25', dueDate: '2026-03-10',
      total: '541.25', amountDue: '0.00', status: 'paid', externalVersion: '2008-12-20T17:38:32.660Z',
    });
    expect(inv.lines).toEqual([{ description: 'Half day training - Microsoft Office', amount: '500.00' }]);
  });

  it('AUTHORISED with part paid is partially_paid; untouched is open', async () => {
    const part = await mapped('xero', 'invoice', realRecord('xero', 'invoice', 'InvoiceID', '4286e4ee-cc4a-4d74-9568-10935b3600bb'));
    expect([part.total, part.amountDue, part.status]).toEqual(['838.94', '270.63', 'partially_paid']);
    const open = await mapped('xero', 'invoice', realRecord('xero', 'invoice', 'InvoiceID', 'a909dda4-555b-414b-a395-ba7a4077de72'));
    expect([open.amountDue, open.status, open.dueDate]).toEqual(['703.63', 'open', '2026-04-29']);
  });

  it('a DRAFT without DueDate is draft and due on its issue date', async () => {
    const inv = await mapped('xero', 'invoice', realRecord('xero', 'invoice', 'InvoiceID', '64ec9988-2e5f-41a6-ba5b-811dc420a67c'));
    expect([inv.status, inv.issueDate, inv.dueDate]).toEqual(['draft', '2026-04-20', '2026-04-20']);
  });

  it.each([['VOIDED', 'void'], ['DELETED', 'void'], ['SUBMITTED', 'draft']])('Status %s → %s', async (state, expected) => {
    const raw = realRecord('xero', 'invoice', 'InvoiceID', 'a909dda4-555b-414b-a395-ba7a4077de72');
    raw.Status = state;
    expect((await mapped('xero', 'invoice', raw)).status).toBe(expected);
  });

  it('reads /Date(…+0100)/ business dates as the organisation’s calendar day', async () => {
    const raw = realRecord('xero', 'invoice', 'InvoiceID', 'a909dda4-555b-414b-a395-ba7a4077de72');
    delete raw.DateString;
    delete raw.DueDateString;
    // 2026-04-13T23:00:00Z is midnight of 14 April at +01:00; the due date is written at UTC midnight with +0100.
    raw.Date = `/Date(${Date.UTC(2026, 3, 13, 23)}+0100)/`;
    raw.DueDate = `/Date(${Date.UTC(2026, 3, 29)}+0100)/`;
    const inv = await mapped('xero', 'invoice', raw);
    expect([inv.issueDate, inv.dueDate]).toEqual(['2026-04-14', '2026-04-29']);
  });

  it('skips bills (ACCPAY) with a reason', async () => {
    const bill = realRecords('xero', 'invoice').find((r) => r.Type === 'ACCPAY')!;
    const r = await map('xero', 'invoice', bill);
    expect(r.ok).toBe('skipped');
    if (r.ok === 'skipped') expect(r.reason).toContain('ACCPAY');
  });

  it('credit note allocations and remaining credit', async () => {
    const cn = await mapped('xero', 'credit_note', realRecord('xero', 'credit_note', 'CreditNoteID', '602f5486-664e-492f-b4d1-e12df1d4b8ba'));
    expect(cn).toMatchObject({ number: 'CN-0014', total: '541.25', remaining: '0.00', status: 'applied', issueDate: '2026-03-08' });
    expect(cn.allocations).toEqual([{ invoiceExternalId: '4c4db294-3633-45cd-8706-f0b3b0079609', amount: '541.25', date: '2026-03-08' }]);
    const draft = await mapped('xero', 'credit_note', realRecord('xero', 'credit_note', 'CreditNoteID', '2b159707-e22d-4b8f-87fa-897f77141401'));
    expect([draft.status, draft.remaining, draft.allocations]).toEqual(['draft', '108.25', []]);
  });

  it('drops allocations flagged IsDeleted', async () => {
    const raw = realRecord('xero', 'credit_note', 'CreditNoteID', '602f5486-664e-492f-b4d1-e12df1d4b8ba');
    (raw.Allocations as Record<string, unknown>[])[0]!.IsDeleted = true;
    expect((await mapped('xero', 'credit_note', raw)).allocations).toEqual([]);
  });

  it('payments: one allocation to their invoice; DELETED → void; bill payments skipped', async () => {
    const p = await mapped('xero', 'payment', realRecord('xero', 'payment', 'PaymentID', '655ad293-0b35-4c2c-9a97-0ee979dd365f'));
    expect(p).toMatchObject({ date: '2026-02-26', amount: '541.25', unapplied: '0.00', status: 'posted', customerExternalId: 'fd89489e-699c-4d77-a881-10c127bfbeb3' });
    expect(p.allocations).toEqual([{ invoiceExternalId: 'cb5119d0-9759-49d3-800b-7d0a90818178', amount: '541.25' }]);
    const deleted = await mapped('xero', 'payment', realRecord('xero', 'payment', 'PaymentID', '626608f6-27ee-40c6-92f9-038f8241d090'));
    expect([deleted.status, deleted.amount]).toEqual(['void', '216.50']);
    expect((await map('xero', 'payment', realRecord('xero', 'payment', 'PaymentID', 'ac203d5b-3efc-4b5f-9601-c754202cec5b'))).ok).toBe('skipped');
  });

  it('contact: email, phone, postal address trimmed, active', async () => {
    const c = await mapped('xero', 'customer', realRecord('xero', 'customer', 'ContactID', 'fd89489e-699c-4d77-a881-10c127bfbeb3'));
    expect(c).toMatchObject({
      name: 'Hamilton Smith Ltd', email: 'info@hsg.co', emails: ['info@hsg.co'], phone: '01 2345678', active: true,
      address: { line1: '3 Park Street Industrial Village', line2: null, city: 'Oaktown', postalCode: '1234', region: null, country: null },
      updatedAt: '2026-04-20T18:03:41.917Z',
    });
    const noEmail = await mapped('xero', 'customer', realRecord('xero', 'customer', 'ContactID', 'c67e563c-17ee-40dd-ad95-4f8c143bf740'));
    expect([noEmail.email, noEmail.emails]).toEqual([undefined, []]);
  });
});
