// The company profile page: French and English validation messages with a 422 that keeps what was typed, a saved profile
// per company, and a logo checked by its bytes and size, stored in the database and served to its own company only.
import { describe, expect, it } from 'vitest';
import { createSite as createUi } from '../../../src/http/app.js';
import { getCompanyLogo, getCompanyProfile } from '../../../src/store/company-profiles.js';
import { useDatabase } from '../../support/db.js';
import { Browser, ORIGIN, seedTenant, uiDeps } from './helpers.js';

const sql = useDatabase();
const app = createUi(uiDeps(sql));

/** A valid 1×1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

const VALID = {
  country: 'FR',
  legalName: 'Atelier Lumière SARL',
  legalForm: 'SARL',
  shareCapital: '8 000',
  siren: '732 829 320',
  siret: '732 829 320 00074',
  rcsCity: 'Lyon',
  companyNumber: '',
  registeredIn: '',
  vatNumber: 'fr 44 732829320',
  addressLine1: '3 place Bellecour',
  addressLine2: '',
  postalCode: '69002',
  city: 'Lyon',
  addressCountry: 'France',
  contactName: 'Claire Martin',
  contactEmail: 'compta@lumiere.example',
  contactPhone: '+33 4 72 00 00 00',
  iban: 'FR76 3000 6000 0112 3456 7890 189',
  bic: 'AGRIFRPP',
};

async function upload(user: Browser, bytes: Buffer, type: string): Promise<Response> {
  const form = new FormData();
  form.set('_csrf', await user.csrf('/settings/company'));
  form.set('logo', new Blob([new Uint8Array(bytes)], { type }), 'logo.png');
  const cookie = [...user.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await app.request('/settings/company/logo', { method: 'POST', body: form, headers: { cookie, origin: ORIGIN, ...user.headers } });
  return res;
}

describe('company profile page', () => {
  it('refuses a bad SIREN, VAT key and IBAN with French messages and a 422 that keeps the typed values', async () => {
    const a = await seedTenant(sql, [], []);
    const user = new Browser(app, { 'accept-language': 'fr-FR' });
    await user.signIn(a.tenant.id);
    const first = await user.request('/settings/company');
    expect(first.status).toBe(200);
    const empty = await first.text();
    expect(empty).toContain('Profil de l’entreprise');
    expect(empty).toContain('href="/settings/company"');
    // The page itself shows no internal id (the shared menu's company switcher carries them as option values).
    expect(empty.slice(empty.indexOf('<main'))).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);

    const res = await user.post('/settings/company', { ...VALID, siren: '732829321', siret: '', vatNumber: 'FR45732829320', iban: 'FR76 3000 6000 0112 3456 7890 180' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('Ce SIREN n’est pas valide');
    expect(html).toContain('Cet IBAN n’est pas valide');
    expect(html).toContain('rien n’a été enregistré');
    // What the user typed comes back as typed.
    expect(html).toContain('value="732829321"');
    expect(html).toContain('value="FR76 3000 6000 0112 3456 7890 180"');
    expect(html).toContain('value="Atelier Lumière SARL"');
    expect(await getCompanyProfile(sql, a.tenant.id)).toBeNull();

    const vat = await user.post('/settings/company', { ...VALID, vatNumber: 'FR45732829320' });
    expect(vat.status).toBe(422);
    expect(await vat.text()).toContain('sa clé ne correspond pas au SIREN');
    const missing = await user.post('/settings/company', { ...VALID, addressLine1: '', city: '' });
    expect(missing.status).toBe(422);
    expect((await missing.text()).match(/Obligatoire\./g)).toHaveLength(2);
    const pay = await user.post('/settings/company', { ...VALID, paymentLink: 'http://pay.example.com/?ref={reference}' });
    expect(pay.status).toBe(422);
    const payPage = await pay.text();
    expect(payPage).toContain('La page de paiement doit être une adresse complète commençant par https://');
    expect(payPage).toContain('value="http://pay.example.com/?ref={reference}"');
  });

  it('says the same in English', async () => {
    const a = await seedTenant(sql, [], []);
    const user = new Browser(app, { 'accept-language': 'en-GB' });
    await user.signIn(a.tenant.id);
    const res = await user.post('/settings/company', { ...VALID, siret: '73282932000075', contactEmail: 'not-an-address' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('This SIRET is not valid');
    expect(html).toContain('Write an email address');
  });

  it('saves a valid profile for this company only, normalised, and says it is complete', async () => {
    const a = await seedTenant(sql, [], []);
    const b = await seedTenant(sql, [], []);
    const user = new Browser(app, { 'accept-language': 'fr-FR' });
    await user.signIn(a.tenant.id);
    const res = await user.post('/settings/company', VALID);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Profil de l’entreprise enregistré.');
    expect(html).toContain('data-profile="complete"');
    const stored = await getCompanyProfile(sql, a.tenant.id);
    expect(stored?.data).toMatchObject({ legalName: 'Atelier Lumière SARL', siren: '732829320', siret: '73282932000074', vatNumber: 'FR44732829320', iban: 'FR7630006000011234567890189', shareCapital: '8000' });
    expect(await getCompanyProfile(sql, b.tenant.id)).toBeNull();

    // Without the RCS city and the capital of a SARL, letters are held: the page names what is missing.
    const partial = await user.post('/settings/company', { ...VALID, rcsCity: '', shareCapital: '' });
    expect(partial.status).toBe(200);
    const text = await partial.text();
    expect(text).toContain('data-profile="incomplete"');
    expect(text).toContain('ville du greffe (RCS), capital social');
  });

  it('stores a PNG logo checked by its bytes, serves it to its own company only, and refuses other files', async () => {
    const a = await seedTenant(sql, [], []);
    const b = await seedTenant(sql, [], []);
    const user = new Browser(app, { 'accept-language': 'fr-FR' });
    await user.signIn(a.tenant.id);
    // No profile yet: the logo waits for it.
    expect((await upload(user, PNG, 'image/png')).status).toBe(422);
    await user.post('/settings/company', VALID);

    const fake = await upload(user, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/png');
    expect(fake.status).toBe(422);
    expect(await fake.text()).toContain('n’est pas une image PNG ou JPEG');
    const big = await upload(user, Buffer.concat([PNG, Buffer.alloc(600 * 1024)]), 'image/png');
    expect(big.status).toBe(413);
    expect(await big.text()).toContain('512 Ko');
    expect(await getCompanyLogo(sql, a.tenant.id)).toBeNull();

    const ok = await upload(user, PNG, 'image/png');
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Logo enregistré.');
    const served = await user.request('/settings/company/logo');
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);

    const other = new Browser(app);
    await other.signIn(b.tenant.id);
    expect((await other.request('/settings/company/logo')).status).toBe(404);

    await user.post('/settings/company/logo/delete');
    expect(await getCompanyLogo(sql, a.tenant.id)).toBeNull();
  });
});
