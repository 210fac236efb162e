// node-quickbooks (the widely used QuickBooks client) against our QuickBooks simulator on loopback: it finds invoices, customers, payments and credit memos, reads CDC, and gets the raw answer's values back.
import { promisify } from 'node:util';
import QuickBooksModule from 'node-quickbooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulator as quickbooks, type QuickBooksSimulator } from '../../connectors/quickbooks/simulator/index.js';
import type { ServedSimulator } from '../../src/simulator/types.js';

// CommonJS at run time (`module.exports = QuickBooks`), while its types declare an ES default export.
const QuickBooks = QuickBooksModule as unknown as typeof QuickBooksModule.QuickBooks;
type QuickBooks = InstanceType<typeof QuickBooks>;
type Raw = Record<string, unknown>;
type Finder = (criteria: unknown, callback: (err: unknown, data: Raw) => void) => void;

describe('node-quickbooks against the QuickBooks simulator', () => {
  let served: ServedSimulator<QuickBooksSimulator>;
  let qbo: QuickBooks;
  let token = '';
  let realm = '';

  beforeAll(async () => {
    served = await quickbooks.serve({ seed: 31, customers: 14, invoices: 40, creditNotes: 5, payments: 18 });
    served.simulator.liftQuotas();
    const grant = served.simulator.oauth.connect();
    token = grant.accessToken;
    realm = grant.realmId;
    qbo = new QuickBooks(served.simulator.clientId, served.simulator.clientSecret, token, false, realm, true, false, '75', '2.0', grant.refreshToken);
    // The client builds every URL from `endpoint` + realm: pointed at the loopback simulator instead of Intuit's sandbox.
    qbo.endpoint = `${served.simulator.baseUrls['api']}/v3/company/`;
  });
  afterAll(() => served?.close());

  /** The same query, raw, for the values the client must hand back. */
  const raw = async (statement: string) => {
    const url = `${served.simulator.baseUrls['api']}/v3/company/${realm}/query?query=${encodeURIComponent(statement)}&minorversion=75`;
    return (await (await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } })).json()) as { QueryResponse: Raw };
  };
  const find = (name: 'findInvoices' | 'findCustomers' | 'findPayments' | 'findCreditMemos', criteria: unknown) => promisify((qbo[name] as Finder).bind(qbo))(criteria) as Promise<{ QueryResponse: Raw }>;

  it('finds invoices (lower-case entity, fetchAll across pages) equal to the raw query', async () => {
    const found = (await find('findInvoices', { fetchAll: true, limit: 15 })).QueryResponse['Invoice'] as Raw[];
    const expected = (await raw('SELECT * FROM Invoice MAXRESULTS 1000')).QueryResponse['Invoice'] as Raw[];
    expect(found.length).toBe(expected.length);
    const byId = new Map(expected.map((r) => [r['Id'], r]));
    for (const inv of found) {
      const r = byId.get(inv['Id'])!;
      // Amounts stay numbers, dates ISO strings, enums as sent: the client adds and loses nothing.
      expect([inv['TotalAmt'], inv['Balance'], inv['TxnDate'], inv['DueDate'], inv['EmailStatus'], inv['SyncToken'], (inv['CustomerRef'] as Raw)['value']]).toEqual([r['TotalAmt'], r['Balance'], r['TxnDate'], r['DueDate'], r['EmailStatus'], r['SyncToken'], (r['CustomerRef'] as Raw)['value']]);
      expect(typeof inv['TotalAmt']).toBe('number');
      expect(inv['TxnDate']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('finds customers, payments and credit memos with criteria, equal to the raw query', async () => {
    const customers = (await find('findCustomers', [{ field: 'Active', value: true, operator: '=' }])).QueryResponse['Customer'] as Raw[];
    const rawCustomers = (await raw("SELECT * FROM Customer WHERE Active = true")).QueryResponse['Customer'] as Raw[];
    expect(customers.map((c) => [c['Id'], c['DisplayName'], c['Balance'], c['Active']])).toEqual(rawCustomers.map((c) => [c['Id'], c['DisplayName'], c['Balance'], c['Active']]));

    const payments = (await find('findPayments', {})).QueryResponse['Payment'] as Raw[];
    const rawPayments = (await raw('SELECT * FROM Payment')).QueryResponse['Payment'] as Raw[];
    expect(payments.length).toBeGreaterThan(0);
    expect(payments.map((p) => [p['Id'], p['TotalAmt'], p['TxnDate'], p['UnappliedAmt']])).toEqual(rawPayments.map((p) => [p['Id'], p['TotalAmt'], p['TxnDate'], p['UnappliedAmt']]));

    const memos = (await find('findCreditMemos', {})).QueryResponse['CreditMemo'] as Raw[];
    const rawMemos = (await raw('SELECT * FROM CreditMemo')).QueryResponse['CreditMemo'] as Raw[];
    expect(memos.length).toBeGreaterThan(0);
    expect(memos.map((m) => [m['Id'], m['TotalAmt'], m['RemainingCredit'], m['TxnDate']])).toEqual(rawMemos.map((m) => [m['Id'], m['TotalAmt'], m['RemainingCredit'], m['TxnDate']]));
  });

  it('reads Change Data Capture since a date, with the changes made since', async () => {
    const since = new Date(Date.now() - 60_000);
    const invoiceId = served.simulator.scenario.openInvoices()[0]!;
    served.simulator.scenario.updateInvoice(invoiceId, { dueDate: '2027-06-30' });
    const cdc = (await promisify((qbo.changeDataCapture as (e: string[], s: Date, cb: (err: unknown, data: Raw) => void) => void).bind(qbo))(['Invoice', 'Customer'], since)) as { CDCResponse: { QueryResponse: Raw[] }[] };
    const pages = cdc.CDCResponse[0]!.QueryResponse;
    const invoices = pages.flatMap((p) => (p['Invoice'] as Raw[] | undefined) ?? []);
    expect(invoices.map((i) => i['Id'])).toContain(invoiceId);
    expect(invoices.find((i) => i['Id'] === invoiceId)!['DueDate']).toBe('2027-06-30');
  });
});
