// SIREN suggestions from the public company register (#27.1), against its simulator over real HTTP and a real
// PostgreSQL: the reader ranks and filters as the register does, a register that cannot answer is said, and on the
// customer's page a person confirms one suggestion (or types a SIREN, checked), which the watch then follows; nothing
// is ever applied without that click, and the books' number, once there, wins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSite as createUi } from '../../src/http/app.js';
import { PublisherUnavailable } from '../../src/insolvency/bodacc.js';
import { suggestCompanies } from '../../src/insolvency/register.js';
import { Customer } from '../../src/model/index.js';
import { serveRegister, type RegisterCompany } from '../../src/simulator/company-register.js';
import { serveCompaniesHouse } from '../../src/simulator/companies-house.js';
import { upsertDocuments } from '../../src/store/index.js';
import { watchedRegNos } from '../../src/store/insolvency.js';
import { useDatabase } from '../support/db.js';
import { Browser, invoice, seedTenant, uiDeps } from '../http/ui/helpers.js';

const sql = useDatabase();
const COMPANIES: RegisterCompany[] = [
  { siren: '552100554', name: 'GARAGE LEROY ET FILS', postalCode: '69003', city: 'LYON', address: '12 rue Garibaldi' },
  { siren: '732829320', name: 'GARAGE LEROY', postalCode: '75011', city: 'PARIS', address: '4 rue Oberkampf' },
  { siren: '443061841', name: 'LEROY MENUISERIE', postalCode: '69003', city: 'LYON', address: '8 cours Gambetta', state: 'C' },
];
let served: Awaited<ReturnType<typeof serveRegister>>;
beforeAll(async () => { served = await serveRegister(COMPANIES); });
afterAll(() => served.close());

const leroy = (address: Customer['address']) => Customer.parse({
  externalId: 'c1', name: 'Garage Leroy', email: 'c1@example.fr', emails: ['c1@example.fr'], phone: null, language: 'fr', currency: 'EUR',
  creditLimit: null, tags: [], address, externalVersion: '0', updatedAt: '2026-09-01T10:00:00Z',
});

describe('company register suggestions', () => {
  it('ranks by the words of the name, filters on the postcode, marks a ceased company, and says when the register is down', async () => {
    const base = served.simulator.base;
    expect((await suggestCompanies('Garage Leroy', null, { base })).map((s) => s.number)).toEqual(['732829320', '552100554', '443061841']);
    const lyon = await suggestCompanies('Garage Leroy', '69 003', { base });
    expect(lyon.map((s) => [s.number, s.city, s.active])).toEqual([['552100554', 'LYON', true], ['443061841', 'LYON', false]]);
    expect(await suggestCompanies('Le', null, { base })).toEqual([]); // too short: not asked
    const asked = served.simulator.state.requests;
    served.simulator.state.down = true;
    await expect(suggestCompanies('Garage Leroy', null, { base })).rejects.toBeInstanceOf(PublisherUnavailable);
    served.simulator.state.down = false;
    expect(served.simulator.state.requests).toBe(asked + 1);
    // A result the register serves malformed is left out, the others kept.
    const get = async () => ({ status: 200, body: { results: [{ siren: '12', nom_complet: 'X' }, { siren: '552100554', nom_complet: 'GARAGE LEROY ET FILS', siege: null }] } });
    expect((await suggestCompanies('Garage Leroy', null, { get })).map((s) => s.number)).toEqual(['552100554']);
  });

  it('on the customer page: search on a click, confirm one suggestion, the watch follows it; a bad SIREN is refused; the books win', async () => {
    const t = await seedTenant(sql, [leroy({ line1: '12 rue Garibaldi', city: 'Lyon', postalCode: '69003', country: 'FR' })], [invoice('1', 'c1', '2026-10-15', '900.00')]);
    const app = createUi(uiDeps(sql, {}, { COMPANY_REGISTER_URL: served.simulator.base }));
    const fr = new Browser(app, { 'accept-language': 'fr-FR' });
    await fr.signIn(t.tenant.id);
    const page = `/customers/${t.connection.id}/c1`;

    const before = served.simulator.state.requests;
    const plain = await (await fr.request(page)).text();
    expect(plain).toContain('data-reg-no="none"');
    expect(plain).toContain('Aucun SIREN pour ce client');
    expect(served.simulator.state.requests).toBe(before); // nothing asked until the person clicks

    const found = await (await fr.request(`${page}?siren=search`)).text();
    expect(found).toContain('data-suggestions="2"');
    expect([...found.matchAll(/data-number="(\d{9})"/g)].map((m) => m[1])).toEqual(['552100554', '443061841']);
    expect(found).toContain('cessée');
    expect(await watchedRegNos(sql, t.tenant.id)).toEqual([]);

    const bad = await fr.post(`${page}/reg-no`, { number: '552100555' });
    expect(bad.headers.get('location')).toContain('regno=invalid');
    expect(await (await fr.request(bad.headers.get('location')!)).text()).toContain('Ce n’est ni un SIREN valide');
    expect(await watchedRegNos(sql, t.tenant.id)).toEqual([]);

    const ok = await fr.post(`${page}/reg-no`, { number: '552 100 554' });
    expect(ok.status).toBe(303);
    const after = await (await fr.request(ok.headers.get('location')!)).text();
    expect(after).toContain('data-reg-no="confirmed"');
    expect(after).toContain('SIREN 552 100 554, confirmé par admin@example.com');
    expect(await watchedRegNos(sql, t.tenant.id)).toEqual(['552100554']);

    // A sync that brings no number keeps the confirmed one; one that brings a number wins over it.
    const synced = leroy({ line1: '12 rue Garibaldi', city: 'Lyon', postalCode: '69003', country: 'FR' });
    await upsertDocuments(sql, t.scope, 'customer', [{ record: { ...synced, externalVersion: '1' }, raw: synced }]);
    expect(await watchedRegNos(sql, t.tenant.id)).toEqual(['552100554']);
    await upsertDocuments(sql, t.scope, 'customer', [{ record: { ...synced, regNo: '732829320', externalVersion: '2' }, raw: synced }]);
    expect(await watchedRegNos(sql, t.tenant.id)).toEqual(['732829320']);
    expect(await (await fr.request(page)).text()).toContain('SIREN 732 829 320, d’après votre logiciel comptable');

    // Removed: the watch no longer follows the confirmed number.
    await sql`update customers set reg_no = null where tenant_id = ${t.tenant.id}`;
    await fr.post(`${page}/reg-no/forget`);
    expect(await watchedRegNos(sql, t.tenant.id)).toEqual([]);
  });

  it('a UK customer is looked up at Companies House with its key (matches in its postcode first), and without a key the page says what to ask for', async () => {
    const ch = await serveCompaniesHouse();
    try {
      ch.simulator.state.companies.push(
        { company_number: '09802398', title: 'COPPERFIELD ANALYTICS LIMITED', address_snippet: '1 Canal Wharf, Leeds, LS11 5PS', postal_code: 'LS11 5PS' },
        { company_number: 'SC123456', title: 'COPPERFIELD ANALYTICS LLP', address_snippet: '2 Park Row, Leeds, LS1 4AP', postal_code: 'LS1 4AP' },
      );
      const uk = Customer.parse({ ...leroy({ line1: '2 Park Row', city: 'Leeds', postalCode: 'LS1 4AP', country: 'GB' }), name: 'Copperfield Analytics LLP' });
      const t = await seedTenant(sql, [uk], [invoice('1', 'c1', '2026-10-15', '900.00')]);
      const page = `/customers/${t.connection.id}/c1`;
      const keyless = new Browser(createUi(uiDeps(sql)), { 'accept-language': 'en-GB' });
      await keyless.signIn(t.tenant.id);
      expect(await (await keyless.request(page)).text()).toContain('ask your administrator to set up the Companies House key');

      const en = new Browser(createUi(uiDeps(sql, {}, { COMPANIES_HOUSE_API_KEY: ch.simulator.apiKey, COMPANIES_HOUSE_URL: ch.simulator.base })), { 'accept-language': 'en-GB' });
      await en.signIn(t.tenant.id);
      const found = await (await en.request(`${page}?siren=search`)).text();
      expect([...found.matchAll(/data-number="([A-Z0-9]{8})"/g)].map((m) => m[1])).toEqual(['SC123456', '09802398']);
      const ok = await en.post(`${page}/reg-no`, { number: 'sc 123456' });
      expect(await (await en.request(ok.headers.get('location')!)).text()).toContain('Company number SC123456, confirmed by admin@example.com');
      expect(await watchedRegNos(sql, t.tenant.id)).toEqual(['SC123456']);
    } finally {
      await ch.close();
    }
  });
});
