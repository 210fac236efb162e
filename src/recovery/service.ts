// A customer's recovery file from the stored books (issue #25 point 3): its overdue invoices, their dated reductions,
// the rates the reminders use, the sender's profile. Shared by the CLI (and, later, the page and the API).
import { companyFromProfile } from '../actions/letterhead.js';
import { loadFacts } from '../collections/run.js';
import { rateBookFor } from '../demo/rates.js';
import { Dec, dateInZone, type Customer, type Invoice } from '../model/index.js';
import { indexReductions, reductionsFor } from '../rules/dated-reductions.js';
import { NO_ADDED_RATES, type AddedRates } from '../rules/rate-tables.js';
import { getCompanyProfile } from '../store/company-profiles.js';
import type { Sql } from '../store/db.js';
import type { Tenant } from '../store/tenants.js';
import { regNoState } from '../store/insolvency.js';
import { sentReminders } from '../store/outbox.js';
import { listCases } from './cases.js';
import { addressLines, reminderLabel } from './lines.js';
import { buildClaimStatement, type ClaimJurisdiction, type ClaimStatement } from './claim-statement.js';
import { recoveryCsv, recoveryJson, type RecoveryJson } from './export.js';
import { renderRecoveryFile, type RecoveryFile, type RecoveryParty } from './recovery-file.js';
import { invoiceDocuments, type InvoicePdfSource } from './invoice-documents.js';

export interface CustomerRecovery {
  /** The invoices the file claims, by their ids in the books (what a hand-off pauses). */
  invoiceExternalIds: string[];
  statement: ClaimStatement;
  file: RecoveryFile;
  json: RecoveryJson;
  csv: string;
  /** The claimed invoices as recorded (for copies of those the books give no PDF of). */
  invoices: Invoice[];
  customerName: string;
  /** The books' own PDF of each claimed invoice that has one, by invoice id in the books. */
  originals: Map<string, Uint8Array>;
}

export interface RecoveryFileOptions {
  /** The operator's RATES_FILE rates (they win over fetched and shipped ones). */
  added?: AddedRates;
  /** Reads an invoice's PDF from the books (the connector); without it, only the PDFs already read are enclosed. */
  invoicePdf?: InvoicePdfSource;
}

const overdue = (i: Invoice, today: string) => (i.status === 'open' || i.status === 'partially_paid') && new Dec(i.amountDue).gt(0) && i.dueDate < today;

/** Null when the customer is unknown or owes nothing overdue in the file's currency. */
export async function customerRecoveryFile(sql: Sql, tenant: Tenant, connectionId: string, customerExternalId: string, now: Date, opts: RecoveryFileOptions = {}): Promise<CustomerRecovery | null> {
  const added = opts.added ?? NO_ADDED_RATES;
  const facts = await loadFacts(sql, tenant.id, connectionId);
  const customer = facts.customers.find((c) => c.externalId === customerExternalId);
  if (!customer) return null;
  const today = dateInZone(now, tenant.timeZone);
  const policyJ = facts.policy.penalties?.jurisdiction;
  const jurisdiction: ClaimJurisdiction = policyJ === 'FR' || policyJ === 'UK' ? policyJ : tenant.locale === 'fr' ? 'FR' : 'UK';
  const currency = jurisdiction === 'FR' ? 'EUR' : 'GBP';
  const invoices = facts.invoices.filter((i) => i.customerExternalId === customerExternalId && i.currency === currency && overdue(i, today)).sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0));
  if (invoices.length === 0) return null;
  const index = indexReductions(facts.payments, facts.creditNotes);
  const asOf = today;
  const statement = buildClaimStatement({
    jurisdiction,
    currency,
    asOf,
    debtor: facts.policy.penalties?.debtor ?? 'business',
    rates: await rateBookFor(sql, facts.connection, today, added),
    invoices: invoices.map((i) => ({ number: i.number ?? i.externalId, issueDate: i.issueDate, dueDate: i.dueDate, amount: i.total, payments: reductionsFor(i, index).reductions.map(({ date, amount }) => ({ date, amount })) })),
  });
  const company = companyFromProfile(await getCompanyProfile(sql, tenant.id), tenant.name);
  const creditor: RecoveryParty = { name: company.name, address: [...(company.address ?? [])], registration: company.siren ?? null };
  const regNo = await regNoState(sql, tenant.id, connectionId, customerExternalId);
  // The customer's SIREN from the books, else the one a person confirmed on its page; without one the missing list says so.
  const debtor: RecoveryParty = { name: customer.name, address: addressLines(customer), registration: regNo?.fromBooks ?? regNo?.confirmed ?? null };
  // The reminders and formal notices already sent about these invoices, oldest first: the evidence of the dunning.
  const sent = await sentReminders(sql, tenant.id, connectionId, customerExternalId, invoices.map((i) => i.externalId));
  const notices = sent.map((r) => ({ date: dateInZone(r.sentAt, tenant.timeZone), label: reminderLabel(r, jurisdiction === 'FR'), registered: r.registered }));
  // The invoices themselves: the books' PDF of each, read through the connector (kept for the next file).
  const { originals } = await invoiceDocuments(sql, tenant.id, connectionId, invoices, opts.invoicePdf, now);
  const evidence = { invoicePdfs: Object.fromEntries(invoices.map((i) => [i.number ?? i.externalId, originals.has(i.externalId)])), notices };
  // The latest hand-off, for the agency: where the case stands and what was paid since.
  const [latest] = await listCases(sql, tenant.id, { connectionId, customerExternalId });
  const handOff = latest ? { to: latest.handedTo, on: latest.openedOn, state: latest.state, paymentsSince: latest.paymentsSince } : null;
  const file = await renderRecoveryFile({ date: today, language: jurisdiction === 'FR' ? 'fr' : 'en', creditor, debtor, statement, evidence });
  return { invoiceExternalIds: invoices.map((i) => i.externalId), statement, file, json: recoveryJson({ date: today, creditor, debtor, statement, smallClaim: file.smallClaim, missing: file.missing, handOff }), csv: recoveryCsv(statement), invoices, customerName: customer.name, originals };
}
