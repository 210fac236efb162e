// Never guess, always tell: /health and the dashboard tell a stale rate from a known one; one alert per period, not per invoice.
import { describe, expect, it } from 'vitest';
import { runEvaluation } from '../../src/collections/run.js';
import { createApp, createSite as createUi } from '../../src/http/app.js';
import { ratesUsedBy } from '../../src/rates/staleness.js';
import { FRENCH_B2B_POLICY, UK_POLICY } from '../../src/rules/default-policies.js';
import { computePenalty, JURISDICTIONS } from '../../src/rules/late-payment-interest.js';
import { RateMissing } from '../../src/rules/rate-tables.js';
import { parseRateOverrides } from '../../src/rules/rate-overrides.js';
import { savePolicy } from '../../src/store/policies.js';
import { storeRates } from '../../src/store/rates.js';
import { useIsolatedDatabase } from '../support/db.js';
import { Browser, customer, invoice, seedTenant, uiDeps } from '../http/ui/helpers.js';
import { delivered } from '../actions/fixtures.js';

const { sql } = useIsolatedDatabase();
const h2 = (value: string) => [{ period: '2026-H2', value, effectiveOn: '2026-07-01', publishedOn: '2026-06-17' }];
const storeAllH2 = async () => {
  await storeRates(sql, 'ecb_mro', 'http://sim/ecb', h2('2.40'));
  await storeRates(sql, 'uk_bank_rate', 'http://sim/boe', h2('3.50'));
  await storeRates(sql, 'de_basiszinssatz', 'http://sim/bbk', h2('1.52'));
  await storeRates(sql, 'fr_legal_other', 'http://sim/bdf', h2('2.71'));
  await storeRates(sql, 'fr_legal_individual', 'http://sim/bdf', h2('6.58'));
};

describe('rates: stale or current', () => {
  it('GET /health stays 200 and reports rates: stale with the missing periods, then current once fetched', async () => {
    await sql`truncate reference_rates`;
    const app = createApp({ sql, today: () => '2026-12-04' });
    const stale = await app.request('/health');
    expect(stale.status).toBe(200);
    const body = (await stale.json()) as { status: string; rates: { status: string; missing?: { rate: string; period: string }[] } };
    expect(body.status).toBe('ok');
    expect(body.rates).toEqual({
      status: 'stale',
      missing: ['ecb_mro', 'uk_bank_rate', 'de_basiszinssatz', 'fr_legal_other', 'fr_legal_individual'].map((rate) => ({ rate, period: '2026-H2' })),
    });
    // The shipped table knows 2026-H1: a date in it is current without any fetch.
    expect(((await (await createApp({ sql, today: () => '2026-03-01' }).request('/health')).json()) as { rates: unknown }).rates).toEqual({ status: 'current' });
    await storeAllH2();
    expect(((await (await app.request('/health')).json()) as { rates: unknown }).rates).toEqual({ status: 'current' });
  });

  it('the dashboard shows a banner while a rate is missing, and none once it is known', async () => {
    await sql`truncate reference_rates`;
    const t = await seedTenant(sql, [customer('c1')], [invoice('i1', 'c1', '2026-10-01', '1200.00')]);
    const b = new Browser(createUi(uiDeps(sql, { now: () => new Date('2026-12-04T10:00:00Z') })));
    await b.signIn(t.tenant.id);
    const stale = await (await b.request('/dashboard')).text();
    expect(stale).toContain('data-rates="stale"');
    // In the reader's words, never the internal rate id or period code.
    expect(stale).toMatch(/taux de refinancement de la BCE \(2e semestre 2026\)|ECB main refinancing rate \(second half of 2026\)/);
    expect(stale).not.toMatch(/ecb_mro|uk_bank_rate|de_basiszinssatz|2026-H2/);
    await storeAllH2();
    const current = await (await b.request('/dashboard')).text();
    expect(current).not.toContain('data-rates="stale"');
    expect(current).toContain('data-rates="current"');
  });
});

describe('rates: only those the tenant\'s policy reads', () => {
  const banner = (html: string) => /<div class="flash bad" data-rates="stale"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
  const dashboard = async (tenantId: string, lang: 'fr' | 'en') => {
    const b = new Browser(createUi(uiDeps(sql, { now: () => new Date('2026-12-04T10:00:00Z') })), { 'accept-language': lang === 'fr' ? 'fr-FR' : 'en-GB' });
    await b.signIn(tenantId);
    return (await b.request('/dashboard')).text();
  };

  it('a French tenant on the French policy sees the ECB rate only, in French and in English', async () => {
    await sql`truncate reference_rates`;
    const t = await seedTenant(sql, [customer('c1')], [invoice('i1', 'c1', '2026-10-01', '1200.00')]);
    const fr = banner(await dashboard(t.tenant.id, 'fr'));
    expect(fr).toContain('taux de refinancement de la BCE (2e semestre 2026)');
    expect(fr).not.toMatch(/Banque d’Angleterre|taux de base allemand|intérêt légal/);
    const en = banner(await dashboard(t.tenant.id, 'en'));
    expect(en).toContain('ECB main refinancing rate (second half of 2026)');
    expect(en).not.toMatch(/Bank of England|German base rate|legal interest/);
    // The UK, German and taux légal rates are still missing, and /health still says so: it stays global.
    expect(((await (await createApp({ sql, today: () => '2026-12-04' }).request('/health')).json()) as { rates: { missing: unknown[] } }).rates.missing).toHaveLength(5);
    // Once the ECB rate is known, this tenant has nothing missing, whatever the others.
    await storeRates(sql, 'ecb_mro', 'http://sim/ecb', h2('2.40'));
    const after = await dashboard(t.tenant.id, 'fr');
    expect(after).not.toContain('data-rates="stale"');
    expect(after).toContain('data-rates="current"');
  });

  it("the operator's RATES_FILE, handed to the app and the pages as a value, counts as known on /health and the dashboard", async () => {
    await sql`truncate reference_rates`;
    const t = await seedTenant(sql, [customer('c1')], [invoice('i1', 'c1', '2026-10-01', '1200.00')]);
    const addedRates = parseRateOverrides({ source: 'ECB press release (test)', ecbMro: { knownThrough: '2026-12-31', changes: [['2026-06-17', '2.40']] } });
    const health = async (patch: { addedRates?: typeof addedRates }) => ((await (await createApp({ sql, today: () => '2026-12-04', ...patch }).request('/health')).json()) as { rates: { missing: { rate: string }[] } }).rates.missing;
    expect((await health({})).map((m) => m.rate)).toContain('ecb_mro');
    expect((await health({ addedRates })).map((m) => m.rate)).toEqual(['uk_bank_rate', 'de_basiszinssatz', 'fr_legal_other', 'fr_legal_individual']);
    const b = new Browser(createUi(uiDeps(sql, { now: () => new Date('2026-12-04T10:00:00Z'), addedRates })));
    await b.signIn(t.tenant.id);
    const html = await (await b.request('/dashboard')).text();
    expect(html).not.toContain('data-rates="stale"');
    expect(html).toContain('data-rates="current"');
  });

  it('an English tenant on the UK policy sees the Bank Rate only; a policy stating no penalties shows no rate line', async () => {
    await sql`truncate reference_rates`;
    const uk = await seedTenant(sql, [customer('c1')], [invoice('i1', 'c1', '2026-10-01', '1200.00')]);
    await sql`update tenants set locale = 'en' where id = ${uk.tenant.id}`;
    const en = banner(await dashboard(uk.tenant.id, 'en'));
    expect(en).toContain('Bank of England Bank Rate (second half of 2026)');
    expect(en).not.toMatch(/ECB|German base rate|legal interest/);
    expect(banner(await dashboard(uk.tenant.id, 'fr'))).toContain('taux directeur de la Banque d’Angleterre (2e semestre 2026)');
    const us = await seedTenant(sql, [customer('c1')], [invoice('i1', 'c1', '2026-10-01', '1200.00')]);
    await savePolicy(sql, us.tenant.id, 'us', { ...FRENCH_B2B_POLICY, penalties: { jurisdiction: 'US', debtor: 'business' } });
    const none = await dashboard(us.tenant.id, 'en');
    expect(none).not.toContain('data-rates=');
  });

  it('a tenant whose only company is a demo reads its simulated rates: no banner, while a real company\'s tenant waits', async () => {
    await sql`truncate reference_rates`;
    const demo = await seedTenant(sql, [customer('c1')], [invoice('i1', 'c1', '2026-10-01', '1200.00')]);
    await sql`update connections set settings = ${sql.json({ demo: { provider: 'quickbooks', seed: 1, customers: 1, invoices: 1, creditNotes: 0, port: 54999 } })} where id = ${demo.connection.id}`;
    const real = await seedTenant(sql, [customer('c1')], [invoice('i1', 'c1', '2026-10-01', '1200.00')]);
    expect(await dashboard(demo.tenant.id, 'fr')).toContain('data-rates="current"');
    expect(await dashboard(real.tenant.id, 'fr')).toContain('data-rates="stale"');
  });

  it('ratesUsedBy names exactly the fetched rate the engine reads, for every jurisdiction, debtor and contract rate', () => {
    const KIND_OF_TABLE: Record<string, string> = {
      'ECB MRO': 'ecb_mro',
      'UK reference (Bank Rate)': 'uk_bank_rate',
      'German Basiszinssatz': 'de_basiszinssatz',
      'French taux légal (autres cas)': 'fr_legal_other',
      'French taux légal (particuliers)': 'fr_legal_individual',
    };
    let cases = 0;
    for (const jurisdiction of JURISDICTIONS)
      for (const debtor of ['business', 'consumer'] as const)
        for (const contractRate of [undefined, '15']) {
          const penalties = { jurisdiction, debtor, ...(contractRate ? { contractRate } : {}) };
          // 2026-H2 has no rate at all (no book, nothing shipped): the engine names the one it reads, if any.
          let read: string[] = [];
          try {
            computePenalty({ jurisdiction, debtor, amount: '1000.00', currency: 'EUR', dueDate: '2026-08-01', asOf: '2026-12-04', noticeDate: '2026-08-10', ...(contractRate ? { contractRate } : {}) });
          } catch (e) {
            if (!(e instanceof RateMissing)) throw e;
            read = [KIND_OF_TABLE[e.table] ?? `unmapped table ${e.table}`];
          }
          expect(ratesUsedBy({ penalties, steps: FRENCH_B2B_POLICY.steps }), JSON.stringify(penalties)).toEqual(read);
          // A policy none of whose steps states penalties reads no rate.
          expect(ratesUsedBy({ penalties, steps: FRENCH_B2B_POLICY.steps.map((s) => ({ ...s, includePenalties: false })) })).toEqual([]);
          cases++;
        }
    expect(cases).toBe(20);
    expect(ratesUsedBy(FRENCH_B2B_POLICY)).toEqual(['ecb_mro']);
    expect(ratesUsedBy(UK_POLICY)).toEqual(['uk_bank_rate']);
    expect(ratesUsedBy({ ...FRENCH_B2B_POLICY, penalties: { jurisdiction: 'FR', debtor: 'consumer' } })).toEqual(['fr_legal_other']);
  });

  it('a French tenant whose policy states consumer penalties sees the taux légal, not the ECB rate', async () => {
    await sql`truncate reference_rates`;
    const t = await seedTenant(sql, [customer('c1')], [invoice('i1', 'c1', '2026-10-01', '1200.00')]);
    await savePolicy(sql, t.tenant.id, 'fr-b2c', { ...FRENCH_B2B_POLICY, penalties: { jurisdiction: 'FR', debtor: 'consumer' } });
    const fr = banner(await dashboard(t.tenant.id, 'fr'));
    expect(fr).toContain('taux de l’intérêt légal (tous les autres cas) (2e semestre 2026)');
    expect(fr).not.toMatch(/BCE|particuliers/);
    expect(banner(await dashboard(t.tenant.id, 'en'))).toContain('French legal interest rate (business creditors) (second half of 2026)');
  });
});

describe('rates: one alert per period', () => {
  it('raises one rate_missing alert for the tenant however many invoices and runs, and none once the rate is known', async () => {
    await sql`truncate reference_rates`;
    const t = await seedTenant(sql, [customer('c1'), customer('c2')], [invoice('i1', 'c1', '2026-10-01', '1200.00'), invoice('i2', 'c2', '2026-10-05', '800.00'), invoice('i3', 'c2', '2026-09-20', '300.00')]);
    // Each was reminded twice in October, so each reaches the firm reminder, which states penalties.
    const reminded = { 'reminder-1': '2026-10-06', 'reminder-2': '2026-10-13' };
    for (const id of ['i1', 'i2', 'i3']) await delivered(sql, { tenantId: t.tenant.id, connectionId: t.connection.id }, id, reminded);
    const count = async () => (await sql<{ n: number }[]>`select count(*)::int as n from outbox where tenant_id = ${t.tenant.id} and kind = 'alert' and idempotency_key like '%rate_missing%'`)[0]!.n;
    expect((await runEvaluation(sql, t.tenant.id, t.connection.id, new Date('2026-12-04T09:00:00Z'))).keys.filter((k) => k.includes('|firm|'))).toHaveLength(2);
    await runEvaluation(sql, t.tenant.id, t.connection.id, new Date('2026-12-05T09:00:00Z'));
    expect(await count()).toBe(1);
    const [alert] = await sql<{ payload: { kind: string; message: string; data: { period: string } } }[]>`select payload from outbox where tenant_id = ${t.tenant.id} and idempotency_key like '%rate_missing%'`;
    expect(alert!.payload).toMatchObject({ kind: 'rate_missing', data: { rate: 'ecb_mro', period: '2026-H2' } });
    // In the team's words, and only the rate the French policy reads (the UK and German rates are missing too).
    expect(alert!.payload.message).toMatch(/^Penalties wait: the ECB main refinancing rate for the second half of 2026 is not known yet/);
    await storeAllH2();
    const t2 = await seedTenant(sql, [customer('c9')], [invoice('i9', 'c9', '2026-10-01', '100.00')]);
    await delivered(sql, { tenantId: t2.tenant.id, connectionId: t2.connection.id }, 'i9', reminded);
    expect((await runEvaluation(sql, t2.tenant.id, t2.connection.id, new Date('2026-12-04T09:00:00Z'))).keys.some((k) => k.includes('|firm|'))).toBe(true);
    expect((await sql<{ n: number }[]>`select count(*)::int as n from outbox where tenant_id = ${t2.tenant.id} and idempotency_key like '%rate_missing%'`)[0]!.n).toBe(0);
  });
});
