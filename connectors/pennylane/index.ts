// The Pennylane connector: everything src/ needs, declared in one object.
import type { Connector } from '../../src/connectors/types.js';
import { ProviderRejected } from '../../src/connectors/errors.js';
import { readPdf } from '../../src/connectors/pdf.js';
import { auth } from './auth.js';
import { PROVIDER, RATE_LIMITS, apiBaseUrl, classifyError, defaultHeaders } from './client.js';
import { streams } from './streams.js';
import { webhooks } from './webhooks.js';
import { writeback } from './writeback.js';

export const pennylane: Connector = {
  provider: PROVIDER,
  displayName: 'Pennylane',
  auth,
  rateLimits: RATE_LIMITS,
  apiBaseUrl,
  defaultHeaders,
  classifyError,
  streams,
  webhooks,
  writeback,
  // Pennylane's API serves no PDF itself: a customer invoice carries public_file_url, a link on the app's own origin
  // that anyone holding it can read. Read fresh (links are not kept: see mappings/pennylane/invoice.jsonata), then
  // followed without the token; the HTTP layer refuses a link to any other origin.
  async invoicePdf(ctx, id) {
    let url: unknown;
    try {
      const { data } = await ctx.http.get<{ public_file_url?: unknown }>(`/customer_invoices/${encodeURIComponent(id)}`);
      url = data.public_file_url;
    } catch (err) {
      if (err instanceof ProviderRejected) return null;
      throw err;
    }
    return typeof url === 'string' && url ? readPdf(ctx.http, url, { anonymous: true }) : null;
  },
  // Pennylane companies keep their books in euros; invoices carry their own currency.
  async mappingContext() {
    return { provider: PROVIDER, homeCurrency: 'EUR', organisationTimeZone: 'Europe/Paris' };
  },
};

export default pennylane;
