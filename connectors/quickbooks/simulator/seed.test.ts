// The seeded QuickBooks company: deterministic by seed, and its books add up (recomputed here with decimal.js).
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { createQuickBooksSimulator } from './index.js';
import type { Json } from './test-helpers.js';

const clock = () => new Date('2026-07-15T10:00:00Z');
const d = (v: unknown) => new Decimal(String(v));
const link = (l: Json) => (l.LinkedTxn as Json[])[0] as Json;

describe('QuickBooks simulator seed', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = createQuickBooksSimulator({ seed: 7, clock });
    const b = createQuickBooksSimulator({ seed: 7, clock });
    const c = createQuickBooksSimulator({ seed: 8, clock });
    for (const e of ['Customer', 'Invoice', 'CreditMemo', 'Payment']) expect(b.data.list(e)).toEqual(a.data.list(e));
    expect(c.data.list('Invoice')).not.toEqual(a.data.list('Invoice'));
    expect(a.data.list('credit_note')).toEqual(a.data.list('CreditMemo'));
  });

  it('keeps invoice, credit memo, payment and customer balances consistent', () => {
    const sim = createQuickBooksSimulator({ seed: 3, clock, customers: 30, invoices: 400, creditNotes: 40, payments: 260 });
    const invoices = sim.data.list('Invoice');
    const memos = sim.data.list('CreditMemo');
    const payments = sim.data.list('Payment');
    const paidTo = new Map<string, Decimal>();
    for (const p of payments) {
      let applied = new Decimal(0);
      for (const l of p.Line as Json[]) {
        const key = `${String(link(l).TxnType)}:${String(link(l).TxnId)}`;
        paidTo.set(key, (paidTo.get(key) ?? new Decimal(0)).plus(d(l.Amount)));
        applied = link(l).TxnType === 'Invoice' ? applied.plus(d(l.Amount)) : applied.minus(d(l.Amount));
      }
      expect(d(p.TotalAmt).minus(applied).toString()).toBe(d(p.UnappliedAmt).toString());
    }
    for (const inv of invoices) {
      const lines = inv.Line as Json[];
      const items = lines.filter((l) => l.DetailType === 'SalesItemLineDetail');
      const subtotal = items.reduce((s, l) => s.plus(d(l.Amount)), new Decimal(0));
      for (const l of items) {
        const detail = l.SalesItemLineDetail as Json;
        expect(d(detail.UnitPrice).times(String(detail.Qty)).toString()).toBe(inv.PrivateNote === 'Voided' ? '0' : d(l.Amount).toString());
      }
      const tax = d((inv.TxnTaxDetail as Json).TotalTax);
      expect(subtotal.plus(tax).toString()).toBe(d(inv.TotalAmt).toString());
      const paid = paidTo.get(`Invoice:${String(inv.Id)}`) ?? new Decimal(0);
      expect(d(inv.TotalAmt).minus(paid).toString()).toBe(d(inv.Balance).toString());
      for (const n of [inv.TotalAmt, inv.Balance, tax.toNumber()]) expect(String(n)).toMatch(/^\d+(\.\d{1,2})?$/);
    }
    for (const cm of memos) {
      const used = paidTo.get(`CreditMemo:${String(cm.Id)}`) ?? new Decimal(0);
      expect(d(cm.TotalAmt).minus(used).toString()).toBe(d(cm.RemainingCredit).toString());
      expect(cm.Balance).toBe(cm.RemainingCredit);
    }
    for (const c of sim.data.list('Customer')) {
      const id = String(c.Id);
      const mine = (list: Json[]) => list.filter((x) => (x.CustomerRef as Json).value === id);
      const expected = mine(invoices)
        .reduce((s, i) => s.plus(d(i.Balance)), new Decimal(0))
        .minus(mine(memos).reduce((s, m) => s.plus(d(m.RemainingCredit)), new Decimal(0)))
        .minus(mine(payments).reduce((s, p) => s.plus(d(p.UnappliedAmt)), new Decimal(0)));
      expect(d(c.Balance).toString()).toBe(expected.toString());
    }
  });

  it('spreads realistic activity over the last 180 days', () => {
    const sim = createQuickBooksSimulator({ seed: 11, clock, customers: 30, invoices: 500 });
    const invoices = sim.data.list('Invoice');
    const today = '2026-07-15';
    const earliest = '2026-01-16';
    expect(invoices.every((i) => String(i.TxnDate) >= earliest && String(i.TxnDate) <= today)).toBe(true);
    expect(invoices.every((i) => String(i.DueDate) >= String(i.TxnDate))).toBe(true);
    const now = clock().getTime();
    const metaOk = (r: Json) => {
      const m = r.MetaData as Json;
      return Date.parse(String(m.CreateTime)) <= Date.parse(String(m.LastUpdatedTime)) && Date.parse(String(m.LastUpdatedTime)) <= now;
    };
    for (const e of ['Customer', 'Invoice', 'CreditMemo', 'Payment']) expect(sim.data.list(e).every(metaOk)).toBe(true);
    const paid = invoices.filter((i) => i.Balance === 0 && Number(i.TotalAmt) > 0).length;
    const partial = invoices.filter((i) => Number(i.Balance) > 0 && Number(i.Balance) < Number(i.TotalAmt)).length;
    const voided = invoices.filter((i) => String(i.PrivateNote ?? '').startsWith('Voided')).length;
    const open = invoices.filter((i) => i.Balance === i.TotalAmt && Number(i.TotalAmt) > 0).length;
    expect(paid).toBeGreaterThan(50);
    expect(partial).toBeGreaterThan(10);
    expect(voided).toBeGreaterThan(3);
    expect(open).toBeGreaterThan(50);
    expect(new Set(invoices.map((i) => (i.CurrencyRef as Json).value))).toEqual(new Set(['EUR']));
    expect(sim.data.list('Customer').some((c) => String(c.DisplayName).match(/SARL|SAS|SA$|& Fils/))).toBe(true);
    expect(sim.data.list('Payment').some((p) => p.TotalAmt === 0 && (p.Line as Json[]).some((l) => link(l).TxnType === 'CreditMemo'))).toBe(true);
  });

  it('uses the homeCurrency option and its tax default', () => {
    const sim = createQuickBooksSimulator({ clock, homeCurrency: 'USD', customers: 4, invoices: 10 });
    const inv = sim.data.list('Invoice')[0] as Json;
    expect(inv.CurrencyRef).toEqual({ value: 'USD', name: 'United States Dollar' });
    expect(inv.TxnTaxDetail).toEqual({ TotalTax: 0 });
  });

  it('seeds a 100k-invoice company', () => {
    const sim = createQuickBooksSimulator({ clock, customers: 2000, invoices: 100_000 });
    expect(sim.data.count('Invoice')).toBe(100_000);
    expect(sim.data.count('Payment')).toBeGreaterThan(50_000);
  });
});
