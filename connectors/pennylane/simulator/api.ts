// msw handlers for Pennylane's OAuth endpoints and the Company API v2 a collections add-on uses.
import { pdfResponse, renderInvoicePdf } from '../../../src/simulator/invoice-pdf.js';
import { pdfTextLines } from '../../../src/simulator/pdf-text.js';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { pass, type Gate } from '../../../src/simulator/gate.js';
import { countRequest, type RequestStats } from '../../../src/simulator/stats.js';
import { rateHeaders, throttled, type WindowQuotas } from './limits.js';
import type { OAuthServer } from './oauth.js';
import {
  CUSTOMER_FILTERS, FilterError, INVOICE_FILTERS, TRANSACTION_FILTERS, decodeCursor, decodeInstantCursor, encodeCursor, encodeInstantCursor, matches, parseFilter,
  type FilterSpec,
} from './query.js';
import { plAmount, plInstant, type Store } from './store.js';
import type { ChangelogResource, CustomerRec, InvoiceRec, PennylaneBaseUrls, PennylaneLimits, TransactionRec } from './types.js';

/** The content types an invoice appendix may have (reference: postCustomerInvoiceAppendices). */
const APPENDIX_TYPES = ['image/png', 'image/jpeg', 'image/tiff', 'image/bmp', 'image/gif', 'application/pdf'];

type Json = Record<string, unknown>;

/** Pennylane's own counters: calls without the 2026 opt-in header, and write calls the add-on must never make. */
export const pennylaneStatsExtras = () => ({ without2026Header: 0, forbiddenWrites: 0 });
export type PennylaneStats = RequestStats & ReturnType<typeof pennylaneStatsExtras>;

export interface ApiContext {
  store: Store;
  oauth: OAuthServer;
  baseUrls: PennylaneBaseUrls;
  limits: () => PennylaneLimits;
  companyId: number;
  companyName: string;
  companyRegNo: string;
  /** Company API tokens (self-hosted mode): accepted as bearer tokens, never expiring. */
  apiTokens: () => readonly string[];
  gate: Gate<PennylaneStats> & { quotas: WindowQuotas };
  onWebhookSubscription?: (callbackUrl: string) => void;
  /** Runs once an invoice's categories have been read (`GET …/categories` answered): a user's edit racing a client's read-merge-write. */
  afterCategoriesRead?: (inv: InvoiceRec) => void;
}

/** Documented error body: `{error, message, details}` (docs: error-handling-status-codes). */
export function errorBody(status: number, error: string, message: string, details?: Json): Response {
  return HttpResponse.json({ error, message, ...(details ? { details } : {}) }, { status });
}
const notFound = () => errorBody(404, 'not_found', 'Resource not found');

export function createHandlers(ctx: ApiContext): HttpHandler[] {
  const { store, oauth, baseUrls } = ctx;
  const { stats, faults, quotas } = ctx.gate;

  const authorize = http.get(baseUrls.authorize, ({ request }) => {
    countRequest(stats, 'GET /oauth/authorize');
    const q = new URL(request.url).searchParams;
    const redirectUri = q.get('redirect_uri');
    if (q.get('client_id') !== oauth.clientId || !redirectUri) return new HttpResponse('Client authentication failed', { status: 401 });
    if (q.get('response_type') !== 'code') return HttpResponse.redirect(`${redirectUri}?error=unsupported_response_type&state=${encodeURIComponent(q.get('state') ?? '')}`, 302);
    return HttpResponse.redirect(oauth.authorize({ redirectUri, state: q.get('state') ?? '', ...(q.get('scope') ? { scope: q.get('scope')! } : {}) }), 302);
  });
  const token = http.post(baseUrls.token, async ({ request }) => {
    countRequest(stats, 'POST /oauth/token');
    const reply = oauth.token(request.headers.get('authorization'), new URLSearchParams(await request.text()));
    return HttpResponse.json(reply.body, { status: reply.status, headers: { 'cache-control': 'no-store' } });
  });
  const revoke = http.post(baseUrls.revoke, async ({ request }) => {
    countRequest(stats, 'POST /oauth/revoke');
    const reply = oauth.revoke(request.headers.get('authorization'), new URLSearchParams(await request.text()));
    return reply.status === 200 ? HttpResponse.json({}, { status: 200 }) : HttpResponse.json(reply.body, { status: reply.status });
  });

  const api = http.all(`${baseUrls.api}/*`, async ({ request }) => {
    const url = new URL(request.url);
    const segs = url.pathname.slice(new URL(baseUrls.api).pathname.length).split('/').filter(Boolean).map(decodeURIComponent);
    const route = `${request.method} /${segs.map((s) => (/^\d+$/.test(s) ? '{id}' : s)).join('/')}`;
    countRequest(stats, route);
    if (request.headers.get('x-use-2026-api-changes') !== 'true' && url.searchParams.get('use_2026_api_changes') !== 'true') stats.without2026Header++;
    const bearer = request.headers.get('authorization');
    // One window per token (docs: "applied at the token level").
    const key = bearer ?? 'anonymous';
    const refuse = () => {
      const m = /^Bearer\s+(\S+)$/i.exec(bearer ?? '');
      if (m && ctx.apiTokens().includes(m[1]!)) return undefined;
      const check = oauth.checkBearer(bearer);
      if (check.ok) return undefined;
      return errorBody(401, 'unauthorized', check.reason === 'expired' ? 'The access token expired' : 'The access token is invalid');
    };
    const failed = (status: number, body: unknown) =>
      body !== undefined ? HttpResponse.json(body as Json, { status }) : status >= 500 ? new HttpResponse('Internal Server Error', { status, headers: { 'content-type': 'text/plain' } }) : errorBody(status, 'error', `HTTP ${status}`);
    return pass(
      ctx.gate,
      key,
      request,
      {
        refuse,
        throttled: (r) => throttled(r, ctx.limits().perWindow, quotas.resetAt(key, ctx.gate.now())),
        failed,
        admitted: (res, remaining) => {
          for (const [k, v] of Object.entries(rateHeaders(ctx.limits().perWindow, remaining.perSecond ?? 0, quotas.resetAt(key, ctx.gate.now())))) res.headers.set(k, v);
        },
      },
      () => dispatch(request, url, segs),
    );
  });

  async function dispatch(request: Request, url: URL, segs: string[]): Promise<Response> {
    const method = request.method;
    const [first, id, sub, subId] = segs;
    const q = url.searchParams;
    try {
      if (first === 'me' && method === 'GET') {
        return HttpResponse.json({ user: { id: 12_345, first_name: 'Camille', last_name: 'Martin', email: 'camille@relance-demo.example', locale: 'fr' }, company: { id: ctx.companyId, name: ctx.companyName, reg_no: ctx.companyRegNo } });
      }
      if (first === 'changelogs' && method === 'GET' && id && !sub) return changelog(id, q);
      if (first === 'customers' && method === 'GET') {
        if (!id) return list([...store.customers.values()], q, CUSTOMER_FILTERS, customerField, (c) => store.renderCustomer(c), 'customers');
        const c = store.customers.get(Number(id));
        return c ? HttpResponse.json(store.renderCustomer(c)) : notFound();
      }
      if ((first === 'company_customers' || first === 'individual_customers') && method === 'PUT' && id) {
        const c = store.customers.get(Number(id));
        if (!c || c.type !== (first === 'company_customers' ? 'company' : 'individual')) return notFound();
        const body = (await request.json().catch(() => null)) as Json | null;
        if (!body) return errorBody(400, 'bad_request', 'Body must be JSON');
        if (typeof body['notes'] === 'string' || body['notes'] === null) c.notes = body['notes'] as string | null;
        if (Array.isArray(body['emails'])) c.emails = (body['emails'] as unknown[]).map(String);
        store.touchCustomer(c);
        return HttpResponse.json(store.renderCustomer(c));
      }
      if (first === 'customer_invoices') return invoiceRoute(request, q, id, sub, subId);
      if (first === 'transactions' && method === 'GET') {
        if (!id) return list([...store.transactions.values()], q, TRANSACTION_FILTERS, transactionField, (t) => store.renderTransaction(t), 'transactions');
        const t = store.transactions.get(Number(id));
        if (!t) return notFound();
        if (!sub) return HttpResponse.json(store.renderTransaction(t));
        if (sub === 'matched_invoices') return page(t.matches.map((m) => store.renderMatchedInvoice(m.invoice)));
        return notFound();
      }
      if (first === 'category_groups') {
        if (method === 'GET' && !id) return list([...store.groups.values()], q, { id: ['eq', 'in'] }, (g, f) => (f === 'id' ? g.id : undefined), (g) => store.renderGroup(g), 'category_groups');
        if (method === 'POST' && !id) {
          const body = (await request.json().catch(() => null)) as Json | null;
          if (!body || typeof body['label'] !== 'string' || !body['label']) return errorBody(422, 'unprocessable_entity', 'label is required', { field: 'label', issue: 'blank' });
          const g = { id: store.next.group++, label: body['label'], createdMs: store.now() };
          store.groups.set(g.id, g);
          return HttpResponse.json(store.renderGroup(g), { status: 201 });
        }
        if (method === 'GET' && id && sub === 'categories') {
          const g = store.groups.get(Number(id));
          return g ? page([...store.categories.values()].filter((c) => c.group === g).map((c) => store.renderCategory(c))) : notFound();
        }
        return notFound();
      }
      if (first === 'categories') {
        if (method === 'GET' && !id) return page([...store.categories.values()].map((c) => store.renderCategory(c)));
        if (method === 'POST' && !id) {
          const body = (await request.json().catch(() => null)) as Json | null;
          const g = store.groups.get(Number(body?.['category_group_id']));
          if (!body || typeof body['label'] !== 'string' || !body['label']) return errorBody(422, 'unprocessable_entity', 'label is required', { field: 'label', issue: 'blank' });
          if (!g) return errorBody(422, 'unprocessable_entity', 'category_group_id must name an existing category group', { field: 'category_group_id', issue: 'not_found' });
          const now = store.now();
          const cat = { id: store.next.category++, label: body['label'], group: g, analyticalCode: typeof body['analytical_code'] === 'string' ? body['analytical_code'] : null, createdMs: now, updatedMs: now };
          store.categories.set(cat.id, cat);
          return HttpResponse.json(store.renderCategory(cat), { status: 201 });
        }
        return notFound();
      }
      if (first === 'webhook_subscriptions' && method === 'POST') {
        const body = (await request.json().catch(() => null)) as Json | null;
        const callback = String(body?.['callback_url'] ?? '');
        if (!callback.startsWith('https://') && !callback.startsWith('http://127.0.0.1')) return errorBody(422, 'unprocessable_entity', 'callback_url must be an HTTPS URL', { field: 'callback_url', issue: 'invalid' });
        ctx.onWebhookSubscription?.(callback);
        return HttpResponse.json({ id: 1, callback_url: callback, events: body?.['events'] ?? [], enabled: true, secret: 'returned-once' }, { status: 201 });
      }
      return notFound();
    } catch (err) {
      if (err instanceof FilterError) return errorBody(400, 'bad_request', err.message);
      throw err;
    }
  }

  async function invoiceRoute(request: Request, q: URLSearchParams, id: string | undefined, sub: string | undefined, subId: string | undefined): Promise<Response> {
    const method = request.method;
    if (!id) return method === 'GET' ? list([...store.invoices.values()], q, INVOICE_FILTERS, invoiceField, (i) => store.renderInvoice(i), 'customer_invoices', INVOICE_SORTS) : notFound();
    const inv = store.invoices.get(Number(id));
    if (!inv) return notFound();
    if (!sub) return method === 'GET' ? HttpResponse.json(store.renderInvoice(inv)) : notFound();
    if (method === 'GET' && sub === 'payments') return page(inv.matches.map((m) => store.renderPayment(m)));
    if (method === 'GET' && sub === 'matched_transactions') return page(inv.matches.map((m) => store.renderTransaction(m.tx)));
    if (method === 'GET' && sub === 'invoice_lines') return page(inv.lines.map((_, k) => store.renderLine(inv, k)));
    if (method === 'GET' && sub === 'categories') {
      const answer = page(store.categoriesOf(inv).map(({ cat, link }) => store.renderCategory(cat, link.weight)));
      ctx.afterCategoriesRead?.(inv);
      return answer;
    }
    if (method === 'PUT' && sub === 'categories') return putCategories(inv, request);
    if (method === 'GET' && sub === 'appendices') return page(inv.appendices.map((a) => store.renderAppendix(inv, a)));
    if (method === 'POST' && sub === 'appendices') return postAppendix(inv, request);
    if ((method === 'PUT' && sub === 'mark_as_paid') || (method === 'POST' && sub === 'send_by_email')) {
      // Simulated so a test can see the add-on never calls them; the effect itself is not modelled.
      stats.forbiddenWrites++;
      return errorBody(409, 'conflict', `${sub} is not simulated`);
    }
    void subId;
    return notFound();
  }

  /**
   * `PUT …/categories` replaces the invoice's whole set (the reference infers it from the docs' wording: UNCONFIRMED;
   * replacing is the reading that makes a client keep other groups' categories). Weights of one group must sum to 1;
   * drafts are rejected.
   */
  async function putCategories(inv: InvoiceRec, request: Request): Promise<Response> {
    if (inv.draft) return errorBody(422, 'unprocessable_entity', 'Categories cannot be set on a draft invoice', { field: 'categories', issue: 'draft' });
    const body = (await request.json().catch(() => null)) as unknown;
    if (!Array.isArray(body)) return errorBody(400, 'bad_request', 'Body must be a JSON array of {id, weight}');
    const links: { categoryId: number; weight: string }[] = [];
    const sums = new Map<number, number>();
    for (const item of body as Json[]) {
      const cat = store.categories.get(Number(item?.['id']));
      if (!cat) return errorBody(422, 'unprocessable_entity', `Category ${String(item?.['id'])} does not exist`, { field: 'id', issue: 'not_found' });
      const weight = String(item['weight'] ?? '');
      const w = Math.round(Number(weight) * 10_000);
      if (!/^\d+(\.\d+)?$/.test(weight) || w <= 0) return errorBody(422, 'unprocessable_entity', 'weight must be a positive decimal', { field: 'weight', issue: weight });
      sums.set(cat.group.id, (sums.get(cat.group.id) ?? 0) + w);
      links.push({ categoryId: cat.id, weight });
    }
    for (const [group, sum] of sums) {
      if (sum !== 10_000) return errorBody(422, 'unprocessable_entity', 'The sum of weights for a category group must be equal to 1', { field: 'categories', issue: `category group ${group} weights sum to ${sum / 10_000}` });
    }
    inv.categories = links;
    store.touchInvoice(inv);
    return page(store.categoriesOf(inv).map(({ cat, link }) => store.renderCategory(cat, link.weight)));
  }

  /**
   * Multipart upload of one file (`file`); attached to the invoice, not the document store. The reference
   * (postCustomerInvoiceAppendices) allows images (png, jpeg, tiff, bmp, gif) and PDF only; its error answers are
   * 400 and 422, and a file of another type is answered as the unprocessable entity it is.
   */
  async function postAppendix(inv: InvoiceRec, request: Request): Promise<Response> {
    let form: FormData;
    try {
      form = await request.formData();
    } catch {
      return errorBody(400, 'bad_request', 'Expected multipart/form-data with a file');
    }
    const file = form.get('file');
    if (!file || typeof file === 'string') return errorBody(422, 'unprocessable_entity', 'file is required', { field: 'file', issue: 'blank' });
    const f = file as File;
    const type = f.type.split(';')[0]!.trim().toLowerCase();
    if (!APPENDIX_TYPES.includes(type)) return errorBody(422, 'unprocessable_entity', `file content type ${type || '(none)'} is not allowed: ${APPENDIX_TYPES.join(', ')}`, { field: 'file', issue: 'content_type' });
    // What the user reads in the file, kept for tests (a PDF's text; an image has none).
    const a = { id: store.next.appendix++, filename: f.name || 'appendix.pdf', size: f.size, createdMs: store.now(), ...(type === 'application/pdf' ? { text: pdfTextLines(new Uint8Array(await f.arrayBuffer())).join('\n') } : {}) };
    inv.appendices.push(a);
    store.touchInvoice(inv);
    return HttpResponse.json(store.renderAppendix(inv, a), { status: 201 });
  }

  function limitOf(q: URLSearchParams, max: number): number | Response {
    const raw = q.get('limit');
    if (raw === null) return ctx.limits().defaultPageSize;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > max) return errorBody(400, 'bad_request', `limit must be between 1 and ${max}`);
    return n;
  }

  /**
   * Cursor pages over `rows` in id order (`sort=id`), the 2026 default `-id`, or on another field the endpoint lets
   * clients sort on (`sorts`; ties broken by id); the filter is re-applied on every page.
   * Reads only `filter`, `sort`, `limit` and `cursor`, the list parameters of Pennylane's v2 description (the client
   * generated from it, reference A4 [LEN]); anything else (`filters` as some guide pages spell it, `page`) is ignored.
   * Filter fields and operators per endpoint are FilterSpec's, from the same source.
   */
  function list<T extends { id: number }>(rows: T[], q: URLSearchParams, spec: FilterSpec, field: (r: T, f: string) => unknown, render: (r: T) => Json, name: string, sorts: readonly string[] = ['id']): Response {
    const limit = limitOf(q, ctx.limits().maxPageSize);
    if (limit instanceof Response) return limit;
    const sort = q.get('sort') ?? '-id';
    const by = sort.replace(/^-/, '');
    if (!sorts.includes(by)) return errorBody(400, 'bad_request', `sort must be one of ${sorts.flatMap((s) => [s, `-${s}`]).join(', ')}`);
    const conditions = parseFilter(q.get('filter'), spec);
    const sign = sort.startsWith('-') ? -1 : 1;
    const valueOf = (r: T) => (by === 'id' ? undefined : String(field(r, by)));
    const compare = (a: { id: number; value?: string | undefined }, b: { id: number; value?: string | undefined }) => sign * ((a.value ?? '') < (b.value ?? '') ? -1 : (a.value ?? '') > (b.value ?? '') ? 1 : a.id - b.id);
    const sorted = rows.filter((r) => matches((f) => field(r, f), conditions)).sort((a, b) => compare({ id: a.id, value: valueOf(a) }, { id: b.id, value: valueOf(b) }));
    let start = 0;
    const cursorText = q.get('cursor');
    if (cursorText) {
      const cursor = decodeCursor(cursorText);
      if (!cursor) return errorBody(400, 'bad_request', 'cursor is invalid');
      start = sorted.findIndex((r) => compare({ id: r.id, value: valueOf(r) }, cursor) > 0);
      if (start < 0) start = sorted.length;
    }
    // The kit may repeat or swap a page (faults): cursors are positions too.
    const offset = faults.pageOffset(`${name}?${q.get('filter') ?? ''}&${sort}`, start, limit);
    const slice = sorted.slice(offset, offset + limit);
    const more = offset + limit < sorted.length;
    const last = slice[slice.length - 1];
    return HttpResponse.json({ items: slice.map(render), has_more: more, next_cursor: more && last ? encodeCursor(last.id, sort, valueOf(last)) : null });
  }

  /** Sub-collections are small: one page, in the list envelope. */
  function page(items: Json[]): Response {
    return HttpResponse.json({ items, has_more: false, next_cursor: null });
  }

  /**
   * `/changelogs/{resource}`: events in processed_at order, kept four weeks. `start_date` older than that → 422;
   * `start_date` with `cursor` → 400 (docs: tracking data changes; reference A5). A cursor pointing before the
   * retention window is refused with 422 too: the docs do not say, and refusing is the reading that never silently
   * skips the events that were pruned. At the end of the feed `next_cursor` is null (as recorded).
   */
  function changelog(resource: string, q: URLSearchParams): Response {
    if (resource !== 'customers' && resource !== 'customer_invoices' && resource !== 'transactions') return notFound();
    const limit = limitOf(q, ctx.limits().maxChangelogPageSize);
    if (limit instanceof Response) return limit;
    const now = store.now();
    const oldest = now - ctx.limits().changelogRetentionDays * 86_400_000;
    const events = store.changelogs[resource as ChangelogResource];
    while (events.length && events[0]!.processedMs < oldest) events.shift();
    const startText = q.get('start_date');
    const cursorText = q.get('cursor');
    if (startText && cursorText) return errorBody(400, 'bad_request', 'start_date and cursor cannot be used together');
    let after = oldest - 1;
    if (cursorText) {
      const ms = decodeInstantCursor(cursorText);
      if (ms === null) return errorBody(400, 'bad_request', 'cursor is invalid');
      if (ms < oldest) return errorBody(422, 'unprocessable_entity', 'cursor is older than the changelog retention (4 weeks)', { field: 'cursor', issue: 'expired' });
      after = ms;
    } else if (startText) {
      const ms = Date.parse(startText);
      if (Number.isNaN(ms)) return errorBody(400, 'bad_request', 'start_date must be an RFC 3339 date-time');
      if (ms < oldest) return errorBody(422, 'unprocessable_entity', 'start_date cannot be older than 4 weeks', { field: 'start_date', issue: 'too_old' });
      after = ms - 1;
    }
    const from = events.filter((e) => e.processedMs > after);
    const slice = from.slice(0, limit);
    const more = from.length > limit;
    const last = slice[slice.length - 1];
    return HttpResponse.json({
      items: slice.map((e) => ({ id: e.id, operation: e.operation, created_at: plInstant(e.createdMs), updated_at: plInstant(e.updatedMs), processed_at: plInstant(e.processedMs) })),
      has_more: more,
      next_cursor: more && last ? encodeInstantCursor(new Date(last.processedMs).toISOString()) : null,
    });
  }

  // The public file link of a customer invoice (public_file_url): no token, outside the API and its rate windows.
  const publicPdf = http.get(`${new URL(baseUrls.api).origin}/public/invoice/pdf`, async ({ request }) => {
    countRequest(stats, 'GET /public/invoice/pdf');
    const i = store.byPublicId(new URL(request.url).searchParams.get('encrypted_id'));
    if (!i) return new Response('Not Found', { status: 404, headers: { 'content-type': 'text/html' } });
    const customer = i.customer.type === 'individual' ? `${i.customer.firstName ?? ''} ${i.customer.lastName ?? ''}`.trim() : i.customer.name;
    const pdf = await renderInvoicePdf({ company: ctx.companyName, customer, number: i.draft ? 'Brouillon' : i.number, issueDate: i.date, dueDate: i.deadline, total: plAmount(i.totalCents), currency: 'EUR', title: i.creditNote ? 'Avoir' : 'Facture' });
    return pdfResponse(pdf, `${i.draft ? 'Brouillon' : i.number}.pdf`);
  });

  return [authorize, token, revoke, publicPdf, api];
}

function customerField(c: CustomerRec, f: string): unknown {
  switch (f) {
    case 'id': return c.id;
    case 'customer_type': return c.type;
    case 'ledger_account_id': return c.ledgerAccountId;
    case 'name': return c.name;
    case 'external_reference': return c.externalReference;
    case 'reg_no': return c.regNo;
    case 'emails': return c.emails;
    default: return undefined;
  }
}

/** Customer invoices sort on id or date, either way (reference A4, after Pennylane's list-customer-invoices page). */
const INVOICE_SORTS = ['id', 'date'] as const;

function invoiceField(i: InvoiceRec, f: string): unknown {
  switch (f) {
    case 'id': return i.id;
    case 'date': return i.date;
    case 'customer_id': return i.customer.id;
    case 'invoice_number': return i.number;
    case 'draft': return i.draft;
    case 'credit_note': return i.creditNote;
    case 'external_reference': return i.externalReference;
    case 'category_id': return i.categories.map((c) => c.categoryId);
    default: return undefined;
  }
}

function transactionField(t: TransactionRec, f: string): unknown {
  switch (f) {
    case 'id': return t.id;
    case 'date': return t.date;
    case 'bank_account_id': return t.bankAccountId;
    case 'journal_id': return 310;
    default: return undefined;
  }
}
