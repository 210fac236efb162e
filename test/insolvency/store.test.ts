// Insolvency notices in PostgreSQL: one SIREN on two customers (even across connections) gives each its notice;
// a rerun stores nothing twice; a later notice wins with the history kept; refused notices are quarantined;
// the SIREN column refuses a value that is not 9 digits; another tenant sees nothing.
import { describe, expect, it } from 'vitest';
import { parseNotices } from '../../src/insolvency/bodacc.js';
import { customersWithRegNo, latestNotice, noticeHistory, quarantineNotice, quarantinedNotices, recordNotice, watchedRegNos } from '../../src/store/insolvency.js';
import { createConnection } from '../../src/store/tenants.js';
import { newTenant, useDatabase } from '../support/db.js';
import { SIREN, record } from './fixtures.js';

const sql = useDatabase();

async function customer(tenantId: string, connectionId: string, externalId: string, regNo: string | null) {
  await sql`insert into customers (tenant_id, connection_id, provider, external_id, name, data, raw, reg_no)
    values (${tenantId}, ${connectionId}, 'sim', ${externalId}, ${'Client ' + externalId}, '{}', '{}', ${regNo})`;
}

describe('insolvency notices store', () => {
  it('stores a notice for every customer with the SIREN, once, and the latest notice wins with history', async () => {
    const { tenant, connection } = await newTenant(sql);
    const other = await createConnection(sql, tenant.id, { provider: 'sim' });
    await customer(tenant.id, connection.id, 'C1', SIREN);
    await customer(tenant.id, other.id, 'C9', SIREN);
    await customer(tenant.id, connection.id, 'C2', '732829320');
    await customer(tenant.id, connection.id, 'C3', null);
    expect(await watchedRegNos(sql, tenant.id)).toEqual([SIREN, '732829320']);
    expect((await customersWithRegNo(sql, tenant.id, SIREN)).map((c) => c.externalId).sort()).toEqual(['C1', 'C9']);

    const opening = parseNotices(SIREN, [record()]).notices[0]!;
    const first = await recordNotice(sql, tenant.id, opening);
    expect(first.map((r) => [r.notice.customerExternalId, r.created]).sort()).toEqual([['C1', true], ['C9', true]]);
    const again = await recordNotice(sql, tenant.id, opening);
    expect(again.every((r) => !r.created)).toBe(true);
    expect((await sql`select count(*)::int as n from insolvency_notices where tenant_id = ${tenant.id}`)[0]!.n).toBe(2);

    const closing = parseNotices(SIREN, [record({ id: 'A202500000001', dateparution: '2025-01-20' }, { nature: "Jugement de clôture pour extinction du passif", date: '2025-01-10' })]).notices[0]!;
    await recordNotice(sql, tenant.id, closing);
    const latest = await latestNotice(sql, tenant.id, connection.id, 'C1');
    expect(latest).toMatchObject({ type: 'closing', judgmentDate: '2025-01-10', publicationDate: '2025-01-20', noticeId: 'A202500000001' });
    expect((await noticeHistory(sql, tenant.id, connection.id, 'C1')).map((n) => n.type)).toEqual(['closing', 'opening']);
    expect(await latestNotice(sql, tenant.id, connection.id, 'C2')).toBeNull();

    const b = await newTenant(sql);
    expect(await watchedRegNos(sql, b.tenant.id)).toEqual([]);
    expect(await recordNotice(sql, b.tenant.id, opening)).toEqual([]);
  });

  it('quarantines a refused notice with its reason, and refuses a SIREN that is not 9 digits', async () => {
    const { tenant, connection } = await newTenant(sql);
    const { rejected } = parseNotices(SIREN, [record({ id: 'BAD', jugement: '{' })]);
    await quarantineNotice(sql, tenant.id, 'bodacc', rejected[0]!);
    expect(await quarantinedNotices(sql, tenant.id)).toEqual([{ noticeId: 'BAD', reason: 'jugement: not JSON' }]);
    expect(await quarantinedNotices(sql, (await newTenant(sql)).tenant.id)).toEqual([]);
    await expect(customer(tenant.id, connection.id, 'CX', '552 100 554')).rejects.toThrow(/check/);
  });
});
