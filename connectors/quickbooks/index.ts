// The QuickBooks Online connector: everything src/ needs, declared in one object.
import type { Connector } from '../../src/connectors/types.js';
import { auth } from './auth.js';
import { ProviderRejected } from '../../src/connectors/errors.js';
import { readPdf } from '../../src/connectors/pdf.js';
import { MINOR_VERSION, PROVIDER, RATE_LIMITS, apiBaseUrl, classifyError, companyPath, defaultHeaders } from './client.js';
import { streams } from './streams.js';
import { webhooks } from './webhooks.js';
import { writeback } from './writeback.js';

export const quickbooks: Connector = {
  provider: PROVIDER,
  displayName: 'QuickBooks Online',
  auth,
  rateLimits: RATE_LIMITS,
  apiBaseUrl,
  defaultHeaders,
  classifyError,
  streams,
  webhooks,
  writeback,
  // "Get invoice as PDF": GET /invoice/{id}/pdf, formatted with the company's custom form styles.
  invoicePdf: (ctx, id) => readPdf(ctx.http, companyPath(ctx.externalTenantId, `invoice/${encodeURIComponent(id)}/pdf`), { params: { minorversion: MINOR_VERSION } }),
  // Single-currency companies omit CurrencyRef: the mapping falls back to the home currency.
  async mappingContext(ctx) {
    try {
      const { data } = await ctx.http.get<{ Preferences?: { CurrencyPrefs?: { HomeCurrency?: { value?: string } } } }>(companyPath(ctx.externalTenantId, 'preferences'), {
        params: { minorversion: MINOR_VERSION },
      });
      return { provider: PROVIDER, homeCurrency: data.Preferences?.CurrencyPrefs?.HomeCurrency?.value ?? null };
    } catch (err) {
      // Without preferences, records that carry CurrencyRef still map; the others are quarantined with the reason.
      if (err instanceof ProviderRejected) return { provider: PROVIDER, homeCurrency: null };
      throw err;
    }
  },
};

export default quickbooks;
