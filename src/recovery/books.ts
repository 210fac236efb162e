// Where a recovery file reads the invoices' PDFs from: the company's books, through its connector. The provider is
// opened on the first invoice that needs reading (a file whose PDFs are all stored opens nothing).
import type { SyncDeps } from '../sync/engine.js';
import { openProvider } from '../sync/engine.js';
import type { InvoicePdfSource } from './invoice-documents.js';

export function invoicePdfFromBooks(deps: SyncDeps, tenantId: string, connectionId: string): InvoicePdfSource {
  let opened: ReturnType<typeof openProvider> | null = null;
  return async (invoiceExternalId) => {
    opened ??= openProvider(deps, tenantId, connectionId);
    const { connector, context } = await opened;
    return connector.invoicePdf ? connector.invoicePdf(context, invoiceExternalId) : null;
  };
}
