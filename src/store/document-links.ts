// Invoice document addresses read from a provider one invoice at a time (migration 017); every query takes the tenant.
import type { Sql } from './db.js';

/** How long a stored address is trusted before it is read again (the provider may change or withdraw it). */
export const DOCUMENT_LINK_DAYS = 30;

export async function saveDocumentLinks(sql: Sql, tenantId: string, connectionId: string, links: Readonly<Record<string, string>>, now = new Date()): Promise<void> {
  const rows = Object.entries(links).map(([invoice_external_id, url]) => ({ invoice_external_id, url }));
  if (rows.length === 0) return;
  await sql`
    insert into document_links (tenant_id, connection_id, invoice_external_id, url, fetched_at)
    select ${tenantId}::uuid, ${connectionId}::uuid, r.invoice_external_id, r.url, ${now}
    from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb) as r(invoice_external_id text, url text)
    on conflict (tenant_id, connection_id, invoice_external_id) do update set url = excluded.url, fetched_at = excluded.fetched_at`;
}

/** The stored addresses of these invoices, fresh ones only (newer than DOCUMENT_LINK_DAYS), by invoice id. */
export async function documentLinks(sql: Sql, tenantId: string, connectionId: string, invoiceExternalIds: readonly string[], now = new Date()): Promise<Map<string, string>> {
  if (invoiceExternalIds.length === 0) return new Map();
  const since = new Date(now.getTime() - DOCUMENT_LINK_DAYS * 86_400_000);
  const rows = await sql<{ invoice_external_id: string; url: string }[]>`
    select invoice_external_id, url from document_links
    where tenant_id = ${tenantId} and connection_id = ${connectionId} and invoice_external_id = any(${invoiceExternalIds as string[]}) and fetched_at > ${since}`;
  return new Map(rows.map((r) => [r.invoice_external_id, r.url]));
}
