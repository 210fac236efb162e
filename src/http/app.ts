// The Hono application: health now; settings pages, API, OAuth callbacks and webhook ingress mount here.
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ping, type Sql } from '../store/db.js';
import { dateInZone } from '../model/index.js';
import { currentMissingRates } from '../rates/job.js';
import type { AddedRates } from '../rules/rate-tables.js';
import type { Registry } from 'prom-client';
import { webhookRoutes, type WebhookDeps } from './webhooks.js';
import { BOARD_PATH, boardRoutes } from './board.js';
import { createUi, notFoundPage } from './ui/index.js';
import type { UiDeps } from './ui/context.js';

export const VERSION = '0.1.0';

export interface AppDeps {
  sql: Sql;
  databaseLabel?: string;
  webhooks?: WebhookDeps;
  /** Prometheus exposition, served at /metrics. */
  metrics?: Registry;
  /** BullMQ queues for Bull Board, and the admin who may see it. */
  log?: (entry: Record<string, unknown>) => void;
  /** The settings pages and REST API (sign-in, connections, policy, preview, dashboard…). */
  ui?: UiDeps;
  board?: { queues: unknown[]; admin: { email: string; password: string } };
  /** Today's business date for the reference-rate check (a parameter so tests can move the clock). */
  today?: () => string;
  /** The operator's RATES_FILE, parsed once at start; absent: none. */
  addedRates?: AddedRates;
}

export function createApp(deps: AppDeps): Hono {
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

  if (deps.ui) app.route('/', createUi(deps.ui));

  app.notFound((c) => (deps.ui && !c.req.path.startsWith('/api/') && c.req.method === 'GET' ? notFoundPage(c) : c.json({ error: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` }, 404)));
  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    deps.log?.({ msg: 'unhandled error', path: c.req.path, err: err.message });
    return c.json({ error: 'internal_error', message: 'Unexpected error; see the server log.' }, 500);
  });
  return app;
}
