// Never guess, always tell: /health and the dashboard tell a stale rate from a known one; one alert per period, not per invoice.
import { describe, expect, it } from 'vitest';
import { runEvaluation } from '../../src/collections/run.js';
import { createApp } from '../../src/http/app.js';
import { createUi } from '../../src/http/ui/index.js';
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
};

describe('rates: stale or current', () => {
  it('GET /health stays 200 and reports rates: stale with the missing periods, then current once fetched', async () => {
    await sql`truncate reference_rates`;
    const app = createApp({ sql, today: () => '2026-12-04' });
    const stale = await app.request('/health');
    expect(stale.status).toBe(200);
    const body = (await stale.json()) as { status: string; rates: { status: string; missing?: { rate: string; period: string }[] } };
    expect(body.status).toBe('ok');
    expect(body.rates).toEqual({ status: 'stale', missing: [{ rate: 'ecb_mro', period: '2026-H2' }, { rate: 'uk_bank_rate', period: '2026-H2' }, { rate: 'de_basiszinssatz', period: '2026-H2' }] });
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
    expect(alert!.payload).toMatchObject({ kind: 'rate_missing', data: { period: '2026-H2' } });
    await storeAllH2();
    const t2 = await seedTenant(sql, [customer('c9')], [invoice('i9', 'c9', '2026-10-01', '100.00')]);
    await delivered(sql, { tenantId: t2.tenant.id, connectionId: t2.connection.id }, 'i9', reminded);
    expect((await runEvaluation(sql, t2.tenant.id, t2.connection.id, new Date('2026-12-04T09:00:00Z'))).keys.some((k) => k.includes('|firm|'))).toBe(true);
    expect((await sql<{ n: number }[]>`select count(*)::int as n from outbox where tenant_id = ${t2.tenant.id} and idempotency_key like '%rate_missing%'`)[0]!.n).toBe(0);
  });
});
