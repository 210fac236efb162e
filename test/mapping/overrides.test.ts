// Tenant overrides on a real PostgreSQL: validated before activation, one active at a time, tenant-scoped, cached.
import { describe, expect, it } from 'vitest';
import { activeMapping, deactivateOverride, loadShippedMapping, mapRecord, mapperResolver, saveOverride } from '../../src/mapping/index.js';
import { newTenant, useDatabase } from '../support/db.js';
import { records } from './realdata.js';

const sql = useDatabase();
const CTX = { homeCurrency: 'USD' };
const samples = () => records('fixtures', 'quickbooks', 'invoice').slice(0, 4);
const shipped = () => loadShippedMapping('quickbooks', 'invoice').source;
const prefixed = (prefix: string) => shipped().replace('"number": DocNumber', `"number": "${prefix}" & DocNumber`);

async function activeRows(tenantId: string) {
  return sql<{ id: string; expression: string }[]>`select id::text as id, expression from mapping_overrides
    where tenant_id = ${tenantId} and provider = 'quickbooks' and entity = 'invoice' and active`;
}

describe('mapping overrides', () => {
  it('activates a valid override, and the next one replaces it atomically', async () => {
    const { tenant } = await newTenant(sql, 'quickbooks');
    const first = await saveOverride(sql, tenant.id, 'quickbooks', 'invoice', prefixed('A-'), samples(), CTX);
    expect(first.ok).toBe(true);
    const second = await saveOverride(sql, tenant.id, 'quickbooks', 'invoice', prefixed('B-'), samples(), CTX);
    expect(second.ok).toBe(true);
    const rows = await activeRows(tenant.id);
    expect(rows.map((r) => r.id)).toEqual([second.ok ? second.id : 'missing']);

    const active = await activeMapping(sql, tenant.id, 'quickbooks', 'invoice');
    expect(active.overrideId).toBe(second.ok ? second.id : null);
    const r = await mapRecord(active.mapping, 'invoice', samples()[0], CTX);
    expect(r.ok === true && r.value.number).toBe(`B-${samples()[0]!.DocNumber as string}`);
    expect((await activeMapping(sql, tenant.id, 'quickbooks', 'invoice')).mapping).toBe(active.mapping);
  });

  it('refuses an override that breaks a sample and keeps the previous one active', async () => {
    const { tenant } = await newTenant(sql, 'quickbooks');
    const good = await saveOverride(sql, tenant.id, 'quickbooks', 'invoice', prefixed('A-'), samples(), CTX);
    const broken = shipped().replace('"total": $amount(TotalAmt, $cur)', '"total": TotalAmt');
    const refused = await saveOverride(sql, tenant.id, 'quickbooks', 'invoice', broken, samples(), CTX);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.failures[0]).toMatchObject({ index: 0, path: 'total' });
    expect((await activeRows(tenant.id)).map((r) => r.id)).toEqual([good.ok ? good.id : 'missing']);
    const [count] = await sql<{ n: number }[]>`select count(*)::int as n from mapping_overrides where tenant_id = ${tenant.id}`;
    expect(count!.n).toBe(1);
  });

  it('refuses without samples', async () => {
    const { tenant } = await newTenant(sql, 'quickbooks');
    expect((await saveOverride(sql, tenant.id, 'quickbooks', 'invoice', prefixed('A-'), [], CTX)).ok).toBe(false);
  });

  it('is scoped to its tenant, and deactivation restores the shipped mapping', async () => {
    const a = await newTenant(sql, 'quickbooks');
    const b = await newTenant(sql, 'quickbooks');
    await saveOverride(sql, a.tenant.id, 'quickbooks', 'invoice', prefixed('A-'), samples(), CTX);
    const forB = await activeMapping(sql, b.tenant.id, 'quickbooks', 'invoice');
    expect(forB).toEqual({ mapping: loadShippedMapping('quickbooks', 'invoice'), overrideId: null });
    expect(await deactivateOverride(sql, b.tenant.id, 'quickbooks', 'invoice')).toBe(false);
    expect(await deactivateOverride(sql, a.tenant.id, 'quickbooks', 'invoice')).toBe(true);
    expect((await activeMapping(sql, a.tenant.id, 'quickbooks', 'invoice')).overrideId).toBeNull();
  });

  it('concurrent saves leave exactly one active override', async () => {
    const { tenant } = await newTenant(sql, 'quickbooks');
    const results = await Promise.all(['A-', 'B-', 'C-'].map((p) => saveOverride(sql, tenant.id, 'quickbooks', 'invoice', prefixed(p), samples(), CTX)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await activeRows(tenant.id)).toHaveLength(1);
  });

  it('mapperResolver maps through the tenant’s active mapping', async () => {
    const { tenant } = await newTenant(sql, 'quickbooks');
    await saveOverride(sql, tenant.id, 'quickbooks', 'invoice', prefixed('Z-'), samples(), CTX);
    const mapper = await mapperResolver(sql)(tenant.id, 'quickbooks', 'invoice');
    const r = await mapper(samples()[1], CTX);
    expect(r.ok === true && r.value.number).toBe(`Z-${samples()[1]!.DocNumber as string}`);
  });
});
