// Identifier check digits and the company profile schema: tables of real-format cases, each valid one broken by one digit.
import { describe, expect, it } from 'vitest';
import { checkBic, checkIban, checkSiren, checkSiret, checkUkCompanyNumber, checkVat, formatIban, formatSiren, frenchVatKey, luhnValid, normaliseUkCompanyNumber } from '../../src/model/company-ids.js';
import { CompanyProfileData, sniffLogo } from '../../src/model/company-profile.js';
import { letterGaps, profileGaps, profileToCompany } from '../../src/actions/letterhead.js';

/** The same identifier with one digit changed (the last digit + 1, mod 10): a check digit must catch it. */
const typo = (s: string) => s.slice(0, -1) + String((Number(s.at(-1)) + 1) % 10);

describe('Luhn-checked SIREN and SIRET', () => {
  it.each([
    ['732829320', 'ok'], // INSEE example (theinfolist / Wikipedia SIRET page)
    ['404833048', 'ok'], // the VAT worked example's SIREN
    ['732 829 320', 'ok'],
    ['73282932', 'format'],
    ['7328293200', 'format'],
    ['73282932A', 'format'],
  ])('SIREN %s → %s', (v, want) => expect(checkSiren(v)).toBe(want));

  it('catches a one-digit typo in every valid SIREN and SIRET', () => {
    for (const v of ['732829320', '404833048']) expect(checkSiren(typo(v))).toBe('checksum');
    expect(checkSiret(typo('73282932000074'))).toBe('checksum');
  });

  it.each([
    ['73282932000074', 'ok'], // "the seventh establishment, check digit 4"
    ['732 829 320 00074', 'ok'],
    ['7328293200007', 'format'],
  ])('SIRET %s → %s', (v, want) => expect(checkSiret(v)).toBe(want));

  it("accepts La Poste's SIRETs by their digit sum (a multiple of 5), and only under La Poste's SIREN", () => {
    // 3+5+6 + 4+8 = 26 → not a multiple of 5; 3+5+6 + 1+0 = 15 → a multiple of 5 but Luhn fails: valid only as La Poste.
    expect(luhnValid('35600000000010')).toBe(false);
    expect(checkSiret('35600000000010')).toBe('ok');
    expect(checkSiret('35600000000011')).toBe('checksum');
    // The same digit-sum rule does not rescue another SIREN.
    expect(luhnValid('73282932000010')).toBe(false);
    expect(checkSiret('73282932000010')).toBe('checksum');
  });
});

describe('French VAT key', () => {
  it('is (12 + 3 × (SIREN mod 97)) mod 97, worked by hand', () => {
    // 404833048 mod 97 = 56 → (12 + 168) mod 97 = 83 (escec-international's example).
    expect(404833048 % 97).toBe(56);
    expect(frenchVatKey('404833048')).toBe('83');
    expect(frenchVatKey('732829320')).toBe(String((12 + 3 * (732829320 % 97)) % 97).padStart(2, '0'));
  });

  it.each([
    ['FR83404833048', 'ok'],
    ['fr 83 404 833 048', 'ok'],
    ['FR84404833048', 'checksum'],
    ['FR83404833049', 'checksum'], // the SIREN itself is wrong
    ['FR8340483304', 'format'],
    ['GB123456789', 'ok'],
    ['GB12345678', 'format'],
    ['DE123456789', 'ok'],
  ])('%s → %s', (v, want) => expect(checkVat(v)).toBe(want));
});

describe('IBAN (mod 97) and BIC', () => {
  it.each([
    ['FR76 3000 6000 0112 3456 7890 189', 'ok'],
    ['GB82 WEST 1234 5698 7654 32', 'ok'], // ISO 13616 example
    ['DE89 3704 0044 0532 0130 00', 'ok'],
    ['FR76 3000 6000 0112 3456 7890 18', 'format'], // one character short for France
    ['GB82 WEST 1234 5698 7654 33', 'checksum'],
  ])('IBAN %s → %s', (v, want) => expect(checkIban(v)).toBe(want));

  it('catches a one-digit typo in a valid IBAN', () => expect(checkIban(typo('FR7630006000011234567890189'))).toBe('checksum'));

  it.each([
    ['BNPAFRPP', 'ok'],
    ['BNPAFRPPXXX', 'ok'],
    ['BNPAFRP', 'format'],
    ['BNPA1RPP', 'format'],
  ])('BIC %s → %s', (v, want) => expect(checkBic(v)).toBe(want));

  it('prints identifiers the way people read them', () => {
    expect(formatIban('fr7630006000011234567890189')).toBe('FR76 3000 6000 0112 3456 7890 189');
    expect(formatSiren('732829320')).toBe('732 829 320');
  });
});

describe('UK company number', () => {
  it.each([
    ['01234567', 'ok'],
    ['1234567', 'ok'], // padded as Companies House does
    ['SC123456', 'ok'],
    ['NI012345', 'ok'],
    ['SC12345', 'format'],
    ['123456789', 'format'],
  ])('%s → %s', (v, want) => expect(checkUkCompanyNumber(v)).toBe(want));
  it('pads short numbers', () => expect(normaliseUkCompanyNumber('1234567')).toBe('01234567'));
});

describe('company profile schema', () => {
  const base = { country: 'FR', legalName: 'Atelier', addressLine1: '1 rue X', postalCode: '69001', city: 'Lyon' };

  it('normalises what people type and keeps empty fields as null', () => {
    const p = CompanyProfileData.parse({ ...base, siren: '732 829 320', vatNumber: 'fr44 732829320', shareCapital: '10 000,50', iban: 'fr76 3000 6000 0112 3456 7890 189', legalForm: '' });
    expect(p).toMatchObject({ siren: '732829320', vatNumber: 'FR44732829320', shareCapital: '10000.50', iban: 'FR7630006000011234567890189', legalForm: null, siret: null });
  });

  it('says which field is wrong, by code', () => {
    const r = CompanyProfileData.safeParse({ ...base, city: '', siren: '732829321', siret: '40483304800012', vatNumber: 'FR83404833048', shareCapital: '-5', contactEmail: 'nope', bic: 'DEUTDEFF', iban: 'FR7630006000011234567890189' });
    expect(r.success).toBe(false);
    const issues = Object.fromEntries(r.error!.issues.map((i) => [i.path.join('.'), i.message]));
    expect(issues).toMatchObject({ city: 'required', siren: 'siren_checksum', shareCapital: 'capital_format', contactEmail: 'email_format' });
    // Cross-field checks run once every field is valid on its own.
    const cross = CompanyProfileData.safeParse({ ...base, siren: '732829320', siret: '40483304800012', vatNumber: 'FR83404833048', bic: 'DEUTDEFF', iban: 'FR7630006000011234567890189' });
    const x = Object.fromEntries(cross.error!.issues.map((i) => [i.path.join('.'), i.message]));
    expect(x).toEqual({ siret: expect.stringMatching(/^siret_/), vatNumber: 'vat_mismatch', bic: 'bic_mismatch' });
  });

  it('knows a PNG or a JPEG by its bytes, not its name', () => {
    expect(sniffLogo(Buffer.from('89504e470d0a1a0a0000', 'hex'))).toBe('image/png');
    expect(sniffLogo(Buffer.from('ffd8ffe000104a464946', 'hex'))).toBe('image/jpeg');
    expect(sniffLogo(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffLogo(Buffer.from('GIF89a'))).toBeNull();
  });
});

describe('what a letter needs before it goes out', () => {
  const fr = CompanyProfileData.parse({ country: 'FR', legalName: 'Atelier SAS', legalForm: 'SAS', shareCapital: '1000', siren: '732829320', rcsCity: 'Lyon', addressLine1: '1 rue X', postalCode: '69001', city: 'Lyon' });
  const uk = CompanyProfileData.parse({ country: 'GB', legalName: 'Widgets Ltd', legalForm: 'Ltd', companyNumber: '01234567', registeredIn: 'england_wales', addressLine1: '1 High St', postalCode: 'EC1A 1BB', city: 'London' });

  it('nothing for a complete French or UK profile', () => {
    expect(profileGaps(profileToCompany(fr))).toEqual([]);
    expect(profileGaps(profileToCompany(uk))).toEqual([]);
  });

  it('names each missing French mention, and the capital only for forms that have one', () => {
    expect(profileGaps(profileToCompany({ ...fr, siren: null, rcsCity: null }))).toEqual(['siren', 'rcs_city']);
    expect(profileGaps(profileToCompany({ ...fr, shareCapital: null }))).toEqual(['share_capital']);
    expect(profileGaps(profileToCompany({ ...fr, legalForm: 'EI', shareCapital: null }))).toEqual([]);
    expect(profileGaps({ name: 'Tenant name only' })).toEqual(['legal_name', 'address', 'siren', 'rcs_city', 'legal_form']);
  });

  it('names the UK registration, except for a sole trader', () => {
    expect(profileGaps(profileToCompany({ ...uk, companyNumber: null, registeredIn: null }))).toEqual(['company_number', 'registered_in']);
    expect(profileGaps(profileToCompany({ ...uk, legalForm: 'Sole trader', companyNumber: null, registeredIn: null }))).toEqual([]);
  });

  it('holds letters and formal notices only, and asks for the debtor address only for post', () => {
    const none = { name: 'x' };
    const noAddress = { address: null };
    expect(letterGaps({ channel: 'email', templateId: 'fr.reminder-1' }, none, noAddress)).toEqual([]);
    expect(letterGaps({ channel: 'email', templateId: 'fr.mise-en-demeure' }, profileToCompany(fr), noAddress)).toEqual([]);
    expect(letterGaps({ channel: 'letter', templateId: 'fr.reminder-1' }, profileToCompany(fr), noAddress)).toEqual(['debtor_address']);
    expect(letterGaps({ channel: 'letter', templateId: 'fr.mise-en-demeure' }, profileToCompany(fr), { address: { line1: '5 avenue Foch', city: 'Paris' } })).toEqual([]);
  });
});
