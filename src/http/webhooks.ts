// Webhook ingress: verify the raw body → store events in the inbox → acknowledge at once → wake a worker. Bad input never causes a 5xx.
import { Hono } from 'hono';
import { WebhookPayloadError } from '../connectors/errors.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import type { ChangeEvent } from '../connectors/types.js';
import type { Sql } from '../store/db.js';
import { addToInbox } from '../store/inbox.js';
import { findConnectionById, findConnectionsByExternalTenant, type Connection } from '../store/tenants.js';

export interface WebhookDeps {
  sql: Sql;
  registry: ConnectorRegistry;
  /** The verifier token / webhook key for a provider app, or for the app a demo connection uses. */
  secretFor(provider: string, connection?: Connection): string | null;
  /** Wakes the webhook worker for a tenant (the inbox is the source of truth; this is only a nudge). */
  wake(tenantId: string, provider: string): Promise<void>;
  /** Largest body accepted (some providers document no size limit; 5 MB covers an aggregated 5-minute batch). */
  maxBytes?: number;
  log?: (entry: Record<string, unknown>) => void;
}

const problem = (error: string, message: string) => ({ error, message });

export function webhookRoutes(deps: WebhookDeps): Hono {
  const app = new Hono();
  const maxBytes = deps.maxBytes ?? 5 * 1024 * 1024;
  const log = deps.log ?? (() => undefined);

  app.post('/:provider/:connectionId?', async (c) => {
    const provider = c.req.param('provider');
    const connectionId = c.req.param('connectionId');
    if (!deps.registry.has(provider) || !deps.registry.get(provider).webhooks) return c.json(problem('not_found', `no webhooks for provider "${provider}"`), 404);
    const hooks = deps.registry.get(provider).webhooks!;
    const declared = Number(c.req.header('content-length') ?? '0');
    if (declared > maxBytes) return c.json(problem('payload_too_large', `body over ${maxBytes} bytes`), 413);
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (raw.byteLength > maxBytes) return c.json(problem('payload_too_large', `body over ${maxBytes} bytes`), 413);

    let pinned: Connection | undefined;
    if (connectionId) {
      const found = /^[0-9a-f-]{36}$/i.test(connectionId) ? await findConnectionById(deps.sql, connectionId) : null;
      if (!found || found.provider !== provider) return c.json(problem('not_found', 'unknown connection'), 404);
      pinned = found;
    }
    const secret = deps.secretFor(provider, pinned);
    if (!secret) return c.json(problem('not_found', `webhooks for ${provider} are not configured`), 404);
    const headers = new Headers(c.req.raw.headers);
    if (!hooks.verify(raw, headers, secret)) return c.json(problem('invalid_signature', `missing or wrong ${hooks.signatureHeader}`), 401);

    let events: ChangeEvent[];
    try {
      events = hooks.parse(raw, headers);
    } catch (err) {
      if (err instanceof WebhookPayloadError) return c.json(problem('malformed', err.message), 400);
      throw err;
    }
    // Intent to Receive and empty deliveries: the valid signature is the whole answer.
    if (events.length === 0) return c.body(null, 200);

    const byCompany = new Map<string, ChangeEvent[]>();
    for (const e of events) (byCompany.get(e.externalTenantId) ?? byCompany.set(e.externalTenantId, []).get(e.externalTenantId)!).push(e);
    let stored = 0;
    let known = 0;
    for (const [company, list] of byCompany) {
      const connections = pinned ? (pinned.externalTenantId === company ? [pinned] : []) : await findConnectionsByExternalTenant(deps.sql, provider, company);
      for (const connection of connections) {
        known++;
        const ids = await addToInbox(
          deps.sql,
          connection.tenantId,
          list.map((e) => ({ connectionId: connection.id, provider, dedupeKey: e.dedupeKey, payload: e })),
        );
        stored += ids.length;
        if (ids.length) await deps.wake(connection.tenantId, provider).catch((err: unknown) => log({ msg: 'wake failed; the inbox poller will pick the events up', err: String(err) }));
      }
    }
    if (known === 0) return c.json(problem('not_found', 'no connected company matches this notification'), 404);
    log({ msg: 'webhook stored', provider, events: events.length, stored });
    return c.body(null, 200);
  });

  app.onError((err, c) => {
    // Storage trouble is the only server-side failure left: the provider must retry, so 503 (not a 500 from bad input).
    log({ msg: 'webhook ingress failed', err: err.message });
    return c.json(problem('unavailable', 'could not store the notification; retry later'), 503);
  });
  return app;
}
