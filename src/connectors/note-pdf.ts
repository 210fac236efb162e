// A short text note as a one-page PDF, for the providers whose attachments take documents only (Pennylane's invoice
// appendices: images and PDF). pdfkit is the project's PDF library (the letters); it is loaded at the first note, so
// a worker that writes none does not carry it.
import type PDFKitDocument from 'pdfkit';

let loaded: Promise<typeof PDFKitDocument> | undefined;

/**
 * `lines` on an A4 page in Helvetica 11 pt, under `title` (the document's title too). Uncompressed: a note weighs a
 * few kB either way, and its text stays readable by a plain text search of the file.
 */
export async function notePdf(title: string, lines: readonly string[]): Promise<Uint8Array> {
  const PDFDocument = await (loaded ??= import('pdfkit').then((m) => m.default));
  const doc = new PDFDocument({ size: 'A4', margin: 56, compress: false, info: { Title: title, Creator: 'Relance', Producer: 'Relance' } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(12).text(title);
  doc.moveDown(0.5).font('Helvetica').fontSize(11);
  for (const line of lines) doc.text(line);
  doc.end();
  return done;
}
