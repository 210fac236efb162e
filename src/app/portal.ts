// The customer portal's answers, as the portal pages ask for them: a link opened (limits counted, the statement of
// what the customer owes read), its first view recorded, and an answer recorded once.
import { Dec, dateInZone, type Customer, type Invoice } from '../model/index.js';
import { policyFor } from '../collections/run.js';
import { recordAnswer } from '../portal/answers.js';
import { hit } from '../portal/limits.js';
import { markViewed, resolveLink, type PortalScope } from '../portal/links.js';
import { statedPenalties, type StatedPenalties } from '../portal/penalties.js';
import { recordActivity } from '../store/activity.js';
import { getCompanyProfile } from '../store/company-profiles.js';
import type { Sql } from '../store/db.js';
import type { AddedRates } from '../rules/rate-tables.js';
import { documentLinks } from '../store/document-links.js';
import { listDocuments } from '../store/documents.js';
import { getTenant } from '../store/tenants.js';

/** What the portal needs: the database and the clock. */
export interface PortalDeps {
  sql: Sql;
  now?: () => Date;
  /** The operator's RATES_FILE (stated penalties use it first); absent: none. */
  addedRates?: AddedRates;
}

const LIMITS = { viewPerLink: 60, viewPerIp: 300, viewWindow: 600, answerPerLink: 10, answerWindow: 3600 };

/** What a customer's link shows: the open invoices, credits, the company's details and what the latest reminder claimed. */
export interface PortalStatement {
  scope: PortalScope;
  lang: 'fr' | 'en';
  customer: Customer;
  open: Invoice[];
  credits: { number: string; remaining: string; currency: string }[];
  companyName: string;
  /** What the company's profile (settings › company) says, when it was filled in: contact and bank details. */
  company: { address: string | null; contact: string | null; email: string | null; phone: string | null; iban: string | null; bic: string | null; paymentLink: string | null } | null;
  today: string;
  /** Days ahead a customer may promise to pay: the company's policy says (beyond it, a payment plan for the team). */
  promiseMaxDays: number;
  /** The interest and fixed compensation the latest reminder claimed, as they stand today; null when none was claimed. */
  penalties: StatedPenalties | null;
}

const isOpen = (i: Invoice) => (i.status === 'open' || i.status === 'partially_paid') && new Dec(i.amountDue).gt(0);

const now = (deps: PortalDeps) => deps.now?.() ?? new Date();

/**
 * Opens a customer's link: counts the hit against the limits (per address, per link, and per link for answers), then
 * reads the statement. 'too_many' when a limit is reached; 'not_found' for a wrong, expired or revoked link.
 */
export async function openStatement(deps: PortalDeps, token: string, kind: 'view' | 'answer', ip: string): Promise<PortalStatement | 'too_many' | 'not_found'> {
  if (!(await hit(deps.sql, `ip:${ip}`, LIMITS.viewPerIp, LIMITS.viewWindow, now(deps)))) return 'too_many';
  const scope = await resolveLink(deps.sql, token, now(deps));
  if (!scope) return 'not_found';
  if (!(await hit(deps.sql, `link:${scope.linkId}`, LIMITS.viewPerLink, LIMITS.viewWindow, now(deps)))) return 'too_many';
  if (kind === 'answer' && !(await hit(deps.sql, `answer:${scope.linkId}`, LIMITS.answerPerLink, LIMITS.answerWindow, now(deps)))) return 'too_many';
  const tenant = await getTenant(deps.sql, scope.tenantId);
  if (!tenant) return 'not_found';
  const filter = { connectionId: scope.connectionId };
  const [customers, invoices, credits] = await Promise.all([
    listDocuments(deps.sql, scope.tenantId, 'customer', filter),
    listDocuments(deps.sql, scope.tenantId, 'invoice', filter),
    listDocuments(deps.sql, scope.tenantId, 'credit_note', filter),
  ]);
  const customer = customers.find((d) => d.record.externalId === scope.customerExternalId)?.record;
  if (!customer) return 'not_found';
  const lang: 'fr' | 'en' = customer.language === 'fr' || customer.language === 'en' ? customer.language : tenant.locale === 'fr' ? 'fr' : 'en';
  const open = invoices.map((d) => d.record).filter((i) => i.customerExternalId === customer.externalId && isOpen(i)).sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  const openCredits = credits
    .map((d) => d.record)
    .filter((n) => n.customerExternalId === customer.externalId && n.status === 'open' && new Dec(n.remaining).gt(0))
    .map((n) => ({ number: n.number ?? '—', remaining: n.remaining, currency: n.currency }));
  // Documents the provider gives one invoice at a time were read when a reminder named the invoice.
  const stored = await documentLinks(deps.sql, scope.tenantId, scope.connectionId, open.filter((i) => !i.pdfUrl).map((i) => i.externalId), now(deps));
  for (const [k, i] of open.entries()) if (!i.pdfUrl && stored.has(i.externalId)) open[k] = { ...i, pdfUrl: stored.get(i.externalId)! };
  const profile = (await getCompanyProfile(deps.sql, scope.tenantId))?.data ?? null;
  const company = profile
    ? {
        address: [profile.addressLine1, profile.addressLine2, `${profile.postalCode} ${profile.city}`].filter(Boolean).join(', '),
        contact: profile.contactName,
        email: profile.contactEmail,
        phone: profile.contactPhone,
        iban: profile.iban,
        bic: profile.bic,
        paymentLink: profile.paymentLink,
      }
    : null;
  const { promiseMaxDays } = await policyFor(deps.sql, tenant);
  const today = dateInZone(now(deps), tenant.timeZone);
  // A rate not yet published (or any other failure) shows no penalty rather than a wrong one.
  const penalties = await statedPenalties(deps.sql, scope, customer, open, lang, today, deps.addedRates).catch(() => null);
  return { scope, lang, customer, open, credits: openCredits, companyName: profile?.legalName ?? tenant.name, company, today, promiseMaxDays, penalties };
}

/** The link's first visit (one link per reminder) is "viewed on …" in the activity log and on the customer page. */
export async function markStatementViewed(deps: PortalDeps, scope: PortalScope): Promise<void> {
  if (await markViewed(deps.sql, scope, now(deps))) {
    await recordActivity(deps.sql, scope.tenantId, { connectionId: scope.connectionId, actionKey: `portal-view/${scope.linkId}`, kind: 'viewed', channel: 'portal', customerExternalId: scope.customerExternalId });
  }
}

/** Records the customer's answer once (its form nonce makes a resubmission 'replayed'). */
export const answerStatement = (deps: PortalDeps, scope: PortalScope, answer: Parameters<typeof recordAnswer>[2]): ReturnType<typeof recordAnswer> => recordAnswer(deps.sql, scope, answer);
