// msw handlers for Sage's OAuth endpoints and the Accounting API v3.1 a collections add-on uses.
import { http, HttpResponse, type HttpHandler } from 'msw';
import { pdfResponse, renderInvoicePdf } from '../../../src/simulator/invoice-pdf.js';
import { pdfTextLines } from '../../../src/simulator/pdf-text.js';
import { pass, type Gate } from '../../../src/simulator/gate.js';
import { countRequest, type RequestStats } from '../../../src/simulator/stats.js';
import type { OAuthServer } from './oauth.js';
import { sageInstant, type BusinessStore } from './store.js';
import type { AllocationRec, ArtefactRec, AttachmentRec, ContactRec, PaymentRec, SageBaseUrls, SageLimits } from './types.js';

type Json = Record<string, unknown>;

/**
 * Sage's own counters: single invoice reads that marked the invoice as sent (`mark_as_sent` defaults to true, reference
 * B8.4), and calls made without X-Business.
 */
export const sageStatsExtras = () => ({ markedAsSent: 0, singleReadsMarkingSent: 0, withoutBusiness: 0 });
export type SageStats = RequestStats & ReturnType<typeof sageStatsExtras>;

/** Sage's error body: an array of diagnoses (reference B9; Sage's sample-app issues #9 and #29). */
export function sageError(status: number, dataCode: string, message: string, source = '', headers: Record<string, string> = {}): Response {
  return HttpResponse.json([{ $severity: 'error', $dataCode: dataCode, $message: message, $source: source }], { status, headers });
}

export interface ApiContext {
  businesses: Map<string, BusinessStore>;
  oauth: OAuthServer;
  baseUrls: SageBaseUrls;
  limits: () => SageLimits;
  gate: Gate<SageStats>;
  /** Runs once a contact has been read through the API (a user's edit racing a client's read-modify-write). */
  afterContactRead?: (store: BusinessStore, contact: ContactRec) => void;
}

/** The attachment contexts the simulator accepts; Sage lists its own at GET /attachment_context_types (exact ids UNCONFIRMED). */
export const ATTACHMENT_CONTEXTS = ['SALES_INVOICE', 'SALES_CREDIT_NOTE', 'CONTACT'] as const;

/** Attachments larger than this are refused (Sage's limit is UNCONFIRMED; 5 MB is a conservative stand-in). */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
/**
 * The files Sage's attachment guide names (guides/concepts/attachments: "a pdf, jpg or png file"). Whether the API
 * takes others is UNCONFIRMED; the simulator refuses them, so nothing of ours relies on it.
 */
export const ATTACHMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;

class BadParam extends Error {}

/** `YYYY-MM-DD` (midnight UTC) or an ISO date-time with its offset, as the filters take them. */
function instantParam(q: URLSearchParams, name: string): number | null {
  const v = q.get(name);
  if (v === null || v === '') return null;
  const ms = /^\d{4}-\d\d-\d\d$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/.test(v) ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(ms)) throw new BadParam(`${name} must be a date (YYYY-MM-DD) or a date-time with its offset`);
  return ms;
}

interface Listable {
  id: string;
  createdMs: number;
  updatedMs: number;
  deletedMs: number | null;
}

/** Sortable attributes (the SDK's `sort` text: created_at, updated_at, date, due_date), read from the records. */
const SORTABLE: Record<string, (r: Listable) => string | number> = {
  created_at: (r) => Math.floor(r.createdMs / 1000),
  updated_at: (r) => Math.floor(r.updatedMs / 1000),
  date: (r) => String((r as { date?: string }).date ?? ''),
  due_date: (r) => String((r as { dueDate?: string }).dueDate ?? ''),
};

export function createHandlers(ctx: ApiContext): HttpHandler[] {
  const { oauth, baseUrls } = ctx;
  const { stats } = ctx.gate;

  const authorize = http.get(baseUrls.authorize, ({ request }) => {
    countRequest(stats, 'GET /oauth2/auth/central');
    const q = new URL(request.url).searchParams;
    const redirectUri = q.get('redirect_uri');
    if (q.get('client_id') !== oauth.clientId || !redirectUri) return new HttpResponse('Unknown client', { status: 400 });
    const back = (params: Record<string, string>) => {
      const url = new URL(redirectUri);
      for (const [k, v] of Object.entries({ ...params, state: q.get('state') ?? '' })) url.searchParams.set(k, v);
      return HttpResponse.redirect(url.toString(), 302);
    };
    if (q.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
    // v3 was shut down on 31 July 2026: only apps asking for the v3.1 filter get a consent.
    if (q.get('filter') !== 'apiv3.1') return back({ error: 'invalid_request', error_description: 'filter=apiv3.1 is required' });
    const scope = q.get('scope') ?? 'full_access';
    if (scope !== 'full_access' && scope !== 'readonly') return back({ error: 'invalid_scope' });
    return HttpResponse.redirect(oauth.authorize({ redirectUri, state: q.get('state') ?? '', scope, ...(q.get('code_challenge') ? { codeChallenge: q.get('code_challenge')!, codeChallengeMethod: q.get('code_challenge_method') ?? 'S256' } : {}) }), 302);
  });
  const token = http.post(baseUrls.token, async ({ request }) => {
    countRequest(stats, 'POST /token');
    const reply = oauth.token(request.headers.get('authorization'), new URLSearchParams(await request.text()));
    return HttpResponse.json(reply.body, { status: reply.status, headers: { 'cache-control': 'no-store' } });
  });
  const revoke = http.post(baseUrls.revoke, async ({ request }) => {
    countRequest(stats, 'POST /revoke');
    const reply = oauth.revoke(request.headers.get('authorization'), new URLSearchParams(await request.text()));
    return reply.status === 200 ? HttpResponse.json({ success: 'ok' }) : HttpResponse.json(reply.body, { status: reply.status });
  });

  const api = http.all(`${baseUrls.api}/*`, async ({ request }) => {
    const url = new URL(request.url);
    const segs = url.pathname.slice(new URL(baseUrls.api).pathname.length).split('/').filter(Boolean).map(decodeURIComponent);
    countRequest(stats, `${request.method} /${segs.map((s) => (/^[0-9a-f]{32}$/.test(s) ? '{key}' : s)).join('/')}`);
    const bearer = request.headers.get('authorization');
    const check = oauth.checkBearer(bearer);
    if (!check.ok) return sageError(401, 'AuthorizationFailure', check.reason === 'expired' ? 'The access token has expired.' : 'You are not authorised to access this resource.');
    const reached = check.grant.extra.businesses;
    // The user's businesses need no X-Business; everything else is the data of one business.
    if (segs[0] === 'businesses') return businessesRoute(reached, segs, url.searchParams);
    const businessId = request.headers.get('x-business');
    if (!businessId) stats.withoutBusiness++;
    const store = businessId && reached.includes(businessId) ? ctx.businesses.get(businessId) : undefined;
    const refuse = () => (store ? undefined : sageError(401, 'AuthorizationFailure', businessId ? 'You do not have access to the business given in X-Business.' : 'The X-Business header is required for a user with several businesses.', 'X-Business'));
    const failed = (status: number, body: unknown) => (body !== undefined ? HttpResponse.json(body as Json, { status }) : sageError(status, status >= 500 ? 'InternalServerError' : 'Error', `HTTP ${status}`));
    return pass(
      ctx.gate,
      businessId ?? 'none',
      request,
      {
        refuse,
        throttled: (r) => sageError(429, 'TooManyRequests', 'Too many requests. Please retry later.', '', { 'retry-after': String(r.retryAfter ?? 1) }),
        failed,
      },
      async () => {
        try {
          return await dispatch(store!, request, url.searchParams, segs);
        } catch (err) {
          if (err instanceof BadParam) return sageError(422, 'RecordInvalid', err.message);
          throw err;
        }
      },
    );
  });

  /** The `sort` attributes each list takes (the SDK's parameter texts); GET /contacts and /businesses take no sort. */
  const SORTS: Record<string, string[]> = { sales_invoices: ['created_at', 'updated_at', 'date', 'due_date'], sales_credit_notes: ['created_at', 'updated_at', 'date'], contact_payments: ['created_at', 'updated_at', 'date'], contact_allocations: ['created_at', 'updated_at', 'date'] };

  function envelope<T extends Listable>(resource: string, rows: T[], q: URLSearchParams, render: (r: T, attrs: Set<string> | 'all') => Json): Response {
    const limits = ctx.limits();
    const perPage = q.has('items_per_page') ? Number(q.get('items_per_page')) : limits.defaultPageSize;
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > limits.maxPageSize) throw new BadParam(`items_per_page must be between 1 and ${limits.maxPageSize}`);
    const since = instantParam(q, 'updated_or_created_since');
    const deletedSince = instantParam(q, 'deleted_since');
    // updated_or_created_since is inclusive, deleted_since exclusive (the SDK's parameter descriptions).
    let kept = deletedSince !== null ? rows.filter((r) => r.deletedMs !== null && r.deletedMs > deletedSince) : rows.filter((r) => r.deletedMs === null);
    if (since !== null) kept = kept.filter((r) => r.updatedMs >= since || r.createdMs >= since);
    const attrs = q.get('attributes');
    const wanted: Set<string> | 'all' = attrs === 'all' ? 'all' : new Set((attrs ?? '').split(',').map((s) => s.trim()).filter(Boolean));
    let items = kept;
    const sort = q.get('sort');
    if (sort) {
      const [attr, dir = 'asc'] = sort.split(':');
      const allowed = SORTS[resource] ?? [];
      if (!allowed.length) throw new BadParam(`${resource} takes no sort`);
      const key = allowed.includes(attr ?? '') ? SORTABLE[attr!] : undefined;
      if (!key || (dir !== 'asc' && dir !== 'desc')) throw new BadParam(`sort must be one of ${allowed.join(', ')}, optionally :asc or :desc`);
      // Stable: ties keep the creation order (instants are to the second, as Sage prints them).
      items = items.map((rec, k) => ({ rec, k, v: key(rec) })).sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : 0) * (dir === 'desc' ? -1 : 1) || a.k - b.k).map((x) => x.rec);
    }
    const total = items.length;
    const last = Math.max(1, Math.ceil(total / perPage));
    // Past the end, Sage answers the last page (reference B4).
    const page = Math.min(Math.max(1, Number(q.get('page') ?? '1') || 1), last);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const linkTo = (n: number) => {
      const p = new URLSearchParams(q);
      p.set('page', String(n));
      p.set('items_per_page', String(perPage));
      return `/${resource}?${p.toString()}`;
    };
    return HttpResponse.json({
      $total: total,
      $page: page,
      $next: page < last ? linkTo(page + 1) : null,
      $back: page > 1 ? linkTo(page - 1) : null,
      $itemsPerPage: perPage,
      $items: slice.map((r) => pick(render(r, wanted), wanted, deletedSince !== null)),
    });
  }

  /** List items carry only id, displayed_as and $path unless `attributes` names more (reference B4). */
  function pick(full: Json, wanted: Set<string> | 'all', deleted: boolean): Json {
    if (wanted === 'all') return full;
    const out: Json = { id: full['id'], displayed_as: full['displayed_as'], $path: full['$path'] };
    if (deleted) out['deleted_at'] = full['deleted_at'];
    for (const a of wanted) if (a in full) out[a] = full[a];
    return out;
  }

  function businessesRoute(reached: string[], segs: string[], q: URLSearchParams): Response {
    const mine = reached.map((id) => ctx.businesses.get(id)).filter((b): b is BusinessStore => !!b);
    if (segs.length === 1) return envelope('businesses', mine.map((b) => ({ id: b.business.id, createdMs: b.business.createdMs, updatedMs: b.business.createdMs, deletedMs: null, b })), q, (r) => r.b.renderBusiness());
    const one = segs[1] === 'lead' ? mine[0] : mine.find((b) => b.business.id === segs[1]);
    return one ? HttpResponse.json(one.renderBusiness()) : notFound('Business');
  }

  const notFound = (what: string) => sageError(404, 'RecordNotFound', `${what} not found.`);
  const bool = (q: URLSearchParams, name: string) => q.get(name) === 'true';

  async function dispatch(store: BusinessStore, request: Request, q: URLSearchParams, segs: string[]): Promise<Response> {
    const method = request.method;
    const [resource, key] = segs;
    if (segs.length > 2) return notFound('Route');
    if (resource === 'contacts') {
      if (method === 'GET' && !key) {
        const type = q.get('contact_type_id');
        return envelope('contacts', [...store.contacts.values()].filter((c) => !type || c.types.includes(type as 'CUSTOMER')), q, (c) => store.renderContact(c));
      }
      const c = key ? store.contacts.get(key) : undefined;
      if (!c || c.deletedMs !== null) return notFound('Contact');
      if (method === 'GET') {
        const res = HttpResponse.json(store.renderContact(c));
        ctx.afterContactRead?.(store, c);
        return res;
      }
      if (method === 'PUT') {
        const body = (await request.json().catch(() => null)) as { contact?: Json } | null;
        if (!body || typeof body.contact !== 'object' || body.contact === null) return sageError(422, 'RecordInvalid', 'contact is required', 'contact');
        const patch = body.contact;
        if ('notes' in patch) c.notes = patch['notes'] === null ? null : String(patch['notes']);
        if (typeof patch['email'] === 'string') c.email = patch['email'];
        if (typeof patch['name'] === 'string' && patch['name']) c.name = patch['name'];
        store.touch(c);
        return HttpResponse.json(store.renderContact(c));
      }
    }
    if ((resource === 'sales_invoices' || resource === 'sales_credit_notes') && method === 'GET') {
      const table = resource === 'sales_invoices' ? store.invoices : store.creditNotes;
      const showPa = bool(q, 'show_payments_allocations');
      if (!key) {
        const contact = q.get('contact_id');
        const status = q.get('status_id');
        const from = q.get('from_date');
        const to = q.get('to_date');
        const hasAttachments = q.get('has_attachments');
        const rows = [...table.values()].filter(
          (a) => (!contact || a.contact.id === contact) && (!status || store.status(a) === status) && (!from || a.date >= from) && (!to || a.date <= to) && (hasAttachments === null || (a.attachments.some((x) => x.deletedMs === null) === (hasAttachments === 'true'))),
        );
        return envelope(resource, rows, q, (a) => store.renderArtefact(a, { paymentsAllocations: showPa }));
      }
      const a = table.get(key);
      if (!a || a.deletedMs !== null) return notFound(resource === 'sales_invoices' ? 'SalesInvoice' : 'SalesCreditNote');
      // A plain single read marks the invoice (or credit note) as sent: `mark_as_sent` is "Defaulted to 'true'" (the SDK's parameter text).
      if (q.get('mark_as_sent') !== 'false') {
        stats.singleReadsMarkingSent++;
        if (!a.sent && !a.draft && a.voidReason === null) {
          a.sent = true;
          stats.markedAsSent++;
          store.touch(a);
        }
      }
      // The same read with Accept: application/pdf answers the document itself (and marks it sent just the same).
      if ((request.headers.get('accept') ?? '').includes('application/pdf')) {
        const doc = store.renderArtefact(a, { paymentsAllocations: false }) as { invoice_number?: string; credit_note_number?: string; contact_name: string; date: string; due_date?: string; total_amount: string | number; currency: { id: string } };
        const number = doc.invoice_number ?? doc.credit_note_number ?? a.id;
        const pdf = await renderInvoicePdf({ company: store.business.name, customer: doc.contact_name, number, issueDate: doc.date, dueDate: doc.due_date ?? doc.date, total: String(doc.total_amount), currency: doc.currency.id, title: a.kind === 'invoice' ? 'Invoice' : 'Credit note' });
        return pdfResponse(pdf, `${number}.pdf`);
      }
      return HttpResponse.json(store.renderArtefact(a, { paymentsAllocations: showPa }));
    }
    if (resource === 'contact_payments' && method === 'GET') {
      if (!key) {
        const type = q.get('transaction_type_id');
        const contact = q.get('contact_id');
        const rows = [...store.payments.values()].filter((p) => (!type || type === 'CUSTOMER_RECEIPT') && (!contact || p.contact.id === contact));
        return envelope('contact_payments', rows, q, (p: PaymentRec) => store.renderPayment(p));
      }
      const p = store.payments.get(key);
      return p && p.deletedMs === null ? HttpResponse.json(store.renderPayment(p)) : notFound('ContactPayment');
    }
    if (resource === 'contact_allocations' && method === 'GET') {
      if (!key) {
        const type = q.get('transaction_type_id');
        const contact = q.get('contact_id');
        const rows = [...store.allocations.values()].filter((al) => (!type || type === 'CUSTOMER_ALLOCATION') && (!contact || al.contact.id === contact));
        return envelope('contact_allocations', rows, q, (al: AllocationRec) => store.renderAllocation(al));
      }
      const al = store.allocations.get(key);
      return al && al.deletedMs === null ? HttpResponse.json(store.renderAllocation(al)) : notFound('ContactAllocation');
    }
    if (resource === 'financial_settings' && method === 'GET' && !key) {
      const b = store.business;
      return HttpResponse.json({ $path: '/financial_settings', year_end_date: `${new Date(ctx.gate.now()).getUTCFullYear()}-03-31`, base_currency: { id: b.currency, displayed_as: b.currency === 'GBP' ? 'Pound Sterling (GBP)' : 'Euro (EUR)', $path: `/currencies/${b.currency}` }, multi_currency_enabled: true, accounting_type: 'accrual' });
    }
    if (resource === 'attachment_context_types' && method === 'GET' && !key) {
      return envelope('attachment_context_types', ATTACHMENT_CONTEXTS.map((id) => ({ id, createdMs: 0, updatedMs: 0, deletedMs: null })), q, (r) => ({ id: r.id, displayed_as: r.id, $path: `/attachment_context_types/${r.id}` }));
    }
    if (resource === 'attachments') return attachmentsRoute(store, request, q, key);
    return notFound('Route');
  }

  async function attachmentsRoute(store: BusinessStore, request: Request, q: URLSearchParams, key: string | undefined): Promise<Response> {
    const all = () => [...store.invoices.values(), ...store.creditNotes.values()].flatMap((a) => a.attachments);
    if (request.method === 'GET' && !key) {
      const contextId = q.get('attachment_context_id');
      const contextType = q.get('attachment_context_type_id');
      // "Requires filtering by attachment_context_type_id as well" (and the other way round).
      if ((contextId === null) !== (contextType === null)) throw new BadParam('attachment_context_id and attachment_context_type_id go together');
      const rows = all().filter((at) => (!contextId || at.contextId === contextId) && (!contextType || at.contextType === contextType));
      return envelope('attachments', rows, q, (at: AttachmentRec) => store.renderAttachment(at));
    }
    if (request.method === 'POST' && !key) {
      const body = (await request.json().catch(() => null)) as { attachment?: Json } | null;
      const a = body?.attachment;
      if (!a || typeof a !== 'object') return sageError(422, 'RecordInvalid', 'attachment is required', 'attachment');
      const type = String(a['attachment_context_type_id'] ?? '');
      if (!ATTACHMENT_CONTEXTS.includes(type as (typeof ATTACHMENT_CONTEXTS)[number])) return sageError(422, 'RecordInvalid', "Attachment context type can't be blank", 'attachment_context_type_id');
      const contextId = String(a['attachment_context_id'] ?? '');
      const target = type === 'SALES_INVOICE' ? store.invoices.get(contextId) : type === 'SALES_CREDIT_NOTE' ? store.creditNotes.get(contextId) : undefined;
      if (!target || target.deletedMs !== null) return sageError(422, 'RecordInvalid', "Attachment context can't be blank", 'attachment_context_id');
      if (typeof a['file'] !== 'string' || !/^[A-Za-z0-9+/]+=*$/.test(a['file'])) return sageError(422, 'RecordInvalid', 'File must be base64 encoded', 'file');
      const bytes = Buffer.from(a['file'], 'base64');
      if (bytes.length > MAX_ATTACHMENT_BYTES) return sageError(422, 'RecordInvalid', 'File is too large', 'file');
      if (typeof a['file_name'] !== 'string' || !a['file_name']) return sageError(422, 'RecordInvalid', "File name can't be blank", 'file_name');
      const mime = String(a['mime_type'] ?? '').toLowerCase();
      if (!ATTACHMENT_TYPES.includes(mime as (typeof ATTACHMENT_TYPES)[number])) return sageError(422, 'RecordInvalid', 'Mime type is not supported', 'mime_type');
      const ms = ctx.gate.now();
      const at: AttachmentRec = {
        kind: 'attachment', id: store.newId(), createdMs: ms, updatedMs: ms, deletedMs: null, contextType: type, contextId, fileName: a['file_name'], mimeType: mime,
        // The words of a PDF, for tests and the demo to read (pdfkit's uncompressed notes; any other file reads as none).
        description: String(a['description'] ?? ''), isPublic: a['is_public'] === true, sizeBytes: bytes.length, text: mime === 'application/pdf' ? pdfTextLines(bytes).join('\n') : '',
      };
      target.attachments.push(at);
      return HttpResponse.json(store.renderAttachment(at), { status: 201 });
    }
    const at = key ? all().find((x) => x.id === key && x.deletedMs === null) : undefined;
    if (!at) return notFound('Attachment');
    if (request.method === 'GET') return HttpResponse.json(store.renderAttachment(at));
    if (request.method === 'DELETE') {
      at.deletedMs = ctx.gate.now();
      return new HttpResponse(null, { status: 204 });
    }
    return notFound('Route');
  }

  return [authorize, token, revoke, api];
}

export { sageInstant };
export type { ArtefactRec };
