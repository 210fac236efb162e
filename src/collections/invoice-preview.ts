// A template previewed on one real invoice the user picks: its penalties on today's date (interest per period, the fixed
// sum, the total claimed), the email as it would leave (with the identity footer) and the letter as a PDF; no side effects.
import { buildVars, penaltiesFor, type InvoicePenalty, type MessageVars } from '../actions/vars.js';
import { companyFromProfile, letterGaps, withEmailFooter, type Gap } from '../actions/letterhead.js';
import { renderLetter, type Letter } from '../actions/letter.js';
import { familyOf, isFormalTemplate, renderMessage, shippedTemplate, type RenderedMessage, type TemplateParts } from '../actions/templates.js';
import type { Language } from '../actions/format.js';
import { rateBookFor } from '../demo/rates.js';
import { Dec, daysBetween, dateInZone, type Invoice } from '../model/index.js';
import type { PenaltyBasis, PlannedAction } from '../model/collections.js';
import { indexReductions, reductionsFor } from '../rules/dated-reductions.js';
import { NO_ADDED_RATES, RateMissing, type AddedRates } from '../rules/rate-tables.js';
import { getCompanyProfile } from '../store/company-profiles.js';
import type { Sql } from '../store/db.js';
import { getTenantTemplate } from '../store/templates.js';
import type { Tenant } from '../store/tenants.js';
import { loadFacts } from './run.js';

/** An open invoice as the picker lists it: by customer name and invoice number, never by id. */
export interface InvoiceChoice {
  number: string;
  customerName: string;
  amountDue: string;
  currency: string;
  dueDate: string;
  daysLate: number;
}

const isOpen = (i: Invoice) => (i.status === 'open' || i.status === 'partially_paid') && new Dec(i.amountDue).gt(0) && !!i.number;

/** Open invoices of the connection, most overdue first. */
export async function invoiceChoices(sql: Sql, tenant: Tenant, connectionId: string, now: Date): Promise<InvoiceChoice[]> {
  const facts = await loadFacts(sql, tenant.id, connectionId);
  const today = dateInZone(now, tenant.timeZone);
  const names = new Map(facts.customers.map((c) => [c.externalId, c.name]));
  return facts.invoices
    .filter(isOpen)
    .map((i) => ({ number: i.number!, customerName: names.get(i.customerExternalId) ?? '', amountDue: i.amountDue, currency: i.currency, dueDate: i.dueDate, daysLate: daysBetween(i.dueDate, today) }))
    .sort((a, b) => b.daysLate - a.daysLate || a.customerName.localeCompare(b.customerName) || a.number.localeCompare(b.number));
}

export interface InvoicePreview {
  choice: InvoiceChoice;
  vars: MessageVars;
  /** The email as it would leave: rendered template and the identity footer. */
  email: RenderedMessage;
  letter: Letter;
  formal: boolean;
  /** What keeps the letter from going out (incomplete profile, no debtor address); empty when it may. */
  gaps: Gap[];
  /** Set when a reference rate for the period is not known yet: the figures then leave out interest. */
  rateMissing: string | null;
}

/**
 * Builds the action the policy would plan for this invoice at this template's step, with the penalties computed as
 * the evaluator and the executor do (same basis: total, dated reductions, the policy's regime), on today's date.
 */
export async function previewOnInvoice(
  sql: Sql,
  tenant: Tenant,
  connectionId: string,
  invoiceNumber: string,
  templateId: string,
  language: Language,
  now: Date,
  opts: { compress?: boolean; parts?: TemplateParts; /** the operator's RATES_FILE (src/rules/rate-overrides.ts), parsed once at start and passed down. */ added?: AddedRates } = {},
): Promise<InvoicePreview | null> {
  const facts = await loadFacts(sql, tenant.id, connectionId);
  const today = dateInZone(now, tenant.timeZone);
  const inv = facts.invoices.find((i) => isOpen(i) && i.number === invoiceNumber);
  if (!inv) return null;
  const customer = facts.customers.find((c) => c.externalId === inv.customerExternalId);
  if (!customer) return null;
  const family = familyOf(templateId);
  const formal = isFormalTemplate(templateId);
  const regime = facts.policy.penalties ?? { jurisdiction: family === 'FR' ? ('FR' as const) : ('UK' as const), debtor: 'business' as const };
  const { reductions, warnings } = reductionsFor(inv, indexReductions(facts.payments, facts.creditNotes));
  const basis: PenaltyBasis = { jurisdiction: regime.jurisdiction, amount: inv.total, dueDate: inv.dueDate, debtor: regime.debtor, contractRate: regime.contractRate ?? null, reductions, notes: warnings };
  const daysLate = daysBetween(inv.dueDate, today);
  const action: PlannedAction = {
    idempotencyKey: `preview|${inv.externalId}|${templateId}`,
    covers: [],
    tenantId: tenant.id,
    policyId: facts.policy.id,
    policyVersion: facts.policy.version,
    stepId: 'preview',
    stepIndex: 0,
    channel: formal ? 'letter' : 'email',
    templateId,
    dueOn: today,
    scheduledOn: today,
    scope: 'invoice',
    customerExternalId: customer.externalId,
    currency: inv.currency,
    invoices: [{ externalId: inv.externalId, number: inv.number ?? null, dueDate: inv.dueDate, amountDue: inv.amountDue, daysPastDue: daysLate, instalmentOf: null, triggered: true }],
    credits: [],
    amountDue: inv.amountDue,
    openCredits: '0',
    netDue: inv.amountDue,
    penalties: [{ invoiceExternalId: inv.externalId, warnings: [], basis }],
    explain: 'preview',
  };
  const current = new Map([[inv.externalId, inv]]);
  let penalties: InvoicePenalty[] | null = null;
  let rateMissing: string | null = null;
  if (daysLate > 0) {
    try {
      penalties = penaltiesFor(action, current, family, today, await rateBookFor(sql, facts.connection, today, opts.added ?? NO_ADDED_RATES));
    } catch (err) {
      if (!(err instanceof RateMissing)) throw err;
      rateMissing = err.period;
    }
  }
  const company = companyFromProfile(await getCompanyProfile(sql, tenant.id), tenant.name);
  const vars = buildVars({ action, current, customer, company, language, family, today, deadlineDays: 8, penalties });
  // The text being edited when given (validated by renderMessage), else the company's saved one, else the shipped one.
  const parts: TemplateParts = opts.parts ?? (await getTenantTemplate(sql, tenant.id, templateId, language)) ?? shippedTemplate(templateId, language);
  const message = await renderMessage(parts, vars);
  const letter = await renderLetter({ date: today, family, language, formal, vars, message, registered: formal, company }, { compress: opts.compress ?? true });
  return {
    choice: { number: inv.number!, customerName: customer.name, amountDue: inv.amountDue, currency: inv.currency, dueDate: inv.dueDate, daysLate },
    vars,
    email: withEmailFooter(message, company, language),
    letter,
    formal,
    gaps: letterGaps({ channel: 'letter', templateId }, company, customer),
    rateMissing,
  };
}
