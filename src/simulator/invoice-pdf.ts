// The invoice PDF a simulated provider serves (QuickBooks `GET /invoice/{id}/pdf`, Xero `GET /Invoices/{id}` with
// `Accept: application/pdf`, Sage `GET /sales_invoices/{id}` likewise, Pennylane's public file link): a small, real
// PDF naming the invoice, so a test can read it back with pdftotext and know which document it got. The real ones
// carry the company's own layout; no client of ours depends on what is printed inside.
import PDFDocument from 'pdfkit';

export interface SimulatedInvoiceDocument {
  company: string;
  customer: string;
  number: string;
  issueDate: string;
  dueDate: string;
  /** Decimal string, as printed. */
  total: string;
  currency: string;
  /** A credit note prints its own title. */
  title?: string;
}

export function renderInvoicePdf(d: SimulatedInvoiceDocument): Promise<Uint8Array> {
  const fixed = new Date(`${d.issueDate}T00:00:00Z`);
  const doc = new PDFDocument({ size: 'A4', margin: 56, compress: false, info: { CreationDate: fixed, ModDate: fixed, Producer: 'simulator', Title: `${d.title ?? 'Invoice'} ${d.number}` } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(16).text(d.company);
  doc.moveDown().font('Helvetica').fontSize(12).text(`${d.title ?? 'Invoice'} ${d.number}`);
  doc.text(`Customer: ${d.customer}`);
  doc.text(`Issued: ${d.issueDate}  Due: ${d.dueDate}`);
  doc.text(`Total: ${d.total} ${d.currency}`);
  doc.end();
  return done;
}

/** A PDF answer, as the providers send one. */
export function pdfResponse(bytes: Uint8Array, filename: string): Response {
  return new Response(bytes, { status: 200, headers: { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${filename}"` } });
}
