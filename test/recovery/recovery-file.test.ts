// The recovery file PDF read back with pdftotext (issue #25 point 2): every invoice, the breakdown, the legal basis,
// the bordereau, the petites créances offer at most €5,000, and the list of what is missing.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildClaimStatement } from '../../src/recovery/claim-statement.js';
import { missingItems, renderRecoveryFile, type RecoveryFileInput } from '../../src/recovery/recovery-file.js';

// Line breaks and layout spacing flattened to one space: phrases are checked whatever the line wrapping.
const text = (pdf: Buffer) => execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString().replace(/\u00a0/g, ' ').replace(/\s+/g, ' ');
const pdfInfo = (pdf: Buffer) => execFileSync('pdfinfo', ['-'], { input: pdf }).toString();

const frStatement = () =>
  buildClaimStatement({
    jurisdiction: 'FR',
    currency: 'EUR',
    asOf: '2025-07-31',
    invoices: [
      { number: 'F-2025-101', issueDate: '2025-05-16', dueDate: '2025-06-15', amount: '3000.00', payments: [{ date: '2025-06-20', amount: '1000.00' }] },
      { number: 'F-2025-140', issueDate: '2025-06-10', dueDate: '2025-07-10', amount: '500.00' },
    ],
  });

const frInput = (): RecoveryFileInput => ({
  date: '2025-08-01',
  language: 'fr',
  creditor: { name: 'Atelier Dupré SARL', address: ['12 rue des Lilas', '69003 Lyon'], registration: '552 100 554' },
  debtor: { name: 'Boulangerie Œillet SAS', address: ['4 place Bellecour', '69002 Lyon'], registration: '732 829 320' },
  statement: frStatement(),
  evidence: { invoicePdfs: { 'F-2025-101': true, 'F-2025-140': true }, notices: [{ date: '2025-07-15', label: 'mise en demeure', registered: true }] },
});

describe('recovery file PDF', () => {
  it('FR: requête with every invoice, the breakdown, the legal basis, the bordereau, petites créances offered (2,616.75 €)', async () => {
    const f = await renderRecoveryFile(frInput());
    const t = text(f.pdf);
    for (const n of ['F-2025-101', 'F-2025-140']) expect(t).toContain(n);
    expect(t).toContain('Requête en injonction de payer');
    expect(t).toContain('Boulangerie Œillet SAS');
    // Breakdown: the totals and each segment of the hand-computed statement.
    expect(t).toContain('2 616,75 €');
    expect(t).toContain('principal restant dû : 2 500,00 €');
    expect(t).toContain('36,75 €');
    expect(t).toContain('80,00 €');
    for (const seg of ['5 jours × 3 000,00 € × 13,15 % = 5,40 €', '10 jours × 2 000,00 € × 13,15 % = 7,21 €', '31 jours × 2 000,00 € × 12,15 % = 20,64 €', '21 jours × 500,00 € × 12,15 % = 3,50 €']) expect(t).toContain(seg);
    expect(t).toMatch(/1er semestre 2025 : 13,15 %.*12,61 €/);
    expect(t).toMatch(/2e semestre 2025 : 12,15 %.*24,14 €/);
    // Legal basis.
    for (const art of ['L441-10', 'D441-5', '1405', 'Cerfa n°12946', 'L125-1']) expect(t).toContain(art);
    // Bordereau: numbered pieces, invoices first.
    expect(t).toContain('Bordereau de pièces communiquées');
    expect(t).toMatch(/Pièce n°1 : facture F-2025-101 du 16\/05\/2025/);
    expect(t).toMatch(/Pièce n°2 : facture F-2025-140 du 10\/06\/2025/);
    expect(t).toMatch(/Pièce n°3 : mise en demeure du 15\/07\/2025/);
    // Never claims a title exists; says it is not one.
    expect(t).toContain('ce document n’est pas un titre exécutoire');
    expect(t).not.toMatch(/ordonnance (a été )?rendue|titre exécutoire obtenu/i);
    expect(f.smallClaim).toBe(true);
    expect(t).toContain('Procédure simplifiée de recouvrement des petites créances');
    // Contents with page numbers, numbered pages, one bookmark per section, no English word for the French reader.
    expect(f.contents.map((c) => c.title)).toEqual(['Requête en injonction de payer', 'Décompte des sommes réclamées', 'Bordereau de pièces communiquées', 'Procédure simplifiée de recouvrement des petites créances']);
    expect(t).toContain('Sommaire');
    for (const c of f.contents) expect(t).toContain(`${c.title} ...... Page ${c.page}`);
    const pages = Number(/Pages:\s+(\d+)/.exec(pdfInfo(f.pdf))?.[1]);
    expect(pages).toBeGreaterThanOrEqual(5);
    expect(t).toContain(`Page ${pages} / ${pages}`);
    expect(f.pdf.toString('latin1').match(/\/Outlines/g)?.length).toBeGreaterThan(0);
    expect(f.missing).toEqual([]);
    expect(t).not.toMatch(/\b(Invoice|Letter|missing|Total claimed)\b/);
    // Deterministic bytes.
    expect((await renderRecoveryFile(frInput())).sha256).toBe(f.sha256);
  });

  it('FR above €5,000: no petites créances offer', async () => {
    const input = frInput();
    input.statement = buildClaimStatement({ jurisdiction: 'FR', currency: 'EUR', asOf: '2025-07-31', invoices: [{ number: 'F-2025-200', issueDate: '2025-05-01', dueDate: '2025-06-15', amount: '4990.00' }] });
    input.evidence.invoicePdfs = { 'F-2025-200': true };
    const f = await renderRecoveryFile(input);
    // 4,990 + interest + €40 > €5,000 even though the principal alone is below it.
    expect(f.smallClaim).toBe(false);
    expect(text(f.pdf)).not.toContain('petites créances');
  });

  it('lists what is missing: no debtor address, no SIREN, no invoice PDF, and prints it in the file', async () => {
    const input = frInput();
    input.debtor = { name: 'Boulangerie Œillet SAS', address: [], registration: null };
    input.evidence.invoicePdfs = { 'F-2025-101': true };
    const codes = missingItems(input).map((m) => [m.code, m.ref]);
    expect(codes).toEqual([['DEBTOR_ADDRESS', null], ['DEBTOR_REGISTRATION', null], ['INVOICE_PDF', 'F-2025-140']]);
    const f = await renderRecoveryFile(input);
    const t = text(f.pdf);
    expect(t).toContain('Éléments manquants');
    expect(t).toContain('Adresse du débiteur inconnue');
    expect(t).toContain('SIREN du débiteur inconnu');
    expect(t).toContain('F-2025-140 : PDF de la facture absent');
    expect(t).toMatch(/Pièce n°2 : facture F-2025-140 .*\(à joindre : PDF absent\)/);
  });

  it('prints names in Latin Extended (Łódź, Ødegaard, Œillet): the body font covers them', async () => {
    const input = frInput();
    input.debtor = { name: 'Przedsiębiorstwo Łódź Ødegaard Œillet', address: ['ul. Piotrkowska 12', '90-001 Łódź', 'Pologne'], registration: null };
    const t = text((await renderRecoveryFile(input)).pdf);
    expect(t).toContain('Przedsiębiorstwo Łódź Ødegaard Œillet');
    expect(t).toContain('90-001 Łódź');
  });

  it('UK: Letter of Claim with the statement, the 1998 Act basis, 30 days and the protocol forms for a sole trader', async () => {
    const statement = buildClaimStatement({
      jurisdiction: 'UK',
      currency: 'GBP',
      asOf: '2025-07-20',
      invoices: [
        { number: 'INV-0801', issueDate: '2025-05-21', dueDate: '2025-06-20', amount: '800.00' },
        { number: 'INV-0802', issueDate: '2025-05-21', dueDate: '2025-06-20', amount: '5000.00' },
      ],
    });
    const base: RecoveryFileInput = {
      date: '2025-07-21',
      language: 'en',
      creditor: { name: 'Harbour Tools Ltd', address: ['1 Quay Street', 'Bristol BS1 4DJ'], registration: '01234567' },
      debtor: { name: 'J. Smith (trading as Smith Joinery)', address: ['7 Mill Lane', 'Bath BA1 1AA'], registration: null, individual: true },
      statement,
      evidence: { invoicePdfs: { 'INV-0801': true, 'INV-0802': true }, notices: [{ date: '2025-07-01', label: 'final reminder', registered: true }] },
    };
    const f = await renderRecoveryFile(base);
    const t = text(f.pdf);
    for (const n of ['INV-0801', 'INV-0802']) expect(t).toContain(n);
    // 8.38 + 52.40 interest, £40 + £70, principal £5,800: £5,970.78.
    expect(t).toContain('£5,970.78');
    expect(t).toContain('£60.78');
    expect(t).toContain('£110.00');
    expect(t).toContain('30 days × £5,000.00 × 12.75% = £52.40');
    expect(t).toContain('Late Payment of Commercial Debts (Interest) Act 1998');
    expect(t).toContain('within 30 days');
    expect(t).toContain('Pre-Action Protocol for Debt Claims');
    expect(t).toContain('This letter is not a court judgment.');
    expect(f.missing).toEqual([]);
    const company = await renderRecoveryFile({ ...base, debtor: { ...base.debtor, name: 'Smith Joinery Ltd', registration: '07654321', individual: false } });
    expect(text(company.pdf)).toContain('within 14 days');
    expect(text(company.pdf)).not.toContain('Pre-Action Protocol');
  });
});
