// The Pennylane connector: everything src/ needs, declared in one object.
import type { Connector } from '../../src/connectors/types.js';
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
  // Pennylane companies keep their books in euros; invoices carry their own currency.
  async mappingContext() {
    return { provider: PROVIDER, homeCurrency: 'EUR', organisationTimeZone: 'Europe/Paris' };
  },
};

export default pennylane;
