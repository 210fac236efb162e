// The two dictionaries are data: en.json and fr.json carry the same keys, and each sentence the same `{placeholders}`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
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
});
