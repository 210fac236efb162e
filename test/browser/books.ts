// A company with books for a browser walk: two neighbour companies (so sign-in lands on the picker), the walk's own
// company created from the page, then its customers and invoices written as a sync leaves them.
import { afterAll, beforeAll } from 'vitest';
import type { Page } from 'playwright-core';
import { Customer, Invoice } from '../../src/model/index.js';
import type { Sql } from '../../src/store/db.js';
import { upsertDocuments } from '../../src/store/documents.js';
import { createConnection, createTenant } from '../../src/store/tenants.js';
import { signInAndCreateCompany, startWalk, type Walk } from './harness.js';

export interface WalkWithBooks {
  readonly walk: Walk;
  /** Signs in from `page`, creates the company from the picker, and gives it one connection holding these books. */
  companyWithBooks(page: Page, name: string, customers: Customer[], invoices: Invoice[]): Promise<{ tenantId: string; connectionId: string }>;
}

/** Starts the walk for the file (with two neighbour companies) and deletes every company it made afterwards. */
export function useWalkWithBooks(sql: Sql, label: string): WalkWithBooks {
  let walk: Walk | undefined;
  const created: string[] = [];
  beforeAll(async () => {
    for (const side of ['A', 'B']) created.push((await createTenant(sql, { name: `${label} neighbour ${side}` })).id);
    walk = await startWalk();
  });
  afterAll(async () => {
    if (created.length) await sql`delete from tenants where id = any(${created})`;
    await walk?.close();
  });
  return {
    get walk() {
      if (!walk) throw new Error('the walk starts in beforeAll');
      return walk;
    },
    async companyWithBooks(page, name, customers, invoices) {
      await page.goto(`${this.walk.base}/`);
      await signInAndCreateCompany(page, name);
      const [tenant] = await sql<{ id: string }[]>`select id from tenants where name = ${name}`;
      created.push(tenant!.id);
      const connection = await createConnection(sql, tenant!.id, { provider: 'test' });
      const scope = { tenantId: tenant!.id, connectionId: connection.id, provider: 'test' };
      await upsertDocuments(sql, scope, 'customer', customers.map((record) => ({ record, raw: {} })));
      await upsertDocuments(sql, scope, 'invoice', invoices.map((record) => ({ record, raw: {} })));
      return { tenantId: tenant!.id, connectionId: connection.id };
    },
  };
}

export const frCustomer = (id: string, name: string) =>
  Customer.parse({ externalId: id, name, email: `${id}@client.example`, emails: [], phone: null, language: 'fr', currency: 'EUR', creditLimit: null, tags: [], address: null, externalVersion: '0', updatedAt: '2026-09-01T10:00:00Z' });
export const frInvoice = (id: string, customerId: string, dueDate: string, amount: string) =>
  Invoice.parse({ externalId: id, number: `FA-${id}`, customerExternalId: customerId, issueDate: '2026-09-01', dueDate, currency: 'EUR', total: amount, amountDue: amount, status: 'open', lines: [], externalVersion: '0', updatedAt: '2026-09-01T10:00:00Z' });
