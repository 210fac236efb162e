// Tenant-edited templates; every query takes the tenant. Validation happens before saving (src/actions/templates.ts).
// A template is a subject and one body (text_body), from which both the text and the HTML versions are rendered.
// html_body is what an earlier version let people write as a separate HTML version: it is no longer read, and it is
// kept as it was (never overwritten), so nothing a company wrote is lost.
import type { Sql } from './db.js';

export interface StoredTemplate {
  subject: string;
  body: string;
  updatedBy: string;
  updatedAt: Date;
}

export async function getTenantTemplate(sql: Sql, tenantId: string, templateId: string, language: string): Promise<StoredTemplate | null> {
  const [r] = await sql<{ subject: string; text_body: string; updated_by: string; updated_at: Date }[]>`
    select subject, text_body, updated_by, updated_at from tenant_templates
    where tenant_id = ${tenantId} and template_id = ${templateId} and language = ${language}`;
  return r ? { subject: r.subject, body: r.text_body, updatedBy: r.updated_by, updatedAt: r.updated_at } : null;
}

export async function saveTenantTemplate(sql: Sql, tenantId: string, templateId: string, language: string, parts: { subject: string; body: string }, by: string): Promise<void> {
  await sql`
    insert into tenant_templates (tenant_id, template_id, language, subject, text_body, html_body, updated_by)
    values (${tenantId}, ${templateId}, ${language}, ${parts.subject}, ${parts.body}, '', ${by})
    on conflict (tenant_id, template_id, language) do update set
      subject = excluded.subject, text_body = excluded.text_body, updated_by = excluded.updated_by, updated_at = now()`;
}

export async function deleteTenantTemplate(sql: Sql, tenantId: string, templateId: string, language: string): Promise<boolean> {
  const res = await sql`delete from tenant_templates where tenant_id = ${tenantId} and template_id = ${templateId} and language = ${language}`;
  return res.count > 0;
}
