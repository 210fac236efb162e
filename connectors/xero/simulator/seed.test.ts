// Seeded organisation: real JSON shapes, consistent amounts across invoices, payments and credit notes, determinism.
import { describe, expect, it } from 'vitest';
import { createXeroSimulator } from './index.js';
import { centsOf, msOf, T0, type Rec } from './test-helpers.js';

const clock = () => new Date(T0);

describe('Xero simulator seed', () => {
  it('is deterministic by seed and differs across seeds', () => {
    const a = createXeroSimulator({ seed: 7, clock, invoices: 50 }).data.list('Invoice');
    const b = createXeroSimulator({ seed: 7, clock, invoices: 50 }).data.list('Invoice');
    const c = createXeroSimulator({ seed: 8, clock, invoices: 50 }).data.list('Invoice');
    expect(a).toEqual(b);
    expect(a.map((i) => i.InvoiceID)).not.toEqual(c.map((i) => i.InvoiceID));
  });

  it('renders invoices like the recorded responses (MS dates, *String companions, EUR)', () => {
    const sim = createXeroSimulator({ seed: 3, clock, invoices: 80 });
    const inv = sim.data.list('Invoice').find((i) => i.Type === 'ACCREC' && i.Status === 'AUTHORISED') as Rec;
    expect(String(inv.Date)).toMatch(/^\/Date\(\d+\+0000\)\/$/);
    expect(String(inv.DateString)).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00$/);
    expect(new Date(msOf(inv.Date)).toISOString().slice(0, 19)).toBe(inv.DateString);
    expect(new Date(msOf(inv.DueDate)).toISOString().slice(0, 19)).toBe(inv.DueDateString);
    expect(inv.CurrencyCode).toBe('EUR');
    for (const key of ['InvoiceID', 'InvoiceNumber', 'Payments', 'CreditNotes', 'AmountDue', 'AmountPaid', 'AmountCredited', 'Contact', 'LineItems', 'SubTotal', 'TotalTax', 'Total', 'UpdatedDateUTC', 'LineAmountTypes', 'Prepayments', 'Overpayments', 'HasErrors']) {
      expect(inv, key).toHaveProperty(key);
    }
    const contact = inv.Contact as Rec;
    expect(Object.keys(contact)).toEqual(['ContactID', 'Name', 'Addresses', 'Phones', 'ContactGroups', 'ContactPersons', 'HasValidationErrors']);
    // Dates spread over the 180 days before the clock.
    const days = sim.data.list('Invoice').map((i) => (T0 - msOf(i.Date)) / 86_400_000);
    expect(Math.min(...days)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...days)).toBeLessThanOrEqual(181);
    expect(Math.max(...days)).toBeGreaterThan(120);
    const statuses = new Set(sim.data.list('Invoice').map((i) => i.Status));
    for (const s of ['AUTHORISED', 'PAID', 'VOIDED', 'DELETED', 'DRAFT']) expect(statuses.has(s), s).toBe(true);
  });

  it('keeps AmountDue/AmountPaid/AmountCredited consistent with Payments and CreditNote allocations', () => {
    const sim = createXeroSimulator({ seed: 11, clock, invoices: 300 });
    const payments = sim.data.list('Payment');
    const creditNotes = sim.data.list('CreditNote');
    const paidBy = new Map<string, number>();
    for (const p of payments) {
      if (p.Status !== 'AUTHORISED') continue;
      const id = String((p.Invoice as Rec).InvoiceID);
      paidBy.set(id, (paidBy.get(id) ?? 0) + centsOf(p.Amount));
    }
    const creditedBy = new Map<string, number>();
    for (const cn of creditNotes) {
      let allocated = 0;
      for (const a of cn.Allocations as Rec[]) {
        const id = String((a.Invoice as Rec).InvoiceID);
        creditedBy.set(id, (creditedBy.get(id) ?? 0) + centsOf(a.Amount));
        allocated += centsOf(a.Amount);
      }
      expect(centsOf(cn.RemainingCredit)).toBe(centsOf(cn.Total) - allocated);
      if (cn.Status === 'PAID') expect(centsOf(cn.RemainingCredit)).toBe(0);
    }
    expect(creditNotes.some((cn) => cn.Type === 'ACCRECCREDIT' && (cn.Allocations as Rec[]).length > 0)).toBe(true);
    expect(new Set(creditNotes.map((cn) => cn.Type))).toEqual(new Set(['ACCRECCREDIT', 'ACCPAYCREDIT']));
    expect(payments.some((p) => p.Status === 'DELETED')).toBe(true);
    let partial = 0;
    for (const inv of sim.data.list('Invoice')) {
      const id = String(inv.InvoiceID);
      const paid = paidBy.get(id) ?? 0;
      const credited = creditedBy.get(id) ?? 0;
      expect(centsOf(inv.AmountPaid), id).toBe(paid);
      expect(centsOf(inv.AmountCredited), id).toBe(credited);
      const lines = inv.LineItems as Rec[];
      expect(centsOf(inv.SubTotal)).toBe(lines.reduce((s, l) => s + centsOf(l.LineAmount), 0));
      expect(centsOf(inv.Total)).toBe(centsOf(inv.SubTotal) + centsOf(inv.TotalTax));
      if (inv.Status === 'VOIDED' || inv.Status === 'DELETED') expect(inv.AmountDue).toBe(0);
      else expect(centsOf(inv.AmountDue)).toBe(centsOf(inv.Total) - paid - credited);
      if (inv.Status === 'PAID') expect(String(inv.FullyPaidOnDate)).toMatch(/^\/Date\(/);
      if (inv.Status === 'AUTHORISED' && paid + credited > 0) partial++;
      expect((inv.Payments as Rec[]).reduce((s, p) => s + centsOf(p.Amount), 0)).toBe(paid);
    }
    expect(partial).toBeGreaterThan(0);
  });

  it('seeds French and English customers with emails, and suppliers for the bills', () => {
    const sim = createXeroSimulator({ seed: 5, clock, customers: 40, invoices: 100 });
    const contacts = sim.data.list('Contact');
    expect(contacts.filter((c) => c.IsCustomer === true).length).toBeGreaterThan(20);
    expect(contacts.some((c) => /[éèàç]/.test(String(c.Name)) || /^(Boulangerie|Atelier|Société)/.test(String(c.Name)))).toBe(true);
    expect(contacts.some((c) => / Ltd$| Co$/.test(String(c.Name)))).toBe(true);
    // A few customers take paper only and have no address, as in real books (Xero then sends an empty EmailAddress).
    expect(contacts.every((c) => c.EmailAddress === '' || /^[a-z0-9.-]+@[a-z0-9.-]+\.example$/.test(String(c.EmailAddress)))).toBe(true);
    expect(contacts.filter((c) => c.EmailAddress !== '').length).toBeGreaterThan(contacts.length * 0.8);
    expect(contacts.some((c) => c.IsSupplier === true && c.IsCustomer === false)).toBe(true);
  });

});
