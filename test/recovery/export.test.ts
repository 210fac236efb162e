// JSON and CSV exports of a recovery file: same figures as the statement, CSV quoting, no float anywhere.
import { describe, expect, it } from 'vitest';
import { buildClaimStatement } from '../../src/recovery/claim-statement.js';
import { RECOVERY_CSV_COLUMNS, recoveryCsv, recoveryJson } from '../../src/recovery/export.js';

const statement = () =>
  buildClaimStatement({
    jurisdiction: 'FR',
    currency: 'EUR',
    asOf: '2025-07-31',
    invoices: [
      { number: 'F-2025-101', issueDate: '2025-05-16', dueDate: '2025-06-15', amount: '3000.00', payments: [{ date: '2025-06-20', amount: '1000.00' }] },
      { number: 'F "2025", 140', issueDate: '2025-06-10', dueDate: '2025-07-10', amount: '500.00' },
      { number: '=HYPERLINK("x")', issueDate: '2025-06-10', dueDate: '2025-07-10', amount: '100.00' },
    ],
  });

describe('recovery exports', () => {
  it('CSV: one row per invoice, quoted where needed, formulas defused, figures add up to the totals', () => {
    const csv = recoveryCsv(statement());
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(RECOVERY_CSV_COLUMNS.join(','));
    expect(lines[1]).toBe('F-2025-101,2025-05-16,2025-06-15,EUR,3000.00,1000.00,2000.00,33.25,40.00,2073.25');
    expect(lines[2]).toBe('"F ""2025"", 140",2025-06-10,2025-07-10,EUR,500.00,0.00,500.00,3.50,40.00,543.50');
    // 100 × 12.15 % × 21/365 = 0.699… → 0.70
    expect(lines[3]).toBe(`"'=HYPERLINK(""x"")",2025-06-10,2025-07-10,EUR,100.00,0.00,100.00,0.70,40.00,140.70`);
    expect(lines[4]).toBe('');
    expect(lines).toHaveLength(5);
  });

  it('JSON: versioned, every amount a decimal string, totals equal the statement (2,757.45 EUR)', () => {
    const s = statement();
    const j = recoveryJson({ date: '2025-08-01', creditor: { name: 'A', address: ['x'], registration: '552100554' }, debtor: { name: 'B', address: [], registration: null }, statement: s, smallClaim: true, missing: [] });
    const round = JSON.parse(JSON.stringify(j));
    expect(round.version).toBe(1);
    expect(round.totals).toEqual({ amount: '3600.00', paid: '1000.00', principalDue: '2600.00', interest: '37.45', compensation: '120.00', claimed: '2757.45' });
    expect(round.invoices.map((l: { number: string }) => l.number)).toEqual(['F-2025-101', 'F "2025", 140', '=HYPERLINK("x")']);
    const numbers: unknown[] = [];
    const walk = (v: unknown, key: string) => {
      if (typeof v === 'number' && !['version', 'days'].includes(key)) numbers.push(`${key}=${v}`);
      if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, Array.isArray(v) ? key : k);
    };
    walk(round, '');
    expect(numbers).toEqual([]);
  });
});
