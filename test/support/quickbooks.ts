// Test wiring for QuickBooks: a simulator behind msw, a tenant connected through the real OAuth flow, sync dependencies.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { quickbooks } from '../../connectors/quickbooks/index.js';
import { clientConfigFor } from '../../src/connectors/clients.js';
import { createMemoryRateGate } from '../../src/connectors/rate-gate.js';
import { ConnectorRegistry } from '../../src/connectors/registry.js';
import type { OAuthClientConfig } from '../../src/connectors/types.js';
import type { Sql } from '../../src/store/db.js';
import { saveCredentials, updateConnection } from '../../src/store/tenants.js';
import type { SyncDeps } from '../../src/sync/engine.js';
import { mapperResolver } from '../../src/sync/mappers.js';
import { createQuickBooksSimulator, type QuickBooksSimulator, type QuickBooksSimulatorOptions } from '../simulators/quickbooks/index.js';
import { newTenant } from './db.js';

export const TEST_SECRET_KEY = Buffer.alloc(32, 7);

/** One simulator per test file, intercepted by msw for every request the code under test makes. */
export function useQuickBooksSimulator(options: QuickBooksSimulatorOptions) {
  const sim = createQuickBooksSimulator(options);
  const server = setupServer(...sim.handlers);
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return { sim, server };
}

export function simulatorClient(sim: QuickBooksSimulator): OAuthClientConfig {
  return {
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    redirectUri: 'http://127.0.0.1:8787/oauth/quickbooks/callback',
    endpoints: { api: sim.baseUrls.api, authorize: sim.baseUrls.authorize, token: sim.baseUrls.token, revoke: sim.baseUrls.revoke },
  };
}

/** Connects a new tenant through the real flow: authorize URL → simulator consent → code exchange → encrypted tokens. */
export async function connectQuickBooks(sql: Sql, sim: QuickBooksSimulator) {
  const t = await newTenant(sql, 'quickbooks');
  const client = simulatorClient(sim);
  const app = { clientId: client.clientId, clientSecret: client.clientSecret, webhookSecret: sim.verifierToken, endpoints: client.endpoints! };
  await sql`update connections set settings = ${JSON.stringify({ app })}::text::jsonb where id = ${t.connection.id}`;
  const authorize = new URL(quickbooks.auth.authorizeUrl(client, 'state-123'));
  const callback = new URL(sim.oauth.authorize({ redirectUri: client.redirectUri, state: authorize.searchParams.get('state')!, scope: authorize.searchParams.get('scope')! }));
  const params = Object.fromEntries(callback.searchParams.entries());
  const { tokens, externalTenantId } = await quickbooks.auth.exchangeCode(client, params['code']!, params);
  await saveCredentials(sql, TEST_SECRET_KEY, t.tenant.id, t.connection.id, tokens);
  await updateConnection(sql, t.tenant.id, t.connection.id, { externalTenantId });
  return { ...t, client, realmId: externalTenantId };
}

/**
 * A gate on a virtual clock: waiting out a 60-second throttle pause moves the clock instead of the test.
 * The windows themselves stay on real time (tests never fill them).
 */
export function fastGate() {
  let skew = 0;
  return createMemoryRateGate({ now: () => Date.now() + skew, sleep: async (ms) => void (skew += ms) });
}

export function syncDeps(sql: Sql, patch: Partial<SyncDeps> = {}): SyncDeps {
  return {
    sql,
    secretKey: TEST_SECRET_KEY,
    registry: new ConnectorRegistry([quickbooks]),
    gate: fastGate(),
    clientConfig: (provider, connection) => clientConfigFor({ apps: {}, HOST: '127.0.0.1', PORT: 8787, PUBLIC_URL: undefined }, provider, connection),
    mappers: mapperResolver(sql),
    sleep: async () => undefined,
    ...patch,
  };
}
