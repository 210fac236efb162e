// KPI formulas against the worked examples of late-payment-law.md §7, edge cases, and properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  agingBuckets, averageDaysDelinquent, bestPossibleDso, cei, collectionRate, dsoCountBack, dsoSimple, dueBasedCollectionRate, paidOnTimeRate,
  promiseKeptRate, weightedDaysDelinquent,
} from '../../src/kpi/formulas.js';
import { Dec } from '../../src/model/index.js';

describe('DSO', () => {
  it('simple: §7.1 AR 150,000 / sales 450,000 × 90 days', () => {
    // 150000 / 450000 × 90 = 30
    expect(dsoSimple({ receivables: '150000.00', creditSales: '450000.00', days: 90 })).toBe('30.0');
    // 1000 / 3000 × 30 = 10; 1000 / 7000 × 30 = 4.2857… → 4.3
    expect(dsoSimple({ receivables: '1000', creditSales: '3000', days: 30 })).toBe('10.0');
    expect(dsoSimple({ receivables: '1000', creditSales: '7000', days: 30 })).toBe('4.3');
  });

  it('simple: no sales is null, never NaN or Infinity', () => {
    expect(dsoSimple({ receivables: '500.00', creditSales: '0.00', days: 90 })).toBeNull();
    expect(dsoSimple({ receivables: '0', creditSales: '0', days: 90 })).toBeNull();
    expect(dsoSimple({ receivables: '500.00', creditSales: '-10.00', days: 90 })).toBeNull();
  });

  it('count-back: §7.2 quarter to 31 Mar 2026 gives 73.2 days (actual) and 73.7 (30-day months)', () => {
    // 212000 − 100000 = 112000 → 31 d; 112000 − 80000 = 32000 → +28 d; 32000 / 70000 × 31 = 14.171 → 73.171
    const months = [
      { sales: '100000.00', days: 31 },
      { sales: '80000.00', days: 28 },
      { sales: '70000.00', days: 31 },
    ];
    expect(dsoCountBack({ receivables: '212000.00', months })).toEqual({ days: '73.2', monthsUsed: 3, exhausted: false });
    // 30 + 30 + 32000 / 70000 × 30 = 73.714
    expect(dsoCountBack({ receivables: '212000.00', months: months.map((m) => ({ ...m, days: 30 })) }).days).toBe('73.7');
  });

  it('count-back: AR exactly equal to the last month counts that month in full', () => {
    // 100 − 100 = 0 remaining at the first month → 100/100 × 31 = 31
    expect(dsoCountBack({ receivables: '100', months: [{ sales: '100', days: 31 }, { sales: '50', days: 28 }] })).toEqual({ days: '31.0', monthsUsed: 1, exhausted: false });
  });

  it('count-back: a month without sales counts in full and absorbs nothing', () => {
    // 150 − 100 = 50 → 31 d; month of 0 → +28 d; 50 / 100 × 31 = 15.5 → 74.5
    const months = [{ sales: '100', days: 31 }, { sales: '0', days: 28 }, { sales: '100', days: 31 }];
    expect(dsoCountBack({ receivables: '150', months }).days).toBe('74.5');
  });

  it('count-back: AR larger than every month is flagged as a lower bound; no sales at all is null', () => {
    // 300000 − 100000 − 80000 − 70000 = 50000 left after 31 + 28 + 31 = 90 days
    const months = [{ sales: '100000', days: 31 }, { sales: '80000', days: 28 }, { sales: '70000', days: 31 }];
    expect(dsoCountBack({ receivables: '300000', months })).toEqual({ days: '90.0', monthsUsed: 3, exhausted: true });
    expect(dsoCountBack({ receivables: '300000', months: months.map((m) => ({ ...m, sales: '0' })) }).days).toBeNull();
    expect(dsoCountBack({ receivables: '300000', months: [] }).days).toBeNull();
    expect(dsoCountBack({ receivables: '0.00', months }).days).toBe('0.0');
  });

  it('best possible DSO and ADD: §7.3–7.4 current 120,000, AR 150,000, sales 450,000 over 90 days', () => {
    // BPDSO = 120000 / 450000 × 90 = 24.0; ADD = 30.0 − 24.0 = 6.0
    expect(bestPossibleDso({ currentReceivables: '120000', creditSales: '450000', days: 90 })).toBe('24.0');
    expect(averageDaysDelinquent({ receivables: '150000', currentReceivables: '120000', creditSales: '450000', days: 90 })).toBe('6.0');
    expect(averageDaysDelinquent({ receivables: '150000', currentReceivables: '120000', creditSales: '0', days: 90 })).toBeNull();
  });

  it('ADD is computed exactly, not as the difference of two rounded DSOs', () => {
    // DSO = 100/300×30 = 10.0; BPDSO = 55/300×30 = 5.5; ADD = 45/300×30 = 4.5 (10.0 − 5.5 agrees)
    // DSO = 104/300×30 = 10.4; BPDSO = 56/300×30 = 5.6 → rounded difference 4.8; exact 48/300×30 = 4.8
    // DSO = 1.04/3×3 = 1.04 → 1.0; BPDSO = 0.56/3×3 = 0.56 → 0.6; rounded difference 0.4, exact 0.48 → 0.5
    expect(averageDaysDelinquent({ receivables: '1.04', currentReceivables: '0.56', creditSales: '3', days: 3 })).toBe('0.5');
  });
});

describe('aging', () => {
  // §7.6 as of 31 Mar 2026.
  const items = [
    { dueDate: '2026-04-15', amount: '12000.00' }, // not due → current
    { dueDate: '2026-03-15', amount: '5000.00' }, // 16 d → 1–30
    { dueDate: '2026-02-28', amount: '2000.00' }, // 31 d → 31–60
    { dueDate: '2026-01-31', amount: '1000.00' }, // 59 d → 31–60
    { dueDate: '2025-12-31', amount: '800.00' }, // 90 d → 61–90
    { dueDate: '2025-11-30', amount: '1500.00' }, // 121 d → 90+
  ];

  it('matches the reference table: 12,000 / 5,000 / 3,000 / 800 / 1,500, total 22,300', () => {
    const a = agingBuckets(items, '2026-03-31', 'EUR');
    expect(a.total).toBe('22300.00');
    expect(a.count).toBe(6);
    // shares: 12000/22300 = 53.81 %, 5000/22300 = 22.42 %, 3000/22300 = 13.45 %, 800/22300 = 3.59 %, 1500/22300 = 6.73 %
    expect(a.buckets.map((b) => [b.label, b.amount, b.count, b.share])).toEqual([
      ['Current', '12000.00', 1, '53.81'],
      ['1–30', '5000.00', 1, '22.42'],
      ['31–60', '3000.00', 2, '13.45'],
      ['61–90', '800.00', 1, '3.59'],
      ['90+', '1500.00', 1, '6.73'],
    ]);
    expect(a.buckets[4]).toMatchObject({ minDays: 91, maxDays: null, key: '90+' });
  });

  it('puts boundary days where the reference says: due today is current, 30 → 1–30, 31 → 31–60, 90 → 61–90, 91 → 90+', () => {
    const at = '2026-03-31';
    const bucketOf = (dueDate: string) => agingBuckets([{ dueDate, amount: '1' }], at, 'EUR').buckets.find((b) => b.count === 1)!.key;
    expect(bucketOf('2026-03-31')).toBe('current');
    expect(bucketOf('2026-03-30')).toBe('1-30');
    expect(bucketOf('2026-03-01')).toBe('1-30');
    expect(bucketOf('2026-02-28')).toBe('31-60');
    expect(bucketOf('2025-12-31')).toBe('61-90');
    expect(bucketOf('2025-12-30')).toBe('90+');
  });

  it('takes custom edges', () => {
    // edges [15, 45]: 16 d, 31 d → 16–45; 59, 90, 121 d → 45+
    const a = agingBuckets(items, '2026-03-31', 'EUR', [15, 45]);
    expect(a.buckets.map((b) => [b.key, b.amount])).toEqual([
      ['current', '12000.00'],
      ['1-15', '0.00'],
      ['16-45', '7000.00'],
      ['45+', '3300.00'],
    ]);
    expect(() => agingBuckets(items, '2026-03-31', 'EUR', [30, 30])).toThrow(/strictly increasing/);
    expect(() => agingBuckets(items, '2026-03-31', 'EUR', [])).toThrow(/strictly increasing/);
  });

  it('nothing open: zero total, shares null', () => {
    const a = agingBuckets([], '2026-03-31', 'JPY');
    expect(a.total).toBe('0');
    expect(a.buckets.every((b) => b.share === null && b.amount === '0')).toBe(true);
  });

  it('property: buckets sum to the total open receivables, counts to the item count', () => {
    const item = fc.record({
      dueDate: fc.integer({ min: -400, max: 200 }).map((d) => new Date(Date.UTC(2026, 2, 31) + d * 86_400_000).toISOString().slice(0, 10)),
      amount: fc.integer({ min: 1, max: 10_000_000 }).map((c) => new Dec(c).div(100).toFixed(2)),
    });
    const edges = fc.uniqueArray(fc.integer({ min: 1, max: 365 }), { minLength: 1, maxLength: 6 }).map((e) => [...e].sort((a, b) => a - b));
    fc.assert(
      fc.property(fc.array(item, { maxLength: 60 }), edges, (xs, es) => {
        const a = agingBuckets(xs, '2026-03-31', 'EUR', es);
        const expected = xs.reduce((s, x) => s.plus(x.amount), new Dec(0));
        expect(new Dec(a.total).eq(expected)).toBe(true);
        expect(a.buckets.reduce((s, b) => s.plus(b.amount), new Dec(0)).eq(expected)).toBe(true);
        expect(a.buckets.reduce((s, b) => s + b.count, 0)).toBe(xs.length);
        expect(a.buckets).toHaveLength(es.length + 2);
      }),
    );
  });
});

describe('weighted days delinquent (§7.4 variant)', () => {
  const items = [
    { dueDate: '2026-03-15', amount: '5000' }, // 16 d
    { dueDate: '2026-02-28', amount: '2000' }, // 31 d
    { dueDate: '2026-01-31', amount: '1000' }, // 59 d
    { dueDate: '2026-04-15', amount: '12000' }, // not due
  ];
  it('all open items: (80,000 + 62,000 + 59,000) / 20,000 = 10.05; past-due only: 201,000 / 8,000 = 25.125', () => {
    expect(weightedDaysDelinquent(items, '2026-03-31', { includeCurrent: true })).toBe('10.1');
    expect(weightedDaysDelinquent(items, '2026-03-31', { includeCurrent: false })).toBe('25.1');
    expect(weightedDaysDelinquent([], '2026-03-31', { includeCurrent: true })).toBeNull();
  });
});

describe('CEI', () => {
  it('§7.5 one month: (200 + 150 − 210) / (200 + 150 − 140) = 140 / 210 = 66.67 %', () => {
    expect(cei({ beginningReceivables: '200000', creditSales: '150000', endingReceivables: '210000', endingCurrentReceivables: '140000' })).toBe('66.67');
  });

  it('multi-month: sales / N in both terms (quarter sales 450,000 over 3 months gives the same 66.67 %)', () => {
    // 450000 / 3 = 150000 → same as the one-month example
    expect(cei({ beginningReceivables: '200000', creditSales: '450000', endingReceivables: '210000', endingCurrentReceivables: '140000', salesDivisor: 3 })).toBe('66.67');
    // without the divisor: (200 + 450 − 210) / (200 + 450 − 140) = 440 / 510 = 86.27 %
    expect(cei({ beginningReceivables: '200000', creditSales: '450000', endingReceivables: '210000', endingCurrentReceivables: '140000' })).toBe('86.27');
  });

  it('everything collected is 100 %; nothing to collect is null', () => {
    expect(cei({ beginningReceivables: '100', creditSales: '50', endingReceivables: '0', endingCurrentReceivables: '0' })).toBe('100.00');
    expect(cei({ beginningReceivables: '0', creditSales: '0', endingReceivables: '0', endingCurrentReceivables: '0' })).toBeNull();
  });

  it('property: between 0 and 100 when ending AR = beginning AR + sales − collections and current ≤ ending', () => {
    const cents = fc.integer({ min: 0, max: 100_000_000 });
    fc.assert(
      fc.property(cents, cents, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (b, s, collectedShare, currentShare) => {
        const collected = Math.floor((b + s) * collectedShare);
        const ending = b + s - collected;
        const current = Math.floor(ending * currentShare);
        const v = cei({ beginningReceivables: String(b), creditSales: String(s), endingReceivables: String(ending), endingCurrentReceivables: String(current) });
        if (b + s - current === 0) expect(v).toBeNull();
        else {
          expect(Number(v)).toBeGreaterThanOrEqual(0);
          expect(Number(v)).toBeLessThanOrEqual(100);
        }
      }),
    );
  });
});

describe('collection rate (§7.7)', () => {
  it('period cash ratio: 380,000 / (120,000 + 400,000) = 73.08 %', () => {
    expect(collectionRate({ collected: '380000', beginningReceivables: '120000', billings: '400000' })).toBe('73.08');
    expect(collectionRate({ collected: '0', beginningReceivables: '0', billings: '0' })).toBeNull();
  });
  it('due-based: 270,000 of 300,000 falling due = 90 %', () => {
    expect(dueBasedCollectionRate({ collected: '270000', fallingDue: '300000' })).toBe('90.00');
    expect(dueBasedCollectionRate({ collected: '0', fallingDue: '0' })).toBeNull();
  });
});

describe('% paid on time (§7.10)', () => {
  // (due 4 Feb, paid 2 Feb, 1,000), (due 9 Feb, paid 1 Mar, 3,000), (due 19 Feb, paid 23 Mar, 6,000)
  const paid = [
    { dueDate: '2026-02-04', paidOn: '2026-02-02', amount: '1000.00' },
    { dueDate: '2026-02-09', paidOn: '2026-03-01', amount: '3000.00' },
    { dueDate: '2026-02-19', paidOn: '2026-03-23', amount: '6000.00' },
  ];
  it('by count 1/3 = 33.33 %, by amount 1,000 / 10,000 = 10 %', () => {
    expect(paidOnTimeRate(paid, 'EUR')).toEqual({ byCount: '33.33', byAmount: '10.00', onTime: 1, paid: 3, onTimeAmount: '1000.00', paidAmount: '10000.00' });
  });
  it('grace days: 20 days of grace puts the 20-days-late invoice on time: 2/3, 4,000 / 10,000', () => {
    const r = paidOnTimeRate(paid, 'EUR', { graceDays: 20 });
    expect([r.byCount, r.byAmount]).toEqual(['66.67', '40.00']);
  });
  it('paid on the due date is on time; nothing paid is null', () => {
    expect(paidOnTimeRate([{ dueDate: '2026-02-04', paidOn: '2026-02-04', amount: '1' }], 'EUR').byCount).toBe('100.00');
    expect(paidOnTimeRate([], 'EUR')).toMatchObject({ byCount: null, byAmount: null, paid: 0 });
  });
});

describe('promise-kept rate', () => {
  it('kept / (kept + broken); late payment breaks; future promises pending', () => {
    const r = promiseKeptRate(
      [
        { promisedOn: '2026-03-10', clearedOn: '2026-03-09' }, // kept
        { promisedOn: '2026-03-10', clearedOn: '2026-03-10' }, // kept on the day
        { promisedOn: '2026-03-10', clearedOn: '2026-03-12' }, // paid late → broken
        { promisedOn: '2026-03-20', clearedOn: null }, // broken
        { promisedOn: '2026-03-31', clearedOn: null }, // due today → pending
        { promisedOn: '2026-04-15', clearedOn: null }, // pending
      ],
      '2026-03-31',
    );
    // 2 / (2 + 2) = 50 %
    expect(r).toEqual({ rate: '50.00', kept: 2, broken: 2, pending: 2 });
    expect(promiseKeptRate([], '2026-03-31').rate).toBeNull();
  });
});
