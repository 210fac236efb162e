// The customer's statement as a PDF from the portal: the company, the customer, every open invoice with its dates,
// total and amount due, the open credits and the total, in the customer's language. Amounts are formatted from their
// decimal strings (actions/format.ts), with the no-break spaces the PDF's standard fonts can draw.
import PDFDocument from 'pdfkit';
import { Dec, daysBetween, formatAmount, type Invoice } from '../model/index.js';
import { formatDate, formatMoney, type Language } from '../actions/format.js';

type Words = Record<'title' | 'at' | 'customer' | 'invoice' | 'issued' | 'due' | 'total' | 'amountDue' | 'late' | 'days' | 'totalDue' | 'credits' | 'nothing', string>;
const W: Record<Language, Words> = {
  fr: { title: 'Relevé de compte', at: 'au', customer: 'Client', invoice: 'Facture', issued: 'Émise le', due: 'Échéance', total: 'Montant TTC', amountDue: 'Reste à payer', late: 'Retard', days: 'j', totalDue: 'Total restant dû', credits: 'Avoirs en votre faveur', nothing: 'Aucune facture ouverte.' },
  en: { title: 'Statement of account', at: 'at', customer: 'Customer', invoice: 'Invoice', issued: 'Issued', due: 'Due', total: 'Total', amountDue: 'Amount due', late: 'Overdue', days: 'd', totalDue: 'Total due', credits: 'Credit notes in your favour', nothing: 'No open invoice.' },
};

export interface StatementInput {
  company: string;
  customer: string;
  today: string;
  lang: Language;
  invoices: readonly Invoice[];
  credits: readonly { number: string; remaining: string; currency: string }[];
}

export async function statementPdf(input: StatementInput): Promise<Buffer> {
  const w = W[input.lang];
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `${w.title} – ${input.customer}`, Author: input.company, CreationDate: new Date(`${input.today}T00:00:00Z`) } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.font('Helvetica-Bold').fontSize(12).text(input.company);
  doc.moveDown(1.5).fontSize(16).text(`${w.title} ${w.at} ${formatDate(input.today, input.lang)}`);
  doc.font('Helvetica').fontSize(10).moveDown(0.5).text(`${w.customer} : ${input.customer}`);
  doc.moveDown(1);
  const cols = [50, 140, 220, 300, 390, 480];
  const row = (cells: string[], bold = false) => {
    const y = doc.y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    cells.forEach((cell, i) => doc.text(cell, cols[i]!, y, { width: (cols[i + 1] ?? 545) - cols[i]! - 6, align: i >= 3 ? 'right' : 'left' }));
    doc.moveDown(0.4);
  };
  if (input.invoices.length === 0) doc.text(w.nothing);
  else {
    row([w.invoice, w.issued, w.due, w.total, w.amountDue, w.late], true);
    for (const i of input.invoices) {
      const late = daysBetween(i.dueDate, input.today);
      row([i.number ?? '—', formatDate(i.issueDate, input.lang), formatDate(i.dueDate, input.lang), formatMoney(i.total, i.currency, input.lang), formatMoney(i.amountDue, i.currency, input.lang), late > 0 ? `${late} ${w.days}` : '—']);
    }
    doc.moveDown(0.5);
    for (const cur of [...new Set(input.invoices.map((i) => i.currency))]) {
      const sum = input.invoices.filter((i) => i.currency === cur).reduce((a, i) => a.plus(i.amountDue), new Dec(0));
      doc.font('Helvetica-Bold').text(`${w.totalDue} : ${formatMoney(formatAmount(sum, cur), cur, input.lang)}`, 50, doc.y, { align: 'right', width: 495 });
    }
  }
  if (input.credits.length) {
    doc.moveDown(1).font('Helvetica').text(`${w.credits} : ${input.credits.map((c) => `${c.number} (${formatMoney(c.remaining, c.currency, input.lang)})`).join(', ')}`, 50);
  }
  doc.end();
  return done;
}
