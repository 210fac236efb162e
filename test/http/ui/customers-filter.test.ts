// Finding things (#28.6): the customers list searches, filters and sorts (amounts compared as decimals, never floats),
// shows days late and the last reminder; a customer's invoices filter by status and age.
import { describe, expect, it } from 'vitest';
import { filterCustomers, type CustomerRow } from '../../../src/app/customers.js';
import { invoiceMatches } from '../../../src/http/ui/pages/customers.js';
import { createSite as createUi } from '../../../src/http/app.js';
import { recordActivity } from '../../../src/store/activity.js';
import { useDatabase } from '../../support/db.js';
import { Browser, customer, invoice, seedTenant, uiDeps } from './helpers.js';

const row = (name: string, patch: Partial<CustomerRow> = {}): CustomerRow => ({
  connectionId: 'k', externalId: name, name, email: `${name.toLowerCase()}@x.fr`, currency: 'EUR', open: '0.00', overdue: '0.00', openInvoices: 0, segment: 'reliable', activePauses: 0, daysLate: 0, lastReminder: null, insolventSince: null, ...patch,
});

describe('customer filters', () => {
  const rows = [
    row('Électricité Gérard', { overdue: '12345678901234.56', open: '12345678901234.56', daysLate: 40, segment: 'bad_payer', lastReminder: new Date('2026-11-01') }),
    row('Boulangerie Martin', { overdue: '12345678901234.55', open: '99999999999999.99', daysLate: 70, activePauses: 1, lastReminder: new Date('2026-11-20') }),
    row('Atelier Durand', { open: '10.00' }),
  ];
  it('searches names and e-mails without accents or case, and filters by segment, overdue and pauses', () => {
    expect(filterCustomers(rows, { q: 'electricite' }).map((r) => r.name)).toEqual(['Électricité Gérard']);
    expect(filterCustomers(rows, { q: 'MARTIN@' }).map((r) => r.name)).toEqual(['Boulangerie Martin']);
    expect(filterCustomers(rows, { segment: 'bad_payer' }).map((r) => r.name)).toEqual(['Électricité Gérard']);
    expect(filterCustomers(rows, { overdue: true }).map((r) => r.name)).toEqual(['Électricité Gérard', 'Boulangerie Martin']);
    expect(filterCustomers(rows, { paused: true }).map((r) => r.name)).toEqual(['Boulangerie Martin']);
  });
  it('sorts by decimals one cent apart at 14 digits, by days late, by the longest without a reminder, by name', () => {
    // One cent apart at 14 digits: compared as decimals.
    expect(filterCustomers(rows, { sort: 'overdue' }).map((r) => r.name)).toEqual(['Électricité Gérard', 'Boulangerie Martin', 'Atelier Durand']);
    expect(filterCustomers(rows, { sort: 'open' }).map((r) => r.name)).toEqual(['Boulangerie Martin', 'Électricité Gérard', 'Atelier Durand']);
    expect(filterCustomers(rows, { sort: 'daysLate' }).map((r) => r.name)).toEqual(['Boulangerie Martin', 'Électricité Gérard', 'Atelier Durand']);
    expect(filterCustomers(rows, { sort: 'lastReminder' }).map((r) => r.name)).toEqual(['Atelier Durand', 'Électricité Gérard', 'Boulangerie Martin']);
    expect(filterCustomers(rows, { sort: 'name' }).map((r) => r.name)).toEqual(['Atelier Durand', 'Boulangerie Martin', 'Électricité Gérard']);
  });
  it('keeps invoices by status and by age past due', () => {
    const today = '2026-12-01';
    const inv = (dueDate: string, status: 'open' | 'paid' = 'open') => ({ ...invoice('x', 'c', '2026-12-01', '10.00'), dueDate, status });
    expect(invoiceMatches(inv('2026-11-20'), 'overdue', '0_30', today)).toBe(true);
    expect(invoiceMatches(inv('2026-10-01'), 'overdue', '0_30', today)).toBe(false);
    expect(invoiceMatches(inv('2026-10-01'), 'open', '61_90', today)).toBe(true);
    expect(invoiceMatches(inv('2026-08-01'), 'all', '90', today)).toBe(true);
    expect(invoiceMatches(inv('2026-12-10'), 'overdue', 'all', today)).toBe(false);
    expect(invoiceMatches(inv('2026-12-10'), 'open', 'all', today)).toBe(true);
    expect(invoiceMatches(inv('2026-10-01', 'paid'), 'paid', 'all', today)).toBe(true);
    expect(invoiceMatches(inv('2026-10-01', 'paid'), 'all', '61_90', today)).toBe(false);
  });
});

const sql = useDatabase();
const app = createUi(uiDeps(sql));

describe('the customers page', () => {
  it('filters from the query, shows days late and the last reminder in French, and counts what it shows', async () => {
    const t = await seedTenant(sql, [customer('c1', 'Garage Leroy'), customer('c2', 'Boulangerie Martin')], [invoice('1', 'c1', '2026-10-15', '900.00'), invoice('2', 'c2', '2026-12-20', '50.00')]);
    await recordActivity(sql, t.tenant.id, { connectionId: t.connection.id, actionKey: `k-${t.tenant.id}`, kind: 'sent', channel: 'email', customerExternalId: 'c1' });
    const fr = new Browser(app, { 'accept-language': 'fr-FR' });
    await fr.signIn(t.tenant.id);
    const all = await (await fr.request('/customers')).text();
    expect(all).toContain('2 clients sur 2');
    const leroy = all.slice(all.indexOf('data-customer="Garage Leroy"'), all.indexOf('</tr>', all.indexOf('data-customer="Garage Leroy"')));
    expect(leroy).toContain('40 j');
    expect(leroy).not.toContain('jamais');
    expect(all.slice(all.indexOf('data-customer="Boulangerie Martin"'))).toContain('jamais');
    const overdue = await (await fr.request('/customers?overdue=1&q=garage')).text();
    expect(overdue).toContain('1 clients sur 2');
    expect(overdue).not.toContain('data-customer="Boulangerie Martin"');
    const none = await (await fr.request('/customers?segment=bad_payer&q=zzz')).text();
    expect(none).toContain('Aucun client ne correspond à ces filtres.');
    const detail = await (await fr.request(`/customers/${t.connection.id}/c1?inv=paid`)).text();
    expect(detail).toContain('0 factures sur 1');
  });
});
