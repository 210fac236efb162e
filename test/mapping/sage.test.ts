// `relance map sage <entity>` on Sage Accounting v3.1 records (our own samples in the shapes of Sage's docs): status ids, amounts as strings or numbers, allocations.
import { describe, expect, it } from 'vitest';
import { runMapCli } from '../../src/mapping/index.js';

const link = (id: string, path: string, shown = id) => ({ id, displayed_as: shown, $path: `/${path}/${id}` });
const GBP = { id: 'GBP', displayed_as: 'Pound Sterling (GBP)', $path: '/currencies/GBP' };
const status = (id: string) => ({ id, displayed_as: id, $path: `/artefact_statuses/${id}` });
const CONTACT = '6b1f0d8e2a9c4f3e8d7c6b5a49382716';
const INVOICE_A = '0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c';

/** Invoice A of reference D2: 1,200 with 500 paid and 120 credited, 580 outstanding, part paid. */
const invoiceA = (patch: Record<string, unknown> = {}) => ({
  ...link(INVOICE_A, 'sales_invoices', 'SI-42'), invoice_number: 'SI-42', contact: link(CONTACT, 'contacts'), date: '2026-01-15', due_date: '2026-02-14',
  net_amount: '1000.0', tax_amount: '200.0', total_amount: '1200.0', total_paid: '620.0', outstanding_amount: '580.0', currency: GBP, status: status('PART_PAID'),
  sent: true, void_reason: null, deleted_at: null, created_at: '2026-01-15T09:58:12Z', updated_at: '2026-02-25T09:16:02Z', ...patch,
});

async function map(entity: string, raw: unknown) {
  const res = await runMapCli(['sage', entity], JSON.stringify(raw));
  return { ...res, json: res.code === 0 && res.stdout ? JSON.parse(res.stdout) : null };
}

describe('relance map sage', () => {
  it('maps a part-paid invoice from decimal strings, and the same from JSON numbers, to the same exact amounts', async () => {
    const strings = await map('invoice', invoiceA());
    expect(strings.code, strings.stderr).toBe(0);
    expect(strings.json).toMatchObject({ externalId: INVOICE_A, number: 'SI-42', customerExternalId: CONTACT, issueDate: '2026-01-15', dueDate: '2026-02-14', currency: 'GBP', total: '1200.00', amountDue: '580.00', status: 'partially_paid', updatedAt: '2026-02-25T09:16:02.000Z' });
    const numbers = await map('invoice', invoiceA({ total_amount: 1200.1, outstanding_amount: 580.1 }));
    expect(numbers.json).toMatchObject({ total: '1200.10', amountDue: '580.10' });
  });

  it('maps each status id as Sage defines it, a deleted invoice as void, and skips a pro-forma', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ status: status('UNPAID'), outstanding_amount: '1200.0' }, 'open', '1200.00'],
      [{ status: status('PAID'), outstanding_amount: '0.0' }, 'paid', '0.00'],
      [{ status: status('DRAFT'), invoice_number: '', outstanding_amount: '1200.0' }, 'draft', '1200.00'],
      [{ status: status('VOID'), void_reason: 'Raised in error', outstanding_amount: '0.0' }, 'void', '0.00'],
      [{ status: status('UNPAID'), outstanding_amount: '1200.0', deleted_at: '2026-03-01T10:00:00Z' }, 'void', '0.00'],
    ];
    for (const [patch, want, due] of cases) expect((await map('invoice', invoiceA(patch))).json, JSON.stringify(patch)).toMatchObject({ status: want, amountDue: due });
    const pro = await map('invoice', invoiceA({ status: status('PRO_FORMA') }));
    expect(pro.code).toBe(0);
    expect(pro.stderr).toMatch(/^skipped: pro-forma/);
  });

  it('refuses an amount finer than the currency allows, naming the field', async () => {
    const res = await map('invoice', invoiceA({ outstanding_amount: '580.005' }));
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^amountDue: /);
  });

  it('maps a credit note with the invoice its contact allocation settled', async () => {
    const res = await map('credit_note', {
      ...link('5c4b3a2918f7e6d5c4b3a2918f7e6d5c', 'sales_credit_notes', 'SCN-3'), credit_note_number: 'SCN-3', contact: link(CONTACT, 'contacts'), date: '2026-02-25',
      total_amount: '120.0', outstanding_amount: '0.0', currency: GBP, status: status('PAID'), deleted_at: null, updated_at: '2026-02-25T09:16:02Z',
      relance_allocations: [{ invoice_id: INVOICE_A, amount: '120.0', date: '2026-02-25', allocation_id: 'd4c3b2a1f0e9d8c7b6a5948372615049' }],
    });
    expect(res.code, res.stderr).toBe(0);
    expect(res.json).toMatchObject({ total: '120.00', remaining: '0.00', status: 'applied', allocations: [{ invoiceExternalId: INVOICE_A, amount: '120.00', date: '2026-02-25' }] });
  });

  it('maps a customer receipt with number amounts, its allocated invoices and what is on account', async () => {
    const res = await map('payment', {
      ...link('a1b2c3d4e5f60718293a4b5c6d7e8f90', 'contact_payments'), transaction_type: { id: 'CUSTOMER_RECEIPT' }, contact: link(CONTACT, 'contacts'), date: '2026-02-20',
      reference: 'BACS HARBOUR SI-42', total_amount: 550.5, currency: GBP,
      allocated_artefacts: [{ id: '9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b', artefact: link(INVOICE_A, 'sales_invoices', 'SI-42'), amount: 500, discount: 0 }],
      deleted_at: null, updated_at: '2026-02-20T13:55:41Z',
    });
    expect(res.code, res.stderr).toBe(0);
    expect(res.json).toMatchObject({ amount: '550.50', unapplied: '50.50', status: 'posted', allocations: [{ invoiceExternalId: INVOICE_A, amount: '500.00' }], reference: 'BACS HARBOUR SI-42' });
    const refund = await map('payment', { id: 'x', transaction_type: { id: 'CUSTOMER_REFUND' } });
    expect(refund.stderr).toMatch(/^skipped: .*not a customer receipt/);
  });

  it('maps a customer contact, and skips a supplier', async () => {
    const res = await map('customer', {
      ...link(CONTACT, 'contacts', 'Harbour & Finch Ltd (HARB001)'), contact_types: [{ id: 'CUSTOMER' }], name: 'Harbour & Finch Ltd', reference: 'HARB001', email: 'accounts@harbourfinch.co.uk',
      main_contact_person: { name: 'Priya Shah', email: 'priya.shah@harbourfinch.co.uk' }, locale: 'en', currency: GBP, credit_limit: '5000.0',
      main_address: { address_line_1: '14 Quay Street', city: 'Bristol', postal_code: 'BS1 4DB', country: { id: 'GB' } }, system: false, deleted_at: null, updated_at: '2026-01-12T08:03:44Z',
    });
    expect(res.code, res.stderr).toBe(0);
    expect(res.json).toMatchObject({ name: 'Harbour & Finch Ltd', email: 'accounts@harbourfinch.co.uk', emails: ['accounts@harbourfinch.co.uk', 'priya.shah@harbourfinch.co.uk'], currency: 'GBP', creditLimit: '5000.00', language: 'en', address: { line1: '14 Quay Street', postalCode: 'BS1 4DB', country: 'GB' }, active: true });
    const supplier = await map('customer', { id: 'v1', contact_types: [{ id: 'VENDOR' }], name: 'Paper Co' });
    expect(supplier.stderr).toMatch(/^skipped: .*not a customer/);
  });
});
