// Sage held to the parameters of its v3.1 OpenAPI description as the SDK generated from it lists them (nook-io/python-sage, docs/*Api.md): Sage publishes the description only on its developer site, so the lists are written here, each from its operation's signature.
import { beforeAll, describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { simulator as sageSimulator } from '../../connectors/sage/simulator/index.js';
import { useDatabase } from '../support/db.js';
import { useSimulator } from '../support/providers.js';
import { driveConnector } from './drive.js';

const LIST = ['items_per_page', 'page', 'attributes'];
const SINCE = ['updated_or_created_since', 'deleted_since'];
const KEY = /[0-9a-f]{32}/.source;
/** Each operation the connector may call, with the query parameters its signature declares and the sorts its text lists. */
const DECLARED: { route: string; method: string; path: RegExp; params: string[]; sorts?: string[]; required?: Record<string, string> }[] = [
  { route: 'businesses', method: 'GET', path: /^\/businesses$/, params: [...LIST, 'search'] },
  { route: 'businesses/lead', method: 'GET', path: /^\/businesses\/lead$/, params: ['attributes'] },
  { route: 'financial_settings', method: 'GET', path: /^\/financial_settings$/, params: [] },
  { route: 'contacts', method: 'GET', path: /^\/contacts$/, params: [...LIST, ...SINCE, 'contact_type_id', 'exclude_system', 'nested_attributes', 'show_balance', 'context_date', 'search', 'email', 'show_unfinished_recurring_invoices_status'] },
  { route: 'contacts/{key}', method: 'GET', path: new RegExp(`^/contacts/${KEY}$`), params: ['attributes', 'nested_attributes'] },
  { route: 'contacts/{key} (PUT)', method: 'PUT', path: new RegExp(`^/contacts/${KEY}$`), params: [] },
  { route: 'sales_invoices', method: 'GET', path: /^\/sales_invoices$/, params: [...LIST, ...SINCE, 'show_payments_allocations', 'search', 'contact_id', 'status_id', 'from_date', 'to_date', 'has_attachments', 'sort'], sorts: ['created_at', 'updated_at', 'date', 'due_date'] },
  // mark_as_sent is "Defaulted to 'true'": every single read must say false.
  { route: 'sales_invoices/{key}', method: 'GET', path: new RegExp(`^/sales_invoices/${KEY}$`), params: ['show_payments_allocations', 'show_corrections', 'nested_attributes', 'mark_as_sent', 'show_recurring_invoice', 'attributes'], required: { mark_as_sent: 'false' } },
  { route: 'sales_credit_notes', method: 'GET', path: /^\/sales_credit_notes$/, params: [...LIST, ...SINCE, 'show_payments_allocations', 'search', 'contact_id', 'status_id', 'from_date', 'to_date', 'has_attachments', 'sort'], sorts: ['created_at', 'updated_at', 'date'] },
  { route: 'sales_credit_notes/{key}', method: 'GET', path: new RegExp(`^/sales_credit_notes/${KEY}$`), params: ['show_payments_allocations', 'nested_attributes', 'mark_as_sent', 'attributes'], required: { mark_as_sent: 'false' } },
  { route: 'contact_payments', method: 'GET', path: /^\/contact_payments$/, params: [...LIST, ...SINCE, 'contact_id', 'bank_account_id', 'transaction_type_id', 'from_date', 'to_date', 'sort'], sorts: ['created_at', 'updated_at', 'date'] },
  { route: 'contact_payments/{key}', method: 'GET', path: new RegExp(`^/contact_payments/${KEY}$`), params: ['attributes'] },
  { route: 'contact_allocations', method: 'GET', path: /^\/contact_allocations$/, params: [...LIST, ...SINCE, 'contact_id', 'transaction_type_id', 'sort'], sorts: ['created_at', 'updated_at', 'date'] },
  { route: 'attachments', method: 'GET', path: /^\/attachments$/, params: [...LIST, ...SINCE, 'attachment_context_id', 'attachment_context_type_id', 'legacy_attachment_context_type', 'legacy_attachment_context_id'] },
  { route: 'attachments (POST)', method: 'POST', path: /^\/attachments$/, params: [] },
];

const sql = useDatabase();

describe('Sage against the parameters of its v3.1 description', () => {
  const { sim } = useSimulator(sageSimulator.create({ seed: 19, customers: 12, invoices: 60, creditNotes: 6, payments: 25 }));
  sim.liftQuotas();
  const connector = connectors.find((c) => c.provider === 'sage')!;
  const api = sim.baseUrls.api;

  beforeAll(async () => {
    await driveConnector(sql, connector, sim);
  }, 120_000);

  it('every request is a documented operation with documented parameters, sorts, page sizes and mark_as_sent=false', () => {
    const requests = sim.requestLog.entries.filter((e) => e.url.startsWith(api));
    expect(requests.length).toBeGreaterThan(15);
    const problems: string[] = [];
    for (const e of requests) {
      const url = new URL(e.url);
      const path = url.pathname.slice(new URL(api).pathname.length);
      const op = DECLARED.find((d) => d.method === e.method && d.path.test(path));
      if (!op) {
        problems.push(`${e.method} ${path}: no such operation`);
        continue;
      }
      const q = url.searchParams;
      for (const name of new Set(q.keys())) if (!op.params.includes(name)) problems.push(`${op.route}: ${name}`);
      const perPage = q.get('items_per_page');
      if (perPage !== null && !(Number(perPage) >= 1 && Number(perPage) <= 200)) problems.push(`${op.route}: items_per_page=${perPage}`);
      const sort = q.get('sort');
      if (sort !== null && !op.sorts?.includes(sort.split(':')[0]!)) problems.push(`${op.route}: sort=${sort}`);
      for (const [k, v] of Object.entries(op.required ?? {})) if (q.get(k) !== v) problems.push(`${op.route}: ${k}=${q.get(k)} (must be ${v})`);
    }
    expect([...new Set(problems)]).toEqual([]);
    // Every data call named the business (only /businesses goes without it).
    expect(sim.stats.withoutBusiness).toBe(0);
  });

  it('reads every list at the largest page Sage serves, and follows $next with the filters it carries', () => {
    const lists = sim.requestLog.entries.filter((e) => e.url.startsWith(api) && e.method === 'GET' && /\/(contacts|sales_invoices|sales_credit_notes|contact_payments|contact_allocations)(\?|$)/.test(e.url));
    expect(lists.length).toBeGreaterThan(5);
    for (const e of lists) expect(new URL(e.url).searchParams.get('items_per_page'), e.url).toBe('200');
  });
});
