// Recovery file exports (issue #25 point 5): JSON (the whole file, schema in README "Recovery file") and CSV
// (one row per invoice). Amounts stay decimal strings; nothing is converted to a float.
import type { ClaimStatement } from './claim-statement.js';
import type { MissingItem, RecoveryParty } from './recovery-file.js';

export const RECOVERY_JSON_VERSION = 1;

export interface RecoveryJson {
  version: number;
  date: string;
  jurisdiction: ClaimStatement['jurisdiction'];
  regime: string;
  currency: string;
  asOf: string;
  creditor: RecoveryParty;
  debtor: RecoveryParty;
  invoices: ClaimStatement['lines'];
  periods: ClaimStatement['periods'];
  totals: ClaimStatement['totals'];
  smallClaim: boolean;
  missing: MissingItem[];
  warnings: string[];
  /**
   * The latest hand-off of this customer's file, when there is one: to whom, when, where the case stands, and the
   * payments received on its invoices since (for the agency to deduct). Null before any hand-off.
   */
  handOff: { to: string; on: string; state: string; paymentsSince: { date: string; amount: string; currency: string; invoiceExternalId: string }[] } | null;
}

export function recoveryJson(args: { date: string; creditor: RecoveryParty; debtor: RecoveryParty; statement: ClaimStatement; smallClaim: boolean; missing: MissingItem[]; handOff?: RecoveryJson['handOff'] }): RecoveryJson {
  const s = args.statement;
  return {
    version: RECOVERY_JSON_VERSION,
    date: args.date,
    jurisdiction: s.jurisdiction,
    regime: s.regime,
    currency: s.currency,
    asOf: s.asOf,
    creditor: args.creditor,
    debtor: args.debtor,
    invoices: s.lines,
    periods: s.periods,
    totals: s.totals,
    smallClaim: args.smallClaim,
    missing: args.missing,
    warnings: s.warnings,
    handOff: args.handOff ?? null,
  };
}

export const RECOVERY_CSV_COLUMNS = ['invoice_number', 'issue_date', 'due_date', 'currency', 'amount', 'paid', 'principal_due', 'interest', 'compensation', 'total'] as const;

export function csvCell(v: string): string {
  // RFC 4180 quoting; a leading = + - @ is prefixed with ' so a spreadsheet does not run it as a formula.
  const safe = /^[=+\-@]/.test(v) && !/^-?\d/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One row per invoice, CRLF line ends, header first. */
export function recoveryCsv(s: ClaimStatement): string {
  const rows = [RECOVERY_CSV_COLUMNS.join(',')];
  for (const l of s.lines) rows.push([l.number, l.issueDate, l.dueDate, s.currency, l.amount, l.paid, l.principalDue, l.interest, l.compensation, l.total].map(csvCell).join(','));
  return `${rows.join('\r\n')}\r\n`;
}
