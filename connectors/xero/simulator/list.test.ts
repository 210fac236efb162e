// Listing: paging, where/Statuses/IDs filters, ordering, If-Modified-Since, summaryOnly, GET by id, 404s.
import { describe, expect, it } from 'vitest';
import { centsOf, harness, msOf, T0, useMsw, type Rec } from './test-helpers.js';

const server = useMsw();

describe('Xero simulator listing', () => {
  it('pages 1-based with the pagination object, default 100 and capped at 1000', async () => {
    const h = harness(server, { invoices: 1200 });
    const total = h.sim.data.count('Invoice');
    const first = await h.json('Invoices?page=1');
    expect(first.status).toBe(200);
    expect(first.body.pagination).toEqual({ page: 1, pageSize: 100, pageCount: Math.ceil(total / 100), itemCount: total });
    expect((first.body.Invoices as Rec[]).length).toBe(100);
    expect(first.body.Status).toBe('OK');
    expect(String(first.body.DateTimeUTC)).toMatch(/^\/Date\(\d+\)\/$/);

    const big = await h.json('Invoices?page=1&pageSize=5000');
    expect(big.body.pagination?.pageSize).toBe(1000);
    expect((big.body.Invoices as Rec[]).length).toBe(1000);

    // Walking every page yields each invoice once.
    const seen = new Set<string>();
    for (let page = 1; ; page++) {
      const r = await h.json(`Invoices?page=${page}&pageSize=250`);
      const rows = r.body.Invoices as Rec[];
      if (rows.length === 0) {
        expect(page).toBe((r.body.pagination?.pageCount ?? 0) + 1);
        break;
      }
      for (const inv of rows) seen.add(String(inv.InvoiceID));
    }
    expect(seen.size).toBe(total);
  });

  it('filters ACCREC with where, and Statuses / IDs parameters', async () => {
    const h = harness(server, { invoices: 150, bills: 30 });
    const all = h.sim.data.list('Invoice');
    const types = new Set(all.map((i) => i.Type));
    expect(types).toEqual(new Set(['ACCREC', 'ACCPAY']));
    const accrec = await h.json(`Invoices?page=1&pageSize=1000&where=${encodeURIComponent('Type=="ACCREC"')}`);
    const rows = accrec.body.Invoices as Rec[];
    expect(rows.length).toBe(all.filter((i) => i.Type === 'ACCREC').length);
    expect(rows.every((i) => i.Type === 'ACCREC')).toBe(true);

    const open = await h.json(`Invoices?page=1&pageSize=1000&Statuses=AUTHORISED,PAID&where=${encodeURIComponent('Type=="ACCREC" AND AmountDue>0')}`);
    const openRows = open.body.Invoices as Rec[];
    expect(openRows.length).toBe(all.filter((i) => i.Type === 'ACCREC' && i.Status === 'AUTHORISED' && centsOf(i.AmountDue) > 0).length);
    expect(openRows.every((i) => i.Status === 'AUTHORISED')).toBe(true);

    const ids = all.slice(3, 6).map((i) => String(i.InvoiceID));
    const byIds = await h.json(`Invoices?page=1&IDs=${ids.join(',')}`);
    expect((byIds.body.Invoices as Rec[]).map((i) => i.InvoiceID).sort()).toEqual([...ids].sort());

    const bad = await h.json(`Invoices?page=1&where=${encodeURIComponent('Nope=="x"')}`);
    expect(bad.status).toBe(400);
  });

  it('GET /Invoices/{id} returns the invoice with line items; unknown ids are 404', async () => {
    const h = harness(server, { invoices: 20 });
    const inv = h.sim.data.list('Invoice')[0] as Rec;
    const one = await h.json(`Invoices/${String(inv.InvoiceID)}`);
    expect(one.status).toBe(200);
    const got = (one.body.Invoices as Rec[])[0] as Rec;
    expect(got.InvoiceID).toBe(inv.InvoiceID);
    expect(Array.isArray(got.LineItems) && (got.LineItems as Rec[]).length > 0).toBe(true);
    const byNumber = await h.json(`Invoices/${String(inv.InvoiceNumber)}`);
    expect(((byNumber.body.Invoices as Rec[])[0] as Rec).InvoiceID).toBe(inv.InvoiceID);
    const missing = await h.api('Invoices/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('cannot be found');
    expect((await h.api('Payments/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('orders by UpdatedDateUTC ASC and If-Modified-Since returns only later changes, deleted and voided included', async () => {
    const h = harness(server, { invoices: 120 });
    const ordered = await h.json('Invoices?page=1&pageSize=1000&order=UpdatedDateUTC%20ASC');
    const times = (ordered.body.Invoices as Rec[]).map((i) => msOf(i.UpdatedDateUTC));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.max(...times)).toBeLessThan(T0);

    const since = new Date(T0).toISOString().slice(0, 19);
    const none = await h.json('Invoices?page=1', { headers: { 'If-Modified-Since': since } });
    expect(none.body.Invoices).toEqual([]);

    const authorised = h.sim.data.list('Invoice').filter((i) => i.Status === 'AUTHORISED' && i.AmountPaid === 0 && i.AmountCredited === 0);
    const [a, c] = authorised as [Rec, Rec];
    // Xero deletes only drafts: an approved invoice is voided.
    const b = h.sim.data.list('Invoice').find((i) => i.Status === 'DRAFT') as Rec;
    expect(() => h.sim.data.remove('Invoice', String(c.InvoiceID))).toThrow(/deletes only DRAFT or SUBMITTED/);
    h.clock.advance(60);
    h.sim.data.void('Invoice', String(a.InvoiceID));
    h.clock.advance(60);
    h.sim.data.remove('Invoice', String(b.InvoiceID));
    h.clock.advance(60);
    h.sim.data.pay(String(c.InvoiceID), '10.00');
    const changed = await h.json('Invoices?page=1&order=UpdatedDateUTC%20ASC', { headers: { 'If-Modified-Since': since } });
    const rows = changed.body.Invoices as Rec[];
    expect(rows.map((i) => i.InvoiceID)).toEqual([a.InvoiceID, b.InvoiceID, c.InvoiceID]);
    expect(rows.map((i) => i.Status)).toEqual(['VOIDED', 'DELETED', 'AUTHORISED']);
    expect(rows[0]?.AmountDue).toBe(0);
    // The header is UTC without offset; a later cursor narrows the set.
    const later = new Date(T0 + 150_000).toISOString().slice(0, 19);
    const tail = await h.json('Invoices?page=1', { headers: { 'If-Modified-Since': later } });
    expect((tail.body.Invoices as Rec[]).map((i) => i.InvoiceID)).toEqual([c.InvoiceID]);
    const payments = await h.json('Payments?page=1', { headers: { 'If-Modified-Since': since } });
    expect((payments.body.Payments as Rec[]).length).toBe(1);
    expect(((payments.body.Payments as Rec[])[0]?.Invoice as Rec).InvoiceID).toBe(c.InvoiceID);
    expect(h.sim.stats.withIfModifiedSince).toBe(4);
  });

  it('summaryOnly drops line items and payment detail', async () => {
    const h = harness(server, { invoices: 30 });
    const r = await h.json('Invoices?page=1&summaryOnly=true');
    const inv = (r.body.Invoices as Rec[])[0] as Rec;
    expect(inv.LineItems).toBeUndefined();
    expect(inv.Payments).toBeUndefined();
    expect(typeof inv.AmountDue).toBe('number');
  });

  it('hides archived contacts unless includeArchived=true', async () => {
    const h = harness(server, { customers: 10, invoices: 20 });
    const c = h.sim.data.list('Contact')[0] as Rec;
    h.sim.data.remove('Contact', String(c.ContactID));
    const visible = await h.json('Contacts?page=1');
    expect((visible.body.Contacts as Rec[]).some((x) => x.ContactID === c.ContactID)).toBe(false);
    const all = await h.json('Contacts?page=1&includeArchived=true');
    const archived = (all.body.Contacts as Rec[]).find((x) => x.ContactID === c.ContactID);
    expect(archived?.ContactStatus).toBe('ARCHIVED');
  });

  it('serves a 100k-invoice organisation page by page', async () => {
    const h = harness(server, { invoices: 100_000, customers: 500, bills: 1000, creditNotes: 100, payments: 20_000 });
    const where = encodeURIComponent('Type=="ACCREC"');
    const first = await h.json(`Invoices?page=1&pageSize=1000&where=${where}&order=UpdatedDateUTC%20ASC`);
    expect(first.body.pagination).toEqual({ page: 1, pageSize: 1000, pageCount: 100, itemCount: 100_000 });
    const last = await h.json(`Invoices?page=100&pageSize=1000&where=${where}&order=UpdatedDateUTC%20ASC`);
    const a = (first.body.Invoices as Rec[]).at(-1) as Rec;
    const b = (last.body.Invoices as Rec[])[0] as Rec;
    expect(msOf(a.UpdatedDateUTC)).toBeLessThanOrEqual(msOf(b.UpdatedDateUTC));
    expect((last.body.Invoices as Rec[]).length).toBe(1000);
  });
});
