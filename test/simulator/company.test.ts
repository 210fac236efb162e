// The kit's company plan: reproducible for a seed, consistent, and shaped like a real SME's receivables (most paid, a little late).
import { describe, expect, it } from 'vitest';
import { planCompany, type CompanyPlan } from '../../src/simulator/company.js';
import { daysBetween } from '../../src/simulator/ledger.js';

const today = '2026-12-04';
const demo = (seed: number) => planCompany({ seed, today, customers: 38, invoices: 300, creditNotes: 18 });

/** What each invoice still owes (net of tax, minor units) once the plan's credits and payments are applied in date order. */
function residuals(plan: CompanyPlan): Map<number, number> {
  const owed = new Map<number, number>();
  plan.invoices.forEach((inv, i) => inv.state === 'open' && owed.set(i, inv.lines.reduce((s, l) => s + l.quantity * l.unitMinor, 0)));
  for (const c of plan.credits) if (c.invoice !== undefined && owed.has(c.invoice)) owed.set(c.invoice, Math.max(0, owed.get(c.invoice)! - c.netMinor));
  for (const p of plan.payments) for (const a of p.applies) owed.set(a.invoice, a.share === 'full' ? 0 : Math.round((owed.get(a.invoice)! * (100 - a.share)) / 100));
  return owed;
}

describe('company plan', () => {
  it('is the same for a seed and differs across seeds', () => {
    expect(demo(7)).toEqual(demo(7));
    expect(demo(8).invoices).not.toEqual(demo(7).invoices);
  });

  it('is consistent: dates in order, payments only on open invoices and never after today, the payment cap kept', () => {
    const plan = demo(3);
    expect(plan.invoices).toHaveLength(300);
    for (const inv of plan.invoices) {
      expect(inv.dueDate >= inv.issueDate && inv.issueDate <= today).toBe(true);
      expect(inv.lines.every((l) => Number.isSafeInteger(l.unitMinor) && l.unitMinor > 0 && l.quantity > 0)).toBe(true);
    }
    const dates = plan.payments.map((p) => p.date);
    expect(dates).toEqual([...dates].sort());
    for (const p of plan.payments) {
      expect(p.date <= today).toBe(true);
      for (const a of p.applies) expect(plan.invoices[a.invoice]!.state).toBe('open');
      expect(new Set(p.applies.map((a) => plan.invoices[a.invoice]!.customer)).size).toBe(1);
    }
    expect(planCompany({ seed: 3, today, customers: 38, invoices: 300, creditNotes: 18, payments: 40 }).payments).toEqual(plan.payments.slice(0, 40));
    expect(planCompany({ seed: 3, today, customers: 38, invoices: 300, creditNotes: 0, drafts: false, deletions: false }).invoices.every((i) => i.state === 'open' || i.state === 'void')).toBe(true);
  });

  it.each(Array.from({ length: 20 }, (_, i) => i + 1))('seed %i looks like a real SME: past due 20–45 % of receivables and mostly 1–30 days late, most invoices paid on time, a few chronic payers', (seed) => {
    const plan = demo(seed);
    const owed = residuals(plan);
    let open = 0;
    let pastDue = 0;
    let recent = 0;
    for (const [i, amount] of owed) {
      if (amount <= 0) continue;
      open += amount;
      const late = daysBetween(plan.invoices[i]!.dueDate, today);
      if (late > 0) pastDue += amount;
      if (late > 0 && late <= 30) recent += amount;
    }
    const share = pastDue / open;
    expect(share).toBeGreaterThanOrEqual(0.2);
    expect(share).toBeLessThanOrEqual(0.45);
    // By amount: most of what is past due is 1–30 days late.
    expect(recent).toBeGreaterThan(pastDue / 2);
    // Paid on or before the due date, among the fully paid invoices (settled on their latest payment).
    const settled = new Map<number, string>();
    for (const p of plan.payments) for (const a of p.applies) settled.set(a.invoice, p.date);
    const paid = [...owed].filter(([i, v]) => v === 0 && settled.has(i)).map(([i]) => i);
    expect(paid.length).toBeGreaterThan(owed.size * 0.6);
    expect(paid.filter((i) => settled.get(i)! <= plan.invoices[i]!.dueDate).length).toBeGreaterThan(paid.length * 0.6);
    const active = plan.customers.filter((c) => !c.dormant);
    const chronic = active.filter((c) => c.habit === 'chronic').length;
    expect(chronic).toBeGreaterThan(0);
    expect(chronic).toBeLessThanOrEqual(Math.ceil(active.length * 0.12));
    expect(active.filter((c) => c.habit === 'prompt').length).toBeGreaterThan(active.length * 0.7);
  });

});
