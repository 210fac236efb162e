// The HTTP edge as a Cloudflare Worker: webhook ingress and health, writing to the same PostgreSQL inbox as the Node service.
import { Hono } from 'hono';
import postgres from 'postgres';
import { connectors } from '../connectors/index.js';
import { webhookSecretFor } from '../src/connectors/clients.js';
import { ConnectorRegistry } from '../src/connectors/registry.js';
import type { Sql } from '../src/store/db.js';
import { webhookRoutes } from '../src/http/webhooks.js';

/** Bindings from wrangler.toml and `wrangler secret put`: DATABASE_URL, and `<PROVIDER>_WEBHOOK_SECRET` per provider. */
export interface EdgeEnv {
  DATABASE_URL: string;
  [webhookSecret: `${string}_WEBHOOK_SECRET`]: string | undefined;
}

// The edge only verifies and stores: it is the composition root for the connectors' webhook parts.
const registry = new ConnectorRegistry(connectors);

/** The same rule as the Node service: a demo connection's own secret, else the operator's `<PROVIDER>_WEBHOOK_SECRET`. */
function secretFor(env: EdgeEnv) {
  const apps = Object.fromEntries(registry.providers().map((p) => [p, { webhookSecret: env[`${p.toUpperCase()}_WEBHOOK_SECRET`] || null }]));
  return (provider: string, connection?: Parameters<typeof webhookSecretFor>[2]) => webhookSecretFor({ apps }, provider, connection);
}

export default {
  async fetch(request: Request, env: EdgeEnv, ctx: { waitUntil(p: Promise<unknown>): void }): Promise<Response> {
    // One short-lived client per request: Workers may not keep sockets between requests.
    const sql = postgres(env.DATABASE_URL, { max: 1, fetch_types: false, idle_timeout: 5 }) as unknown as Sql;
    const app = new Hono();
    app.get('/health', (c) => c.json({ status: 'ok', edge: true }));
    // No queue here: the workers' inbox sweep (every minute) picks the stored events up.
    app.route('/webhooks', webhookRoutes({ sql, registry, secretFor: secretFor(env), wake: async () => undefined }));
    try {
      return await app.fetch(request);
    } finally {
      ctx.waitUntil(sql.end({ timeout: 2 }));
    }
  },
};
