// Test wiring shared by every provider: a simulator behind msw, a tenant connected through the real OAuth flow, sync dependencies.
import { http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { createMemoryRateGate } from '../../src/connectors/rate-gate.js';
import { ConnectorRegistry } from '../../src/connectors/registry.js';
import type { Connector, OAuthClientConfig } from '../../src/connectors/types.js';
import type { ProviderSimulator } from '../../src/simulator/types.js';
import type { Sql } from '../../src/store/db.js';
import { saveCredentials, updateConnection } from '../../src/store/tenants.js';
import type { SyncDeps } from '../../src/sync/engine.js';
import { createSyncDeps } from '../../src/sync/deps.js';
import { newTenant } from './db.js';

export const TEST_SECRET_KEY = Buffer.alloc(32, 7);

/** One simulator per test file, intercepted by msw for every request the code under test makes. */
export function useSimulator<S extends ProviderSimulator>(sim: S) {
  const server = setupServer(...sim.handlers);
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return { sim, server };
}

export function simulatorClient(provider: string, sim: ProviderSimulator): OAuthClientConfig {
  return { clientId: sim.clientId, clientSecret: sim.clientSecret, redirectUri: `http://127.0.0.1:8787/oauth/${provider}/callback`, endpoints: { ...sim.baseUrls } };
}

/** Consent on the simulator, then the code exchange as the OAuth callback runs it (no tenant is stored). */
export async function exchangeOnSimulator(connector: Pick<Connector, 'auth'>, client: OAuthClientConfig, sim: ProviderSimulator) {
  const authorize = new URL(connector.auth.authorizeUrl(client, 'state-1'));
  const callback = new URL(sim.oauth.authorize({ redirectUri: client.redirectUri, state: 'state-1', scope: authorize.searchParams.get('scope') ?? '' }));
  const params = Object.fromEntries(callback.searchParams.entries());
  return connector.auth.exchangeCode(client, params['code']!, params);
}

/** Answers GET `url` with `answers` in turn (the last one repeats); returns the Authorization headers and URLs seen. */
export function answerGet(server: ReturnType<typeof setupServer>, url: string, ...answers: (() => Response)[]) {
  const seen: { authorization: string; url: string }[] = [];
  server.use(http.get(url, ({ request }) => {
    seen.push({ authorization: request.headers.get('authorization') ?? '', url: request.url });
    return answers[Math.min(seen.length, answers.length) - 1]!();
  }));
  return seen;
}

/** Connects a new tenant through the real flow: authorize URL → simulator consent → code exchange → encrypted tokens. */
export async function connectTo(sql: Sql, connector: Connector, sim: ProviderSimulator) {
  const t = await newTenant(sql, connector.provider);
  const client = simulatorClient(connector.provider, sim);
  const app = { clientId: client.clientId, clientSecret: client.clientSecret, webhookSecret: sim.webhookSecret, endpoints: client.endpoints! };
  await sql`update connections set settings = ${JSON.stringify({ app })}::text::jsonb where id = ${t.connection.id}`;
  const authorize = new URL(connector.auth.authorizeUrl(client, 'state-123'));
  const callback = new URL(sim.oauth.authorize({ redirectUri: client.redirectUri, state: authorize.searchParams.get('state')!, scope: authorize.searchParams.get('scope')! }));
  const params = Object.fromEntries(callback.searchParams.entries());
  const { tokens, externalTenantId, companyName } = await connector.auth.exchangeCode(client, params['code']!, params);
  await saveCredentials(sql, TEST_SECRET_KEY, t.tenant.id, t.connection.id, tokens);
  await updateConnection(sql, t.tenant.id, t.connection.id, { externalTenantId });
  return { ...t, client, externalTenantId, companyName };
}

/**
 * A clock that sleeping moves forward instead of waiting. Sleepers at the same moment wake together: the clock moves
 * to the latest wake-up asked for, not to the sum of their sleeps. `settle`, when given, is awaited before the clock
 * moves (see test/support/contract.ts).
 */
export function virtualClock(settle?: () => Promise<void>) {
  let skew = 0;
  const now = () => Date.now() + skew;
  return {
    now,
    date: () => new Date(now()),
    sleep: async (ms: number) => {
      const wake = now() + ms;
      if (settle) await settle();
      skew = Math.max(skew, wake - Date.now());
    },
  };
}

/**
 * A gate on a virtual clock: waiting out a 60-second throttle pause moves the clock instead of the test.
 * Pacing and pauses run on that clock too (give the simulator the same clock and its windows agree).
 */
export function fastGate(clock = virtualClock()) {
  return createMemoryRateGate({ now: clock.now, sleep: clock.sleep });
}

export function syncDeps(sql: Sql, patch: Partial<SyncDeps> = {}): SyncDeps {
  return { ...createSyncDeps({ sql, secretKey: TEST_SECRET_KEY, registry: new ConnectorRegistry(connectors), gate: fastGate(), sleep: async () => undefined }), ...patch };
}
