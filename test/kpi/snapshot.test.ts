// KPI snapshot from synced facts: one hand-computed ledger, history rebuilt by roll-back, edge cases, a CEI property.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeKpis, dsoTrend } from '../../src/kpi/snapshot.js';
import { buildLedger, countBackPeriods, openAt, receivablesAt } from '../../src/kpi/ledger.js';
import { CreditNote, Dec, Invoice, Pause, Payment } from '../../src/model/index.js';

const inv = (id: string, customer: string, issueDate: string, dueDate: string, total: string, amountDue: string, extra: Partial<Invoice> = {}): Invoice =>
  Invoice.parse({
    externalId: id,
    customerExternalId: customer,
    issueDate,
    dueDate,
    currency: 'EUR',
    total,
    amountDue,
    status: new Dec(amountDue).isZero() ? 'paid' : new Dec(amountDue).eq(total) ? 'open' : 'partially_paid',
    ...extra,
  });
const pay = (id: string, date: string, amount: string, allocations: { invoiceExternalId: string; amount: string }[], extra: Partial<Payment> = {}): Payment => {
  const applied = allocations.reduce((s, a) => s.plus(a.amount), new Dec(0));
  return Payment.parse({ externalId: id, date, currency: 'EUR', amount, unapplied: new Dec(amount).minus(applied).toFixed(2), allocations, ...extra });
};
const promise = (id: string, customer: string, startsOn: string, expiresOn: string, invoice?: string, kind: Pause['kind'] = 'promise'): Pause =>
  Pause.parse({ id, kind, reason: 'said so on the phone', owner: 'ana', startsOn, expiresOn, customerExternalId: customer, invoiceExternalId: invoice ?? null });

/*
 * The ledger, as of 2026-03-31, period of 90 days = 2026-01-01 … 2026-03-31 (beginning AR read at 2025-12-31):
 *   A  issued 2025-12-01 due 2025-12-31  1000  paid in full by P1 on 2026-01-20 (20 days late)
 *   B  issued 2026-01-10 due 2026-02-09  2000  P2 500 on 2026-02-05, credit note CN1 300 on 2026-03-15 → owes 1200 (50 d past due)
 *   C  issued 2026-02-15 due 2026-03-17  3000  paid by P3 on 2026-03-10 (on time)
 *   D  issued 2026-03-20 due 2026-04-19  4000  open (current)
 *   E  issued 2025-11-15 due 2025-12-15   500  open (106 d past due)
 *   I  issued 2026-03-01 due 2026-03-31   100  paid by P4 on 2026-04-05, after asOf: open and current at asOf
 *   draft F, void G, and a USD invoice H are ignored; P5 250 on 2026-03-25 is unapplied cash; P6 is void;
 *   CN2 80 issued 2026-03-28 is an unapplied credit.
 */
const invoices = [
  inv('A', 'cust-a', '2025-12-01', '2025-12-31', '1000.00', '0.00'),
  inv('B', 'cust-b', '2026-01-10', '2026-02-09', '2000.00', '1200.00'),
  inv('C', 'cust-c', '2026-02-15', '2026-03-17', '3000.00', '0.00'),
  inv('D', 'cust-d', '2026-03-20', '2026-04-19', '4000.00', '4000.00'),
  inv('E', 'cust-e', '2025-11-15', '2025-12-15', '500.00', '500.00'),
  inv('I', 'cust-i', '2026-03-01', '2026-03-31', '100.00', '0.00'),
  inv('F', 'cust-a', '2026-03-01', '2026-03-31', '9999.00', '9999.00', { status: 'draft' }),
  inv('G', 'cust-a', '2026-03-01', '2026-03-31', '8888.00', '8888.00', { status: 'void' }),
  inv('H', 'cust-a', '2026-03-01', '2026-03-31', '7777.00', '7777.00', { currency: 'USD' }),
];
const payments = [
  pay('P1', '2026-01-20', '1000.00', [{ invoiceExternalId: 'A', amount: '1000.00' }]),
  pay('P2', '2026-02-05', '500.00', [{ invoiceExternalId: 'B', amount: '500.00' }]),
  pay('P3', '2026-03-10', '3000.00', [{ invoiceExternalId: 'C', amount: '3000.00' }]),
  pay('P4', '2026-04-05', '100.00', [{ invoiceExternalId: 'I', amount: '100.00' }]),
  pay('P5', '2026-03-25', '250.00', []),
  pay('P6', '2026-03-26', '777.00', [{ invoiceExternalId: 'D', amount: '777.00' }], { status: 'void' }),
];
const creditNotes = [
  CreditNote.parse({ externalId: 'CN1', customerExternalId: 'cust-b', issueDate: '2026-03-15', currency: 'EUR', total: '300.00', remaining: '0.00', status: 'applied', allocations: [{ invoiceExternalId: 'B', amount: '300.00' }] }),
  CreditNote.parse({ externalId: 'CN2', customerExternalId: 'cust-d', issueDate: '2026-03-28', currency: 'EUR', total: '80.00', remaining: '80.00' }),
];
const promises = [
  promise('PR1', 'cust-b', '2026-02-20', '2026-03-01', 'B'), // B still owed → broken
  promise('PR2', 'cust-c', '2026-03-01', '2026-03-15', 'C'), // C paid 03-10 → kept
  promise('PR3', 'cust-d', '2026-03-25', '2026-04-10', 'D'), // not yet due → pending
  promise('PR4', 'cust-a', '2026-01-05', '2026-01-15'), // customer-wide: covers A (due 12-31, open on 01-04), paid 01-20 → broken
  promise('PR5', 'cust-a', '2025-10-01', '2025-10-15'), // promised before the period → not counted
  Pause.parse({ id: 'DS1', kind: 'dispute', reason: 'wrong price', owner: 'ana', startsOn: '2026-03-01', customerExternalId: 'cust-d', invoiceExternalId: 'D' }),
];

const snapshot = computeKpis({ invoices, payments, creditNotes, promises, asOf: '2026-03-31', currency: 'EUR', periodDays: 90 });

describe('computeKpis on a hand-computed ledger', () => {
  it('receivables: B 1200 + D 4000 + E 500 + I 100 = 5800, of which current D + I = 4100', () => {
    expect(snapshot.period).toEqual({ from: '2026-01-01', to: '2026-03-31', days: 90 });
    expect(snapshot.receivables).toEqual({ total: '5800.00', current: '4100.00', pastDue: '1700.00', openInvoices: 4, unappliedCredits: '80.00', unappliedCash: '250.00' });
    // sales B 2000 + C 3000 + D 4000 + I 100; credited CN1 300 + CN2 80
    expect(snapshot.sales).toEqual({ invoiced: '9100.00', credited: '380.00' });
  });

  it('DSO simple 5800/9100×90 = 57.36; BPDSO 4100/9100×90 = 40.55; ADD 1700/9100×90 = 16.81', () => {
    expect(snapshot.dsoSimple.value).toBe('57.4');
    expect(snapshot.dsoSimple.inputs).toEqual({ receivables: '5800.00', creditSales: '9100.00', days: 90 });
    expect(snapshot.bestPossibleDso.value).toBe('40.5');
    expect(snapshot.averageDaysDelinquent.value).toBe('16.8');
  });

  it('count-back: 5800 − March 4100 = 1700 → 31 d; 1700 / February 3000 × 28 = 15.87 → 46.9', () => {
    expect(snapshot.dsoCountBack.value).toBe('46.9');
    expect(snapshot.dsoCountBack.months).toEqual([
      { month: '2026-03', from: '2026-03-01', to: '2026-03-31', days: 31, sales: '4100.00' },
      { month: '2026-02', from: '2026-02-01', to: '2026-02-28', days: 28, sales: '3000.00' },
    ]);
    expect(snapshot.dsoCountBack.exhausted).toBe(false);
  });

  it('CEI: beginning AR (A 1000 + E 500) = 1500; (1500 + 9100 − 5800) / (1500 + 9100 − 4100) = 4800/6500 = 73.85 %', () => {
    expect(snapshot.cei.inputs).toMatchObject({ beginningReceivables: '1500.00', beginningOn: '2025-12-31' });
    expect(snapshot.cei.value).toBe('73.85');
  });

  it('collection rate: cash P1 1000 + P2 500 + P3 3000 + P5 250 = 4750 / (1500 + 9100) = 44.81 %; due-based 3500 / 5100 = 68.63 %', () => {
    expect(snapshot.collectionRate.inputs).toEqual({ collected: '4750.00', beginningReceivables: '1500.00', billings: '9100.00' });
    expect(snapshot.collectionRate.value).toBe('44.81');
    // falling due in the period: B 2000, C 3000, I 100; cash by 03-31: B 500 (credit note excluded), C 3000, I 0
    expect(snapshot.dueBasedCollectionRate.inputs).toEqual({ fallingDue: '5100.00', collected: '3500.00' });
    expect(snapshot.dueBasedCollectionRate.value).toBe('68.63');
  });

  it('aging: current 4100, 31–60 1200 (B), 90+ 500 (E); at-risk 500/5800 = 8.62 %', () => {
    expect(snapshot.aging.buckets.map((b) => [b.key, b.amount, b.count, b.share])).toEqual([
      ['current', '4100.00', 2, '70.69'],
      ['1-30', '0.00', 0, '0.00'],
      ['31-60', '1200.00', 1, '20.69'],
      ['61-90', '0.00', 0, '0.00'],
      ['90+', '500.00', 1, '8.62'],
    ]);
    expect(snapshot.aging.total).toBe(snapshot.receivables.total);
    expect(snapshot.atRisk.value).toBe('8.62');
  });

  it('weighted days delinquent: (1200×50 + 500×106) / 5800 = 19.48; past due only / 1700 = 66.47', () => {
    expect(snapshot.weightedDaysDelinquent.allOpen.value).toBe('19.5');
    expect(snapshot.weightedDaysDelinquent.pastDueOnly.value).toBe('66.5');
  });

  it('paid on time: A (20 d late) and C (on time) paid in the period; I paid after asOf → 1/2, 3000/4000', () => {
    expect(snapshot.paidOnTime).toMatchObject({ byCount: '50.00', byAmount: '75.00', onTime: 1, paid: 2, undated: 0, graceDays: 0 });
  });

  it('promises: PR2 kept; PR1 and PR4 (paid 5 days after the promise) broken; PR3 pending → 1/3', () => {
    expect(snapshot.promiseKept).toMatchObject({ rate: '33.33', kept: 1, broken: 2, pending: 1 });
  });

  it('never contains NaN or Infinity, and says it is per currency', () => {
    expect(JSON.stringify(snapshot)).not.toMatch(/NaN|Infinity/);
    expect(snapshot.note).toMatch(/no FX conversion/);
    expect(snapshot.warnings).toEqual([]);
  });
});

describe('ledger roll-back', () => {
  it('rebuilds earlier balances from later payments and credits', () => {
    const ledger = buildLedger({ invoices, payments, creditNotes }, 'EUR');
    const B = ledger.invoices.find((l) => l.invoice.externalId === 'B')!;
    // before issue 0; after issue 2000; after P2 1500; after CN1 1200
    expect(['2026-01-09', '2026-01-10', '2026-02-05', '2026-03-14', '2026-03-15'].map((d) => openAt(B, d).toFixed(2))).toEqual(['0.00', '2000.00', '1500.00', '1500.00', '1200.00']);
    expect(receivablesAt(ledger, '2026-12-31').total).toBe('5700.00'); // today's amountDue for all: I's P4 is in the past then
  });

  it('trend: month ends Jan 46.5, Feb 59.0, Mar 46.9 (count-back)', () => {
    // 01-31: AR E 500 + B 2000 = 2500; − Jan sales 2000 → 31 d; 500 / Dec 1000 × 31 = 15.5 → 46.5
    // 02-28: AR E 500 + B 1500 + C 3000 = 5000; − Feb 3000 → 28 d; 2000 / Jan 2000 × 31 = 31 → 59.0
    const t = dsoTrend({ invoices, payments, creditNotes, asOf: '2026-03-31', currency: 'EUR', months: 3 });
    expect(t.map((p) => [p.month, p.asOf, p.dso, p.receivables])).toEqual([
      ['2026-01', '2026-01-31', '46.5', '2500.00'],
      ['2026-02', '2026-02-28', '59.0', '5000.00'],
      ['2026-03', '2026-03-31', '46.9', '5800.00'],
    ]);
  });

  it('trend, simple method: each point over the 90 days ending there', () => {
    // 02-28: sales 2025-12-01…2026-02-28 = A 1000 + B 2000 + C 3000 = 6000; 5000 / 6000 × 90 = 75.0
    const t = dsoTrend({ invoices, payments, creditNotes, asOf: '2026-03-31', currency: 'EUR', months: 2, method: 'simple', periodDays: 90 });
    expect(t.map((p) => p.dso)).toEqual(['75.0', '57.4']);
  });

  it('count-back periods: a mid-month asOf counts only the elapsed days of its month', () => {
    expect(countBackPeriods('2026-03-15', 2)).toEqual([
      { month: '2026-03', from: '2026-03-01', to: '2026-03-15', days: 15 },
      { month: '2026-02', from: '2026-02-01', to: '2026-02-28', days: 28 },
    ]);
    expect(countBackPeriods('2026-02-28', 2, '30-day').map((p) => p.days)).toEqual([30, 30]);
  });
});

describe('edge cases', () => {
  it('no sales at all: every DSO-like figure is null, aging is zero, no NaN', () => {
    const s = computeKpis({ invoices: [], payments: [], creditNotes: [], asOf: '2026-03-31', currency: 'EUR', periodDays: 30 });
    expect([s.dsoSimple.value, s.dsoCountBack.value, s.bestPossibleDso.value, s.averageDaysDelinquent.value, s.cei.value, s.collectionRate.value]).toEqual([null, null, null, null, null, null]);
    expect(s.aging.total).toBe('0.00');
    expect(s.paidOnTime.byCount).toBeNull();
    expect(s.promiseKept.rate).toBeNull();
    expect(JSON.stringify(s)).not.toMatch(/NaN|Infinity/);
  });

  it('old receivables but no sales in the period: simple DSO null, count-back still reaches back', () => {
    const s = computeKpis({ invoices: [inv('E', 'c', '2025-11-15', '2025-12-15', '500.00', '500.00')], payments: [], creditNotes: [], asOf: '2026-03-31', currency: 'EUR', periodDays: 90 });
    expect(s.dsoSimple.value).toBeNull();
    // 500 passes Mar, Feb, Jan, Dec (0 sales: 31 + 28 + 31 + 31 = 121 d) then 500 / Nov 500 × 30 = 30 → 151
    expect(s.dsoCountBack.value).toBe('151.0');
  });

  it('all paid: AR 0, DSO 0.0, CEI 100 %', () => {
    const s = computeKpis({
      invoices: [inv('A', 'c', '2026-03-01', '2026-03-31', '1000.00', '0.00')],
      payments: [pay('P', '2026-03-20', '1000.00', [{ invoiceExternalId: 'A', amount: '1000.00' }])],
      creditNotes: [],
      asOf: '2026-03-31',
      currency: 'EUR',
      periodDays: 31, // 03-01 … 03-31, so A is a sale of the period
    });
    expect([s.receivables.total, s.dsoSimple.value, s.dsoCountBack.value, s.cei.value, s.paidOnTime.byCount]).toEqual(['0.00', '0.0', '0.0', '100.00', '100.00']);
  });

  it('a credit note cancelling an invoice reduces receivables and is not "paid" nor "collected"', () => {
    const s = computeKpis({
      invoices: [inv('A', 'c', '2026-03-01', '2026-03-31', '1000.00', '0.00'), inv('B', 'c', '2026-03-01', '2026-03-31', '1000.00', '1000.00')],
      payments: [],
      creditNotes: [CreditNote.parse({ externalId: 'CN', customerExternalId: 'c', issueDate: '2026-03-10', currency: 'EUR', total: '1000.00', remaining: '0.00', status: 'applied', allocations: [{ invoiceExternalId: 'A', amount: '1000.00', date: '2026-03-12' }] })],
      asOf: '2026-03-31',
      currency: 'EUR',
      periodDays: 31,
    });
    expect(s.receivables.total).toBe('1000.00');
    expect(s.paidOnTime.paid).toBe(0);
    expect(s.collectionRate.inputs.collected).toBe('0.00');
    // CEI counts the credit as cleared: (0 + 2000 − 1000) / (0 + 2000 − 1000) = 100 %
    expect(s.cei.value).toBe('100.00');
    // open 1000 / sales 2000 × 31 = 15.5
    expect(s.dsoSimple.value).toBe('15.5');
  });

  it('partial payments: the residual is aged, and the invoice is not paid on time until fully cleared', () => {
    const s = computeKpis({
      invoices: [inv('A', 'c', '2026-01-01', '2026-01-31', '1000.00', '400.00')],
      payments: [pay('P1', '2026-01-20', '600.00', [{ invoiceExternalId: 'A', amount: '600.00' }])],
      creditNotes: [],
      asOf: '2026-03-31',
      currency: 'EUR',
      periodDays: 90,
    });
    // 59 days past due (01-31 → 03-31) → 31–60
    expect(s.aging.buckets.find((b) => b.key === '31-60')!.amount).toBe('400.00');
    expect(s.paidOnTime.paid).toBe(0);
    // beginning AR 0; (0 + 1000 − 400) / (0 + 1000 − 0) = 60 %
    expect(s.cei.value).toBe('60.00');
  });

  it('warns about allocations made in another currency and leaves them out', () => {
    const s = computeKpis({
      invoices: [inv('A', 'c', '2026-03-01', '2026-03-31', '1000.00', '0.00')],
      payments: [pay('P', '2026-03-20', '1100.00', [{ invoiceExternalId: 'A', amount: '1100.00' }], { currency: 'USD' })],
      creditNotes: [],
      asOf: '2026-03-31',
      currency: 'EUR',
      periodDays: 30,
    });
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toMatch(/another currency/);
  });

  it('property: on any consistent ledger, CEI is within 0–100 and aging totals the receivables', () => {
    const start = Date.UTC(2025, 9, 1);
    const day = (n: number) => new Date(start + n * 86_400_000).toISOString().slice(0, 10);
    const invoiceArb = fc.record({ issue: fc.integer({ min: 0, max: 180 }), terms: fc.integer({ min: 0, max: 60 }), cents: fc.integer({ min: 1, max: 1_000_000 }), pays: fc.array(fc.record({ after: fc.integer({ min: 0, max: 120 }), share: fc.integer({ min: 1, max: 100 }) }), { maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(invoiceArb, { maxLength: 25 }), fc.integer({ min: 120, max: 200 }), fc.integer({ min: 1, max: 120 }), (specs, asOfDay, periodDays) => {
        const invs: Invoice[] = [];
        const pays: Payment[] = [];
        specs.forEach((s, i) => {
          let left = s.cents;
          s.pays.forEach((p, k) => {
            const part = Math.min(left, Math.ceil((s.cents * p.share) / 100));
            if (part <= 0) return;
            left -= part;
            const amount = new Dec(part).div(100).toFixed(2);
            pays.push(pay(`P${i}-${k}`, day(s.issue + p.after), amount, [{ invoiceExternalId: `I${i}`, amount }]));
          });
          invs.push(inv(`I${i}`, 'c', day(s.issue), day(s.issue + s.terms), new Dec(s.cents).div(100).toFixed(2), new Dec(left).div(100).toFixed(2)));
        });
        const k = computeKpis({ invoices: invs, payments: pays, creditNotes: [], asOf: day(asOfDay), currency: 'EUR', periodDays });
        if (k.cei.value !== null) {
          expect(Number(k.cei.value)).toBeGreaterThanOrEqual(0);
          expect(Number(k.cei.value)).toBeLessThanOrEqual(100);
        }
        expect(k.aging.total).toBe(k.receivables.total);
        expect(k.aging.buckets.reduce((s, b) => s.plus(b.amount), new Dec(0)).toFixed(2)).toBe(k.receivables.total);
        expect(JSON.stringify(k)).not.toMatch(/NaN|Infinity/);
      }),
      { numRuns: 200 },
    );
  });
});
