// The company profile store against PostgreSQL: a round trip of the validated profile, the logo kept across profile saves,
// per-tenant isolation, and the database refusing a logo of another type.
import { describe, expect, it } from 'vitest';
import { CompanyProfileData } from '../../src/model/company-profile.js';
import { getCompanyLogo, getCompanyProfile, saveCompanyLogo, saveCompanyProfile } from '../../src/store/company-profiles.js';
import { newTenant, useDatabase } from '../support/db.js';

const sql = useDatabase();

const profile = (patch: Record<string, unknown> = {}) =>
  CompanyProfileData.parse({ country: 'FR', legalName: 'Atelier Lumière SARL', legalForm: 'SARL', shareCapital: '8000', siren: '732829320', rcsCity: 'Lyon', addressLine1: '3 place Bellecour', postalCode: '69002', city: 'Lyon', iban: 'FR7630006000011234567890189', ...patch });

describe('company profiles', () => {
  it('round-trips the profile, keeps the logo when the profile is saved again, and isolates tenants', async () => {
    const a = await newTenant(sql);
    const b = await newTenant(sql);
    expect(await getCompanyProfile(sql, a.tenant.id)).toBeNull();
    // No profile row yet: a logo has nowhere to go.
    expect(await saveCompanyLogo(sql, a.tenant.id, { bytes: Buffer.from('89504e47', 'hex'), type: 'image/png' }, 'me')).toBe(false);

    await saveCompanyProfile(sql, a.tenant.id, profile(), 'claire@example.fr');
    const got = await getCompanyProfile(sql, a.tenant.id);
    expect(got?.data).toEqual(profile());
    expect(got?.updatedBy).toBe('claire@example.fr');
    expect(got?.logo).toBeNull();

    const png = Buffer.from('89504e470d0a1a0a0102', 'hex');
    expect(await saveCompanyLogo(sql, a.tenant.id, { bytes: png, type: 'image/png' }, 'me')).toBe(true);
    await saveCompanyProfile(sql, a.tenant.id, profile({ legalName: 'Atelier Lumière' }), 'me');
    const again = await getCompanyProfile(sql, a.tenant.id);
    expect(again?.data.legalName).toBe('Atelier Lumière');
    expect(again?.logo?.bytes.equals(png)).toBe(true);

    expect(await getCompanyProfile(sql, b.tenant.id)).toBeNull();
    expect(await getCompanyLogo(sql, b.tenant.id)).toBeNull();
    expect((await getCompanyLogo(sql, a.tenant.id))?.type).toBe('image/png');

    await expect(sql`update company_profiles set logo_type = 'image/svg+xml' where tenant_id = ${a.tenant.id}`).rejects.toThrow(/check/);
    expect(await saveCompanyLogo(sql, a.tenant.id, null, 'me')).toBe(true);
    expect(await getCompanyLogo(sql, a.tenant.id)).toBeNull();
  });
});
