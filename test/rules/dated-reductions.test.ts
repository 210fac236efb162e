// Late-payment interest on a partly settled invoice: every dated reduction (payments, credit-note allocations) counts, as in `relance penalty`.
import { describe, expect, it } from 'vitest';
import type { CreditNote, Customer, Invoice, Payment } from '../../src/model/index.js';
import { FRENCH_B2B_POLICY, evaluate, runPenaltyCli, type EvaluateInput, type Policy } from '../../src/rules/index.js';
import { sent } from './history.js';

// FR 2026-H1: ECB MRO on 1 Jan 2026 is 2.15 %, so the L441-10 rate is 12.15 %; interest runs from 2026-03-03.
const T = 'tenant-1';
const customers: Customer[] = [{ externalId: 'c1', name: 'Acme', emails: [], tags: [], active: true }];
const invoice = (amountDue: string): Invoice => ({
  externalId: '1', number: 'F-1', customerExternalId: 'c1', issueDate: '2026-02-01', dueDate: '2026-03-02', currency: 'EUR', total: '1000.00', amountDue, status: 'partially_paid', lines: [],
});
const payment: Payment = { externalId: 'p1', customerExternalId: 'c1', date: '2026-03-10', currency: 'EUR', amount: '100.00', unapplied: '0.00', status: 'posted', allocations: [{ invoiceExternalId: '1', amount: '100.00' }] };
const creditNote = (allocationDate: string | null, issueDate = '2026-03-20'): CreditNote => ({
  externalId: 'cn1', number: 'AV-1', customerExternalId: 'c1', issueDate, currency: 'EUR', total: '400.00', remaining: '0.00', status: 'applied',
  allocations: [{ invoiceExternalId: '1', amount: '400.00', date: allocationDate }],
});
const policy: Policy = { ...FRENCH_B2B_POLICY, groupBy: 'invoice' };
// The formal notice (D+30) falls on 2026-04-01, after the reminders and the firm reminder went out, and states the penalties.
const reminded = sent(T, { 'inv:1|reminder-1': '2026-03-03', 'inv:1|reminder-2': '2026-03-10', 'inv:1|firm': '2026-03-17' });
const notice = async (extra: Partial<EvaluateInput>, amountDue: string) => {
  const actions = await evaluate({ tenantId: T, today: '2026-04-01', timeZone: 'Europe/Paris', policy, customers, invoices: [invoice(amountDue)], ...reminded, ...extra });
  expect(actions.map((a) => a.stepId)).toEqual(['formal-notice']);
  return actions[0]!.penalties[0]!;
};

describe('dated reductions in the stated interest', () => {
  it('counts the credit-note allocation on its date as well as the payment (7.66, not 9.25)', async () => {
    // 1000 × 12.15 % × 8/365 = 2.66 (03-03..03-10) + 900 × 10/365 = 3.00 (03-11..03-20) + 500 × 12/365 = 2.00 (03-21..04-01)
    const p = await notice({ payments: [payment], creditNotes: [creditNote('2026-03-20')] }, '500.00');
    expect(p.interest).toBe('7.66');
    expect(p.warnings).toEqual([]);
    expect(p.basis?.reductions).toEqual([
      { date: '2026-03-10', amount: '100.00', source: 'payment p1' },
      { date: '2026-03-20', amount: '400.00', source: 'credit note AV-1' },
    ]);
  });

  it('without the payment: 1000 until the credit note, then 600 (8.39, not 5.99 on the residual)', async () => {
    // 1000 × 12.15 % × 18/365 = 5.99 + 600 × 12/365 = 2.40
    const p = await notice({ creditNotes: [creditNote('2026-03-20')] }, '600.00');
    expect(p.interest).toBe('8.39');
    expect(p.warnings).toEqual([]);
  });

  it('a credit applied without a date (QuickBooks credit memo) takes the credit note’s own date, and says so', async () => {
    const p = await notice({ payments: [payment], creditNotes: [creditNote(null)] }, '500.00');
    expect(p.interest).toBe('7.66');
    expect(p.warnings).toEqual(['CREDIT_DATE_ASSUMED: credit note AV-1 gives no date for its 400.00 applied to F-1; its own date 2026-03-20 is used']);
  });

  it('never states interest on an amount settled on an unknown date: it is taken as settled from the start', async () => {
    // Known: 100 paid on 03-10; the other 400 settled (write-off, unseen credit) on no known date.
    // 600 × 12.15 % × 8/365 = 1.60 + 500 × 22/365 = 3.66
    const p = await notice({ payments: [payment] }, '500.00');
    expect(p.interest).toBe('5.26');
    expect(p.warnings).toEqual(['REDUCTION_DATES_UNKNOWN: 400.00 of F-1 was settled on dates the ERP does not give; no interest is claimed on it']);
  });

  it('says when the allocations exceed what the ERP shows as settled, and never when amounts agree', async () => {
    const p = await notice({ payments: [payment], creditNotes: [creditNote('2026-03-20')] }, '600.00');
    expect(p.warnings).toEqual(['REDUCTIONS_EXCEED_SETTLED: payments and credits applied to F-1 exceed its total minus its amount due by 100.00; check the allocations in the ERP']);
  });

  it('states exactly what `relance penalty` computes from the same dated reductions', async () => {
    const p = await notice({ payments: [payment], creditNotes: [creditNote('2026-03-20')] }, '500.00');
    const cli = runPenaltyCli(['--jurisdiction', 'FR', '--amount', '1000.00', '--currency', 'EUR', '--due', '2026-03-02', '--paid', '2026-03-10:100.00', '--reduction', '2026-03-20:400.00', '--as-of', '2026-04-01']);
    expect([p.interest, p.compensation]).toEqual([cli.interest, cli.compensation]);
    // The firm reminder (D+15, 2026-03-17), when only the payment had been made.
    const [firm] = await evaluate({ tenantId: T, today: '2026-03-17', timeZone: 'Europe/Paris', policy, customers, invoices: [invoice('900.00')], payments: [payment], ...sent(T, { 'inv:1|reminder-1': '2026-03-03', 'inv:1|reminder-2': '2026-03-10' }) });
    expect(firm?.stepId).toBe('firm');
    const firmCli = runPenaltyCli(['--jurisdiction', 'FR', '--amount', '1000.00', '--currency', 'EUR', '--due', '2026-03-02', '--paid', '2026-03-10:100.00', '--as-of', '2026-03-17']);
    // 1000 × 12.15 % × 8/365 = 2.66 + 900 × 7/365 = 2.10
    expect([firm?.penalties[0]?.interest, firmCli.interest]).toEqual(['4.76', '4.76']);
    expect(cli.segments.map((s) => [s.from, s.to, s.balance, s.interest])).toEqual([
      ['2026-03-03', '2026-03-10', '1000.00', '2.66'],
      ['2026-03-11', '2026-03-20', '900.00', '3.00'],
      ['2026-03-21', '2026-04-01', '500.00', '2.00'],
    ]);
  });
});

describe('warnings in the explanation', () => {
  it('each penalty warning is also a reason of the action, said in its explanation', async () => {
    const [a] = await evaluate({ tenantId: T, today: '2026-04-01', timeZone: 'Europe/Paris', policy, customers, invoices: [invoice('500.00')], ...reminded, payments: [payment] });
    const text = 'REDUCTION_DATES_UNKNOWN: 400.00 of F-1 was settled on dates the ERP does not give; no interest is claimed on it';
    expect(a?.reasons).toContainEqual({ code: 'warning', text });
    expect(a?.explain).toContain(text);
  });
});
