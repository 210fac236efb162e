// The HTTP edge as a Cloudflare Worker: webhook ingress and health, writing to the same PostgreSQL inbox as the Node service.
import { Hono } from 'hono';
import postgres from 'postgres';
import { quickbooks } from '../connectors/quickbooks/index.js';
import { xero } from '../connectors/xero/index.js';
import { ConnectorRegistry } from '../src/connectors/registry.js';
import type { Sql } from '../src/store/db.js';
import { webhookRoutes } from '../src/http/webhooks.js';
import type { Connection } from '../src/store/tenants.js';

/** Bindings from wrangler.toml and `wrangler secret put`. */
export interface EdgeEnv {
  DATABASE_URL: string;
  QUICKBOOKS_WEBHOOK_SECRET?: string;
  XERO_WEBHOOK_SECRET?: string;
}

// The edge only verifies and stores: it is the composition root for the connectors' webhook parts.
const registry = new ConnectorRegistry([quickbooks, xero]);

function secretFor(env: EdgeEnv) {
  return (provider: string, connection?: Connection): string | null => {
    const app = connection?.settings['app'];
    if (app && typeof app === 'object' && 'webhookSecret' in app && typeof app.webhookSecret === 'string') return app.webhookSecret;
    const key = `${provider.toUpperCase()}_WEBHOOK_SECRET` as keyof EdgeEnv;
    return env[key] ?? null;
  };
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
