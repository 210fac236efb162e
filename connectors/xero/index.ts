// The Xero connector: everything src/ needs, declared in one object.
import type { Connector } from '../../src/connectors/types.js';
import { auth } from './auth.js';
import { documentLinks, invoicePdf } from './documents.js';
import { PROVIDER, RATE_LIMITS, apiBaseUrl, classifyError, defaultHeaders } from './client.js';
import { streams } from './streams.js';
import { webhooks } from './webhooks.js';
import { writeback } from './writeback.js';

export const xero: Connector = {
  provider: PROVIDER,
  displayName: 'Xero',
  auth,
  rateLimits: RATE_LIMITS,
  apiBaseUrl,
  defaultHeaders,
  classifyError,
  streams,
  webhooks,
  writeback,
  documentLinks,
  invoicePdf,
  async mappingContext(ctx) {
    const { data } = await ctx.http.get<{ Organisations?: { BaseCurrency?: string; Timezone?: string }[] }>('/Organisation');
    const org = data.Organisations?.[0];
    return { provider: PROVIDER, homeCurrency: org?.BaseCurrency ?? null, organisationTimeZone: org?.Timezone ?? null };
  },
};

export default xero;
