// Write-back: History notes (≤ 250 chars), ExpectedPaymentDate on approved sales invoices, validation bodies, idempotency.
import { describe, expect, it } from 'vitest';
import { centsOf, harness, msOf, useMsw, type Rec } from './test-helpers.js';

const server = useMsw();

function pickInvoice(list: Rec[], pred: (i: Rec) => boolean): Rec {
  const inv = list.find(pred);
  if (!inv) throw new Error('no seeded invoice matches');
  return inv;
}

describe('Xero simulator write-back', () => {
  it('PUT and POST History add notes read back by GET History, without touching the invoice', async () => {
    const h = harness(server, { invoices: 40 });
    const inv = pickInvoice(h.sim.data.list('Invoice'), (i) => i.Type === 'ACCREC' && i.Status === 'AUTHORISED');
    const id = String(inv.InvoiceID);
    h.clock.advance(60);
    const put = await h.json(`Invoices/${id}/History`, { method: 'PUT', body: { HistoryRecords: [{ Details: 'Relance: promesse de paiement au 2026-07-20' }] } });
    expect(put.status).toBe(200);
    expect((put.body.HistoryRecords as Rec[])[0]).toMatchObject({ Details: 'Relance: promesse de paiement au 2026-07-20', DateUTCString: '2026-07-15T10:01:00' });
    const post = await h.json(`Invoices/${id}/History`, { method: 'POST', body: { HistoryRecords: [{ Details: 'x'.repeat(250) }] } });
    expect(post.status).toBe(200);
    const history = await h.json(`Invoices/${id}/History`);
    const notes = (history.body.HistoryRecords as Rec[]).filter((r) => r.Changes === 'Note');
    expect(notes.map((n) => n.Details)).toEqual(['Relance: promesse de paiement au 2026-07-20', 'x'.repeat(250)]);
    expect(notes[0]).toMatchObject({ User: 'System Generated' });
    expect(msOf(notes[0]?.DateUTC)).toBe(h.clock.ms);
    expect((history.body.HistoryRecords as Rec[])[0]?.Changes).toBe('Created');
    const after = (await h.json(`Invoices/${id}`)).body.Invoices as Rec[];
    expect(after[0]?.UpdatedDateUTC).toBe(inv.UpdatedDateUTC);
    // Contacts have history too.
    const contactId = String((inv.Contact as Rec).ContactID);
    expect((await h.api(`Contacts/${contactId}/History`, { method: 'PUT', body: { HistoryRecords: [{ Details: 'Appel client' }] } })).status).toBe(200);
  });

  it('rejects a note over 250 characters with a ValidationException body', async () => {
    const h = harness(server, { invoices: 20 });
    const id = String((h.sim.data.list('Invoice')[0] as Rec).InvoiceID);
    const r = await h.json(`Invoices/${id}/History`, { method: 'PUT', body: { HistoryRecords: [{ Details: 'y'.repeat(251) }] } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ ErrorNumber: 10, Type: 'ValidationException', Message: 'A validation exception occurred' });
    const el = (r.body.Elements as Rec[])[0] as Rec;
    expect(((el.ValidationErrors as Rec[])[0] as Rec).Message).toMatch(/250 characters/);
    expect(h.sim.data.history('Invoice', id).filter((x) => x.Changes === 'Note')).toHaveLength(0);
    expect((await h.api('Invoices/00000000-0000-4000-8000-000000000000/History')).status).toBe(404);
  });

  it('sets ExpectedPaymentDate on an approved sales invoice and bumps UpdatedDateUTC', async () => {
    const h = harness(server, { invoices: 60 });
    const inv = pickInvoice(h.sim.data.list('Invoice'), (i) => i.Type === 'ACCREC' && i.Status === 'AUTHORISED');
    const id = String(inv.InvoiceID);
    h.clock.advance(120);
    const r = await h.json(`Invoices/${id}`, { method: 'POST', body: { Invoices: [{ InvoiceID: id, ExpectedPaymentDate: '2026-07-20' }] } });
    expect(r.status).toBe(200);
    const out = (r.body.Invoices as Rec[])[0] as Rec;
    expect(out.ExpectedPaymentDate).toBe(`/Date(${Date.parse('2026-07-20T00:00:00Z')}+0000)/`);
    expect(out.ExpectedPaymentDateString).toBe('2026-07-20T00:00:00');
    expect(msOf(out.UpdatedDateUTC)).toBe(h.clock.ms);
    const since = new Date(h.clock.ms - 1000).toISOString().slice(0, 19);
    const changed = await h.json('Invoices?page=1', { headers: { 'If-Modified-Since': since } });
    expect((changed.body.Invoices as Rec[]).map((i) => i.InvoiceID)).toEqual([id]);
    // Clearing needs the *String field.
    const cleared = await h.json(`Invoices/${id}`, { method: 'POST', body: { Invoices: [{ InvoiceID: id, ExpectedPaymentDateString: '' }] } });
    expect(((cleared.body.Invoices as Rec[])[0] as Rec).ExpectedPaymentDate).toBeUndefined();
  });

  it('rejects a bad ExpectedPaymentDate, a paid or purchase invoice, and line edits once paid', async () => {
    const h = harness(server, { invoices: 120, bills: 20 });
    const all = h.sim.data.list('Invoice');
    const open = pickInvoice(all, (i) => i.Type === 'ACCREC' && i.Status === 'AUTHORISED');
    const bad = await h.json(`Invoices/${String(open.InvoiceID)}`, { method: 'POST', body: { Invoices: [{ InvoiceID: open.InvoiceID, ExpectedPaymentDate: '2026-02-30' }] } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ ErrorNumber: 10, Type: 'ValidationException' });
    const el = (bad.body.Elements as Rec[])[0] as Rec;
    expect(el).toMatchObject({ InvoiceID: open.InvoiceID, HasErrors: true });
    expect(String(((el.ValidationErrors as Rec[])[0] as Rec).Message)).toContain('2026-02-30');

    const paid = pickInvoice(all, (i) => i.Type === 'ACCREC' && i.Status === 'PAID');
    expect((await h.api(`Invoices/${String(paid.InvoiceID)}`, { method: 'POST', body: { Invoices: [{ InvoiceID: paid.InvoiceID, ExpectedPaymentDate: '2026-08-01' }] } })).status).toBe(400);
    const bill = pickInvoice(all, (i) => i.Type === 'ACCPAY' && i.Status === 'AUTHORISED');
    expect((await h.api(`Invoices/${String(bill.InvoiceID)}`, { method: 'POST', body: { Invoices: [{ InvoiceID: bill.InvoiceID, ExpectedPaymentDate: '2026-08-01' }] } })).status).toBe(400);

    const partly = pickInvoice(all, (i) => i.Type === 'ACCREC' && i.Status === 'AUTHORISED' && centsOf(i.AmountPaid) > 0);
    const locked = await h.json(`Invoices/${String(partly.InvoiceID)}`, { method: 'POST', body: { Invoices: [{ InvoiceID: partly.InvoiceID, LineItems: [] }] } });
    expect(locked.status).toBe(400);
    expect(JSON.stringify(locked.body)).toContain('cannot be edited as it has a payment or credit note allocated to it');
    // …but the expected date is still allowed on a part-paid approved invoice.
    expect((await h.api(`Invoices/${String(partly.InvoiceID)}`, { method: 'POST', body: { Invoices: [{ InvoiceID: partly.InvoiceID, ExpectedPaymentDate: '2026-08-01' }] } })).status).toBe(200);
  });

  it('replays a write with the same Idempotency-Key instead of applying it twice', async () => {
    const h = harness(server, { invoices: 20 });
    const id = String((h.sim.data.list('Invoice')[0] as Rec).InvoiceID);
    const body = { HistoryRecords: [{ Details: 'Relance: relance niveau 1 envoyée' }] };
    const a = await h.json(`Invoices/${id}/History`, { method: 'PUT', body, headers: { 'Idempotency-Key': 'outbox-1' } });
    const b = await h.json(`Invoices/${id}/History`, { method: 'PUT', body, headers: { 'Idempotency-Key': 'outbox-1' } });
    expect(a.status).toBe(200);
    expect(b.body).toEqual(a.body);
    expect(h.sim.data.history('Invoice', id).filter((x) => x.Changes === 'Note')).toHaveLength(1);
  });

  it('data.pay and data.allocate update amounts, status and UpdatedDateUTC', async () => {
    const h = harness(server, { invoices: 80 });
    const inv = pickInvoice(h.sim.data.list('Invoice'), (i) => i.Type === 'ACCREC' && i.Status === 'AUTHORISED' && i.AmountPaid === 0 && i.AmountCredited === 0);
    const id = String(inv.InvoiceID);
    const contactId = String((inv.Contact as Rec).ContactID);
    h.clock.advance(30);
    h.sim.data.pay(id, '10.05');
    const cn = h.sim.data.create('CreditNote', { Contact: { ContactID: contactId }, LineItems: [{ Description: 'Avoir', Quantity: 1, UnitAmount: '5.00', TaxAmount: '1.00' }] });
    h.sim.data.allocate(String(cn.CreditNoteID), id, '6.00');
    const got = ((await h.json(`Invoices/${id}`)).body.Invoices as Rec[])[0] as Rec;
    expect(got.AmountPaid).toBe(10.05);
    expect(got.AmountCredited).toBe(6);
    expect(centsOf(got.AmountDue)).toBe(centsOf(inv.Total) - 1005 - 600);
    const due = String(got.AmountDue);
    h.sim.data.pay(id, due);
    const paid = ((await h.json(`Invoices/${id}`)).body.Invoices as Rec[])[0] as Rec;
    expect(paid.Status).toBe('PAID');
    expect(paid.AmountDue).toBe(0);
    expect(msOf(paid.FullyPaidOnDate)).toBe(Date.parse('2026-07-15T00:00:00Z'));
    expect(() => h.sim.data.pay(id, '1.00')).toThrow(/AUTHORISED/);
  });
});
