// The tenant's company profile and logo; every query takes the tenant. Validation happens before saving (src/model/company-profile.ts).
import { CompanyProfileData, type LogoType } from '../model/company-profile.js';
import type { Sql } from './db.js';

export interface StoredProfile {
  data: CompanyProfileData;
  logo: { bytes: Buffer; type: LogoType } | null;
  updatedBy: string;
  updatedAt: Date;
}

/** The stored profile, or null before the tenant filled it in. A row the schema no longer accepts is returned as null data. */
export async function getCompanyProfile(sql: Sql, tenantId: string): Promise<StoredProfile | null> {
  const [r] = await sql<{ data: unknown; logo: Buffer | null; logo_type: LogoType | null; updated_by: string; updated_at: Date }[]>`
    select data, logo, logo_type, updated_by, updated_at from company_profiles where tenant_id = ${tenantId}`;
  if (!r) return null;
  const parsed = CompanyProfileData.safeParse(r.data);
  if (!parsed.success) return null;
  return { data: parsed.data, logo: r.logo && r.logo_type ? { bytes: r.logo, type: r.logo_type } : null, updatedBy: r.updated_by, updatedAt: r.updated_at };
}

/** Saves the profile fields, keeping the logo. */
export async function saveCompanyProfile(sql: Sql, tenantId: string, data: CompanyProfileData, by: string): Promise<void> {
  await sql`
    insert into company_profiles (tenant_id, data, updated_by) values (${tenantId}, ${JSON.stringify(data)}::text::jsonb, ${by})
    on conflict (tenant_id) do update set data = excluded.data, updated_by = excluded.updated_by, updated_at = now()`;
}

/** Sets (or with null, removes) the logo of a tenant whose profile exists; false when there is no profile yet. */
export async function saveCompanyLogo(sql: Sql, tenantId: string, logo: { bytes: Buffer; type: LogoType } | null, by: string): Promise<boolean> {
  const res = await sql`
    update company_profiles set logo = ${logo?.bytes ?? null}, logo_type = ${logo?.type ?? null}, updated_by = ${by}, updated_at = now()
    where tenant_id = ${tenantId}`;
  return res.count === 1;
}

/** Only the logo (for serving it), scoped to the tenant. */
export async function getCompanyLogo(sql: Sql, tenantId: string): Promise<{ bytes: Buffer; type: LogoType } | null> {
  const [r] = await sql<{ logo: Buffer | null; logo_type: LogoType | null }[]>`select logo, logo_type from company_profiles where tenant_id = ${tenantId}`;
  return r?.logo && r.logo_type ? { bytes: r.logo, type: r.logo_type } : null;
}
