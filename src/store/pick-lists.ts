// Customers and open invoices to choose from in forms (the policy's exceptions), by name and number; every query takes the tenant.
import type { Sql } from './db.js';

export interface Choice {
  externalId: string;
  label: string;
}

/** The tenant's active customers by name (one entry per external id, as the policy keys its exceptions). */
export async function customerChoices(sql: Sql, tenantId: string, limit = 5000): Promise<Choice[]> {
  const rows = await sql<{ external_id: string; name: string }[]>`
    select distinct on (name, external_id) external_id, name from customers
    where tenant_id = ${tenantId} and active
    order by name, external_id limit ${limit}`;
  return rows.map((r) => ({ externalId: r.external_id, label: r.name }));
}

/** The tenant's open invoices as "number · customer", oldest due first. */
export async function openInvoiceChoices(sql: Sql, tenantId: string, limit = 5000): Promise<Choice[]> {
  const rows = await sql<{ external_id: string; number: string | null; customer: string | null }[]>`
    select i.external_id, i.number, c.name as customer from invoices i
    left join customers c on c.tenant_id = i.tenant_id and c.connection_id = i.connection_id and c.external_id = i.customer_external_id
    where i.tenant_id = ${tenantId} and i.status in ('open', 'partially_paid')
    order by i.due_date, i.number limit ${limit}`;
  return rows.map((r) => ({ externalId: r.external_id, label: [r.number, r.customer].filter(Boolean).join(' · ') }));
}
