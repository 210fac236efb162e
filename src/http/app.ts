// The Hono application: health, webhook ingress, metrics and the queue board; then the product (REST API, customer
// portal, settings pages) side by side, each calling the use cases in src/app.
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ping, type Sql } from '../store/db.js';
import { dateInZone } from '../model/index.js';
import { currentMissingRates } from '../rates/job.js';
import type { AddedRates } from '../rules/rate-tables.js';
import type { Registry } from 'prom-client';
import { webhookRoutes, type WebhookDeps } from './webhooks.js';
import { BOARD_PATH, boardRoutes } from './board.js';
import { assetRoutes, createUi, notFoundPage } from './ui/index.js';
import { createApi } from './api/index.js';
import { portalRoutes } from './ui/portal/pages.js';
import { securityHeaders } from './headers.js';
import { nowOf, type AppDeps } from '../app/deps.js';
import { createRateGate, memoryBackend } from '../connectors/rate-gate.js';

export const VERSION = '0.1.0';

export interface HttpDeps {
  sql: Sql;
  databaseLabel?: string;
  webhooks?: WebhookDeps;
  /** Prometheus exposition, served at /metrics. */
  metrics?: Registry;
  /** BullMQ queues for Bull Board, and the admin who may see it. */
  log?: (entry: Record<string, unknown>) => void;
  /** The settings pages and REST API (sign-in, connections, policy, preview, dashboard…). */
  ui?: AppDeps;
  board?: { queues: unknown[]; admin: { email: string; password: string } };
  /** Today's business date for the reference-rate check (a parameter so tests can move the clock). */
  today?: () => string;
  /** The operator's RATES_FILE, parsed once at start; absent: none. */
  addedRates?: AddedRates;
}

/**
 * The product a person or a program reaches, mounted at '/': the REST API, the customer portal and the settings pages,
 * side by side (neither imports another). Syncs run inline (no workers) share one provider rate gate, made here.
 */
export function createSite(deps: AppDeps): Hono {
  const inline = { ...deps, gate: createRateGate(memoryBackend()) };
  const site = new Hono();
  site.use('*', securityHeaders);
  site.route('/', assetRoutes());
  site.route('/', createApi(inline) as unknown as Hono);
  // The customer portal: public, behind its own link tokens, signed forms and rate limits (src/portal).
  const portal = new Hono();
  portalRoutes(portal, { sql: deps.sql, secretKey: deps.secretKey, now: () => nowOf(deps), publicUrl: deps.config.PUBLIC_URL, ...(deps.addedRates ? { addedRates: deps.addedRates } : {}) });
  site.route('/', portal);
  site.route('/', createUi(inline));
  site.notFound((c) => notFoundPage(c));
  return site;
}

export function createApp(deps: HttpDeps): Hono {
  const app = new Hono();

  app.get('/health', async (c) => {
    const started = performance.now();
    const up = await ping(deps.sql);
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    // A reference rate unknown for the current half-year is reported, not failed: the service works, penalties wait.
    const missing = up ? await currentMissingRates(deps.sql, deps.today?.() ?? dateInZone(new Date(), 'Europe/Paris'), deps.addedRates).catch(() => null) : null;
    const rates = missing === null ? { status: 'unknown' } : missing.length ? { status: 'stale', missing: missing.map((m) => ({ rate: m.kind, period: m.period })) } : { status: 'current' };
    const body = {
      status: up ? 'ok' : 'degraded',
      version: VERSION,
      database: { status: up ? 'up' : 'down', latencyMs },
      rates,
    };
    return c.json(body, up ? 200 : 503);
  });

  if (deps.webhooks) app.route('/webhooks', webhookRoutes(deps.webhooks));
  if (deps.board && deps.board.queues.length) app.route(BOARD_PATH, boardRoutes(deps.board.queues, deps.board.admin));
  if (deps.metrics) {
    const registry = deps.metrics;
    app.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'content-type': registry.contentType }));
  }

  if (deps.ui) app.route('/', createSite(deps.ui));

  app.notFound((c) => (deps.ui && !c.req.path.startsWith('/api/') && c.req.method === 'GET' ? notFoundPage(c) : c.json({ error: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` }, 404)));
  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    deps.log?.({ msg: 'unhandled error', path: c.req.path, err: err.message });
    return c.json({ error: 'internal_error', message: 'Unexpected error; see the server log.' }, 500);
  });
  return app;
}
