// Xero's official Node SDK (xero-node) against our Xero simulator on loopback: it lists, pages, sends If-Modified-Since, and parses every answer into typed values equal to the raw ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XeroClient } from 'xero-node';
import { simulator as xero } from '../../connectors/xero/simulator/index.js';
import type { ServedSimulator } from '../../src/simulator/types.js';
import type { XeroSimulator } from '../../connectors/xero/simulator/index.js';

type Raw = Record<string, unknown>;
/** Epoch milliseconds of Xero's `/Date(1573755038314+0000)/`. */
const ms = (v: unknown) => Number(/^\/Date\((-?\d+)/.exec(String(v))?.[1]);
/** xero-node declares MS dates as `string` but hands back Date objects: the test holds it to the latter. */
const time = (v: unknown) => {
  expect(v).toBeInstanceOf(Date);
  return (v as Date).getTime();
};

describe('xero-node against the Xero simulator', () => {
  let served: ServedSimulator<XeroSimulator>;
  let client: XeroClient;
  let tenantId = '';
  let token = '';

  beforeAll(async () => {
    served = await xero.serve({ seed: 23, customers: 15, invoices: 45, creditNotes: 6, payments: 20 });
    served.simulator.liftQuotas();
    const grant = served.simulator.oauth.connect();
    tenantId = grant.tenantId;
    token = grant.accessToken;
    client = new XeroClient({ clientId: served.simulator.clientId, clientSecret: served.simulator.clientSecret, redirectUris: ['http://127.0.0.1:8787/oauth/xero/callback'], scopes: ['accounting.transactions'] });
    client.setTokenSet({ access_token: grant.accessToken, refresh_token: grant.refreshToken, token_type: 'Bearer', expires_in: grant.expiresIn });
    // The SDK's documented override of its production host.
    client.accountingApi.basePath = served.simulator.baseUrls.api;
  });
  afterAll(() => served?.close());

  /** The same call, raw, for the values the SDK must reproduce. */
  const raw = async (path: string, headers: Record<string, string> = {}) =>
    (await (await fetch(`${served.simulator.baseUrls.api}${path}`, { headers: { authorization: `Bearer ${token}`, 'xero-tenant-id': tenantId, accept: 'application/json', ...headers } })).json()) as Raw;

  it('lists invoices page by page, every one once, with dates, amounts and enums equal to the raw answer', async () => {
    const seen: string[] = [];
    let pageCount = 1;
    for (let page = 1; page <= pageCount; page++) {
      const { body } = await client.accountingApi.getInvoices(tenantId, undefined, undefined, 'InvoiceNumber ASC', undefined, undefined, undefined, undefined, page, undefined, undefined, undefined, undefined, 10);
      pageCount = body.pagination!.pageCount!;
      const rawPage = (await raw(`/Invoices?order=${encodeURIComponent('InvoiceNumber ASC')}&page=${page}&pageSize=10`))['Invoices'] as Raw[];
      expect(body.invoices!.length).toBe(rawPage.length);
      body.invoices!.forEach((inv, i) => {
        const r = rawPage[i]!;
        expect(inv.invoiceID).toBe(r['InvoiceID']);
        expect(String(inv.type)).toBe(r['Type']);
        expect(String(inv.status)).toBe(r['Status']);
        expect(inv.total).toBe(r['Total']);
        expect(inv.amountDue).toBe(r['AmountDue']);
        expect(inv.amountPaid).toBe(r['AmountPaid']);
        expect(String(inv.currencyCode)).toBe(r['CurrencyCode']);
        expect(time(inv.date)).toBe(ms(r['Date']));
        if (r['DueDate']) expect(time(inv.dueDate)).toBe(ms(r['DueDate']));
        expect(time(inv.updatedDateUTC)).toBe(ms(r['UpdatedDateUTC']));
        expect(inv.contact!.contactID).toBe((r['Contact'] as Raw)['ContactID']);
        expect(inv.lineItems!.map((l) => l.lineAmount)).toEqual((r['LineItems'] as Raw[]).map((l) => l['LineAmount']));
        seen.push(inv.invoiceID!);
      });
    }
    expect(pageCount).toBeGreaterThan(1);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(((await raw('/Invoices?page=1&pageSize=1'))['pagination'] as Raw)['itemCount']);
  });

  it('sends If-Modified-Since, and the simulator answers only what changed since', async () => {
    const all = ((await raw('/Invoices?page=1&pageSize=1000'))['Invoices'] as Raw[]).map((r) => ms(r['UpdatedDateUTC'])).sort((a, b) => a - b);
    const cut = all[Math.floor(all.length / 2)]!;
    const before = served.simulator.stats.withIfModifiedSince;
    const { body } = await client.accountingApi.getInvoices(tenantId, new Date(cut), undefined, undefined, undefined, undefined, undefined, undefined, 1, undefined, undefined, undefined, undefined, 1000);
    expect(served.simulator.stats.withIfModifiedSince).toBe(before + 1);
    const since = body.invoices!.map((inv) => time(inv.updatedDateUTC));
    expect(since.length).toBeGreaterThan(0);
    expect(since.length).toBeLessThan(all.length);
    // Xero compares at whole seconds.
    for (const t of since) expect(t).toBeGreaterThanOrEqual(cut - 1000);
  });

  it('lists contacts, credit notes and payments with typed values equal to the raw answer', async () => {
    const contacts = (await client.accountingApi.getContacts(tenantId, undefined, undefined, undefined, undefined, 1, true, undefined, undefined, 100)).body.contacts!;
    const rawContacts = (await raw('/Contacts?page=1&pageSize=100&includeArchived=true'))['Contacts'] as Raw[];
    expect(contacts.map((c) => [c.contactID, c.name, String(c.contactStatus), time(c.updatedDateUTC)])).toEqual(rawContacts.map((r) => [r['ContactID'], r['Name'], r['ContactStatus'], ms(r['UpdatedDateUTC'])]));

    const notes = (await client.accountingApi.getCreditNotes(tenantId, undefined, undefined, undefined, 1, undefined, 100)).body.creditNotes!;
    const rawNotes = (await raw('/CreditNotes?page=1&pageSize=100'))['CreditNotes'] as Raw[];
    expect(notes.length).toBeGreaterThan(0);
    expect(notes.map((n) => [n.creditNoteID, String(n.type), String(n.status), n.total, n.remainingCredit, time(n.date), time(n.updatedDateUTC)])).toEqual(
      rawNotes.map((r) => [r['CreditNoteID'], r['Type'], r['Status'], r['Total'], r['RemainingCredit'], ms(r['Date']), ms(r['UpdatedDateUTC'])]),
    );

    const payments = (await client.accountingApi.getPayments(tenantId, undefined, undefined, undefined, 1, 100)).body.payments!;
    const rawPayments = (await raw('/Payments?page=1&pageSize=100'))['Payments'] as Raw[];
    expect(payments.length).toBeGreaterThan(0);
    expect(payments.map((p) => [p.paymentID, String(p.paymentType), String(p.status), p.amount, time(p.date), time(p.updatedDateUTC), p.invoice!.invoiceID])).toEqual(
      rawPayments.map((r) => [r['PaymentID'], r['PaymentType'], r['Status'], r['Amount'], ms(r['Date']), ms(r['UpdatedDateUTC']), (r['Invoice'] as Raw)['InvoiceID']]),
    );
  });

  it('reads one invoice and one credit note by id', async () => {
    const [first] = (await raw('/Invoices?page=1&pageSize=1'))['Invoices'] as Raw[];
    const one = (await client.accountingApi.getInvoice(tenantId, String(first!['InvoiceID']))).body.invoices![0]!;
    expect([one.invoiceID, one.total, String(one.status)]).toEqual([first!['InvoiceID'], first!['Total'], first!['Status']]);
    const [note] = (await raw('/CreditNotes?page=1&pageSize=1'))['CreditNotes'] as Raw[];
    const read = (await client.accountingApi.getCreditNote(tenantId, String(note!['CreditNoteID']))).body.creditNotes![0]!;
    expect([read.creditNoteID, read.total]).toEqual([note!['CreditNoteID'], note!['Total']]);
  });
});
