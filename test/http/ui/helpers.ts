// Test wiring for the settings pages: a UI app on the test database, a signed-in browser-like client, seeded documents.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectors, simulators } from '../../../connectors/index.js';
import { loadConfig } from '../../../src/config.js';
import { ConnectorRegistry } from '../../../src/connectors/registry.js';
import { createSite as createUi } from '../../../src/http/app.js';
import type { UiDeps } from '../../../src/http/ui/index.js';
import { Customer, Invoice } from '../../../src/model/index.js';
import type { Sql } from '../../../src/store/db.js';
import { upsertDocuments } from '../../../src/store/documents.js';
import { newTenant } from '../../support/db.js';

export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
export const ORIGIN = 'http://localhost';

export function uiDeps(sql: Sql, patch: Partial<UiDeps> = {}, env: Record<string, string> = {}): UiDeps {
  const home = mkdtempSync(join(tmpdir(), 'relance-ui-'));
  return {
    sql,
    secretKey: Buffer.alloc(32, 9),
    config: loadConfig({ RELANCE_HOME: home, ...env }),
    registry: new ConnectorRegistry(connectors, simulators),
    admin: ADMIN,
    now: () => new Date('2026-11-24T10:00:00Z'),
    ...patch,
  };
}

export const customer = (id: string, name = `Client ${id}`): Customer =>
  Customer.parse({ externalId: id, name, email: `${id}@example.fr`, emails: [`${id}@example.fr`], phone: null, language: 'fr', currency: 'EUR', creditLimit: null, tags: [], address: null, externalVersion: '0', updatedAt: '2026-09-01T10:00:00Z' });

export const invoice = (id: string, customerId: string, dueDate: string, amountDue: string): Invoice =>
  Invoice.parse({ externalId: id, number: `F-${id}`, customerExternalId: customerId, issueDate: '2026-09-01', dueDate, currency: 'EUR', total: amountDue, amountDue, status: 'open', lines: [{ description: 'Prestation', amount: amountDue }], externalVersion: '0', updatedAt: '2026-09-01T10:00:00Z' });

/** A tenant with one connection holding the given customers and invoices. */
export async function seedTenant(sql: Sql, customers: Customer[], invoices: Invoice[]) {
  const t = await newTenant(sql, 'quickbooks');
  await upsertDocuments(sql, t.scope, 'customer', customers.map((record) => ({ record, raw: record })));
  await upsertDocuments(sql, t.scope, 'invoice', invoices.map((record) => ({ record, raw: record })));
  return t;
}

type App = ReturnType<typeof createUi>;

/** A cookie-carrying client that signs in, picks a tenant and submits forms with the page's CSRF token. */
export class Browser {
  cookies = new Map<string, string>();
  constructor(readonly app: App, readonly headers: Record<string, string> = {}) {}

  async request(path: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...this.headers, ...init.headers };
    if (this.cookies.size) headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['origin'] ??= ORIGIN;
      body = new URLSearchParams(init.form).toString();
    }
    const res = await this.app.request(path, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, ...(body !== undefined ? { body } : {}) });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [k, ...v] = pair!.split('=');
      if (/max-age=0/i.test(line)) this.cookies.delete(k!);
      else this.cookies.set(k!, v.join('='));
    }
    return res;
  }

  async csrf(path = '/tenants'): Promise<string> {
    const html = await (await this.request(path)).text();
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!m) throw new Error(`no CSRF token on ${path}`);
    return m[1]!;
  }

  /** Submits a form as the page would: with the session's CSRF token. */
  async post(path: string, form: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, { form: { _csrf: await this.csrf(), ...form }, headers });
  }

  async signIn(tenantId?: string): Promise<void> {
    const res = await this.request('/signin', { form: { email: ADMIN.email, password: ADMIN.password } });
    if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
    if (tenantId) {
      const sw = await this.post('/tenants/switch', { tenantId });
      if (sw.status !== 303) throw new Error(`tenant switch answered ${sw.status}`);
    }
  }
}
