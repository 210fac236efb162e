// The scheduled watch against a real PostgreSQL and the BODACC simulator over real HTTP: a demo company reads its own
// simulated publisher and a real company with the same SIREN is never touched by it; the run after a sync reads only
// the SIRENs never read; the claim-declaration task is reminded once per threshold (30, 14, 3 days before), a missed
// day still reminds, and a task done is left alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remindClaimDeadlines, runInsolvencyJob } from '../../src/insolvency/job.js';
import { DEMO_NOTICE_PREFIX, demoNotices } from '../../src/demo/insolvency.js';
import { Customer, Invoice, addDays } from '../../src/model/index.js';
import { serveBodacc, simulatedNotice } from '../../src/simulator/bodacc.js';
import { createConnection, listOutbox, listPauses, upsertDocuments } from '../../src/store/index.js';
import { taskOpener } from '../../src/worklist/open.js';
import { newTenant, useDatabase } from '../support/db.js';

const sql = useDatabase();
const SIREN = '732829320';
const OTHER = '552100554';

const customer = (id: string): Customer => Customer.parse({
  externalId: id, name: `Client ${id}`, email: `${id}@example.fr`, emails: [`${id}@example.fr`], phone: null, language: 'fr', currency: 'EUR',
  creditLimit: null, tags: [], address: null, externalVersion: '0', updatedAt: '2026-09-01T10:00:00Z',
});
const invoice = (id: string, customerId: string, issueDate: string, amountDue: string): Invoice => Invoice.parse({
  externalId: id, number: `F-${id}`, customerExternalId: customerId, issueDate, dueDate: addDays(issueDate, 30), currency: 'EUR',
  total: amountDue, amountDue, status: 'open', lines: [{ description: 'Prestation', amount: amountDue }], externalVersion: '0', updatedAt: '2026-09-01T10:00:00Z',
});

let served: Awaited<ReturnType<typeof serveBodacc>>;
beforeAll(async () => { served = await serveBodacc(); });
afterAll(() => served.close());

async function seed(scope: { tenantId: string; connectionId: string; provider: string }, regNos: Record<string, string>) {
  const ids = Object.keys(regNos);
  await upsertDocuments(sql, scope, 'customer', ids.map((id) => ({ record: customer(id), raw: customer(id) })));
  const invoices = ids.map((id, n) => invoice(`${id}-1`, id, addDays('2026-01-05', n), '410.50'));
  await upsertDocuments(sql, scope, 'invoice', invoices.map((r) => ({ record: r, raw: r })));
  for (const [id, reg] of Object.entries(regNos)) await sql`update customers set reg_no = ${reg} where tenant_id = ${scope.tenantId} and connection_id = ${scope.connectionId} and external_id = ${id}`;
}

describe('insolvency job', () => {
  it('serves a demo company its simulated notice, and never applies it to a real company with the same SIREN', async () => {
    const t = await newTenant(sql, 'test');
    await seed(t.scope, { real1: SIREN });
    const demo = await createConnection(sql, t.tenant.id, { provider: 'test', settings: { demo: { provider: 'test', seed: 7, customers: 2, invoices: 2, creditNotes: 0, port: 1 } } });
    const demoScope = { tenantId: t.tenant.id, connectionId: demo.id, provider: 'test' };
    await seed(demoScope, { d1: SIREN, d2: OTHER });
    // The real company reads the (empty) simulated publisher standing in for the real BODACC.
    const r = await runInsolvencyJob(sql, t.tenant.id, { openTask: taskOpener(sql), base: served.simulator.base, today: '2026-12-06' });
    expect(r).toMatchObject({ read: 3, newNotices: 1, pausedInvoices: 1, unavailable: [] });

    const notices = await sql<{ connection_id: string; customer_external_id: string; notice_id: string; judgment_date: string; publication_date: string }[]>`
      select connection_id::text, customer_external_id, notice_id, judgment_date::text, publication_date::text from insolvency_notices where tenant_id = ${t.tenant.id}`;
    const [created] = await sql<{ d: string }[]>`select (created_at at time zone 'UTC')::date::text as d from connections where id = ${demo.id}`;
    expect(notices).toEqual([{ connection_id: demo.id, customer_external_id: 'd1', notice_id: `${DEMO_NOTICE_PREFIX}${SIREN}`, judgment_date: addDays(created!.d, -12), publication_date: addDays(created!.d, -5) }]);
    expect((await listPauses(sql, t.tenant.id, { states: ['active'] })).map((p) => [p.connectionId, p.invoiceExternalId])).toEqual([[demo.id, 'd1-1']]);

    // The story does not move: the same SIREN is served on the next run even once its invoice is paid.
    await sql`update invoices set status = 'paid', amount_due = 0 where tenant_id = ${t.tenant.id} and connection_id = ${demo.id}`;
    expect(Object.keys(await demoNotices(sql, t.tenant.id, demo.id))).toEqual([SIREN]);
    const again = await runInsolvencyJob(sql, t.tenant.id, { openTask: taskOpener(sql), base: served.simulator.base, today: '2026-12-06' });
    expect(again).toMatchObject({ newNotices: 0, pausedInvoices: 0 });
  });

  it('after a sync reads only the SIRENs never read; a publisher down leaves them unread for the retry', async () => {
    const t = await newTenant(sql, 'test');
    await seed(t.scope, { a: SIREN });
    const sim = served.simulator;
    const job = (unchecked: boolean) => runInsolvencyJob(sql, t.tenant.id, { openTask: taskOpener(sql), base: sim.base, unchecked, today: '2026-12-06' });
    const before = sim.state.requests;
    expect((await job(true)).read).toBe(1);
    expect((await job(true)).read).toBe(0); // already read: nothing asked
    await seed(t.scope, { b: OTHER }); // a customer new since the last run
    sim.state.fault = 'down';
    const down = await job(true);
    expect(down.unavailable).toEqual([{ regNo: OTHER, reason: expect.stringMatching(/503/) }]);
    sim.state.fault = null;
    expect((await job(true)).read).toBe(1); // the retry reads what the publisher did not answer for
    expect((await job(false)).read).toBe(2); // the daily run reads everything
    expect(sim.state.requests - before).toBe(5);
  });

  it('reminds a claim-declaration task once per threshold, catches a missed day, and leaves a done task alone', async () => {
    const t = await newTenant(sql, 'test');
    await seed(t.scope, { a: SIREN, b: OTHER });
    sim(SIREN, 'A202600000101', '2026-11-20', '2026-11-10');
    sim(OTHER, 'A202600000102', '2026-11-20', '2026-11-10');
    await runInsolvencyJob(sql, t.tenant.id, { openTask: taskOpener(sql), base: served.simulator.base, today: '2026-11-21' });
    const tasks = await sql<{ id: string; customer_external_id: string; due_on: string }[]>`select id::text, customer_external_id, due_on::text from tasks where tenant_id = ${t.tenant.id} and kind = 'declare_claim' order by customer_external_id`;
    expect(tasks.map((x) => x.due_on)).toEqual(['2027-01-20', '2027-01-20']);
    await sql`update tasks set state = 'done' where id = ${tasks[1]!.id}`;

    const alerts = async () => (await listOutbox(sql, t.tenant.id, { limit: 100 })).filter((o) => o.kind === 'alert' && (o.payload as { kind: string }).kind === 'claim_deadline').map((o) => o.payload as { customerExternalId: string; data: { threshold: number; daysLeft: number }; severity: string });
    const at = (day: string) => remindClaimDeadlines(sql, t.tenant.id, day, new Date(`${day}T07:00:00Z`));
    expect(await at('2026-12-20')).toBe(0); // 31 days left
    expect(await at('2026-12-21')).toBe(1); // 30 days left
    expect(await at('2026-12-22')).toBe(0); // already said
    expect(await at('2027-01-07')).toBe(1); // 13 days left: the 14-day run was missed, said the day after
    expect(await at('2027-01-17')).toBe(1); // 3 days left
    expect(await at('2027-01-20')).toBe(0);
    expect(await at('2027-01-21')).toBe(0); // past the deadline: the worklist shows it overdue
    const said = await alerts();
    expect(said.map((a) => [a.customerExternalId, a.data.threshold, a.data.daysLeft, a.severity])).toEqual([['a', 30, 30, 'warning'], ['a', 14, 13, 'warning'], ['a', 3, 3, 'critical']]);
  });
});

function sim(siren: string, id: string, published: string, judged: string) {
  served.simulator.state.notices[siren] = [simulatedNotice(siren, { id, published, judged, nature: "Jugement d'ouverture d'une procédure de sauvegarde", mandataire: 'Maître Ober, 3 rue de la Paix 75002 Paris' })];
}
