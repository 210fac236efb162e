// A UK company number as a customer's registration number: the model's one rule (SIREN or SIRET → 9 digits, a UK
// number → 8 characters, anything else null), its kind told by its length, the database's check on both columns
// (migration 023), the Xero mapping of Contact.CompanyNumber, the Xero simulator's UK contacts carrying one, and the
// proof-of-debt date of a UK case.
import { describe, expect, it } from 'vitest';
import { createXeroSimulator } from '../../connectors/xero/simulator/index.js';
import { ukProofDue } from '../../src/insolvency/effects.js';
import { loadShippedMapping, mapRecord } from '../../src/mapping/index.js';
import { Customer, normaliseRegNo, regNoKind } from '../../src/model/index.js';
import { newTenant, useDatabase } from '../support/db.js';

const sql = useDatabase();

describe('UK company number as a registration number', () => {
  it('normalises a SIREN, a SIRET and UK numbers, and tells them apart by length', () => {
    const cases: [string, string | null, 'siren' | 'uk_company' | null][] = [
      ['812 345 678', '812345678', 'siren'],
      ['812 345 678 00021', '812345678', 'siren'],
      ['01234567', '01234567', 'uk_company'],
      ['1234567', '01234567', 'uk_company'], // padded to 8, as Companies House does
      ['sc 123456', 'SC123456', 'uk_company'],
      ['NI-012345', 'NI012345', 'uk_company'],
      ['OC301234', 'OC301234', 'uk_company'],
      ['R0000123', 'R0000123', 'uk_company'],
      ['SC12345', null, null],
      ['FR12345', null, null],
      ['1234567890', null, null],
      ['', null, null],
    ];
    for (const [given, want, kind] of cases) {
      expect(normaliseRegNo(given), given).toBe(want);
      if (want) expect(regNoKind(want), given).toBe(kind);
      expect(Customer.parse({ externalId: 'c', name: 'Client', regNo: given }).regNo, given).toBe(want);
    }
    expect(regNoKind('sc123456')).toBeNull(); // only normalised numbers have a kind
  });

  it('lets the database store a normalised UK number in both columns and refuses anything else', async () => {
    const { tenant, connection } = await newTenant(sql);
    const insert = (id: string, regNo: string | null, confirmed: string | null = null) => sql`insert into customers (tenant_id, connection_id, provider, external_id, name, data, raw, reg_no, reg_no_confirmed)
      values (${tenant.id}, ${connection.id}, 'sim', ${id}, ${'Client ' + id}, '{}', '{}', ${regNo}, ${confirmed})`;
    await insert('a', 'SC123456');
    await insert('b', '01234567');
    await insert('c', '552100554');
    await insert('d', null, 'NI012345');
    const rows = await sql<{ external_id: string; watched_reg_no: string }[]>`select external_id, watched_reg_no from customers where tenant_id = ${tenant.id} order by external_id`;
    expect(rows.map((r) => [r.external_id, r.watched_reg_no])).toEqual([['a', 'SC123456'], ['b', '01234567'], ['c', '552100554'], ['d', 'NI012345']]);
    for (const [regNo, confirmed] of [['sc123456', null], ['1234567', null], ['SC 123456', null], [null, '12345678901'], [null, 'S1234567']] as const) {
      await expect(insert(`x${regNo ?? confirmed}`, regNo, confirmed), `${regNo} ${confirmed}`).rejects.toThrow(/check/);
    }
  });

  it('maps a Xero contact\'s CompanyNumber to regNo, and an empty or unreadable one to null', async () => {
    const contact = { ContactID: 'b9a3a6a0-8c8b-4d2c-9a51-0c7b7e6d5f41', Name: 'Harbour Joinery Ltd', EmailAddress: 'accounts@harbour.example', ContactStatus: 'ACTIVE', UpdatedDateUTC: '/Date(1767225600000+0000)/' };
    const regNoOf = async (CompanyNumber: unknown) => {
      const r = await mapRecord(loadShippedMapping('xero', 'customer'), 'customer', { ...contact, ...(CompanyNumber === undefined ? {} : { CompanyNumber }) }, { provider: 'xero', homeCurrency: 'GBP' });
      if (r.ok !== true) throw new Error(JSON.stringify(r));
      return r.value.regNo ?? null;
    };
    expect(await regNoOf('SC123456')).toBe('SC123456');
    expect(await regNoOf(' 1234567 ')).toBe('01234567');
    expect(await regNoOf('812 345 678 00021')).toBe('812345678'); // a French contact's SIRET
    expect(await regNoOf('')).toBeNull();
    expect(await regNoOf('n/a')).toBeNull();
    expect(await regNoOf(undefined)).toBeNull();
  });

  it('has the Xero simulator\'s UK contacts carry a company number (some), its French ones none, and create/update keep it', () => {
    const sim = createXeroSimulator({ seed: 7, clock: () => new Date('2026-11-01T10:00:00Z'), customers: 40, invoices: 10 });
    const contacts = sim.data.list('Contact');
    const country = (c: Record<string, unknown>) => ((c.Addresses as { AddressType: string; Country: string }[]).find((a) => a.AddressType === 'POBOX')!.Country);
    const uk = contacts.filter((c) => country(c) === 'United Kingdom' && !c.IsSupplier);
    const numbered = uk.filter((c) => typeof c.CompanyNumber === 'string');
    expect(numbered.length).toBeGreaterThan(0);
    expect(numbered.length).toBeLessThan(uk.length);
    for (const c of numbered) expect(regNoKind(String(c.CompanyNumber)), String(c.CompanyNumber)).toBe('uk_company');
    expect(contacts.filter((c) => country(c) === 'France' && 'CompanyNumber' in c)).toEqual([]);
    // The same seed, the same numbers.
    const again = createXeroSimulator({ seed: 7, clock: () => new Date('2026-11-01T10:00:00Z'), customers: 40, invoices: 10 }).data.list('Contact');
    expect(again.map((c) => c.CompanyNumber ?? null)).toEqual(contacts.map((c) => c.CompanyNumber ?? null));

    const made = sim.data.create('Contact', { Name: 'New Ltd', CompanyNumber: '09876543' });
    expect(made.CompanyNumber).toBe('09876543');
    expect(sim.data.update('Contact', String(made.ContactID), { CompanyNumber: 'SC000111' }).CompanyNumber).toBe('SC000111');
  });

  it('dates the UK proof of debt 30 days from the case, or 14 days from the day the watch learnt of an older case', () => {
    expect(ukProofDue('2026-10-10', '2026-10-12')).toBe('2026-11-09');
    expect(ukProofDue('2026-10-10', '2026-10-27')).toBe('2026-11-10');
    expect(ukProofDue('2024-01-05', '2026-12-06')).toBe('2026-12-20');
  });
});
