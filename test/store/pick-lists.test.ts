// Customers and open invoices offered in the policy's exception rows: by name and number, open invoices only, one tenant's only.
import { describe, expect, it } from 'vitest';
import { customerChoices, openInvoiceChoices } from '../../src/store/pick-lists.js';
import { Invoice } from '../../src/model/index.js';
import { useDatabase } from '../support/db.js';
import { customer, invoice, seedTenant } from '../http/ui/helpers.js';

const sql = useDatabase();

describe('pick lists', () => {
  it('lists the tenant’s customers by name and its open invoices by number, oldest due first', async () => {
    const paid = Invoice.parse({ ...invoice('3', 'c1', '2026-10-01', '0.00'), status: 'paid' });
    const a = await seedTenant(sql, [customer('c2', 'Boulangerie Martin'), customer('c1', 'Atelier Dupont')], [invoice('2', 'c2', '2026-11-20', '80.00'), invoice('1', 'c1', '2026-11-10', '120.00'), paid]);
    const b = await seedTenant(sql, [customer('c9', 'Autre Société')], [invoice('9', 'c9', '2026-11-01', '10.00')]);
    expect(await customerChoices(sql, a.tenant.id)).toEqual([
      { externalId: 'c1', label: 'Atelier Dupont' },
      { externalId: 'c2', label: 'Boulangerie Martin' },
    ]);
    expect(await openInvoiceChoices(sql, a.tenant.id)).toEqual([
      { externalId: '1', label: 'F-1 · Atelier Dupont' },
      { externalId: '2', label: 'F-2 · Boulangerie Martin' },
    ]);
    expect((await customerChoices(sql, b.tenant.id)).map((c) => c.label)).toEqual(['Autre Société']);
  });
});
