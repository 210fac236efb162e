// Xero's online invoice: the page a customer opens to see (and, where the organisation set it up, pay) a sales invoice.
// GET /Invoices/{InvoiceID}/OnlineInvoice answers { OnlineInvoices: [{ OnlineInvoiceUrl }] }, one invoice per call; Xero
// makes none for a draft or a deleted invoice (a ValidationException), which leaves that invoice without a link.
import { ProviderRejected } from '../../src/connectors/errors.js';
import { readPdf } from '../../src/connectors/pdf.js';
import type { Connector } from '../../src/connectors/types.js';

interface OnlineInvoices {
  OnlineInvoices?: { OnlineInvoiceUrl?: string | null }[];
}

export const documentLinks: NonNullable<Connector['documentLinks']> = async (ctx, invoiceIds) => {
  const links: Record<string, string> = {};
  for (const id of invoiceIds) {
    try {
      const { data } = await ctx.http.get<OnlineInvoices>(`/Invoices/${encodeURIComponent(id)}/OnlineInvoice`);
      const url = data.OnlineInvoices?.[0]?.OnlineInvoiceUrl;
      if (url && /^https:\/\//.test(url)) links[id] = url;
    } catch (err) {
      // No online invoice for this one (draft, deleted, unknown): the message goes without its link.
      if (!(err instanceof ProviderRejected)) throw err;
    }
  }
  return links;
};

/**
 * The invoice as a PDF: GET /Invoices/{InvoiceID} with Accept: application/pdf (getInvoiceAsPdf in Xero's
 * xero_accounting.yaml, whose x-path is /Invoices/{InvoiceID}).
 */
export const invoicePdf: NonNullable<Connector['invoicePdf']> = (ctx, id) => readPdf(ctx.http, `/Invoices/${encodeURIComponent(id)}`);
