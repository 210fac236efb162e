// Penalty computation against hand-computed cases (exact decimals, law reference §1, §2, §5, §10).
import { describe, expect, it } from 'vitest';
import { RateMissing, computePenalty, runPenaltyCli, type PenaltyInput } from '../../src/rules/index.js';

type Case = { name: string; input: PenaltyInput; segments: Array<[from: string, to: string, days: number, balance: string, rate: string, interest: string]>; interest: string; compensation: string; total: string; warning?: string };

// Each interest below was worked by hand: balance × rate × days / 365, rounded half-up per segment.
const cases: Case[] = [
  {
    name: 'FR B2B across a half-year change: H1 2025 13.15 %, H2 2025 12.15 %',
    input: { jurisdiction: 'FR', amount: '10000.00', currency: 'EUR', dueDate: '2025-05-15', asOf: '2025-08-14' },
    // 10000 × 13.15 % × 46/365 = 165.726…; 10000 × 12.15 % × 45/365 = 149.794…
    segments: [['2025-05-16', '2025-06-30', 46, '10000.00', '13.15', '165.73'], ['2025-07-01', '2025-08-14', 45, '10000.00', '12.15', '149.79']],
    interest: '315.52', compensation: '40.00', total: '355.52',
  },
  {
    name: 'FR B2B partial payment reduces the balance from the day after it is made',
    input: { jurisdiction: 'FR', amount: '10000.00', currency: 'EUR', dueDate: '2025-05-15', asOf: '2025-09-30', payments: [{ date: '2025-06-10', amount: '4000.00' }, { date: '2025-07-20', amount: '6000.00' }] },
    // 10000 × 13.15 % × 26/365 = 93.671…; 6000 × 13.15 % × 20/365 = 43.232…; 6000 × 12.15 % × 20/365 = 39.945…
    segments: [['2025-05-16', '2025-06-10', 26, '10000.00', '13.15', '93.67'], ['2025-06-11', '2025-06-30', 20, '6000.00', '13.15', '43.23'], ['2025-07-01', '2025-07-20', 20, '6000.00', '12.15', '39.95']],
    interest: '176.85', compensation: '40.00', total: '216.85',
  },
  {
    name: 'FR H2 2022 stays at 10 %: the 27 Jul 2022 hike came after the 1 Jul anchor',
    input: { jurisdiction: 'FR', amount: '1000.00', currency: 'EUR', dueDate: '2022-07-10', asOf: '2022-08-31' },
    // 1000 × 10 % × 52/365 = 14.246…
    segments: [['2022-07-11', '2022-08-31', 52, '1000.00', '10.00', '14.25']],
    interest: '14.25', compensation: '40.00', total: '54.25',
  },
  {
    name: 'FR contractual rate below 3 × taux légal: the floor applies (H1 2024 floor 15.21 %)',
    input: { jurisdiction: 'FR', amount: '1000.00', currency: 'EUR', dueDate: '2024-02-01', asOf: '2024-03-02', contractRate: '5' },
    // 1000 × 15.21 % × 30/365 = 12.501…
    segments: [['2024-02-02', '2024-03-02', 30, '1000.00', '15.21', '12.50']],
    interest: '12.50', compensation: '40.00', total: '52.50', warning: 'CONTRACT_RATE_BELOW_FLOOR',
  },
  {
    name: 'FR B2C: taux légal (business creditor, "autres cas") from the day after the notice, no €40',
    input: { jurisdiction: 'FR', amount: '2000.00', currency: 'EUR', dueDate: '2025-03-01', asOf: '2025-07-31', debtor: 'consumer', noticeDate: '2025-06-10' },
    // 2000 × 3.71 % × 20/365 = 4.065…; 2000 × 2.76 % × 31/365 = 4.688…
    segments: [['2025-06-11', '2025-06-30', 20, '2000.00', '3.71', '4.07'], ['2025-07-01', '2025-07-31', 31, '2000.00', '2.76', '4.69']],
    interest: '8.76', compensation: '0.00', total: '8.76', warning: 'B2C_FEES_BLOCKED',
  },
  {
    name: 'FR B2C with a private-person creditor uses the "particuliers" rate',
    input: { jurisdiction: 'FR', amount: '2000.00', currency: 'EUR', dueDate: '2025-03-01', asOf: '2025-06-30', debtor: 'consumer', creditor: 'consumer', noticeDate: '2025-06-10' },
    // 2000 × 7.21 % × 20/365 = 7.901…
    segments: [['2025-06-11', '2025-06-30', 20, '2000.00', '7.21', '7.90']],
    interest: '7.90', compensation: '0.00', total: '7.90',
  },
  {
    name: 'UK: reference rate fixed at the start (H1 2025 → 4.75 + 8), no split on 1 Jul; £70 for a £5,000 debt',
    input: { jurisdiction: 'UK', amount: '5000.00', currency: 'GBP', dueDate: '2025-06-20', asOf: '2025-09-30' },
    // 5000 × 12.75 % × 102/365 = 178.150…
    segments: [['2025-06-21', '2025-09-30', 102, '5000.00', '12.75', '178.15']],
    interest: '178.15', compensation: '70.00', total: '248.15',
  },
  {
    name: 'DE B2B: Basiszinssatz + 9 per half-year, €40',
    input: { jurisdiction: 'DE', amount: '1000.00', currency: 'EUR', dueDate: '2025-06-27', asOf: '2025-07-15' },
    // 1000 × 11.27 % × 3/365 = 0.926…; 1000 × 10.27 % × 15/365 = 4.220…
    segments: [['2025-06-28', '2025-06-30', 3, '1000.00', '11.27', '0.93'], ['2025-07-01', '2025-07-15', 15, '1000.00', '10.27', '4.22']],
    interest: '5.15', compensation: '40.00', total: '45.15',
  },
  {
    name: 'DE consumer: Basiszinssatz + 5, no Pauschale',
    input: { jurisdiction: 'DE', amount: '1000.00', currency: 'EUR', dueDate: '2025-07-31', asOf: '2025-08-30', debtor: 'consumer' },
    // 1000 × 6.27 % × 30/365 = 5.153…
    segments: [['2025-08-01', '2025-08-30', 30, '1000.00', '6.27', '5.15']],
    interest: '5.15', compensation: '0.00', total: '5.15',
  },
  {
    name: 'EU directive: MRO at the anchor + 8 (H2 2025: 2.15 + 8)',
    input: { jurisdiction: 'EU', amount: '1000.00', currency: 'EUR', dueDate: '2025-07-31', asOf: '2025-08-30' },
    // 1000 × 10.15 % × 30/365 = 8.342…
    segments: [['2025-08-01', '2025-08-30', 30, '1000.00', '10.15', '8.34']],
    interest: '8.34', compensation: '40.00', total: '48.34',
  },
  {
    name: 'US contract rate (Les Echos formula check): 15,000 × 15 % × 30/365 = 184.93',
    input: { jurisdiction: 'US', amount: '15000.00', currency: 'USD', dueDate: '2018-04-15', asOf: '2018-05-15', contractRate: '15' },
    segments: [['2018-04-16', '2018-05-15', 30, '15000.00', '15.00', '184.93']],
    interest: '184.93', compensation: '0.00', total: '184.93',
  },
  {
    name: 'US gov.uk example shape: £1,000 at 8.5 % for 50 days = 11.64 unrounded-daily',
    input: { jurisdiction: 'US', amount: '1000.00', currency: 'USD', dueDate: '2025-01-01', asOf: '2025-02-20', contractRate: '8.5' },
    segments: [['2025-01-02', '2025-02-20', 50, '1000.00', '8.50', '11.64']],
    interest: '11.64', compensation: '0.00', total: '11.64',
  },
  {
    name: 'US without a contract rate: zero with a warning',
    input: { jurisdiction: 'US', amount: '1000.00', currency: 'USD', dueDate: '2025-01-01', asOf: '2025-02-20' },
    segments: [], interest: '0.00', compensation: '0.00', total: '0.00', warning: 'US_NO_STATUTORY_RATE',
  },
  {
    name: 'paid on the due date: no interest and no €40',
    input: { jurisdiction: 'FR', amount: '500.00', currency: 'EUR', dueDate: '2025-05-15', asOf: '2025-06-30', payments: [{ date: '2025-05-15', amount: '500.00' }] },
    segments: [], interest: '0.00', compensation: '0.00', total: '0.00',
  },
  {
    // Due Saturday 30 Aug 2025: the last day to pay moves to Monday 1 Sep (§193 BGB, law §4.2), so Monday is on time.
    name: 'DE due on a Saturday and paid on the Monday: no interest and no €40',
    input: { jurisdiction: 'DE', amount: '1000.00', currency: 'EUR', dueDate: '2025-08-30', asOf: '2025-09-30', payments: [{ date: '2025-09-01', amount: '1000.00' }] },
    segments: [], interest: '0.00', compensation: '0.00', total: '0.00', warning: 'DUE_DATE_SHIFTED',
  },
  {
    name: 'paid one day late: one day of interest and the full €40',
    input: { jurisdiction: 'FR', amount: '500.00', currency: 'EUR', dueDate: '2025-05-15', asOf: '2025-06-30', payments: [{ date: '2025-05-16', amount: '500.00' }] },
    // 500 × 13.15 % × 1/365 = 0.180…
    segments: [['2025-05-16', '2025-05-16', 1, '500.00', '13.15', '0.18']],
    interest: '0.18', compensation: '40.00', total: '40.18',
  },
];

describe('computePenalty', () => {
  it.each(cases)('$name', (c) => {
    const r = computePenalty(c.input);
    expect(r.segments.map((s) => [s.from, s.to, s.days, s.balance, s.rate, s.interest])).toEqual(c.segments);
    expect([r.interest, r.compensation, r.total]).toEqual([c.interest, c.compensation, c.total]);
    if (c.warning) expect(r.warnings.join('\n')).toContain(c.warning);
  });

  it('UK fixed sum follows the debt size: < £1,000 → £40, < £10,000 → £70, else £100', () => {
    const fixed = (amount: string) => computePenalty({ jurisdiction: 'UK', amount, currency: 'GBP', dueDate: '2025-02-01', asOf: '2025-03-01' }).compensation;
    expect(['999.99', '1000.00', '9999.99', '10000.00'].map(fixed)).toEqual(['40.00', '70.00', '70.00', '100.00']);
  });

  it('ACT/ACT divides by 366 in a leap year', () => {
    const base: PenaltyInput = { jurisdiction: 'FR', amount: '1000.00', currency: 'EUR', dueDate: '2024-02-01', asOf: '2024-03-02' };
    // 1000 × 14.50 % × 30/365 = 11.917…; × 30/366 = 11.885…
    expect(computePenalty(base).interest).toBe('11.92');
    expect(computePenalty({ ...base, dayCount: 'ACT/ACT' }).interest).toBe('11.89');
  });

  it('a missing rate is an error naming the period, never a silent reuse', () => {
    const frH2 = () => computePenalty({ jurisdiction: 'FR', amount: '100.00', currency: 'EUR', dueDate: '2026-05-15', asOf: '2026-08-01' });
    expect(frH2).toThrow(RateMissing);
    expect(frH2).toThrow(/2026-H2/);
    expect(() => computePenalty({ jurisdiction: 'UK', amount: '100.00', currency: 'GBP', dueDate: '2026-07-01', asOf: '2026-08-01' })).toThrow(/RATE_MISSING\(2026-H2\)/);
    expect(() => computePenalty({ jurisdiction: 'DE', amount: '100.00', currency: 'EUR', dueDate: '2015-01-01', asOf: '2015-02-01' })).toThrow(/2015-H1/);
    // H1 2026 alone is known: the same invoice stopped on 30 Jun works.
    expect(computePenalty({ jurisdiction: 'FR', amount: '100.00', currency: 'EUR', dueDate: '2026-05-15', asOf: '2026-06-30' }).segments).toHaveLength(1);
  });

  it('FR B2C without a formal notice accrues nothing and says why', () => {
    const r = computePenalty({ jurisdiction: 'FR', amount: '100.00', currency: 'EUR', dueDate: '2025-01-01', asOf: '2025-06-01', debtor: 'consumer' });
    expect(r.total).toBe('0.00');
    expect(r.warnings.join()).toMatch(/NO_FORMAL_NOTICE/);
  });
});

describe('runPenaltyCli', () => {
  it('parses the documented arguments, repeated --paid included', () => {
    const r = runPenaltyCli(['--jurisdiction', 'FR', '--amount', '10000.00', '--currency', 'EUR', '--due', '2025-05-15', '--paid', '2025-06-10:4000', '--paid=2025-07-20:6000.00', '--as-of', '2025-09-30']);
    expect(r.interest).toBe('176.85');
    expect(r.total).toBe('216.85');
  });

  it('defaults --as-of to the last payment when fully paid, else to opts.today', () => {
    expect(runPenaltyCli(['--jurisdiction', 'FR', '--amount', '10000.00', '--currency', 'EUR', '--due', '2025-05-15', '--paid', '2025-06-10:4000', '--paid', '2025-07-20:6000']).asOf).toBe('2025-07-20');
    expect(runPenaltyCli(['--jurisdiction', 'UK', '--amount', '5000', '--currency', 'GBP', '--due', '2025-06-20'], { today: '2025-09-30' }).interest).toBe('178.15');
  });

  it('passes debtor, notice and contract rate through', () => {
    const r = runPenaltyCli(['--jurisdiction', 'FR', '--amount', '2000', '--currency', 'EUR', '--due', '2025-03-01', '--as-of', '2025-07-31', '--debtor', 'consumer', '--notice', '2025-06-10']);
    expect(r.interest).toBe('8.76');
    expect(runPenaltyCli(['--jurisdiction', 'US', '--amount', '15000', '--currency', 'USD', '--due', '2018-04-15', '--as-of', '2018-05-15', '--contract-rate', '15%']).interest).toBe('184.93');
  });

  it.each([
    [['--jurisdiction', 'XX', '--amount', '1', '--currency', 'EUR', '--due', '2025-01-01', '--as-of', '2025-02-01'], /jurisdiction/],
    [['--jurisdiction', 'FR', '--currency', 'EUR', '--due', '2025-01-01', '--as-of', '2025-02-01'], /--amount is required/],
    [['--jurisdiction', 'FR', '--amount', '1.005', '--currency', 'EUR', '--due', '2025-01-01', '--as-of', '2025-02-01'], /more than 2 decimals/],
    [['--jurisdiction', 'FR', '--amount', '1', '--currency', 'EUR', '--due', '2025-02-30', '--as-of', '2025-03-01'], /--due "2025-02-30"/],
    [['--jurisdiction', 'FR', '--amount', '1', '--currency', 'EUR', '--due', '2025-01-01'], /--as-of is required/],
    [['--jurisdiction', 'FR', '--amount', '1', '--currency', 'EUR', '--due', '2025-01-01', '--as-of', '2025-02-01', '--paid', '2025-01-10'], /DATE:AMOUNT/],
    [['--jurisdiction', 'FR', '--amount', '1', '--currency', 'EUR', '--due', '2025-01-01', '--as-of', '2025-02-01', '--debtor', 'state'], /business or consumer/],
    [['--jurisdiction', 'FR', '--amount', '1', '--currency', 'EUR', '--due', '2025-01-01', '--as-of', '2025-02-01', '--frobnicate', 'x'], /unknown option --frobnicate/],
    [['--jurisdiction', 'FR', '--amount', '1', '--currency', 'EUR', '--due'], /--due needs a value/],
  ])('rejects bad arguments %#', (argv, message) => {
    expect(() => runPenaltyCli(argv)).toThrow(message);
  });
});
