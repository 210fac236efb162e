// What a customer's link shows (src/app/portal.ts), through the real app on the real database: the language the page
// speaks, which invoices and credit notes are the customer's to pay or use, in due-date order, the documents, the
// company's name and contact, a link whose customer is gone, and the visits an address and the answers a link may make.
import { describe, expect, it } from 'vitest';
import { createSite as createUi } from '../../src/http/app.js';
import { CreditNote, type Invoice } from '../../src/model/index.js';
import { CompanyProfileData } from '../../src/model/company-profile.js';
import { issueLink } from '../../src/portal/links.js';
import { saveCompanyProfile } from '../../src/store/company-profiles.js';
import { saveDocumentLinks } from '../../src/store/document-links.js';
import { upsertDocuments } from '../../src/store/documents.js';
import { createConnection } from '../../src/store/tenants.js';
import { useDatabase } from '../support/db.js';
import { customer, invoice, seedTenant, uiDeps } from '../http/ui/helpers.js';
import { NOW, text, visitor } from './visitor.js';

const sql = useDatabase();
const app = createUi(uiDeps(sql, { now: () => NOW }));
const nextIp = visitor;
const get = (path: string, ip = nextIp()) => app.request(path, { headers: { 'accept-language': 'fr-FR', 'x-forwarded-for': ip } });
const status = (i: Invoice, s: Invoice['status'], amountDue = i.amountDue): Invoice => ({ ...i, status: s, amountDue });
const credit = (id: string, customerId: string, remaining: string, patch: Partial<CreditNote> = {}): CreditNote =>
  CreditNote.parse({ externalId: id, number: `AV-${id}`, customerExternalId: customerId, issueDate: '2026-10-01', currency: 'EUR', total: '100.00', remaining, status: 'open', ...patch });

describe('the language the statement speaks', () => {
  it('the customer’s own (English), even in a French company; else the company’s', async () => {
    const t = await seedTenant(sql, [{ ...customer('c1', 'Leroy Ltd'), language: 'en' }, { ...customer('c2', 'Garage Martin'), language: null }, { ...customer('c3', 'Müller GmbH'), language: 'de' }, customer('c4', 'Boulangerie Martin')], [invoice('1', 'c1', '2026-10-15', '900.00'), invoice('2', 'c2', '2026-10-15', '900.00'), invoice('3', 'c3', '2026-10-15', '900.00'), invoice('4', 'c4', '2026-10-15', '900.00')]);
    const open = async (c: string) => (await get(`/p/${(await issueLink(sql, t.tenant.id, t.connection.id, c, NOW)).token}`)).text();
    const en = await open('c1');
    expect(en).toContain('<html lang="en"');
    expect(text(en)).toContain('Hello Leroy Ltd');
    expect(text(en)).toContain('40 days overdue');
    expect(text(en)).not.toMatch(/Bonjour|Factures|échue/);
    // No language of their own, or one the portal does not speak: the company's (French here).
    for (const c of ['c2', 'c3']) {
      const fr = await open(c);
      expect(fr).toContain('<html lang="fr"');
      expect(text(fr)).toContain('échue depuis 40 jours');
    }
    await sql`update tenants set locale = 'en' where id = ${t.tenant.id}`;
    for (const c of ['c2', 'c3']) expect(text(await open(c))).toContain('40 days overdue');
    // A French customer of an English company: French.
    expect(text(await open('c4'))).toContain('échue depuis 40 jours');
  });
});

describe('what the statement lists', () => {
  it('the customer’s open and part-paid invoices with something left to pay, by due date; not the paid, void, draft or settled ones', async () => {
    const t = await seedTenant(sql, [customer('c1', 'Garage Leroy')], [
      invoice('late', 'c1', '2026-11-01', '100.00'),
      invoice('early', 'c1', '2026-09-15', '200.00'),
      status(invoice('part', 'c1', '2026-10-01', '300.00'), 'partially_paid', '120.00'),
      status(invoice('paid', 'c1', '2026-10-02', '400.00'), 'paid', '0.00'),
      status(invoice('void', 'c1', '2026-10-03', '500.00'), 'void'),
      status(invoice('draft', 'c1', '2026-10-04', '600.00'), 'draft'),
      invoice('zero', 'c1', '2026-10-05', '0.00'),
    ]);
    const { token } = await issueLink(sql, t.tenant.id, t.connection.id, 'c1', NOW);
    const html = await (await get(`/p/${token}`)).text();
    expect([...html.matchAll(/<tr data-invoice="([^"]+)"/g)].map((m) => m[1])).toEqual(['F-early', 'F-part', 'F-late']);
    expect(text(html)).toContain('Voici ce qui reste à régler : 420,00 €');
  });

  it('the customer’s credit notes with credit left, numbered as their provider numbers them', async () => {
    const t = await seedTenant(sql, [customer('c1', 'Garage Leroy'), customer('c2', 'Boulangerie Martin')], [invoice('1', 'c1', '2026-10-15', '900.00')]);
    await upsertDocuments(sql, t.scope, 'credit_note', [credit('1', 'c1', '100.00'), credit('2', 'c1', '25.50', { number: null }), credit('3', 'c1', '0.00'), credit('4', 'c1', '60.00', { status: 'applied' }), credit('5', 'c2', '70.00')].map((record) => ({ record, raw: record })));
    const { token } = await issueLink(sql, t.tenant.id, t.connection.id, 'c1', NOW);
    const page = text(await (await get(`/p/${token}`)).text());
    const line = page.slice(page.indexOf('Avoirs en votre faveur :'));
    expect(line).toMatch(/^Avoirs en votre faveur : (AV-1 \(100,00 €\), — \(25,50 €\)|— \(25,50 €\), AV-1 \(100,00 €\)) /);
    expect(page).not.toMatch(/AV-3|AV-4|AV-5/);
  });

  it('an invoice’s own document first; the one its provider gave when a reminder named it only for an invoice without one', async () => {
    const t = await seedTenant(sql, [customer('c1', 'Garage Leroy')], [{ ...invoice('1', 'c1', '2026-10-15', '900.00'), pdfUrl: 'https://erp.example/own-1.pdf' }, invoice('2', 'c1', '2026-11-30', '300.00')]);
    await saveDocumentLinks(sql, t.tenant.id, t.connection.id, { '1': 'https://in.xero.com/given-1', '2': 'https://in.xero.com/given-2' }, NOW);
    const { token } = await issueLink(sql, t.tenant.id, t.connection.id, 'c1', NOW);
    const html = await (await get(`/p/${token}`)).text();
    expect(html).toContain('<a href="https://erp.example/own-1.pdf" rel="noopener noreferrer" target="_blank">F-1</a>');
    expect(html).toContain('<a href="https://in.xero.com/given-2" rel="noopener noreferrer" target="_blank">F-2</a>');
    expect(html).not.toContain('given-1');
  });
});

describe('a company with two ledgers', () => {
  it('a link opens its own ledger’s customer and invoices, when the other ledger has a customer of the same id', async () => {
    const t = await seedTenant(sql, [customer('c1', 'Garage Leroy')], [invoice('1', 'c1', '2026-10-15', '900.00')]);
    const other = await createConnection(sql, t.tenant.id, { provider: 'xero' });
    const scope = { tenantId: t.tenant.id, connectionId: other.id, provider: 'xero' };
    await upsertDocuments(sql, scope, 'customer', [{ record: customer('c1', 'Leroy Distribution'), raw: {} }]);
    const theirs = invoice('x7', 'c1', '2026-11-01', '75.00');
    await upsertDocuments(sql, scope, 'invoice', [{ record: theirs, raw: theirs }]);
    const { token } = await issueLink(sql, t.tenant.id, other.id, 'c1', NOW);
    const page = text(await (await get(`/p/${token}`)).text());
    expect(page).toContain('Bonjour Leroy Distribution');
    expect(page).toContain('Voici ce qui reste à régler : 75,00 €');
    expect(page).not.toMatch(/Garage Leroy|F-1 /);
  });
});

describe('the company the customer deals with', () => {
  it('named as the company is named in Relance until its profile is filled in; then its legal name, full address and phone', async () => {
    const t = await seedTenant(sql, [customer('c1', 'Garage Leroy')], [invoice('1', 'c1', '2026-10-15', '900.00')]);
    const { token } = await issueLink(sql, t.tenant.id, t.connection.id, 'c1', NOW);
    const before = await (await get(`/p/${token}`)).text();
    expect(before).toContain(`<title>Votre compte chez ${t.tenant.name}`);
    expect(before).toContain(`<strong>${t.tenant.name}</strong>`);
    await saveCompanyProfile(sql, t.tenant.id, CompanyProfileData.parse({ legalName: 'Atelier Dupont SAS', addressLine1: '12 rue des Lilas', addressLine2: 'Bâtiment B', postalCode: '69003', city: 'Lyon', contactPhone: '04 78 00 00 00' }), 'marie');
    const after = text(await (await get(`/p/${token}`)).text());
    expect(after).toContain('Atelier Dupont SAS · 12 rue des Lilas, Bâtiment B, 69003 Lyon Contact : 04 78 00 00 00');
    expect(after).not.toContain(t.tenant.name);
  });
});

describe('a link whose customer is no longer in the books', () => {
  it('opens nothing: the same 404 as a wrong link', async () => {
    const t = await seedTenant(sql, [customer('c1', 'Garage Leroy')], [invoice('1', 'c1', '2026-10-15', '900.00')]);
    const { token } = await issueLink(sql, t.tenant.id, t.connection.id, 'gone', NOW);
    const res = await get(`/p/${token}`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('Lien introuvable');
  });
});

describe('the visits an address and the answers a link may make', () => {
  it('an address may try 300 links in ten minutes, right or wrong; then even a right one is refused, from that address only', async () => {
    const t = await seedTenant(sql, [customer('c1', 'Garage Leroy')], [invoice('1', 'c1', '2026-10-15', '900.00')]);
    const { token } = await issueLink(sql, t.tenant.id, t.connection.id, 'c1', NOW);
    const guesser = nextIp();
    for (let i = 0; i < 299; i++) expect((await get(`/p/${'A'.repeat(42)}${i % 10}`, guesser)).status).toBe(404);
    // A proxy's list: the first address is the visitor's.
    expect((await get(`/p/${token}`, `${guesser}, 172.16.0.9`)).status).toBe(200);
    expect((await get(`/p/${token}`, guesser)).status).toBe(429);
    expect((await get(`/p/${token}`)).status).toBe(200);
  });

  it('a link may send 10 answers an hour; the 11th is refused with 429 before it is read', async () => {
    const t = await seedTenant(sql, [customer('c1', 'Garage Leroy')], [invoice('1', 'c1', '2026-10-15', '900.00')]);
    const { token } = await issueLink(sql, t.tenant.id, t.connection.id, 'c1', NOW);
    const post = () => app.request(`/p/${token}`, { method: 'POST', body: new URLSearchParams({ kind: 'promise' }), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost', 'x-forwarded-for': nextIp() } });
    for (let i = 1; i <= 10; i++) expect((await post()).status, `answer ${i}`).toBe(403);
    expect((await post()).status).toBe(429);
    // Reading the statement is another count: the page still opens.
    expect((await get(`/p/${token}`)).status).toBe(200);
  });
});
