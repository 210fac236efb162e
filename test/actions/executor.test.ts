// The executor against real PostgreSQL and a real SMTP server on loopback: content, language, amounts, freshness, retries, bounces, letters, write-back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LetterHeld, PermanentActionError, SendInDoubt, executeDue, recordBounce, staleReason } from '../../src/actions/executor.js';
import { formatMoney } from '../../src/actions/format.js';
import { messageIdFor } from '../../src/actions/email.js';
import { Dec, type Invoice } from '../../src/model/index.js';
import type { PlannedAction } from '../../src/model/collections.js';
import { listActivity, getLetter } from '../../src/store/activity.js';
import { upsertDocuments } from '../../src/store/documents.js';
import { openPause } from '../../src/store/pauses.js';
import { createHash } from 'node:crypto';
import { useDatabase } from '../support/db.js';
import { NOW, credit, customer, invoice, makeDeps, outboxRows, plan, seed } from './fixtures.js';
import { useSmtpSink } from './smtp-sink.js';
import { switchSendingOn } from '../support/sending.js';
import { Redis } from 'ioredis';
import { freePort } from '../support/free-port.js';

const sql = useDatabase();
const sink = useSmtpSink();

const FROM = 'Atelier Dupont <compta@atelier-dupont.fr>';
const mine = (email: string) => sink.messages.filter((m) => m.rcptTo.includes(email));

/** Interest = amount × rate × days / 365, half-up to the cent: the law's formula (§1.3), worked independently of the engine. */
function interest(amount: string, ratePct: string, days: number): string {
  return new Dec(amount).times(ratePct).div(100).times(days).div(365).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2);
}

describe('email reminders', () => {
  it('sends a French first reminder once, with recipients, subject, amounts, dates and payment link', async () => {
    const s = await seed(sql, { customers: [customer('c1', { name: 'Boulangerie Martin', email: 'paie@martin.example' })], invoices: [invoice('i1', 'c1', { total: '1240.00', amountDue: '1240.00', dueDate: '2026-03-10' })] });
    const run = await plan(sql, s);
    expect(run.keys).toHaveLength(1);
    const deps = makeDeps(sql, sink.port);
    const summary = await executeDue(deps, s.tenantId, NOW);
    expect(summary).toMatchObject({ sent: 1, failed: 0, cancelled: 0 });

    const got = mine('paie@martin.example');
    expect(got).toHaveLength(1);
    const m = got[0]!;
    expect(m.rcptTo).toEqual(['paie@martin.example']);
    // The Return-Path is the sender plus the thread's token, so a bounce comes back to its thread (src/inbound).
    expect(m.mailFrom).toMatch(/^compta\+[a-z2-7]{26}@atelier-dupont\.fr$/);
    expect(m.subject).toBe('Relance : facture échue – F-i1');
    expect(m.text).toContain('Bonjour Boulangerie Martin,');
    expect(m.text).toContain('Facture F-i1 du 10/01/2026, échéance 10/03/2026 : 1\u00a0240,00\u00a0€ restant dû sur 1\u00a0240,00\u00a0€ (6 jours de retard)');
    expect(m.text).toContain('Payer en ligne : https://pay.example/c1');
    expect(m.text).toContain('Atelier Dupont SAS');
    expect(m.html).toContain('<a href="https://erp.example/pdf/i1">F-i1</a>');
    expect(m.messageId).toBe(messageIdFor(s.tenantId, run.keys[0]!, FROM));

    const [row] = await outboxRows(sql, s.tenantId);
    expect(row).toMatchObject({ state: 'sent', attempts: 1 });
    expect(row!.result).toMatchObject({ messageId: m.messageId, language: 'fr' });
    const acts = await listActivity(sql, s.tenantId, { invoiceExternalId: 'i1' });
    expect(acts.map((a) => a.kind)).toEqual(['sent']);
    expect(acts[0]!.contentHash).toMatch(/^[0-9a-f]{64}$/);

    // A second pass, or a re-plan of the same day, sends nothing more.
    expect((await plan(sql, s)).keys).toHaveLength(0);
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 0 });
    expect(mine('paie@martin.example')).toHaveLength(1);
  });

  it("writes in the customer's language, falling back to the tenant locale", async () => {
    const s = await seed(sql, {
      customers: [customer('en1', { email: 'ap@british.example', language: 'en-GB', name: 'British Ltd' }), customer('nolang', { email: 'x@nolang.example', language: null })],
      invoices: [invoice('e1', 'en1', { total: '98765.40', amountDue: '98765.40' }), invoice('n1', 'nolang')],
    });
    await plan(sql, s);
    await executeDue(makeDeps(sql, sink.port), s.tenantId, NOW);
    const en = mine('ap@british.example')[0]!;
    expect(en.subject).toBe('Overdue invoice – F-e1');
    expect(en.text).toContain('Dear British Ltd,');
    expect(en.text).toContain('Invoice F-e1 dated 10 January 2026, due 10 March 2026: €98,765.40 outstanding of €98,765.40 (6 days late)');
    const fr = mine('x@nolang.example')[0]!;
    expect(fr.text).toContain('Bonjour');
  });

  it('states statutory penalties and the €40 indemnity to the cent in the firm reminder', async () => {
    // Due 27 Feb 2026, reminded on 2 and 9 Mar: the firm step keeps its 7-day gap, Mon 16 Mar; 17 days late.
    const s = await seed(sql, { customers: [customer('c2', { email: 'firm@client.example' })], invoices: [invoice('p1', 'c2', { dueDate: '2026-02-27' })], delivered: { p1: { 'reminder-1': '2026-03-02', 'reminder-2': '2026-03-09' } } });
    await plan(sql, s);
    await executeDue(makeDeps(sql, sink.port), s.tenantId, NOW);
    const m = mine('firm@client.example')[0]!;
    const i = interest('1240.00', '12.15', 17); // FR H1 2026: ECB MRO 2.15 % + 10 points (law §2.2)
    expect(i).toBe('7.02');
    const claimed = new Dec('1240.00').plus(i).plus(40).toFixed(2);
    expect(m.subject).toBe(`Relance ferme – F-p1 – ${formatMoney(claimed, 'EUR', 'fr')}`);
    expect(m.text).toContain(`taux de 12,15\u00a0% l'an`);
    expect(m.text).toContain(`soit 7,02\u00a0€ à ce jour`);
    expect(m.text).toContain('soit 40,00\u00a0€');
    expect(m.text).toContain('Montant total réclamé : 1\u00a0287,02\u00a0€');
    expect(m.text).toContain('avant le 24/03/2026');
  });

  it('groups invoices of one customer in one reminder, listing open credits and the net balance', async () => {
    const s = await seed(sql, {
      grouped: true,
      customers: [customer('g1', { email: 'group@client.example' })],
      invoices: [invoice('a', 'g1', { total: '1000.00', amountDue: '1000.00' }), invoice('b', 'g1', { total: '250.10', amountDue: '200.05', status: 'partially_paid', dueDate: '2026-03-09' })],
      credits: [credit('cr1', 'g1', '100.00')],
    });
    const run = await plan(sql, s);
    expect(run.keys).toHaveLength(1);
    await executeDue(makeDeps(sql, sink.port), s.tenantId, NOW);
    const got = mine('group@client.example');
    expect(got).toHaveLength(1);
    const t = got[0]!.text;
    expect(t).toContain('Facture F-a du 10/01/2026, échéance 10/03/2026 : 1\u00a0000,00\u00a0€ restant dû sur 1\u00a0000,00\u00a0€');
    expect(t).toContain('Facture F-b du 10/01/2026, échéance 09/03/2026 : 200,05\u00a0€ restant dû sur 250,10\u00a0€ (7 jours de retard)');
    expect(t).toContain('- Avoir AV-cr1 : 100,00\u00a0€');
    expect(t).toContain('Total dû : 1\u00a0200,05\u00a0€');
    expect(t).toContain('Solde après avoirs : 1\u00a0100,05\u00a0€');
    const acts = await listActivity(sql, s.tenantId, { customerExternalId: 'g1' });
    expect([...acts[0]!.invoiceExternalIds].sort()).toEqual(['a', 'b']);
  });
});

describe('freshness', () => {
  it('cancels with a reason when an invoice was paid after planning, and sends nothing', async () => {
    const s = await seed(sql, { customers: [customer('f1', { email: 'fresh@client.example' })], invoices: [invoice('fp', 'f1')] });
    await plan(sql, s);
    await upsertDocuments(sql, { tenantId: s.tenantId, connectionId: s.connectionId, provider: 'test' }, 'invoice', [{ record: invoice('fp', 'f1', { amountDue: '0.00', status: 'paid' }), raw: {} }]);
    const summary = await executeDue(makeDeps(sql, sink.port), s.tenantId, NOW);
    expect(summary).toMatchObject({ sent: 0, cancelled: 1 });
    expect(mine('fresh@client.example')).toHaveLength(0);
    const [row] = await outboxRows(sql, s.tenantId);
    expect(row).toMatchObject({ state: 'cancelled', last_error: 'invoice F-fp was paid since planning' });
    expect((await listActivity(sql, s.tenantId, { invoiceExternalId: 'fp' }))[0]).toMatchObject({ kind: 'cancelled', reason: 'invoice F-fp was paid since planning' });
  });

  it('cancels a courtesy note that did not go out before the due date (sending was off), and sends nothing', async () => {
    // Due Wed 18 Mar: the courtesy note (D-3) is planned on Mon 16 Mar; sending stays off until Thu 19 Mar.
    const s = await seed(sql, { customers: [customer('ct', { email: 'courtesy@client.example' })], invoices: [invoice('ct1', 'ct', { dueDate: '2026-03-18' })], sending: false });
    const run = await plan(sql, s);
    expect(run.keys).toEqual([expect.stringContaining('|courtesy|')]);
    await switchSendingOn(sql, s.tenantId, s.connectionId);
    expect(await executeDue(makeDeps(sql, sink.port), s.tenantId, new Date('2026-03-19T10:00:00Z'))).toMatchObject({ sent: 0, cancelled: 1 });
    expect(mine('courtesy@client.example')).toHaveLength(0);
    const row = (await outboxRows(sql, s.tenantId)).find((r) => r.idempotency_key === run.keys[0]);
    expect(row).toMatchObject({ state: 'cancelled', last_error: 'a reminder written before the due date (2026-03-18) is no longer timely' });
  });

  it('names the change when the amount or due date moved', () => {
    const action = { invoices: [{ externalId: 'x', number: 'F-x', dueDate: '2026-03-10', amountDue: '100.00', daysPastDue: 1, instalmentOf: null, triggered: true }] } as unknown as PlannedAction;
    const cur = (patch: object) => new Map([['x', { ...invoice('x', 'c'), amountDue: '100.00', dueDate: '2026-03-10', ...patch }]]);
    expect(staleReason(action, cur({}))).toBeNull();
    expect(staleReason(action, cur({ amountDue: '100' }))).toBeNull();
    expect(staleReason(action, cur({ amountDue: '60.00', status: 'partially_paid' }))).toBe('invoice F-x changed since planning: amount due 100.00 → 60.00 (payment or credit note)');
    expect(staleReason(action, cur({ dueDate: '2026-04-10' }))).toBe('invoice F-x changed since planning: due date 2026-03-10 → 2026-04-10');
    expect(staleReason(action, cur({ status: 'void' }))).toMatch(/voided/);
    expect(staleReason(action, new Map())).toBe('invoice F-x no longer exists in the ERP');
  });
});

describe('freshness, every reason', () => {
  const line = { externalId: 'x', number: 'F-x', dueDate: '2026-03-10', amountDue: '100.00', daysPastDue: 1, instalmentOf: null, triggered: true };
  const action = (...lines: object[]) => ({ invoices: lines.map((l) => ({ ...line, ...l })) }) as unknown as PlannedAction;
  const cur = (...invoices: Array<Partial<Invoice> & { externalId: string }>) =>
    new Map(invoices.map((p) => [p.externalId, { ...invoice(p.externalId, 'c'), amountDue: '100.00', dueDate: '2026-03-10', ...p }]));

  it('a paid invoice is paid whatever it still shows as due, and one owing nothing or less is paid unless void or draft', () => {
    expect(staleReason(action({}), cur({ externalId: 'x', status: 'paid' }))).toBe('invoice F-x was paid since planning');
    expect(staleReason(action({}), cur({ externalId: 'x', amountDue: '0.00' }))).toBe('invoice F-x was paid since planning');
    expect(staleReason(action({}), cur({ externalId: 'x', amountDue: '-5.00' }))).toBe('invoice F-x was paid since planning');
    expect(staleReason(action({}), cur({ externalId: 'x', amountDue: '0.00', status: 'void' }))).toBe('invoice F-x was voided or credited in full since planning');
    expect(staleReason(action({}), cur({ externalId: 'x', amountDue: '0.00', status: 'draft' }))).toBe('invoice F-x is back to draft');
    expect(staleReason(action({}), cur({ externalId: 'x', status: 'draft' }))).toBe('invoice F-x is back to draft');
    expect(staleReason(action({}), cur({ externalId: 'x', amountDue: '0.01' }))).toBe('invoice F-x changed since planning: amount due 100.00 → 0.01 (payment or credit note)');
  });

  it('names the invoice by its id when the line has no number', () => {
    expect(staleReason(action({ number: null }), new Map())).toBe('invoice x no longer exists in the ERP');
  });

  it('compares the invoice figure a partial line keeps apart, not the amount it duns', () => {
    const partial = action({ amountDue: '40.00', invoiceAmountDue: '100.00' });
    expect(staleReason(partial, cur({ externalId: 'x' }))).toBeNull();
    expect(staleReason(partial, cur({ externalId: 'x', amountDue: '40.00' }))).toBe('invoice F-x changed since planning: amount due 100.00 → 40.00 (payment or credit note)');
  });

  it('an invoice refused, rejected, disputed or suspended on the e-invoicing platform since planning is not dunned', () => {
    const e = (code: number, status: string) => cur({ externalId: 'x', eInvoicing: { code, status } as Invoice['eInvoicing'] });
    expect(staleReason(action({}), e(210, 'refused'))).toBe('invoice F-x was refused on the e-invoicing platform since planning');
    expect(staleReason(action({}), e(213, 'rejected'))).toBe('invoice F-x was rejected on the e-invoicing platform since planning');
    expect(staleReason(action({}), e(207, 'disputed'))).toBe('invoice F-x is disputed on the e-invoicing platform since planning');
    expect(staleReason(action({}), e(208, 'suspended'))).toBe('invoice F-x is suspended on the e-invoicing platform since planning');
    expect(staleReason(action({}), e(205, 'approved'))).toBeNull();
    expect(staleReason(action({}), e(209, 'completed'))).toBeNull();
  });

  it('looks at every line: an instalment as planned does not hide a later line that changed', () => {
    const both = action({ externalId: 'p', number: 'F-p', instalmentOf: 'p', dueDate: '2026-03-02', amountDue: '50.00', invoiceAmountDue: '100.00' }, {});
    expect(staleReason(both, cur({ externalId: 'p' }, { externalId: 'x' }))).toBeNull();
    expect(staleReason(both, cur({ externalId: 'p' }, { externalId: 'x', dueDate: '2026-04-10' }))).toBe('invoice F-x changed since planning: due date 2026-03-10 → 2026-04-10');
  });

  it('an instalment planned without the invoice figure is stale only when the invoice owes less than it', () => {
    const inst = action({ instalmentOf: 'x', dueDate: '2026-03-02', amountDue: '50.00' });
    expect(staleReason(inst, cur({ externalId: 'x', amountDue: '50.00' }))).toBeNull();
    expect(staleReason(inst, cur({ externalId: 'x', amountDue: '49.99' }))).toMatch(/^instalment due 2026-03-02 of invoice F-x changed since planning: the invoice owes 49.99/);
  });
});

describe("the executor's errors", () => {
  it('carry their own names, as a log or a stack trace prints them', () => {
    expect(String(new PermanentActionError('bad template'))).toBe('PermanentActionError: bad template');
    const doubt = new SendInDoubt('maybe sent');
    expect(doubt).toBeInstanceOf(PermanentActionError);
    expect(String(doubt)).toBe('SendInDoubt: maybe sent');
    expect(String(new LetterHeld([], 'profil incomplet'))).toBe('LetterHeld: profil incomplet');
  });
});

describe('instalment freshness', () => {
  const line = { externalId: 'x', number: 'F-x', dueDate: '2026-03-02', amountDue: '200.00', daysPastDue: 14, instalmentOf: 'x', invoiceAmountDue: '600.00', triggered: true };
  const action = (patch: object = {}) => ({ invoices: [{ ...line, ...patch }] }) as unknown as PlannedAction;
  const cur = (patch: Partial<Invoice>) => new Map([['x', invoice('x', 'c', { total: '600.00', amountDue: '600.00', status: 'partially_paid', ...patch })]]);

  it('cancels an instalment reminder, with the reason, when the invoice or the instalment was paid since planning', () => {
    expect(staleReason(action(), cur({}))).toBeNull();
    // The invoice's own due date is not the instalment's.
    expect(staleReason(action(), cur({ dueDate: '2026-01-10' }))).toBeNull();
    expect(staleReason(action(), cur({ amountDue: '0.00', status: 'paid' }))).toBe('invoice F-x was paid since planning');
    expect(staleReason(action(), cur({ status: 'void' }))).toMatch(/^invoice F-x was voided/);
    expect(staleReason(action(), cur({ amountDue: '400.00' }))).toBe('instalment due 2026-03-02 of invoice F-x changed since planning: amount due on the invoice 600.00 → 400.00 (payment or credit note)');
    // Planned before the invoice's amount was kept on the line.
    expect(staleReason(action({ invoiceAmountDue: undefined }), cur({ amountDue: '150.00' }))).toBe('instalment due 2026-03-02 of invoice F-x changed since planning: the invoice owes 150.00, less than the instalment\'s 200.00 (payment or credit note)');
    expect(staleReason(action({ invoiceAmountDue: undefined }), cur({ amountDue: '400.00' }))).toBeNull();
  });

  it('emails no instalment reminder once the instalment was paid after planning', async () => {
    const s = await seed(sql, { customers: [customer('pp', { email: 'plan@client.example' })], invoices: [invoice('ppi', 'pp', { total: '600.00', amountDue: '600.00', dueDate: '2026-01-10' })] });
    await openPause(sql, s.tenantId, s.connectionId, {
      kind: 'payment_plan', reason: 'échéancier', owner: 'marie', startsOn: '2026-01-20', customerExternalId: 'pp', invoiceExternalId: 'ppi',
      instalments: [{ dueOn: '2026-03-02', amount: '300.00' }, { dueOn: '2026-05-02', amount: '300.00' }],
    }, 'marie');
    const run = await plan(sql, s);
    expect(run.keys).toEqual([expect.stringContaining('|plan:')]);
    // The customer pays the overdue instalment before the send.
    await upsertDocuments(sql, { tenantId: s.tenantId, connectionId: s.connectionId, provider: 'test' }, 'invoice', [{ record: invoice('ppi', 'pp', { total: '600.00', amountDue: '300.00', dueDate: '2026-01-10', status: 'partially_paid' }), raw: {} }]);
    expect(await executeDue(makeDeps(sql, sink.port), s.tenantId, NOW)).toMatchObject({ sent: 0, cancelled: 1 });
    expect(mine('plan@client.example')).toHaveLength(0);
    const reason = 'instalment due 2026-03-02 of invoice F-ppi changed since planning: amount due on the invoice 600.00 → 300.00 (payment or credit note)';
    expect(await outboxRows(sql, s.tenantId)).toMatchObject([{ state: 'cancelled', last_error: reason }]);
    expect(await listActivity(sql, s.tenantId, { invoiceExternalId: 'ppi' })).toMatchObject([{ kind: 'cancelled', reason }]);
  });
});

describe('batches', () => {
  it('works through more due items than a batch holds, a few at a time, each once', async () => {
    const customers = Array.from({ length: 5 }, (_, k) => customer(`bt${k}`, { email: `bt${k}@batch.example` }));
    const s = await seed(sql, { customers, invoices: customers.map((c) => invoice(`${c.externalId}-i`, c.externalId)) });
    expect((await plan(sql, s)).keys).toHaveLength(5);
    const summary = await executeDue(makeDeps(sql, sink.port, { options: { batchSize: 2, concurrency: 1 } }), s.tenantId, NOW);
    expect(summary).toMatchObject({ sent: 5, skipped: 0, failed: 0 });
    const got = sink.messages.filter((m) => m.rcptTo[0]?.endsWith('@batch.example')).map((m) => m.rcptTo[0]);
    expect([...got].sort()).toEqual(customers.map((c) => c.email).sort());
    expect((await outboxRows(sql, s.tenantId)).map((r) => [r.state, r.attempts])).toEqual(Array(5).fill(['sent', 1]));
  });
});

describe('lease', () => {
  it('two workers reclaiming the same stale sends: each reminder goes out once, as the lease is taken by one', async () => {
    const n = 12;
    const customers = Array.from({ length: n }, (_, k) => customer(`ls${k}`, { email: `ls${k}@lease.example` }));
    const s = await seed(sql, { customers, invoices: customers.map((c) => invoice(`${c.externalId}-i`, c.externalId)) });
    expect((await plan(sql, s)).keys).toHaveLength(n);
    // A worker died ten minutes ago with all of them claimed.
    await sql`update outbox set state = 'sending', attempts = 1, updated_at = now() - interval '10 minutes' where tenant_id = ${s.tenantId}`;
    const deps = () => makeDeps(sql, sink.port, { options: { leaseMs: 60_000, concurrency: n } });
    const [a, b] = await Promise.all([executeDue(deps(), s.tenantId, NOW), executeDue(deps(), s.tenantId, NOW)]);
    expect(a.sent + b.sent).toBe(n);
    const got = sink.messages.filter((m) => m.rcptTo[0]?.endsWith('@lease.example'));
    expect(got).toHaveLength(n);
    expect((await outboxRows(sql, s.tenantId)).map((r) => [r.state, r.attempts])).toEqual(Array(n).fill(['sent', 2]));
  });
});

describe('lease renewed while the worker runs', () => {
  it('a send slower than the lease is not taken over while its worker is alive: one copy, one attempt', async () => {
    const s = await seed(sql, { customers: [customer('slow1', { email: 'slow@lease.example' })], invoices: [invoice('slow-i', 'slow1')] });
    expect((await plan(sql, s)).keys).toHaveLength(1);
    // The mail server holds the message 3 s before its 250, against a 1.2 s lease.
    sink.onAccepted = () => new Promise((r) => setTimeout(r, 3_000));
    try {
      const deps = () => makeDeps(sql, sink.port, { options: { leaseMs: 1_200 } });
      const first = executeDue(deps(), s.tenantId, NOW);
      // Another worker looks at 2 s, once the lease would have run out without renewal.
      await new Promise((r) => setTimeout(r, 2_000));
      const second = await executeDue(deps(), s.tenantId, NOW);
      expect(second).toMatchObject({ sent: 0, resentInDoubt: 0 });
      expect(await first).toMatchObject({ sent: 1 });
    } finally {
      sink.onAccepted = null;
    }
    expect(sink.messages.filter((m) => m.rcptTo[0] === 'slow@lease.example')).toHaveLength(1);
    expect((await outboxRows(sql, s.tenantId)).map((r) => [r.state, r.attempts])).toEqual([['sent', 1]]);
  });
});

describe('failures', () => {
  it('retries a 451 with backoff and a stored attempt count, then sends once', async () => {
    const s = await seed(sql, { customers: [customer('t1', { email: 'busy@client.example' })], invoices: [invoice('ti', 't1')] });
    await plan(sql, s);
    sink.tempFail.set('busy@client.example', 2);
    const deps = makeDeps(sql, sink.port, { options: { backoffMs: (n) => 60_000 * 2 ** (n - 1) } });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ retried: 1 });
    let [row] = await outboxRows(sql, s.tenantId);
    expect(row).toMatchObject({ state: 'planned', attempts: 1 });
    expect(row!.last_error).toMatch(/^SMTP 451/);
    expect(row!.due_at.toISOString()).toBe(new Date(NOW.getTime() + 60_000).toISOString());
    // Not due yet: nothing happens before the backoff has passed.
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ retried: 0, sent: 0 });
    const t2 = new Date(NOW.getTime() + 60_000);
    expect(await executeDue(deps, s.tenantId, t2)).toMatchObject({ retried: 1 });
    [row] = await outboxRows(sql, s.tenantId);
    expect(row!.due_at.toISOString()).toBe(new Date(t2.getTime() + 120_000).toISOString());
    expect(await executeDue(deps, s.tenantId, new Date(t2.getTime() + 120_000))).toMatchObject({ sent: 1 });
    expect(mine('busy@client.example')).toHaveLength(1);
    [row] = await outboxRows(sql, s.tenantId);
    expect(row).toMatchObject({ state: 'sent', attempts: 3 });
    expect((await listActivity(sql, s.tenantId, { invoiceExternalId: 'ti' })).map((a) => a.kind).sort()).toEqual(['retry', 'retry', 'sent']);
  });

  it('by default waits a minute after a first failure, then twice as long after each next one', async () => {
    const s = await seed(sql, { customers: [customer('t2', { email: 'busy2@client.example' })], invoices: [invoice('ti2', 't2')] });
    await plan(sql, s);
    sink.tempFail.set('busy2@client.example', 2);
    const deps = makeDeps(sql, sink.port, { options: {} });
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ retried: 1 });
    let [row] = await outboxRows(sql, s.tenantId);
    expect(row!.due_at.toISOString()).toBe(new Date(NOW.getTime() + 60_000).toISOString());
    const t2 = new Date(NOW.getTime() + 60_000);
    expect(await executeDue(deps, s.tenantId, t2)).toMatchObject({ retried: 1 });
    [row] = await outboxRows(sql, s.tenantId);
    expect(row!.due_at.toISOString()).toBe(new Date(t2.getTime() + 120_000).toISOString());
    expect(await executeDue(deps, s.tenantId, new Date(t2.getTime() + 120_000))).toMatchObject({ sent: 1 });
  });

  /** One planned reminder to `email`, and an executor that holds doubtful sends and retries a second later. */
  async function oneHeldReminder(tag: string, email: string) {
    const s = await seed(sql, { customers: [customer(tag, { email })], invoices: [invoice(`${tag}-i`, tag)] });
    await plan(sql, s);
    return { s, deps: makeDeps(sql, sink.port, { options: { backoffMs: () => 1_000, inDoubt: 'fail' } }) };
  }

  it('a reminder whose connection dropped after the server took it, before its 250, is held in doubt, not sent again', async () => {
    const { s, deps } = await oneHeldReminder('dr1', 'dropped@client.example');
    sink.dropBeforeReply.set('dropped@client.example', 1);
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ retried: 1 });
    expect(mine('dropped@client.example')).toHaveLength(1);
    let [row] = await outboxRows(sql, s.tenantId);
    expect(row).toMatchObject({ state: 'planned', result: { submitting: 1 } });
    // The retry, by the same worker (not a reclaim): the customer may have it, so it is held, not sent again.
    await executeDue(deps, s.tenantId, new Date(NOW.getTime() + 1_000));
    expect(mine('dropped@client.example')).toHaveLength(1);
    [row] = await outboxRows(sql, s.tenantId);
    expect(row!.state).toBe('failed');
    expect(row!.last_error).toMatch(/may or may not have been sent/);
    expect(deps.alerts.map((a) => a.kind)).toContain('in_doubt');
  });

  it('a 451 answered at the end of the message clears the hand-over note: the retry is sent normally, not held', async () => {
    const { s, deps } = await oneHeldReminder('tf1', 'later@client.example');
    sink.refuseAtEnd.set('later@client.example', 1);
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ retried: 1 });
    const [row] = await outboxRows(sql, s.tenantId);
    expect(row).toMatchObject({ state: 'planned', result: null });
    expect(await executeDue(deps, s.tenantId, new Date(NOW.getTime() + 1_000))).toMatchObject({ sent: 1 });
    expect(mine('later@client.example')).toHaveLength(1);
  });

  it('fails a 550 permanently with an alert, and falls back to a letter when the step says so', async () => {
    const s = await seed(sql, { customers: [customer('b1', { email: 'gone@client.example' }), customer('b2', { email: 'gone2@client.example' })], invoices: [invoice('bi', 'b1'), invoice('bj', 'b2')] });
    await plan(sql, s);
    sink.reject.add('gone@client.example');
    sink.reject.add('gone2@client.example');
    await sql`update outbox set payload = payload || '{"fallback": "letter"}'::jsonb where tenant_id = ${s.tenantId} and payload->>'customerExternalId' = 'b2'`;
    const deps = makeDeps(sql, sink.port);
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ failed: 2, sent: 0 });
    const rows = await outboxRows(sql, s.tenantId);
    expect(rows.filter((r) => r.kind === 'email').map((r) => r.state)).toEqual(['failed', 'failed']);
    expect(rows.find((r) => r.kind === 'email')!.last_error).toMatch(/^SMTP 550/);
    expect(deps.alerts.map((a) => a.kind)).toEqual(['bounced', 'bounced']);
    expect(deps.alerts.filter((a) => a.message.includes('a letter will be sent instead'))).toHaveLength(1);
    const letterRow = rows.find((r) => r.kind === 'letter')!;
    expect(letterRow.idempotency_key).toMatch(/\|letter$/);
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 1 });
    const letter = await getLetter(sql, s.tenantId, letterRow.idempotency_key);
    expect(letter?.formal).toBe(false);
    expect(letter?.sha256).toBe(createHash('sha256').update(letter!.pdf).digest('hex'));
    sink.reject.clear();
  });

  it('fails permanently when the customer has no address, naming the fix', async () => {
    const s = await seed(sql, { customers: [customer('ne', { email: null })], invoices: [invoice('nei', 'ne')] });
    await plan(sql, s);
    const deps = makeDeps(sql, sink.port);
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ failed: 1 });
    expect(deps.alerts[0]!.message).toContain('has no email address: add one in the ERP');
  });

  it('records a later bounce (DSN) and plans the fallback letter once', async () => {
    const s = await seed(sql, { customers: [customer('lb', { email: 'late-bounce@client.example' })], invoices: [invoice('lbi', 'lb')] });
    const run = await plan(sql, s);
    await sql`update outbox set payload = payload || '{"fallback": "letter"}'::jsonb where tenant_id = ${s.tenantId}`;
    const deps = makeDeps(sql, sink.port);
    await executeDue(deps, s.tenantId, NOW);
    expect(await recordBounce(deps, s.tenantId, run.keys[0]!, '550 5.1.1 user unknown', NOW)).toBe(true);
    expect(await recordBounce(deps, s.tenantId, run.keys[0]!, '550 5.1.1 user unknown', NOW)).toBe(true);
    const rows = await outboxRows(sql, s.tenantId);
    expect(rows.map((r) => r.kind)).toEqual(['email', 'letter']);
    expect((await listActivity(sql, s.tenantId, { actionKey: run.keys[0]! })).map((a) => a.kind).sort()).toEqual(['bounced', 'sent']);
  });
});

describe('letters and other channels', () => {
  it('produces the mise en demeure as a stored PDF with its hash, and asks a person to post it by LRAR', async () => {
    // Due 13 Feb 2026, reminded and firmly reminded (27 Feb) before: the formal notice (D+30, Sun 15 Mar) goes Mon 16 Mar.
    const s = await seed(sql, { customers: [customer('m1', { name: 'Garage Leroy' })], invoices: [invoice('mi', 'm1', { dueDate: '2026-02-13' })], delivered: { mi: { 'reminder-1': '2026-02-16', 'reminder-2': '2026-02-20', firm: '2026-02-27' } } });
    const run = await plan(sql, s);
    const deps = makeDeps(sql, sink.port);
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 1 });
    const letter = await getLetter(sql, s.tenantId, run.keys[0]!);
    expect(letter).toMatchObject({ formal: true, registered: true, templateId: 'fr.mise-en-demeure', language: 'fr' });
    expect(letter!.pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(letter!.sha256).toBe(createHash('sha256').update(letter!.pdf).digest('hex'));
    const row = (await outboxRows(sql, s.tenantId)).find((r) => r.idempotency_key === run.keys[0]);
    expect(row!.result).toMatchObject({ sha256: letter!.sha256, formal: true, registered: true });
    expect(deps.alerts[0]).toMatchObject({ kind: 'letter_to_post' });
    expect(deps.alerts[0]!.message).toContain('lettre recommandée avec AR');
    expect(deps.alerts[0]!.message).toContain('Garage Leroy');
  });

  it('plans and runs the connector write-back once after a send', async () => {
    const s = await seed(sql, { customers: [customer('w1', { email: 'wb@client.example' })], invoices: [invoice('wi', 'w1')] });
    await plan(sql, s);
    const calls: Array<{ key: string; proof: unknown }> = [];
    const deps = makeDeps(sql, sink.port, { writeback: async (a, proof) => void calls.push({ key: a.idempotencyKey, proof }) });
    await executeDue(deps, s.tenantId, NOW);
    await executeDue(deps, s.tenantId, NOW);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.proof).toMatchObject({ messageId: mine('wb@client.example')[0]!.messageId });
    expect((await outboxRows(sql, s.tenantId)).map((r) => `${r.kind}:${r.state}`)).toEqual(['email:sent', 'writeback:sent']);
  });

  it('a write-back whose Redis is down waits for it past its attempts, then runs once; a failure of its own still gives up', async () => {
    const s = await seed(sql, { customers: [customer('rd1', { email: 'rd@client.example' }), customer('rd2', { email: 'rd2@client.example' })], invoices: [invoice('rdi', 'rd1'), invoice('rdj', 'rd2')] });
    await plan(sql, s);
    // A real ioredis client on a port nobody listens on: its command fails as it does while Redis restarts.
    const down = new Redis({ host: '127.0.0.1', port: await freePort(), maxRetriesPerRequest: 1, retryStrategy: () => 20, lazyConnect: true });
    down.on('error', () => undefined);
    let outage = 4;
    const applied: string[] = [];
    const deps = makeDeps(sql, sink.port, {
      options: { maxAttempts: 2, backoffMs: () => 1_000 },
      writeback: async (a) => {
        if (a.customerExternalId === 'rd2') throw new Error('the books refused the note');
        if (outage-- > 0) await down.get('relance:gate:probe');
        applied.push(a.idempotencyKey);
      },
    });
    try {
      for (let k = 0; k < 8; k++) await executeDue(deps, s.tenantId, new Date(NOW.getTime() + k * 1_000));
    } finally {
      down.disconnect();
    }
    const rows = await outboxRows(sql, s.tenantId);
    const wb = (c: string) => rows.find((r) => r.kind === 'writeback' && r.idempotency_key.includes(`|cc:${c}:`))!;
    // Four failures against a budget of two: still tried, and applied once Redis answered.
    expect(applied).toHaveLength(1);
    expect(wb('rd1')).toMatchObject({ state: 'sent', attempts: 5 });
    // The action's own failure is given up after its two attempts, as before.
    expect(wb('rd2')).toMatchObject({ state: 'failed', attempts: 2 });
    expect(wb('rd2').last_error).toMatch(/^gave up after 2 attempts: the books refused the note/);
  });

  it('sends each message once when two workers run at the same time', async () => {
    const customers = Array.from({ length: 12 }, (_, n) => customer(`cc${n}`, { email: `conc${n}@client.example` }));
    const s = await seed(sql, { customers, invoices: customers.map((c, n) => invoice(`ci${n}`, c.externalId)) });
    await plan(sql, s);
    const [a, b] = await Promise.all([executeDue(makeDeps(sql, sink.port), s.tenantId, NOW), executeDue(makeDeps(sql, sink.port), s.tenantId, NOW)]);
    expect(a.sent + b.sent).toBe(12);
    const got = sink.messages.filter((m) => m.rcptTo[0]?.startsWith('conc'));
    expect(got).toHaveLength(12);
    expect(new Set(got.map((m) => m.messageId)).size).toBe(12);
  });

  it('turns a UK call step into a task for a person, with the script and the amounts', async () => {
    // UK ladder: the call step is D+22; due 22 Feb 2026, the final reminder went 9 Mar → Mon 16 Mar.
    const s = await seed(sql, { locale: 'en', customers: [customer('uk1', { language: 'en', name: 'Widgets Ltd', phone: '+44 20 7946 0000' })], invoices: [invoice('uki', 'uk1', { currency: 'GBP', dueDate: '2026-02-22', total: '4321.09', amountDue: '4321.09' })], delivered: { uki: { 'reminder-1': '2026-02-23', 'reminder-2': '2026-03-02', firm: '2026-03-09' } } });
    await plan(sql, s);
    const deps = makeDeps(sql, sink.port);
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 1 });
    expect(deps.alerts).toHaveLength(1);
    expect(deps.alerts[0]).toMatchObject({ kind: 'task', message: 'Call Widgets Ltd about F-uki' });
    expect(deps.alerts[0]!.body).toContain('£4,321.09 outstanding of £4,321.09 (22 days late)');
    expect(deps.alerts[0]!.body).toContain('Phone: +44 20 7946 0000');
  });

  it('keeps activity per tenant', async () => {
    const s1 = await seed(sql, { customers: [customer('same', { email: 'iso1@client.example' })], invoices: [invoice('same-inv', 'same')] });
    const s2 = await seed(sql, { customers: [customer('same', { email: 'iso2@client.example' })], invoices: [invoice('same-inv', 'same')] });
    // Both tenants have the same reminder due, with the same external ids: running one must not touch the other.
    expect((await plan(sql, s1)).keys).toHaveLength(1);
    expect((await plan(sql, s2)).keys).toHaveLength(1);
    expect(await executeDue(makeDeps(sql, sink.port), s1.tenantId, NOW)).toMatchObject({ sent: 1 });
    expect(mine('iso1@client.example')).toHaveLength(1);
    expect(mine('iso2@client.example')).toHaveLength(0);
    expect(await listActivity(sql, s1.tenantId, { invoiceExternalId: 'same-inv' })).toHaveLength(1);
    expect(await listActivity(sql, s2.tenantId, { invoiceExternalId: 'same-inv' })).toHaveLength(0);
    expect((await outboxRows(sql, s2.tenantId)).map((r) => r.state)).toEqual(['planned']);
    expect(await executeDue(makeDeps(sql, sink.port), s2.tenantId, NOW)).toMatchObject({ sent: 1 });
    expect(mine('iso2@client.example')).toHaveLength(1);
    expect(mine('iso1@client.example')).toHaveLength(1);
    expect(await listActivity(sql, s1.tenantId, { invoiceExternalId: 'same-inv' })).toHaveLength(1);
    expect(await listActivity(sql, s2.tenantId, { invoiceExternalId: 'same-inv' })).toHaveLength(1);
  });
});
