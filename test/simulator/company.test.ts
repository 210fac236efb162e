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

  it.each(Array.from({ length: 20 }, (_, i) => i + 1))('seed %i looks like a real SME: past-due between 20 and 45 % of receivables, mostly 1–30 days late, most customers prompt', (seed) => {
    const plan = demo(seed);
    const owed = residuals(plan);
    let open = 0;
    let pastDue = 0;
    const daysLate: number[] = [];
    for (const [i, amount] of owed) {
      if (amount <= 0) continue;
      open += amount;
      const late = daysBetween(plan.invoices[i]!.dueDate, today);
      if (late > 0) {
        pastDue += amount;
        daysLate.push(late);
      }
    }
    const share = pastDue / open;
    expect(share).toBeGreaterThanOrEqual(0.2);
    expect(share).toBeLessThanOrEqual(0.45);
    expect(daysLate.filter((d) => d <= 30).length).toBeGreaterThan(daysLate.length / 2);
    const paid = [...owed.values()].filter((v) => v === 0).length;
    expect(paid).toBeGreaterThan(owed.size * 0.6);
    expect(plan.customers.filter((c) => c.habit === 'prompt').length).toBeGreaterThan(plan.customers.length / 2);
  });
});
