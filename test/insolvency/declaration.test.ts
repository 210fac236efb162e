// The claim declaration (#27 point 4) from a real PostgreSQL: an opening judgment stored by the watch's own parser,
// three invoices (one partly paid before the judgment, one issued after it), reminders in the outbox; the PDF read back
// with pdftotext, every figure recomputed here from the law's formula (ECB rate + 10 points, simple interest, 365 days,
// stopped at the judgment, €40 per late invoice), and the `relance insolvency-declaration` command writing the file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { parseNotices } from '../../src/insolvency/bodacc.js';
import { buildDeclaration } from '../../src/insolvency/declaration.js';
import { customerDeclaration, DeclarationRefused } from '../../src/insolvency/declaration-service.js';
import { Dec, formatAmount, type Customer, type Invoice, type Payment } from '../../src/model/index.js';
import { CompanyProfileData } from '../../src/model/company-profile.js';
import { saveCompanyProfile } from '../../src/store/company-profiles.js';
import { upsertDocuments } from '../../src/store/documents.js';
import { recordNotice } from '../../src/store/insolvency.js';
import { getTenant } from '../../src/store/tenants.js';
import { runCli } from '../support/cli.js';
import { newTenant, useDatabase } from '../support/db.js';
import { SIREN, record } from './fixtures.js';

const sql = useDatabase();

// Line breaks and layout spacing flattened to one space, as the recovery-file tests read their PDFs.
const text = (pdf: Buffer) => execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString().replace(/\u00a0/g, ' ').replace(/\s+/g, ' ');
const eur = (x: Dec | string) => `${new Dec(x).toFixed(2).replace('.', ',').replace(/\B(?=(\d{3})+(?!\d))/g, ' ')} €`;

const JUDGMENT = '2026-04-15';
// The judgment takes effect at zero hour of its day (C. com. R621-4): the last day of interest is the day before.
const LAST = '2026-04-14';
const PUBLISHED = '2026-04-24';
// The ECB main refinancing rate for the first half of 2026 (2.15 %) plus 10 points: L441-10 II.
const RATE = new Dec('12.15');
/** Simple interest, 365-day year, `days` counted inclusively, rounded to the cent as each period is. */
const interest = (balance: string, days: number) => new Dec(formatAmount(new Dec(balance).times(RATE).div(100).times(days).div(365), 'EUR'));
/** Days from `from` to `to`, both included. */
const days = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;

const customer = (id: string, regNo: string | null): Customer => ({
  externalId: id, name: id === 'c1' ? 'Boulangerie Œillet SAS' : `Client ${id}`, email: `${id}@client.example`, emails: [], language: 'fr', tags: [], active: true,
  address: { line1: '4 place Bellecour', postalCode: '69002', city: 'Lyon', country: 'France' }, regNo,
});
const invoice = (id: string, customerId: string, issueDate: string, dueDate: string, total: string, amountDue = total): Invoice => ({
  externalId: id, number: `F-${id}`, customerExternalId: customerId, issueDate, dueDate, currency: 'EUR', total, amountDue,
  status: amountDue === total ? 'open' : 'partially_paid', lines: [], pdfUrl: id === '102' ? null : `https://erp.example/pdf/${id}`,
});
const payment: Payment = { externalId: 'p1', customerExternalId: 'c1', date: '2026-03-20', currency: 'EUR', amount: '1000.00', unapplied: '0', status: 'posted', allocations: [{ invoiceExternalId: '102', amount: '1000.00' }] };

async function seed() {
  const t = await newTenant(sql, 'test');
  await saveCompanyProfile(sql, t.tenant.id, CompanyProfileData.parse({
    country: 'FR', legalName: 'Atelier Dupont SAS', legalForm: 'SAS', shareCapital: '10000', siren: '732829320', rcsCity: 'Lyon',
    addressLine1: '12 rue des Lilas', postalCode: '69003', city: 'Lyon', contactName: 'Claire Dupont',
  }), 'test');
  await upsertDocuments(sql, t.scope, 'customer', [customer('c1', SIREN), customer('c2', null)].map((r) => ({ record: r, raw: {} })));
  await upsertDocuments(sql, t.scope, 'invoice', [
    invoice('101', 'c1', '2026-01-10', '2026-02-09', '1240.00'),
    invoice('102', 'c1', '2026-02-02', '2026-03-04', '3000.00', '2000.00'), // 1,000.00 paid on 20 March, before the judgment
    invoice('103', 'c1', '2026-04-20', '2026-05-20', '500.00'), // issued after the judgment: paid at term, never declared
    invoice('201', 'c2', '2026-01-10', '2026-02-09', '700.00'),
  ].map((r) => ({ record: r, raw: {} })));
  await upsertDocuments(sql, t.scope, 'payment', [{ record: payment, raw: {} }]);
  // Reminders as the executor leaves them in the outbox: two sent for c1's invoices, one only planned, one for c2.
  const sent = async (key: string, kind: string, state: string, on: string, customerId: string, templateId: string, invoices: string[], result: unknown = null) => {
    const at = new Date(`${on}T09:00:00Z`);
    await sql`insert into outbox (tenant_id, connection_id, idempotency_key, kind, state, due_at, updated_at, payload, result)
      values (${t.tenant.id}, ${t.connection.id}, ${key}, ${kind}, ${state}, ${at}, ${at},
        ${sql.json({ customerExternalId: customerId, templateId, invoices: invoices.map((externalId) => ({ externalId })) })}, ${result === null ? null : sql.json(result as never)})`;
  };
  await sent('k1', 'email', 'sent', '2026-02-20', 'c1', 'fr.reminder-1', ['101']);
  await sent('k2', 'letter', 'sent', '2026-03-25', 'c1', 'fr.mise-en-demeure', ['101', '102'], { registered: true, formal: true });
  await sent('k3', 'email', 'planned', '2026-04-30', 'c1', 'fr.reminder-2', ['102']);
  await sent('k4', 'email', 'sent', '2026-02-20', 'c2', 'fr.reminder-1', ['201']);

  const opening = record({ id: 'A202600000042', dateparution: PUBLISHED }, { date: JUDGMENT });
  const closing = record({ id: 'A202600000099', dateparution: '2026-09-01' }, { nature: "Jugement de clôture pour insuffisance d'actif", date: '2026-08-20', complementJugement: '' });
  for (const n of parseNotices(SIREN, [opening, closing]).notices) await recordNotice(sql, t.tenant.id, n);
  return t;
}

// Figures computed here, independently of the engine: interest from the day after the due date to the judgment.
const i101 = interest('1240.00', days('2026-02-10', LAST)); // 64 days
const i102 = interest('3000.00', days('2026-03-05', '2026-03-20')).plus(interest('2000.00', days('2026-03-21', LAST))); // 16 + 25 days
const PRINCIPAL = new Dec('1240.00').plus('2000.00');
const INTEREST = i101.plus(i102);
const COMPENSATION = new Dec(40).times(2);
const TOTAL = PRINCIPAL.plus(INTEREST).plus(COMPENSATION);

describe('claim declaration (déclaration de créance)', () => {
  it('states the amounts at the judgment date to the cent, the proceedings, the deadline and the enclosures', async () => {
    // The figures this test expects, written out once so a reader can check them by hand.
    expect([i101.toFixed(2), i102.toFixed(2), INTEREST.toFixed(2), TOTAL.toFixed(2)]).toEqual(['26.42', '32.62', '59.04', '3379.04']);
    const t = await seed();
    const tenant = (await getTenant(sql, t.tenant.id))!;
    // Prepared in June, two months after the judgment: interest must still stop on 15 April.
    const r = await customerDeclaration(sql, tenant, t.connection.id, 'c1', { now: new Date('2026-06-10T10:00:00Z'), retentionOfTitle: true, guarantees: ['Caution personnelle du dirigeant, 5 000 €'] });
    const d = r.declaration;
    expect(r.notice.noticeId).toBe('A202600000042');
    expect([d.judgmentDate, d.asOf]).toEqual([JUDGMENT, LAST]);
    expect(d.statement.lines.map((l) => [l.number, l.paid, l.principalDue, l.interest, l.compensation])).toEqual([
      ['F-101', '0.00', '1240.00', i101.toFixed(2), '40.00'],
      ['F-102', '1000.00', '2000.00', i102.toFixed(2), '40.00'],
    ]);
    expect(d.statement.totals).toMatchObject({ principalDue: PRINCIPAL.toFixed(2), interest: INTEREST.toFixed(2), compensation: COMPENSATION.toFixed(2), claimed: TOTAL.toFixed(2) });
    expect(d.excluded).toEqual([{ number: 'F-103', reason: 'issued_after_judgment' }]);
    expect(d.deadline).toBe('2026-06-24');
    expect(d.revendicationDeadline).toBe('2026-07-24');

    const txt = text(r.pdf);
    expect(txt).toContain('Déclaration de créance');
    // Debtor and proceedings.
    expect(txt).toContain('Boulangerie Œillet SAS');
    expect(txt).toContain(`SIREN ${SIREN}`);
    expect(txt).toContain('Jugement d’ouverture du 15/04/2026, TRIBUNAL DE COMMERCE DE LYON, publié au BODACC le 24/04/2026 (annonce n° A202600000042)');
    expect(txt).toContain('SELARL MJ Synergie, 230 rue Garibaldi 69003 Lyon, mandataire judiciaire');
    // Creditor.
    expect(txt).toContain('Atelier Dupont SAS');
    expect(txt).toContain('SIREN 732829320');
    // Deadline: publication + 2 months (R622-24).
    expect(txt).toContain('au plus tard le 24/06/2026 : deux mois à compter de la publication du jugement d’ouverture au BODACC (article R622-24');
    // Amounts, to the cent.
    expect(txt).toContain(`Montant de la créance au jour du jugement d’ouverture (15/04/2026)`);
    expect(txt).toContain(`Principal restant dû (factures TTC) ${eur(PRINCIPAL)}`);
    expect(txt).toContain(`Pénalités de retard arrêtées au 14/04/2026 ${eur(INTEREST)}`);
    expect(txt).toContain(`Indemnités forfaitaires (40 € par facture en retard) ${eur(COMPENSATION)}`);
    expect(txt).toContain('arrêtées par le jugement d’ouverture (article L622-28), qui prend effet à zéro heure le jour de son prononcé (article R621-4) : comptées jusqu’au 14/04/2026 inclus');
    expect(txt).toContain(`Total déclaré ${eur(TOTAL)}`);
    // Per invoice: issue and due dates, amount, received, balance, interest, €40, total.
    expect(txt).toContain(`F-101 10/01/2026 09/02/2026 1 240,00 € 0,00 € 1 240,00 € ${eur(i101)} 40,00 € ${eur(new Dec('1280.00').plus(i101))}`);
    expect(txt).toContain(`F-102 02/02/2026 04/03/2026 3 000,00 € 1 000,00 € 2 000,00 € ${eur(i102)} 40,00 € ${eur(new Dec('2040.00').plus(i102))}`);
    expect(txt).toContain(`F-101 : du 10/02/2026 au 14/04/2026, 64 jours × 1 240,00 € × 12,15 % / 365 = ${eur(i101)}`);
    expect(txt).toContain('F-102 : du 21/03/2026 au 14/04/2026, 25 jours × 2 000,00 € × 12,15 %');
    // The invoice issued after the judgment is nowhere.
    expect(txt).not.toContain('F-103');
    expect(txt).not.toContain('500,00');
    // Retention of title and guarantees, ticked.
    expect(txt).toContain('[X] Clause de réserve de propriété (articles L624-9 et L624-16 du code de commerce) : revendication des biens encore en nature à former au plus tard le 24/07/2026');
    expect(txt).toContain('[X] Garanties : Caution personnelle du dirigeant, 5 000 €.');
    expect(txt).toContain('Le créancier certifie sincère la présente déclaration de créance (article L622-25, alinéa 3, du code de commerce).');
    // Enclosures under a bordereau: the invoices, then the reminders sent (not the planned one, not c2's), then the clause and the statement.
    expect(txt).toContain('Bordereau des pièces jointes');
    expect(txt).toContain('Pièce n°1 : Facture F-101 du 10/01/2026 Pièce n°2 : Facture F-102 du 02/02/2026 (à joindre : PDF absent)');
    expect(txt).toContain('Pièce n°3 : Relance par courriel du 20/02/2026, factures F-101');
    expect(txt).toContain('Pièce n°4 : Mise en demeure du 25/03/2026 (lettre recommandée avec AR), factures F-101, F-102');
    expect(txt).toContain('Pièce n°5 : Conditions générales de vente');
    expect(txt).toContain('Pièce n°6 : Décompte de la créance au jour du jugement d’ouverture (15/04/2026)');
    expect(txt).not.toContain('Pièce n°7');
    expect(txt).not.toContain('30/04/2026');
    // A French document: no English word.
    expect(txt).not.toMatch(/\b(Invoice|Statement|interest|missing|Total claim)\b/);
    // Deterministic bytes for equal inputs.
    const again = await customerDeclaration(sql, tenant, t.connection.id, 'c1', { now: new Date('2026-06-10T10:00:00Z'), retentionOfTitle: true, guarantees: ['Caution personnelle du dirigeant, 5 000 €'] });
    expect(again.sha256).toBe(r.sha256);
  });

  it('without retention of title or guarantee: unticked boxes, a chirographaire claim; a closing notice or an unknown one is refused', async () => {
    const t = await seed();
    const tenant = (await getTenant(sql, t.tenant.id))!;
    const r = await customerDeclaration(sql, tenant, t.connection.id, 'c1', { now: new Date('2026-05-02T10:00:00Z') });
    const txt = text(r.pdf);
    expect(txt).toContain('[ ] Clause de réserve de propriété');
    expect(txt).toContain('[ ] Garanties : aucune.');
    expect(txt).toContain('Créance déclarée à titre chirographaire, sans privilège ni sûreté.');
    expect(txt).not.toContain('Conditions générales de vente');
    expect(r.declaration.statement.totals.claimed).toBe(TOTAL.toFixed(2));
    await expect(customerDeclaration(sql, tenant, t.connection.id, 'c1', { now: new Date(), noticeId: 'A202600000099' })).rejects.toThrow(/closing judgment; a claim is declared on the opening judgment/);
    await expect(customerDeclaration(sql, tenant, t.connection.id, 'c1', { now: new Date(), noticeId: 'A1' })).rejects.toThrow(DeclarationRefused);
    await expect(customerDeclaration(sql, tenant, t.connection.id, 'c2', { now: new Date() })).rejects.toThrow(/no opening judgment is stored for customer c2/);
  });

  it('zero hour: a payment on the judgment day counts as after it, and an invoice due the day before owes nothing yet', () => {
    const d = buildDeclaration({
      jurisdiction: 'FR', currency: 'EUR', date: '2026-05-02',
      creditor: { name: 'Atelier Dupont SAS', address: ['12 rue des Lilas', '69003 Lyon'], registration: '732829320', outsideMetropolitanFrance: false, signatory: null, city: null },
      debtor: { name: 'Boulangerie Œillet SAS', address: [], registration: SIREN },
      proceedings: { source: 'bodacc', noticeId: 'A1', court: null, judgmentDate: JUDGMENT, publicationDate: PUBLISHED, mandataire: null },
      invoices: [
        { number: 'F-1', issueDate: '2026-03-01', dueDate: '2026-03-31', amount: '1000.00', payments: [{ date: JUDGMENT, amount: '400.00' }], hasPdf: true },
        { number: 'F-2', issueDate: '2026-03-15', dueDate: LAST, amount: '100.00', hasPdf: true },
        { number: 'F-3', issueDate: JUDGMENT, dueDate: '2026-05-15', amount: '50.00', hasPdf: true },
      ],
      reminders: [], retentionOfTitle: false, guarantees: [],
    });
    // F-1: 1,000.00 owed at zero hour, interest 1–14 April (14 days), €40; the 400.00 paid on the judgment day is flagged.
    expect(d.statement.lines.map((l) => [l.number, l.paid, l.principalDue, l.interest, l.compensation])).toEqual([
      ['F-1', '0.00', '1000.00', interest('1000.00', days('2026-04-01', LAST)).toFixed(2), '40.00'],
      ['F-2', '0.00', '100.00', '0.00', '0.00'],
    ]);
    expect(d.receivedAfter).toEqual([{ number: 'F-1', amount: '400.00' }]);
    expect(d.missing.some((m) => m.startsWith('Sommes reçues le jour du jugement ou après (F-1 : 400,00'))).toBe(true);
    expect(d.excluded).toEqual([{ number: 'F-3', reason: 'issued_after_judgment' }]);
  });

  it('a creditor outside metropolitan France (Réunion, 97400) has four months (R622-24 al. 2)', async () => {
    const t = await seed();
    await saveCompanyProfile(sql, t.tenant.id, CompanyProfileData.parse({
      country: 'FR', legalName: 'Atelier Dupont SAS', legalForm: 'SAS', shareCapital: '10000', siren: '732829320', rcsCity: 'Saint-Denis',
      addressLine1: '3 rue de Paris', postalCode: '97400', city: 'Saint-Denis',
    }), 'test');
    const tenant = (await getTenant(sql, t.tenant.id))!;
    const r = await customerDeclaration(sql, tenant, t.connection.id, 'c1', { now: new Date('2026-05-02T10:00:00Z') });
    expect([r.declaration.deadline, r.declaration.deadlineMonths]).toEqual(['2026-08-24', 4]);
    expect(text(r.pdf)).toContain('au plus tard le 24/08/2026 : quatre mois à compter de la publication du jugement d’ouverture au BODACC, le créancier ne demeurant pas en France métropolitaine (article R622-24, alinéa 2');
  });

  it('a UK notice gives a proof of debt in pounds from the stored books', async () => {
    const t = await newTenant(sql, 'test');
    await sql`update tenants set locale = 'en', time_zone = 'Europe/London' where id = ${t.tenant.id}`;
    await saveCompanyProfile(sql, t.tenant.id, CompanyProfileData.parse({
      country: 'GB', legalName: 'Harbour Tools Ltd', legalForm: 'Ltd', companyNumber: '01234567', registeredIn: 'england_wales',
      addressLine1: '1 Quay Street', postalCode: 'BS1 4DJ', city: 'Bristol',
    }), 'test');
    await upsertDocuments(sql, t.scope, 'customer', [{ record: { ...customer('u1', null), name: 'Smith Joinery Ltd', language: 'en' }, raw: {} }]);
    const gbpInvoice = (id: string, issue: string, due: string, total: string): Invoice => ({ ...invoice(id, 'u1', issue, due, total), number: `INV-${id}`, currency: 'GBP' });
    await upsertDocuments(sql, t.scope, 'invoice', [gbpInvoice('0801', '2025-05-21', '2025-06-20', '800.00'), gbpInvoice('0900', '2025-10-01', '2025-10-31', '450.00')].map((r) => ({ record: r, raw: {} })));
    // The UK watch is not built yet: the notice row is written as a UK publisher's would be.
    await sql`insert into insolvency_notices (tenant_id, connection_id, customer_external_id, source, notice_id, reg_no, type, court, judgment_date, publication_date, mandataire, raw)
      values (${t.tenant.id}, ${t.connection.id}, 'u1', 'companies_house', 'CH-1', '07654321', 'opening', 'High Court', '2025-09-30', '2025-10-03', 'A. Practitioner, Administrator', '{}'::jsonb)`;
    const r = await customerDeclaration(sql, (await getTenant(sql, t.tenant.id))!, t.connection.id, 'u1', { now: new Date('2025-11-03T10:00:00Z') });
    // 800.00 × 12.75 % × 102 / 365 = 28.50; £40 fixed sum (s.5A, below £1,000).
    const i = new Dec(formatAmount(new Dec('800.00').times('12.75').div(100).times(days('2025-06-21', '2025-09-30')).div(365), 'GBP'));
    expect(r.declaration.jurisdiction).toBe('UK');
    expect(r.declaration.statement.totals).toMatchObject({ principalDue: '800.00', interest: i.toFixed(2), compensation: '40.00', claimed: new Dec(840).plus(i).toFixed(2) });
    const txt = text(r.pdf);
    expect(txt).toContain('Proof of debt');
    expect(txt).toContain(`Total claim £${new Dec(840).plus(i).toFixed(2)}`);
    expect(txt).toContain('Company number 01234567');
    expect(txt).not.toContain('INV-0900');
  });

  it('relance insolvency-declaration writes the PDF and prints the claim and the deadline (real binary)', { timeout: 120_000 }, async () => {
    const t = await seed();
    const dir = mkdtempSync(join(tmpdir(), 'relance-declaration-'));
    const out = join(dir, 'declaration.pdf');
    const env = { DATABASE_URL: inject('databaseUrl'), RELANCE_HOME: dir, LOG_LEVEL: 'warn' };
    const args = ['insolvency-declaration', '--tenant', t.tenant.id, '--connection', t.connection.id, '--customer', 'c1'];
    const r = await runCli([...args, '--out', out, '--retention-of-title', '--guarantee', 'Nantissement du fonds de commerce', '--guarantee', 'Caution du dirigeant'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`déclaration de créance for c1 (notice A202600000042, judgment ${JUDGMENT}): 2 invoice(s), principal ${PRINCIPAL.toFixed(2)}, interest to ${LAST} ${INTEREST.toFixed(2)}, fixed sums 80.00, claimed ${TOTAL.toFixed(2)} EUR`);
    expect(r.stdout).toContain('Send it to the mandataire by 2026-06-24');
    expect(r.stdout).toContain('not declared: F-103 (issued after the judgment: paid at term)');
    const txt = text(readFileSync(out));
    expect(txt).toContain(`Total déclaré ${eur(TOTAL)}`);
    expect(txt).toContain('[X] Garanties : Nantissement du fonds de commerce ; Caution du dirigeant.');
    // Another tenant's id with this connection: unknown, and the next step said.
    const other = await newTenant(sql, 'test');
    const wrong = await runCli(['insolvency-declaration', '--tenant', other.tenant.id, '--connection', t.connection.id, '--customer', 'c1'], { env });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`no connection ${t.connection.id} for tenant ${other.tenant.id}`);
    const none = await runCli([...args.slice(0, -1), 'c2'], { env });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no opening judgment is stored for customer c2');
  });
});
