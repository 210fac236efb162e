// Formal letters as PDF (mise en demeure, UK letter before action, or a reminder sent by post): deterministic bytes, so the sha256 is a proof.
import { createHash } from 'node:crypto';
import PDFDocument from 'pdfkit';
import type { Language } from './format.js';
import type { Family } from './templates/catalog.js';
import type { RenderedMessage } from './templates.js';
import type { MessageVars } from './vars.js';

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
  place?: string | null;
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
    siren: 'SIREN',
    title: 'MISE EN DEMEURE',
    date: 'Le',
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
    siren: 'Company no.',
    title: 'LETTER BEFORE ACTION',
    date: 'Date',
  },
};

/** The words a formal notice must carry (law §3.3 item 2): "mise en demeure" for French law, whatever the language. */
function formalTitle(family: Family, lang: Language): string {
  if (family === 'FR') return lang === 'fr' ? 'MISE EN DEMEURE' : 'FORMAL NOTICE (MISE EN DEMEURE)';
  return L[lang].title as string;
}

/**
 * Renders the letter. Parties, the statement table, the legal basis, the deadline and the registered-post
 * line are laid out by code after the template body, so an edited template cannot drop what §3.3 requires.
 */
export function renderLetter(input: LetterInput, opts: { compress?: boolean } = {}): Promise<Letter> {
  const t = L[input.language];
  const v = input.vars;
  const fixed = new Date(`${input.date}T00:00:00Z`);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    compress: opts.compress ?? true,
    // Fixed dates and ids: pdfkit derives the file /ID from the info dictionary, so equal inputs give equal bytes.
    info: { CreationDate: fixed, ModDate: fixed, Producer: 'Relance', Creator: 'Relance', Title: input.message.subject },
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

  // Creditor, top left.
  const top = doc.y;
  doc.font('Helvetica-Bold').text(v.company.name, left, top, { width: width / 2 });
  doc.font('Helvetica');
  if (v.company.address) doc.text(v.company.address, { width: width / 2 });
  if (v.company.siren) doc.text(`${t.siren} ${v.company.siren}`, { width: width / 2 });
  if (v.company.email) doc.text(v.company.email, { width: width / 2 });
  const afterCreditor = doc.y;

  // Debtor, right, where a window envelope shows it.
  doc.font('Helvetica-Bold').text(v.customer.name, left + width / 2, top + 60, { width: width / 2 });
  doc.font('Helvetica');
  if (v.customer.address) doc.text(v.customer.address, { width: width / 2 });
  doc.x = left;
  doc.y = Math.max(afterCreditor, doc.y) + 20;

  doc.text(`${input.place ? `${input.place}, ` : ''}${t.date} ${v.today}`, left, doc.y, { width, align: 'right' });
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

  // Statement (§3.3 item 3 and 4): per invoice, then totals, rate, legal basis, daily accrual, deadline.
  doc.font('Helvetica-Bold').text(`${t.statement} ${v.today}`, left, doc.y, { width });
  doc.font('Helvetica').fontSize(8).moveDown(0.3);
  const cols = [t.invoice, t.issued, t.due, t.total, t.paid, t.balance, t.interest, t.indemnity] as string[];
  const cw = width / cols.length;
  const row = (cells: string[], bold = false) => {
    const y = doc.y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    let h = 0;
    cells.forEach((c, i) => {
      doc.text(c, left + i * cw, y, { width: cw - 4, align: i >= 3 ? 'right' : 'left' });
      h = Math.max(h, doc.y - y);
      doc.y = y;
    });
    doc.y = y + h + 2;
    doc.x = left;
  };
  row(cols, true);
  for (const i of v.invoices) row([i.number, i.issue_date, i.due_date, i.total, i.paid, i.amount_due, i.interest ?? '', i.compensation ?? '']);
  for (const c of v.credits) row([`${t.credit} ${c.number}`, '', '', '', '', `-${c.remaining}`, '', '']);
  doc.fontSize(10).moveDown(0.5);
  const line = (label: string, value: string, bold = false) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').text(`${label} : ${value}`, left, doc.y, { width });
  };
  line(t.totalDue as string, v.total_due);
  if (v.has_credits) line(t.netDue as string, v.net_due);
  if (v.penalties) {
    line(t.interestTotal as string, v.penalties.interest);
    line(t.indemnityTotal as string, v.penalties.compensation);
    line(t.rate as string, v.penalties.rate);
    line(t.claimed as string, v.penalties.total_claimed, true);
    line(t.daily as string, v.penalties.daily);
    doc.moveDown(0.5).font('Helvetica').fontSize(8).text(v.penalties.basis, left, doc.y, { width }).fontSize(10);
  }
  doc.moveDown(0.5);
  line(t.deadline as string, v.deadline, true);
  doc.end();
  return done;
}
