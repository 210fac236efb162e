// Builds the variables a reminder template sees: parties, invoices, credits, totals and penalties, already formatted for the language.
import { Dec, addDays, daysBetween, formatAmount, type Customer, type Invoice } from '../model/index.js';
import type { PlannedAction } from '../model/collections.js';
import { computePenalty, penaltyInputFromBasis, type PenaltyResult } from '../rules/late-payment-interest.js';
import type { RateBook } from '../rules/rate-tables.js';
import { formatDate, formatMoney, formatRate, type Language } from './format.js';
import type { Family } from './templates/catalog.js';
import { bankInstructions, legalLine, type CompanyProfile } from './letterhead.js';

export type { CompanyProfile } from './letterhead.js';

export interface InvoicePenalty {
  invoiceExternalId: string;
  result: PenaltyResult;
  /** Set when the payment dates are unknown and interest runs on the residual only. */
  residualOnly: boolean;
  /** What the planning assumed about the reductions (a credit note's own date used), said again at send time. */
  notes: string[];
}

export interface TemplateInvoice {
  external_id: string;
  number: string;
  issue_date: string;
  due_date: string;
  total: string;
  amount_due: string;
  paid: string;
  days_late: number;
  pdf_link: string | null;
  interest: string | null;
  compensation: string | null;
  rate: string | null;
  /** How the interest was computed: each period at its rate (French rates change per half-year), formatted. */
  periods: Array<{ from: string; to: string; days: number; balance: string; rate: string; interest: string }>;
}

export interface MessageVars {
  language: Language;
  today: string;
  deadline: string;
  deadline_days: number;
  reference: string;
  invoice_count: number;
  company: {
    name: string;
    email: string | null;
    address: string;
    siren: string | null;
    legal_form: string | null;
    vat_number: string | null;
    contact_name: string | null;
    contact_phone: string | null;
    /** One line of legal mentions (name, form and capital, registered office, registry, VAT). */
    identity: string;
  };
  customer: { name: string; contact: string | null; email: string | null; phone: string | null; address: string };
  invoices: TemplateInvoice[];
  credits: Array<{ number: string; remaining: string }>;
  has_credits: boolean;
  total_due: string;
  open_credits: string;
  net_due: string;
  penalties: {
    interest: string;
    compensation: string;
    total_claimed: string;
    rate: string;
    daily: string;
    basis: string;
    warnings: string[];
  } | null;
  payment: { instructions: string | null; link: string | null };
  /** The customer's portal: statement, documents, and answers (dispute, promise, plan, already paid). */
  portal: { link: string | null };
}

/**
 * Statutory interest and fixed sum per triggered invoice, computed on the send date (law §10); instalments carry none.
 * The dated reductions are those the action was planned with (the executor cancels it if the amount due changed since),
 * so the letter states what the preview showed, moved to the send date.
 */
export function penaltiesFor(action: PlannedAction, current: ReadonlyMap<string, Invoice>, family: Family, asOf: string, rates?: RateBook): InvoicePenalty[] {
  const out: InvoicePenalty[] = [];
  for (const line of action.invoices) {
    if (!line.triggered || line.instalmentOf) continue;
    const inv = current.get(line.externalId);
    if (!inv) continue;
    const basis = action.penalties.find((p) => p.invoiceExternalId === inv.externalId)?.basis;
    if (basis) {
      out.push({ invoiceExternalId: inv.externalId, result: computePenalty(penaltyInputFromBasis(basis, inv.currency, asOf, rates)), residualOnly: false, notes: basis.notes });
      continue;
    }
    // Actions planned before the basis was recorded: the residual only, flagged as such.
    const residualOnly = new Dec(inv.amountDue).lt(inv.total);
    const result = computePenalty({
      jurisdiction: family === 'FR' ? 'FR' : 'UK',
      amount: residualOnly ? inv.amountDue : inv.total,
      currency: inv.currency,
      dueDate: inv.dueDate,
      asOf,
      debtor: 'business',
      ...(rates ? { rates } : {}),
    });
    out.push({ invoiceExternalId: inv.externalId, result, residualOnly, notes: [] });
  }
  return out;
}

export interface VarsInput {
  action: PlannedAction;
  current: ReadonlyMap<string, Invoice>;
  customer: Customer;
  company: CompanyProfile;
  language: Language;
  family: Family;
  today: string;
  deadlineDays: number;
  /** Null when the step does not include penalties. */
  penalties: InvoicePenalty[] | null;
  /** The customer portal link this message carries, if any. */
  portal?: string | null;
}

const BASIS: Record<Family, Record<Language, string>> = {
  FR: {
    fr: "Pénalités de retard : article L441-10 du Code de commerce (taux BCE + 10 points, par semestre), dues dès le lendemain de l'échéance sans rappel ; indemnité forfaitaire pour frais de recouvrement de 40 € par facture : article D441-5 du Code de commerce.",
    en: 'Late-payment penalties: French Commercial Code art. L441-10 (ECB rate + 10 points, per half-year), due from the day after the due date without notice; fixed recovery indemnity of €40 per invoice: art. D441-5.',
  },
  UK: {
    en: 'Statutory interest: Late Payment of Commercial Debts (Interest) Act 1998 (Bank of England base rate + 8%, fixed at the start of the delay); fixed-sum compensation: section 5A (£40, £70 or £100 per invoice).',
    fr: 'Intérêts : Late Payment of Commercial Debts (Interest) Act 1998 (taux de base de la Banque d’Angleterre + 8 %) ; indemnité forfaitaire : section 5A (40, 70 ou 100 £ par facture).',
  },
};

function addressOf(c: Customer): string {
  const a = c.address;
  if (!a) return '';
  return [a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(' '), a.region, a.country].filter((x) => x && String(x).trim()).join('\n');
}

/** Everything a template may print, each amount already formatted for the language from its decimal string. */
export function buildVars(input: VarsInput): MessageVars {
  const { action, current, customer, company, language: lang, today } = input;
  const cur = action.currency;
  const money = (a: string, c = cur) => formatMoney(a, c, lang);
  const invoices: TemplateInvoice[] = action.invoices.map((l) => {
    const inv = current.get(l.instalmentOf ?? l.externalId);
    const total = inv?.total ?? l.amountDue;
    const p = input.penalties?.find((x) => x.invoiceExternalId === l.externalId && !l.instalmentOf)?.result;
    const lastRate = p?.segments.at(-1)?.rate ?? null;
    return {
      external_id: l.externalId,
      number: l.number ?? inv?.number ?? l.externalId,
      issue_date: inv ? formatDate(inv.issueDate, lang) : '',
      due_date: formatDate(l.dueDate, lang),
      total: money(total),
      amount_due: money(l.amountDue),
      // What the customer paid on the invoice, not the gap between its total and the part dunned (an instalment, an approved share).
      paid: money(formatAmount(new Dec(total).minus(l.invoiceAmountDue ?? l.amountDue), cur)),
      days_late: Math.max(0, daysBetween(l.dueDate, today)),
      pdf_link: inv?.pdfUrl ?? null,
      interest: p ? money(p.interest) : null,
      compensation: p ? money(p.compensation, p.compensationCurrency) : null,
      rate: lastRate ? formatRate(lastRate, lang) : null,
      periods: (p?.segments ?? []).map((s) => ({ from: formatDate(s.from, lang), to: formatDate(s.to, lang), days: s.days, balance: money(s.balance), rate: formatRate(s.rate, lang), interest: money(s.interest) })),
    };
  });
  const totalDue = action.invoices.reduce((a, l) => a.plus(l.amountDue), new Dec(0));
  const openCredits = action.credits.reduce((a, c) => a.plus(c.remaining), new Dec(0));

  let penalties: MessageVars['penalties'] = null;
  if (input.penalties && input.penalties.length > 0) {
    const interest = input.penalties.reduce((a, p) => a.plus(p.result.interest), new Dec(0));
    // A fixed sum in another currency (€40 on a GBP invoice) is shown beside the total, never added to it.
    const byCur = new Map<string, Dec>();
    for (const p of input.penalties) byCur.set(p.result.compensationCurrency, (byCur.get(p.result.compensationCurrency) ?? new Dec(0)).plus(p.result.compensation));
    const sameCur = byCur.get(cur) ?? new Dec(0);
    const others = [...byCur].filter(([c]) => c !== cur);
    const claimed = totalDue.plus(interest).plus(sameCur);
    const rates = [...new Set(input.penalties.map((p) => p.result.segments.at(-1)?.rate).filter((r): r is string => !!r))];
    let daily = new Dec(0);
    for (const p of input.penalties) {
      const last = p.result.segments.at(-1);
      if (last) daily = daily.plus(new Dec(last.balance).times(last.rate).div(100).div(365));
    }
    penalties = {
      interest: money(formatAmount(interest, cur)),
      compensation: [...(sameCur.isZero() && others.length ? [] : [money(formatAmount(sameCur, cur))]), ...others.map(([c, v]) => money(formatAmount(v, c), c))].join(' + '),
      total_claimed: [money(formatAmount(claimed, cur)), ...others.map(([c, v]) => money(formatAmount(v, c), c))].join(' + '),
      rate: rates.length ? rates.map((r) => formatRate(r, lang)).join(' / ') : formatRate('0', lang),
      daily: money(formatAmount(daily, cur)),
      basis: BASIS[input.family][lang],
      warnings: input.penalties.flatMap((p) => [...(p.residualOnly ? ['PAYMENT_DATES_UNKNOWN'] : []), ...p.notes, ...p.result.warnings]),
    };
  }
  const numbers = invoices.map((i) => i.number);
  const contactName = (customer as Customer & { contactName?: string | null }).contactName ?? null;
  return {
    language: lang,
    today: formatDate(today, lang),
    deadline: formatDate(addDays(today, input.deadlineDays), lang),
    deadline_days: input.deadlineDays,
    reference: numbers.length <= 3 ? numbers.join(', ') : `${numbers.slice(0, 3).join(', ')} (+${numbers.length - 3})`,
    invoice_count: invoices.length,
    company: {
      name: company.name,
      email: company.email ?? null,
      address: (company.address ?? []).join('\n'),
      siren: company.siren ?? null,
      legal_form: company.legalForm ?? null,
      vat_number: company.vatNumber ?? null,
      contact_name: company.contactName ?? null,
      contact_phone: company.contactPhone ?? null,
      identity: legalLine(company, lang),
    },
    customer: { name: customer.name, contact: contactName, email: customer.email ?? customer.emails[0] ?? null, phone: customer.phone ?? null, address: addressOf(customer) },
    invoices,
    credits: action.credits.map((c) => ({ number: c.number ?? c.externalId, remaining: money(c.remaining) })),
    has_credits: action.credits.length > 0,
    total_due: money(formatAmount(totalDue, cur)),
    open_credits: money(formatAmount(openCredits, cur)),
    net_due: money(formatAmount(totalDue.minus(openCredits), cur)),
    penalties,
    payment: { instructions: company.paymentInstructions ?? bankInstructions(company, lang), link: company.paymentLink?.(action) ?? null },
    portal: { link: input.portal ?? null },
  };
}
