// The recovery file from the customer's page, through the real routes: the PDF, JSON and CSV of the claim, the
// hand-off that stops dunning for the invoices it claims, a rate not known yet said on the page (never a guess or a
// 500), and nothing for another company. (Who may hand off is in the role table: test/http/ui/team.test.ts.)
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runEvaluation } from '../../src/collections/run.js';
import { createSite as createUi } from '../../src/http/app.js';
import { Invoice, Payment } from '../../src/model/index.js';
import { listOutbox, listPauses, planActions, upsertDocuments } from '../../src/store/index.js';
import { saveLetter } from '../../src/store/activity.js';
import { strFromU8, unzipSync } from 'fflate';
import { Browser, customer, invoice, seedTenant, uiDeps } from '../http/ui/helpers.js';
import { useDatabase } from '../support/db.js';

const sql = useDatabase();
// Due 10 March 2026, the file made on 20 May 2026: the H1 2026 ECB rate is shipped; on 24 November the H2 one is not.
const early = (id: string, cust: string, amount: string) => Invoice.parse({ ...invoice(id, cust, '2026-10-01', amount), issueDate: '2026-01-10', dueDate: '2026-03-10' });

describe('recovery file from the customer page', () => {
  it('downloads the claim, hands the file off (dunning stops), and says when a rate is missing', async () => {
    const t = await seedTenant(sql, [customer('c1', 'Garage Leroy'), customer('c2', 'Boulangerie Martin')], [early('1', 'c1', '1240.00'), invoice('2', 'c2', '2026-10-15', '450.00')]);
    const other = await seedTenant(sql, [customer('c1', 'Autre')], [early('1', 'c1', '10.00')]);
    const fr = new Browser(createUi(uiDeps(sql, { now: () => new Date('2026-05-20T10:00:00Z') })), { 'accept-language': 'fr-FR' });
    await fr.signIn(t.tenant.id);
    const base = `/customers/${t.connection.id}/c1`;
    expect(await (await fr.request(base)).text()).toContain('data-recovery');

    const pdf = await fr.request(`${base}/recovery.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.from(await pdf.arrayBuffer()) }).toString().replace(/\s+/g, ' ');
    expect(text).toContain('F-1');
    const json = await (await fr.request(`${base}/recovery.json`)).json() as { invoices: { number: string; principalDue: string }[]; totals: { principalDue: string }; handOff: unknown };
    expect(json.invoices.map((i) => [i.number, i.principalDue])).toEqual([['F-1', '1240.00']]);
    expect(json.handOff).toBeNull();
    expect((await (await fr.request(`${base}/recovery.csv`)).text()).split('\r\n')[0]).toBe('invoice_number,issue_date,due_date,currency,amount,paid,principal_due,interest,compensation,total');
    expect((await fr.request(`/customers/${other.connection.id}/c1/recovery.pdf`)).status).toBe(404);

    // The ZIP: the same file and claim, the mise en demeure already sent (with its registered-post number), the history.
    const key = `${t.tenant.id}|inv:1|mise-en-demeure`;
    await planActions(sql, t.tenant.id, [{ idempotencyKey: key, kind: 'letter', dueAt: '2026-04-20T08:00:00Z', connectionId: t.connection.id, payload: { customerExternalId: 'c1', templateId: 'fr.mise-en-demeure', invoices: [{ externalId: '1', number: 'F-1' }] } }]);
    await sql`update outbox set state = 'sent', result = ${sql.json({ registered: true })} where tenant_id = ${t.tenant.id} and idempotency_key = ${key}`;
    await saveLetter(sql, t.tenant.id, { actionKey: key, templateId: 'fr.mise-en-demeure', language: 'fr', formal: true, registered: true, trackingNumber: '1A 234 567 8901 2', sha256: 'ab'.repeat(32), pdf: Buffer.from('%PDF-1.4 mise en demeure') });
    const zip = unzipSync(new Uint8Array(await (await fr.request(`${base}/recovery.zip`)).arrayBuffer()));
    expect(Object.keys(zip).sort()).toEqual(['01-dossier.pdf', '02-decompte.json', '03-decompte.csv', expect.stringMatching(/^04-courriers\/01-\d{4}-\d{2}-\d{2}-fr_mise-en-demeure\.pdf$/), '05-historique-relances.csv', '06-factures/01-F-1-copie.pdf']);
    expect(strFromU8(zip['01-dossier.pdf']!.subarray(0, 5))).toBe('%PDF-');
    expect((JSON.parse(strFromU8(zip['02-decompte.json']!)) as { totals: { principalDue: string } }).totals.principalDue).toBe('1240.00');
    expect(strFromU8(zip['05-historique-relances.csv']!).split('\r\n')[1]).toMatch(/^[^,]+,letter,fr\.mise-en-demeure,yes,1A 234 567 8901 2,1,/);

    // Not overdue yet (c2): no file. In November, a rate not known: the page says so, in French.
    expect((await fr.request(`/customers/${t.connection.id}/c2/recovery.pdf`)).status).toBe(404);
    const later = new Browser(createUi(uiDeps(sql)), { 'accept-language': 'fr-FR' });
    await later.signIn(t.tenant.id);
    const noRate = await later.request(`${base}/recovery.pdf`);
    expect(noRate.headers.get('location')).toContain('recovery=rate_missing');
    expect(await (await later.request(noRate.headers.get('location')!)).text()).toContain('Le taux de référence nécessaire aux intérêts n’est pas encore connu');

    // Planned reminders for the invoice are cancelled by the hand-off, and nothing more is planned for it.
    await runEvaluation(sql, t.tenant.id, t.connection.id, new Date('2026-05-20T10:00:00Z'));
    const plannedFor1 = async () => (await listOutbox(sql, t.tenant.id, { states: ['planned'] })).filter((o) => (o.payload as { invoices?: { externalId: string }[] }).invoices?.some((i) => i.externalId === '1'));
    expect((await plannedFor1()).length).toBeGreaterThan(0);
    const empty = await fr.post(`${base}/recovery/hand-off`, { to: '  ' });
    expect(empty.headers.get('location')).toContain('recovery=to');
    const handed = await fr.post(`${base}/recovery/hand-off`, { to: 'Cabinet Martin, commissaire de justice' });
    expect(handed.headers.get('location')).toContain('msg=handedOff');
    expect(await (await fr.request(handed.headers.get('location')!)).text()).toContain('Dossier remis : les relances sont arrêtées pour ses factures.');
    const holds = (await listPauses(sql, t.tenant.id, { states: ['active'] })).filter((p) => p.kind === 'hold');
    expect(holds.map((p) => [p.customerExternalId, p.invoiceExternalId, p.reason])).toEqual([['c1', '1', 'Dossier de recouvrement remis : Cabinet Martin, commissaire de justice']]);
    expect(await plannedFor1()).toEqual([]);
    await runEvaluation(sql, t.tenant.id, t.connection.id, new Date('2026-05-21T10:00:00Z'));
    expect(await plannedFor1()).toEqual([]);

    // The case: on the customer's page and on the worklist, moved forward with a date and a note, never back.
    const page = await (await fr.request(base)).text();
    expect(page).toContain('data-case="sent"');
    expect(page).toContain('Remis à Cabinet Martin, commissaire de justice le 20 mai 2026 par admin@example.com');
    expect(await (await fr.request('/tasks?view=all')).text()).toContain('data-cases="1"');
    const [k] = await sql<{ id: string }[]>`select id::text from recovery_cases where tenant_id = ${t.tenant.id}`;
    const moved = await fr.post(`/tasks/cases/${k!.id}`, { state: 'order_obtained', on: '2026-06-10', note: 'Ordonnance n° 26/1234' });
    expect(moved.headers.get('location')).toContain('msg=caseUpdated');
    const back = await fr.post(`/tasks/cases/${k!.id}`, { state: 'sent', on: '2026-06-11' });
    expect(back.headers.get('location')).toContain('recovery=case');
    expect((await fr.request(back.headers.get('location')!)).status).toBe(200);
    // A payment received after the hand-off shows on the case, to report to the agency.
    const pay = Payment.parse({ externalId: 'p1', customerExternalId: 'c1', date: '2026-06-15', currency: 'EUR', amount: '200.00', unapplied: '0.00', allocations: [{ invoiceExternalId: '1', amount: '200.00' }] });
    await upsertDocuments(sql, t.scope, 'payment', [{ record: pay, raw: pay }]);
    const withPayment = await (await fr.request(base)).text();
    expect(withPayment).toContain('data-case="order_obtained"');
    expect(withPayment).toContain('Ordonnance n° 26/1234');
    expect(withPayment).toContain('Reçu depuis la remise (à signaler au mandataire) : 200,00');
    // ... and in the agency's export.
    const exported = await (await fr.request(`${base}/recovery.json`)).json() as { handOff: { to: string; state: string; paymentsSince: { amount: string; date: string }[] } | null };
    expect(exported.handOff).toEqual({ to: 'Cabinet Martin, commissaire de justice', on: '2026-05-20', state: 'order_obtained', paymentsSince: [{ date: '2026-06-15', amount: '200.00', currency: 'EUR', invoiceExternalId: '1' }] });
    // Another company cannot move it.
    const outsider = new Browser(createUi(uiDeps(sql)), { 'accept-language': 'fr-FR' });
    await outsider.signIn(other.tenant.id);
    expect((await outsider.post(`/tasks/cases/${k!.id}`, { state: 'closed', on: '2026-06-12' })).status).toBe(404);
  });
});

describe('recovery file from the API', () => {
  it('serves the claim as JSON, CSV or PDF to its own tenant, says 409 when a rate is missing, 404 otherwise', async () => {
    const t = await seedTenant(sql, [customer('c1', 'Garage Leroy')], [early('1', 'c1', '1240.00')]);
    const other = await seedTenant(sql, [customer('c1', 'Autre')], [early('1', 'c1', '10.00')]);
    const token = async (deps: ReturnType<typeof uiDeps>, tenantId: string) => {
      const b = new Browser(createUi(deps));
      await b.signIn(tenantId);
      return /data-testid="new-token">([^<]+)</.exec(await (await b.post('/settings/tokens', { name: 'agency' })).text())![1]!;
    };
    const may = uiDeps(sql, { now: () => new Date('2026-05-20T10:00:00Z') });
    const app = createUi(may);
    const key = await token(may, t.tenant.id);
    const get = (path: string, k = key, a = app) => a.request(path, { headers: { authorization: `Bearer ${k}` } });
    const path = `/api/v1/connections/${t.connection.id}/customers/c1/recovery-file`;
    const j = await get(path);
    expect(j.status).toBe(200);
    const body = await j.json() as { version: number; invoices: { number: string; principalDue: string }[]; totals: { claimed: string } };
    expect(body.version).toBe(1);
    expect(body.invoices.map((i) => [i.number, i.principalDue])).toEqual([['F-1', '1240.00']]);
    expect((await (await get(`${path}?format=csv`)).text()).split('\r\n')[1]).toMatch(/^F-1,2026-01-10,2026-03-10,EUR,1240\.00,/);
    const pdf = await get(`${path}?format=pdf`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    // Another tenant's token: not found. November (no H2 rate): 409 with what to do.
    expect((await get(`/api/v1/connections/${other.connection.id}/customers/c1/recovery-file`)).status).toBe(404);
    const nov = uiDeps(sql);
    const late = await get(path, await token(nov, t.tenant.id), createUi(nov));
    expect(late.status).toBe(409);
    expect((await late.json() as { error: string }).error).toBe('rate_missing');
  });
});
