// Shared fixtures for the action tests: a seeded tenant (customers, invoices, credits) planned by the real evaluator, and executor deps on a loopback SMTP sink.
import type { CreditNote, Customer, Invoice } from '../../src/model/index.js';
import { runEvaluation } from '../../src/collections/run.js';
import { FRENCH_B2B_POLICY } from '../../src/rules/default-policies.js';
import type { Sql } from '../../src/store/db.js';
import { upsertDocuments } from '../../src/store/documents.js';
import { savePolicy } from '../../src/store/policies.js';
import { createConnection, createTenant } from '../../src/store/tenants.js';
import { createSmtpTransport } from '../../src/actions/email.js';
import type { ActionAlert, ExecutorDeps } from '../../src/actions/executor.js';
import { storeLookups } from '../../src/actions/store-lookups.js';
import type { CompanyProfile } from '../../src/actions/vars.js';
import { switchSendingOn } from '../support/sending.js';

/** Monday 16 March 2026, 11:00 in Paris: inside the default send window. */
export const NOW = new Date('2026-03-16T10:00:00Z');

export const COMPANY: CompanyProfile = {
  name: 'Atelier Dupont SAS',
  email: 'compta@atelier-dupont.fr',
  address: ['12 rue des Lilas', '69003 Lyon', 'France'],
  siren: '732829320',
  paymentInstructions: 'Virement : IBAN FR76 3000 6000 0112 3456 7890 189',
  paymentLink: (a) => `https://pay.example/${a.customerExternalId}`,
  // A complete French profile, so letters are not held (src/actions/letterhead.ts profileGaps).
  country: 'FR',
  legalForm: 'SAS',
  shareCapital: '10000',
  rcsCity: 'Lyon',
  city: 'Lyon',
  vatNumber: 'FR44732829320',
  contactName: 'Claire Dupont',
  contactPhone: '04 72 00 00 00',
};

export function customer(id: string, patch: Partial<Customer> = {}): Customer {
  return {
    externalId: id,
    name: `Client ${id}`,
    email: `${id}@client.example`,
    emails: [],
    language: 'fr',
    tags: [],
    active: true,
    address: { line1: '5 avenue Foch', postalCode: '75016', city: 'Paris', country: 'France' },
    ...patch,
  };
}

export function invoice(id: string, customerId: string, patch: Partial<Invoice> = {}): Invoice {
  return {
    externalId: id,
    number: `F-${id}`,
    customerExternalId: customerId,
    issueDate: '2026-01-10',
    dueDate: '2026-03-10',
    currency: 'EUR',
    total: '1240.00',
    amountDue: '1240.00',
    status: 'open',
    lines: [],
    pdfUrl: `https://erp.example/pdf/${id}`,
    ...patch,
  };
}

export function credit(id: string, customerId: string, remaining: string): CreditNote {
  return { externalId: id, number: `AV-${id}`, customerExternalId: customerId, issueDate: '2026-02-01', currency: 'EUR', total: remaining, remaining, status: 'open', allocations: [] };
}

export interface Seeded {
  tenantId: string;
  connectionId: string;
}

export async function seed(
  sql: Sql,
  data: { customers: Customer[]; invoices: Invoice[]; credits?: CreditNote[]; locale?: string; grouped?: boolean; delivered?: Record<string, Record<string, string>>; sending?: boolean },
): Promise<Seeded> {
  const tenant = await createTenant(sql, { name: `actions-${Math.random().toString(36).slice(2, 8)}`, locale: data.locale ?? 'fr' });
  const connection = await createConnection(sql, tenant.id, { provider: 'test' });
  const scope = { tenantId: tenant.id, connectionId: connection.id, provider: 'test' };
  await upsertDocuments(sql, scope, 'customer', data.customers.map((record) => ({ record, raw: {} })));
  await upsertDocuments(sql, scope, 'invoice', data.invoices.map((record) => ({ record, raw: {} })));
  if (data.credits?.length) await upsertDocuments(sql, scope, 'credit_note', data.credits.map((record) => ({ record, raw: {} })));
  if (data.grouped) await savePolicy(sql, tenant.id, 'fr-grouped', { ...FRENCH_B2B_POLICY, groupBy: 'customer_currency' });
  // These tests are about sending: switched on as a person would, unless a test is about the switch being off.
  if (data.sending !== false) await switchSendingOn(sql, tenant.id, connection.id);
  const seeded = { tenantId: tenant.id, connectionId: connection.id };
  for (const [invoiceId, steps] of Object.entries(data.delivered ?? {})) await delivered(sql, seeded, invoiceId, steps);
  return seeded;
}

/**
 * Records earlier steps of an invoice as sent on the given dates (`{ 'reminder-1': '2026-03-02' }`), as the outbox
 * holds them after the executor ran: escalation waits for them, and later steps keep their gaps from them.
 */
export async function delivered(sql: Sql, s: Seeded, invoiceId: string, steps: Record<string, string>): Promise<void> {
  const customer = (await sql<{ c: string }[]>`select customer_external_id as c from invoices where tenant_id = ${s.tenantId} and connection_id = ${s.connectionId} and external_id = ${invoiceId}`)[0]?.c ?? null;
  for (const [step, on] of Object.entries(steps)) {
    const at = new Date(`${on}T09:00:00Z`);
    await sql`
      insert into outbox (tenant_id, connection_id, idempotency_key, kind, state, due_at, updated_at, payload)
      values (${s.tenantId}, ${s.connectionId}, ${`${s.tenantId}/${s.connectionId}|inv:${invoiceId}|${step}|v1`}, 'email', 'sent', ${at}, ${at}, ${sql.json({ customerExternalId: customer })})`;
  }
}

/** Plans with the real evaluator, as the daily run does. */
export async function plan(sql: Sql, s: Seeded, now = NOW) {
  return runEvaluation(sql, s.tenantId, s.connectionId, now);
}

export function makeDeps(sql: Sql, smtpPort: number, extra: Partial<ExecutorDeps> = {}): ExecutorDeps & { alerts: ActionAlert[] } {
  const alerts: ActionAlert[] = [];
  return {
    sql,
    smtp: { transport: createSmtpTransport({ host: '127.0.0.1', port: smtpPort, secure: false, from: 'Atelier Dupont <compta@atelier-dupont.fr>' }), from: 'Atelier Dupont <compta@atelier-dupont.fr>' },
    ...storeLookups(sql, () => COMPANY),
    alert: async (a) => {
      alerts.push(a);
    },
    alerts,
    options: { backoffMs: () => 60_000 },
    ...extra,
  };
}

export async function outboxRows(sql: Sql, tenantId: string) {
  return sql<{ idempotency_key: string; kind: string; state: string; attempts: number; last_error: string | null; result: Record<string, unknown> | null; due_at: Date }[]>`
    select idempotency_key, kind, state, attempts, last_error, result, due_at from outbox where tenant_id = ${tenantId} order by id`;
}
