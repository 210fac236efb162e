// Interface text in English and French; the language follows Accept-Language until the user picks one (cookie).
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import en from './en.json' with { type: 'json' };
import fr from './fr.json' with { type: 'json' };

export const LANGS = ['en', 'fr'] as const;
export type Lang = (typeof LANGS)[number];
export const LANG_COOKIE = 'relance_lang';

/**
 * The dictionaries are data (en.json, fr.json: the same keys, `{name}` placeholders filled by `fill`); a French
 * sentence may leave out a placeholder whose value is only ever English (a parser's message). Imported as JSON
 * modules, which tsx (`npm start`), vitest and Node itself all load.
 */
export type Dict = { [K in keyof typeof en]: string };

export const DICTS: Record<Lang, Dict> = { en, fr: fr satisfies Dict };

/** The dictionary key naming a shipped template (`fr.reminder-1` → `tpl_fr_reminder_1`). */
export const templateLabelKey = (id: string): keyof Dict => `tpl_${id.replace(/[^a-z0-9]/gi, '_')}` as keyof Dict;

/** The user's pick (cookie) first, then the browser's Accept-Language, then English. */
export function pickLang(c: Context): Lang {
  const chosen = getCookie(c, LANG_COOKIE);
  if (chosen === 'en' || chosen === 'fr') return chosen;
  const header = c.req.header('accept-language') ?? '';
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())?.[1]).find(Boolean);
      return { lang: tag.toLowerCase().slice(0, 2), q: q ? Number(q) : 1 };
    })
    .filter((x) => x.lang && x.q > 0)
    .sort((a, b) => b.q - a.q);
  const hit = ranked.find((r) => r.lang === 'en' || r.lang === 'fr');
  return (hit?.lang as Lang | undefined) ?? 'en';
}

/** Fills `{name}` placeholders of a dictionary sentence; a missing value leaves nothing. */
export function fill(template: string, values: Record<string, string | number | null | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (_m, k: string) => String(values[k] ?? ''));
}

export const localeOf = (lang: Lang) => (lang === 'fr' ? 'fr-FR' : 'en-GB');

export function formatMoney(amount: string | null | undefined, currency: string, lang: Lang): string {
  if (amount === null || amount === undefined) return '—';
  try {
    return new Intl.NumberFormat(localeOf(lang), { style: 'currency', currency }).format(amount as Intl.StringNumericLiteral);
  } catch {
    return `${amount} ${currency}`;
  }
}

/** A business date (YYYY-MM-DD, shown as is) or, with `timeZone`, an instant shown with its time in that zone. */
export function formatDate(d: Date | string | null | undefined, lang: Lang, timeZone?: string): string {
  if (!d) return '—';
  const date = typeof d === 'string' ? new Date(d.length === 10 ? `${d}T00:00:00Z` : d) : d;
  return new Intl.DateTimeFormat(localeOf(lang), { dateStyle: 'medium', ...(timeZone ? { timeStyle: 'short', timeZone } : { timeZone: 'UTC' }) }).format(date);
}
