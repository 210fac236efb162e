// A customer's claim declaration from the stored books (#27 point 4): the opening notice the watch stored, the
// customer's unpaid invoices with their dated reductions, the reminders sent for them, the creditor's profile and the
// stored rates. Shared by the CLI (and, later, the page and the job).
import { companyFromProfile } from '../actions/letterhead.js';
import { loadFacts } from '../collections/run.js';
import { rateBookFor } from '../demo/rates.js';
import { Dec, dateInZone, type Invoice } from '../model/index.js';
import { addressLines, reminderLabel } from '../recovery/lines.js';
import { indexReductions, reductionsFor } from '../rules/dated-reductions.js';
import { getCompanyProfile } from '../store/company-profiles.js';
import type { Sql } from '../store/db.js';
import { noticeHistory, type StoredNotice } from '../store/insolvency.js';
import { sentReminders, type SentReminder } from '../store/outbox.js';
import type { Tenant } from '../store/tenants.js';
import { NO_ADDED_RATES, RateMissing, type AddedRates } from '../rules/rate-tables.js';
import { renderDeclaration, type DeclarationFile, type DeclarationReminder } from './declaration.js';

export interface DeclarationOptions {
  /** The notice id as published (e.g. A202600000042); default: the customer's latest opening judgment. */
  noticeId?: string;
  retentionOfTitle?: boolean;
  guarantees?: readonly string[];
  now: Date;
  /** The operator's RATES_FILE (src/rules/rate-overrides.ts), parsed once at start and passed down; absent: none. */
  added?: AddedRates;
}

/** Why no declaration can be made, saying what to do next. */
export class DeclarationRefused extends Error {
  override name = 'DeclarationRefused';
  /** For pages to say it in their reader's language: a rate not known yet, a withdrawn notice, or anything else. */
  constructor(message: string, readonly code: 'rate_missing' | 'withdrawn' | 'other' = 'other') {
    super(message);
  }
}

export interface CustomerDeclaration extends DeclarationFile {
  notice: StoredNotice;
  /** Unpaid invoices of the customer in another currency than the declaration's: not declared, listed for a person. */
  otherCurrency: string[];
}

const unpaid = (i: Invoice) => (i.status === 'open' || i.status === 'partially_paid') && new Dec(i.amountDue).gt(0);

/** The notice a declaration answers: the one asked for, else the latest opening judgment. Refused otherwise. */
function pickNotice(history: readonly StoredNotice[], customerId: string, noticeId: string | undefined): StoredNotice {
  if (noticeId) {
    const n = history.find((x) => x.noticeId === noticeId);
    if (!n) throw new DeclarationRefused(`no notice ${noticeId} is stored for customer ${customerId}; the stored ones are: ${history.map((x) => `${x.noticeId} (${x.type})`).join(', ') || 'none'}`);
    if (n.type !== 'opening') throw new DeclarationRefused(`notice ${noticeId} is a ${n.type} judgment; a claim is declared on the opening judgment: give --notice with the opening notice, or leave it out`);
    return n;
  }
  const opening = history.find((x) => x.type === 'opening');
  if (opening?.kind === 'withdrawal') throw new DeclarationRefused(`the opening judgment's notice was withdrawn (${opening.noticeId}): there is no claim to declare unless a new judgment is published`, 'withdrawn');
  if (!opening) throw new DeclarationRefused(`no opening judgment is stored for customer ${customerId}: the insolvency watch has not seen one (check the customer's SIREN, then let the watch run)`);
  return opening;
}

export async function customerDeclaration(sql: Sql, tenant: Tenant, connectionId: string, customerExternalId: string, opts: DeclarationOptions): Promise<CustomerDeclaration> {
  const facts = await loadFacts(sql, tenant.id, connectionId);
  const customer = facts.customers.find((c) => c.externalId === customerExternalId);
  if (!customer) throw new DeclarationRefused(`no customer ${customerExternalId} on connection ${connectionId}`);
  const notice = pickNotice(await noticeHistory(sql, tenant.id, connectionId, customerExternalId), customerExternalId, opts.noticeId);
  // A BODACC notice opens French proceedings; the other publishers serve UK ones.
  const jurisdiction = notice.source === 'bodacc' ? 'FR' : 'UK';
  const fr = jurisdiction === 'FR';
  const currency = fr ? 'EUR' : 'GBP';
  const today = dateInZone(opts.now, tenant.timeZone);
  const open = facts.invoices.filter((i) => i.customerExternalId === customerExternalId && unpaid(i));
  const invoices = open.filter((i) => i.currency === currency).sort((a, b) => a.issueDate.localeCompare(b.issueDate) || (a.number ?? a.externalId).localeCompare(b.number ?? b.externalId));
  const otherCurrency = open.filter((i) => i.currency !== currency).map((i) => `${i.number ?? i.externalId} (${i.currency})`);
  if (invoices.length === 0) throw new DeclarationRefused(`customer ${customerExternalId} has no unpaid invoice in ${currency}: nothing to declare`);
  const index = indexReductions(facts.payments, facts.creditNotes);
  const numberOf = new Map(invoices.map((i) => [i.externalId, i.number ?? i.externalId]));
  const before = invoices.filter((i) => i.issueDate < notice.judgmentDate).map((i) => i.externalId);
  const reminders: DeclarationReminder[] = (await sentReminders(sql, tenant.id, connectionId, customerExternalId, before)).map((r) => ({
    date: dateInZone(r.sentAt, tenant.timeZone),
    label: reminderLabel(r, fr),
    registered: r.registered,
    invoices: r.invoiceExternalIds.map((id) => numberOf.get(id) ?? id),
  }));
  const stored = await getCompanyProfile(sql, tenant.id);
  const company = companyFromProfile(stored, tenant.name);
  const postalCode = stored?.data.postalCode ?? '';
  const file = await renderOrRefuse({
    jurisdiction,
    currency,
    date: today,
    creditor: {
      name: company.name,
      address: [...(company.address ?? [])],
      registration: fr ? (company.siren ?? null) : (company.companyNumber ?? null),
      // Overseas departments and collectivities have postcodes 97xxx and 98xxx.
      outsideMetropolitanFrance: !!stored && (stored.data.country !== 'FR' || /^9[78]/.test(postalCode.trim())),
      signatory: company.contactName ?? null,
      city: company.city ?? null,
    },
    debtor: { name: customer.name, address: addressLines(customer), registration: customer.regNo ?? notice.regNo },
    proceedings: { source: notice.source, noticeId: notice.noticeId, court: notice.court, judgmentDate: notice.judgmentDate, publicationDate: notice.publicationDate, mandataire: notice.mandataire },
    invoices: invoices.map((i) => ({ number: i.number ?? i.externalId, issueDate: i.issueDate, dueDate: i.dueDate, amount: i.total, payments: reductionsFor(i, index).reductions.map(({ date, amount }) => ({ date, amount })), hasPdf: !!i.pdfUrl })),
    reminders,
    retentionOfTitle: opts.retentionOfTitle ?? false,
    guarantees: (opts.guarantees ?? []).map((g) => g.trim()).filter(Boolean),
    debtorKind: facts.policy.penalties?.debtor ?? 'business',
    rates: await rateBookFor(sql, facts.connection, today, opts.added ?? NO_ADDED_RATES),
  });
  return { ...file, notice, otherCurrency };
}

/** Renders, or refuses with what to do when a reference rate the interest needs is not known yet (never a guess). */
async function renderOrRefuse(input: Parameters<typeof renderDeclaration>[0]): Promise<DeclarationFile> {
  try {
    return await renderDeclaration(input);
  } catch (e) {
    if (e instanceof RateMissing) throw new DeclarationRefused(`${e.message}. The interest up to the judgment cannot be stated without it: run \`relance rates --refresh\` (or set RATES_FILE), then try again.`, 'rate_missing');
    throw e;
  }
}
