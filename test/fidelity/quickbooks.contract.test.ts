// QuickBooks against Intuit's XSDs (the schemas its own SDKs are generated from): every answer the simulator serves has their shape, and the connector sends only the query parameters Intuit documents.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { simulator as quickbooks } from '../../connectors/quickbooks/simulator/index.js';
import { REALDATA_DIR } from '../mapping/realdata.js';
import { useDatabase } from '../support/db.js';
import { useSimulator } from '../support/providers.js';
import { driveConnector } from './drive.js';
import { specFiles } from './specs.js';
import { recordAnswers, type Answer } from './traffic.js';
import { XsdShapes } from './xsd.js';

const files = specFiles('quickbooks', ['IntuitRestServiceDef.xsd', 'Finance.xsd', 'IntuitBaseTypes.xsd', 'IntuitNamesTypes.xsd', 'Report.xsd'] as const);

/**
 * The query parameters Intuit's API reference declares per operation: the XSDs describe bodies, not URLs. Sources:
 * shared/reference/providers-qbo-xero.md ([Q8] minorversion on every call, [Q11] operation=delete|void, requestid on
 * writes, the query and CDC pages of the Accounting API reference). Entity names in paths are case-insensitive.
 */
const DECLARED: { route: string; method: string; path: RegExp; params: string[] }[] = [
  { route: 'query', method: 'GET', path: /^\/v3\/company\/[^/]+\/query$/, params: ['query', 'minorversion'] },
  { route: 'query (POST)', method: 'POST', path: /^\/v3\/company\/[^/]+\/query$/, params: ['minorversion'] },
  { route: 'cdc', method: 'GET', path: /^\/v3\/company\/[^/]+\/cdc$/, params: ['entities', 'changedSince', 'minorversion'] },
  { route: 'read', method: 'GET', path: /^\/v3\/company\/[^/]+\/(invoice|customer|payment|creditmemo|preferences|companyinfo)\/[^/]+$/i, params: ['minorversion'] },
  { route: 'preferences', method: 'GET', path: /^\/v3\/company\/[^/]+\/preferences$/i, params: ['minorversion'] },
  { route: 'write', method: 'POST', path: /^\/v3\/company\/[^/]+\/(invoice|customer|payment|creditmemo|preferences)$/i, params: ['minorversion', 'requestid', 'operation', 'include'] },
];

/**
 * Fields Intuit sends that the XSDs do not name. `recorded`: seen in the sandbox recordings (checked below when
 * RELANCE_REALDATA is set).
 */
const UNDESCRIBED_FIELDS: Record<string, 'recorded' | string> = {
  'Line.CustomExtensions': 'recorded',
};

const sql = useDatabase();

/** Errors less the undescribed fields the real API is known to send; those come back apart. */
function sortErrors(errors: string[]): { errors: string[]; undescribed: string[] } {
  const undescribed: string[] = [];
  const rest = errors.filter((e) => {
    const m = /\.(\w+)(?:\[\d+\])?\.(\w+): not in the schema$/.exec(e);
    if (!m) return true;
    const field = `${m[1]}.${m[2]}`;
    undescribed.push(field);
    return !(field in UNDESCRIBED_FIELDS);
  });
  return { errors: rest, undescribed };
}

describe.skipIf(!files)('QuickBooks against the XSDs of Intuit’s SDKs', () => {
  const xsd = files && new XsdShapes(files['IntuitRestServiceDef.xsd']);
  const { sim, server } = useSimulator(quickbooks.create({ seed: 19, customers: 12, invoices: 60, creditNotes: 6, payments: 25 }));
  sim.liftQuotas();
  const recorder = recordAnswers(server);
  const connector = connectors.find((c) => c.provider === 'quickbooks')!;
  const api = sim.baseUrls['api']!;
  let answers: Answer[] = [];

  beforeAll(async () => {
    await driveConnector(sql, connector, sim);
    const { accessToken, realmId } = sim.oauth.connect();
    const call = (path: string, init: RequestInit & { token?: string } = {}) =>
      fetch(`${api}/v3/company/${realmId}${path}`, { ...init, headers: { authorization: `Bearer ${init.token ?? accessToken}`, accept: 'application/json', 'content-type': 'application/json' } });
    const s = sim.scenario;
    // Single reads of every entity we serve, a fault of each kind, a 429.
    await call(`/invoice/${s.receivables('invoice')[0]}?minorversion=75`);
    await call(`/customer/${s.receivables('customer')[0]}?minorversion=75`);
    await call(`/payment/${s.receivables('payment')[0]}?minorversion=75`);
    await call(`/creditmemo/${s.receivables('credit_note')[0]}?minorversion=75`);
    await call('/invoice/999999999?minorversion=75');
    await call(`/query?query=${encodeURIComponent('select * from Nonsense')}&minorversion=75`);
    await call('/invoice?minorversion=75', { method: 'POST', body: JSON.stringify({ Id: s.openInvoices()[0], SyncToken: '999', sparse: true, DueDate: '2027-01-31' }) });
    await call('/invoice/1?minorversion=75', { token: 'expired-or-invalid' });
    sim.faults.throttleNext(1);
    await call(`/query?query=${encodeURIComponent('select * from Invoice')}&minorversion=75`);
    answers = await recorder.settled();
  }, 120_000);

  it('every request to the data API is a documented operation with only the query parameters Intuit declares for it', () => {
    const requests = sim.requestLog.entries.filter((e) => e.url.startsWith(api));
    expect(requests.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const e of requests) {
      const url = new URL(e.url);
      const op = DECLARED.find((d) => d.method === e.method && d.path.test(url.pathname));
      if (!op) {
        problems.push(`${e.method} ${url.pathname}: no such operation`);
        continue;
      }
      for (const name of new Set(url.searchParams.keys())) if (!op.params.includes(name)) problems.push(`${e.method} ${op.route}: ${name}`);
    }
    expect([...new Set(problems)]).toEqual([]);
  });

  it('every JSON answer of the data service (list pages, reads, CDC, writes, faults, 429) has the shape of IntuitResponse', () => {
    const failures: string[] = [];
    const kinds = new Set<string>();
    for (const a of answers.filter((x) => x.url.startsWith(api) && x.status !== 401)) {
      const body = JSON.parse(a.body) as Record<string, unknown>;
      const route = new URL(a.url).pathname.split('/')[4] ?? '';
      kinds.add(`${a.method} ${route.toLowerCase()} ${a.status} ${Object.keys(body).filter((k) => k !== 'time').join(',')}`);
      for (const err of sortErrors(xsd!.check(body, 'IntuitResponse', `${a.method} ${route} ${a.status}`)).errors) failures.push(err.replace(/\[\d+\]/g, '[n]'));
    }
    expect([...new Set(failures)]).toEqual([]);
    for (const k of ['GET query 200 QueryResponse', 'GET cdc 200 CDCResponse', 'GET invoice 200 Invoice', 'GET customer 200 Customer', 'GET payment 200 Payment', 'GET creditmemo 200 CreditMemo', 'POST invoice 200 Invoice', 'GET invoice 400 Fault', 'GET query 400 Fault', 'POST invoice 400 Fault', 'GET query 429 Fault']) {
      expect([...kinds], k).toContain(k);
    }
  });

  it('the CDC answer lists each entity’s changes as QueryResponse pages, as the XSD nests them', () => {
    const cdc = answers.find((a) => a.status === 200 && /\/cdc\?/.test(a.url))!;
    const body = JSON.parse(cdc.body) as { CDCResponse: { QueryResponse: Record<string, unknown>[] }[] };
    expect(Array.isArray(body.CDCResponse)).toBe(true);
    expect(Array.isArray(body.CDCResponse[0]!.QueryResponse)).toBe(true);
  });

  it('the checker refuses a spoiled answer: an unknown status, an amount as a string, a date with a time, an invented field', () => {
    const page = answers.find((a) => a.status === 200 && /\/query\?/.test(a.url) && a.body.includes('{"QueryResponse":{"Invoice":['))!;
    const body = JSON.parse(page.body) as { QueryResponse: { Invoice: Record<string, unknown>[] } };
    Object.assign(body.QueryResponse.Invoice[0]!, { EmailStatus: 'Mailed', TotalAmt: '12.00', DueDate: '2027-01-31T00:00:00', Totl: 1 });
    const errors = xsd!.check(body, 'IntuitResponse');
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Invoice\[0\]\.EmailStatus: "Mailed" is not one of EmailStatusEnum/),
        '.QueryResponse.Invoice[0].TotalAmt: "12.00" is not xs:decimal',
        '.QueryResponse.Invoice[0].DueDate: "2027-01-31T00:00:00" is not xs:date',
        '.QueryResponse.Invoice[0].Totl: not in the schema',
      ]),
    );
  });

  it('the 401 is the platform gateway’s, not the data service’s: lower-case keys outside the XSD, as Intuit sends it', () => {
    const denied = answers.find((a) => a.url.startsWith(api) && a.status === 401)!;
    expect(JSON.parse(denied.body)).toMatchObject({ fault: { error: [{ code: '3200' }], type: 'AUTHENTICATION' } });
  });

  it('token answers carry what Intuit’s OAuth 2.0 docs list: token_type, access_token, expires_in, refresh_token, x_refresh_token_expires_in', () => {
    const tokens = answers.filter((a) => a.url.startsWith(sim.baseUrls['token']!) && a.status === 200);
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    for (const t of tokens) {
      const body = JSON.parse(t.body) as Record<string, unknown>;
      expect(body).toMatchObject({ token_type: 'bearer', access_token: expect.any(String), refresh_token: expect.any(String), expires_in: expect.any(Number), x_refresh_token_expires_in: expect.any(Number) });
    }
  });

  it.skipIf(!REALDATA_DIR)('the sandbox recordings validate too, sending undescribed only the fields listed as recorded', () => {
    const seen = new Set<string>();
    for (const file of ['invoices.json', 'customers.json', 'payments.json', 'credit-memos.json']) {
      const recording = JSON.parse(readFileSync(join(REALDATA_DIR!, 'quickbooks', file), 'utf8')) as { exchanges: { path: string; body: unknown }[] };
      for (const ex of recording.exchanges) {
        const sorted = sortErrors(xsd!.check(ex.body, 'IntuitResponse'));
        expect(sorted.errors, `${file} ${ex.path}`).toEqual([]);
        for (const f of sorted.undescribed) seen.add(f);
      }
    }
    expect([...seen].sort()).toEqual(Object.keys(UNDESCRIBED_FIELDS).filter((f) => UNDESCRIBED_FIELDS[f] === 'recorded').sort());
  });
});
