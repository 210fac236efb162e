// The template preview on an invoice the user picks (by customer and number): the penalties of that invoice (interest
// per period at its rate, the €40, the total claimed), the email with its identity footer, and the letter PDF with the
// creditor's identity and the formal notice's legal mentions; a missing profile is named, not ignored.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createSite as createUi } from '../../../src/http/app.js';
import { Customer, Dec, Invoice } from '../../../src/model/index.js';
import { CompanyProfileData } from '../../../src/model/company-profile.js';
import { saveCompanyProfile } from '../../../src/store/company-profiles.js';
import { useDatabase } from '../../support/db.js';
import { Browser, seedTenant, uiDeps } from './helpers.js';

const sql = useDatabase();
// 16 March 2026: the whole delay (from 14 February) falls in 2026-H1, whose rate (ECB 2.15 % + 10) the shipped table holds.
const app = createUi(uiDeps(sql, { now: () => new Date('2026-03-16T10:00:00Z') }));

const debtor = Customer.parse({ externalId: 'c1', name: 'Garage Leroy', email: 'compta@leroy.example', emails: [], phone: null, language: 'fr', currency: 'EUR', creditLimit: null, tags: [], address: { line1: '5 avenue Foch', postalCode: '75016', city: 'Paris', country: 'France' }, externalVersion: '0', updatedAt: '2026-01-01T10:00:00Z' });

const PROFILE = CompanyProfileData.parse({ country: 'FR', legalName: 'Atelier Lumière SARL', legalForm: 'SARL', shareCapital: '8000', siren: '732829320', rcsCity: 'Lyon', vatNumber: 'FR44732829320', addressLine1: '3 place Bellecour', postalCode: '69002', city: 'Lyon', contactName: 'Claire Martin', contactEmail: 'compta@lumiere.example', iban: 'FR7630006000011234567890189', bic: 'AGRIFRPP' });

const invoice = (id: string, customerId: string, dueDate: string, amountDue: string): Invoice =>
  Invoice.parse({ externalId: id, number: `F-${id}`, customerExternalId: customerId, issueDate: '2026-01-10', dueDate, currency: 'EUR', total: amountDue, amountDue, status: 'open', lines: [{ description: 'Prestation', amount: amountDue }], externalVersion: '0', updatedAt: '2026-01-10T10:00:00Z' });

/** Amounts are formatted with no-break spaces; the assertions are written with plain ones. */
const nbsp = (s: string) => s.replace(/\u00a0/g, ' ');

const pdfToText = (pdf: Buffer) => execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString().replace(/\u00a0/g, ' ');

describe('template preview on a chosen invoice', () => {
  it('shows the interest, the €40 and the total claimed of that invoice, and a letter PDF with the identity and legal mentions', async () => {
    const t = await seedTenant(sql, [debtor], [{ ...invoice('i1', 'c1', '2026-02-13', '1240.00'), number: 'F-2026-014' }, { ...invoice('i2', 'c1', '2026-04-30', '90.00'), number: 'F-2026-020' }]);
    await saveCompanyProfile(sql, t.tenant.id, PROFILE, 'test');
    const user = new Browser(app, { 'accept-language': 'fr-FR' });
    await user.signIn(t.tenant.id);

    const page = nbsp(await (await user.request('/templates?id=fr.mise-en-demeure')).text());
    // Picked by customer and number, most overdue first.
    expect(page).toContain('<option value="F-2026-014">Garage Leroy — F-2026-014 (1 240,00 €, 31 j de retard)</option>');
    expect(page.indexOf('F-2026-014 (')).toBeLessThan(page.indexOf('F-2026-020 ('));

    const res = await user.request('/templates?id=fr.mise-en-demeure&invoice=F-2026-014');
    expect(res.status).toBe(200);
    const html = nbsp(await res.text());
    const card = html.slice(html.indexOf('data-penalties'), html.indexOf('data-letter'));
    // 31 days (14 Feb – 16 Mar) at 12.15 % on 1 240,00 €, worked out here by the law's formula.
    const interest = new Dec('1240').times('0.1215').times(31).div(365).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
    expect(interest.toFixed(2)).toBe('12.80');
    expect(card).toContain('du 14/02/2026 au 16/03/2026 : 31 jours à 12,15 % sur 1 240,00 € = 12,80 €');
    expect(card).toContain('40,00 €');
    expect(card).toContain(`${new Dec('1240').plus(interest).plus(40).toFixed(2).replace('.', ',').replace(/^1/, '1 ')} €`); // 1 292,80 €
    expect(card).not.toContain('data-held');
    // The email, with real penalties and the identity footer.
    expect(html).toContain('soit 12,80 € à ce jour');
    expect(html).toContain('SIREN 732 829 320 RCS Lyon');

    const pdf = await user.request('/templates/letter.pdf?id=fr.mise-en-demeure&invoice=F-2026-014');
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const text = pdfToText(Buffer.from(await pdf.arrayBuffer()));
    for (const s of ['Atelier Lumière SARL', 'SARL au capital de 8 000,00 €', '3 place Bellecour', 'SIREN 732 829 320 RCS Lyon', 'FR44732829320', 'Garage Leroy', '5 avenue Foch', 'Lettre recommandée avec accusé de réception', 'MISE EN DEMEURE', 'Madame, Monsieur,', 'salutations distinguées', 'Claire Martin']) expect(text).toContain(s);
    expect(text).toMatch(/1 240,00 € × 12,15 % × 31 jours \/ 365, du 14\/02\/2026 au 16\/03\/2026 = 12,80 €/);
    expect(text).toContain('article L441-10 du Code de commerce');
    expect(text).toContain('article D441-5');
    expect(text).toContain('Total réclamé : 1 292,80 €');
    expect(text).toContain('8 jours à compter de la réception de la présente lettre');
    expect(text).toContain('IBAN FR76 3000 6000 0112 3456 7890 189');
    expect(text).not.toMatch(/Bonjour|Cordialement/);

    // Another company's invoice number is not found from this session.
    const other = await seedTenant(sql, [debtor], [{ ...invoice('o1', 'c1', '2026-02-13', '500.00'), number: 'F-OTHER' }]);
    expect((await user.request('/templates/letter.pdf?id=fr.mise-en-demeure&invoice=F-OTHER')).status).toBe(404);
    expect(other.tenant.id).not.toBe(t.tenant.id);
  });

  it('names what the profile lacks before a formal notice could go out', async () => {
    const t = await seedTenant(sql, [debtor], [{ ...invoice('i1', 'c1', '2026-02-13', '1240.00'), number: 'F-2026-014' }]);
    const user = new Browser(app, { 'accept-language': 'fr-FR' });
    await user.signIn(t.tenant.id);
    const html = nbsp(await (await user.request('/templates?id=fr.mise-en-demeure&invoice=F-2026-014')).text());
    expect(html).toContain('data-held="profile"');
    expect(html).toContain('Ce courrier serait retenu : raison sociale, adresse du siège, SIREN, ville du greffe (RCS), forme juridique');
    expect(html).toContain('href="/settings/company"');
  });
});
