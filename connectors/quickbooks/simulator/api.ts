// The msw handlers: OAuth endpoints and the v3 data API (query, CDC, read, write) behind auth, limits and faults.
import { randomBytes } from 'node:crypto';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { pdfResponse, renderInvoicePdf } from '../../../src/simulator/invoice-pdf.js';
import { faultBody, gatewayAuthFault, type Zone } from './format.js';
import type { OAuthServer } from './oauth.js';
import { parseQuery, type createQueryRunner } from './query.js';
import { objectNotFound, QboFault, type Store, type Tombstone } from './store.js';
import { COMPANY_USER } from './catalog.js';
import { entityName, type AnyRec, type EntityName, type QboBaseUrls, type QboLimits } from './types.js';
import { pass, type Gate } from '../../../src/simulator/gate.js';
import { countRequest, tally, type RequestStats } from '../../../src/simulator/stats.js';

/** Intuit's own counters: calls per minorversion value ("none" when missing), and calls without `Accept: application/json` (Intuit then answers XML; the simulator still answers JSON). */
export const qboStatsExtras = () => ({ minorVersions: {} as Record<string, number>, withoutAcceptJson: 0 });
export type QboStats = RequestStats & ReturnType<typeof qboStatsExtras>;

interface ApiDeps {
  store: Store;
  runner: ReturnType<typeof createQueryRunner>;
  oauth: OAuthServer;
  realmId: string;
  baseUrls: QboBaseUrls;
  limits: () => QboLimits;
  now: () => number;
  zone: Zone;
  gate: Gate<QboStats>;
}

type Json = Record<string, unknown>;

export function createHandlers(d: ApiDeps): HttpHandler[] {
  const { stats, faults } = d.gate;
  const idempotent = new Map<string, { status: number; body: unknown }>();

  const time = () => d.zone.instant(d.now(), true);
  const headers = () => ({ 'content-type': 'application/json;charset=UTF-8', intuit_tid: `1-${randomBytes(8).toString('hex')}-${randomBytes(6).toString('hex')}` });
  const json = (status: number, body: unknown) => HttpResponse.json(body as Json, { status, headers: headers() });
  const fault = (f: QboFault) => json(f.status, faultBody(f.type, f.errors, time()));
  const count = (route: string) => countRequest(stats, route);
  // Intuit answers every broken window alike: 429 with fault 3001 and no Retry-After (its docs say wait 60 s).
  const throttleBody = () =>
    faultBody('SERVICE', [{ Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429', Detail: 'The request limit was reached.  Try again later', code: '3001' }], time());

  const defaultFailure = (status: number): unknown => {
    if (status === 401) return gatewayAuthFault('Token expired: simulated', d.now());
    if (status === 429) return throttleBody();
    if (status === 503) return faultBody('SystemFault', [{ Message: 'Service Unavailable', Detail: 'The service is temporarily unavailable. Please try again later.', code: '10000' }], time());
    if (status >= 500) {
      return faultBody(
        'SystemFault',
        [{ Message: 'An application error has occurred while processing your request', Detail: 'System Failure Error: An unexpected error occurred while accessing or saving your data. Please wait a few minutes and try again. If the problem persists, contact customer support.', code: '10000' }],
        time(),
      );
    }
    return faultBody('ValidationFault', [{ Message: 'A validation error has occurred while processing your request', Detail: 'Simulated failure', code: '2000' }], time());
  };

  const apiRoute = `${d.baseUrls.api}/v3/company/:realmId/*`;

  const api = http.all(apiRoute, async ({ request, params }) => {
    const url = new URL(request.url);
    const realmId = String(params.realmId);
    const segments = url.pathname.slice(url.pathname.indexOf(`/v3/company/${realmId}/`) + `/v3/company/${realmId}/`.length).split('/').filter(Boolean);
    count(`${request.method} /${segments.map((s, i) => (i === 1 ? ':id' : s.toLowerCase())).join('/')}`);
    tally(stats.minorVersions, url.searchParams.get('minorversion') ?? 'none');
    if (!(request.headers.get('accept') ?? '').includes('application/json')) stats.withoutAcceptJson += 1;

    const refuse = () => {
      const auth = d.oauth.checkBearer(request.headers.get('authorization'), (grant) => grant.extra.realmId === realmId);
      if (auth.ok) return undefined;
      if (auth.status === 403) {
        return json(403, faultBody('AuthorizationFault', [{ Message: 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403', Detail: '', code: '3100' }], time()));
      }
      const detail = auth.reason === 'missing' ? null : auth.reason === 'expired' ? 'Token expired: simulated access token' : 'Token revoked or invalid';
      return json(401, gatewayAuthFault(detail, d.now()));
    };
    return pass(d.gate, d.realmId, request, { refuse, throttled: () => json(429, throttleBody()), failed: (status, body) => json(status, body ?? defaultFailure(status)) }, async () => {
      try {
        return await dispatch(request, url, segments);
      } catch (err) {
        if (err instanceof QboFault) return fault(err);
        throw err;
      }
    });
  });

  const dispatch = async (request: Request, url: URL, segments: string[]): Promise<Response> => {
    const [resource = '', id] = segments;
    const lower = resource.toLowerCase();
    if (lower === 'query') {
      const sql = request.method === 'POST' ? await request.text() : url.searchParams.get('query') ?? '';
      const q = parseQuery(sql, d.limits().maxResults);
      // Paged reads ask the kit whether to repeat or swap a page; a count is no page.
      const start = q.count ? q.start : faults.pageOffset(`${q.entity}|${q.key}`, q.start - 1, q.max) + 1;
      return json(200, { QueryResponse: d.runner.run({ ...q, start }), time: time() });
    }
    if (lower === 'cdc' && request.method === 'GET') return json(200, cdc(url));
    if (lower === 'companyinfo' && request.method === 'GET') return json(200, { CompanyInfo: companyInfo(), time: time() });
    if (lower === 'preferences' && request.method === 'GET' && !id) return json(200, { Preferences: preferences(), time: time() });
    const entity = entityName(lower);
    // GET /invoice/{id}/pdf: the invoice as the customer receives it (Intuit's "Get invoice as PDF").
    if (entity === 'Invoice' && id && segments.length === 3 && segments[2]!.toLowerCase() === 'pdf' && request.method === 'GET') {
      const rec = d.store.table(entity).byId.get(id);
      if (!rec) throw objectNotFound();
      const inv = d.store.render(rec) as { DocNumber?: string; TxnDate: string; DueDate?: string; TotalAmt: number; CustomerRef: { name?: string; value: string }; CurrencyRef?: { value: string } };
      const pdf = await renderInvoicePdf({ company: 'Relance Démo SAS', customer: inv.CustomerRef.name ?? inv.CustomerRef.value, number: inv.DocNumber ?? id, issueDate: inv.TxnDate, dueDate: inv.DueDate ?? inv.TxnDate, total: String(inv.TotalAmt), currency: inv.CurrencyRef?.value ?? d.store.ctx.currency });
      return pdfResponse(pdf, `Invoice_${inv.DocNumber ?? id}.pdf`);
    }
    if (!entity || segments.length > 2) {
      return json(400, faultBody('ValidationFault', [{ Message: 'Unsupported Operation', Detail: `Operation ${request.method} /${segments.join('/')} is not supported.`, code: '500' }], time()));
    }
    if (request.method === 'GET' && id) {
      const rec = d.store.table(entity).byId.get(id);
      if (!rec) throw objectNotFound();
      return json(200, { [entity]: d.store.render(rec), time: time() });
    }
    if (request.method === 'POST' && !id) {
      const requestId = url.searchParams.get('requestid');
      if (requestId) {
        const replay = idempotent.get(requestId);
        if (replay) return json(replay.status, replay.body);
      }
      let status = 200;
      let body: unknown;
      try {
        body = write(entity, await readJson(request), url);
      } catch (err) {
        if (!(err instanceof QboFault)) throw err;
        status = err.status;
        body = faultBody(err.type, err.errors, time());
      }
      if (requestId) idempotent.set(requestId, { status, body });
      return json(status, body);
    }
    return json(400, faultBody('ValidationFault', [{ Message: 'Unsupported Operation', Detail: `Operation ${request.method} is not supported.`, code: '500' }], time()));
  };

  const write = (entity: EntityName, body: Json, url: URL): Json => {
    const operation = (url.searchParams.get('operation') ?? 'update').toLowerCase();
    const include = (url.searchParams.get('include') ?? '').toLowerCase();
    const store = d.store;
    if (body.Id === undefined || body.Id === null || body.Id === '') {
      if (operation !== 'update' && operation !== 'create') throw requiredParam('Id');
      const created: AnyRec =
        entity === 'Customer' ? store.createCustomer(body)
        : entity === 'Invoice' ? store.createInvoice(body)
        : entity === 'CreditMemo' ? store.createCreditMemo(body)
        : store.createPayment(body);
      return { [entity]: store.render(created), time: time() };
    }
    const rec = store.table(entity).byId.get(String(body.Id));
    if (!rec) throw objectNotFound();
    if (body.SyncToken === undefined || body.SyncToken === null) throw requiredParam('SyncToken');
    if (String(body.SyncToken) !== String(rec.syncToken)) throw staleObject();
    if (operation === 'delete') {
      if (rec.kind === 'Customer') throw unsupported('delete', entity);
      store.remove(rec);
      return { [entity]: { status: 'Deleted', domain: 'QBO', Id: rec.id }, time: time() };
    }
    if (operation === 'void' || include === 'void') {
      if (rec.kind !== 'Invoice' && rec.kind !== 'Payment') throw unsupported('void', entity);
      store.void(rec);
      return { [entity]: store.render(rec), time: time() };
    }
    if (operation !== 'update') throw unsupported(operation, entity);
    store.update(rec, body, body.sparse === true);
    return { [entity]: store.render(rec), time: time() };
  };

  const cdc = (url: URL): Json => {
    const names = (url.searchParams.get('entities') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const since = d.zone.parse(url.searchParams.get('changedSince') ?? '');
    if (!names.length) throw requiredParam('entities');
    if (since === undefined) throw requiredParam('changedSince');
    const entities = names.map((n) => {
      const e = entityName(n);
      if (!e) throw new QboFault(400, 'ValidationFault', [{ Message: 'Invalid query', Detail: `QueryValidationError: Invalid context declaration : ${n}`, code: '4001' }]);
      return e;
    });
    const limits = d.limits();
    if (since < d.now() - limits.cdcLookbackDays * 86_400_000) {
      // The CDC page limits the look-back to 30 days; the exact fault Intuit returns is not documented.
      throw new QboFault(400, 'ValidationFault', [
        { Message: 'Invalid Request', Detail: `changedSince must be within the last ${limits.cdcLookbackDays} days`, code: '4001' },
      ]);
    }
    let budget = limits.cdcMaxObjects;
    const responses: Json[] = [];
    for (const entity of entities) {
      const changed = changesSince(entity, since);
      const taken = changed.slice(0, Math.max(0, budget));
      budget -= taken.length;
      responses.push(taken.length ? { [entity]: taken, startPosition: 1, maxResults: taken.length } : {});
    }
    return { CDCResponse: [{ QueryResponse: responses }], time: time() };
  };

  /** Live records changed at or after `since`, and delete stubs, oldest first. */
  const changesSince = (entity: EntityName, since: number): Json[] => {
    const byUpdated = d.store.table(entity).updatedOrder() as AnyRec[];
    let lo = 0;
    let hi = byUpdated.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((byUpdated[mid] as AnyRec).updatedMs < since) lo = mid + 1;
      else hi = mid;
    }
    const live = byUpdated.slice(lo);
    const dead = d.store.tombstones[entity].filter((t) => t.deletedMs >= since);
    const out: { ms: number; json: () => Json }[] = [
      ...live.map((r) => ({ ms: r.updatedMs, json: () => d.store.render(r) })),
      ...dead.map((t: Tombstone) => ({ ms: t.deletedMs, json: () => d.store.renderDeleted(t) })),
    ];
    out.sort((a, b) => a.ms - b.ms);
    return out.map((o) => o.json());
  };

  const companyInfo = (): Json => ({
    CompanyName: 'Relance Démo SAS',
    LegalName: 'Relance Démo SAS',
    Country: d.store.ctx.currency === 'USD' ? 'US' : 'FR',
    Email: { Address: 'compta@relance-demo.example' },
    domain: 'QBO',
    sparse: false,
    Id: '1',
    SyncToken: '1',
    MetaData: { CreateTime: d.zone.instant(d.now() - 900 * 86_400_000), LastUpdatedTime: d.zone.instant(d.now() - 30 * 86_400_000) },
    NameValue: [{ Name: 'HomeCurrency', Value: d.store.ctx.currency }],
  });

  /** GET /preferences (Intuit's Preferences entity): the parts a receivables tool reads; a single-currency company. */
  const preferences = (): Json => ({
    CurrencyPrefs: { MultiCurrencyEnabled: false, HomeCurrency: { value: d.store.ctx.currency } },
    SalesFormsPrefs: { CustomField: [{ CustomField: d.store.ctx.customFieldDefinitions.map((f) => ({ Name: `SalesFormsPrefs.SalesCustomName${f.DefinitionId}`, Type: 'StringType', StringValue: f.Name })) }], AllowDeposit: false, AllowDiscount: true, ETransactionEnabledStatus: 'NotApplicable' },
    domain: 'QBO',
    sparse: false,
    Id: '1',
    SyncToken: '2',
    MetaData: { CreateTime: d.zone.instant(d.now() - 900 * 86_400_000), LastUpdatedTime: d.zone.instant(d.now() - 30 * 86_400_000) },
  });

  const token = http.post(d.baseUrls.token, async ({ request }) => {
    count('POST /oauth2/v1/tokens/bearer');
    const form = new URLSearchParams(await request.text());
    const reply = d.oauth.token(request.headers.get('authorization'), form);
    return HttpResponse.json(reply.body ?? {}, { status: reply.status, headers: headers() });
  });

  const revoke = http.post(d.baseUrls.revoke, async ({ request }) => {
    count('POST /v2/oauth2/tokens/revoke');
    let token: unknown;
    try {
      token = (JSON.parse(await request.text()) as Json).token;
    } catch {
      token = undefined;
    }
    // Intuit takes `{"token": …}` as JSON where RFC 7009 has a form.
    const reply = d.oauth.revoke(request.headers.get('authorization'), new URLSearchParams(typeof token === 'string' ? { token } : {}));
    return reply.body ? HttpResponse.json(reply.body, { status: reply.status }) : new HttpResponse(null, { status: reply.status });
  });

  const authorize = http.get(d.baseUrls.authorize, ({ request }) => {
    count('GET /connect/oauth2');
    const q = new URL(request.url).searchParams;
    const error = d.oauth.checkAuthorizeRequest(q);
    if (error) return HttpResponse.json({ error }, { status: 400 });
    // The user consents at once: redirect to the app's callback with code, state and realmId.
    const location = d.oauth.authorize({ redirectUri: q.get('redirect_uri') as string, state: q.get('state') as string, scope: q.get('scope') ?? undefined });
    return new HttpResponse(null, { status: 302, headers: { location } });
  });

  return [token, revoke, authorize, api];
}

async function readJson(request: Request): Promise<Json> {
  const text = await request.text();
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Json;
  } catch {
    // fall through to the fault below
  }
  throw new QboFault(400, 'ValidationFault', [
    { Message: 'Request has invalid or unsupported property', Detail: 'Property Name:Failed to parse json object specified is unsupported or invalid', code: '2010' },
  ]);
}

function requiredParam(name: string): QboFault {
  return new QboFault(400, 'ValidationFault', [
    { Message: 'Required param missing, need to supply the required value for the API', Detail: `Required parameter ${name} is missing in the request`, code: '2020' },
  ]);
}

function staleObject(): QboFault {
  const who = COMPANY_USER.name;
  return new QboFault(400, 'ValidationFault', [
    {
      Message: 'Stale Object Error',
      Detail: `Stale Object Error : You and ${who} were working on this at the same time. ${who} finished before you did, so your work was not saved.`,
      code: '5010',
    },
  ]);
}

function unsupported(operation: string, entity: string): QboFault {
  return new QboFault(400, 'ValidationFault', [{ Message: 'Unsupported Operation', Detail: `Operation ${operation} is not supported for ${entity}.`, code: '500' }]);
}
