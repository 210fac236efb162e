// Shipped QuickBooks, Xero and Pennylane mappings: every fixture record (and every recorded one, when RELANCE_REALDATA is set) maps and validates or is deliberately skipped, with exact values.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENTITIES, type EntityKind } from '../../src/model/index.js';
import { loadShippedMapping, mapBatch, mapRecord, type MapResult } from '../../src/mapping/index.js';
import { REALDATA_DIR, SOURCES, UNRECORDED, describeRealdata, record, records, type Provider } from './realdata.js';

const CONTEXTS: Record<Provider, Record<string, unknown>> = {
  quickbooks: { provider: 'quickbooks', homeCurrency: 'USD' },
  xero: { provider: 'xero', homeCurrency: 'USD' },
  pennylane: { provider: 'pennylane', homeCurrency: 'EUR', organisationTimeZone: 'Europe/Paris' },
};
const PROVIDERS = ['quickbooks', 'xero', 'pennylane'] as const;

async function map<K extends EntityKind>(provider: Provider, entity: K, raw: unknown, context: Record<string, unknown> = CONTEXTS[provider]): Promise<MapResult<K>> {
  return mapRecord(loadShippedMapping(provider, entity), entity, raw, context);
}

async function mapped<K extends EntityKind>(provider: Provider, entity: K, raw: unknown, context?: Record<string, unknown>) {
  const r = await map(provider, entity, raw, context);
  if (r.ok !== true) throw new Error(`expected ${provider} ${entity} to map, got ${JSON.stringify(r)}`);
  return r.value;
}

/** Pennylane: a credit note shares /customer_invoices with the invoices; its amounts are negative. */
const plCredit = (r: Record<string, unknown>) => r.status === 'credit_note' || r.credited_invoice != null || String(r.currency_amount).startsWith('-');
const plNotIssued = (r: Record<string, unknown>) => r.draft === true || r.archived_at != null;

/** Which records a provider's mapping must skip, decided from the raw payload independently of the mapping. */
const mustSkip: Record<Provider, Record<EntityKind, (raw: Record<string, unknown>) => boolean>> = {
  quickbooks: { customer: () => false, invoice: () => false, credit_note: () => false, payment: () => false },
  xero: {
    customer: () => false,
    invoice: (r) => r.Type !== 'ACCREC',
    credit_note: (r) => r.Type !== 'ACCRECCREDIT',
    payment: (r) => r.PaymentType !== 'ACCRECPAYMENT',
  },
  pennylane: {
    customer: () => false,
    invoice: (r) => plCredit(r) || plNotIssued(r) || r.status === 'proforma',
    credit_note: (r) => !plCredit(r) || plNotIssued(r),
    payment: (r) => !('relance_allocations' in r),
  },
};

for (const { source, describe: describeSource } of SOURCES) {
  describeSource(`shipped mappings on the ${source}`, () => {
    describe.each(PROVIDERS)('%s', (provider) => {
      it.each([...ENTITIES])('every %s maps and validates, or is skipped only when it is not a receivable', async (entity) => {
        const raws = records(source, provider, entity);
        // An entity the recordings hold none of is said so in realdata.ts, with the reason.
        if (source === 'recordings' && UNRECORDED[provider]?.[entity]) return;
        expect(raws.length).toBeGreaterThan(0);
        const results = await mapBatch(loadShippedMapping(provider, entity), entity, raws, CONTEXTS[provider]);
        const failures = results.flatMap((r, i) => (r.ok === false ? [`#${i}: ${r.error.path}: ${r.error.reason}`] : []));
        expect(failures).toEqual([]);
        results.forEach((r, i) => expect(r.ok === 'skipped', `record #${i}`).toBe(mustSkip[provider][entity](raws[i]!)));
      });
    });
  });
}

describe('fixture coverage', () => {
  it.each(PROVIDERS.flatMap((p) => ENTITIES.map((e) => [p, e] as const)))('%s %s: has records to keep, and records to skip wherever the mapping skips some', (provider, entity) => {
    const decisions = records('fixtures', provider, entity).map((r) => mustSkip[provider][entity](r));
    expect(decisions).toContain(false);
    if (provider !== 'quickbooks' && entity !== 'customer') expect(decisions).toContain(true);
  });
});

describe('QuickBooks mapping (fixtures)', () => {
  const fixture = (entity: EntityKind, id: string) => record('fixtures', 'quickbooks', entity, 'Id', id);

  it('invoice: amounts to the cent, dates, open status, charge lines without the subtotal line', async () => {
    const inv = await mapped('quickbooks', 'invoice', fixture('invoice', '1101'));
    expect(inv).toMatchObject({
      externalId: '1101', number: '3101', customerExternalId: '201', issueDate: '2026-03-02', dueDate: '2026-04-01',
      currency: 'USD', total: '165.50', amountDue: '165.50', status: 'open', externalVersion: '0', updatedAt: '2026-03-02T17:03:40.000Z',
    });
    expect(inv.lines).toEqual([
      { description: 'Sourdough loaves, wholesale', amount: '120.00' },
      { description: 'Delivery, Saturday route', amount: '45.50' },
    ]);
  });

  it('derives partially_paid and paid from TotalAmt and Balance', async () => {
    const partial = await mapped('quickbooks', 'invoice', fixture('invoice', '1102'));
    expect([partial.total, partial.amountDue, partial.status]).toEqual(['480.00', '180.00', 'partially_paid']);
    const paid = await mapped('quickbooks', 'invoice', fixture('invoice', '1103'));
    expect([paid.total, paid.amountDue, paid.status]).toEqual(['96.25', '0.00', 'paid']);
  });

  it('turns a discount line into a negative line', async () => {
    const inv = await mapped('quickbooks', 'invoice', fixture('invoice', '1104'));
    expect(inv.lines).toEqual([
      { description: 'Croissants, catering order', amount: '300.00' },
      { description: 'Coffee service', amount: '75.00' },
      { description: 'Discount', amount: '-37.50' },
    ]);
    expect([inv.total, inv.amountDue, inv.status]).toEqual(['337.50', '287.50', 'partially_paid']);
  });

  it('maps a voided invoice (zeroed, PrivateNote "Voided") to void, and a zeroed one without the note to open', async () => {
    const voided = await mapped('quickbooks', 'invoice', fixture('invoice', '1105'));
    expect([voided.status, voided.total, voided.amountDue, voided.lines]).toEqual(['void', '0.00', '0.00', [{ description: 'Bread rolls, weekly', amount: '0.00' }]]);
    const raw = fixture('invoice', '1105');
    delete raw.PrivateNote;
    expect((await mapped('quickbooks', 'invoice', raw)).status).toBe('open');
  });

  it('an invoice without DueDate is due on its issue date; a foreign-currency invoice keeps its currency', async () => {
    const inv = await mapped('quickbooks', 'invoice', fixture('invoice', '1106'));
    expect([inv.currency, inv.issueDate, inv.dueDate, inv.total, inv.amountDue, inv.status]).toEqual(['EUR', '2026-03-10', '2026-03-10', '1250.00', '1250.00', 'open']);
  });

  it('falls back to context.homeCurrency when CurrencyRef is absent, and fails on the currency when neither is there', async () => {
    const raw = fixture('invoice', '1107');
    expect(raw.CurrencyRef).toBeUndefined();
    expect((await mapped('quickbooks', 'invoice', raw)).currency).toBe('USD');
    expect((await mapped('quickbooks', 'invoice', raw, { homeCurrency: 'EUR' })).currency).toBe('EUR');
    const r = await map('quickbooks', 'invoice', raw, {});
    expect(r.ok).toBe(false);
    if (r.ok === false) expect(r.error.path).toBe('currency');
  });

  it('payment allocations come from LinkedTxn Invoice lines; the credit-memo line of a zero payment is not cash', async () => {
    const split = await mapped('quickbooks', 'payment', fixture('payment', '1301'));
    expect(split).toMatchObject({ amount: '360.00', unapplied: '0.00', status: 'posted', customerExternalId: '201', date: '2026-03-20', reference: '4417', currency: 'USD' });
    expect(split.allocations).toEqual([{ invoiceExternalId: '1102', amount: '300.00' }, { invoiceExternalId: '1107', amount: '60.00' }]);
    const over = await mapped('quickbooks', 'payment', fixture('payment', '1302'));
    expect([over.amount, over.unapplied, over.reference, over.externalVersion, over.updatedAt]).toEqual(['100.00', '3.75', '0918', '1', '2026-02-20T17:45:00.000Z']);
    expect(over.allocations).toEqual([{ invoiceExternalId: '1103', amount: '96.25' }]);
    const credit = await mapped('quickbooks', 'payment', fixture('payment', '1303'));
    expect([credit.amount, credit.status]).toEqual(['0.00', 'posted']);
    expect(credit.allocations).toEqual([{ invoiceExternalId: '1104', amount: '50.00' }]);
  });

  it('a voided payment (zeroed, PrivateNote "Voided") is void with no allocations', async () => {
    const p = await mapped('quickbooks', 'payment', fixture('payment', '1304'));
    expect([p.status, p.amount, p.allocations]).toEqual(['void', '0.00', []]);
  });

  it('credit memo remaining comes from RemainingCredit, else Balance; zeroed and "Voided" is void', async () => {
    const used = await mapped('quickbooks', 'credit_note', fixture('credit_note', '1201'));
    expect(used).toMatchObject({ total: '50.00', remaining: '0.00', status: 'applied', number: '3201', externalVersion: '2', allocations: [], issueDate: '2026-02-27' });
    const open = await mapped('quickbooks', 'credit_note', fixture('credit_note', '1202'));
    expect([open.currency, open.remaining, open.status]).toEqual(['EUR', '120.00', 'open']);
    const raw = fixture('credit_note', '1202');
    delete raw.RemainingCredit;
    raw.Balance = 70;
    expect((await mapped('quickbooks', 'credit_note', raw)).remaining).toBe('70.00');
    expect((await mapped('quickbooks', 'credit_note', fixture('credit_note', '1203'))).status).toBe('void');
  });

  it('customer: name, emails split on commas, phone, bill address, version', async () => {
    const c = await mapped('quickbooks', 'customer', fixture('customer', '201'));
    expect(c).toMatchObject({
      externalId: '201', name: 'Harbor Lights Bakery', email: 'accounts@harborlights.example',
      emails: ['accounts@harborlights.example', 'mara@harborlights.example'], phone: '(503) 555-0187',
      currency: 'USD', active: true, externalVersion: '4', updatedAt: '2026-03-02T19:40:05.000Z',
      address: { line1: '88 Quay Street', city: 'Astoria', postalCode: '97103', region: 'OR' },
    });
  });

  it('customer: an implausible email is dropped, the mobile and ship address stand in, currency from context, inactive kept', async () => {
    const c = await mapped('quickbooks', 'customer', fixture('customer', '202'));
    expect([c.email, c.emails, c.phone, c.currency]).toEqual([undefined, [], '(503) 555-0144', 'USD']);
    expect(c.address).toMatchObject({ line1: '1420 Quarry Road', city: 'Seaside', region: 'OR' });
    expect((await mapped('quickbooks', 'customer', fixture('customer', '203'))).address).toMatchObject({ city: 'Lyon', country: 'France' });
    expect((await mapped('quickbooks', 'customer', fixture('customer', '204'))).active).toBe(false);
  });
});

describe('Xero mapping (fixtures)', () => {
  const KESTREL = '4236ce93-97ad-4628-afbc-8a3128dbb216';
  const TUI = 'f0cfdca5-cf66-4710-be97-b7b761c43f17';
  const INV = {
    open: '49d9beef-9ba2-47f5-8480-15e8e461015b', part: '3ce4ccfc-438a-44f4-be21-2fd0079681bf', creditPaid: '10d8e744-e940-43d9-9897-84d61044a513',
    cashPaid: '9b75b61b-d0ef-4769-b5aa-3ad354731415', draft: '1fd9fdfe-4976-4642-9022-8bc74fccc708', voided: 'f3940144-986d-4efd-8b89-54db8d4e2215',
    bill: '607e7237-9653-47be-b7ac-c2086cf77cdc',
  };
  const CN = { applied: '2a69d5f4-57d4-42e3-8a4b-40769f5a5698', open: '96096400-ff9c-4f38-83c5-5ecc61fe162d', draft: 'a40d6447-17c5-4d11-b2ac-f57c8d6f3eec', supplier: '2bc41873-e283-403e-90d1-8d8635e81701' };
  const PAY = { cash: '479bcc40-788b-44f6-83b9-e9a1d801f482', noRef: 'ae8ac738-54c4-48ca-980b-837672961b66', deleted: '61a89386-1877-4ded-b893-6638904a0d6b', bill: 'e3cd528e-9ea8-4009-a8d7-9c9c88f00743', refund: '2a96f8df-b6dc-4c85-96b4-298e260e89dc' };
  const invoice = (id: string) => record('fixtures', 'xero', 'invoice', 'InvoiceID', id);
  const creditNote = (id: string) => record('fixtures', 'xero', 'credit_note', 'CreditNoteID', id);
  const payment = (id: string) => record('fixtures', 'xero', 'payment', 'PaymentID', id);
  const contact = (id: string) => record('fixtures', 'xero', 'customer', 'ContactID', id);

  it('an AUTHORISED invoice: amounts, dates from DateString, version from UpdatedDateUTC, line amounts', async () => {
    const inv = await mapped('xero', 'invoice', invoice(INV.open));
    expect(inv).toMatchObject({
      externalId: INV.open, number: 'INV-0101', customerExternalId: KESTREL, issueDate: '2026-03-02', dueDate: '2026-04-01',
      currency: 'NZD', total: '230.00', amountDue: '230.00', status: 'open', externalVersion: '2026-03-02T21:20:11.250Z',
    });
    expect(inv.lines).toEqual([
      { description: 'Logo refresh, concept sketches', amount: '120.00' },
      { description: 'Brand guideline PDF', amount: '80.00' },
    ]);
  });

  it('AUTHORISED with part paid and part credited is partially_paid; PAID is paid, by cash or by credit note', async () => {
    const part = await mapped('xero', 'invoice', invoice(INV.part));
    expect([part.total, part.amountDue, part.status]).toEqual(['575.00', '340.00', 'partially_paid']);
    const byCredit = await mapped('xero', 'invoice', invoice(INV.creditPaid));
    expect([byCredit.total, byCredit.amountDue, byCredit.status, byCredit.customerExternalId]).toEqual(['115.00', '0.00', 'paid', TUI]);
    const byCash = await mapped('xero', 'invoice', invoice(INV.cashPaid));
    expect([byCash.total, byCash.amountDue, byCash.status]).toEqual(['46.00', '0.00', 'paid']);
  });

  it('a DRAFT without DueDate is draft and due on its issue date; VOIDED is void', async () => {
    const draft = await mapped('xero', 'invoice', invoice(INV.draft));
    expect([draft.status, draft.issueDate, draft.dueDate]).toEqual(['draft', '2026-03-16', '2026-03-16']);
    expect((await mapped('xero', 'invoice', invoice(INV.voided))).status).toBe('void');
  });

  it.each([['VOIDED', 'void'], ['DELETED', 'void'], ['SUBMITTED', 'draft'], ['PAID', 'paid']])('Status %s → %s', async (state, expected) => {
    const raw = invoice(INV.open);
    raw.Status = state;
    expect((await mapped('xero', 'invoice', raw)).status).toBe(expected);
  });

  it('reads /Date(…+0100)/ business dates as the organisation’s calendar day', async () => {
    const raw = invoice(INV.open);
    delete raw.DateString;
    delete raw.DueDateString;
    // 2026-03-01T23:00:00Z is midnight of 2 March at +01:00; the due date is written at UTC midnight with +0100.
    raw.Date = `/Date(${Date.UTC(2026, 2, 1, 23)}+0100)/`;
    raw.DueDate = `/Date(${Date.UTC(2026, 3, 1)}+0100)/`;
    const inv = await mapped('xero', 'invoice', raw);
    expect([inv.issueDate, inv.dueDate]).toEqual(['2026-03-02', '2026-04-01']);
  });

  it('skips bills (ACCPAY) with a reason', async () => {
    const r = await map('xero', 'invoice', invoice(INV.bill));
    expect(r.ok).toBe('skipped');
    if (r.ok === 'skipped') expect(r.reason).toContain('ACCPAY');
  });

  it('credit note allocations and remaining credit; deleted allocations left out; supplier credits skipped', async () => {
    const applied = await mapped('xero', 'credit_note', creditNote(CN.applied));
    expect(applied).toMatchObject({ number: 'CN-0101', total: '115.00', remaining: '0.00', status: 'applied', issueDate: '2026-02-05', currency: 'NZD' });
    expect(applied.allocations).toEqual([{ invoiceExternalId: INV.creditPaid, amount: '115.00', date: '2026-02-05' }]);
    const open = await mapped('xero', 'credit_note', creditNote(CN.open));
    expect([open.total, open.remaining, open.status]).toEqual(['69.00', '29.00', 'open']);
    expect(open.allocations).toEqual([{ invoiceExternalId: INV.part, amount: '35.00', date: '2026-02-24' }]);
    const draft = await mapped('xero', 'credit_note', creditNote(CN.draft));
    expect([draft.status, draft.remaining, draft.allocations]).toEqual(['draft', '23.00', []]);
    const supplier = await map('xero', 'credit_note', creditNote(CN.supplier));
    expect(supplier.ok).toBe('skipped');
    if (supplier.ok === 'skipped') expect(supplier.reason).toContain('ACCPAYCREDIT');
  });

  it('drops allocations flagged IsDeleted', async () => {
    const raw = creditNote(CN.applied);
    (raw.Allocations as Record<string, unknown>[])[0]!.IsDeleted = true;
    expect((await mapped('xero', 'credit_note', raw)).allocations).toEqual([]);
  });

  it('payments: one allocation to their invoice; DELETED → void; bill payments and credit refunds skipped', async () => {
    const p = await mapped('xero', 'payment', payment(PAY.cash));
    expect(p).toMatchObject({
      date: '2026-02-16', amount: '46.00', unapplied: '0.00', status: 'posted', customerExternalId: TUI, currency: 'NZD',
      reference: 'TUI PLUMBING DC', updatedAt: '2026-02-16T23:30:15.060Z',
    });
    expect(p.allocations).toEqual([{ invoiceExternalId: INV.cashPaid, amount: '46.00' }]);
    expect((await mapped('xero', 'payment', payment(PAY.noRef))).reference).toBeNull();
    const deleted = await mapped('xero', 'payment', payment(PAY.deleted));
    expect([deleted.status, deleted.amount]).toEqual(['void', '150.00']);
    for (const [id, type] of [[PAY.bill, 'ACCPAYPAYMENT'], [PAY.refund, 'ARCREDITPAYMENT']] as const) {
      const r = await map('xero', 'payment', payment(id));
      expect(r.ok).toBe('skipped');
      if (r.ok === 'skipped') expect(r.reason).toContain(type);
    }
  });

  it('contact: emails incl. persons copied on invoices, phone, postal address preferred, groups, currency', async () => {
    const c = await mapped('xero', 'customer', contact(KESTREL));
    expect(c).toMatchObject({
      name: 'Kestrel Design Studio', email: 'billing@kestrel.example', emails: ['billing@kestrel.example', 'ana@kestrel.example'],
      phone: '64 4 555 0142', currency: 'NZD', tags: ['Key accounts'], active: true, updatedAt: '2026-03-02T21:14:05.317Z',
      address: { line1: 'PO Box 7710', line2: null, city: 'Wellington', postalCode: '6141', region: null, country: 'New Zealand' },
    });
  });

  it('contact: no email, no phone, street address trimmed; ARCHIVED is inactive', async () => {
    const c = await mapped('xero', 'customer', contact(TUI));
    expect([c.email, c.emails, c.phone, c.currency]).toEqual([undefined, [], null, null]);
    expect(c.address).toEqual({ line1: '14 Wharf Road', line2: null, city: 'Nelson', postalCode: '7010', region: null, country: null });
    expect((await mapped('xero', 'customer', contact('da2be215-73e0-4746-81d4-a77ea35b4fea'))).active).toBe(false);
  });
});

describeRealdata('QuickBooks recorded values', () => {
  const recorded = (entity: EntityKind, id: string) => record('recordings', 'quickbooks', entity, 'Id', id);

  it('invoice 130: amounts to the cent, dates, open status, charge lines without the subtotal line', async () => {
    const inv = await mapped('quickbooks', 'invoice', recorded('invoice', '130'));
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

  it('invoices 67 and 9: partially_paid and paid from TotalAmt and Balance', async () => {
    const partial = await mapped('quickbooks', 'invoice', recorded('invoice', '67'));
    expect([partial.total, partial.amountDue, partial.status]).toEqual(['459.00', '239.00', 'partially_paid']);
    const paid = await mapped('quickbooks', 'invoice', recorded('invoice', '9'));
    expect([paid.total, paid.amountDue, paid.status]).toEqual(['108.00', '0.00', 'paid']);
  });

  it('invoice 49: the discount line is a negative line', async () => {
    const inv = await mapped('quickbooks', 'invoice', recorded('invoice', '49'));
    expect(inv.lines.at(-1)).toEqual({ description: 'Discount', amount: '-50.25' });
  });

  it('payments 74, 120 and 15: allocations from LinkedTxn Invoice lines, amounts, references', async () => {
    const p74 = await mapped('quickbooks', 'payment', recorded('payment', '74'));
    expect(p74).toMatchObject({ amount: '0.00', unapplied: '0.00', status: 'posted', customerExternalId: '1', date: '2026-03-22' });
    expect(p74.allocations).toEqual([{ invoiceExternalId: '71', amount: '100.00' }]);
    const p120 = await mapped('quickbooks', 'payment', recorded('payment', '120'));
    expect(p120.allocations).toEqual([{ invoiceExternalId: '12', amount: '1675.52' }]);
    const p15 = await mapped('quickbooks', 'payment', recorded('payment', '15'));
    expect([p15.amount, p15.reference, p15.externalVersion]).toEqual(['86.40', '5664', '1']);
  });

  it('credit memos 73 and 184: remaining from RemainingCredit', async () => {
    const used = await mapped('quickbooks', 'credit_note', recorded('credit_note', '73'));
    expect(used).toMatchObject({ total: '100.00', remaining: '0.00', status: 'applied', number: '1026', externalVersion: '5' });
    const open = await mapped('quickbooks', 'credit_note', recorded('credit_note', '184'));
    expect([open.remaining, open.status]).toEqual(['100.00', 'open']);
  });

  it('customer 2: name, email, phone, bill address, version', async () => {
    const c = await mapped('quickbooks', 'customer', recorded('customer', '2'));
    expect(c).toMatchObject({
      externalId: '2', name: "Bill's Windsurf Shop", email: 'Surf@Intuit.com', emails: ['Surf@Intuit.com'], phone: '(415) 444-6538',
      currency: 'USD', active: true, externalVersion: '0',
      address: { line1: '12 Ocean Dr.', city: 'Half Moon Bay', postalCode: '94213', region: 'CA' },
    });
  });
});

describeRealdata('Xero recorded values', () => {
  const recorded = (entity: EntityKind, idField: string, id: string) => record('recordings', 'xero', entity, idField, id);

  it('a PAID invoice settled by a credit note: amounts, dates from DateString, version from UpdatedDateUTC', async () => {
    const inv = await mapped('xero', 'invoice', recorded('invoice', 'InvoiceID', '4c4db294-3633-45cd-8706-f0b3b0079609'));
    expect(inv).toMatchObject({
      number: 'INV-0010', customerExternalId: '37918a06-92f6-4edb-bfe0-1fc041c90f8b', issueDate: '2026-02-25', dueDate: '2026-03-10',
      total: '541.25', amountDue: '0.00', status: 'paid', externalVersion: '2008-12-20T17:38:32.660Z',
    });
    expect(inv.lines).toEqual([{ description: 'Half day training - Microsoft Office', amount: '500.00' }]);
  });

  it('AUTHORISED with part paid is partially_paid; untouched is open', async () => {
    const part = await mapped('xero', 'invoice', recorded('invoice', 'InvoiceID', '4286e4ee-cc4a-4d74-9568-10935b3600bb'));
    expect([part.total, part.amountDue, part.status]).toEqual(['838.94', '270.63', 'partially_paid']);
    const open = await mapped('xero', 'invoice', recorded('invoice', 'InvoiceID', 'a909dda4-555b-414b-a395-ba7a4077de72'));
    expect([open.amountDue, open.status, open.dueDate]).toEqual(['703.63', 'open', '2026-04-29']);
  });

  it('a DRAFT without DueDate is draft and due on its issue date', async () => {
    const inv = await mapped('xero', 'invoice', recorded('invoice', 'InvoiceID', '64ec9988-2e5f-41a6-ba5b-811dc420a67c'));
    expect([inv.status, inv.issueDate, inv.dueDate]).toEqual(['draft', '2026-04-20', '2026-04-20']);
  });

  it('credit note allocations and remaining credit', async () => {
    const cn = await mapped('xero', 'credit_note', recorded('credit_note', 'CreditNoteID', '602f5486-664e-492f-b4d1-e12df1d4b8ba'));
    expect(cn).toMatchObject({ number: 'CN-0014', total: '541.25', remaining: '0.00', status: 'applied', issueDate: '2026-03-08' });
    expect(cn.allocations).toEqual([{ invoiceExternalId: '4c4db294-3633-45cd-8706-f0b3b0079609', amount: '541.25', date: '2026-03-08' }]);
    const draft = await mapped('xero', 'credit_note', recorded('credit_note', 'CreditNoteID', '2b159707-e22d-4b8f-87fa-897f77141401'));
    expect([draft.status, draft.remaining, draft.allocations]).toEqual(['draft', '108.25', []]);
  });

  it('payments: one allocation to their invoice; DELETED → void; bill payments skipped', async () => {
    const p = await mapped('xero', 'payment', recorded('payment', 'PaymentID', '655ad293-0b35-4c2c-9a97-0ee979dd365f'));
    expect(p).toMatchObject({ date: '2026-02-26', amount: '541.25', unapplied: '0.00', status: 'posted', customerExternalId: 'fd89489e-699c-4d77-a881-10c127bfbeb3' });
    expect(p.allocations).toEqual([{ invoiceExternalId: 'cb5119d0-9759-49d3-800b-7d0a90818178', amount: '541.25' }]);
    const deleted = await mapped('xero', 'payment', recorded('payment', 'PaymentID', '626608f6-27ee-40c6-92f9-038f8241d090'));
    expect([deleted.status, deleted.amount]).toEqual(['void', '216.50']);
    expect((await map('xero', 'payment', recorded('payment', 'PaymentID', 'ac203d5b-3efc-4b5f-9601-c754202cec5b'))).ok).toBe('skipped');
  });

  it('contact: email, phone, postal address trimmed, active', async () => {
    const c = await mapped('xero', 'customer', recorded('customer', 'ContactID', 'fd89489e-699c-4d77-a881-10c127bfbeb3'));
    expect(c).toMatchObject({
      name: 'Hamilton Smith Ltd', email: 'info@hsg.co', emails: ['info@hsg.co'], phone: '01 2345678', active: true,
      address: { line1: '3 Park Street Industrial Village', line2: null, city: 'Oaktown', postalCode: '1234', region: null, country: null },
      updatedAt: '2026-04-20T18:03:41.917Z',
    });
    const noEmail = await mapped('xero', 'customer', recorded('customer', 'ContactID', 'c67e563c-17ee-40dd-ad95-4f8c143bf740'));
    expect([noEmail.email, noEmail.emails]).toEqual([undefined, []]);
  });
});

describe('Pennylane mapping (fixtures)', () => {
  const doc = (id: number) => record('fixtures', 'pennylane', 'invoice', 'id', id as unknown as string);
  const transaction = (id: number) => record('fixtures', 'pennylane', 'payment', 'id', id as unknown as string);
  const customer = (id: number) => record('fixtures', 'pennylane', 'customer', 'id', id as unknown as string);
  const skipped = async (entity: EntityKind, raw: unknown) => {
    const r = await map('pennylane', entity, raw);
    if (r.ok !== 'skipped') throw new Error(`expected a skip, got ${JSON.stringify(r)}`);
    return r.reason;
  };

  it('an upcoming invoice: amounts as Pennylane prints them ("1200.0") to the cent, the deadline, open', async () => {
    const inv = await mapped('pennylane', 'invoice', doc(51000001));
    expect(inv).toMatchObject({
      externalId: '51000001', number: 'F-2026-0001', customerExternalId: '4100001', issueDate: '2026-03-02', dueDate: '2026-04-30',
      currency: 'EUR', total: '1200.00', amountDue: '1200.00', status: 'open', eInvoicing: null,
      externalVersion: '2026-03-02T08:31:40.220918Z', updatedAt: '2026-03-02T08:31:40.220Z',
    });
  });

  it('the invoice document is Pennylane’s public_file_url, for the portal and the reminder; none when absent', async () => {
    expect((await mapped('pennylane', 'invoice', doc(51000001))).pdfUrl).toBeNull();
    const url = 'https://app.pennylane.com/public/invoice/pdf?encrypted_id=abc%2Fdef--ghi';
    expect((await mapped('pennylane', 'invoice', { ...(doc(51000001) as object), public_file_url: url })).pdfUrl).toBe(url);
  });

  it('the amount due is remaining_amount_with_tax, and 0 once paid; status from the amounts', async () => {
    const part = await mapped('pennylane', 'invoice', doc(51000002));
    expect([part.total, part.amountDue, part.status]).toEqual(['2110.00', '1110.00', 'partially_paid']);
    const paid = await mapped('pennylane', 'invoice', doc(51000003));
    expect([paid.total, paid.amountDue, paid.status]).toEqual(['900.00', '0.00', 'paid']);
    // `paid` wins over a stale remaining amount.
    const raw = doc(51000003);
    raw.remaining_amount_with_tax = '900.0';
    expect((await mapped('pennylane', 'invoice', raw)).amountDue).toBe('0.00');
  });

  it('e-invoicing: refused is 210 with the buyer’s reason, approved 205; cancelled is void', async () => {
    const refused = await mapped('pennylane', 'invoice', doc(51000004));
    expect(refused.eInvoicing).toEqual({ code: 210, status: 'refused', reason: 'Montant erroné : le bon de commande 4471 prévoit 3 000 € HT', updatedAt: '2026-03-12T13:07:55.900Z' });
    expect((await mapped('pennylane', 'invoice', doc(51000002))).eInvoicing).toMatchObject({ code: 205, status: 'approved', reason: null });
    const raw = doc(51000004);
    raw.e_invoicing = { status: 'partially_collected', reason: null };
    expect((await mapped('pennylane', 'invoice', raw)).eInvoicing).toMatchObject({ code: 212, status: 'collected', reason: 'partially collected' });
    expect((await mapped('pennylane', 'invoice', doc(51000005))).status).toBe('void');
  });

  it('drafts, archived and pro-forma documents are skipped with the reason', async () => {
    expect(await skipped('invoice', doc(51000006))).toContain('draft');
    expect(await skipped('invoice', doc(51000007))).toContain('archived');
    expect(await skipped('invoice', doc(51000008))).toContain('pro-forma');
    expect(await skipped('credit_note', doc(51000012))).toContain('draft credit note');
  });

  it('one endpoint, two entities: a credit note mapped as an invoice is skipped, and an invoice mapped as a credit note', async () => {
    expect(await skipped('invoice', doc(51000010))).toBe('credit note AV-2026-0001: mapped as a credit_note, not an invoice');
    expect(await skipped('credit_note', doc(51000001))).toBe('invoice F-2026-0001: mapped as an invoice, not a credit_note');
  });

  it('credit notes: amounts made positive; linked to the invoice it settles (applied), or open credit', async () => {
    const linked = await mapped('pennylane', 'credit_note', doc(51000010));
    expect(linked).toMatchObject({ number: 'AV-2026-0001', customerExternalId: '4100001', total: '240.00', remaining: '0.00', status: 'applied', issueDate: '2026-02-12' });
    expect(linked.allocations).toEqual([{ invoiceExternalId: '51000005', amount: '240.00', date: '2026-02-12' }]);
    const open = await mapped('pennylane', 'credit_note', doc(51000011));
    expect([open.total, open.remaining, open.status, open.allocations]).toEqual(['60.00', '60.00', 'open', []]);
  });

  it('payments: a transfer to one invoice gets it whole; a transfer to several keeps the inferred split, marked', async () => {
    const one = await mapped('pennylane', 'payment', transaction(612000001));
    expect(one).toMatchObject({ customerExternalId: '4100001', date: '2026-03-05', amount: '1000.00', unapplied: '0.00', status: 'posted', currency: 'EUR', reference: 'VIR SEPA BOULANGERIE MARTIN F-2026-0002' });
    expect(one.allocations).toEqual([{ invoiceExternalId: '51000002', amount: '1000.00', inferred: false }]);
    const split = await mapped('pennylane', 'payment', transaction(612000002));
    expect([split.amount, split.unapplied]).toEqual(['1275.00', '15.00']);
    expect(split.allocations).toEqual([
      { invoiceExternalId: '51000003', amount: '900.00', inferred: true },
      { invoiceExternalId: '51000009', amount: '360.00', inferred: true },
    ]);
  });

  it('bank lines that pay no customer invoice are skipped', async () => {
    expect(await skipped('payment', transaction(612000003))).toContain('612000003 pays no customer invoice');
    expect(await skipped('payment', transaction(612000004))).toContain('pays no customer invoice');
  });

  it('customers: a company with its emails trimmed and checked; an individual named from first and last name; empty strings absent', async () => {
    const company = await mapped('pennylane', 'customer', customer(4100001));
    expect(company).toMatchObject({
      externalId: '4100001', name: 'Boulangerie Martin SARL', email: 'compta@boulangerie-martin.example',
      emails: ['compta@boulangerie-martin.example', 'gerance@boulangerie-martin.example'], phone: '+33 4 72 00 11 22', language: 'fr-FR',
      currency: 'EUR', tags: ['company'], active: true, address: { line1: '12 rue de la République', city: 'Lyon', postalCode: '69002', country: 'FR' },
    });
    const person = customer(4100002);
    const individual = await mapped('pennylane', 'customer', person);
    expect([individual.name, individual.emails, individual.phone, individual.tags]).toEqual(['Camille Durand', ['camille.durand@courriel.example'], null, ['individual']]);
    person.name = '';
    expect((await mapped('pennylane', 'customer', person)).name).toBe('Camille Durand');
    const foreign = await mapped('pennylane', 'customer', customer(4100003));
    expect([foreign.language, foreign.email, foreign.address]).toEqual(['de-DE', undefined, null]);
  });
});

describeRealdata('Pennylane recorded values', () => {
  const recorded = (entity: EntityKind, id: number) => record('recordings', 'pennylane', entity, 'id', id as unknown as string);

  it('invoice TEST-001 (upcoming): amounts, dates, open, no e-invoicing status', async () => {
    const inv = await mapped('pennylane', 'invoice', recorded('invoice', 25465638002688));
    expect(inv).toMatchObject({
      externalId: '25465638002688', number: 'TEST-001', customerExternalId: '1338468995072', issueDate: '2026-07-08', dueDate: '2026-08-15',
      currency: 'EUR', total: '600.00', amountDue: '600.00', status: 'open', eInvoicing: null, updatedAt: '2026-07-08T12:35:55.675Z',
    });
  });

  it('drafts are skipped, and the draft credit note is a credit note, skipped as an invoice', async () => {
    const draft = await map('pennylane', 'invoice', recorded('invoice', 25465639374848));
    expect(draft).toMatchObject({ ok: 'skipped', reason: expect.stringContaining('draft') });
    const note = recorded('credit_note', 25465319419904);
    expect(await map('pennylane', 'invoice', note)).toMatchObject({ ok: 'skipped', reason: expect.stringContaining('mapped as a credit_note') });
    expect(await map('pennylane', 'credit_note', note)).toMatchObject({ ok: 'skipped', reason: expect.stringContaining('draft credit note') });
  });

  it('customers: an individual and a company, empty strings absent', async () => {
    const person = await mapped('pennylane', 'customer', recorded('customer', 1338681847808));
    expect(person).toMatchObject({ name: 'Temp Customer', emails: [], phone: null, language: 'fr-FR', tags: ['individual'], address: { line1: '1 rue de Test', city: 'Paris', postalCode: '75001', country: 'FR' } });
    const company = await mapped('pennylane', 'customer', recorded('customer', 1338675605504));
    expect(company).toMatchObject({ name: 'Final Validation Co', tags: ['company'], address: { city: 'Marseille' } });
  });

  it('the recordings hold no payment: every matched-transactions and payments list is empty (see UNRECORDED)', () => {
    for (const file of ['list-customer-invoice-matched-transactions.json', 'list-customer-invoice-payments.json']) {
      const { exchanges } = JSON.parse(readFileSync(join(REALDATA_DIR!, 'pennylane', file), 'utf8')) as { exchanges: { body: { items: unknown[] } }[] };
      expect(exchanges.length, file).toBeGreaterThan(0);
      for (const e of exchanges) expect(e.body.items, file).toEqual([]);
    }
  });
});
