// The customer's SIREN from the books: the shipped mapping of a provider that has one (reg_no, SIREN or SIRET) gives
// the 9-digit SIREN, and null for an empty or unreadable value (never a whole customer refused for it).
import { describe, expect, it } from 'vitest';
import { loadShippedMapping, mapRecord } from '../../src/mapping/index.js';

const base = { id: 42, name: 'Lumière SARL', customer_type: 'company', emails: ['compta@lumiere.fr'], billing_language: 'fr_FR', updated_at: '2026-09-01T10:00:00Z' };
const regNoOf = async (reg_no: unknown) => {
  const r = await mapRecord(loadShippedMapping('pennylane', 'customer'), 'customer', { ...base, reg_no }, { provider: 'pennylane', homeCurrency: 'EUR' });
  if (r.ok !== true) throw new Error(JSON.stringify(r));
  return r.value.regNo ?? null;
};

describe('customer SIREN from the books', () => {
  it('takes the SIREN from a SIREN or a SIRET, spaces or not, and null otherwise', async () => {
    expect(await regNoOf('812345678')).toBe('812345678');
    expect(await regNoOf('812 345 678 00021')).toBe('812345678');
    expect(await regNoOf('81234567800021')).toBe('812345678');
    expect(await regNoOf('')).toBeNull();
    expect(await regNoOf('FR12345')).toBeNull();
    expect(await regNoOf(undefined)).toBeNull();
  });
});
