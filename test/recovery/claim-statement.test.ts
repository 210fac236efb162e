// Claim statement of a recovery file against figures worked by hand (issue #25 point 1).
// Rates used: FR B2B = ECB MRO + 10 points, 2025-H1 3.15 → 13.15 %, 2025-H2 2.15 → 12.15 %;
// UK = Bank Rate on the 31 Dec/30 Jun before the half-year the interest starts in + 8, 2025-H1 4.75 → 12.75 %, fixed.
// Interest per segment = balance × rate × days / 365, rounded half-up to the cent per segment.
import { describe, expect, it } from 'vitest';
import { buildClaimStatement } from '../../src/recovery/claim-statement.js';

describe('claim statement', () => {
  it('FR: a partial payment inside H1 and a rate change on 1 July, two invoices, per invoice and per period', () => {
    const s = buildClaimStatement({
      jurisdiction: 'FR',
      currency: 'EUR',
      asOf: '2025-07-31',
      invoices: [
        { number: 'F-2025-101', issueDate: '2025-05-16', dueDate: '2025-06-15', amount: '3000.00', payments: [{ date: '2025-06-20', amount: '1000.00' }] },
        { number: 'F-2025-140', issueDate: '2025-06-10', dueDate: '2025-07-10', amount: '500.00' },
      ],
    });
    const [a, b] = s.lines;
    // F-2025-101: 3000 × 13.15 % × 5/365 = 5.404… → 5.40 (16–20 Jun, the payment day still accrues on 3000);
    // 2000 × 13.15 % × 10/365 = 7.205… → 7.21 (21–30 Jun); 2000 × 12.15 % × 31/365 = 20.638… → 20.64 (July).
    expect(a?.segments.map((x) => [x.from, x.to, x.days, x.balance, x.rate, x.interest])).toEqual([
      ['2025-06-16', '2025-06-20', 5, '3000.00', '13.15', '5.40'],
      ['2025-06-21', '2025-06-30', 10, '2000.00', '13.15', '7.21'],
      ['2025-07-01', '2025-07-31', 31, '2000.00', '12.15', '20.64'],
    ]);
    expect([a?.paid, a?.principalDue, a?.interest, a?.compensation, a?.total]).toEqual(['1000.00', '2000.00', '33.25', '40.00', '2073.25']);
    // F-2025-140: 500 × 12.15 % × 21/365 = 3.495… → 3.50 (11–31 Jul).
    expect([b?.principalDue, b?.interest, b?.compensation, b?.total]).toEqual(['500.00', '3.50', '40.00', '543.50']);
    // Per period: H1 5.40 + 7.21 = 12.61 over 15 days; H2 20.64 + 3.50 = 24.14 over 31 + 21 days.
    expect(s.periods).toEqual([
      { period: '2025-H1', rate: '13.15', referenceRate: '3.15', margin: '10.00', days: 15, interest: '12.61' },
      { period: '2025-H2', rate: '12.15', referenceRate: '2.15', margin: '10.00', days: 52, interest: '24.14' },
    ]);
    expect(s.totals).toEqual({ amount: '3500.00', paid: '1000.00', principalDue: '2500.00', interest: '36.75', compensation: '80.00', claimed: '2616.75' });
    expect(s.regime).toBe('FR_B2B');
  });

  it('UK small debts: reference rate + 8 fixed at the start, £40 / £70 / £100 by the size of each debt', () => {
    const s = buildClaimStatement({
      jurisdiction: 'UK',
      currency: 'GBP',
      asOf: '2025-07-20',
      invoices: [
        { number: 'INV-0801', issueDate: '2025-05-21', dueDate: '2025-06-20', amount: '800.00' },
        { number: 'INV-0802', issueDate: '2025-05-21', dueDate: '2025-06-20', amount: '5000.00' },
        { number: 'INV-0803', issueDate: '2025-05-21', dueDate: '2025-06-20', amount: '12000.00' },
      ],
    });
    // 21 Jun – 20 Jul = 30 days at 12.75 %, no split on 1 July (the rate is fixed for the whole delay):
    // 800 × 12.75 % × 30/365 = 8.383… → 8.38; 5000 → 52.397… → 52.40; 12000 → 125.753… → 125.75.
    expect(s.lines.map((l) => [l.number, l.segments.length, l.interest, l.compensation, l.total])).toEqual([
      ['INV-0801', 1, '8.38', '40.00', '848.38'],
      ['INV-0802', 1, '52.40', '70.00', '5122.40'],
      ['INV-0803', 1, '125.75', '100.00', '12225.75'],
    ]);
    expect(s.periods).toEqual([{ period: '2025-H1', rate: '12.75', referenceRate: '4.75', margin: '8.00', days: 90, interest: '186.53' }]);
    expect(s.totals).toEqual({ amount: '17800.00', paid: '0.00', principalDue: '17800.00', interest: '186.53', compensation: '210.00', claimed: '18196.53' });
  });

  it('refuses a currency the file cannot claim, an empty list and an invoice listed twice', () => {
    const inv = { number: 'X-1', issueDate: '2025-01-01', dueDate: '2025-02-01', amount: '100.00' };
    expect(() => buildClaimStatement({ jurisdiction: 'FR', currency: 'GBP', asOf: '2025-03-01', invoices: [inv] })).toThrow(/claims EUR/);
    expect(() => buildClaimStatement({ jurisdiction: 'UK', currency: 'GBP', asOf: '2025-03-01', invoices: [] })).toThrow(/no invoice/);
    expect(() => buildClaimStatement({ jurisdiction: 'UK', currency: 'GBP', asOf: '2025-03-01', invoices: [inv, inv] })).toThrow(/listed twice/);
  });
});
