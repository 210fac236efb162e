// The creditor's identity as its letters and emails print it (legal name, form, capital, registry ids, VAT, address, contact, bank):
// one zod schema for the settings form and the store. Issue messages are codes (`siren_checksum`…) the pages translate.
import { z } from 'zod';
import { checkBic, checkIban, checkSiren, checkSiret, checkUkCompanyNumber, checkVat, compact, normaliseUkCompanyNumber, sirenOfVat, type IdCheck } from './company-ids.js';
import { isDecimalString, scaleOf } from './money.js';
import { checkPaymentLinkTemplate } from './payment-link.js';

export const PROFILE_COUNTRIES = ['FR', 'GB'] as const;
export type ProfileCountry = (typeof PROFILE_COUNTRIES)[number];

/** Where a UK company is registered, as its letters must say (Companies (Trading Disclosures) Regulations 2008, reg. 7). */
export const UK_REGISTRIES = ['england_wales', 'scotland', 'northern_ireland'] as const;

/** French legal forms that have a share capital, which must then be printed with the form (C. com. R123-238). */
export const FR_FORMS_WITH_CAPITAL: ReadonlySet<string> = new Set(['SAS', 'SASU', 'SARL', 'EURL', 'SA', 'SNC', 'SCS', 'SCA', 'SCI', 'SELARL', 'SELAS', 'SCOP']);
export const FR_LEGAL_FORMS = ['SAS', 'SASU', 'SARL', 'EURL', 'SA', 'SNC', 'SCI', 'SELARL', 'SELAS', 'SCOP', 'EI', 'Association'] as const;
export const UK_LEGAL_FORMS = ['Ltd', 'PLC', 'LLP', 'Sole trader', 'Partnership'] as const;

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, 'too_long')
    .transform((s) => (s === '' ? null : s))
    .nullish()
    .transform((s) => s ?? null);

function idField(check: (v: string) => IdCheck, code: string, normalise: (v: string) => string = compact) {
  return text(60).superRefine((v, ctx) => {
    if (v === null) return;
    const r = check(v);
    if (r !== 'ok') ctx.addIssue({ code: 'custom', message: `${code}_${r}` });
  }).transform((v) => (v === null ? null : normalise(v)));
}

export const CompanyProfileData = z
  .object({
    country: z.enum(PROFILE_COUNTRIES, { error: 'country_invalid' }).default('FR'),
    legalName: z.string({ error: 'required' }).trim().min(1, 'required').max(200, 'too_long'),
    legalForm: text(60),
    shareCapital: text(30).superRefine((v, ctx) => {
      if (v === null) return;
      const n = v.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
      if (!isDecimalString(n) || n.startsWith('-') || scaleOf(n) > 2) ctx.addIssue({ code: 'custom', message: 'capital_format' });
    }).transform((v) => (v === null ? null : v.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.'))),
    siren: idField(checkSiren, 'siren'),
    siret: idField(checkSiret, 'siret'),
    rcsCity: text(80),
    companyNumber: idField(checkUkCompanyNumber, 'company_number', normaliseUkCompanyNumber),
    registeredIn: z.enum(UK_REGISTRIES, { error: 'registered_in_invalid' }).nullish().transform((v) => v ?? null),
    vatNumber: idField(checkVat, 'vat'),
    addressLine1: z.string({ error: 'required' }).trim().min(1, 'required').max(200, 'too_long'),
    addressLine2: text(200),
    postalCode: z.string({ error: 'required' }).trim().min(1, 'required').max(20, 'too_long'),
    city: z.string({ error: 'required' }).trim().min(1, 'required').max(100, 'too_long'),
    addressCountry: text(80),
    contactName: text(120),
    contactEmail: text(200).superRefine((v, ctx) => {
      if (v !== null && !z.email().safeParse(v).success) ctx.addIssue({ code: 'custom', message: 'email_format' });
    }),
    contactPhone: text(40).superRefine((v, ctx) => {
      if (v !== null && !/^\+?[0-9 ().\-\u00a0]{6,30}$/.test(v)) ctx.addIssue({ code: 'custom', message: 'phone_format' });
    }),
    iban: idField(checkIban, 'iban'),
    bic: idField(checkBic, 'bic'),
    /** The company's online payment page, e.g. https://pay.example.com/?ref={reference}&amount={amount} (payment-link.ts). */
    paymentLink: text(500).superRefine((v, ctx) => {
      const problem = v === null ? null : checkPaymentLinkTemplate(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  })
  .superRefine((p, ctx) => {
    if (p.siren && p.siret && !p.siret.startsWith(p.siren)) ctx.addIssue({ code: 'custom', path: ['siret'], message: 'siret_mismatch' });
    const vatSiren = p.vatNumber ? sirenOfVat(p.vatNumber) : null;
    if (p.siren && vatSiren && vatSiren !== p.siren) ctx.addIssue({ code: 'custom', path: ['vatNumber'], message: 'vat_mismatch' });
    if (p.bic && p.iban && p.bic.length >= 6 && p.iban.slice(0, 2) !== p.bic.slice(4, 6) && !(p.iban.startsWith('MC') && p.bic.slice(4, 6) === 'FR')) {
      ctx.addIssue({ code: 'custom', path: ['bic'], message: 'bic_mismatch' });
    }
  });
export type CompanyProfileData = z.infer<typeof CompanyProfileData>;

/** The SIREN of a profile: typed, or read from its SIRET. */
export function sirenOf(p: Pick<CompanyProfileData, 'siren' | 'siret'>): string | null {
  return p.siren ?? (p.siret ? p.siret.slice(0, 9) : null);
}

/** Logos are stored in the database and printed on letters: PNG or JPEG only (what pdfkit embeds), at most this size. */
export const LOGO_MAX_BYTES = 512 * 1024;
export const LOGO_TYPES = ['image/png', 'image/jpeg'] as const;
export type LogoType = (typeof LOGO_TYPES)[number];

/** The type a logo's bytes really are (magic numbers, never the name or the browser's claim), or null. */
export function sniffLogo(bytes: Uint8Array): LogoType | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47 && bytes[4] === 0x0d && bytes[5] === 0x0a && bytes[6] === 0x1a && bytes[7] === 0x0a) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return null;
}
