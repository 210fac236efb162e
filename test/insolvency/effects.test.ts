// The effects of a BODACC notice against a real PostgreSQL and the real evaluator: an opening judgment pauses the
// pre-judgment invoices of every customer carrying the SIREN (the run plans nothing for them, and still plans for an
// invoice issued after the judgment), opens a "declare the claim" task due on publication + 2 months (R622-24), and a
// closing notice updates the pauses, which stay for the team to decide.
import { describe, expect, it } from 'vitest';
import { runEvaluation, previewConnection } from '../../src/collections/run.js';
import { parseNotices } from '../../src/insolvency/bodacc.js';
import { addMonths, applyNotice, claimDeadline } from '../../src/insolvency/effects.js';
import { Customer, Invoice } from '../../src/model/index.js';
import { listOutbox, listPauses, pauseHistory, upsertDocuments } from '../../src/store/index.js';
import { customersUnderProceedings, latestNotice, recordNotice } from '../../src/store/insolvency.js';
import { taskOpener } from '../../src/worklist/open.js';
import { newTenant, useDatabase } from '../support/db.js';
import { SIREN, record } from './fixtures.js';

const sql = useDatabase();

const customer = (id: string): Customer => Customer.parse({
  externalId: id, name: `Client ${id}`, email: `${id}@example.fr`, emails: [`${id}@example.fr`], phone: null, language: 'fr', currency: 'EUR',
  creditLimit: null, tags: [], address: null, externalVersion: '0', updatedAt: '2026-09-01T10:00:00Z',
});
const invoice = (id: string, customerId: string, issueDate: string, dueDate: string, amountDue: string): Invoice => Invoice.parse({
  externalId: id, number: `F-${id}`, customerExternalId: customerId, issueDate, dueDate, currency: 'EUR',
  total: amountDue, amountDue, status: 'open', lines: [{ description: 'Prestation', amount: amountDue }], externalVersion: '0', updatedAt: '2026-09-01T10:00:00Z',
});
const at = (day: string) => new Date(`${day}T10:00:00Z`);

// Judgment on 2026-10-15, published in the BODACC on 2026-10-27.
const opening = record({ id: 'A202600000042', dateparution: '2026-10-27' }, { date: '2026-10-15' });
const closing = record({ id: 'A202700000007', dateparution: '2027-03-02' }, { nature: "Jugement de clôture pour insuffisance d'actif", date: '2027-02-20', complementJugement: '' });

describe('insolvency effects', () => {
  it('computes the claim deadline as publication + 2 calendar months', () => {
    expect(claimDeadline('2026-10-27')).toBe('2026-12-27');
    expect(addMonths('2026-12-31', 2)).toBe('2027-02-28');
    expect(addMonths('2027-12-31', 2)).toBe('2028-02-29');
  });

  it('pauses pre-judgment invoices of every customer with the SIREN, keeps later ones, opens the task, and a closing updates the pauses', async () => {
    const t = await newTenant(sql, 'test');
    await upsertDocuments(sql, t.scope, 'customer', [customer('c1'), customer('c2'), customer('c3')].map((r) => ({ record: r, raw: r })));
    await upsertDocuments(sql, t.scope, 'invoice', [
      invoice('1', 'c1', '2026-09-01', '2026-11-10', '1240.00'), // before the judgment
      invoice('5', 'c1', '2026-10-20', '2026-11-10', '300.00'), // after the judgment: keeps the policy
      invoice('2', 'c2', '2026-09-15', '2026-11-10', '80.00'), // second customer with the same SIREN
      invoice('3', 'c3', '2026-09-01', '2026-11-10', '50.00'), // another company: untouched
    ].map((r) => ({ record: r, raw: r })));
    await sql`update customers set reg_no = ${SIREN} where tenant_id = ${t.tenant.id} and external_id in ('c1', 'c2')`;

    const stored = await recordNotice(sql, t.tenant.id, parseNotices(SIREN, [opening]).notices[0]!);
    expect(stored.map((s) => s.notice.customerExternalId).sort()).toEqual(['c1', 'c2']);
    const openTask = taskOpener(sql);
    const effects = [];
    for (const s of stored) effects.push(await applyNotice(sql, t.tenant.id, s.notice, { openTask, actor: 'relance' }));
    expect(effects.flatMap((e) => e.pausedInvoices).sort()).toEqual(['1', '2']);
    // Applying the same notice again opens nothing twice.
    for (const s of stored) await applyNotice(sql, t.tenant.id, s.notice, { openTask, actor: 'relance' });
    const pauses = await listPauses(sql, t.tenant.id, { states: ['active'] });
    expect(pauses.map((p) => [p.customerExternalId, p.invoiceExternalId, p.kind, p.startsOn]).sort()).toEqual([['c1', '1', 'insolvency', '2026-10-15'], ['c2', '2', 'insolvency', '2026-10-15']]);
    expect(pauses[0]!.reason).toMatch(/^BODACC A202600000042: opening judgment of 2026-10-15, TRIBUNAL DE COMMERCE DE LYON, published 2026-10-27; mandataire SELARL MJ Synergie/);

    const tasks = await sql<{ customer_external_id: string; kind: string; due_on: string; invoice_external_ids: string[] }[]>`
      select customer_external_id, kind, due_on::text, invoice_external_ids from tasks where tenant_id = ${t.tenant.id} order by customer_external_id`;
    expect(tasks.map((x) => [x.customer_external_id, x.kind, x.due_on, x.invoice_external_ids])).toEqual([
      ['c1', 'declare_claim', '2026-12-27', ['1']],
      ['c2', 'declare_claim', '2026-12-27', ['2']],
    ]);

    // The preview and the run: nothing for invoices 1 and 2, the usual reminder for 5 (after the judgment) and 3.
    const ahead = await previewConnection(sql, t.tenant.id, t.connection.id, 10, at('2026-11-24'));
    const previewed = new Set(ahead.days.flatMap((d) => d.actions.flatMap((a) => a.invoices.map((i) => i.externalId))));
    expect([...previewed].sort()).toEqual(['3', '5']);
    // ... each with its reason, said once on the first day rather than every day the pause lasts.
    const held = ahead.days.flatMap((d) => d.held.filter((h) => h.why.code === 'paused').map((h) => [d.date, h.invoiceExternalId, h.why]));
    expect(held).toEqual([
      ['2026-11-24', '1', { code: 'paused', pause: 'insolvency', since: '2026-10-15', until: null, by: 'relance' }],
      ['2026-11-24', '2', { code: 'paused', pause: 'insolvency', since: '2026-10-15', until: null, by: 'relance' }],
    ]);
    await runEvaluation(sql, t.tenant.id, t.connection.id, at('2026-11-24'));
    const planned = (await listOutbox(sql, t.tenant.id)).filter((o) => o.kind !== 'alert')
      .map((o) => (o.payload as { invoices: { externalId: string }[] }).invoices[0]?.externalId).sort();
    expect(planned).toEqual(['3', '5']);

    // A closing notice: the pauses stay for the team to decide, with the notice in their reason and history.
    const closed = await recordNotice(sql, t.tenant.id, parseNotices(SIREN, [closing]).notices[0]!);
    let updated = 0;
    for (const s of closed) updated += (await applyNotice(sql, t.tenant.id, s.notice, { openTask, actor: 'relance' })).updatedPauses;
    expect(updated).toBe(2);
    const after = await listPauses(sql, t.tenant.id, { states: ['active'] });
    expect(after).toHaveLength(2);
    expect(after.every((p) => p.reason.startsWith('BODACC A202700000007: closing judgment of 2027-02-20'))).toBe(true);
    expect((await pauseHistory(sql, t.tenant.id, after[0]!.id)).map((h) => h.event)).toEqual(['opened', 'notice_closing']);
  });

  it('a correction of the opening opens no second task and keeps the first deadline; a withdrawal keeps the pauses for the team, and the latest notice wins', async () => {
    const t = await newTenant(sql, 'test');
    await upsertDocuments(sql, t.scope, 'customer', [customer('c1')].map((r) => ({ record: r, raw: r })));
    await upsertDocuments(sql, t.scope, 'invoice', [invoice('1', 'c1', '2026-09-01', '2026-11-10', '1240.00'), invoice('2', 'c1', '2026-10-01', '2026-11-30', '310.00')].map((r) => ({ record: r, raw: r })));
    await sql`update customers set reg_no = ${SIREN} where tenant_id = ${t.tenant.id}`;
    const openTask = taskOpener(sql);
    const apply = async (rec: Record<string, unknown>) => {
      const parsed = parseNotices(SIREN, [rec]);
      expect(parsed.rejected).toEqual([]);
      const out = [];
      for (const s of await recordNotice(sql, t.tenant.id, parsed.notices[0]!)) out.push({ kind: s.notice.kind, ...(await applyNotice(sql, t.tenant.id, s.notice, { openTask, actor: 'relance' })) });
      return out;
    };
    expect(await apply(opening)).toMatchObject([{ kind: 'initial', pausedInvoices: ['1', '2'], taskOpened: true }]);
    // The same judgment republished as a correction a week later.
    const corrected = await apply({ ...opening, id: 'A202600000050', dateparution: '2026-11-03', typeavis: 'rectificatif', typeavis_lib: 'Avis rectificatif' });
    expect(corrected).toMatchObject([{ kind: 'correction', pausedInvoices: [] }]);
    const tasks = await sql<{ due_on: string }[]>`select due_on::text from tasks where tenant_id = ${t.tenant.id} and kind = 'declare_claim'`;
    expect(tasks.map((x) => x.due_on)).toEqual(['2026-12-27']);
    // Then the notice is withdrawn: nothing resumes by itself; the pauses say so and the team decides.
    const withdrawn = await apply({ ...opening, id: 'A202600000061', dateparution: '2026-11-10', typeavis: 'annulation', typeavis_lib: "Avis d'annulation" });
    expect(withdrawn).toMatchObject([{ kind: 'withdrawal', pausedInvoices: [], taskOpened: false, updatedPauses: 2 }]);
    const pauses = await listPauses(sql, t.tenant.id, { states: ['active'] });
    expect(pauses.map((p) => p.reason.slice(0, 70))).toEqual(Array(2).fill('BODACC A202600000061: withdrawal of the opening judgment of 2026-10-15'));
    expect((await pauseHistory(sql, t.tenant.id, pauses[0]!.id)).map((h) => h.event)).toEqual(['opened', 'notice_withdrawal']);
    expect((await latestNotice(sql, t.tenant.id, t.connection.id, 'c1'))!.kind).toBe('withdrawal');
    expect((await customersUnderProceedings(sql, t.tenant.id)).map((u) => u.publicationDate)).toEqual(['2026-10-27']);
  });
});
