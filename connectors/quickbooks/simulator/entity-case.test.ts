// Entity names in the query language: any case, as QuickBooks answers them (node-quickbooks sends `select * from invoice`).
import { describe, expect, it } from 'vitest';
import { harness, rows, useMsw, type Json } from './test-helpers.js';

const server = useMsw();

describe('QuickBooks simulator entity names', () => {
  it('answers select * from invoice, INVOICE or Invoice alike, under the canonical key', async () => {
    const h = harness(server, { invoices: 30, customers: 8 });
    const canonical = rows((await h.query('SELECT * FROM Invoice ORDERBY Id MAXRESULTS 1000')).body, 'Invoice').map((r) => r.Id);
    expect(canonical.length).toBe(h.sim.data.count('Invoice'));
    for (const name of ['invoice', 'INVOICE', 'iNvOiCe']) {
      const { status, body } = await h.query(`select * from ${name} ORDERBY Id MAXRESULTS 1000`);
      expect(status).toBe(200);
      expect(Object.keys(body.QueryResponse as Json)).toContain('Invoice');
      expect(rows(body, 'Invoice').map((r) => r.Id)).toEqual(canonical);
    }
    expect(rows((await h.query('select * from creditmemo')).body, 'CreditMemo').length).toBe(h.sim.data.count('CreditMemo'));
  });

  it('still refuses an entity that does not exist, or a spelling QuickBooks does not have', async () => {
    const h = harness(server, { invoices: 5, customers: 3 });
    for (const name of ['Invoices', 'credit_memo', 'Nope']) {
      const { status, body } = await h.query(`SELECT * FROM ${name}`);
      expect(status).toBe(400);
      expect(JSON.stringify(body)).toContain(`Invalid context declaration : ${name}`);
    }
  });
});
