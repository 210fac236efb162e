// The watch against the BODACC simulator over real HTTP and a real PostgreSQL: a publisher that is down or answers
// garbage stores nothing and the next run catches up; a malformed notice is quarantined with its reason while the good
// one is applied; a rerun stores and pauses nothing twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchTenant } from '../../src/insolvency/watch.js';
import { Customer, Invoice } from '../../src/model/index.js';
import { serveBodacc, simulatedNotice } from '../../src/simulator/bodacc.js';
import { listPauses, upsertDocuments } from '../../src/store/index.js';
import { quarantinedNotices } from '../../src/store/insolvency.js';
import { taskOpener } from '../../src/worklist/open.js';
import { newTenant, useDatabase } from '../support/db.js';

const sql = useDatabase();
const SIREN = '732829320';
let served: Awaited<ReturnType<typeof serveBodacc>>;
beforeAll(async () => { served = await serveBodacc(); });
afterAll(() => served.close());

describe('insolvency watch', () => {
  it('loses nothing while the publisher is down, quarantines a malformed notice, and applies the opening once', async () => {
    const t = await newTenant(sql, 'test');
    const c = Customer.parse({ externalId: 'c1', name: 'Client c1', email: 'c1@example.fr', emails: ['c1@example.fr'], phone: null, language: 'fr', currency: 'EUR', creditLimit: null, tags: [], address: null, externalVersion: '0', updatedAt: '2026-09-01T10:00:00Z' });
    const i = Invoice.parse({ externalId: '1', number: 'F-1', customerExternalId: 'c1', issueDate: '2026-09-01', dueDate: '2026-10-01', currency: 'EUR', total: '500.00', amountDue: '500.00', status: 'open', lines: [{ description: 'Prestation', amount: '500.00' }], externalVersion: '0', updatedAt: '2026-09-01T10:00:00Z' });
    await upsertDocuments(sql, t.scope, 'customer', [{ record: c, raw: c }]);
    await upsertDocuments(sql, t.scope, 'invoice', [{ record: i, raw: i }]);
    await sql`update customers set reg_no = ${SIREN} where tenant_id = ${t.tenant.id}`;
    const sim = served.simulator;
    sim.state.notices[SIREN] = [
      simulatedNotice(SIREN, { id: 'A1', published: '2026-10-20', judged: '2026-10-08', nature: "Jugement d'ouverture d'une procédure de liquidation judiciaire", mandataire: 'Maître Durand, 4 quai Saint-Antoine 69002 Lyon' }),
      { ...simulatedNotice(SIREN, { id: 'A2', published: '2026-10-21', judged: '2026-10-08', nature: 'Rectificatif' }), dateparution: null },
    ];
    const deps = { base: sim.base, openTask: taskOpener(sql) };

    for (const fault of ['down', 'timeout', 'malformed'] as const) {
      sim.state.fault = fault;
      const r = await watchTenant(sql, t.tenant.id, deps);
      expect(r.unavailable).toEqual([{ regNo: SIREN, reason: expect.stringMatching(fault === 'down' ? /503/ : fault === 'timeout' ? /unreachable/ : /page unreadable/) }]);
      expect(r.newNotices).toBe(0);
    }
    expect((await sql`select count(*)::int as n from insolvency_notices where tenant_id = ${t.tenant.id}`)[0]!.n).toBe(0);
    expect(await listPauses(sql, t.tenant.id)).toEqual([]);

    sim.state.fault = null;
    const back = await watchTenant(sql, t.tenant.id, deps);
    expect(back).toMatchObject({ read: 1, newNotices: 1, pausedInvoices: 1, quarantined: 1, unavailable: [] });
    expect(await quarantinedNotices(sql, t.tenant.id)).toEqual([{ noticeId: 'A2', reason: expect.stringMatching(/^dateparution:/) }]);
    const [task] = await sql<{ due_on: string; detail: { mandataire: string } }[]>`select due_on::text, detail from tasks where tenant_id = ${t.tenant.id} and kind = 'declare_claim'`;
    expect(task!.due_on).toBe('2026-12-20');
    expect(task!.detail.mandataire).toBe('Maître Durand, 4 quai Saint-Antoine 69002 Lyon');

    const rerun = await watchTenant(sql, t.tenant.id, deps);
    expect(rerun).toMatchObject({ read: 1, newNotices: 0, pausedInvoices: 0, quarantined: 0 });
    expect(await quarantinedNotices(sql, t.tenant.id)).toHaveLength(1);
    expect(await listPauses(sql, t.tenant.id)).toHaveLength(1);
    expect(sim.state.requests).toBe(5);
  });
});
