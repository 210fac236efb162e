// Collections objects the rules engine reads and produces: pauses (disputes, promises, plans, holds), planned actions, alerts.
import { z } from 'zod';
import { Amount, BusinessDate, Currency, ExternalId, Instant } from './primitives.js';

export const PauseKind = z.enum(['dispute', 'promise', 'payment_plan', 'hold', 'insolvency']);
export type PauseKind = z.infer<typeof PauseKind>;

export const Instalment = z.object({ dueOn: BusinessDate, amount: Amount });
export type Instalment = z.infer<typeof Instalment>;

/**
 * A pause suspends dunning of one invoice (invoiceExternalId set) or of the whole customer, from startsOn
 * to expiresOn inclusive; null expiresOn means until it is removed. A payment plan replaces the dunning
 * of its invoice by the dunning of its instalments.
 */
export const Pause = z
  .object({
    id: ExternalId,
    kind: PauseKind,
    reason: z.string().trim().min(1, 'must say why'),
    owner: z.string().trim().min(1, 'must name who follows it up'),
    startsOn: BusinessDate,
    expiresOn: BusinessDate.nullish(),
    customerExternalId: ExternalId,
    invoiceExternalId: ExternalId.nullish(),
    instalments: z.array(Instalment).default([]),
    /** What a promise promises to pay by expiresOn; null or absent: the whole balance of what it covers. */
    amount: Amount.nullish(),
    /** The balance the promise covered when it was made: kept when the balance fell by `amount` (risk.ts). */
    balanceAtOpen: Amount.nullish(),
    createdAt: Instant.nullish(),
  })
  .superRefine((p, ctx) => {
    if (p.expiresOn && p.expiresOn < p.startsOn) ctx.addIssue({ code: 'custom', path: ['expiresOn'], message: `is before startsOn ${p.startsOn}` });
    if (p.kind === 'payment_plan' && !p.invoiceExternalId) ctx.addIssue({ code: 'custom', path: ['invoiceExternalId'], message: 'a payment plan must name its invoice' });
    if (p.kind === 'payment_plan' && p.instalments.length === 0) ctx.addIssue({ code: 'custom', path: ['instalments'], message: 'a payment plan needs at least one instalment' });
    if (p.kind === 'promise' && !p.expiresOn) ctx.addIssue({ code: 'custom', path: ['expiresOn'], message: 'a promise to pay must have the promised date' });
    if (p.amount && p.kind !== 'promise') ctx.addIssue({ code: 'custom', path: ['amount'], message: 'only a promise to pay has an amount' });
    if (p.amount && !/[1-9]/.test(p.amount.replace(/^-.*/, ''))) ctx.addIssue({ code: 'custom', path: ['amount'], message: 'a promised amount is more than zero' });
  });
export type Pause = z.infer<typeof Pause>;

/**
 * Why a planned action was cancelled by something other than its invoice changing: a pause opened after planning,
 * a person, a policy change. Stored with the cancellation; pages say it in the reader's language.
 */
export type CancelWhy =
  | { code: 'paused'; pause: PauseKind; since: string; until: string | null; by: string }
  | { code: 'user'; by: string; note: string }
  | { code: 'policy'; from: number; to: number; step: string }
  /** Every address of the customer bounced (a delivery-status notification marked it failing): nothing was sent. */
  | { code: 'address_failing'; addresses: string[]; since: string };

export const Channel = z.enum(['email', 'letter', 'alert', 'writeback', 'handoff', 'call']);
export type Channel = z.infer<typeof Channel>;

export const PlannedInvoiceLine = z.object({
  externalId: ExternalId,
  number: z.string().nullish(),
  dueDate: BusinessDate,
  amountDue: Amount,
  daysPastDue: z.number().int(),
  instalmentOf: ExternalId.nullish(),
  /** On an instalment line, its invoice's amount due when planned: a payment since then is seen at send time. */
  invoiceAmountDue: Amount.nullish(),
  /** False for an overdue invoice listed for completeness in a grouped action without reaching a step itself. */
  triggered: z.boolean().default(true),
});
export type PlannedInvoiceLine = z.infer<typeof PlannedInvoiceLine>;

export const PlannedCreditLine = z.object({ externalId: ExternalId, number: z.string().nullish(), remaining: Amount });

/** A dated reduction of an invoice (payment, credit-note allocation, write-off): interest stops running on it from the next day. */
export const DatedReduction = z.object({ date: BusinessDate, amount: Amount, source: z.string() });
export type DatedReduction = z.infer<typeof DatedReduction>;

/**
 * What the penalty was computed from at planning, so the send date recomputes it from the same facts: the executor
 * cancels an action whose amount due changed, so these reductions still hold on the send date.
 */
export const PenaltyBasis = z.object({
  jurisdiction: z.string(),
  amount: Amount,
  dueDate: BusinessDate,
  debtor: z.enum(['business', 'consumer']),
  contractRate: z.string().nullish(),
  reductions: z.array(DatedReduction).default([]),
  /** Assumptions made on the reductions (a credit note's own date used), repeated in the send-time warnings. */
  notes: z.array(z.string()).default([]),
});
export type PenaltyBasis = z.infer<typeof PenaltyBasis>;

export const PenaltySummary = z.object({
  invoiceExternalId: ExternalId,
  interest: Amount.nullish(),
  compensation: Amount.nullish(),
  compensationCurrency: Currency.nullish(),
  warnings: z.array(z.string()).default([]),
  error: z.string().nullish(),
  basis: PenaltyBasis.nullish(),
});

/** One thing the engine wants done, keyed so that planning it twice is a no-op. */
export const PlannedAction = z.object({
  idempotencyKey: z.string().min(1),
  /** Per-invoice step keys a grouped action stands for; store them with the action so they count as planned. */
  covers: z.array(z.string()).default([]),
  tenantId: z.string(),
  policyId: z.string(),
  policyVersion: z.number().int(),
  stepId: z.string(),
  stepIndex: z.number().int(),
  channel: Channel,
  templateId: z.string(),
  /** The day the action is planned for (the run date; later than scheduledOn when catching up). */
  dueOn: BusinessDate,
  /** The date the policy schedules the step for. */
  scheduledOn: BusinessDate,
  notBefore: Instant.nullish(),
  scope: z.enum(['invoice', 'customer_currency', 'instalment', 'customer']),
  customerExternalId: ExternalId,
  currency: Currency,
  invoices: z.array(PlannedInvoiceLine).default([]),
  credits: z.array(PlannedCreditLine).default([]),
  amountDue: Amount,
  openCredits: Amount,
  netDue: Amount,
  penalties: z.array(PenaltySummary).default([]),
  segment: z.string().nullish(),
  explain: z.string(),
  /** The same explanation as data (rules/evaluate.ts ExplainPart), for pages to say in the reader's language. */
  reasons: z.array(z.looseObject({ code: z.string() })).optional(),
});
export type PlannedAction = z.infer<typeof PlannedAction>;

export const AlertKind = z.enum(['credit_limit', 'overdue_amount', 'overdue_age', 'broken_promise', 'segment_downgrade', 'rate_missing', 'rate_revised', 'portal_answer', 'claim_deadline']);
export type AlertKind = z.infer<typeof AlertKind>;

export const Alert = z.object({
  key: z.string().min(1),
  tenantId: z.string(),
  kind: AlertKind,
  severity: z.enum(['info', 'warning', 'critical']),
  raisedOn: BusinessDate,
  customerExternalId: ExternalId,
  invoiceExternalId: ExternalId.nullish(),
  message: z.string(),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
});
export type Alert = z.infer<typeof Alert>;
