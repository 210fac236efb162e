// The company profile page's words in French and English: labels, hints, and one message per validation code of
// src/model/company-profile.ts. They are data, in company-en.json and company-fr.json (the same keys: the dictionaries
// test says so), like the interface's own en.json and fr.json.
import en from './company-en.json' with { type: 'json' };
import fr from './company-fr.json' with { type: 'json' };
import type { Lang } from './i18n.js';

export type CompanyText = { [K in keyof typeof en]: string };

export const COMPANY_TEXT: Record<Lang, CompanyText> = { en, fr: fr satisfies CompanyText };

/** A validation code in the page's language; an unknown code (a schema change) is shown as a generic invalid value. */
export function issueText(code: string, lang: Lang): string {
  const t = COMPANY_TEXT[lang] as Record<string, string>;
  return t[code] ?? t['invalid_value']!;
}
