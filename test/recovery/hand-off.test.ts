// Handing a recovery file off stops dunning for its invoices, and only for them (issue #25 point 4).
import { describe, expect, it } from 'vitest';
import { handOffRecovery } from '../../src/recovery/hand-off.js';
import { listPauses } from '../../src/store/pauses.js';
import { useDatabase } from '../support/db.js';
import { customer, invoice, makeDeps, outboxRows, plan, seed } from '../actions/fixtures.js';
import { executeDue } from '../../src/actions/executor.js';
import { advanceCase, openCase } from '../../src/recovery/cases.js';

const sql = useDatabase();

describe('recovery hand-off', () => {
  it('cancels what was planned for the handed-off invoice, and the next evaluation plans nothing for it', async () => {
    const s = await seed(sql, { customers: [customer('c1'), customer('c2')], invoices: [invoice('a', 'c1'), invoice('b', 'c2', { dueDate: '2026-03-09' })] });
    const before = await plan(sql, s);
    expect(before.keys).toHaveLength(2);
    const h = await handOffRecovery(sql, s.tenantId, s.connectionId, { customerExternalId: 'c1', invoiceExternalIds: ['a'], to: 'commissaire de justice', actor: 'marie@atelier.fr', on: '2026-03-16' });
    expect(h.cancelledActions).toBe(1);
    const pauses = await listPauses(sql, s.tenantId, { customerExternalId: 'c1', states: ['active'] });
    expect(pauses.map((p) => [p.kind, p.invoiceExternalId, p.expiresOn, p.reason])).toEqual([['hold', 'a', null, 'Dossier de recouvrement remis : commissaire de justice']]);
    // Evaluated again later: c2 is still dunned, c1's handed-off invoice gets nothing new.
    const after = await plan(sql, s, new Date('2026-03-30T10:00:00Z'));
    const rows = await outboxRows(sql, s.tenantId);
    const live = rows.filter((r) => r.state === 'planned' || r.state === 'sent');
    expect(live.every((r) => !/\|(cc:c1:|inv:a\|)/.test(r.idempotency_key))).toBe(true);
    expect(after.keys.every((k: string) => !/\|(cc:c1:|inv:a\|)/.test(k))).toBe(true);
    expect(rows.filter((r) => /\|(cc:c1:|inv:a\|)/.test(r.idempotency_key)).map((r) => r.state)).toEqual(['cancelled']);
  });

  it('writes the hand-off back to the books once, on each invoice handed off', async () => {
    const s = await seed(sql, { customers: [customer('c1')], invoices: [invoice('a', 'c1'), invoice('b', 'c1', { dueDate: '2026-03-09' })] });
    const h = { customerExternalId: 'c1', invoiceExternalIds: ['b', 'a'], to: 'Cabinet Martin, commissaire de justice', actor: 'marie@atelier.fr', on: '2026-03-16' };
    await handOffRecovery(sql, s.tenantId, s.connectionId, h);
    const written: { invoice: string; step: string; channel: string; summary: string; key: string }[] = [];
    const deps = makeDeps(sql, 9, {
      writeback: async (action) => {
        for (const l of action.invoices) written.push({ invoice: l.externalId, step: action.stepId, channel: action.channel, summary: action.explain, key: action.idempotencyKey });
      },
    });
    // Due when handed off (now): run the executor a minute later, twice.
    const later = new Date(Date.now() + 60_000);
    await executeDue(deps, s.tenantId, later);
    await executeDue(deps, s.tenantId, later);
    expect(written.map((w) => [w.invoice, w.step, w.channel, w.summary])).toEqual([
      ['a', 'handoff', 'handoff', 'Dossier de recouvrement remis : Cabinet Martin, commissaire de justice'],
      ['b', 'handoff', 'handoff', 'Dossier de recouvrement remis : Cabinet Martin, commissaire de justice'],
    ]);
    const rows = (await outboxRows(sql, s.tenantId)).filter((r) => r.idempotency_key.includes('|handoff|'));
    expect(rows.map((r) => r.state)).toEqual(['sent']);
  });

  it("writes each step of the case back to the books once, in the books' language, and nothing for a step refused", async () => {
    const s = await seed(sql, { customers: [customer('c1')], invoices: [invoice('a', 'c1'), invoice('b', 'c1', { dueDate: '2026-03-09' })] });
    const h = { customerExternalId: 'c1', invoiceExternalIds: ['b', 'a'], to: 'Debt Recovery Ltd', actor: 'sam@example.co.uk', on: '2026-03-16', language: 'en' as const };
    await handOffRecovery(sql, s.tenantId, s.connectionId, h);
    const caseId = await openCase(sql, s.tenantId, { connectionId: s.connectionId, customerExternalId: 'c1', invoiceExternalIds: ['b', 'a'], handedTo: h.to, claimed: '200.00', currency: 'GBP', on: h.on, actor: h.actor });
    expect(await advanceCase(sql, s.tenantId, caseId, 'order_obtained', '2026-04-02', 'claim no. K1QZ1234', h.actor, 'en')).toBe(true);
    // Refused: the same state again, a step back, and another tenant's case.
    expect(await advanceCase(sql, s.tenantId, caseId, 'order_obtained', '2026-04-03', '', h.actor, 'en')).toBe(false);
    expect(await advanceCase(sql, s.tenantId, caseId, 'sent', '2026-04-03', '', h.actor, 'en')).toBe(false);
    const other = await seed(sql, { customers: [customer('c1')], invoices: [invoice('a', 'c1')] });
    expect(await advanceCase(sql, other.tenantId, caseId, 'paid', '2026-04-03', '', h.actor, 'en')).toBe(false);
    expect(await advanceCase(sql, s.tenantId, caseId, 'paid', '2026-05-10', '', h.actor, 'en')).toBe(true);
    const written: string[][] = [];
    const deps = makeDeps(sql, 9, { writeback: async (action) => { for (const l of action.invoices) written.push([l.externalId, action.dueOn, action.explain]); } });
    const later = new Date(Date.now() + 60_000);
    await executeDue(deps, s.tenantId, later);
    await executeDue(deps, s.tenantId, later);
    // The executor runs write-backs side by side: their order is not the point, each one once is.
    expect(written.sort((x, y) => (x[1]! + x[0]! < y[1]! + y[0]! ? -1 : 1))).toEqual([
      ['a', '2026-03-16', 'Recovery file handed to: Debt Recovery Ltd'],
      ['b', '2026-03-16', 'Recovery file handed to: Debt Recovery Ltd'],
      ['a', '2026-04-02', 'Recovery: order obtained (Debt Recovery Ltd)'],
      ['b', '2026-04-02', 'Recovery: order obtained (Debt Recovery Ltd)'],
      ['a', '2026-05-10', 'Recovery: paid (Debt Recovery Ltd)'],
      ['b', '2026-05-10', 'Recovery: paid (Debt Recovery Ltd)'],
    ]);
    const rows = (await outboxRows(sql, s.tenantId)).filter((r) => r.idempotency_key.includes('|case|'));
    expect(rows.map((r) => [r.idempotency_key.split('|').slice(-2).join('|'), r.state])).toEqual([['order_obtained|writeback', 'sent'], ['paid|writeback', 'sent']]);
    expect(await outboxRows(sql, other.tenantId)).toEqual([]);
  });

  it('refuses an empty hand-off', async () => {
    const s = await seed(sql, { customers: [customer('c1')], invoices: [invoice('a', 'c1')] });
    await expect(handOffRecovery(sql, s.tenantId, s.connectionId, { customerExternalId: 'c1', invoiceExternalIds: [], to: 'tribunal', actor: 'x', on: '2026-03-16' })).rejects.toThrow(/no invoice/);
    await expect(handOffRecovery(sql, s.tenantId, s.connectionId, { customerExternalId: 'c1', invoiceExternalIds: ['a'], to: ' ', actor: 'x', on: '2026-03-16' })).rejects.toThrow(/to whom/);
  });
});
