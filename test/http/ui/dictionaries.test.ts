// The dictionaries are data: en.json and fr.json (and the company profile's company-en.json and company-fr.json) carry
// the same keys, and each sentence the same `{placeholders}`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMPANY_TEXT, issueText } from '../../../src/http/ui/company-text.js';
import { DICTS, fill } from '../../../src/http/ui/i18n.js';

const read = (lang: 'en' | 'fr') => JSON.parse(readFileSync(new URL(`../../../src/http/ui/${lang}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** Sentences whose English names a detail that is only ever English (a JSON or schema parser's message): French leaves it out rather than show English. */
const ENGLISH_ONLY_DETAIL: Record<string, string[]> = { pe_errInvalid: ['detail'], pe_errJson: ['detail'] };

describe('the dictionaries', () => {
  const en = read('en');
  const fr = read('fr');

  it('have exactly the same keys, every value a non-empty string', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
    expect(Object.keys(en).length).toBeGreaterThan(800);
    for (const [k, v] of [...Object.entries(en), ...Object.entries(fr)]) expect(typeof v === 'string' && v.length > 0, k).toBe(true);
  });

  it('have the same placeholders in each sentence (but for the English-only details, which French leaves out)', () => {
    const differ = Object.keys(en).filter((k) => placeholders(en[k] as string).join() !== placeholders(fr[k] as string).join());
    expect(differ.sort()).toEqual(Object.keys(ENGLISH_ONLY_DETAIL).sort());
    for (const [k, names] of Object.entries(ENGLISH_ONLY_DETAIL)) {
      expect(placeholders(en[k] as string)).toEqual(names);
      expect(placeholders(fr[k] as string)).toEqual([]);
    }
  });

  it('are what the pages use, and fill their placeholders', () => {
    expect(DICTS.en).toEqual(en);
    expect(DICTS.fr).toEqual(fr);
    expect(fill(DICTS.en.invitationSent, { email: 'a@b.fr' })).toBe('Invitation sent to a@b.fr.');
  });

  it("include the company profile page's words (company-en.json, company-fr.json): the same keys and placeholders, what the page uses", () => {
    const readCompany = (lang: 'en' | 'fr') => JSON.parse(readFileSync(new URL(`../../../src/http/ui/company-${lang}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
    const [cen, cfr] = [readCompany('en'), readCompany('fr')];
    expect(Object.keys(cfr).sort()).toEqual(Object.keys(cen).sort());
    expect(Object.keys(cen).length).toBeGreaterThan(90);
    for (const [k, v] of [...Object.entries(cen), ...Object.entries(cfr)]) expect(typeof v === 'string' && v.length > 0, k).toBe(true);
    expect(Object.keys(cen).filter((k) => placeholders(cen[k] as string).join() !== placeholders(cfr[k] as string).join())).toEqual([]);
    expect(COMPANY_TEXT.en).toEqual(cen);
    expect(COMPANY_TEXT.fr).toEqual(cfr);
    expect([issueText('no_such_code', 'en'), issueText('no_such_code', 'fr')]).toEqual(['Invalid value.', 'Valeur invalide.']);
  });
});
