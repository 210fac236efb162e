// The creditor's identity as letters and emails print it (letterhead, legal footer line, email footer), and what a letter
// still lacks before it may go out: French papiers d'affaires (C. com. R123-237/238: SIREN, "RCS" and the registry's
// city, registered office, legal form and share capital) and UK business letters (Companies (Trading Disclosures)
// Regulations 2008 reg. 7: registered number, part of the UK, registered office).
import { FR_FORMS_WITH_CAPITAL, formatIban, formatSiren, sirenOf, type CompanyProfileData, type Customer } from '../model/index.js';
import type { PlannedAction } from '../model/collections.js';
import { isFormalTemplate } from './templates/catalog.js';
import type { StoredProfile } from '../store/company-profiles.js';
import { formatMoney, type Language } from './format.js';
import { expandPaymentLink } from '../model/payment-link.js';

/** The creditor (the tenant's company) as it signs its reminders. */
export interface CompanyProfile {
  name: string;
  email?: string | null;
  /** Postal address lines, for letters. */
  address?: readonly string[];
  /** French company id (SIREN), printed on formal notices. */
  siren?: string | null;
  /** Bank details or other payment instructions, in the tenant's words. */
  paymentInstructions?: string | null;
  /** Payment page for a customer and its invoices; absent when the tenant has none. */
  paymentLink?: ((action: PlannedAction) => string | null) | null;
  /** Where the company is registered; absent when no profile was filled in (settings › company profile). */
  country?: 'FR' | 'GB';
  legalForm?: string | null;
  /** Decimal string, in EUR for a French company. */
  shareCapital?: string | null;
  /** City of the RCS registry (greffe), printed after the SIREN. */
  rcsCity?: string | null;
  companyNumber?: string | null;
  registeredIn?: string | null;
  vatNumber?: string | null;
  /** City of the registered office, where letters are dated from. */
  city?: string | null;
  contactName?: string | null;
  contactPhone?: string | null;
  iban?: string | null;
  bic?: string | null;
  logo?: { bytes: Buffer; type: string } | null;
}

/** The sender's profile as the executor and the previews use it: the stored one, else the tenant's name alone. */
export function companyFromProfile(stored: StoredProfile | null, tenantName: string): CompanyProfile {
  if (!stored) return { name: tenantName };
  return profileToCompany(stored.data, stored.logo);
}

export function profileToCompany(p: CompanyProfileData, logo: StoredProfile['logo'] = null): CompanyProfile {
  const address = [p.addressLine1, p.addressLine2, [p.postalCode, p.city].filter(Boolean).join(' '), p.addressCountry].filter((x): x is string => !!x && x.trim() !== '');
  return {
    name: p.legalName,
    email: p.contactEmail,
    address,
    siren: sirenOf(p),
    country: p.country,
    legalForm: p.legalForm,
    shareCapital: p.shareCapital,
    rcsCity: p.rcsCity,
    companyNumber: p.companyNumber,
    registeredIn: p.registeredIn,
    vatNumber: p.vatNumber,
    city: p.city,
    contactName: p.contactName,
    contactPhone: p.contactPhone,
    iban: p.iban,
    bic: p.bic,
    logo,
    // The company's payment page for what the message asks: its invoice numbers and the net amount due.
    paymentLink: p.paymentLink
      ? (action) => expandPaymentLink(p.paymentLink!, { reference: action.invoices.map((i) => i.number ?? i.externalId).join(' '), amount: action.netDue, currency: action.currency })
      : null,
  };
}

export const GAPS = ['legal_name', 'address', 'siren', 'rcs_city', 'legal_form', 'share_capital', 'company_number', 'registered_in', 'debtor_address'] as const;
export type Gap = (typeof GAPS)[number];

const UK_UNREGISTERED = new Set(['Sole trader', 'Partnership']);

/** What the creditor's identity lacks for a letter, by the law of the country where it is registered. */
export function profileGaps(c: CompanyProfile): Gap[] {
  const gaps: Gap[] = [];
  // No stored profile: the tenant's display name is not known to be the legal name.
  if (!c.country) gaps.push('legal_name');
  if (!c.address?.length) gaps.push('address');
  if ((c.country ?? 'FR') === 'FR') {
    if (!c.siren) gaps.push('siren');
    if (!c.rcsCity) gaps.push('rcs_city');
    if (!c.legalForm) gaps.push('legal_form');
    else if (FR_FORMS_WITH_CAPITAL.has(c.legalForm.toUpperCase()) && !c.shareCapital) gaps.push('share_capital');
  } else if (!c.legalForm || !UK_UNREGISTERED.has(c.legalForm)) {
    if (!c.companyNumber) gaps.push('company_number');
    if (!c.registeredIn) gaps.push('registered_in');
  }
  return gaps;
}

/** What keeps this action's letter from going out, or none: the profile's gaps, and the debtor's address for post. */
export function letterGaps(action: Pick<PlannedAction, 'channel' | 'templateId'>, company: CompanyProfile, customer: Pick<Customer, 'address'>): Gap[] {
  const formal = isFormalTemplate(action.templateId);
  if (action.channel !== 'letter' && !formal) return [];
  const gaps = profileGaps(company);
  const a = customer.address;
  if (action.channel === 'letter' && !(a && (a.line1 || a.city))) gaps.push('debtor_address');
  return gaps;
}

const GAP_WORDS: Record<Language, Record<Gap, string>> = {
  fr: {
    legal_name: 'raison sociale',
    address: 'adresse du siège',
    siren: 'SIREN',
    rcs_city: 'ville du greffe (RCS)',
    legal_form: 'forme juridique',
    share_capital: 'capital social',
    company_number: 'numéro d’immatriculation britannique',
    registered_in: 'lieu d’immatriculation',
    debtor_address: 'adresse postale du client',
  },
  en: {
    legal_name: 'legal name',
    address: 'registered address',
    siren: 'SIREN',
    rcs_city: 'RCS registry city',
    legal_form: 'legal form',
    share_capital: 'share capital',
    company_number: 'company number',
    registered_in: 'place of registration',
    debtor_address: 'customer’s postal address',
  },
};

export function gapWords(gaps: readonly Gap[], lang: Language): string {
  return gaps.map((g) => GAP_WORDS[lang][g]).join(', ');
}

/** Why a letter waits, in the reader's language: what is missing and where to fix it. */
export function heldLetterReason(gaps: readonly Gap[], lang: Language, customerName?: string): string {
  const own = gaps.filter((g) => g !== 'debtor_address');
  const parts: string[] = [];
  if (lang === 'fr') {
    if (own.length) parts.push(`le profil de l’entreprise est incomplet (${gapWords(own, lang)}) : complétez-le dans « Profil de l’entreprise »`);
    if (gaps.includes('debtor_address')) parts.push(`le client${customerName ? ` ${customerName}` : ''} n’a pas d’adresse postale : ajoutez-la dans le logiciel comptable`);
    return `Courrier retenu : ${parts.join(' ; ')}. Il partira dès que ce sera fait.`;
  }
  if (own.length) parts.push(`the company profile is incomplete (${gapWords(own, lang)}): complete it under "Company profile"`);
  if (gaps.includes('debtor_address')) parts.push(`customer${customerName ? ` ${customerName}` : ''} has no postal address: add it in the accounting software`);
  return `Letter held: ${parts.join('; ')}. It goes out once this is done.`;
}

const UK_PLACE: Record<Language, Record<string, string>> = {
  en: { england_wales: 'England and Wales', scotland: 'Scotland', northern_ireland: 'Northern Ireland' },
  fr: { england_wales: 'Angleterre et pays de Galles', scotland: 'Écosse', northern_ireland: 'Irlande du Nord' },
};

/** "SAS au capital de 10 000,00 €" / "SAS with a share capital of €10,000.00"; null without a form. */
function formLine(c: CompanyProfile, lang: Language): string | null {
  if (!c.legalForm) return null;
  if (!c.shareCapital || c.country === 'GB') return c.legalForm;
  const cur = 'EUR';
  return lang === 'fr' ? `${c.legalForm} au capital de ${formatMoney(c.shareCapital, cur, lang)}` : `${c.legalForm} with a share capital of ${formatMoney(c.shareCapital, cur, lang)}`;
}

/** "SIREN 812 345 678 RCS Lyon" or "Registered in England and Wales, company no. 01234567". */
function registryLine(c: CompanyProfile, lang: Language): string | null {
  if (c.country === 'GB') {
    if (!c.companyNumber) return null;
    const place = c.registeredIn ? UK_PLACE[lang][c.registeredIn] : null;
    if (lang === 'fr') return `Société immatriculée${place ? ` en ${place}` : ''} sous le n° ${c.companyNumber}`;
    return `Registered${place ? ` in ${place}` : ''}, company no. ${c.companyNumber}`;
  }
  if (!c.siren) return null;
  return `SIREN ${formatSiren(c.siren)}${c.rcsCity ? ` RCS ${c.rcsCity}` : ''}`;
}

function vatLine(c: CompanyProfile, lang: Language): string | null {
  if (!c.vatNumber) return null;
  return lang === 'fr' ? `N° TVA intracommunautaire ${c.vatNumber}` : `VAT no. ${c.vatNumber}`;
}

function contactLine(c: CompanyProfile, lang: Language): string | null {
  const bits = [c.contactName, c.email, c.contactPhone].filter((x): x is string => !!x);
  if (!bits.length) return null;
  return `${lang === 'fr' ? 'Contact\u00a0:' : 'Contact:'} ${bits.join(' · ')}`;
}

/** The letterhead, top left under the logo: name first (bold), then form and capital, address, registry, VAT, contact. */
export function letterheadLines(c: CompanyProfile, lang: Language): { name: string; lines: string[] } {
  const lines = [formLine(c, lang), ...(c.address ?? []), registryLine(c, lang), vatLine(c, lang), contactLine(c, lang)].filter((x): x is string => !!x);
  return { name: c.name, lines };
}

/** One line of legal mentions for the foot of each page and of each email. */
export function legalLine(c: CompanyProfile, lang: Language): string {
  const office = c.address?.length ? `${lang === 'fr' ? 'Siège social\u00a0:' : 'Registered office:'} ${c.address.join(', ')}` : null;
  return [c.name, formLine(c, lang), office, registryLine(c, lang), vatLine(c, lang)].filter((x): x is string => !!x).join(' – ');
}

/** Bank transfer details for the payment block when the tenant wrote no instructions of its own. */
export function bankInstructions(c: CompanyProfile, lang: Language): string | null {
  if (!c.iban) return null;
  const iban = `IBAN ${formatIban(c.iban)}${c.bic ? ` – BIC ${c.bic}` : ''}`;
  return lang === 'fr' ? `Règlement par virement : ${iban}` : `Pay by bank transfer: ${iban}`;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The footer code adds under every email (an edited template cannot drop it): who writes, how to reach them, and the
 * legal mentions French business correspondence carries.
 */
export function emailFooter(c: CompanyProfile, lang: Language): { text: string; html: string } {
  const contact = [c.contactName, c.email, c.contactPhone].filter((x): x is string => !!x).join(' · ');
  const legal = legalLine(c, lang);
  const text = ['', '-- ', ...(contact ? [contact] : []), legal, ''].join('\n');
  const html = `<hr style="border:none;border-top:1px solid #ddd;margin-top:24px"><p style="font-size:12px;color:#555;line-height:1.4">${contact ? `${esc(contact)}<br>` : ''}${esc(legal)}</p>`;
  return { text, html };
}

/** The rendered email with the footer appended to both parts. */
export function withEmailFooter<T extends { text: string; html: string }>(message: T, c: CompanyProfile, lang: Language): T {
  const f = emailFooter(c, lang);
  return { ...message, text: `${message.text.replace(/\s+$/, '')}\n${f.text}`, html: `${message.html}\n${f.html}` };
}
