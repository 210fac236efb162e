// Locale formatting for reminders and letters: amounts from decimal strings (never floats) and business dates, in fr and en.
import { Dec, formatAmount } from '../model/index.js';

export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The customer's language when we have templates for it, else the tenant's locale, else English. */
export function pickLanguage(customerLanguage: string | null | undefined, tenantLocale: string | null | undefined): Language {
  for (const tag of [customerLanguage, tenantLocale]) {
    const base = tag?.slice(0, 2).toLowerCase();
    if (base === 'fr' || base === 'en') return base;
  }
  return 'en';
}

const SYMBOLS: Record<string, string> = { EUR: '€', GBP: '£', USD: '$', CHF: 'CHF', CAD: 'CA$', AUD: 'A$' };
// No-break spaces keep "1 240,00 €" on one line in mail clients and in the PDF.
const NBSP = '\u00a0';

function group(digits: string, sep: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/** "1240" EUR → fr "1 240,00 €", en "€1,240.00"; rounding to the currency's minor units is half-up on the decimal string. */
export function formatMoney(amount: string, currency: string, lang: Language): string {
  const fixed = formatAmount(new Dec(amount), currency);
  const neg = fixed.startsWith('-');
  const [int = '0', frac] = (neg ? fixed.slice(1) : fixed).split('.');
  const symbol = SYMBOLS[currency] ?? currency;
  if (lang === 'fr') {
    const body = `${group(int, NBSP)}${frac !== undefined ? `,${frac}` : ''}`;
    return `${neg ? '-' : ''}${body}${NBSP}${symbol}`;
  }
  const body = `${group(int, ',')}${frac !== undefined ? `.${frac}` : ''}`;
  return symbol.length === 1 || symbol.endsWith('$') ? `${neg ? '-' : ''}${symbol}${body}` : `${neg ? '-' : ''}${body}${NBSP}${symbol}`;
}

/** Annual rate in percent, "12.15" → fr "12,15 %", en "12.15%". */
export function formatRate(rate: string, lang: Language): string {
  const s = new Dec(rate).toFixed(2);
  return lang === 'fr' ? `${s.replace('.', ',')}${NBSP}%` : `${s}%`;
}

const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** YYYY-MM-DD → fr "15/03/2026", en "15 March 2026"; pure string work, so no time zone can shift the day. */
export function formatDate(date: string, lang: Language): string {
  const [y, m, d] = date.split('-');
  if (lang === 'fr') return `${d}/${m}/${y}`;
  return `${Number(d)} ${EN_MONTHS[Number(m) - 1] ?? m} ${y}`;
}
