// The watch with both publishers, against a real PostgreSQL and the BODACC and Companies House simulators over real
// HTTP: in one connection a SIREN goes to the BODACC and a UK company number to Companies House (each asked once, for
// its own number), the UK opening pauses the pre-case invoices and opens a proof-of-debt task while the French task
// keeps its two months; without a key the UK number is skipped and said, never asked, and read once a key is set; after
// a 429 the remaining UK numbers wait, unasked; a demo company's UK customer gets its simulated administration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remindClaimDeadlines, runInsolvencyJob } from '../../src/insolvency/job.js';
import { NO_COMPANIES_HOUSE_KEY, watchConnection } from '../../src/insolvency/watch.js';
import { claimDue, ukProofDue } from '../../src/insolvency/effects.js';
import { Customer, Invoice, addDays } from '../../src/model/index.js';
import { serveBodacc, simulatedNotice } from '../../src/simulator/bodacc.js';
import { serveCompaniesHouse, simulatedCase } from '../../src/simulator/companies-house.js';
import { createConnection, listOutbox, listPauses, upsertDocuments } from '../../src/store/index.js';
import { customersUnderProceedings, quarantinedNotices } from '../../src/store/insolvency.js';
import { taskOpener } from '../../src/worklist/open.js';
import { newTenant, useDatabase } from '../support/db.js';

const sql = useDatabase();
const SIREN = '732829320';
const UK = '01234567';
const UK2 = 'SC654321';

let bodacc: Awaited<ReturnType<typeof serveBodacc>>;
let ch: Awaited<ReturnType<typeof serveCompaniesHouse>>;
beforeAll(async () => {
  bodacc = await serveBodacc({
    [SIREN]: [simulatedNotice(SIREN, { id: 'A202600000900', published: '2026-10-27', judged: '2026-10-15', nature: "Jugement d'ouverture d'une procédure de redressement judiciaire", mandataire: 'Maître Durand, Lyon' })],
  });
  ch = await serveCompaniesHouse({
    [UK]: [simulatedCase({ number: 1, type: 'in-administration', dates: [{ type: 'administration-started-on', date: '2026-10-10' }], practitioners: [{ name: 'Jane Smith', appointed_on: '2026-10-10' }] })],
  });
});
afterAll(async () => { await bodacc.close(); await ch.close(); });

const customer = (id: string, language = 'fr'): Customer => Customer.parse({
  externalId: id, name: `Client ${id}`, email: `${id}@example.com`, emails: [`${id}@example.com`], phone: null, language, currency: 'EUR',
  creditLimit: null, tags: [], address: null, externalVersion: '0', updatedAt: '2026-09-01T10:00:00Z',
});
const invoice = (id: string, customerId: string, issueDate: string): Invoice => Invoice.parse({
  externalId: id, number: `F-${id}`, customerExternalId: customerId, issueDate, dueDate: addDays(issueDate, 30), currency: 'EUR',
  total: '250.00', amountDue: '250.00', status: 'open', lines: [{ description: 'Service', amount: '250.00' }], externalVersion: '0', updatedAt: '2026-09-01T10:00:00Z',
});

async function seed(scope: { tenantId: string; connectionId: string; provider: string }, regNos: Record<string, string>) {
  const ids = Object.keys(regNos);
  await upsertDocuments(sql, scope, 'customer', ids.map((id) => ({ record: customer(id), raw: customer(id) })));
  const invoices = ids.flatMap((id) => [invoice(`${id}-1`, id, '2026-09-01'), invoice(`${id}-2`, id, '2026-10-20')]);
  await upsertDocuments(sql, scope, 'invoice', invoices.map((r) => ({ record: r, raw: r })));
  for (const [id, reg] of Object.entries(regNos)) await sql`update customers set reg_no = ${reg} where tenant_id = ${scope.tenantId} and connection_id = ${scope.connectionId} and external_id = ${id}`;
}

const tasksOf = (tenantId: string) => sql<{ customer_external_id: string; due_on: string; title: string; detail: Record<string, unknown>; invoice_external_ids: string[] }[]>`
  select customer_external_id, due_on::text, title, detail, invoice_external_ids from tasks where tenant_id = ${tenantId} and kind = 'declare_claim' order by customer_external_id`;

describe('insolvency watch, France and the UK', () => {
  it('sends the SIREN to the BODACC and the UK number to Companies House, and each opening has its own claim task', async () => {
    const t = await newTenant(sql, 'test');
    await seed(t.scope, { fr: SIREN, uk: UK });
    const before = { bodacc: bodacc.simulator.state.requests, ch: ch.simulator.state.asked.length };
    const r = await watchConnection(sql, t.tenant.id, t.connection.id, {
      base: bodacc.simulator.base, companiesHouse: { base: ch.simulator.base, apiKey: ch.simulator.apiKey, intervalMs: 0 }, openTask: taskOpener(sql),
    });
    expect(r).toMatchObject({ read: 2, newNotices: 2, pausedInvoices: 2, quarantined: 0, unavailable: [], skipped: [] });
    expect(bodacc.simulator.state.requests - before.bodacc).toBe(1);
    expect(ch.simulator.state.asked.slice(before.ch)).toEqual([UK]);

    const notices = await sql<{ customer_external_id: string; source: string; type: string; judgment_date: string; mandataire: string | null }[]>`
      select customer_external_id, source, type, judgment_date::text, mandataire from insolvency_notices where tenant_id = ${t.tenant.id} order by customer_external_id`;
    expect(notices).toEqual([
      { customer_external_id: 'fr', source: 'bodacc', type: 'opening', judgment_date: '2026-10-15', mandataire: 'Maître Durand, Lyon' },
      { customer_external_id: 'uk', source: 'companies_house', type: 'opening', judgment_date: '2026-10-10', mandataire: 'Jane Smith (practitioner), 1 Simulated Street, London, EC1A 1AA' },
    ]);
    // Invoices issued before the judgment (or the case's start) are paused; those issued after keep their policy.
    const paused = (await listPauses(sql, t.tenant.id, { states: ['active'] })).map((p) => [p.invoiceExternalId, p.startsOn, p.reason.split(':')[0]]).sort();
    expect(paused).toEqual([['fr-1', '2026-10-15', 'BODACC A202600000900'], ['uk-1', '2026-10-10', 'Companies House 01234567-1-administration-started-on']]);

    const [fr, uk] = await tasksOf(t.tenant.id);
    expect(fr).toMatchObject({ due_on: '2026-12-27', title: 'Déclarer la créance au mandataire (A202600000900)', invoice_external_ids: ['fr-1'] });
    expect(fr!.detail).not.toHaveProperty('claim');
    const learnt = new Date().toISOString().slice(0, 10);
    expect(uk).toMatchObject({ due_on: ukProofDue('2026-10-10', learnt), title: 'Send a proof of debt to the office-holder (01234567-1-administration-started-on)', invoice_external_ids: ['uk-1'] });
    expect(uk!.detail).toMatchObject({ claim: 'proof_of_debt', caseStartedOn: '2026-10-10', officeHolder: expect.stringMatching(/^Jane Smith/) });

    // A rerun asks again and stores nothing twice.
    const again = await watchConnection(sql, t.tenant.id, t.connection.id, { base: bodacc.simulator.base, companiesHouse: { base: ch.simulator.base, apiKey: ch.simulator.apiKey, intervalMs: 0 }, openTask: taskOpener(sql) });
    expect(again).toMatchObject({ read: 2, newNotices: 0, pausedInvoices: 0 });
  });

  it('without a key skips the UK number and says what to set, still reads the SIREN, and reads the UK number once a key is set', async () => {
    const t = await newTenant(sql, 'test');
    await seed(t.scope, { fr: SIREN, uk: UK });
    const asked = ch.simulator.state.asked.length;
    const job = (apiKey: string | null) => runInsolvencyJob(sql, t.tenant.id, {
      openTask: taskOpener(sql), base: bodacc.simulator.base, companiesHouse: { base: ch.simulator.base, apiKey, intervalMs: 0 }, unchecked: true, today: '2026-11-02',
    });
    const r = await job(null);
    expect(r).toMatchObject({ read: 1, newNotices: 1, unavailable: [], skipped: [{ regNo: UK, reason: NO_COMPANIES_HOUSE_KEY }] });
    expect(NO_COMPANIES_HOUSE_KEY).toMatch(/set COMPANIES_HOUSE_API_KEY/);
    expect(ch.simulator.state.asked.length).toBe(asked);
    // Not marked read: the run after a sync with a key reads it.
    const withKey = await job(ch.simulator.apiKey);
    expect(withKey).toMatchObject({ read: 1, newNotices: 1, skipped: [] });
    expect(ch.simulator.state.asked.slice(asked)).toEqual([UK]);
  });

  it('after a 429 leaves the remaining UK numbers unasked and unavailable, and a malformed case goes to the quarantine', async () => {
    const limited = await serveCompaniesHouse({
      [UK2]: [{ type: 'in-administration', number: '1', dates: [{ type: 'administration-started-on', date: 'soon' }], practitioners: [] }],
    }, { limit: 1 });
    try {
      const t = await newTenant(sql, 'test');
      await seed(t.scope, { a: '00000001', b: UK2, c: '00000003' });
      const deps = { openTask: taskOpener(sql), companiesHouse: { base: limited.simulator.base, apiKey: limited.simulator.apiKey, intervalMs: 0 } };
      const r = await watchConnection(sql, t.tenant.id, t.connection.id, deps);
      // In order: 00000001 is asked (404: no history), 00000003 gets 429, SC654321 is not asked at all.
      expect(r.read).toBe(1);
      expect(r.unavailable.map((u) => [u.regNo, /429/.test(u.reason), /not asked/.test(u.reason)])).toEqual([['00000003', true, false], [UK2, true, true]]);
      expect(limited.simulator.state.requests).toBe(2);
      expect(await quarantinedNotices(sql, t.tenant.id)).toEqual([]);

      // The period over, the run after a sync reads what was left, and only that.
      limited.simulator.state.window = null;
      limited.simulator.state.limit = 10;
      const next = await watchConnection(sql, t.tenant.id, t.connection.id, { ...deps, unchecked: true });
      expect(next).toMatchObject({ read: 2, quarantined: 1, unavailable: [] });
      expect(limited.simulator.state.asked).toEqual(['00000001', '00000003', UK2]);
      expect(await quarantinedNotices(sql, t.tenant.id)).toEqual([{ noticeId: 'SC654321-1', reason: 'dates.0.date: not a YYYY-MM-DD date' }]);
    } finally {
      await limited.close();
    }
  });

  it('reminds the UK proof of debt in its own words (no French bar), the French claim as before, and says both dates alike to the pages', async () => {
    const t = await newTenant(sql, 'test');
    await seed(t.scope, { fr: SIREN, uk: UK });
    await watchConnection(sql, t.tenant.id, t.connection.id, { base: bodacc.simulator.base, companiesHouse: { base: ch.simulator.base, apiKey: ch.simulator.apiKey, intervalMs: 0 }, openTask: taskOpener(sql) });
    const [fr, uk] = await tasksOf(t.tenant.id);
    // The dashboard's rows carry what claimDue needs, and it gives each task's own date.
    const rows = await customersUnderProceedings(sql, t.tenant.id);
    expect(rows.map((r) => [r.customerExternalId, r.source, claimDue(r)]).sort()).toEqual([['fr', 'bodacc', fr!.due_on], ['uk', 'companies_house', uk!.due_on]]);

    // A day when both are within 30 days of their date.
    const day = addDays(fr!.due_on < uk!.due_on ? fr!.due_on : uk!.due_on, -1);
    expect(await remindClaimDeadlines(sql, t.tenant.id, day, new Date(`${day}T07:00:00Z`))).toBe(2);
    const said = (await listOutbox(sql, t.tenant.id, { limit: 100 })).filter((o) => o.kind === 'alert').map((o) => o.payload as { customerExternalId: string; message: string }).sort((a, b) => a.customerExternalId.localeCompare(b.customerExternalId));
    expect(said[0]!.message).toMatch(/must be declared to the mandataire by 2026-12-27 .*R622-24\). Past that date the claim is barred/);
    expect(said[1]!.message).toMatch(new RegExp(`^Send the proof of debt against Client uk to the office-holder by ${uk!.due_on} .*notice of intended dividend .*r14\\.29\\)\\.$`));
    expect(said[1]!.message).not.toMatch(/mandataire|R622|barred/);
  });

  it('paces its requests to Companies House, 500 ms apart (600 per 5 minutes) across watches running at once', async () => {
    const a = await newTenant(sql, 'test');
    const b = await newTenant(sql, 'test');
    await seed(a.scope, { a1: '00000011', a2: '00000012' });
    await seed(b.scope, { b1: '00000013', b2: '00000014' });
    const deps = { openTask: taskOpener(sql), companiesHouse: { base: ch.simulator.base, apiKey: ch.simulator.apiKey } };
    const started = Date.now();
    const [ra, rb] = await Promise.all([watchConnection(sql, a.tenant.id, a.connection.id, deps), watchConnection(sql, b.tenant.id, b.connection.id, deps)]);
    expect(ra.read + rb.read).toBe(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500); // four requests, three waits
  });

  it('serves a demo company its simulated administration for a UK customer, next to the French opening', async () => {
    const t = await newTenant(sql, 'test');
    const demo = await createConnection(sql, t.tenant.id, { provider: 'test', settings: { demo: { provider: 'test', seed: 7, customers: 2, invoices: 2, creditNotes: 0, port: 1 } } });
    const scope = { tenantId: t.tenant.id, connectionId: demo.id, provider: 'test' };
    const [created] = await sql<{ d: string }[]>`select (created_at at time zone 'UTC')::date::text as d from connections where id = ${demo.id}`;
    const ids = { fr: SIREN, uk: UK2, uk2: UK };
    await upsertDocuments(sql, scope, 'customer', Object.keys(ids).map((id) => ({ record: customer(id), raw: customer(id) })));
    const invoices = Object.keys(ids).map((id) => invoice(`${id}-1`, id, addDays(created!.d, -40)));
    await upsertDocuments(sql, scope, 'invoice', invoices.map((r) => ({ record: r, raw: r })));
    for (const [id, reg] of Object.entries(ids)) await sql`update customers set reg_no = ${reg} where tenant_id = ${t.tenant.id} and connection_id = ${demo.id} and external_id = ${id}`;
    // No key given for real companies: the demo reads its own simulator with its own key.
    const r = await runInsolvencyJob(sql, t.tenant.id, { openTask: taskOpener(sql), today: created!.d });
    expect(r).toMatchObject({ read: 3, newNotices: 2, pausedInvoices: 2, unavailable: [], skipped: [] });
    const notices = await sql<{ customer_external_id: string; source: string; type: string; judgment_date: string }[]>`
      select customer_external_id, source, type, judgment_date::text from insolvency_notices where tenant_id = ${t.tenant.id} order by customer_external_id`;
    expect(notices).toEqual([
      { customer_external_id: 'fr', source: 'bodacc', type: 'opening', judgment_date: addDays(created!.d, -12) },
      // The first UK customer by id ('uk', SC654321) gets the administration; 'uk2' is read and has no history.
      { customer_external_id: 'uk', source: 'companies_house', type: 'opening', judgment_date: addDays(created!.d, -12) },
    ]);
    const [, uk] = await tasksOf(t.tenant.id);
    expect(uk).toMatchObject({ title: expect.stringMatching(/^Send a proof of debt/), detail: expect.objectContaining({ officeHolder: expect.stringMatching(/Alex Morgan \(simulated\)/) }) });
  });
});
