// msw handlers for Xero Identity (authorize, token, revocation), /connections and the Accounting API 2.0.
import { createHash, randomUUID } from 'node:crypto';
import { pdfResponse, renderInvoicePdf } from '../../../src/simulator/invoice-pdf.js';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { dateString, msDate, parseBusinessDate } from './format.js';
import { remainingHeaders, throttled } from './limits.js';
import type { OAuthServer, Tenant } from './oauth.js';
import { QueryError, type createLister } from './query.js';
import type { Store } from './store.js';
import { entityName, type AnyRec, type EntityName, type InvoiceRec, type XeroBaseUrls, type XeroLimits } from './types.js';
import { pass, type Gate } from '../../../src/simulator/gate.js';
import type { Remaining } from '../../../src/simulator/quotas.js';
import { countRequest, type RequestStats } from '../../../src/simulator/stats.js';

type Json = Record<string, unknown>;

/** Xero's own counter: requests that sent If-Modified-Since (proves the header leaves the client). Routes read "GET /Invoices", "PUT /Invoices/{id}/History"… */
export const xeroStatsExtras = () => ({ withIfModifiedSince: 0 });
export type XeroStats = RequestStats & ReturnType<typeof xeroStatsExtras>;

export interface ApiContext {
  store: Store;
  list: ReturnType<typeof createLister>;
  oauth: OAuthServer;
  tenant: Tenant;
  baseUrls: XeroBaseUrls;
  limits: () => XeroLimits;
  now: () => number;
  appName: string;
  currency: string;
  gate: Gate<XeroStats>;
}

/**
 * The query parameters each list endpoint honours: those Xero's OpenAPI description declares for it (XeroAPI/Xero-OpenAPI,
 * xero_accounting.yaml, operations getContacts, getInvoices, getCreditNotes, getPayments) and this simulator implements
 * (searchTerm, createdByMyApp and unitdp are declared but not simulated). Any other parameter is ignored, as Xero ignores
 * it: `IDs` on /CreditNotes or /Payments returns the list unfiltered (Xero staff in Xero-Java#65; pyxero#252, #260), and
 * `Statuses` on /Contacts filters nothing.
 */
export const LIST_PARAMETERS: Record<EntityName, readonly string[]> = {
  Contact: ['where', 'order', 'IDs', 'page', 'includeArchived', 'summaryOnly', 'pageSize'],
  Invoice: ['where', 'order', 'IDs', 'InvoiceNumbers', 'ContactIDs', 'Statuses', 'page', 'includeArchived', 'summaryOnly', 'pageSize'],
  CreditNote: ['where', 'order', 'page', 'pageSize'],
  Payment: ['where', 'order', 'page', 'pageSize'],
};

const PLURAL: Record<EntityName, string> = { Contact: 'Contacts', Invoice: 'Invoices', CreditNote: 'CreditNotes', Payment: 'Payments' };
const NOT_FOUND = "The resource you're looking for cannot be found";

function problem(status: 401 | 403, detail: string): Response {
  return HttpResponse.json({ Type: null, Title: status === 401 ? 'Unauthorized' : 'Forbidden', Status: status, Detail: detail, Instance: randomUUID(), Extensions: {} }, { status });
}

export function validationError(elements: Json[], headers: Record<string, string> = {}): Response {
  return HttpResponse.json({ ErrorNumber: 10, Type: 'ValidationException', Message: 'A validation exception occurred', Elements: elements }, { status: 400, headers });
}

function faultResponse(f: { status: number; body?: unknown }): Response {
  if (f.body !== undefined && typeof f.body !== 'string') return HttpResponse.json(f.body as Json, { status: f.status });
  const text = typeof f.body === 'string' ? f.body : f.status === 503 ? 'Service Unavailable' : f.status >= 500 ? 'An error occurred in Xero. Check the API Status page http://status.developer.xero.com for current service status.' : 'Error';
  return new HttpResponse(text, { status: f.status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

export function createHandlers(ctx: ApiContext): HttpHandler[] {
  const { store, oauth, baseUrls } = ctx;
  const { stats, faults } = ctx.gate;
  const idempotent = new Map<string, { status: number; body: string }>();

  const envelope = (extra: Json): Json => ({ Id: randomUUID(), Status: 'OK', ProviderName: ctx.appName, DateTimeUTC: `/Date(${ctx.now()})/`, ...extra });

  const authorizeHandler = http.get(baseUrls.authorize, ({ request }) => {
    countRequest(stats, 'GET /identity/connect/authorize');
    const q = new URL(request.url).searchParams;
    const redirectUri = q.get('redirect_uri');
    if (q.get('client_id') !== oauth.clientId || !redirectUri) {
      return new HttpResponse('Error: unauthorized_client\nInvalid client_id or redirect_uri', { status: 400, headers: { 'content-type': 'text/plain' } });
    }
    if (q.get('response_type') !== 'code') return HttpResponse.redirect(`${redirectUri}?error=unsupported_response_type&state=${encodeURIComponent(q.get('state') ?? '')}`, 302);
    const location = oauth.authorize({
      redirectUri,
      state: q.get('state') ?? '',
      ...(q.get('scope') ? { scope: q.get('scope') as string } : {}),
      ...(q.get('code_challenge') ? { codeChallenge: q.get('code_challenge') as string } : {}),
    });
    return HttpResponse.redirect(location, 302);
  });

  const tokenHandler = http.post(baseUrls.token, async ({ request }) => {
    countRequest(stats, 'POST /connect/token');
    const reply = oauth.token(request.headers.get('authorization'), new URLSearchParams(await request.text()));
    return HttpResponse.json(reply.body, { status: reply.status, headers: { 'cache-control': 'no-store' } });
  });

  const revokeHandler = http.post(baseUrls.revoke, async ({ request }) => {
    countRequest(stats, 'POST /connect/revocation');
    const reply = oauth.revoke(request.headers.get('authorization'), new URLSearchParams(await request.text()));
    return reply.status === 200 ? new HttpResponse(null, { status: 200 }) : HttpResponse.json(reply.body, { status: reply.status });
  });

  const connectionsHandler = http.all(`${baseUrls.connections}*`, ({ request }) => {
    const url = new URL(request.url);
    const rest = url.pathname.slice(new URL(baseUrls.connections).pathname.length).replace(/^\/+/, '');
    countRequest(stats, `${request.method} /connections${rest ? '/{id}' : ''}`);
    const auth = oauth.authenticate(request.headers.get('authorization'));
    if ('detail' in auth) return problem(401, auth.detail);
    if (request.method === 'GET' && !rest) return HttpResponse.json(oauth.connections(auth.grant));
    if (request.method === 'DELETE' && rest) return oauth.disconnect(auth.grant, decodeURIComponent(rest)) ? new HttpResponse(null, { status: 204 }) : new HttpResponse(null, { status: 404 });
    return new HttpResponse(null, { status: 405 });
  });

  const apiHandler = http.all(`${baseUrls.api}/*`, async ({ request }) => {
    const url = new URL(request.url);
    const segs = url.pathname
      .slice(new URL(baseUrls.api).pathname.length)
      .split('/')
      .filter(Boolean)
      .map(decodeURIComponent);
    const route = `${request.method} /${segs.map((s, i) => (i === 1 ? '{id}' : s)).join('/')}`;
    countRequest(stats, route);
    if (request.headers.get('if-modified-since')) stats.withIfModifiedSince++;

    const refuse = () => {
      const auth = oauth.authenticate(request.headers.get('authorization'));
      if ('detail' in auth) return problem(401, auth.detail);
      const tenantId = request.headers.get('xero-tenant-id');
      if (!tenantId || tenantId.toLowerCase() !== ctx.tenant.tenantId.toLowerCase() || !oauth.hasTenant(auth.grant, tenantId)) {
        return problem(403, 'AuthenticationUnsuccessful');
      }
      return undefined;
    };
    const admitted = (res: Response, remaining: Remaining) => {
      for (const [k, v] of Object.entries(remainingHeaders(remaining))) res.headers.set(k, v);
    };
    return pass(ctx.gate, ctx.tenant.tenantId, request, { refuse, throttled, failed: (status, body) => faultResponse({ status, body }), admitted }, () => route_(request, url, segs));
  });

  async function route_(request: Request, url: URL, segs: string[]): Promise<Response> {
    const method = request.method;
    const [first = '', id, sub] = segs;
    if (/^organisation$/i.test(first) && method === 'GET' && !id) return HttpResponse.json(envelope({ Organisations: [organisation()] }));
    const entity = entityName(first);
    // GET /Invoices/{InvoiceID}/OnlineInvoice: the customer-facing page of a sales invoice. Xero makes none for a
    // draft or a deleted invoice (a ValidationException), nor for a bill.
    if (entity === 'Invoice' && id !== undefined && sub !== undefined && /^onlineinvoice$/i.test(sub) && segs.length === 3) {
      if (method !== 'GET') return methodNotAllowed();
      const rec = lookup(entity, id);
      if (!rec) return notFound();
      const status = store.status(rec as InvoiceRec);
      if (status === 'DRAFT' || status === 'DELETED' || status === 'SUBMITTED') return validationError([{ ValidationErrors: [{ Message: `An online invoice cannot be created for an invoice with status ${status}` }] }]);
      return HttpResponse.json(envelope({ OnlineInvoices: [{ OnlineInvoiceUrl: `https://in.xero.com/${onlineCode(rec.id)}` }] }));
    }
    if (!entity || segs.length > 3 || (sub !== undefined && !/^history$/i.test(sub))) return notFound();

    if (sub !== undefined) {
      const rec = lookup(entity, id as string);
      if (!rec) return notFound();
      if (method === 'GET') return HttpResponse.json(envelope({ HistoryRecords: rec.history.map((h) => store.renderHistory(h)) }));
      if (method === 'PUT' || method === 'POST') return withIdempotency(request, () => putHistory(rec, request));
      return methodNotAllowed();
    }

    if (id === undefined) {
      if (method === 'GET') return list(entity, url, request);
      if ((method === 'POST' || method === 'PUT') && entity === 'Invoice') return withIdempotency(request, () => updateInvoices(request, url, undefined));
      return methodNotAllowed();
    }
    const rec = lookup(entity, id);
    if (!rec) return notFound();
    // GET /Invoices/{InvoiceID} (and /CreditNotes/{id}) with Accept: application/pdf: the document as a PDF
    // (operation getInvoiceAsPdf in xero_accounting.yaml, x-path /Invoices/{InvoiceID}).
    if (method === 'GET' && (entity === 'Invoice' || entity === 'CreditNote') && (request.headers.get('accept') ?? '').includes('application/pdf')) {
      const doc = store.render(rec) as { InvoiceNumber?: string; CreditNoteNumber?: string; DateString?: string; Date?: string; DueDateString?: string; Total: number | string; CurrencyCode: string; Contact: { Name?: string } };
      const number = doc.InvoiceNumber ?? doc.CreditNoteNumber ?? rec.id;
      const day = (v: string | undefined) => (v ?? '').slice(0, 10);
      const pdf = await renderInvoicePdf({ company: organisation().Name as string, customer: doc.Contact.Name ?? '', number, issueDate: day(doc.DateString), dueDate: day(doc.DueDateString ?? doc.DateString), total: String(doc.Total), currency: doc.CurrencyCode, title: entity === 'CreditNote' ? 'Credit note' : 'Invoice' });
      return pdfResponse(pdf, `${number}.pdf`);
    }
    if (method === 'GET') return HttpResponse.json(envelope({ [PLURAL[entity]]: [store.render(rec)] }));
    if (method === 'POST' && rec.kind === 'Invoice') return withIdempotency(request, () => updateInvoices(request, url, rec));
    return methodNotAllowed();
  }

  function lookup(entity: EntityName, id: string): AnyRec | undefined {
    const rec = store.table(entity).get(id);
    if (rec) return rec;
    // Invoices and credit notes can also be addressed by number (GET /Invoices/INV-0001).
    if (entity === 'Invoice') return store.invoices.ordered.find((i) => i.number === id);
    if (entity === 'CreditNote') return store.creditNotes.ordered.find((c) => c.number === id);
    return undefined;
  }

  function list(entity: EntityName, url: URL, request: Request): Response {
    const q = url.searchParams;
    // Only what this endpoint declares is read; anything else is ignored, as Xero ignores it.
    const get = (name: string) => {
      if (!LIST_PARAMETERS[entity].includes(name)) return null;
      for (const [k, v] of q) if (k.toLowerCase() === name.toLowerCase()) return v;
      return null;
    };
    let rows: AnyRec[];
    try {
      rows = ctx.list(entity, {
        where: get('where'),
        order: get('order'),
        ids: get('IDs'),
        numbers: get('InvoiceNumbers'),
        contactIds: get('ContactIDs'),
        statuses: get('Statuses'),
        includeArchived: get('includeArchived'),
        ifModifiedSince: request.headers.get('if-modified-since'),
      });
    } catch (err) {
      if (err instanceof QueryError) {
        // UNCONFIRMED shape: Xero answers a malformed where with a 400 naming the parse problem.
        return HttpResponse.json({ ErrorNumber: 16, Type: 'QueryParseException', Message: err.message }, { status: 400 });
      }
      throw err;
    }
    const summaryOnly = get('summaryOnly') === 'true';
    const pageParam = get('page');
    const plural = PLURAL[entity];
    if (pageParam === null) {
      // Historic behaviour kept by Xero: without `page`, every match in one response, invoices without line items.
      return HttpResponse.json(envelope({ [plural]: rows.map((r) => store.render(r, { summaryOnly, withLines: false })) }));
    }
    const l = ctx.limits();
    const page = Math.max(1, Number.parseInt(pageParam, 10) || 1);
    const requested = Number.parseInt(get('pageSize') ?? '', 10);
    const pageSize = Number.isFinite(requested) && requested > 0 ? Math.min(requested, l.maxPageSize) : l.defaultPageSize;
    // The kit may repeat or swap a page (faults); the envelope names the page actually served.
    const list = `${entity}?${[...q].filter(([k]) => k.toLowerCase() !== 'page').join('&')}`;
    const offset = faults.pageOffset(list, (page - 1) * pageSize, pageSize);
    const slice = rows.slice(offset, offset + pageSize);
    return HttpResponse.json(
      envelope({
        pagination: { page: offset / pageSize + 1, pageSize, pageCount: Math.ceil(rows.length / pageSize), itemCount: rows.length },
        [plural]: slice.map((r) => store.render(r, { summaryOnly })),
      }),
    );
  }

  async function readJson(request: Request): Promise<Json | undefined> {
    try {
      const v: unknown = JSON.parse(await request.text());
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
    } catch {
      return undefined;
    }
  }

  function postDataInvalid(message: string): Response {
    // UNCONFIRMED exact text; the Type is the one Xero documents for unreadable bodies.
    return HttpResponse.json({ ErrorNumber: 14, Type: 'PostDataInvalidException', Message: message }, { status: 400 });
  }

  async function putHistory(rec: AnyRec, request: Request): Promise<Response> {
    const body = await readJson(request);
    const records = body?.HistoryRecords;
    if (!Array.isArray(records) || records.length === 0) return postDataInvalid('The HistoryRecords collection is required.');
    const max = ctx.limits().historyDetailsMax;
    const now = ctx.now();
    const errors: Json[] = [];
    for (const r of records as Json[]) {
      const details = typeof r?.Details === 'string' ? r.Details : '';
      const messages: string[] = [];
      if (!details.trim()) messages.push('The Details field is required.');
      else if (details.length > max) messages.push(`The Details must be ${max} characters or less.`);
      if (messages.length) errors.push({ DateUTCString: dateString(new Date(now).toISOString().slice(0, 10)), DateUTC: msDate(now), Details: details, ValidationErrors: messages.map((Message) => ({ Message })) });
    }
    if (errors.length) return validationError(errors);
    const added = (records as Json[]).map((r) => store.addHistory(rec, 'Note', String(r.Details), now));
    return HttpResponse.json(envelope({ HistoryRecords: added.map((h) => ({ DateUTCString: new Date(h.ms).toISOString().slice(0, 19), DateUTC: msDate(h.ms), Details: h.details })) }));
  }

  async function updateInvoices(request: Request, url: URL, target: InvoiceRec | undefined): Promise<Response> {
    const body = await readJson(request);
    if (!body) return postDataInvalid('Invalid JSON');
    const items = Array.isArray(body.Invoices) ? (body.Invoices as Json[]) : [body];
    const summarize = url.searchParams.get('summarizeErrors') !== 'false';
    const results: { inv?: InvoiceRec; element: Json; errors: string[] }[] = [];
    for (const item of items) {
      const inv = target ?? (typeof item.InvoiceID === 'string' ? store.invoices.get(item.InvoiceID) : typeof item.InvoiceNumber === 'string' ? store.invoices.ordered.find((i) => i.number === item.InvoiceNumber) : undefined);
      if (!inv) {
        // Creating invoices through the API is outside this simulator (use data.create).
        results.push({ element: { ...item }, errors: [item.InvoiceID ? NOT_FOUND : 'Creating invoices through the API is not simulated; use simulator.data.create'] });
        continue;
      }
      results.push({ inv, element: {}, errors: validateInvoicePatch(inv, item) });
    }
    const failed = results.filter((r) => r.errors.length > 0);
    if (failed.length && summarize) {
      return validationError(failed.map((r) => ({ ...(r.inv ? store.renderInvoice(r.inv) : r.element), HasErrors: true, ValidationErrors: r.errors.map((Message) => ({ Message })) })));
    }
    const out: Json[] = [];
    items.forEach((item, i) => {
      const r = results[i] as (typeof results)[number];
      if (r.inv && r.errors.length === 0) applyInvoicePatch(r.inv, item);
      out.push(r.inv ? { ...store.renderInvoice(r.inv), ...(r.errors.length ? { HasErrors: true, ValidationErrors: r.errors.map((Message) => ({ Message })) } : {}) } : { ...r.element, HasErrors: true, ValidationErrors: r.errors.map((Message) => ({ Message })) });
    });
    return HttpResponse.json(envelope({ Invoices: out }));
  }

  function validateInvoicePatch(inv: InvoiceRec, item: Json): string[] {
    const errors: string[] = [];
    const status = store.status(inv);
    const locked = inv.payments.some((p) => p.status === 'AUTHORISED') || inv.allocations.some((a) => !a.isDeleted);
    if ('ExpectedPaymentDate' in item) {
      if (parseBusinessDate(item.ExpectedPaymentDate) === undefined) errors.push(`The ExpectedPaymentDate '${String(item.ExpectedPaymentDate)}' is not a valid date.`);
      else if (inv.type !== 'ACCREC') errors.push('ExpectedPaymentDate can only be set on sales invoices (ACCREC).');
      else if (status !== 'AUTHORISED') errors.push('ExpectedPaymentDate can only be set on approved invoices that are awaiting payment.');
    }
    if ('SentToContact' in item && status !== 'AUTHORISED' && status !== 'PAID') errors.push('Only approved invoices can be marked as sent.');
    const editsDocument = ['LineItems', 'Contact', 'Date', 'DueDate', 'CurrencyCode', 'LineAmountTypes', 'Reference'].some((k) => k in item);
    if (editsDocument && locked) errors.push('This document cannot be edited as it has a payment or credit note allocated to it.');
    if ('DueDate' in item && parseBusinessDate(item.DueDate) === undefined) errors.push(`The DueDate '${String(item.DueDate)}' is not a valid date.`);
    if ('Status' in item && item.Status !== status) {
      const next = String(item.Status);
      if (next === 'VOIDED' && (status !== 'AUTHORISED' || locked)) errors.push(status === 'AUTHORISED' ? 'This document cannot be edited as it has a payment or credit note allocated to it.' : 'Invoice not of valid status for modification');
      else if (next === 'DELETED' && status !== 'DRAFT' && status !== 'SUBMITTED') errors.push('Invoice not of valid status for modification');
      else if (next === 'AUTHORISED' && status !== 'DRAFT' && status !== 'SUBMITTED') errors.push('Invoice not of valid status for modification');
      else if (!['VOIDED', 'DELETED', 'AUTHORISED'].includes(next)) errors.push('Invoice not of valid status for modification');
    }
    return errors;
  }

  function applyInvoicePatch(inv: InvoiceRec, item: Json): void {
    let changed = false;
    if ('ExpectedPaymentDate' in item) {
      inv.expectedPaymentDate = parseBusinessDate(item.ExpectedPaymentDate);
      changed = true;
    }
    // Clearing needs the *String field (xero-node#476).
    if (item.ExpectedPaymentDateString === '' && !('ExpectedPaymentDate' in item)) {
      inv.expectedPaymentDate = undefined;
      changed = true;
    }
    if (typeof item.SentToContact === 'boolean' && item.SentToContact !== inv.sentToContact) {
      inv.sentToContact = item.SentToContact;
      changed = true;
    }
    if (typeof item.Reference === 'string' && item.Reference !== inv.reference) {
      inv.reference = item.Reference;
      changed = true;
    }
    if ('DueDate' in item) {
      inv.dueDate = parseBusinessDate(item.DueDate);
      changed = true;
    }
    if (typeof item.Status === 'string' && item.Status !== store.status(inv)) {
      store.setStatus(inv, item.Status as 'VOIDED' | 'DELETED' | 'AUTHORISED');
      return;
    }
    if (changed) store.touch(inv);
  }

  async function withIdempotency(request: Request, run: () => Promise<Response>): Promise<Response> {
    const key = request.headers.get('idempotency-key');
    if (!key) return run();
    const k = `${request.method} ${new URL(request.url).pathname} ${key}`;
    const hit = idempotent.get(k);
    if (hit) return new HttpResponse(hit.body, { status: hit.status, headers: { 'content-type': 'application/json; charset=utf-8' } });
    const res = await run();
    const text = await res.clone().text();
    idempotent.set(k, { status: res.status, body: text });
    return res;
  }

  function organisation(): Json {
    return {
      APIKey: '',
      Name: ctx.tenant.tenantName,
      LegalName: ctx.tenant.tenantName,
      PaysTax: true,
      Version: 'GLOBAL',
      OrganisationType: 'COMPANY',
      BaseCurrency: ctx.currency,
      CountryCode: 'FR',
      IsDemoCompany: false,
      OrganisationStatus: 'ACTIVE',
      FinancialYearEndDay: 31,
      FinancialYearEndMonth: 12,
      DefaultSalesTax: 'Tax Exclusive',
      DefaultPurchasesTax: 'Tax Exclusive',
      CreatedDateUTC: msDate(Date.parse('2020-01-06T09:00:00Z')),
      OrganisationEntityType: 'COMPANY',
      Timezone: 'ROMANCESTANDARDTIME',
      ShortCode: '!sim01',
      OrganisationID: ctx.tenant.tenantId,
      Edition: 'BUSINESS',
      Class: 'STANDARD',
      Addresses: [],
      Phones: [],
      ExternalLinks: [],
      PaymentTerms: { Sales: { Day: 30, Type: 'DAYSAFTERBILLDATE' } },
    };
  }

  return [authorizeHandler, tokenHandler, revokeHandler, connectionsHandler, apiHandler];
}

/** A stable, opaque code per invoice, the shape of Xero's in.xero.com links (40 letters and digits). */
function onlineCode(id: string): string {
  return createHash('sha256').update(`online-invoice:${id}`).digest('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 40);
}

function notFound(): Response {
  return new HttpResponse(NOT_FOUND, { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

function methodNotAllowed(): Response {
  return new HttpResponse('The method is not implemented', { status: 501, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}
