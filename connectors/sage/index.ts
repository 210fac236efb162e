// The Sage Accounting connector: everything src/ needs, declared in one object.
import type { Connector } from '../../src/connectors/types.js';
import { readPdf } from '../../src/connectors/pdf.js';
import { auth } from './auth.js';
import { PROVIDER, RATE_LIMITS, apiBaseUrl, classifyError, defaultHeaders } from './client.js';
import { streams } from './streams.js';
import { webhooks } from './webhooks.js';
import { writeback } from './writeback.js';

export const sage: Connector = {
  provider: PROVIDER,
  displayName: 'Sage Accounting',
  auth,
  rateLimits: RATE_LIMITS,
  apiBaseUrl,
  defaultHeaders,
  classifyError,
  streams,
  ...(webhooks ? { webhooks } : {}),
  writeback,
  // The PDF is the single read with Accept: application/pdf; mark_as_sent defaults to true, so it is always false here:
  // fetching evidence must not mark the customer's invoice as sent.
  invoicePdf: (ctx, id) => readPdf(ctx.http, `/sales_invoices/${encodeURIComponent(id)}`, { params: { mark_as_sent: 'false' } }),
  // No webhooks: polled every 15 minutes, which day-granular reminders need at most (reference B7).
  syncEveryMs: 15 * 60_000,
  // Access tokens live 5 minutes (expires_in: 300): refreshed a minute ahead, under the per-connection lock.
  refreshAheadMs: 60_000,
  // The business's base currency (GET /financial_settings); every document also carries its own.
  async mappingContext(ctx) {
    const { data } = await ctx.http.get<{ base_currency?: { id?: string } }>('/financial_settings');
    return { provider: PROVIDER, homeCurrency: data.base_currency?.id ?? null, organisationTimeZone: null };
  },
};

export default sage;
