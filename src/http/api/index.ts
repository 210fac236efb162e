// REST API under /api/v1 (what the pages do), described by OpenAPI generated from the zod schemas; per-tenant bearer tokens.
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { recoveryFileOf } from '../../app/recovery.js';
import { RateMissing } from '../../rules/rate-tables.js';
import { loadShippedMapping } from '../../mapping/index.js';
import { dateInZone, ENTITIES, InvoiceStatus, type EntityKind } from '../../model/index.js';
import { demoSettingsOf } from '../../demo/host.js';
import { mayRequest } from '../auth/roles.js';
import { taskApi } from './tasks.js';
import type { StoredPause } from '../../store/pauses.js';
import type { SendingState } from '../../store/sending.js';
import type { Connection } from '../../store/tenants.js';
import { bearerAuth } from '../auth/bearer.js';
import { API_PREFIX, json, notFound, security, tokenActor, type ApiEnv } from './common.js';
import type { AppDeps, InlineSync } from '../../app/deps.js';
import { customerDetail, customerOverview, storedInvoices } from '../../app/customers.js';
import { activateOverride, currentMapping, revertOverride } from '../../app/mappings.js';
import { liftPause, pausesOf, setPause } from '../../app/pauses.js';
import { currentPolicy, savePolicyDocument } from '../../app/policy.js';
import { kpiFigures } from '../../app/dashboard.js';
import { activityLog } from '../../app/activity.js';
import { connectionPreview } from '../../app/preview.js';
import { sendingStateOf, sendingStates, switchSending } from '../../app/sending.js';
import { connectionOf as findConnection, tenantConnections } from '../../app/connections.js';
import { recordSettingsChange } from '../../app/team.js';
import { requestSync } from '../../app/sync.js';
import {
  ActivityBody,
  ConnectionBody,
  CustomerDetailBody,
  CustomerRowBody,
  ErrorBody,
  Invoice,
  MappingBody,
  NewPauseBody,
  OutboxBody,
  PauseBody,
  PolicyEnvelope,
  PreviewBody,
  SendingChangeBody,
  SendingInput,
  SyncBody,
} from './schemas.js';

const invalid = json(ErrorBody, 'The request is not valid; `issues` says where');
const uuid = z.string().openapi({ param: { in: 'path' }, example: '6f1c2b1e-0000-4000-8000-000000000000' });

const toSending = (s: SendingState | undefined) => ({ enabled: s?.enabled ?? false, changedAt: s?.changedAt ? s.changedAt.toISOString() : null, changedBy: s?.changedBy ?? null });
const toConnection = (x: Connection, sending: SendingState | undefined) => ({
  id: x.id,
  provider: x.provider,
  externalTenantId: x.externalTenantId,
  status: x.status,
  statusDetail: x.statusDetail,
  lastSyncAt: x.lastSyncAt ? x.lastSyncAt.toISOString() : null,
  demo: demoSettingsOf(x) !== null,
  sending: toSending(sending),
});
const toPause = (p: StoredPause) => ({ ...p, expiresOn: p.expiresOn ?? null, invoiceExternalId: p.invoiceExternalId ?? null, amount: p.amount ?? null, balanceAtOpen: p.balanceAtOpen ?? null, createdAt: p.createdAt ?? null });
const isUuid = (s: string) => /^[0-9a-f-]{36}$/i.test(s);
const missing = (what: string) => ({ error: 'not_found', message: `${what} not found.` });

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** The menu entry a changed API path belongs to (the activity page names it in the reader's language). */
const areaOf = (path: string) => (/\/policy/.test(path) ? 'policy' : /\/mappings/.test(path) ? 'mappings' : /\/pauses/.test(path) ? 'customers' : /\/connections/.test(path) ? 'connections' : null);

/** The API app (routes at /api/v1/…, the document at /openapi.json); mount at '/'. */
export function createApi(deps: InlineSync): OpenAPIHono<ApiEnv> {
  const api = new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        return c.json({ error: 'invalid_request', message: 'The request does not match the schema.', issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) }, 422);
      }
      return undefined;
    },
  });
  api.openAPIRegistry.registerComponent('securitySchemes', 'Bearer', { type: 'http', scheme: 'bearer', description: 'A per-tenant API token (Settings → API tokens).' });
  api.use(`${API_PREFIX}/*`, bearerAuth(deps.sql));
  // Roles before any route runs; then every change that succeeded is in the activity log with the token that made it.
  api.use(`${API_PREFIX}/*`, async (c, next) => {
    const role = c.get('apiRole');
    if (!mayRequest(role, c.req.method, c.req.path)) return c.json({ error: 'forbidden', message: `This API token is "${role}": it may not ${c.req.method} ${c.req.path}. Create a token with more rights under Settings → API tokens.` }, 403);
    await next();
    if (READ_METHODS.has(c.req.method) || c.res.status >= 400 || /\/sending$|\/tasks\//.test(c.req.path)) return;
    const token = c.get('apiToken');
    await recordSettingsChange(deps, c.get('tenant').id, { method: c.req.method, path: c.req.path, status: c.res.status, area: areaOf(c.req.path), actor: tokenActor(token), channel: 'api' });
  });
  const now = () => (deps.now ? deps.now() : new Date());
  const connectionOf = async (tenantId: string, id: string) => (isUuid(id) ? findConnection(deps, tenantId, id) : null);

  api.openapi(
    createRoute({ method: 'get', path: `${API_PREFIX}/connections`, tags: ['Connections'], security, summary: 'Connected companies', responses: { 200: json(z.object({ connections: z.array(ConnectionBody) }), 'Connections of the tenant') } }),
    async (c) => {
      const tenantId = c.get('tenant').id;
      const [connections, sending] = await Promise.all([tenantConnections(deps, tenantId), sendingStates(deps, tenantId)]);
      return c.json({ connections: connections.map((x) => toConnection(x, sending.get(x.id))) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/connections/{id}`,
      tags: ['Connections'],
      security,
      summary: 'One connected company, with its sending switch',
      request: { params: z.object({ id: uuid }) },
      responses: { 200: json(ConnectionBody, 'The connection'), 404: notFound },
    }),
    async (c) => {
      const tenantId = c.get('tenant').id;
      const connection = await connectionOf(tenantId, c.req.valid('param').id);
      if (!connection) return c.json(missing('Connection'), 404);
      return c.json(toConnection(connection, (await sendingStateOf(deps, tenantId, connection.id)) ?? undefined), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: `${API_PREFIX}/connections/{id}/sending`,
      tags: ['Connections'],
      security,
      summary: 'Turn sending on or off for a connection (off for a new company until someone turns it on)',
      description:
        'Off, the company is planned and previewed but nothing goes out: no email, letter, task or ERP write-back (alerts to the team still do). Planned actions stay planned; one already being sent finishes. Each change is recorded in the activity log with the API token that made it.',
      request: { params: z.object({ id: uuid }), body: { content: { 'application/json': { schema: SendingInput } }, required: true } },
      responses: { 200: json(SendingChangeBody, 'The switch as it now is; `changed` is false when it already was in that position'), 404: notFound, 422: invalid },
    }),
    async (c) => {
      const tenantId = c.get('tenant').id;
      const { id } = c.req.valid('param');
      const token = c.get('apiToken');
      if (!(await connectionOf(tenantId, id))) return c.json(missing('Connection'), 404);
      const change = await switchSending(deps, tenantId, id, c.req.valid('json').enabled, tokenActor(token), 'api');
      if (!change) return c.json(missing('Connection'), 404);
      return c.json({ connectionId: id, sending: toSending(change.state), changed: change.changed }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: `${API_PREFIX}/connections/{id}/sync`,
      tags: ['Connections'],
      security,
      summary: 'Sync a connection now (queued when workers run)',
      request: { params: z.object({ id: uuid }) },
      responses: { 200: json(SyncBody, 'Sync ran inline'), 202: json(SyncBody, 'Sync queued'), 404: notFound },
    }),
    async (c) => {
      const tenant = c.get('tenant');
      const connection = await connectionOf(tenant.id, c.req.valid('param').id);
      if (!connection || connection.status === 'disconnected') return c.json(missing('Connection'), 404);
      const r = await requestSync(deps, tenant.id, connection);
      if (r.queued) return c.json({ queued: true, status: null, error: null }, 202);
      return c.json({ queued: false, status: r.report.status, error: r.report.error }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/customers`,
      tags: ['Customers'],
      security,
      summary: 'Customers with open and overdue amounts, risk segment and active pauses',
      request: { query: z.object({ connectionId: z.string().optional() }) },
      responses: { 200: json(z.object({ customers: z.array(CustomerRowBody) }), 'Customers') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json({ customers: await customerOverview(deps.sql, c.get('tenant'), now(), q.connectionId ? { connectionId: q.connectionId } : {}) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/connections/{connectionId}/customers/{customerId}`,
      tags: ['Customers'],
      security,
      summary: 'One customer with its invoices and pauses',
      request: { params: z.object({ connectionId: uuid, customerId: z.string().openapi({ param: { in: 'path' } }) }) },
      responses: { 200: json(CustomerDetailBody, 'The customer'), 404: notFound },
    }),
    async (c) => {
      const { connectionId, customerId } = c.req.valid('param');
      const d = await customerDetail(deps.sql, c.get('tenant'), connectionId, customerId, now());
      if (!d) return c.json(missing('Customer'), 404);
      return c.json({ ...d, pauses: d.pauses.map(toPause) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/connections/{connectionId}/customers/{customerId}/recovery-file`,
      tags: ['Customers'],
      security,
      summary: "The customer's recovery file: the claim to the cent (JSON or CSV, schema in the README) or the PDF for the court",
      request: {
        params: z.object({ connectionId: uuid, customerId: z.string().openapi({ param: { in: 'path' } }) }),
        query: z.object({ format: z.enum(['json', 'csv', 'pdf']).default('json') }),
      },
      responses: {
        200: {
          content: {
            'application/json': { schema: z.record(z.string(), z.unknown()).openapi('RecoveryFile') },
            'text/csv': { schema: z.string() },
            'application/pdf': { schema: z.string().openapi({ format: 'binary' }) },
          },
          description: 'The file (version 1)',
        },
        404: json(ErrorBody, 'No such customer, or nothing overdue to claim'),
        409: json(ErrorBody, 'A reference rate the interest needs is not known yet'),
      },
    }),
    async (c) => {
      const { connectionId, customerId } = c.req.valid('param');
      const { format } = c.req.valid('query');
      const connection = await connectionOf(c.get('tenant').id, connectionId);
      if (!connection) return c.json(missing('Customer'), 404);
      let r;
      try {
        r = await recoveryFileOf(deps, c.get('tenant'), connection, customerId);
      } catch (e) {
        if (e instanceof RateMissing) return c.json({ error: 'rate_missing', message: `${e.message}. Fetch the rates (relance rates --refresh) or set RATES_FILE, then ask again.` }, 409);
        throw e;
      }
      if (!r) return c.json(missing('Overdue invoice of this customer'), 404);
      if (format === 'csv') return c.body(r.csv, 200, { 'content-type': 'text/csv; charset=utf-8' });
      if (format === 'pdf') return c.body(new Uint8Array(r.file.pdf), 200, { 'content-type': 'application/pdf' });
      return c.json(r.json as unknown as Record<string, unknown>, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/invoices`,
      tags: ['Invoices'],
      security,
      summary: 'Synced invoices',
      request: {
        query: z.object({
          connectionId: z.string().optional(),
          status: InvoiceStatus.optional(),
          customerId: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
          offset: z.coerce.number().int().min(0).default(0),
        }),
      },
      responses: { 200: json(z.object({ invoices: z.array(Invoice) }), 'Invoices, by external id') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      if (q.connectionId && !(await connectionOf(c.get('tenant').id, q.connectionId))) return c.json({ invoices: [] }, 200);
      const invoices = await storedInvoices(deps.sql, c.get('tenant').id, { ...(q.connectionId ? { connectionId: q.connectionId } : {}) });
      const rows = invoices.filter((i) => (!q.status || i.status === q.status) && (!q.customerId || i.customerExternalId === q.customerId));
      return c.json({ invoices: rows.slice(q.offset, q.offset + q.limit) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/pauses`,
      tags: ['Pauses'],
      security,
      summary: 'Disputes, promises, payment plans and holds',
      request: { query: z.object({ state: z.enum(['active', 'resolved', 'broken', 'expired']).optional(), customerId: z.string().optional() }) },
      responses: { 200: json(z.object({ pauses: z.array(PauseBody) }), 'Pauses') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const pauses = await pausesOf(deps, c.get('tenant').id, { ...(q.state ? { states: [q.state] } : {}), ...(q.customerId ? { customerExternalId: q.customerId } : {}) });
      return c.json({ pauses: pauses.map(toPause) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: `${API_PREFIX}/connections/{connectionId}/pauses`,
      tags: ['Pauses'],
      security,
      summary: 'Open a dispute, promise to pay, payment plan or hold',
      request: { params: z.object({ connectionId: uuid }), body: { content: { 'application/json': { schema: NewPauseBody } }, required: true } },
      responses: { 201: json(PauseBody, 'The pause'), 404: notFound, 422: invalid },
    }),
    async (c) => {
      const tenant = c.get('tenant');
      const { connectionId } = c.req.valid('param');
      const b = c.req.valid('json');
      if (!(await connectionOf(tenant.id, connectionId))) return c.json(missing('Customer'), 404);
      const values = {
        kind: b.kind,
        reason: b.reason,
        owner: b.owner,
        startsOn: b.startsOn ?? dateInZone(now(), tenant.timeZone),
        expiresOn: b.expiresOn,
        invoiceExternalId: b.invoiceExternalId,
        instalments: (b.instalments ?? []).map((i) => `${i.dueOn} ${i.amount}`).join('\n'),
        amount: b.amount,
      };
      const r = await setPause(deps, tenant, connectionId, b.customerExternalId, values, 'api');
      if (!r) return c.json(missing('Customer'), 404);
      if (!r.ok) return c.json({ error: 'invalid_pause', message: 'The pause is not valid.', issues: Object.entries(r.errors).map(([path, message]) => ({ path, message })) }, 422);
      return c.json(toPause(r.pause), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: `${API_PREFIX}/pauses/{id}/resolve`,
      tags: ['Pauses'],
      security,
      summary: 'Resolve an active pause',
      request: { params: z.object({ id: uuid }) },
      responses: { 200: json(z.object({ resolved: z.boolean() }), 'Resolved'), 404: notFound },
    }),
    async (c) => {
      const resolved = await liftPause(deps, c.get('tenant').id, c.req.valid('param').id, 'api', 'resolved through the API');
      if (resolved === null) return c.json(missing('Pause'), 404);
      return c.json({ resolved }, 200);
    },
  );

  api.openapi(
    createRoute({ method: 'get', path: `${API_PREFIX}/policy`, tags: ['Policy'], security, summary: 'The active dunning policy', responses: { 200: json(PolicyEnvelope, 'Policy (version null = the shipped default)') } }),
    async (c) => {
      const { version, policy } = await currentPolicy(deps, c.get('tenant'));
      return c.json({ version, policy: policy as unknown as Record<string, unknown> }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: `${API_PREFIX}/policy`,
      tags: ['Policy'],
      security,
      summary: 'Save a new version of the policy (validated by the Policy schema)',
      request: { body: { content: { 'application/json': { schema: z.record(z.string(), z.unknown()).openapi('PolicyDocument') } }, required: true } },
      responses: { 200: json(PolicyEnvelope, 'Saved'), 422: invalid },
    }),
    async (c) => {
      const r = await savePolicyDocument(deps, c.get('tenant'), c.req.valid('json'));
      if (!r.ok) return c.json({ error: 'invalid_policy', message: 'The policy is not valid.', issues: r.issues }, 422);
      return c.json({ version: r.version, policy: r.policy as unknown as Record<string, unknown> }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/connections/{connectionId}/preview`,
      tags: ['Preview'],
      security,
      summary: 'Planned actions for the next days, with reasons',
      request: { params: z.object({ connectionId: uuid }), query: z.object({ days: z.coerce.number().int().min(1).max(90).default(30) }) },
      responses: { 200: json(PreviewBody, 'Preview'), 404: notFound },
    }),
    async (c) => {
      const tenant = c.get('tenant');
      const connection = await connectionOf(tenant.id, c.req.valid('param').connectionId);
      if (!connection) return c.json(missing('Connection'), 404);
      const p = await connectionPreview(deps, tenant.id, connection.id, c.req.valid('query').days);
      return c.json(p, 200);
    },
  );

  const mappingParams = z.object({ provider: z.string().openapi({ param: { in: 'path' }, description: 'a folder of mappings/' }), entity: z.enum(ENTITIES).openapi({ param: { in: 'path' } }) });

  api.openapi(
    createRoute({ method: 'get', path: `${API_PREFIX}/mappings/{provider}/{entity}`, tags: ['Mappings'], security, summary: 'Shipped mapping and the tenant override', request: { params: mappingParams }, responses: { 200: json(MappingBody, 'Mapping'), 404: notFound } }),
    async (c) => {
      const { provider, entity } = c.req.valid('param');
      if (!deps.registry.has(provider)) return c.json(missing('Provider'), 404);
      const active = await currentMapping(deps, c.get('tenant').id, provider, entity as EntityKind);
      return c.json({ provider, entity, shipped: loadShippedMapping(provider, entity as EntityKind).source, override: active.overrideId ? active.mapping.source : null }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: `${API_PREFIX}/mappings/{provider}/{entity}`,
      tags: ['Mappings'],
      security,
      summary: 'Activate an override after checking it maps the tenant’s synced records',
      request: { params: mappingParams, body: { content: { 'application/json': { schema: z.object({ source: z.string().min(1) }) } }, required: true } },
      responses: { 200: json(z.object({ id: z.string() }), 'Activated'), 404: notFound, 422: invalid },
    }),
    async (c) => {
      const { provider, entity } = c.req.valid('param');
      if (!deps.registry.has(provider)) return c.json(missing('Provider'), 404);
      const r = await activateOverride(deps, c.get('tenant').id, provider, entity as EntityKind, c.req.valid('json').source);
      if (!r.ok) return c.json({ error: 'override_rejected', message: 'The override does not map the synced records.', issues: r.failures.map((f) => ({ path: `${f.index}:${f.path}`, message: f.reason })) }, 422);
      return c.json({ id: r.id }, 200);
    },
  );

  api.openapi(
    createRoute({ method: 'delete', path: `${API_PREFIX}/mappings/{provider}/{entity}`, tags: ['Mappings'], security, summary: 'Deactivate the override', request: { params: mappingParams }, responses: { 200: json(z.object({ deactivated: z.boolean() }), 'Done') } }),
    async (c) => {
      const { provider, entity } = c.req.valid('param');
      return c.json({ deactivated: await revertOverride(deps, c.get('tenant').id, provider, entity as EntityKind) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/kpis`,
      tags: ['KPIs'],
      security,
      summary: 'KPI snapshot and DSO trend in one currency',
      request: { query: z.object({ currency: z.string().length(3).optional(), asOf: z.string().optional() }) },
      responses: { 200: json(z.object({ currencies: z.array(z.string()), currency: z.string().nullable(), kpis: z.unknown(), trend: z.unknown() }), 'KPIs') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const { currencies, currency, kpis, trend } = await kpiFigures(deps, c.get('tenant'), { currency: q.currency, asOf: q.asOf, strict: true });
      return c.json({ currencies, currency, kpis, trend }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/activity`,
      tags: ['Activity'],
      security,
      summary: 'Outbox (planned and sent actions) and the activity log with proofs',
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) }) },
      responses: { 200: json(z.object({ outbox: z.array(OutboxBody), activities: z.array(ActivityBody) }), 'Activity') },
    }),
    async (c) => {
      const tenant = c.get('tenant');
      const { limit } = c.req.valid('query');
      const { outbox, log } = await activityLog(deps, tenant.id, { outboxLimit: limit, logLimit: limit });
      return c.json(
        {
          outbox: outbox.map((o) => ({ id: o.id, kind: o.kind, state: o.state, dueAt: o.dueAt, attempts: o.attempts, lastError: o.lastError, payload: o.payload, result: o.result })),
          activities: log.map((a) => ({ ...a, invoiceExternalIds: [...a.invoiceExternalIds], createdAt: a.createdAt.toISOString() })),
        },
        200,
      );
    },
  );

  taskApi(api, deps);

  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Relance API', version: '1', description: 'Accounts-receivable collections: connections, customers, invoices, pauses, tasks, policy, preview, mappings, KPIs, activity. Authenticate with a per-tenant API token; a token has the rights of a role (admin, collector, viewer), and a change it may not make is refused with 403.' },
    servers: [{ url: deps.config.PUBLIC_URL ?? `http://${deps.config.HOST}:${deps.config.PORT}` }],
  });
  return api;
}
