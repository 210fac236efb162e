// Formal letters as PDF (mise en demeure, UK letter before action, or a reminder sent by post): deterministic bytes, so the sha256 is a proof.
import { createHash } from 'node:crypto';
import type PDFKitDocument from 'pdfkit';
import type QRCodeLib from 'qrcode';
import type { Language } from './format.js';
import type { Family } from './templates/catalog.js';
import type { RenderedMessage } from './templates.js';
import { legalLine, letterheadLines } from './letterhead.js';
import type { CompanyProfile, MessageVars } from './vars.js';

export interface LetterInput {
  /** Business date printed on the letter (YYYY-MM-DD); also the PDF's fixed creation date. */
  date: string;
  family: Family;
  language: Language;
  /** A formal notice (mise en demeure / letter before action) rather than a reminder on paper. */
  formal: boolean;
  vars: MessageVars;
  /** Rendered template: subject is the "Objet", text is the body. */
  message: RenderedMessage;
  /** Registered post with acknowledgement of receipt (LRAR) and its number once known. */
  registered: boolean;
  trackingNumber?: string | null;
  /** Where the letter is written from; the registered office's city by default. */
  place?: string | null;
  /** The sender's full profile (letterhead, logo, legal footer); `vars.company` alone gives a name-only letterhead. */
  company?: CompanyProfile;
}

export interface Letter {
  pdf: Buffer;
  sha256: string;
}

const L: Record<Language, Record<string, string>> = {
  fr: {
    registered: 'Lettre recommandée avec accusé de réception',
    tracking: 'N° de recommandé',
    subject: 'Objet',
    statement: 'Décompte des sommes dues au',
    invoice: 'Facture',
    issued: 'Émise le',
    due: 'Échéance',
    total: 'Montant TTC',
    paid: 'Réglé',
    balance: 'Solde',
    interest: 'Pénalités',
    indemnity: 'Indemnité',
    credit: 'Avoir',
    totalDue: 'Total du principal restant dû',
    netDue: 'Solde après avoirs',
    interestTotal: 'Pénalités de retard à ce jour',
    indemnityTotal: 'Indemnités forfaitaires',
    claimed: 'Total réclamé',
    rate: 'Taux appliqué',
    daily: 'Les pénalités continuent de courir, soit environ par jour',
    deadline: 'Date limite de paiement',
    deadlineFromReceipt: 'jours à compter de la réception de la présente lettre',
    portalTitle: 'Votre relevé et vos réponses en ligne',
    portalText: 'Scannez ce code ou saisissez l’adresse ci-dessous : vos factures, et pour répondre sans écrire (contestation, date de paiement, échéancier, déjà payé).',
    periodLine: 'Facture {number} : {balance} × {rate} × {days} jours / 365, du {from} au {to} = {interest}',
    indemnityLine: 'Indemnité forfaitaire pour frais de recouvrement (art. D441-5 du Code de commerce) : {amount} par facture en retard',
    interestDetail: 'Calcul des pénalités de retard (art. L441-10 du Code de commerce)',
    ukFixedLine: 'Facture {number} : indemnité forfaitaire de {amount} (section 5A du Late Payment Act, créance {band})',
    siren: 'SIREN',
    title: 'MISE EN DEMEURE',
    date: 'le',
  },
  en: {
    registered: 'Sent by recorded delivery (signed for)',
    tracking: 'Tracking number',
    subject: 'Subject',
    statement: 'Statement of amounts due as at',
    invoice: 'Invoice',
    issued: 'Issued',
    due: 'Due',
    total: 'Total',
    paid: 'Paid',
    balance: 'Balance',
    interest: 'Interest',
    indemnity: 'Fixed sum',
    credit: 'Credit note',
    totalDue: 'Total principal outstanding',
    netDue: 'Balance after credits',
    interestTotal: 'Statutory interest to date',
    indemnityTotal: 'Fixed-sum compensation',
    claimed: 'Total claimed',
    rate: 'Rate applied',
    daily: 'Interest continues to accrue at about, per day',
    deadline: 'Pay by',
    deadlineFromReceipt: 'days from receipt of this letter',
    portalTitle: 'Your statement and answers online',
    portalText: 'Scan this code or type the address below: your invoices, and a way to answer without writing (dispute, payment date, payment plan, already paid).',
    periodLine: 'Invoice {number}: {balance} × {rate} × {days} days / 365, from {from} to {to} = {interest}',
    indemnityLine: 'Fixed-sum compensation: {amount} per late invoice',
    interestDetail: 'How the interest is calculated',
    ukFixedLine: 'Invoice {number}: fixed sum of {amount} (Late Payment Act, s. 5A, for a debt {band})',
    siren: 'Company no.',
    title: 'LETTER BEFORE ACTION',
    date: '',
  },
};

/** The words a formal notice must carry (law §3.3 item 2): "mise en demeure" for French law, whatever the language. */
function formalTitle(family: Family, lang: Language): string {
  if (family === 'FR') return lang === 'fr' ? 'MISE EN DEMEURE' : 'FORMAL NOTICE (MISE EN DEMEURE)';
  return L[lang].title as string;
}

/**
 * Renders the letter. Letterhead, parties, the statement table, the interest calculation with its legal basis, the
 * deadline, the registered-post line and the legal footer are laid out by code around the template body, so an edited
 * template cannot drop what law §3.3 and the business-correspondence mentions require.
 */
export async function renderLetter(input: LetterInput, opts: { compress?: boolean } = {}): Promise<Letter> {
  return layOut(await pdfLibraries(), input, opts);
}

interface PdfLibraries {
  PDFDocument: typeof PDFKitDocument;
  QRCode: typeof QRCodeLib;
}

let loaded: Promise<PdfLibraries> | null = null;

/** pdfkit and qrcode, loaded at the first letter: a worker that sends no letter does not carry them (tens of MB). */
function pdfLibraries(): Promise<PdfLibraries> {
  return (loaded ??= Promise.all([import('pdfkit'), import('qrcode')]).then(([pdf, qr]) => ({ PDFDocument: pdf.default, QRCode: qr.default })));
}

function layOut({ PDFDocument, QRCode }: PdfLibraries, input: LetterInput, opts: { compress?: boolean }): Promise<Letter> {
  const t = L[input.language];
  const lang = input.language;
  const v = input.vars;
  const company: CompanyProfile = input.company ?? { name: v.company.name, email: v.company.email, address: v.company.address ? v.company.address.split('\n') : [], siren: v.company.siren };
  const fixed = new Date(`${input.date}T00:00:00Z`);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    bufferPages: true,
    compress: opts.compress ?? true,
    // Fixed dates and ids: pdfkit derives the file /ID from the info dictionary, so equal inputs give equal bytes.
    info: { CreationDate: fixed, ModDate: fixed, Producer: 'Relance', Creator: 'Relance', Title: input.message.subject, Author: company.name },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Letter>((resolve, reject) => {
    doc.on('end', () => {
      const pdf = Buffer.concat(chunks);
      resolve({ pdf, sha256: createHash('sha256').update(pdf).digest('hex') });
    });
    doc.on('error', reject);
  });

  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  doc.font('Helvetica').fontSize(10);

  // Letterhead, top left: the logo, then the creditor's identity.
  const top = doc.y;
  let y = top;
  if (company.logo) {
    doc.image(company.logo.bytes, left, top, { fit: [150, 54] });
    y = top + 62;
  }
  const head = letterheadLines(company, lang);
  doc.font('Helvetica-Bold').fontSize(11).text(head.name, left, y, { width: width / 2 });
  doc.font('Helvetica').fontSize(8.5);
  for (const l of head.lines) doc.text(l, { width: width / 2 - 8 });
  doc.fontSize(10);
  const afterCreditor = doc.y;

  // Debtor, right, where a window envelope shows it.
  doc.font('Helvetica-Bold').text(v.customer.name, left + width / 2 + 20, top + 100, { width: width / 2 - 20 });
  doc.font('Helvetica');
  if (v.customer.contact) doc.text(v.customer.contact, { width: width / 2 - 20 });
  if (v.customer.address) doc.text(v.customer.address, { width: width / 2 - 20 });
  doc.x = left;
  doc.y = Math.max(afterCreditor, doc.y) + 20;

  const place = input.place ?? company.city ?? null;
  const dated = lang === 'fr' ? `${place ? `${place}, ` : ''}${t.date} ${v.today}` : `${place ? `${place}, ` : ''}${v.today}`;
  doc.text(dated.charAt(0).toUpperCase() + dated.slice(1), left, doc.y, { width, align: 'right' });
  doc.moveDown();
  if (input.registered) {
    doc.font('Helvetica-Bold').text(t.registered as string, left, doc.y, { width });
    doc.font('Helvetica');
    if (input.trackingNumber) doc.text(`${t.tracking} : ${input.trackingNumber}`, { width });
    doc.moveDown(0.5);
  }
  if (input.formal) {
    doc.font('Helvetica-Bold').fontSize(14).text(formalTitle(input.family, input.language), left, doc.y, { width, align: 'center' });
    doc.fontSize(10).moveDown(0.5);
  }
  doc.font('Helvetica-Bold').text(`${t.subject} : ${input.message.subject}`, left, doc.y, { width });
  doc.font('Helvetica').moveDown();
  doc.text(input.message.text.trim(), left, doc.y, { width, align: 'left' });
  doc.moveDown();

  // Statement (§3.3 item 3 and 4): per invoice, then totals, the interest per period with its rate, the fixed sum,
  // the legal basis, the daily accrual and the deadline.
  doc.font('Helvetica-Bold').text(`${t.statement} ${v.today}`, left, doc.y, { width });
  doc.font('Helvetica').fontSize(8).moveDown(0.3);
  const cols = [t.invoice, t.issued, t.due, t.total, t.paid, t.balance, t.interest, t.indemnity] as string[];
  const cw = width / cols.length;
  const row = (cells: string[], bold = false) => {
    const y0 = doc.y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    let h = 0;
    cells.forEach((c, i) => {
      doc.text(c, left + i * cw, y0, { width: cw - 4, align: i >= 3 ? 'right' : 'left' });
      h = Math.max(h, doc.y - y0);
      doc.y = y0;
    });
    doc.y = y0 + h + 2;
    doc.x = left;
  };
  row(cols, true);
  for (const i of v.invoices) row([i.number, i.issue_date, i.due_date, i.total, i.paid, i.amount_due, i.interest ?? '', i.compensation ?? '']);
  for (const c of v.credits) row([`${t.credit} ${c.number}`, '', '', '', '', `-${c.remaining}`, '', '']);
  doc.fontSize(10).moveDown(0.5);
  const line = (label: string, value: string, bold = false) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').text(`${label}${lang === 'fr' ? ' : ' : ': '}${value}`, left, doc.y, { width });
  };
  line(t.totalDue as string, v.total_due);
  if (v.has_credits) line(t.netDue as string, v.net_due);
  if (v.penalties) {
    line(t.interestTotal as string, v.penalties.interest);
    line(t.indemnityTotal as string, v.penalties.compensation);
    line(t.rate as string, v.penalties.rate);
    line(t.claimed as string, v.penalties.total_claimed, true);
    line(t.daily as string, v.penalties.daily);
    const periods = v.invoices.flatMap((i) => i.periods.map((p) => ({ number: i.number, ...p })));
    if (periods.length) {
      doc.moveDown(0.5).font('Helvetica-Bold').fontSize(9).text(t.interestDetail as string, left, doc.y, { width });
      doc.font('Helvetica').fontSize(8.5);
      for (const p of periods) doc.text(fill(t.periodLine as string, { ...p, days: String(p.days) }), left, doc.y, { width });
      const fixedSum = v.invoices.find((i) => i.compensation)?.compensation;
      if (fixedSum && input.family === 'FR') doc.text(fill(t.indemnityLine as string, { amount: fixedSum }), left, doc.y, { width });
      // UK: the fixed sum depends on the size of each debt (s. 5A: under £1,000, under £10,000, £10,000 or more).
      if (input.family === 'UK') for (const i of v.invoices) if (i.compensation) doc.text(fill(t.ukFixedLine as string, { number: i.number, amount: i.compensation, band: ukBand(i.compensation, lang) }), left, doc.y, { width });
    }
    doc.moveDown(0.5).font('Helvetica').fontSize(8).text(v.penalties.basis, left, doc.y, { width }).fontSize(10);
  }
  doc.moveDown(0.5);
  // A formal notice's deadline runs from receipt, a date the sender cannot know: stated as such, not as a date.
  line(t.deadline as string, input.formal && input.family === 'FR' ? `${v.deadline_days} ${t.deadlineFromReceipt}` : v.deadline, true);

  // The customer's portal (#22): a QR code, and the short address printed in full beneath it for typing by hand.
  if (v.portal.link) {
    const size = 84;
    doc.moveDown();
    if (doc.y + size + 20 > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const top = doc.y;
    drawQr(QRCode, doc, v.portal.link, left, top, size);
    const textLeft = left + size + 12;
    doc.font('Helvetica-Bold').fontSize(10).text(t.portalTitle as string, textLeft, top + 6, { width: width - size - 12 });
    doc.font('Helvetica').fontSize(9).text(t.portalText as string, textLeft, doc.y + 2, { width: width - size - 12 });
    doc.font('Courier-Bold').fontSize(10).text(v.portal.link, textLeft, doc.y + 4, { width: width - size - 12 });
    doc.font('Helvetica').fontSize(10).text('', left, Math.max(doc.y, top + size) + 4);
  }

  // The legal mentions at the foot of every page (C. com. R123-237: business correspondence).
  const foot = legalLine(company, lang);
  const pages = doc.bufferedPageRange();
  for (let i = pages.start; i < pages.start + pages.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(7).fillColor('#555555').text(foot, left, doc.page.height - 40, { width, align: 'center', lineBreak: true });
    doc.page.margins.bottom = bottom;
  }
  doc.fillColor('black');
  doc.end();
  return done;
}

/** A QR code drawn as vector squares (crisp at any print size), with its four-module quiet zone, error correction M. */
function drawQr(QRCode: typeof QRCodeLib, doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const cell = size / (modules.size + 8);
  doc.save().fillColor('black');
  for (let r = 0; r < modules.size; r++) for (let c = 0; c < modules.size; c++) if (modules.get(r, c)) doc.rect(x + (c + 4) * cell, y + (r + 4) * cell, cell, cell);
  doc.fill().restore();
}

/** The debt band of a UK fixed sum, from the sum itself (£40, £70, £100). */
function ukBand(amount: string, lang: Language): string {
  const n = Number(amount.replace(/[^0-9]/g, '')) / 100;
  const bands = lang === 'fr' ? ['inférieure à 1 000 £', 'de 1 000 £ à 9 999,99 £', 'de 10 000 £ ou plus'] : ['under £1,000', 'of £1,000 to £9,999.99', 'of £10,000 or more'];
  return n <= 40 ? bands[0]! : n <= 70 ? bands[1]! : bands[2]!;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_m, k: string) => values[k] ?? '');
}
