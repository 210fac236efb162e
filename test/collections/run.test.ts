// The evaluation run against a real PostgreSQL: facts in, outbox rows out, idempotent across re-runs, pauses stored with history.
import { describe, expect, it } from 'vitest';
import { previewConnection, runEvaluation } from '../../src/collections/run.js';
import { Customer, Invoice } from '../../src/model/index.js';
import { closePause, listOutbox, listPauses, openPause, pauseHistory, upsertDocuments } from '../../src/store/index.js';
import { newTenant, useDatabase } from '../support/db.js';

const sql = useDatabase();

const customer = (id: string): Customer => Customer.parse({
  externalId: id, name: `Client ${id}`, email: `${id}@example.fr`, emails: [`${id}@example.fr`], phone: null, language: 'fr', currency: 'EUR',
  creditLimit: null, tags: [], address: null, externalVersion: '0', updatedAt: '2026-09-01T10:00:00Z',
});

const invoice = (id: string, customerId: string, dueDate: string, amountDue: string, patch: Partial<Invoice> = {}): Invoice => Invoice.parse({
  externalId: id, number: `F-${id}`, customerExternalId: customerId, issueDate: '2026-09-01', dueDate, currency: 'EUR',
  total: amountDue, amountDue, status: 'open', lines: [{ description: 'Prestation', amount: amountDue }], externalVersion: '0', updatedAt: '2026-09-01T10:00:00Z',
  ...patch,
});

async function seed(rows: { customers: Customer[]; invoices: Invoice[] }) {
  const t = await newTenant(sql, 'test');
  await upsertDocuments(sql, t.scope, 'customer', rows.customers.map((record) => ({ record, raw: record })));
  await upsertDocuments(sql, t.scope, 'invoice', rows.invoices.map((record) => ({ record, raw: record })));
  return t;
}

// Europe/Paris is UTC+1 in November: 10:00Z is 11:00 local on the same day.
const at = (day: string) => new Date(`${day}T10:00:00Z`);

describe('runEvaluation', () => {
  it('plans the due step of each open invoice once, however often it runs', async () => {
    const t = await seed({
      customers: [customer('c1'), customer('c2')],
      invoices: [
        invoice('1', 'c1', '2026-11-10', '1240.00'), // 14 days late on Tuesday 2026-11-24
        invoice('2', 'c2', '2026-11-27', '300.00'), // due in 3 days: courtesy reminder
        invoice('3', 'c2', '2026-10-01', '0.00', { status: 'paid', total: '99.00' }),
      ],
    });
    const first = await runEvaluation(sql, t.tenant.id, t.connection.id, at('2026-11-24'));
    expect(first.today).toBe('2026-11-24');
    const outbox = await listOutbox(sql, t.tenant.id);
    const byInvoice = new Map(outbox.map((o) => [(o.payload as { invoices: { externalId: string }[] }).invoices[0]?.externalId, o]));
    expect([...byInvoice.keys()].sort()).toEqual(['1', '2']);
    // 14 days late and never reminded: it starts at the first reminder (the policy's catch-up), not at reminder 2.
    expect((byInvoice.get('1')!.payload as { stepId: string }).stepId).toBe('reminder-1');
    expect((byInvoice.get('2')!.payload as { stepId: string }).stepId).toBe('courtesy');
    expect(byInvoice.get('1')!.state).toBe('planned');
    expect(first.keys).toHaveLength(outbox.length);

    const again = await runEvaluation(sql, t.tenant.id, t.connection.id, at('2026-11-24'));
    expect(again.keys).toEqual([]);
    // Still only planned (sending is off, say): nothing more, however late the invoice gets.
    expect((await runEvaluation(sql, t.tenant.id, t.connection.id, at('2026-11-25'))).keys).toEqual([]);
    // A week later, with nothing sent (sending off, say), each invoice waits for its planned step to go out: when
    // sending resumes, a customer gets that one message, not a pile of them.
    const later = await runEvaluation(sql, t.tenant.id, t.connection.id, at('2026-12-01'));
    expect(later.keys).toEqual([]);
    expect(later.held.map((h) => [h.invoiceExternalId, h.reason]).sort()).toEqual([
      ['1', 'waiting: reminder-1 planned for 2026-11-24, not sent yet'],
      ['2', 'waiting: courtesy planned for 2026-11-24, not sent yet'],
    ]);
    // The preview shows what follows once sending runs: what waits goes out today, the next steps keep their gaps,
    // and a customer written to today hears nothing more for the quiet days (7).
    const ahead = await previewConnection(sql, t.tenant.id, t.connection.id, 10, at('2026-12-01'));
    // What the outbox already holds is in the preview too, on the first day it can leave: today. Not the courtesy
    // note for invoice 2, due on 27 Nov: it would say something untrue now, and the executor cancels it.
    expect(ahead.days[0]?.date).toBe('2026-12-01');
    expect((ahead.days[0]?.alreadyPlanned ?? []).map((a) => `${a.invoices[0]?.externalId}:${a.stepId}`).sort()).toEqual(['1:reminder-1']);
    expect(ahead.days.filter((d) => d.actions.length).map((d) => [d.date, d.actions.map((a) => `${a.invoices.find((l) => l.triggered)?.externalId}:${a.stepId}`).join()])).toEqual([
      ['2026-12-07', '2:reminder-1'],
      ['2026-12-08', '1:reminder-2'],
    ]);
  });

  it('reads what went out from the outbox: later steps keep their gaps from the day a step was sent', async () => {
    // Due Mon 9 Nov: reminder 1 on the 10th, reminder 2 seven days later.
    const t = await seed({ customers: [customer('c1')], invoices: [invoice('1', 'c1', '2026-11-09', '1240.00')] });
    await runEvaluation(sql, t.tenant.id, t.connection.id, at('2026-11-24'));
    // The reminder actually went out two days later, on Thu 26 Nov (sending switched on then).
    await sql`update outbox set state = 'sent', updated_at = ${at('2026-11-26')} where tenant_id = ${t.tenant.id}`;
    expect((await runEvaluation(sql, t.tenant.id, t.connection.id, at('2026-12-02'))).keys).toEqual([]);
    const next = await runEvaluation(sql, t.tenant.id, t.connection.id, at('2026-12-03'));
    expect(next.keys).toEqual([expect.stringMatching(/\|reminder-2\|v1$/)]);
  });

  it('a step cancelled because the invoice changed is planned again on the residual, under a new key', async () => {
    const t = await seed({ customers: [customer('c1')], invoices: [invoice('1', 'c1', '2026-11-10', '1240.00')] });
    const [key] = (await runEvaluation(sql, t.tenant.id, t.connection.id, at('2026-11-24'))).keys;
    // A partial payment arrives; the executor finds the action stale and cancels it.
    await upsertDocuments(sql, t.scope, 'invoice', [{ record: invoice('1', 'c1', '2026-11-10', '400.00', { total: '1240.00', status: 'partially_paid' }), raw: {} }]);
    await sql`update outbox set state = 'cancelled', last_error = 'invoice F-1 changed since planning' where tenant_id = ${t.tenant.id} and idempotency_key = ${key!}`;
    const replanned = await runEvaluation(sql, t.tenant.id, t.connection.id, at('2026-11-24'));
    expect(replanned.keys).toEqual([`${key}|r1`]);
    const row = (await listOutbox(sql, t.tenant.id)).find((o) => o.idempotencyKey === `${key}|r1`);
    expect((row?.payload as { amountDue: string; stepId: string })).toMatchObject({ amountDue: '400.00', stepId: 'reminder-1' });
    // Planned once: a re-run plans nothing more.
    expect((await runEvaluation(sql, t.tenant.id, t.connection.id, at('2026-11-24'))).keys).toEqual([]);
  });

  it('suppresses dunning during a dispute and resumes when it is resolved, with the history kept', async () => {
    const t = await seed({ customers: [customer('c1')], invoices: [invoice('1', 'c1', '2026-11-10', '500.00')] });
    const pause = await openPause(sql, t.tenant.id, t.connection.id, {
      kind: 'dispute', reason: 'Livraison incomplète', owner: 'marie', startsOn: '2026-11-20', expiresOn: null,
      customerExternalId: 'c1', invoiceExternalId: '1', instalments: [],
    }, 'marie@example.fr');
    expect((await runEvaluation(sql, t.tenant.id, t.connection.id, at('2026-11-22'))).keys).toEqual([]);
    expect(await closePause(sql, t.tenant.id, pause.id, 'resolved', 'marie@example.fr', 'avoir émis')).toBe(true);
    expect(await closePause(sql, t.tenant.id, pause.id, 'resolved', 'marie@example.fr')).toBe(false);
    const resumed = await runEvaluation(sql, t.tenant.id, t.connection.id, at('2026-11-23'));
    expect(resumed.keys).toHaveLength(1);
    expect((await pauseHistory(sql, t.tenant.id, pause.id)).map((e) => e.event)).toEqual(['opened', 'resolved']);
  });

  it('raises a broken-promise alert, closes the promise as broken and resumes dunning', async () => {
    const t = await seed({ customers: [customer('c1')], invoices: [invoice('1', 'c1', '2026-11-01', '800.00')] });
    await openPause(sql, t.tenant.id, t.connection.id, {
      kind: 'promise', reason: 'Paiement promis au téléphone', owner: 'paul', startsOn: '2026-11-05', expiresOn: '2026-11-15',
      customerExternalId: 'c1', invoiceExternalId: '1', instalments: [],
    }, 'paul@example.fr');
    await runEvaluation(sql, t.tenant.id, t.connection.id, at('2026-11-18'));
    const kinds = (await listOutbox(sql, t.tenant.id)).map((o) => o.kind).sort();
    expect(kinds).toContain('alert');
    expect(kinds.some((k) => k === 'email' || k === 'letter')).toBe(true);
    const [p] = await listPauses(sql, t.tenant.id, { connectionId: t.connection.id });
    expect(p!.state).toBe('broken');
  });

  it('keeps each tenant to its own facts', async () => {
    const a = await seed({ customers: [customer('c1')], invoices: [invoice('1', 'c1', '2026-11-10', '100.00')] });
    const b = await seed({ customers: [customer('c1')], invoices: [] });
    await runEvaluation(sql, b.tenant.id, b.connection.id, at('2026-11-22'));
    expect(await listOutbox(sql, b.tenant.id)).toEqual([]);
    await expect(runEvaluation(sql, b.tenant.id, a.connection.id, at('2026-11-22'))).rejects.toThrow(/does not exist/);
  });
});

describe('previewConnection', () => {
  it('lists the next days of actions with reasons and writes nothing', async () => {
    const t = await seed({ customers: [customer('c1')], invoices: [invoice('1', 'c1', '2026-11-25', '1240.00')] });
    const { days } = await previewConnection(sql, t.tenant.id, t.connection.id, 30, at('2026-11-22'));
    const steps = days.flatMap((d) => d.actions.map((a) => `${d.date} ${a.stepId}`));
    // Sunday 22 November: the French calendar moves the courtesy reminder to Monday.
    expect(steps[0]).toBe('2026-11-23 courtesy');
    expect(steps).toContain('2026-11-26 reminder-1');
    expect(days.every((d) => d.actions.every((a) => a.explain.length > 0))).toBe(true);
    expect(await listOutbox(sql, t.tenant.id)).toEqual([]);
  });
});
