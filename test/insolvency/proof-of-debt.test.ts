// The UK proof of debt (#27 point 4, Insolvency (England and Wales) Rules 2016 r.14.4): the claim at the relevant
// date, statutory interest under the Late Payment of Commercial Debts (Interest) Act 1998 counted to that date, the
// fixed sums of s.5A by size of debt, less payments received after the date; read back with pdftotext and every
// figure recomputed here (reference rate 4.75 % + 8 = 12.75 %, simple interest, 365 days).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { renderDeclaration, type DeclarationInput } from '../../src/insolvency/declaration.js';
import { Dec, formatAmount } from '../../src/model/index.js';

const text = (pdf: Buffer) => execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString().replace(/\u00a0/g, ' ').replace(/\s+/g, ' ');
const gbp = (x: Dec) => `£${x.toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
const RELEVANT = '2025-09-30';
const RATE = new Dec('12.75');
const interest = (balance: string, days: number) => new Dec(formatAmount(new Dec(balance).times(RATE).div(100).times(days).div(365), 'GBP'));
const days = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;

const input = (): DeclarationInput => ({
  jurisdiction: 'UK',
  currency: 'GBP',
  date: '2025-11-03',
  creditor: { name: 'Harbour Tools Ltd', address: ['1 Quay Street', 'Bristol BS1 4DJ'], registration: '01234567', outsideMetropolitanFrance: true, signatory: 'Jane Harbour, director', city: 'Bristol' },
  debtor: { name: 'Smith Joinery Ltd', address: ['7 Mill Lane', 'Bath BA1 1AA'], registration: '07654321' },
  proceedings: { source: 'gazette', noticeId: '4901234', court: 'High Court of Justice, Business and Property Courts in Bristol', judgmentDate: RELEVANT, publicationDate: '2025-10-03', mandataire: 'A. Practitioner, Administrator, 2 Temple Quay, Bristol BS1 6EG' },
  invoices: [
    { number: 'INV-0801', issueDate: '2025-05-21', dueDate: '2025-06-20', amount: '800.00', payments: [{ date: '2025-10-10', amount: '200.00' }], hasPdf: true },
    { number: 'INV-0802', issueDate: '2025-05-21', dueDate: '2025-06-20', amount: '5000.00', payments: [{ date: '2025-07-01', amount: '1000.00' }], hasPdf: true },
    { number: 'INV-0900', issueDate: '2025-10-01', dueDate: '2025-10-31', amount: '450.00', hasPdf: true },
  ],
  reminders: [{ date: '2025-07-15', label: 'Letter before action', registered: true, invoices: ['INV-0801', 'INV-0802'] }],
  retentionOfTitle: false,
  guarantees: [],
});

describe('proof of debt (England and Wales)', () => {
  it('states the claim at the relevant date to the penny, less payments after it, with the r.14.4 particulars', async () => {
    const i0801 = interest('800.00', days('2025-06-21', RELEVANT)); // 102 days
    const i0802 = interest('5000.00', days('2025-06-21', '2025-07-01')).plus(interest('4000.00', days('2025-07-02', RELEVANT))); // 11 + 91 days
    const principal = new Dec('4800.00');
    const fixed = new Dec(40).plus(70); // s.5A: £40 below £1,000, £70 from £1,000 to £9,999.99
    const claimed = principal.plus(i0801).plus(i0802).plus(fixed);
    const net = claimed.minus('200.00');
    expect([i0801.toFixed(2), i0802.toFixed(2), net.toFixed(2)]).toEqual(['28.50', '146.36', '4884.86']);

    const f = await renderDeclaration(input());
    const d = f.declaration;
    expect([d.judgmentDate, d.asOf]).toEqual([RELEVANT, RELEVANT]);
    expect(d.statement.totals).toMatchObject({ principalDue: principal.toFixed(2), interest: i0801.plus(i0802).toFixed(2), compensation: '110.00', claimed: claimed.toFixed(2) });
    expect(d.receivedAfter).toEqual([{ number: 'INV-0801', amount: '200.00' }]);
    expect(d.net).toBe(net.toFixed(2));
    expect(d.excluded).toEqual([{ number: 'INV-0900', reason: 'issued_after_judgment' }]);
    expect(d.deadline).toBeNull();

    const t = text(f.pdf);
    expect(t).toContain('Proof of debt');
    expect(t).toContain('rule 14.4');
    expect(t).toContain('Smith Joinery Ltd');
    expect(t).toContain('Company number 07654321');
    expect(t).toContain('Harbour Tools Ltd');
    expect(t).toContain('Company number 01234567');
    expect(t).toContain('A. Practitioner, Administrator, 2 Temple Quay, Bristol BS1 6EG (office-holder)');
    expect(t).toContain(`Principal outstanding (invoices, VAT included) ${gbp(principal)}`);
    expect(t).toContain(`${gbp(i0801.plus(i0802))}`);
    expect(t).toContain('Fixed sums for the cost of recovery (s.5A) £110.00');
    expect(t).toContain('Less payments received after the relevant date -£200.00');
    expect(t).toContain(`Total claim ${gbp(net)}`);
    expect(t).toContain(`[X] The claim includes outstanding uncapitalised interest of ${gbp(i0801.plus(i0802))}.`);
    expect(t).toContain('[ ] Security held: none.');
    expect(t).toContain('[ ] Reservation of title in respect of goods to which the debt refers: none.');
    expect(t).toContain('INV-0802: from 02/07/2025 to 30/09/2025, 91 days × £4,000.00 × 12.75% / 365 = £127.15');
    expect(t).toContain('Document 3: Letter before action of 15/07/2025 (recorded delivery), invoices INV-0801, INV-0802');
    expect(t).toContain('Signed for Harbour Tools Ltd by Jane Harbour, director');
    expect(t).not.toContain('INV-0900');
  });
});
