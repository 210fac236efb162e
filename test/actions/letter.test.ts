// Letters: the mise en demeure and the UK letter before action carry the content law §3.3 requires, and equal inputs give equal bytes (the hash is a proof).
import { describe, expect, it } from 'vitest';
import { renderLetter, type LetterInput } from '../../src/actions/letter.js';
import { renderMessage, shippedTemplate } from '../../src/actions/templates.js';
import { buildVars, penaltiesFor } from '../../src/actions/vars.js';
import { Dec, type Invoice } from '../../src/model/index.js';
import type { PlannedAction } from '../../src/model/collections.js';
import type { Language } from '../../src/actions/format.js';
import { COMPANY, customer, invoice } from './fixtures.js';
import { pdfText } from '../support/pdf-text.js';
import * as jsqr from 'jsqr';

// jsqr is CommonJS with a default export: unwrapped the same way under Node's ESM loader and under vitest.
type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const loaded = jsqr as unknown as { default: Decode | { default: Decode } };
const jsQR: Decode = typeof loaded.default === 'function' ? loaded.default : loaded.default.default;

function action(templateId: string, invoices: Invoice[], currency = 'EUR'): PlannedAction {
  return {
    idempotencyKey: `t|inv:${invoices[0]!.externalId}|formal|v1`,
    covers: [],
    tenantId: 't',
    policyId: 'p',
    policyVersion: 1,
    stepId: 'formal-notice',
    stepIndex: 4,
    channel: 'letter',
    templateId,
    dueOn: '2026-03-16',
    scheduledOn: '2026-03-16',
    scope: 'invoice',
    customerExternalId: invoices[0]!.customerExternalId,
    currency,
    invoices: invoices.map((i) => ({ externalId: i.externalId, number: i.number, dueDate: i.dueDate, amountDue: i.amountDue, daysPastDue: 31, instalmentOf: null, triggered: true })),
    credits: [],
    amountDue: invoices.reduce((a, i) => a.plus(i.amountDue), new Dec(0)).toFixed(2),
    openCredits: '0.00',
    netDue: '0.00',
    penalties: invoices.map((i) => ({ invoiceExternalId: i.externalId, warnings: [] })),
    explain: '',
  };
}

async function letterFor(templateId: string, lang: Language, invoices: Invoice[], family: 'FR' | 'UK', today = '2026-03-16'): Promise<LetterInput> {
  const a = action(templateId, invoices, invoices[0]!.currency);
  const current = new Map(invoices.map((i) => [i.externalId, i]));
  const vars = buildVars({ action: a, current, customer: customer('m1', { name: 'Garage Leroy' }), company: COMPANY, language: lang, family, today, deadlineDays: 8, penalties: penaltiesFor(a, current, family, today) });
  const message = await renderMessage(shippedTemplate(templateId, lang), vars, { trusted: true });
  return { date: today, family, language: lang, formal: true, vars, message, registered: true, company: COMPANY };
}

describe('mise en demeure (France)', () => {
  const invs = [invoice('m1', 'm1', { number: 'F-2026-001', dueDate: '2026-02-13', total: '1240.00', amountDue: '1240.00' }), invoice('m2', 'm1', { number: 'F-2026-002', dueDate: '2026-02-13', total: '500.00', amountDue: '300.00', status: 'partially_paid' })];

  it('contains parties, the words MISE EN DEMEURE, invoices, amounts, interest with its basis, €40 per invoice, deadline and LRAR', async () => {
    const l = await renderLetter(await letterFor('fr.mise-en-demeure', 'fr', invs, 'FR'), { compress: false });
    const t = pdfText(l.pdf);
    for (const s of ['Atelier Dupont SAS', 'SIREN 732 829 320 RCS Lyon', '12 rue des Lilas', 'Garage Leroy', '5 avenue Foch', 'MISE EN DEMEURE', 'Lettre recommandée avec accusé de réception', 'Lyon, le 16/03/2026']) expect(t).toContain(s);
    for (const s of ['F-2026-001', 'F-2026-002', '10/01/2026', '13/02/2026', '1 240,00 €', '200,00 €', '300,00 €']) expect(t).toContain(s);
    // 31 days at 12.15 %: 1240 → 12.80, 300 (residual, payment dates unknown) → 3.10; €40 per invoice.
    const i1 = new Dec('1240').times('0.1215').times(31).div(365).toDecimalPlaces(2).toFixed(2);
    const i2 = new Dec('300').times('0.1215').times(31).div(365).toDecimalPlaces(2).toFixed(2);
    expect([i1, i2]).toEqual(['12.80', '3.10']);
    expect(t).toContain('Pénalités de retard à ce jour : 15,90 €');
    expect(t).toContain('Indemnités forfaitaires : 80,00 €');
    expect(t).toContain('Total réclamé : 1 635,90 €'); // 1540.00 + 15.90 + 80.00
    expect(t).toContain('Taux appliqué : 12,15 %');
    expect(t).toContain('article L441-10 du Code de commerce');
    expect(t).toContain('40 € par facture : article D441-5');
    // Counted from receipt (law §3.3), a date the sender cannot know: no calendar date is stated for it.
    expect(t).toContain('Date limite de paiement : 8 jours à compter de la réception de la présente lettre');
    expect(t).not.toContain('24/03/2026');
    expect(t).toContain('injonction de payer');
    expect(t).toContain('ne constitue pas un titre exécutoire');
  });

  it('gives the same bytes and hash for the same inputs, and another hash when an amount changes', async () => {
    const input = await letterFor('fr.mise-en-demeure', 'fr', invs, 'FR');
    const a = await renderLetter(input);
    const b = await renderLetter(await letterFor('fr.mise-en-demeure', 'fr', invs, 'FR'));
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b.sha256).toBe(a.sha256);
    expect(b.pdf.equals(a.pdf)).toBe(true);
    const changed = await renderLetter(await letterFor('fr.mise-en-demeure', 'fr', [{ ...invs[0]!, amountDue: '1239.99', total: '1239.99' }, invs[1]!], 'FR'));
    expect(changed.sha256).not.toBe(a.sha256);
  });

  it('keeps the "mise en demeure" wording when the debtor reads English', async () => {
    const t = pdfText((await renderLetter(await letterFor('fr.mise-en-demeure', 'en', invs, 'FR'), { compress: false })).pdf);
    expect(t).toContain('FORMAL NOTICE (MISE EN DEMEURE)');
    expect(t).toContain('Sent by recorded delivery');
    expect(t).toContain('€1,240.00');
  });
});

describe('letter before action (UK)', () => {
  it('states statutory interest under the 1998 Act and the fixed sum by debt size', async () => {
    const inv = invoice('u1', 'm1', { number: 'INV-77', currency: 'GBP', dueDate: '2026-02-13', total: '2500.00', amountDue: '2500.00' });
    const t = pdfText((await renderLetter(await letterFor('en.letter-before-action', 'en', [inv], 'UK'), { compress: false })).pdf);
    expect(t).toContain('LETTER BEFORE ACTION');
    expect(t).toContain('INV-77');
    expect(t).toContain('£2,500.00');
    expect(t).toContain('Late Payment of Commercial Debts (Interest) Act 1998');
    // £1,000–£9,999.99 → £70 (law §5); rate 8 % + Bank Rate in force on 31 Dec 2025 (3.75 %) = 11.75 %.
    expect(t).toContain('Fixed-sum compensation: £70.00');
    const i = new Dec('2500').times('0.1175').times(31).div(365).toDecimalPlaces(2).toFixed(2);
    expect(t).toContain(`Statutory interest to date: £${i}`);
    expect(t).toContain('Pay by: 24 March 2026');
    expect(t).toContain('Invoice INV-77: fixed sum of £70.00 (Late Payment Act, s. 5A, for a debt of £1,000 to £9,999.99)');
    expect(t).toContain(`£2,500.00 × 11.75% × 31 days / 365, from 14 February 2026 to 16 March 2026 = £${i}`);
  });

  it('prints a UK creditor\'s registered name, number, part of the UK and registered office (trading disclosures)', async () => {
    const inv = invoice('u2', 'm1', { number: 'INV-78', currency: 'GBP', dueDate: '2026-02-13', total: '500.00', amountDue: '500.00' });
    const input = await letterFor('en.letter-before-action', 'en', [inv], 'UK');
    const uk = { name: 'Widgets Ltd', email: 'accounts@widgets.example', address: ['1 High Street', 'EC1A 1BB London'], country: 'GB' as const, legalForm: 'Ltd', companyNumber: '01234567', registeredIn: 'england_wales', vatNumber: 'GB123456789', city: 'London', contactName: 'Sam Smith' };
    const t = pdfText((await renderLetter({ ...input, company: uk }, { compress: false })).pdf);
    for (const s of ['Widgets Ltd', 'Registered in England and Wales, company no. 01234567', 'Registered office: 1 High Street, EC1A 1BB London', 'VAT no. GB123456789', 'London, 16 March 2026', 'Invoice INV-78: fixed sum of £40.00 (Late Payment Act, s. 5A, for a debt under £1,000)']) expect(t).toContain(s);
    expect(t).not.toContain('SIREN');
  });
});

describe('the portal on a letter', () => {
  it('prints a QR code that reads back as the portal address, and the short address beneath it to type by hand', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { PNG } = await import('pngjs');
    const url = 'https://relance.example/p/7K3M-9QXD-A2BC-DEFG-HJKM-NP';
    const base = await letterFor('fr.mise-en-demeure', 'fr', [invoice('q1', 'm1', { number: 'F-2026-009', dueDate: '2026-02-13' })], 'FR');
    const input = { ...base, vars: { ...base.vars, portal: { link: url } } };
    const letter = await renderLetter(input, { compress: false });
    const text = pdfText(letter.pdf);
    expect(text).toContain('Votre relevé et vos réponses en ligne');
    expect(text).toContain(url);
    const dir = mkdtempSync(join(tmpdir(), 'relance-qr-'));
    writeFileSync(join(dir, 'letter.pdf'), letter.pdf);
    execFileSync('pdftoppm', ['-r', '150', '-png', join(dir, 'letter.pdf'), join(dir, 'page')]);
    const pages = execFileSync('ls', [dir]).toString().split('\n').filter((f) => f.startsWith('page') && f.endsWith('.png'));
    const found = pages.map((f) => {
      const png = PNG.sync.read(readFileSync(join(dir, f)));
      return jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height)?.data ?? null;
    });
    expect(found.filter(Boolean)).toEqual([url]);
    // Kept to be looked at, beside the browser walks' screenshots.
    const shots = join(process.cwd(), 'test-artifacts', 'screenshots');
    execFileSync('mkdir', ['-p', shots]);
    writeFileSync(join(shots, 'letter-portal-qr.png'), readFileSync(join(dir, pages[pages.length - 1]!)));
    // No link, no QR code.
    const bare = await renderLetter(base, { compress: false });
    expect(pdfText(bare.pdf)).not.toContain('Votre relevé et vos réponses en ligne');
  });
});
