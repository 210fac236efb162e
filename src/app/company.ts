// The company profile every letter and email footer prints: read it, save it once it passes the schema, and the logo
// (checked to be a PNG or JPEG that a letter can carry), stored in the database and served to its own tenant only.
import PDFDocument from 'pdfkit';
import { CompanyProfileData, LOGO_MAX_BYTES, sniffLogo } from '../model/index.js';
import { getCompanyLogo, getCompanyProfile, saveCompanyLogo, saveCompanyProfile, type StoredProfile } from '../store/company-profiles.js';
import type { Tenant } from '../store/tenants.js';
import type { AppDeps } from './deps.js';

/** The stored profile (null: none saved yet). */
export function companyProfile(deps: AppDeps, tenant: Tenant): Promise<StoredProfile | null> {
  return getCompanyProfile(deps.sql, tenant.id);
}

export type ProfileSave =
  | { ok: true; data: CompanyProfileData; stored: StoredProfile | null }
  | { ok: false; issues: readonly { path: readonly PropertyKey[]; message: string }[]; stored: StoredProfile | null };

/** Saves the profile as typed once it passes the schema; either way, the profile as stored afterwards. */
export async function saveProfile(deps: AppDeps, tenant: Tenant, input: Record<string, unknown>, actor: string): Promise<ProfileSave> {
  const parsed = CompanyProfileData.safeParse(input);
  const stored = await getCompanyProfile(deps.sql, tenant.id);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues, stored };
  await saveCompanyProfile(deps.sql, tenant.id, parsed.data, actor);
  return { ok: true, data: parsed.data, stored: await getCompanyProfile(deps.sql, tenant.id) };
}

/** Whether pdfkit can place the image on a letter (a file can carry PNG magic bytes and still be broken). */
function embeddable(bytes: Buffer): boolean {
  try {
    const doc = new PDFDocument({ autoFirstPage: true });
    doc.image(bytes, 0, 0, { fit: [10, 10] });
    return true;
  } catch {
    return false;
  }
}

export type LogoProblem = 'logo_missing' | 'logo_size' | 'logo_type' | 'logo_unreadable';

/** An uploaded file checked for a letter: its bytes and type, or the problem's code. */
export async function checkLogo(file: unknown): Promise<{ bytes: Buffer; type: 'image/png' | 'image/jpeg' } | LogoProblem> {
  if (!(file instanceof File) || file.size === 0) return 'logo_missing';
  if (file.size > LOGO_MAX_BYTES) return 'logo_size';
  const bytes = Buffer.from(await file.arrayBuffer());
  const type = sniffLogo(bytes);
  if (!type) return 'logo_type';
  if (!embeddable(bytes)) return 'logo_unreadable';
  return { bytes, type };
}

/** Stores the logo (null removes it) and gives the profile as stored afterwards. */
export async function setLogo(deps: AppDeps, tenant: Tenant, logo: { bytes: Buffer; type: 'image/png' | 'image/jpeg' } | null, actor: string): Promise<StoredProfile | null> {
  await saveCompanyLogo(deps.sql, tenant.id, logo, actor);
  return getCompanyProfile(deps.sql, tenant.id);
}

/** The tenant's own logo (null: none). */
export function companyLogo(deps: AppDeps, tenant: Tenant) {
  return getCompanyLogo(deps.sql, tenant.id);
}
