// The page layout and number formats shared by the legal documents Relance prints (recovery file, claim declaration):
// one deterministic A4 pdfkit document with sections, paragraphs, bookmarks and numbered pages; money, dates, rates.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import { Dec } from '../model/index.js';

// The documents print names such as "Łódź", "Ødegaard" or "Œillet": the PDF standard fonts (WinAnsi) cannot, so the
// body is DejaVu Sans Condensed (about Helvetica's width; Latin Extended, Greek, Cyrillic), embedded and subset by pdfkit. From the dejavu-fonts-ttf
// package (Bitstream Vera licence, DejaVu changes in the public domain: free to embed and redistribute).
const FONT_DIR = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
export const BODY = 'Body';
export const BODY_BOLD = 'Body-Bold';

/** Registers the body fonts on `doc` and selects the regular one. */
export function useLatinExtended(doc: PDFKit.PDFDocument): void {
  doc.registerFont(BODY, join(FONT_DIR, 'DejaVuSansCondensed.ttf'));
  doc.registerFont(BODY_BOLD, join(FONT_DIR, 'DejaVuSansCondensed-Bold.ttf'));
  doc.font(BODY);
}

export type FileLanguage = 'fr' | 'en';

/** 1234.5 EUR → "1 234,50 €" (fr) / "€1,234.50" (en); exact decimals, never a float. */
export function money(amount: string, currency: string, lang: FileLanguage): string {
  const [int, frac = '00'] = new Dec(amount).toFixed(2).split('.') as [string, string];
  const neg = int.startsWith('-');
  const digits = neg ? int.slice(1) : int;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'fr' ? '\u00a0' : ',');
  const sym = currency === 'EUR' ? '€' : currency === 'GBP' ? '£' : currency;
  const sign = neg ? '-' : '';
  return lang === 'fr' ? `${sign}${grouped},${frac}\u00a0${sym}` : `${sign}${sym}${grouped}.${frac}`;
}

/** YYYY-MM-DD → DD/MM/YYYY (the order both French and UK readers use). */
export function day(date: string): string {
  const [y, mo, d] = date.split('-');
  return `${d}/${mo}/${y}`;
}

export function pct(rate: string, lang: FileLanguage): string {
  return lang === 'fr' ? `${rate.replace('.', ',')}\u00a0%` : `${rate}%`;
}

/** 2025-H1 → "1er semestre 2025" / "first half of 2025"; anything else as given. */
export function periodLabel(period: string, lang: FileLanguage): string {
  const m = /^(\d{4})-H([12])$/.exec(period);
  if (!m) return period;
  if (lang === 'fr') return `${m[2] === '1' ? '1er' : '2e'} semestre ${m[1]}`;
  return `${m[2] === '1' ? 'first' : 'second'} half of ${m[1]}`;
}

export interface LegalPdf {
  doc: PDFKit.PDFDocument;
  left: number;
  width: number;
  /** Sections opened so far, with the page each starts on (1-based). */
  contents: Array<{ title: string; page: number }>;
  /** A new page headed `title`, with its bookmark. */
  section(title: string): void;
  /** A paragraph at the left margin. */
  p(text: string, opts?: { bold?: boolean; size?: number }): void;
  /** A table: a bold header row, then the rows; columns as fractions of the width, figures right-aligned; repeats the header on a new page. */
  table(columns: ReadonlyArray<{ title: string; share: number; right?: boolean }>, rows: ReadonlyArray<ReadonlyArray<string>>, opts?: { size?: number; boldLast?: boolean }): void;
  /** Numbers every page ("Page n / N") and ends the document. */
  finish(pageWord: string): Promise<{ pdf: Buffer; sha256: string }>;
}

/**
 * Opens an A4 document whose bytes depend only on its inputs (creation and modification dates fixed to `date`), so
 * equal inputs give equal files and a stored hash proves which file was sent. Page 1 is open: the caller writes on it
 * at once, or keeps it for a cover written last (`doc.switchToPage(0)`).
 */
export function openLegalPdf(meta: { date: string; title: string; author: string }): LegalPdf {
  const fixed = new Date(`${meta.date}T00:00:00Z`);
  const doc = new PDFDocument({ size: 'A4', margin: 56, bufferPages: true, info: { CreationDate: fixed, ModDate: fixed, Producer: 'Relance', Creator: 'Relance', Title: meta.title, Author: meta.author } });
  useLatinExtended(doc);
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  const ended = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const contents: Array<{ title: string; page: number }> = [];
  return {
    doc,
    left,
    width,
    contents,
    section(title) {
      doc.addPage();
      contents.push({ title, page: doc.bufferedPageRange().count });
      doc.outline.addItem(title);
      doc.font(BODY_BOLD).fontSize(14).text(title, left, doc.page.margins.top, { width });
      doc.moveDown(0.6).font(BODY).fontSize(10);
    },
    p(text, opts = {}) {
      doc.font(opts.bold ? BODY_BOLD : BODY).fontSize(opts.size ?? 10).text(text, left, doc.y, { width });
      doc.moveDown(0.3);
    },
    table(columns, rows, opts = {}) {
      const size = opts.size ?? 8;
      const total = columns.reduce((a, c) => a + c.share, 0);
      const widths = columns.map((c) => (c.share / total) * width);
      const pad = 3;
      const row = (cells: ReadonlyArray<string>, bold: boolean) => {
        doc.font(bold ? BODY_BOLD : BODY).fontSize(size);
        const height = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: widths[i]! - 2 * pad }))) + 2 * pad;
        if (doc.y + height > doc.page.height - doc.page.margins.bottom) {
          doc.addPage();
          if (!bold) row(columns.map((c) => c.title), true);
        }
        const y = doc.y;
        let x = left;
        cells.forEach((c, i) => {
          doc.text(c, x + pad, y + pad, { width: widths[i]! - 2 * pad, align: columns[i]!.right ? 'right' : 'left' });
          x += widths[i]!;
        });
        doc.moveTo(left, y + height).lineTo(left + width, y + height).lineWidth(0.5).strokeColor('#999999').stroke();
        doc.y = y + height;
      };
      row(columns.map((c) => c.title), true);
      rows.forEach((r, i) => row(r, opts.boldLast === true && i === rows.length - 1));
      doc.x = left;
      doc.moveDown(0.6).font(BODY).fontSize(10);
    },
    finish(pageWord) {
      const range = doc.bufferedPageRange();
      for (let i = 0; i < range.count; i++) {
        doc.switchToPage(i);
        const bottom = doc.page.margins.bottom;
        doc.page.margins.bottom = 0;
        doc.font(BODY).fontSize(8).text(`${pageWord} ${i + 1} / ${range.count}`, left, doc.page.height - 36, { width, align: 'center', lineBreak: false });
        doc.page.margins.bottom = bottom;
      }
      doc.end();
      return ended.then((pdf) => ({ pdf, sha256: createHash('sha256').update(pdf).digest('hex') }));
    },
  };
}
