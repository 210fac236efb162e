// Invoice PDFs read from the books (migration 026): one per invoice, with the version it was read at.
import type { Sql } from './db.js';

export interface StoredInvoiceDocument {
  invoiceExternalId: string;
  externalVersion: string | null;
  pdf: Uint8Array;
  sha256: string;
  fetchedAt: Date;
}

export async function loadInvoiceDocuments(sql: Sql, tenantId: string, connectionId: string, invoiceExternalIds: readonly string[]): Promise<Map<string, StoredInvoiceDocument>> {
  if (invoiceExternalIds.length === 0) return new Map();
  const rows = await sql<{ invoice_external_id: string; external_version: string | null; pdf: Buffer; sha256: string; fetched_at: Date }[]>`
    select invoice_external_id, external_version, pdf, sha256, fetched_at from invoice_documents
    where tenant_id = ${tenantId} and connection_id = ${connectionId} and invoice_external_id = any(${[...invoiceExternalIds]}::text[])`;
  return new Map(rows.map((r) => [r.invoice_external_id, { invoiceExternalId: r.invoice_external_id, externalVersion: r.external_version, pdf: new Uint8Array(r.pdf), sha256: r.sha256, fetchedAt: r.fetched_at }]));
}

export async function saveInvoiceDocument(sql: Sql, tenantId: string, connectionId: string, d: { invoiceExternalId: string; externalVersion: string | null; pdf: Uint8Array; sha256: string; fetchedAt: Date }): Promise<void> {
  await sql`
    insert into invoice_documents (tenant_id, connection_id, invoice_external_id, external_version, pdf, sha256, fetched_at)
    values (${tenantId}, ${connectionId}, ${d.invoiceExternalId}, ${d.externalVersion}, ${Buffer.from(d.pdf)}, ${d.sha256}, ${d.fetchedAt})
    on conflict (tenant_id, connection_id, invoice_external_id)
    do update set external_version = excluded.external_version, pdf = excluded.pdf, sha256 = excluded.sha256, fetched_at = excluded.fetched_at`;
}
