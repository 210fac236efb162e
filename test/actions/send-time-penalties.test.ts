// The interest a message states on its send date comes from the dated reductions the action was planned with, as `relance penalty` computes it.
import { describe, expect, it } from 'vitest';
import { buildVars, penaltiesFor } from '../../src/actions/vars.js';
import type { CreditNote, Invoice, Payment } from '../../src/model/index.js';
import { FRENCH_B2B_POLICY, evaluate, runPenaltyCli } from '../../src/rules/index.js';
import { sent } from '../rules/history.js';
import { COMPANY, customer } from './fixtures.js';

const inv: Invoice = { externalId: '1', number: 'F-1', customerExternalId: 'c1', issueDate: '2026-02-01', dueDate: '2026-03-02', currency: 'EUR', total: '1000.00', amountDue: '500.00', status: 'partially_paid', lines: [] };
const payment: Payment = { externalId: 'p1', customerExternalId: 'c1', date: '2026-03-10', currency: 'EUR', amount: '100.00', unapplied: '0.00', status: 'posted', allocations: [{ invoiceExternalId: '1', amount: '100.00' }] };
const creditNote: CreditNote = { externalId: 'cn1', number: 'AV-1', customerExternalId: 'c1', issueDate: '2026-03-20', currency: 'EUR', total: '400.00', remaining: '0.00', status: 'applied', allocations: [{ invoiceExternalId: '1', amount: '400.00', date: null }] };

describe('send-time penalties', () => {
  it('the formal notice sent two days after planning states the CLI figure for the same reductions and send date', async () => {
    const reminded = sent('t', { 'inv:1|reminder-1': '2026-03-03', 'inv:1|reminder-2': '2026-03-10', 'inv:1|firm': '2026-03-17' });
    const [action] = await evaluate({ tenantId: 't', today: '2026-04-01', timeZone: 'Europe/Paris', policy: { ...FRENCH_B2B_POLICY, groupBy: 'invoice' }, customers: [customer('c1')], invoices: [inv], payments: [payment], creditNotes: [creditNote], ...reminded });
    expect(action?.stepId).toBe('formal-notice');
    const current = new Map([[inv.externalId, inv]]);
    const reductions = ['--paid', '2026-03-10:100.00', '--reduction', '2026-03-20:400.00'];
    const cli = (asOf: string) => runPenaltyCli(['--jurisdiction', 'FR', '--amount', '1000.00', '--currency', 'EUR', '--due', '2026-03-02', ...reductions, '--as-of', asOf]);

    const onPlanning = penaltiesFor(action!, current, 'FR', '2026-04-01');
    expect(onPlanning.map((p) => p.result.interest)).toEqual(['7.66']);
    expect(action?.penalties[0]?.interest).toBe('7.66');

    const onSend = penaltiesFor(action!, current, 'FR', '2026-04-03');
    expect(onSend[0]?.result.interest).toBe(cli('2026-04-03').interest);
    expect(onSend[0]?.result.segments).toEqual(cli('2026-04-03').segments);
    const vars = buildVars({ action: action!, current, customer: customer('c1'), company: COMPANY, language: 'fr', family: 'FR', today: '2026-04-03', deadlineDays: 8, penalties: onSend });
    expect(vars.penalties?.warnings).toContain('CREDIT_DATE_ASSUMED: credit note AV-1 gives no date for its 400.00 applied to F-1; its own date 2026-03-20 is used');
    expect(vars.penalties?.warnings).not.toContain('PAYMENT_DATES_UNKNOWN');
  });
});
