// Check digits of the identifiers a creditor prints on its letters: SIREN/SIRET (Luhn), French VAT key, UK company number, IBAN (mod 97), BIC.
//
// Sources: SIREN and SIRET end with a Luhn check digit (INSEE, as described by auditsi.eu and varoclier-avocats);
// La Poste's establishments share SIREN 356000000 and their SIRETs instead have a digit sum that is a multiple of 5
// (the exception several open-source validators implement; no INSEE page was found, so it is accepted only for that SIREN).
// French VAT: "FR" + key + SIREN, key = (12 + 3 × (SIREN mod 97)) mod 97 (escec-international, davidan.org).
// IBAN: ISO 13616, letters as 10..35, the number mod 97 = 1. UK company number: 8 characters, 8 digits or a
// 2-letter prefix (SC, NI, OC…) and 6 digits (Companies House).

/** Removes spaces, dots, dashes and non-breaking spaces people type inside identifiers, and upper-cases letters. */
export function compact(value: string): string {
  return value.replace(/[\s.\-\u00a0\u202f]/g, '').toUpperCase();
}

/** Luhn (mod 10) over a string of digits: from the right, every second digit doubled, digits of products added. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export type IdCheck = 'ok' | 'format' | 'checksum' | 'mismatch';

export function checkSiren(value: string): IdCheck {
  const v = compact(value);
  if (!/^\d{9}$/.test(v)) return 'format';
  return luhnValid(v) ? 'ok' : 'checksum';
}

const LA_POSTE = '356000000';

export function checkSiret(value: string): IdCheck {
  const v = compact(value);
  if (!/^\d{14}$/.test(v)) return 'format';
  if (luhnValid(v)) return 'ok';
  if (v.startsWith(LA_POSTE) && [...v].reduce((a, d) => a + Number(d), 0) % 5 === 0) return 'ok';
  return 'checksum';
}

/** The two-digit key of the French VAT number of a SIREN. */
export function frenchVatKey(siren: string): string {
  const n = Number(BigInt(compact(siren)) % 97n);
  return String((12 + 3 * n) % 97).padStart(2, '0');
}

/**
 * A VAT number: French ones are "FR" + 2-digit key + SIREN with the key checked (older keys with letters are accepted
 * on format only); UK ones "GB" + 9 or 12 digits (or GD/HA + 3); other EU ones on their prefix and length only.
 */
export function checkVat(value: string): IdCheck {
  const v = compact(value);
  if (v.startsWith('FR')) {
    const m = /^FR([0-9A-HJ-NP-Z]{2})(\d{9})$/.exec(v);
    if (!m) return 'format';
    const [, key, siren] = m as unknown as [string, string, string];
    if (checkSiren(siren) !== 'ok') return 'checksum';
    if (/^\d{2}$/.test(key)) return key === frenchVatKey(siren) ? 'ok' : 'checksum';
    return 'ok';
  }
  if (v.startsWith('GB') || v.startsWith('XI')) return /^(GB|XI)(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/.test(v) ? 'ok' : 'format';
  return /^[A-Z]{2}[0-9A-Z+*]{2,12}$/.test(v) ? 'ok' : 'format';
}

/** The SIREN inside a French VAT number, or null. */
export function sirenOfVat(value: string): string | null {
  const m = /^FR[0-9A-Z]{2}(\d{9})$/.exec(compact(value));
  return m ? (m[1] as string) : null;
}

/** A UK company number: 8 digits (shorter ones are padded, as Companies House does) or 2 letters and 6 digits. */
export function normaliseUkCompanyNumber(value: string): string {
  const v = compact(value);
  return /^\d{1,7}$/.test(v) ? v.padStart(8, '0') : v;
}

export function checkUkCompanyNumber(value: string): IdCheck {
  return /^(\d{8}|[A-Z]{2}\d{6}|R\d{7})$/.test(normaliseUkCompanyNumber(value)) ? 'ok' : 'format';
}

export type RegNoKind = 'siren' | 'uk_company';

/**
 * A customer's registration number as the insolvency watch keeps it, or null when it is neither kind: a SIREN (9
 * digits; a SIRET gives its first 9) or a UK company number normalised by the rule above (8 characters: 8 digits,
 * 2 letters + 6 digits, or R + 7 digits). Spaces, dots and dashes are dropped and letters upper-cased first.
 */
export function normaliseRegNo(value: string): string | null {
  const v = compact(value);
  if (/^(\d{9}|\d{14})$/.test(v)) return v.slice(0, 9);
  return checkUkCompanyNumber(v) === 'ok' ? normaliseUkCompanyNumber(v) : null;
}

/**
 * Which register a normalised number belongs to, told by its length: a SIREN has 9 characters (all digits), a UK
 * company number 8 (shorter UK numbers are padded to 8 before they are stored), so the two never overlap. The SQL
 * check on customers.reg_no (migration 023) and the watch's dispatch (src/insolvency/watch.ts) follow this rule.
 */
export function regNoKind(regNo: string): RegNoKind | null {
  if (/^\d{9}$/.test(regNo)) return 'siren';
  if (/^(\d{8}|[A-Z]{2}\d{6}|R\d{7})$/.test(regNo)) return 'uk_company';
  return null;
}

/** IBAN lengths per country (ISO 13616 registry), for the countries a French or UK creditor banks in. */
const IBAN_LENGTHS: Record<string, number> = {
  FR: 27, MC: 27, GB: 22, IE: 22, DE: 22, BE: 16, NL: 18, LU: 20, ES: 24, IT: 27, PT: 25, CH: 21, AT: 20, GR: 27, FI: 18, DK: 18, SE: 24, NO: 15, PL: 28, CZ: 24, SK: 24, SI: 19, HR: 21, EE: 20, LV: 21, LT: 20, CY: 28, MT: 31, GI: 23, IS: 26, LI: 21, SM: 27, AD: 24, RO: 24, BG: 22, HU: 28,
};

export function checkIban(value: string): IdCheck {
  const v = compact(value);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(v)) return 'format';
  const want = IBAN_LENGTHS[v.slice(0, 2)];
  if (want !== undefined && v.length !== want) return 'format';
  const moved = v.slice(4) + v.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const n = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of n) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest === 1 ? 'ok' : 'checksum';
}

/** IBAN in groups of four, as printed on letters. */
export function formatIban(value: string): string {
  return compact(value).replace(/(.{4})(?=.)/g, '$1 ');
}

/** BIC (ISO 9362): 4 letters bank, 2 letters country, 2 location, optional 3 branch. */
export function checkBic(value: string): IdCheck {
  return /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(compact(value)) ? 'ok' : 'format';
}

/** "812345678" → "812 345 678", as SIRENs are usually printed. */
export function formatSiren(value: string): string {
  const v = compact(value);
  return /^\d{9}$/.test(v) ? `${v.slice(0, 3)} ${v.slice(3, 6)} ${v.slice(6)}` : v;
}
