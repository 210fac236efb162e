// Pennylane held to the best source available here: its OpenAPI description is published only on its developer site and could not be obtained, so requests are checked against the parameters our reference notes take from its docs, and answers against the shapes of the recorded test company.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { simulator as pennylane } from '../../connectors/pennylane/simulator/index.js';
import { REALDATA_DIR } from '../mapping/realdata.js';
import { useDatabase } from '../support/db.js';
import { useSimulator } from '../support/providers.js';
import { driveConnector } from './drive.js';
import { recordAnswers, type Answer } from './traffic.js';

const LIST = ['cursor', 'limit', 'filter', 'sort'];
const PAGE = ['cursor', 'limit'];
/**
 * Query parameters and filters per operation, from shared/reference/providers-pennylane-sage.md: A4 (lists: cursor,
 * limit 1–100, filter, sort id|-id|date|-date; the filter fields and operators of each list), A5 (changelogs:
 * start_date, cursor, limit 1–1000, never start_date with cursor), A3.4–A3.5 (sub-resources, categories, appendices).
 */
const DECLARED: { route: string; method: string; path: RegExp; params: string[]; maxLimit?: number; filters?: Record<string, string[]> }[] = [
  { route: 'me', method: 'GET', path: /^\/me$/, params: [] },
  { route: 'customers', method: 'GET', path: /^\/customers$/, params: LIST, filters: { id: ['lt', 'lteq', 'gt', 'gteq', 'eq', 'not_eq', 'in', 'not_in'], customer_type: ['eq'], ledger_account_id: ['eq', 'in'], name: ['start_with', 'eq'], external_reference: ['eq'], reg_no: ['eq'], emails: ['in'] } },
  {
    route: 'customer_invoices',
    method: 'GET',
    path: /^\/customer_invoices$/,
    params: LIST,
    filters: {
      ...Object.fromEntries(['id', 'date', 'customer_id', 'billing_subscription_id', 'quote_id'].map((f) => [f, ['lt', 'lteq', 'gt', 'gteq', 'eq', 'not_eq', 'in', 'not_in']])),
      invoice_number: ['eq', 'not_eq', 'in', 'not_in'],
      flow_id: ['eq', 'not_eq', 'in', 'not_in'],
      draft: ['eq'],
      credit_note: ['eq'],
      external_reference: ['eq'],
      category_id: ['in'],
    },
  },
  { route: 'customer_invoices/{id}', method: 'GET', path: /^\/customer_invoices\/\d+$/, params: [] },
  { route: 'customer_invoices/{id}/payments', method: 'GET', path: /^\/customer_invoices\/\d+\/payments$/, params: PAGE },
  { route: 'customer_invoices/{id}/matched_transactions', method: 'GET', path: /^\/customer_invoices\/\d+\/matched_transactions$/, params: PAGE },
  { route: 'customer_invoices/{id}/categories', method: 'GET', path: /^\/customer_invoices\/\d+\/categories$/, params: PAGE },
  { route: 'customer_invoices/{id}/categories (PUT)', method: 'PUT', path: /^\/customer_invoices\/\d+\/categories$/, params: [] },
  { route: 'customer_invoices/{id}/appendices', method: 'GET', path: /^\/customer_invoices\/\d+\/appendices$/, params: PAGE },
  { route: 'customer_invoices/{id}/appendices (POST)', method: 'POST', path: /^\/customer_invoices\/\d+\/appendices$/, params: [] },
  { route: 'transactions', method: 'GET', path: /^\/transactions$/, params: LIST, filters: { id: ['lt', 'lteq', 'gt', 'gteq', 'eq', 'not_eq', 'in', 'not_in'], bank_account_id: ['eq', 'in'], journal_id: ['eq', 'in'], date: ['lt', 'lteq', 'gt', 'gteq', 'eq'] } },
  { route: 'transactions/{id}/matched_invoices', method: 'GET', path: /^\/transactions\/\d+\/matched_invoices$/, params: PAGE },
  { route: 'changelogs', method: 'GET', path: /^\/changelogs\/(customer_invoices|customers|transactions)$/, params: ['start_date', 'cursor', 'limit'], maxLimit: 1000 },
  { route: 'category_groups', method: 'GET', path: /^\/category_groups$/, params: PAGE },
  { route: 'category_groups (POST)', method: 'POST', path: /^\/category_groups$/, params: [] },
  { route: 'category_groups/{id}/categories', method: 'GET', path: /^\/category_groups\/\d+\/categories$/, params: PAGE },
  { route: 'categories (POST)', method: 'POST', path: /^\/categories$/, params: [] },
];
/** A batch re-read names at most 100 ids (reference A4). */
const MAX_IN = 100;
const SORTS = ['id', '-id', 'date', '-date'];

const sql = useDatabase();

describe('Pennylane against its documented parameters and its recorded answers (no official description could be obtained)', () => {
  const { sim, server } = useSimulator(pennylane.create({ seed: 19, customers: 12, invoices: 60, creditNotes: 6, payments: 25 }));
  sim.liftQuotas();
  const recorder = recordAnswers(server);
  const connector = connectors.find((c) => c.provider === 'pennylane')!;
  const api = sim.baseUrls['api']!;
  const apiPath = (url: string) => new URL(url).pathname.slice(new URL(api).pathname.length);
  let answers: Answer[] = [];
  /** Requests the connector sent, before the test's own. */
  let driven = 0;

  /** A fresh access token through the authorization-code flow, as a user connecting the app. */
  async function codeExchange(): Promise<string> {
    const redirectUri = 'http://127.0.0.1:8787/oauth/pennylane/callback';
    const code = new URL(sim.oauth.authorize({ redirectUri, state: 's' })).searchParams.get('code')!;
    const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: sim.clientId, client_secret: sim.clientSecret });
    const res = await fetch(sim.baseUrls['token']!, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    return ((await res.json()) as { access_token: string }).access_token;
  }

  beforeAll(async () => {
    await driveConnector(sql, connector, sim);
    driven = sim.requestLog.entries.length;
    const accessToken = await codeExchange();
    const call = (path: string, token = accessToken) => fetch(`${api}${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'x-use-2026-api-changes': 'true' } });
    await call(`/customer_invoices/${sim.scenario.receivables('invoice')[0]}`);
    await call('/customer_invoices/1');
    await call('/customer_invoices?limit=500');
    await call('/customers', 'expired-or-invalid');
    sim.faults.throttleNext(1);
    await call('/customers?limit=10');
    answers = await recorder.settled();
  }, 120_000);

  it('every request is a documented operation, with documented parameters, filters, sorts and limits', () => {
    const requests = sim.requestLog.entries.slice(0, driven).filter((e) => e.url.startsWith(api));
    expect(requests.length).toBeGreaterThan(10);
    const problems: string[] = [];
    const firstPages = new Map<string, URLSearchParams>();
    for (const e of requests) {
      const q = new URL(e.url).searchParams;
      const path = apiPath(e.url);
      const op = DECLARED.find((d) => d.method === e.method && d.path.test(path));
      if (!op) {
        problems.push(`${e.method} ${path}: no such operation`);
        continue;
      }
      for (const name of new Set(q.keys())) if (!op.params.includes(name)) problems.push(`${e.method} ${op.route}: ${name}`);
      const limit = q.get('limit');
      if (limit !== null && !(Number(limit) >= 1 && Number(limit) <= (op.maxLimit ?? 100))) problems.push(`${op.route}: limit=${limit}`);
      const sort = q.get('sort');
      if (sort !== null && !SORTS.includes(sort)) problems.push(`${op.route}: sort=${sort}`);
      if (op.route === 'changelogs' && q.has('start_date') && q.has('cursor')) problems.push(`${op.route}: start_date with cursor`);
      const filter = q.get('filter');
      if (filter !== null) {
        for (const c of JSON.parse(filter) as { field: string; operator: string; value: unknown }[]) {
          if (!op.filters?.[c.field]?.includes(c.operator)) problems.push(`${op.route}: filter ${c.field} ${c.operator}`);
          if (Array.isArray(c.value) && c.value.length > MAX_IN) problems.push(`${op.route}: filter ${c.field} ${c.operator} with ${c.value.length} values`);
        }
      }
      // Filters and sort are not in the cursor: every later page repeats the first page's (reference A4).
      if (!q.has('cursor')) firstPages.set(path, q);
      else {
        const first = firstPages.get(path);
        if (first && (first.get('filter') !== q.get('filter') || first.get('sort') !== q.get('sort'))) problems.push(`${op.route}: a later page without the first page's filter or sort`);
      }
    }
    expect([...new Set(problems)]).toEqual([]);
  });

  it('serves every sort the docs list for customer invoices (id, date, either way), each page after the last, every invoice once', async () => {
    const token = await codeExchange();
    for (const sort of ['date', '-date', 'id', '-id']) {
      const seen: { id: number; date: string }[] = [];
      let cursor: string | null = null;
      do {
        const res: Response = await fetch(`${api}/customer_invoices?sort=${sort}&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: { authorization: `Bearer ${token}`, 'x-use-2026-api-changes': 'true' } });
        expect(res.status, sort).toBe(200);
        const page = (await res.json()) as { items: { id: number; date: string }[]; next_cursor: string | null };
        seen.push(...page.items.map((i) => ({ id: i.id, date: i.date })));
        cursor = page.next_cursor;
      } while (cursor);
      const key = sort.replace('-', '') as 'id' | 'date';
      const ordered = [...seen].sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : a.id - b.id));
      expect(seen, sort).toEqual(sort.startsWith('-') ? ordered.reverse() : ordered);
      expect(new Set(seen.map((i) => i.id)).size).toBe(sim.data.count('invoice'));
    }
  });

  it('errors are JSON {error, message} as Pennylane documents them (reference A9), the 429 plain text (A6)', () => {
    const mine = answers.filter((a) => a.url.startsWith(api) && a.status >= 400);
    expect(new Set(mine.map((a) => a.status))).toEqual(new Set([400, 401, 404, 429]));
    for (const a of mine.filter((x) => x.status !== 429)) expect(JSON.parse(a.body)).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    expect(mine.find((a) => a.status === 429)!.body).toMatch(/^Rate limit exceeded\. Please retry in \d+ seconds\.$/);
  });

  it('token answers carry access_token, refresh_token, expires_in and token_type Bearer', () => {
    const tokens = answers.filter((a) => a.url.startsWith(sim.baseUrls['token']!) && a.status === 200);
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    for (const t of tokens) expect(JSON.parse(t.body)).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String), expires_in: expect.any(Number), token_type: expect.stringMatching(/^bearer$/i) });
  });

  it.skipIf(!REALDATA_DIR)('answers of the recorded endpoints have the recorded shapes: no key the real API lacks, each value of a type it sent there', () => {
    const { problems, compared } = compareShapes(recordedShapes(REALDATA_DIR!), answers.filter((x) => x.url.startsWith(api) && x.status === 200 && x.method === 'GET').map((a) => ({ route: apiPath(a.url).replace(/\/\d+/g, '/{id}'), body: JSON.parse(a.body) as unknown })));
    expect(problems).toEqual([]);
    expect([...compared].sort()).toEqual(expect.arrayContaining(['/changelogs/customer_invoices', '/changelogs/customers', '/customer_invoices/{id}', '/customers']));
  });

  it.skipIf(!REALDATA_DIR)('the shape check refuses a spoiled answer: an invented key, an amount as a number', () => {
    const read = answers.find((a) => a.status === 200 && /\/customer_invoices\/\d+$/.test(a.url))!;
    const body = { ...(JSON.parse(read.body) as Record<string, unknown>), amount: 12.5, amount_due: '1.00' };
    expect(compareShapes(recordedShapes(REALDATA_DIR!), [{ route: '/customer_invoices/{id}', body }]).problems).toEqual(['/customer_invoices/{id} .amount: number, recorded string', '/customer_invoices/{id} .amount_due: not in the recordings']);
  });
});

/** Differences between answers and the recorded shapes of their routes; routes never recorded are left out. */
function compareShapes(recorded: Map<string, Map<string, Set<string>>>, answers: { route: string; body: unknown }[]) {
  const problems: string[] = [];
  const compared = new Set<string>();
  for (const { route, body } of answers) {
    const shape = recorded.get(route);
    if (!shape) continue;
    compared.add(route);
    const mine = new Map<string, Set<string>>();
    shapeOf(body, '', mine);
    for (const [path, types] of mine) {
      const real = shape.get(path);
      if (!real) {
        // Under an array the recordings only ever showed empty, item shapes are unknown, not wrong.
        const emptyArray = path.split('[]').slice(0, -1).some((_, i, parts) => shape.has(parts.slice(0, i + 1).join('[]')) && !shape.has(`${parts.slice(0, i + 1).join('[]')}[]`));
        if (!emptyArray) problems.push(`${route} ${path}: not in the recordings`);
        continue;
      }
      // A null beside a recorded type is an unset value; a field recorded only as null says nothing of its type.
      for (const t of types) if (!real.has(t) && t !== 'null' && !(real.size === 1 && real.has('null'))) problems.push(`${route} ${path}: ${t}, recorded ${[...real].join('|')}`);
    }
  }
  return { problems: [...new Set(problems)], compared };
}

/** Every JSON path of a value (array items as `[]`) with the types seen there. */
function shapeOf(v: unknown, path: string, into: Map<string, Set<string>>): void {
  const type = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
  if (!into.has(path)) into.set(path, new Set());
  into.get(path)!.add(type);
  if (Array.isArray(v)) for (const item of v) shapeOf(item, `${path}[]`, into);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) shapeOf(x, `${path}.${k}`, into);
}

/** The shapes of the recorded answers, per route (`/customer_invoices/{id}`…). */
function recordedShapes(dir: string): Map<string, Map<string, Set<string>>> {
  const out = new Map<string, Map<string, Set<string>>>();
  for (const file of ['customer-invoices.json', 'customers.json', 'list-customer-changes.json', 'list-customer-invoice-changes.json', 'list-customer-invoice-matched-transactions.json', 'list-customer-invoice-payments.json']) {
    const recording = JSON.parse(readFileSync(join(dir, 'pennylane', file), 'utf8')) as { exchanges: { path: string; status: number; body: unknown }[] };
    for (const ex of recording.exchanges.filter((x) => x.status === 200)) {
      const route = ex.path.replace(/^\/api\/external\/v2/, '').replace(/\/\d+/g, '/{id}');
      if (!out.has(route)) out.set(route, new Map());
      shapeOf(ex.body, '', out.get(route)!);
    }
  }
  return out;
}
