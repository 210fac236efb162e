// Handing a recovery file off stops dunning for its invoices, and only for them (issue #25 point 4).
import { describe, expect, it } from 'vitest';
import { handOffRecovery } from '../../src/recovery/hand-off.js';
import { listPauses } from '../../src/store/pauses.js';
import { useDatabase } from '../support/db.js';
import { customer, invoice, makeDeps, outboxRows, plan, seed } from '../actions/fixtures.js';
import { executeDue } from '../../src/actions/executor.js';

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

  it('refuses an empty hand-off', async () => {
    const s = await seed(sql, { customers: [customer('c1')], invoices: [invoice('a', 'c1')] });
    await expect(handOffRecovery(sql, s.tenantId, s.connectionId, { customerExternalId: 'c1', invoiceExternalIds: [], to: 'tribunal', actor: 'x', on: '2026-03-16' })).rejects.toThrow(/no invoice/);
    await expect(handOffRecovery(sql, s.tenantId, s.connectionId, { customerExternalId: 'c1', invoiceExternalIds: ['a'], to: ' ', actor: 'x', on: '2026-03-16' })).rejects.toThrow(/to whom/);
  });
});
