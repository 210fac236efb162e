// The customer read models the pages and the API share: customers with balances, risk segment and pauses; one customer with its invoices.
import type { RiskWhy } from '../rules/risk.js';
import { Dec, dateInZone, daysBetween, sumAmounts, type Customer, type Invoice } from '../model/index.js';
import { segmentCustomers } from '../rules/risk.js';
import type { Sql } from '../store/db.js';
import { listDocuments } from '../store/documents.js';
import { listPauses, type StoredPause } from '../store/pauses.js';
import { listConnections, type Tenant } from '../store/tenants.js';

export interface CustomerRow {
  connectionId: string;
  externalId: string;
  name: string;
  email: string | null;
  currency: string;
  open: string;
  overdue: string;
  openInvoices: number;
  segment: string;
  activePauses: number;
  /** Days past due of the oldest overdue invoice; 0 when nothing is overdue. */
  daysLate: number;
  /** When the last reminder (e-mail or letter) went out to this customer, if ever. */
  lastReminder: Date | null;
  /** The opening judgment's date while the customer is under insolvency proceedings (an active insolvency pause). */
  insolventSince: string | null;
}

const isOpen = (i: Invoice) => i.status === 'open' || i.status === 'partially_paid';

/** Every customer of the tenant (all connections), with open and overdue amounts in the customer's main currency. */
/** The opening judgment's date when the segment says the customer is under insolvency proceedings. */
export const insolventSince = (why: readonly RiskWhy[] | undefined): string | null => {
  const w = why?.find((x) => x.code === 'insolvency');
  return w && w.code === 'insolvency' ? w.since : null;
};

export async function customerOverview(sql: Sql, tenant: Tenant, now: Date, filter: { connectionId?: string } = {}): Promise<CustomerRow[]> {
  const today = dateInZone(now, tenant.timeZone);
  const connections = (await listConnections(sql, tenant.id)).filter((x) => !filter.connectionId || x.id === filter.connectionId);
  const out: CustomerRow[] = [];
  for (const connection of connections) {
    const scope = { connectionId: connection.id };
    const [customers, invoices, payments, pauses] = await Promise.all([
      listDocuments(sql, tenant.id, 'customer', scope),
      listDocuments(sql, tenant.id, 'invoice', scope),
      listDocuments(sql, tenant.id, 'payment', scope),
      listPauses(sql, tenant.id, { connectionId: connection.id }),
    ]);
    const byCustomer = new Map<string, Invoice[]>();
    for (const d of invoices) {
      const list = byCustomer.get(d.record.customerExternalId) ?? [];
      list.push(d.record);
      byCustomer.set(d.record.customerExternalId, list);
    }
    const reminded = new Map(
      (
        await sql<{ customer: string; at: Date }[]>`
          select customer_external_id as customer, max(created_at) as at from activities
          where tenant_id = ${tenant.id} and connection_id = ${connection.id} and kind = 'sent' and channel in ('email', 'letter')
          group by customer_external_id`
      ).map((r) => [r.customer, r.at]),
    );
    const segments = segmentCustomers({ today, invoicesByCustomer: byCustomer, customerIds: customers.map((d) => d.record.externalId), payments: payments.map((p) => p.record), pauses });
    for (const { record: cu } of customers) {
      const mine = byCustomer.get(cu.externalId) ?? [];
      const currency = cu.currency ?? mine[0]?.currency ?? 'EUR';
      const open = mine.filter((i) => isOpen(i) && i.currency === currency);
      const risk = segments.get(cu.externalId);
      out.push({
        connectionId: connection.id,
        externalId: cu.externalId,
        name: cu.name,
        email: cu.email ?? cu.emails[0] ?? null,
        currency,
        open: sumAmounts(open.map((i) => i.amountDue), currency),
        overdue: sumAmounts(open.filter((i) => i.dueDate < today).map((i) => i.amountDue), currency),
        openInvoices: open.length,
        segment: risk?.segment ?? 'reliable',
        activePauses: pauses.filter((p) => p.customerExternalId === cu.externalId && p.state === 'active').length,
        daysLate: Math.max(0, ...open.filter((i) => i.dueDate < today).map((i) => daysBetween(i.dueDate, today))),
        lastReminder: reminded.get(cu.externalId) ?? null,
        insolventSince: insolventSince(risk?.why),
      });
    }
  }
  return out.sort((a, b) => new Dec(b.overdue).comparedTo(a.overdue) || a.name.localeCompare(b.name));
}

export const CUSTOMER_SORTS = ['overdue', 'open', 'daysLate', 'lastReminder', 'name'] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];
export interface CustomerFilter {
  q?: string;
  segment?: string;
  overdue?: boolean;
  paused?: boolean;
  sort?: CustomerSort;
}

/** Search (name or e-mail, accents and case ignored), filters and sort over the overview; amounts compare as decimals. */
export function filterCustomers(rows: readonly CustomerRow[], f: CustomerFilter): CustomerRow[] {
  const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const q = f.q ? fold(f.q.trim()) : '';
  const kept = rows.filter(
    (r) =>
      (!q || fold(r.name).includes(q) || (r.email !== null && fold(r.email).includes(q))) &&
      (!f.segment || r.segment === f.segment) &&
      (!f.overdue || new Dec(r.overdue).gt(0)) &&
      (!f.paused || r.activePauses > 0),
  );
  const by: Record<CustomerSort, (a: CustomerRow, b: CustomerRow) => number> = {
    overdue: (a, b) => new Dec(b.overdue).comparedTo(a.overdue),
    open: (a, b) => new Dec(b.open).comparedTo(a.open),
    daysLate: (a, b) => b.daysLate - a.daysLate,
    // Longest without a reminder first: never reminded, then the oldest.
    lastReminder: (a, b) => (a.lastReminder?.getTime() ?? 0) - (b.lastReminder?.getTime() ?? 0),
    name: () => 0,
  };
  const cmp = by[f.sort ?? 'overdue'];
  return kept.sort((a, b) => cmp(a, b) || a.name.localeCompare(b.name));
}

export interface CustomerDetail {
  customer: Customer;
  invoices: Invoice[];
  pauses: StoredPause[];
  segment: string;
  /** Why, in English (API); `riskWhy` is the same as data for the pages. */
  reasons: string[];
  riskWhy: RiskWhy[];
}

/** One customer of one connection of the tenant, or null (another tenant's ids are simply not found). */
export async function customerDetail(sql: Sql, tenant: Tenant, connectionId: string, customerId: string, now: Date): Promise<CustomerDetail | null> {
  if (!/^[0-9a-f-]{36}$/i.test(connectionId)) return null;
  const [customer] = await listDocuments(sql, tenant.id, 'customer', { connectionId, externalIds: [customerId] });
  if (!customer) return null;
  const today = dateInZone(now, tenant.timeZone);
  const [allInvoices, payments, pauses] = await Promise.all([
    listDocuments(sql, tenant.id, 'invoice', { connectionId }),
    listDocuments(sql, tenant.id, 'payment', { connectionId }),
    listPauses(sql, tenant.id, { connectionId, customerExternalId: customerId }),
  ]);
  const invoices = allInvoices.map((d) => d.record).filter((i) => i.customerExternalId === customerId);
  const risk = segmentCustomers({ today, invoicesByCustomer: new Map([[customerId, invoices]]), customerIds: [customerId], payments: payments.map((p) => p.record), pauses }).get(customerId);
  const reasons = risk?.reasons ?? [];
  invoices.sort((a, b) => (a.dueDate < b.dueDate ? 1 : a.dueDate > b.dueDate ? -1 : 0));
  return { customer: customer.record, invoices, pauses: pauses.reverse(), segment: risk?.segment ?? 'reliable', reasons, riskWhy: risk?.why ?? [] };
}

/** The tenant's invoices as stored (of one connection when asked), by external id. */
export async function storedInvoices(sql: Sql, tenantId: string, filter: { connectionId?: string } = {}): Promise<Invoice[]> {
  return (await listDocuments(sql, tenantId, 'invoice', filter)).map((d) => d.record);
}
