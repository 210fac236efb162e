// What each answer does, on the real database, as the team finds it afterwards: the pause and its reason on the customer
// page, the answer kept with its file, the activity line, the task in the worklist and the alert in the outbox; a call
// answer recorded by a team member alerts nobody and opens no task; a replayed form does nothing twice.
import { describe, expect, it } from 'vitest';
import { recordAnswer } from '../../src/portal/answers.js';
import { listActivity } from '../../src/store/activity.js';
import { listPauses, pauseHistory } from '../../src/store/pauses.js';
import type { Sql } from '../../src/store/db.js';
import { recordAnswerIn, type AnswerInput } from '../../src/worklist/answers.js';
import { listTasks } from '../../src/worklist/store.js';
import { customer, invoice, seed } from '../actions/fixtures.js';
import { useDatabase } from '../support/db.js';

const sql = useDatabase();
const TODAY = '2026-03-16';

async function company() {
  const s = await seed(sql, { customers: [customer('k1', { name: 'Boulangerie Martin' })], invoices: [invoice('ki', 'k1', { total: '450.00', amountDue: '450.00' }), invoice('kj', 'k1', { total: '120.00', amountDue: '120.00' })] });
  return { ...s, scope: { tenantId: s.tenantId, connectionId: s.connectionId, customerExternalId: 'k1', linkId: null } };
}
const base = { invoiceExternalId: 'ki', today: TODAY, customerName: 'Boulangerie Martin', invoiceNumber: 'F-ki' } as const;

const answers = (tenantId: string) =>
  sql<{ id: string; kind: string; invoice_external_id: string | null; state: string; attachment: Buffer | null; attachment_type: string | null; attachment_name: string | null }[]>`
    select id::text, kind, invoice_external_id, state, attachment, attachment_type, attachment_name from portal_answers where tenant_id = ${tenantId} order by id`;
const alerts = (tenantId: string) =>
  sql<{ idempotency_key: string; connection_id: string; due_at: Date; payload: Record<string, unknown> }[]>`
    select idempotency_key, connection_id, due_at, payload from outbox where tenant_id = ${tenantId} and kind = 'alert' order by id`;
const answered = async (tenantId: string) => (await listActivity(sql, tenantId, { customerExternalId: 'k1' })).filter((a) => a.kind === 'answered');

describe('a portal answer, as the team finds it', () => {
  it('a dispute with its file: a dispute pause naming the reason and the text, the file kept, the answer logged, a dispute task titled with the invoice, a warning alert', async () => {
    const c = await company();
    const before = Date.now();
    const pdf = Buffer.from('%PDF-1.4 bon de livraison');
    expect(await recordAnswer(sql, c.scope, { ...base, nonce: 'd1', detail: { kind: 'dispute', reason: 'quantity', text: 'il manque 3 cartons' }, attachment: { bytes: pdf, type: 'application/pdf', name: 'bl.pdf' } })).toBe('recorded');

    const [row] = await answers(c.tenantId);
    expect(row).toMatchObject({ kind: 'dispute', invoice_external_id: 'ki', state: 'done', attachment_type: 'application/pdf', attachment_name: 'bl.pdf' });
    expect(Buffer.compare(row!.attachment!, pdf)).toBe(0);
    expect(await listPauses(sql, c.tenantId)).toEqual([
      expect.objectContaining({ kind: 'dispute', reason: 'portal: quantity — il manque 3 cartons', owner: '—', startsOn: TODAY, expiresOn: null, customerExternalId: 'k1', invoiceExternalId: 'ki', instalments: [], state: 'active' }),
    ]);
    // Opened by the portal, in the pause's history on the customer page.
    const [pause] = await listPauses(sql, c.tenantId);
    expect((await pauseHistory(sql, c.tenantId, pause!.id)).map((e) => [e.event, e.actor])).toEqual([['opened', 'portal']]);
    expect(await answered(c.tenantId)).toEqual([
      expect.objectContaining({ connectionId: c.connectionId, actionKey: `portal/${row!.id}`, channel: 'portal', customerExternalId: 'k1', invoiceExternalIds: ['ki'], reason: 'portal: dispute', actor: null, proof: { answer: row!.id, detail: { kind: 'dispute', reason: 'quantity', text: 'il manque 3 cartons' } } }),
    ]);
    expect((await listTasks(sql, c.tenantId, TODAY, { state: 'all' })).map((t) => [t.kind, t.sourceKey, t.customerExternalId, t.invoiceExternalIds, t.dueOn, t.title, t.detail])).toEqual([
      ['dispute', `portal/${row!.id}`, 'k1', ['ki'], TODAY, 'Boulangerie Martin — F-ki', { answerId: row!.id }],
    ]);
    const [alert] = await alerts(c.tenantId);
    const key = `${c.tenantId}/${c.connectionId}|alert|portal|${row!.id}`;
    expect(alert).toMatchObject({ idempotency_key: key, connection_id: c.connectionId });
    expect(alert!.payload).toEqual({ key, tenantId: c.tenantId, kind: 'portal_answer', severity: 'warning', raisedOn: TODAY, customerExternalId: 'k1', invoiceExternalId: 'ki', message: 'Boulangerie Martin answered on the portal (dispute, invoice F-ki)', data: { answer: row!.id, kind: 'dispute' } });
    // Due at once: the team hears of it on the next sweep.
    expect(alert!.due_at.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(alert!.due_at.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('a dispute without text names only the reason', async () => {
    const c = await company();
    await recordAnswer(sql, c.scope, { ...base, nonce: 'd2', detail: { kind: 'dispute', reason: 'not_received', text: '' } });
    expect((await listPauses(sql, c.tenantId)).map((p) => p.reason)).toEqual(['portal: not_received']);
    expect((await answers(c.tenantId)).map((a) => [a.attachment, a.attachment_type, a.attachment_name])).toEqual([[null, null, null]]);
  });

  it('"already paid" holds the invoice 7 days with what the customer said, waits for the team (new), and warns it', async () => {
    const c = await company();
    await recordAnswer(sql, c.scope, { ...base, nonce: 'p1', detail: { kind: 'paid', on: '2026-03-14', amount: '450.00', reference: 'VIR 1403' } });
    await recordAnswer(sql, c.scope, { ...base, invoiceExternalId: 'kj', invoiceNumber: 'F-kj', nonce: 'p2', detail: { kind: 'paid', on: '2026-03-15', amount: '120.00', reference: '' } });
    expect((await listPauses(sql, c.tenantId)).map((p) => [p.kind, p.invoiceExternalId, p.reason, p.startsOn, p.expiresOn])).toEqual([
      ['hold', 'ki', 'portal: already paid on 2026-03-14 (450.00, VIR 1403): to check', TODAY, '2026-03-23'],
      ['hold', 'kj', 'portal: already paid on 2026-03-15 (120.00): to check', TODAY, '2026-03-23'],
    ]);
    expect((await answers(c.tenantId)).map((a) => a.state)).toEqual(['new', 'new']);
    expect((await listTasks(sql, c.tenantId, TODAY, { state: 'all', sort: 'due' })).map((t) => [t.kind, t.title]).sort()).toEqual([
      ['already_paid', 'Boulangerie Martin — F-ki'],
      ['already_paid', 'Boulangerie Martin — F-kj'],
    ]);
    expect((await alerts(c.tenantId)).map((a) => [a.payload['severity'], a.payload['message']])).toEqual([
      ['warning', 'Boulangerie Martin answered on the portal (paid, invoice F-ki): to check on the customer page'],
      ['warning', 'Boulangerie Martin answered on the portal (paid, invoice F-kj): to check on the customer page'],
    ]);
  });

  it('a plan for the whole account (no invoice) pauses nothing yet, waits for the team, and its task and alert name the customer only', async () => {
    const c = await company();
    const instalments = [{ dueOn: '2026-04-15', amount: '285.00' }, { dueOn: '2026-05-15', amount: '285.00' }];
    await recordAnswer(sql, c.scope, { ...base, invoiceExternalId: null, invoiceNumber: null, nonce: 'pl1', detail: { kind: 'plan', instalments, text: 'deux fois' } });
    expect(await listPauses(sql, c.tenantId)).toEqual([]);
    expect((await answers(c.tenantId)).map((a) => [a.kind, a.invoice_external_id, a.state])).toEqual([['plan', null, 'new']]);
    expect((await listTasks(sql, c.tenantId, TODAY, { state: 'all' })).map((t) => [t.kind, t.title, t.invoiceExternalIds])).toEqual([['payment_plan_request', 'Boulangerie Martin', []]]);
    expect((await alerts(c.tenantId)).map((a) => [a.payload['severity'], a.payload['message'], a.payload['invoiceExternalId']])).toEqual([['info', 'Boulangerie Martin answered on the portal (plan): to check on the customer page', null]]);
    expect((await answered(c.tenantId)).map((a) => [a.reason, a.invoiceExternalIds])).toEqual([['portal: plan', []]]);
  });

  it('a promise pauses the invoice until its date (with the balance it was made against only when it names an amount), opens no task and only informs the team', async () => {
    const c = await company();
    await recordAnswer(sql, c.scope, { ...base, nonce: 'pr1', detail: { kind: 'promise', on: '2026-03-30', amount: '200.00', balance: '450.00' } });
    await recordAnswer(sql, c.scope, { ...base, invoiceExternalId: 'kj', invoiceNumber: 'F-kj', nonce: 'pr2', detail: { kind: 'promise', on: '2026-03-31', amount: null, balance: '120.00' } });
    expect((await listPauses(sql, c.tenantId)).map((p) => [p.kind, p.invoiceExternalId, p.reason, p.expiresOn, p.amount, p.balanceAtOpen])).toEqual([
      ['promise', 'ki', 'portal: promise to pay', '2026-03-30', '200.00', '450.00'],
      ['promise', 'kj', 'portal: promise to pay', '2026-03-31', null, null],
    ]);
    expect((await answers(c.tenantId)).map((a) => a.state)).toEqual(['done', 'done']);
    expect(await listTasks(sql, c.tenantId, TODAY, { state: 'all' })).toEqual([]);
    expect((await alerts(c.tenantId)).map((a) => [a.payload['severity'], a.payload['message']])).toEqual([
      ['info', 'Boulangerie Martin answered on the portal (promise, invoice F-ki)'],
      ['info', 'Boulangerie Martin answered on the portal (promise, invoice F-kj)'],
    ]);
  });

  it('a replayed form is recognised: one answer, one pause, one task, one alert', async () => {
    const c = await company();
    const input: AnswerInput = { ...base, nonce: 'again', detail: { kind: 'dispute', reason: 'price', text: '' } };
    expect(await recordAnswer(sql, c.scope, input)).toBe('recorded');
    expect(await recordAnswer(sql, c.scope, input)).toBe('replayed');
    expect(await answers(c.tenantId)).toHaveLength(1);
    expect(await listPauses(sql, c.tenantId)).toHaveLength(1);
    expect(await listTasks(sql, c.tenantId, TODAY, { state: 'all' })).toHaveLength(1);
    expect(await alerts(c.tenantId)).toHaveLength(1);
    expect(await answered(c.tenantId)).toHaveLength(1);
  });
});

describe('an answer taken on a call', () => {
  it('is the team member’s: their name on the pause and the activity, the call’s invoices logged, no task and no alert', async () => {
    const c = await company();
    const call = (db: Sql, input: AnswerInput) => recordAnswerIn(db, c.scope, input);
    expect(await sql.begin((tx) => call(tx as unknown as Sql, { ...base, invoiceExternalId: null, invoiceNumber: null, nonce: 'call-1', detail: { kind: 'dispute', reason: 'other', text: 'conteste tout' }, call: { by: 'ann@team.example', invoiceExternalIds: ['ki', 'kj'] } }))).toBe('recorded');
    expect(await sql.begin((tx) => call(tx as unknown as Sql, { ...base, nonce: 'call-2', detail: { kind: 'paid', on: '2026-03-12', amount: '450.00', reference: 'CHQ 88' }, call: { by: 'ann@team.example' } }))).toBe('recorded');
    expect((await listPauses(sql, c.tenantId)).map((p) => [p.kind, p.invoiceExternalId, p.owner, p.reason])).toEqual([
      ['dispute', null, 'ann@team.example', 'call: other — conteste tout'],
      ['hold', 'ki', 'ann@team.example', 'call: already paid on 2026-03-12 (450.00, CHQ 88): to check'],
    ]);
    const log = await answered(c.tenantId);
    expect(log.map((a) => [a.channel, a.actor, a.reason, a.invoiceExternalIds, a.actionKey.startsWith('call/')]).reverse()).toEqual([
      ['call', 'ann@team.example', 'call: dispute', ['ki', 'kj'], true],
      ['call', 'ann@team.example', 'call: paid', ['ki'], true],
    ]);
    expect(await listTasks(sql, c.tenantId, TODAY, { state: 'all' })).toEqual([]);
    expect(await alerts(c.tenantId)).toEqual([]);
  });
});
