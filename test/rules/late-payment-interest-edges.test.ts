// Penalty computation at the edges the hand-computed cases leave out: each regime's variants, the day a period starts
// or ends, the currency of the fixed sum, the segment details, the input checks and the CLI's options (issue #20:
// mutants of src/rules/late-payment-interest.ts that no test noticed). Every figure is worked by hand from the law
// notes (late-payment-law.md §1, §2, §5, §10): balance × rate × days / 365, rounded half-up per segment.
import { describe, expect, it } from 'vitest';
import { computePenalty, penaltyFromBasis, runPenaltyCli, type PenaltyInput } from '../../src/rules/index.js';

const rows = (input: PenaltyInput) => computePenalty(input).segments.map((s) => [s.from, s.to, s.days, s.balance, s.rate, s.interest]);


/** 1,000.00 EUR due 31 July 2025, as of 30 August (30 days late): the first segment's rate, reference, margin, period and interest. */
function firstSegment(jurisdiction: 'DE' | 'EU', contractRate?: string) {
  const input: PenaltyInput = { jurisdiction, amount: '1000.00', currency: 'EUR', dueDate: '2025-07-31', asOf: '2025-08-30' };
  if (contractRate) input.contractRate = contractRate;
  const s = computePenalty(input).segments[0]!;
  return [s.rate, s.referenceRate, s.margin, s.period, s.interest];
}

describe('computePenalty: regimes and their variants', () => {
  it('UK with an agreed contract rate: that rate, fixed, the statutory fixed sum, and the warning that it must be a substantial remedy', () => {
    const r = computePenalty({ jurisdiction: 'UK', amount: '5000.00', currency: 'GBP', dueDate: '2025-06-20', asOf: '2025-09-30', contractRate: '10' });
    // 5000 × 10 % × 102/365 = 139.726…; £70 for a debt of £1,000–£9,999.99 (law §5).
    expect(r.regime).toBe('UK_CONTRACT');
    expect(r.segments).toEqual([{ from: '2025-06-21', to: '2025-09-30', days: 102, balance: '5000.00', rate: '10.00', referenceRate: null, margin: null, period: '2025-H1', interest: '139.73' }]);
    expect([r.interest, r.compensation, r.compensationCurrency, r.total]).toEqual(['139.73', '70.00', 'GBP', '209.73']);
    expect(r.warnings).toEqual(['CONTRACT_RATE_REPLACES_STATUTORY: valid only if the contract gives a substantial remedy for late payment']);
  });

  it('UK statutory segment states the reference rate of the half-year before the start and the 8-point margin', () => {
    const r = computePenalty({ jurisdiction: 'UK', amount: '5000.00', currency: 'GBP', dueDate: '2025-06-20', asOf: '2025-09-30' });
    // Interest starts 21 Jun 2025: reference = Bank Rate on 31 Dec 2024 = 4.75 % (law §2.5).
    expect(r.regime).toBe('UK_LPCDA');
    expect(r.start).toBe('2025-06-21');
    expect(r.segments.map((s) => [s.referenceRate, s.margin, s.period])).toEqual([['4.75', '8.00', '2025-H1']]);
    expect(r.warnings).toEqual([]);
  });

  it('UK fixed sum is set by the debt outstanding when interest starts, not the invoice total (law §10.2 step 7)', () => {
    // 1,500 invoiced, 600 paid before the due date: 900 outstanding when interest starts → £40, not £70.
    const r = computePenalty({ jurisdiction: 'UK', amount: '1500.00', currency: 'GBP', dueDate: '2025-02-01', asOf: '2025-03-01', payments: [{ date: '2025-01-20', amount: '600.00' }] });
    // 900 × 12.75 % × 28/365 = 8.802…
    expect(rows({ jurisdiction: 'UK', amount: '1500.00', currency: 'GBP', dueDate: '2025-02-01', asOf: '2025-03-01', payments: [{ date: '2025-01-20', amount: '600.00' }] })).toEqual([['2025-02-02', '2025-03-01', 28, '900.00', '12.75', '8.80']]);
    expect([r.interest, r.compensation, r.total]).toEqual(['8.80', '40.00', '48.80']);
  });

  it.each([
    ['UK', 'GBP', 'UK_NONE', 'UK_CONSUMER_EXCLUDED: the Late Payment of Commercial Debts (Interest) Act 1998 does not apply to consumer debts'],
    ['EU', 'EUR', 'EU_NONE', 'EU_CONSUMER_EXCLUDED: Directive 2011/7/EU covers commercial transactions only'],
  ] as const)('%s consumer debt: no statutory interest, no fixed sum, and the reason', (jurisdiction, currency, regime, warning) => {
    const r = computePenalty({ jurisdiction, amount: '5000.00', currency, dueDate: '2025-02-01', asOf: '2025-09-30', debtor: 'consumer' });
    expect([r.regime, r.start, r.segments, r.interest, r.compensation, r.compensationCurrency, r.total]).toEqual([regime, null, [], '0.00', '0.00', currency, '0.00']);
    expect(r.warnings).toEqual([warning]);
  });

  it.each([
    ['Saturday', '2025-08-30'],
    ['Sunday', '2025-08-31'],
  ])('DE due on a %s: Verzug from the day after the next working day (§193 BGB), and says so', (_day, dueDate) => {
    const r = computePenalty({ jurisdiction: 'DE', amount: '1000.00', currency: 'EUR', dueDate, asOf: '2025-09-30' });
    // Monday 1 Sep 2025 is the last day to pay: 2 Sep .. 30 Sep = 29 days; 1000 × 10.27 % × 29/365 = 8.159…
    expect(r.start).toBe('2025-09-02');
    expect(r.segments.map((s) => [s.from, s.to, s.days, s.rate, s.interest])).toEqual([['2025-09-02', '2025-09-30', 29, '10.27', '8.16']]);
    expect(r.warnings).toEqual([`DUE_DATE_SHIFTED: ${dueDate} falls on a weekend; Verzug starts after 2025-09-01 (§193 BGB)`]);
  });

  it('DE segment states the Basiszinssatz and the 9-point margin; a contract rate above the statutory one replaces it, one at or below it does not', () => {
    const de = (contractRate?: string) => firstSegment('DE', contractRate);
    // H2 2025: Basiszinssatz 1.27 % + 9 = 10.27 % (law §2.4); 1000 × 10.27 % × 30/365 = 8.441…; at 15 %: 12.328…
    expect(computePenalty({ jurisdiction: 'DE', amount: '1000.00', currency: 'EUR', dueDate: '2025-07-31', asOf: '2025-08-30' }).regime).toBe('DE_B2B');
    expect(de()).toEqual(['10.27', '1.27', '9.00', '2025-H2', '8.44']);
    expect(de('15')).toEqual(['15.00', null, null, '2025-H2', '12.33']);
    expect(de('5')).toEqual(['10.27', '1.27', '9.00', '2025-H2', '8.44']);
    expect(de('10.27')).toEqual(['10.27', '1.27', '9.00', '2025-H2', '8.44']);
  });

  it('DE with a private creditor and a business debtor: Basiszinssatz + 5 (§288(1) BGB), the €40 still owed (the debtor is no consumer)', () => {
    const r = computePenalty({ jurisdiction: 'DE', amount: '1000.00', currency: 'EUR', dueDate: '2025-07-31', asOf: '2025-08-30', creditor: 'consumer' });
    // 1000 × 6.27 % × 30/365 = 5.153…
    expect(r.regime).toBe('DE_CONS');
    expect(r.segments.map((s) => [s.rate, s.margin, s.interest])).toEqual([['6.27', '5.00', '5.15']]);
    expect([r.compensation, r.total]).toEqual(['40.00', '45.15']);
  });

  it('EU directive: the MRO and the 8-point margin per half-year; a contract rate above the statutory one replaces it, one at or below it does not', () => {
    const eu = (contractRate?: string) => firstSegment('EU', contractRate);
    // H2 2025: MRO 2.15 % + 8 = 10.15 % (law §4.1); 1000 × 10.15 % × 30/365 = 8.342…; at 12 %: 9.863…
    expect(eu()).toEqual(['10.15', '2.15', '8.00', '2025-H2', '8.34']);
    expect(eu('12')).toEqual(['12.00', null, null, '2025-H2', '9.86']);
    expect(eu('5')).toEqual(['10.15', '2.15', '8.00', '2025-H2', '8.34']);
    expect(eu('10.15')).toEqual(['10.15', '2.15', '8.00', '2025-H2', '8.34']);
  });

  it('FR B2B segment states the MRO of the half-year and the 10-point margin', () => {
    const r = computePenalty({ jurisdiction: 'FR', amount: '1000.00', currency: 'EUR', dueDate: '2025-07-31', asOf: '2025-08-30' });
    expect(r.regime).toBe('FR_B2B');
    expect(r.segments.map((s) => [s.rate, s.referenceRate, s.margin, s.period, s.interest])).toEqual([['12.15', '2.15', '10.00', '2025-H2', '9.99']]);
  });

  it('FR contract rate at or above 3 × taux légal applies as agreed, without a floor warning', () => {
    const fr = (contractRate: string) => computePenalty({ jurisdiction: 'FR', amount: '1000.00', currency: 'EUR', dueDate: '2025-07-31', asOf: '2025-08-30', contractRate });
    // H2 2025 floor: 3 × 2.76 % = 8.28 % (law §2.2). 1000 × 15 % × 30/365 = 12.328…; × 8.28 % = 6.805…
    const above = fr('15');
    expect(above.regime).toBe('FR_B2B_CONTRACT');
    expect(above.segments.map((s) => [s.rate, s.referenceRate, s.margin, s.period, s.interest])).toEqual([['15.00', null, null, '2025-H2', '12.33']]);
    expect([above.compensation, above.warnings]).toEqual(['40.00', []]);
    const atFloor = fr('8.28');
    expect(atFloor.segments.map((s) => [s.rate, s.interest])).toEqual([['8.28', '6.81']]);
    expect(atFloor.warnings).toEqual([]);
  });

  it('FR contract rate below the floor: the floor applies, each half-year with its own floor, and each half-year is warned about once', () => {
    // 5 % agreed; H1 2024 floor 3 × 5.07 = 15.21 %, H2 2024 floor 3 × 4.92 = 14.76 % (law §2.2). A payment splits H1 in two.
    const r = computePenalty({ jurisdiction: 'FR', amount: '1000.00', currency: 'EUR', dueDate: '2024-06-10', asOf: '2024-07-10', contractRate: '5', payments: [{ date: '2024-06-20', amount: '500.00' }] });
    // 1000 × 15.21 % × 10/365 = 4.167…; 500 × 15.21 % × 10/365 = 2.083…; 500 × 14.76 % × 10/365 = 2.021…
    expect(r.segments.map((s) => [s.from, s.to, s.days, s.balance, s.rate, s.referenceRate, s.interest])).toEqual([
      ['2024-06-11', '2024-06-20', 10, '1000.00', '15.21', null, '4.17'],
      ['2024-06-21', '2024-06-30', 10, '500.00', '15.21', null, '2.08'],
      ['2024-07-01', '2024-07-10', 10, '500.00', '14.76', null, '2.02'],
    ]);
    expect(r.warnings).toEqual([
      'CONTRACT_RATE_BELOW_FLOOR: 5.00 % is below 3 × taux légal = 15.21 % in 2024-H1; the floor applies (L441-10 II)',
      'CONTRACT_RATE_BELOW_FLOOR: 5.00 % is below 3 × taux légal = 14.76 % in 2024-H2; the floor applies (L441-10 II)',
    ]);
  });

  it('FR B2C: a contract rate is set aside for the taux légal; interest can start on the day the notice is received when so configured', () => {
    const input: PenaltyInput = { jurisdiction: 'FR', amount: '2000.00', currency: 'EUR', dueDate: '2025-03-01', asOf: '2025-07-31', debtor: 'consumer', noticeDate: '2025-06-10', contractRate: '20' };
    // Taux légal "autres cas": H1 2025 3.71 %, H2 2025 2.76 % (law §2.3). Next day: 20 + 31 days (4.07 + 4.69).
    const nextDay = computePenalty(input);
    expect(nextDay.regime).toBe('FR_B2C');
    expect(nextDay.segments.map((s) => [s.from, s.days, s.rate, s.referenceRate, s.margin, s.period, s.interest])).toEqual([
      ['2025-06-11', 20, '3.71', '3.71', '0.00', '2025-H1', '4.07'],
      ['2025-07-01', 31, '2.76', '2.76', '0.00', '2025-H2', '4.69'],
    ]);
    expect(nextDay.warnings).toEqual([
      'B2C_FEES_BLOCKED: no €40 or recovery fees may be charged to a consumer (CPCE L111-8)',
      'CONTRACT_RATE_IGNORED: a B2C contractual late-interest clause needs unfair-terms review; legal-rate interest computed instead',
    ]);
    // Same day: 2000 × 3.71 % × 21/365 = 4.269…
    const sameDay = computePenalty({ ...input, noticeStart: 'same_day' });
    expect(sameDay.start).toBe('2025-06-10');
    expect(sameDay.segments.map((s) => [s.from, s.days, s.interest])).toEqual([['2025-06-10', 21, '4.27'], ['2025-07-01', 31, '4.69']]);
    expect([sameDay.interest, sameDay.compensation]).toEqual(['8.96', '0.00']);
  });

  it('FR B2C without a notice: the regime names itself, states no start and warns twice (no fees, no notice)', () => {
    const r = computePenalty({ jurisdiction: 'FR', amount: '100.00', currency: 'EUR', dueDate: '2025-01-01', asOf: '2025-06-01', debtor: 'consumer' });
    expect([r.regime, r.start, r.segments]).toEqual(['FR_B2C', null, []]);
    expect(r.warnings).toEqual([
      'B2C_FEES_BLOCKED: no €40 or recovery fees may be charged to a consumer (CPCE L111-8)',
      'NO_FORMAL_NOTICE: consumer interest runs only from the mise en demeure (C. civ. 1344-1); none given',
    ]);
  });

  it('US contract: the period reads "contract", no reference rate or margin; without a rate, no start and the reason', () => {
    const r = computePenalty({ jurisdiction: 'US', amount: '1000.00', currency: 'USD', dueDate: '2025-01-01', asOf: '2025-01-31', contractRate: '12.125' });
    // 1000 × 12.125 % × 30/365 = 9.965…; the rate keeps its third decimal.
    expect(r.segments).toEqual([{ from: '2025-01-02', to: '2025-01-31', days: 30, balance: '1000.00', rate: '12.125', referenceRate: null, margin: null, period: 'contract', interest: '9.97' }]);
    expect(r.regime).toBe('US_CONTRACT');
    const none = computePenalty({ jurisdiction: 'US', amount: '1000.00', currency: 'USD', dueDate: '2025-01-01', asOf: '2025-01-31' });
    expect([none.regime, none.start]).toEqual(['US_CONTRACT_ONLY', null]);
    expect(none.warnings).toEqual(['US_NO_STATUTORY_RATE: no statutory late-payment interest for private B2B invoices; give the agreed contract rate']);
  });
});

describe('computePenalty: which regimes split at a half-year', () => {
  it('EU directive: each half-year at its own MRO + 8', () => {
    // MRO on 1 Jan 2025 3.15 % → 11.15 %; on 1 Jul 2025 2.15 % → 10.15 % (law §2.1, §4.1). 1000 × 11.15 % × 15/365 = 4.582…; × 10.15 % = 4.171…
    expect(rows({ jurisdiction: 'EU', amount: '1000.00', currency: 'EUR', dueDate: '2025-06-15', asOf: '2025-07-15' })).toEqual([
      ['2025-06-16', '2025-06-30', 15, '1000.00', '11.15', '4.58'],
      ['2025-07-01', '2025-07-15', 15, '1000.00', '10.15', '4.17'],
    ]);
  });

  it('US contract: one agreed rate for the whole delay, no split on 1 July', () => {
    // 1000 × 12 % × 153/365 = 50.301…
    expect(rows({ jurisdiction: 'US', amount: '1000.00', currency: 'USD', dueDate: '2025-04-30', asOf: '2025-09-30', contractRate: '12' })).toEqual([['2025-05-01', '2025-09-30', 153, '1000.00', '12.00', '50.30']]);
  });
});

describe('computePenalty: the result', () => {
  it('echoes the jurisdiction, currency and as-of date it computed for', () => {
    const r = computePenalty({ jurisdiction: 'EU', amount: '1000.00', currency: 'EUR', dueDate: '2025-07-31', asOf: '2025-08-30' });
    expect([r.jurisdiction, r.regime, r.currency, r.asOf, r.start]).toEqual(['EU', 'EU_DIRECTIVE', 'EUR', '2025-08-30', '2025-08-01']);
  });

  it('a fixed sum in another currency than the invoice is stated apart and not added to the total', () => {
    // FR B2B invoice in US dollars: 1000 × 12.15 % × 30/365 = 9.986… USD; the €40 stays in euros.
    const fr = computePenalty({ jurisdiction: 'FR', amount: '1000.00', currency: 'USD', dueDate: '2025-07-31', asOf: '2025-08-30' });
    expect([fr.interest, fr.compensation, fr.compensationCurrency, fr.total]).toEqual(['9.99', '40.00', 'EUR', '9.99']);
    expect(fr.warnings).toEqual(['COMPENSATION_CURRENCY_DIFFERS: the fixed sum is 40.00 EUR, not added to the USD total']);
    // UK debt in euros: the fixed sum is in pounds. 5000 × 12.75 % × 102/365 = 178.150…
    const uk = computePenalty({ jurisdiction: 'UK', amount: '5000.00', currency: 'EUR', dueDate: '2025-06-20', asOf: '2025-09-30' });
    expect([uk.interest, uk.compensation, uk.compensationCurrency, uk.total]).toEqual(['178.15', '70.00', 'GBP', '178.15']);
    expect(uk.warnings).toEqual(['COMPENSATION_CURRENCY_DIFFERS: the fixed sum is 70.00 GBP, not added to the EUR total']);
  });

  it('a zero fixed sum is stated in the invoice currency, without a currency warning', () => {
    const r = computePenalty({ jurisdiction: 'DE', amount: '1000.00', currency: 'CHF', dueDate: '2025-07-31', asOf: '2025-08-30', debtor: 'consumer' });
    expect([r.compensation, r.compensationCurrency, r.total]).toEqual(['0.00', 'CHF', '5.15']);
    expect(r.warnings).toEqual([]);
  });
});

describe('computePenalty: the first and last days', () => {
  it('as of the due date nothing is owed; as of the next day, one day of interest and the €40', () => {
    const fr = (asOf: string) => computePenalty({ jurisdiction: 'FR', amount: '10000.00', currency: 'EUR', dueDate: '2025-05-15', asOf });
    const onDue = fr('2025-05-15');
    expect([onDue.segments, onDue.interest, onDue.compensation, onDue.total]).toEqual([[], '0.00', '0.00', '0.00']);
    // 10000 × 13.15 % × 1/365 = 3.602…
    const dayAfter = fr('2025-05-16');
    expect(dayAfter.segments.map((s) => [s.from, s.to, s.days, s.interest])).toEqual([['2025-05-16', '2025-05-16', 1, '3.60']]);
    expect([dayAfter.compensation, dayAfter.total]).toEqual(['40.00', '43.60']);
    const uk = computePenalty({ jurisdiction: 'UK', amount: '5000.00', currency: 'GBP', dueDate: '2025-06-20', asOf: '2025-06-20' });
    expect([uk.segments, uk.compensation]).toEqual([[], '0.00']);
  });

  it('as of 1 July the new half-year rate applies to that day', () => {
    // 30 Jun at 13.15 %, 1 Jul at 12.15 %: 3.602… + 3.328…
    expect(rows({ jurisdiction: 'FR', amount: '10000.00', currency: 'EUR', dueDate: '2025-06-29', asOf: '2025-07-01' })).toEqual([
      ['2025-06-30', '2025-06-30', 1, '10000.00', '13.15', '3.60'],
      ['2025-07-01', '2025-07-01', 1, '10000.00', '12.15', '3.33'],
    ]);
  });

  it('a payment made before interest starts lowers the balance from the start, without a segment of its own', () => {
    // 600 left when interest starts on 1 Aug: 600 × 12.15 % × 30/365 = 5.991…
    expect(rows({ jurisdiction: 'FR', amount: '1000.00', currency: 'EUR', dueDate: '2025-07-31', asOf: '2025-08-30', payments: [{ date: '2025-07-20', amount: '400.00' }] })).toEqual([['2025-08-01', '2025-08-30', 30, '600.00', '12.15', '5.99']]);
  });

  it('a payment on the as-of day still accrues that day on the balance before it, and opens no segment after it', () => {
    expect(rows({ jurisdiction: 'FR', amount: '1000.00', currency: 'EUR', dueDate: '2025-07-31', asOf: '2025-08-30', payments: [{ date: '2025-08-30', amount: '500.00' }] })).toEqual([['2025-08-01', '2025-08-30', 30, '1000.00', '12.15', '9.99']]);
  });

  it('payments given in any order give the same segments', () => {
    const input: PenaltyInput = { jurisdiction: 'FR', amount: '10000.00', currency: 'EUR', dueDate: '2025-05-15', asOf: '2025-09-30', payments: [{ date: '2025-07-20', amount: '6000.00' }, { date: '2025-06-10', amount: '4000.00' }] };
    expect(computePenalty(input).interest).toBe('176.85');
    expect(rows(input).map((r) => r[0])).toEqual(['2025-05-16', '2025-06-11', '2025-07-01']);
  });
});

describe('computePenalty: day count across a new year', () => {
  it('ACT/ACT splits a fixed-rate UK delay on 1 January only, each part divided by its own year length', () => {
    // Interest starts 16 Dec 2024: reference 5.25 % (Bank Rate on 30 Jun 2024) + 8 = 13.25 %, fixed.
    // 10000 × 13.25 % × 16/366 = 57.923…; 10000 × 13.25 % × 15/365 = 54.452…
    const input: PenaltyInput = { jurisdiction: 'UK', amount: '10000.00', currency: 'GBP', dueDate: '2024-12-15', asOf: '2025-01-15', dayCount: 'ACT/ACT' };
    expect(rows(input)).toEqual([
      ['2024-12-16', '2024-12-31', 16, '10000.00', '13.25', '57.92'],
      ['2025-01-01', '2025-01-15', 15, '10000.00', '13.25', '54.45'],
    ]);
    expect([computePenalty(input).compensation, computePenalty(input).total]).toEqual(['100.00', '212.37']);
    // ACT/365F: one segment, 10000 × 13.25 % × 31/365 = 112.534…
    expect(rows({ ...input, dayCount: 'ACT/365F' })).toEqual([['2024-12-16', '2025-01-15', 31, '10000.00', '13.25', '112.53']]);
    // ACT/ACT across 1 July: no split for UK, the rate stays fixed.
    expect(rows({ jurisdiction: 'UK', amount: '5000.00', currency: 'GBP', dueDate: '2025-06-20', asOf: '2025-09-30', dayCount: 'ACT/ACT' })).toEqual([['2025-06-21', '2025-09-30', 102, '5000.00', '12.75', '178.15']]);
  });
});

describe('computePenalty: input checks', () => {
  const ok: PenaltyInput = { jurisdiction: 'FR', amount: '1000.00', currency: 'EUR', dueDate: '2025-07-31', asOf: '2025-08-30' };
  it.each([
    [{ jurisdiction: 'XX' as never }, 'unknown jurisdiction "XX": expected one of FR, UK, DE, EU, US'],
    [{ currency: 'EURO' }, 'unknown currency "EURO"'],
    [{ dueDate: '2025-02-30' }, 'dueDate "2025-02-30" is not a date written YYYY-MM-DD'],
    [{ asOf: '30/08/2025' }, 'asOf "30/08/2025" is not a date written YYYY-MM-DD'],
    [{ debtor: 'consumer' as const, noticeDate: '2025-13-01' }, 'noticeDate "2025-13-01" is not a date written YYYY-MM-DD'],
    [{ amount: '0.00' }, 'amount "0.00" must be a positive decimal string'],
    [{ amount: '1,000.00' }, 'amount "1,000.00" must be a positive decimal string'],
    [{ contractRate: '12,5' }, 'contract rate "12,5" must be a percentage such as 12.5'],
    [{ contractRate: 'x12.5' }, 'contract rate "x12.5" must be a percentage such as 12.5'],
    [{ contractRate: '12.5%' }, 'contract rate "12.5%" must be a percentage such as 12.5'],
    [{ contractRate: '12.' }, 'contract rate "12." must be a percentage such as 12.5'],
    [{ payments: [{ date: '2025-08-32', amount: '10.00' }] }, 'payment date "2025-08-32" is not a date written YYYY-MM-DD'],
    [{ payments: [{ date: '2025-08-10', amount: '0' }] }, 'payment amount "0" must be a positive decimal string'],
    [{ payments: [{ date: '2025-08-10', amount: 'ten' }] }, 'payment amount "ten" must be a positive decimal string'],
  ] as Array<[Partial<PenaltyInput>, string]>)('refuses %j', (change, message) => {
    expect(() => computePenalty({ ...ok, ...change })).toThrow(new Error(message));
  });

  it('accepts a contract rate with or without decimals', () => {
    expect(computePenalty({ ...ok, jurisdiction: 'US', currency: 'USD', contractRate: '12' }).segments[0]!.rate).toBe('12.00');
    expect(computePenalty({ ...ok, jurisdiction: 'US', currency: 'USD', contractRate: '12.5' }).segments[0]!.rate).toBe('12.50');
  });
});

describe('penaltyFromBasis: the figures a planned action states', () => {
  const basis = { jurisdiction: 'FR', amount: '1000.00', dueDate: '2025-07-31', debtor: 'business' as const, contractRate: null, reductions: [{ date: '2025-07-20', amount: '400.00', source: 'payment p1' }], notes: ['CREDIT_DATE_ASSUMED: a note'] };

  it('recomputes at the send date from the recorded reductions, keeping the basis notes first', () => {
    // 600 left when interest starts: 600 × 12.15 % × 30/365 = 5.991…
    expect(penaltyFromBasis(basis, 'EUR', '2025-08-30')).toEqual({ interest: '5.99', compensation: '40.00', compensationCurrency: 'EUR', warnings: ['CREDIT_DATE_ASSUMED: a note'], error: null });
    // A recorded contract rate is used (above the 8.28 % floor): 600 × 15 % × 30/365 = 7.397…
    expect(penaltyFromBasis({ ...basis, contractRate: '15' }, 'EUR', '2025-08-30').interest).toBe('7.40');
    // The engine's own warnings follow the notes.
    expect(penaltyFromBasis({ ...basis, contractRate: '5' }, 'EUR', '2025-08-30').warnings).toEqual(['CREDIT_DATE_ASSUMED: a note', 'CONTRACT_RATE_BELOW_FLOOR: 5.00 % is below 3 × taux légal = 8.28 % in 2025-H2; the floor applies (L441-10 II)']);
  });

  it('uses the rates it is given for a half-year the shipped table does not know', () => {
    // FR H2 2026 with a fetched MRO of 3.00 % → 13 %: 1000 × 13 % × 31/365 = 11.041…
    const due = { ...basis, dueDate: '2026-06-30', reductions: [], notes: [] };
    expect(penaltyFromBasis(due, 'EUR', '2026-07-31', { ecbMro: { '2026-H2': '3.00' } })).toEqual({ interest: '11.04', compensation: '40.00', compensationCurrency: 'EUR', warnings: [], error: null });
    expect(penaltyFromBasis(due, 'EUR', '2026-07-31').error).toMatch(/2026-H2/);
  });

  it('turns an unknown jurisdiction or a missing rate into the action’s error, never a figure', () => {
    expect(penaltyFromBasis({ ...basis, jurisdiction: 'ES' }, 'EUR', '2025-08-30')).toEqual({ interest: null, compensation: null, compensationCurrency: null, warnings: ['CREDIT_DATE_ASSUMED: a note'], error: 'unknown jurisdiction "ES": expected one of FR, UK, DE, EU, US' });
    const missing = penaltyFromBasis({ ...basis, dueDate: '2026-06-15' }, 'EUR', '2026-08-01');
    expect([missing.interest, missing.compensation, missing.compensationCurrency]).toEqual([null, null, null]);
    expect(missing.error).toMatch(/2026-H2/);
  });
});

describe('runPenaltyCli: options', () => {
  const base = ['--jurisdiction', 'FR', '--amount', '1000', '--currency', 'EUR', '--due', '2025-07-31'];

  it('reads lower-case jurisdiction and currency codes, --reduction like --paid, and --as-of before opts.today', () => {
    const r = runPenaltyCli(['--jurisdiction', 'fr', '--amount', '1000', '--currency', 'eur', '--due', '2025-07-31', '--reduction', '2025-07-20:400', '--as-of', '2025-08-30'], { today: '2025-12-31' });
    // 600 × 12.15 % × 30/365 = 5.991…
    expect([r.jurisdiction, r.currency, r.asOf, r.interest]).toEqual(['FR', 'EUR', '2025-08-30', '5.99']);
  });

  it('defaults --as-of to the latest payment of a fully paid invoice, whatever the order they are given in', () => {
    const r = runPenaltyCli(['--jurisdiction', 'FR', '--amount', '10000.00', '--currency', 'EUR', '--due', '2025-05-15', '--paid', '2025-07-20:6000', '--paid', '2025-06-10:4000']);
    expect([r.asOf, r.interest]).toEqual(['2025-07-20', '176.85']);
    const three = runPenaltyCli(['--jurisdiction', 'FR', '--amount', '10000.00', '--currency', 'EUR', '--due', '2025-05-15', '--paid', '2025-07-20:5000', '--paid', '2025-06-10:4000', '--paid', '2025-06-20:1000']);
    expect(three.asOf).toBe('2025-07-20');
    expect(() => runPenaltyCli(['--jurisdiction', 'FR', '--amount', '10000.00', '--currency', 'EUR', '--due', '2025-05-15', '--paid', '2025-07-20:5999.99', '--paid', '2025-06-10:4000'])).toThrow(/--as-of is required while the invoice is not fully paid/);
  });

  it('an --as-of given wins over the last payment of a fully paid invoice', () => {
    const r = runPenaltyCli(['--jurisdiction', 'FR', '--amount', '10000.00', '--currency', 'EUR', '--due', '2025-05-15', '--paid', '2025-06-10:4000', '--paid', '2025-07-20:6000', '--as-of', '2025-06-30']);
    // Up to 30 Jun only: 10000 × 13.15 % × 26/365 = 93.671…; 6000 × 13.15 % × 20/365 = 43.232…
    expect([r.asOf, r.interest]).toEqual(['2025-06-30', '136.90']);
  });

  it('accepts --debtor business and a contract rate with decimals, with or without a final %', () => {
    // EU, H2 2025 statutory 10.15 %: an agreed 12.25 % replaces it. 1000 × 12.25 % × 30/365 = 10.068…
    const eu = ['--jurisdiction', 'EU', '--amount', '1000', '--currency', 'EUR', '--due', '2025-07-31', '--as-of', '2025-08-30', '--debtor', 'business'];
    expect(runPenaltyCli([...eu, '--contract-rate', '12.25']).interest).toBe('10.07');
    expect(runPenaltyCli([...eu, '--contract-rate', '12.25%']).interest).toBe('10.07');
  });

  it('passes --creditor, --day-count and the rates through', () => {
    // FR B2C, private creditor: "particuliers" taux légal 7.21 % in H1 2025; 2000 × 7.21 % × 20/365 = 7.901…
    expect(runPenaltyCli(['--jurisdiction', 'FR', '--amount', '2000', '--currency', 'EUR', '--due', '2025-03-01', '--as-of', '2025-06-30', '--debtor', 'consumer', '--creditor', 'consumer', '--notice', '2025-06-10']).interest).toBe('7.90');
    // 1000 × 14.50 % × 30/366 = 11.885… (ACT/ACT in leap 2024) against 11.917… (ACT/365F).
    const leap = ['--jurisdiction', 'FR', '--amount', '1000', '--currency', 'EUR', '--due', '2024-02-01', '--as-of', '2024-03-02'];
    expect(runPenaltyCli([...leap, '--day-count', 'ACT/ACT']).interest).toBe('11.89');
    expect(runPenaltyCli([...leap, '--day-count', 'ACT/365F']).interest).toBe('11.92');
    // A rate given by the caller for an otherwise unknown half-year: FR H2 2026 at MRO 3.00 % → 13 %; 1000 × 13 % × 31/365 = 11.041…
    const rates = { ecbMro: { '2026-H2': '3.00' } };
    expect(runPenaltyCli(['--jurisdiction', 'FR', '--amount', '1000', '--currency', 'EUR', '--due', '2026-06-30', '--as-of', '2026-07-31'], { rates }).interest).toBe('11.04');
  });

  it.each([
    [[...base, 'FR'], 'unexpected argument "FR"'],
    [[...base, '--as-of', '2025-08-30', '--due', '2025-07-30'], '--due given twice'],
    [[...base, '--as-of', '--debtor'], '--as-of needs a value'],
    [['--amount', '1', '--currency', 'EUR', '--due', '2025-07-31', '--as-of', '2025-08-30'], '--jurisdiction is required'],
    [['--jurisdiction', 'ES', '--amount', '1', '--currency', 'EUR', '--due', '2025-07-31', '--as-of', '2025-08-30'], '--jurisdiction must be one of FR, UK, DE, EU, US, got "ES"'],
    [['--jurisdiction', 'FR', '--amount', '1', '--currency', 'EURO', '--due', '2025-07-31', '--as-of', '2025-08-30'], '--currency "EURO" is not an ISO 4217 code such as EUR'],
    [['--jurisdiction', 'FR', '--amount', 'ten', '--currency', 'EUR', '--due', '2025-07-31', '--as-of', '2025-08-30'], '--amount "ten": "ten" is not a decimal amount'],
    [[...base, '--as-of', '2025-08-30', '--paid', '2025-08-01:1.001'], '--paid "1.001": 1.001 has more than 2 decimals for EUR'],
    [[...base, '--as-of', '2025-08-30', '--reduction', '2025-08-01'], '--reduction "2025-08-01" must be DATE:AMOUNT, e.g. 2025-06-10:4000.00'],
    [[...base, '--as-of', '2025-08-30', '--paid', '2025-08-32:10'], '--paid "2025-08-32" is not a date written YYYY-MM-DD'],
    [[...base, '--as-of', '2025-08-31x'], '--as-of "2025-08-31x" is not a date written YYYY-MM-DD'],
    [[...base, '--as-of', '2025-08-30', '--creditor', 'state'], '--creditor must be business or consumer, got "state"'],
    [[...base, '--as-of', '2025-08-30', '--contract-rate', '12,5'], '--contract-rate "12,5" must be a percentage such as 12.5'],
    [[...base, '--as-of', '2025-08-30', '--contract-rate', 'x12'], '--contract-rate "x12" must be a percentage such as 12.5'],
    [[...base, '--as-of', '2025-08-30', '--contract-rate', '12.'], '--contract-rate "12." must be a percentage such as 12.5'],
    [[...base, '--as-of', '2025-08-30', '--contract-rate', '12%5'], '--contract-rate "12%5" must be a percentage such as 12.5'],
    [[...base, '--as-of', '2025-08-30', '--paid', 'x2025-08-01:10'], '--paid "x2025-08-01:10" must be DATE:AMOUNT'],
    [[...base, '--as-of', '2025-08-30', '--paid', '2025-08-01:10\n5'], '--paid "2025-08-01:10\n5" must be DATE:AMOUNT'],
    [[...base, '--as-of', '2025-08-30', '--=x'], 'unknown option --\n'],
    [[...base, '--as-of', '2025-08-30', '--day-count', '30/360'], '--day-count must be ACT/365F or ACT/ACT'],
    [[...base, '--as-of', '2025-08-30', '--notice', '2025-06-31'], '--notice "2025-06-31" is not a date written YYYY-MM-DD'],
  ])('refuses %j', (argv, message) => {
    expect(() => runPenaltyCli(argv)).toThrow(message);
  });

  it('names the usage after an argument error', () => {
    expect(() => runPenaltyCli([...base, '--frobnicate', 'x'])).toThrow(/unknown option --frobnicate\nusage: relance penalty --jurisdiction FR\|UK\|DE\|EU\|US /);
    expect(() => runPenaltyCli(['--jurisdiction', 'FR', '--currency', 'EUR'])).toThrow(/--amount is required\nusage: relance penalty/);
    expect(() => runPenaltyCli(['--jurisdiction', 'FR', '--currency', 'EUR'])).toThrow('[--paid DATE:AMOUNT ...] [--reduction DATE:AMOUNT ...] [--as-of DATE] [--debtor business|consumer] [--creditor business|consumer] [--notice DATE] [--contract-rate PCT] [--day-count ACT/365F|ACT/ACT]');
  });
});
