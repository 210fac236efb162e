// Query parameters per list endpoint: what xero_accounting.yaml declares is honoured, anything else ignored as Xero ignores it.
import { describe, expect, it } from 'vitest';
import { LIST_PARAMETERS } from './api.js';
import { harness, useMsw, type Rec } from './test-helpers.js';

const server = useMsw();

const ids = (rows: unknown, key: string) => (rows as Rec[]).map((r) => String(r[key]));

describe('Xero simulator query parameters', () => {
  it('ignores IDs on /CreditNotes and /Payments: page 1 comes back unfiltered, as from Xero', async () => {
    const h = harness(server, { invoices: 120, creditNotes: 30, payments: 40 });
    for (const [path, key] of [['CreditNotes', 'CreditNoteID'], ['Payments', 'PaymentID']] as const) {
      const all = ids((await h.json(`${path}?page=1&pageSize=1000`)).body[path], key);
      expect(all.length).toBeGreaterThan(5);
      const wanted = all.slice(-2);
      const answer = await h.json(`${path}?page=1&pageSize=1000&IDs=${wanted.join(',')}`);
      expect(answer.status).toBe(200);
      expect(ids(answer.body[path], key)).toEqual(all);
      // Its single read is the documented way to one record.
      const one = await h.json(`${path}/${wanted[0]}`);
      expect(ids(one.body[path], key)).toEqual([wanted[0]]);
    }
  });

  it('honours IDs on /Invoices and /Contacts, where Xero declares it', async () => {
    const h = harness(server, { invoices: 60, customers: 12 });
    for (const [path, key] of [['Invoices', 'InvoiceID'], ['Contacts', 'ContactID']] as const) {
      const all = ids((await h.json(`${path}?page=1&pageSize=1000`)).body[path], key);
      const wanted = all.slice(2, 5);
      expect(ids((await h.json(`${path}?page=1&IDs=${wanted.join(',')}`)).body[path], key).sort()).toEqual([...wanted].sort());
    }
  });

  it('ignores Statuses and ContactIDs on /Contacts (declared on /Invoices only), and filters invoices by them', async () => {
    const h = harness(server, { invoices: 80, customers: 10 });
    const contacts = ids((await h.json('Contacts?page=1&pageSize=1000')).body.Contacts, 'ContactID');
    expect(ids((await h.json('Contacts?page=1&pageSize=1000&Statuses=ARCHIVED')).body.Contacts, 'ContactID')).toEqual(contacts);
    expect(ids((await h.json(`Contacts?page=1&pageSize=1000&ContactIDs=${contacts[0]}`)).body.Contacts, 'ContactID')).toEqual(contacts);
    const paid = (await h.json('Invoices?page=1&pageSize=1000&Statuses=PAID')).body.Invoices as Rec[];
    expect(paid.length).toBeGreaterThan(0);
    expect(paid.every((i) => i.Status === 'PAID')).toBe(true);
    const ofOne = (await h.json(`Invoices?page=1&pageSize=1000&ContactIDs=${contacts[0]}`)).body.Invoices as Rec[];
    expect(ofOne.every((i) => (i.Contact as Rec).ContactID === contacts[0])).toBe(true);
  });

  it('ignores CreditNoteNumbers and summaryOnly on /CreditNotes, and an invented parameter everywhere', async () => {
    const h = harness(server, { invoices: 120, creditNotes: 20 });
    const all = (await h.json('CreditNotes?page=1&pageSize=1000')).body.CreditNotes as Rec[];
    const numbered = await h.json(`CreditNotes?page=1&pageSize=1000&CreditNoteNumbers=${String(all[0]!.CreditNoteNumber)}&summaryOnly=true&Nonsense=1`);
    expect(numbered.body.CreditNotes).toEqual(all.map((c) => ({ ...c })));
    expect(LIST_PARAMETERS.CreditNote).not.toContain('IDs');
    expect(LIST_PARAMETERS.Payment).not.toContain('IDs');
    expect(LIST_PARAMETERS.Contact).not.toContain('Statuses');
  });
});
