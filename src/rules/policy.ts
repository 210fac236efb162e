// Dunning policy as data (zod): ordered steps with offsets, channels, templates, conditions, thresholds and overrides.
import { z } from 'zod';
import { Amount } from '../model/index.js';
import { Channel as ChannelSchema } from '../model/collections.js';
import { CALENDARS } from './business-calendar.js';
import { JURISDICTIONS } from './late-payment-interest.js';

export const SEGMENTS = ['reliable', 'watch', 'bad_payer'] as const;
export const Segment = z.enum(SEGMENTS);
export type Segment = z.infer<typeof Segment>;

export const StepOffset = z.object({
  /** Negative = before the anchor (a courtesy reminder before the due date). */
  days: z.number().int(),
  unit: z.enum(['calendar', 'business']).default('calendar'),
  /** The due date, or the scheduled date of the previous step. */
  from: z.enum(['due', 'previous']).default('due'),
});

export const PolicyStep = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a lowercase id such as reminder-1'),
  name: z.string().optional(),
  offset: StepOffset,
  channel: ChannelSchema,
  templateId: z.string().min(1),
  /** JSONata expression over {invoice, customer, segment, daysPastDue}; the step applies when it is truthy. */
  condition: z.string().optional(),
  minAmount: Amount.optional(),
  /** Only for customers in one of these risk segments. */
  segments: z.array(Segment).optional(),
  /** Only for customers carrying at least one of these tags. */
  tags: z.array(z.string()).optional(),
  /** Move a date that falls on a weekend or holiday to the next business day. */
  shiftToBusinessDay: z.boolean().default(true),
  /** A step more than this many days late is stale and never fires (e.g. a courtesy reminder after the due date). */
  graceDays: z.number().int().nonnegative().optional(),
  /** Attach the statutory penalty computation (firm reminders, formal notice). */
  includePenalties: z.boolean().default(false),
  /** Whether payment-plan instalments are dunned with this step. */
  forInstalments: z.boolean().default(true),
  /**
   * Planned only once the step before it was delivered (sent, not merely planned), and at least the gap between
   * the two steps has passed since. Unset: true for letters and hand-offs, the escalation channels.
   */
  requiresPrevious: z.boolean().optional(),
  /** Days the customer is given to pay (a formal notice's deadline); the step after waits for it too. */
  deadlineDays: z.number().int().positive().optional(),
});
export type PolicyStep = z.infer<typeof PolicyStep>;

/** Channels that escalate: a step on them needs its predecessor delivered unless the policy says otherwise. */
export const ESCALATION_CHANNELS: ReadonlySet<string> = new Set(['letter', 'handoff']);
/** Whether the step waits for the one before it (explicit, else by channel). */
export const requiresPrevious = (s: PolicyStep): boolean => s.requiresPrevious ?? ESCALATION_CHANNELS.has(s.channel);

export const Override = z.object({
  /** Never dun (this customer / this invoice). */
  disabled: z.boolean().default(false),
  skipSteps: z.array(z.string()).default([]),
  minAmount: Amount.optional(),
  /** Extra days added to every step date (a customer with agreed longer tolerance). */
  delayDays: z.number().int().default(0),
});
export type Override = z.infer<typeof Override>;

/** The steps in time order, or the given order with the problem that prevents sorting them. */
interface StepOrder {
  steps: PolicyStep[];
  problem: { index: number; message: string } | null;
}

const dPlus = (n: number) => (n < 0 ? `D${n}` : `D+${n}`);

/**
 * The steps in time order. The evaluator walks back from the last step and stops at the first one already planned,
 * so a step listed after a later one would block it forever: sorting here makes list order mean time order.
 * A step counted from the previous one stays right after it (moving it would change what it counts from); when
 * such chains cannot be put in order, the problem names the steps. Order is by nominal days (a business day
 * counts as one day), ties keep the order given.
 */
export function orderSteps(steps: readonly PolicyStep[]): StepOrder {
  const chains: Array<{ start: number; members: Array<{ step: PolicyStep; index: number; nominal: number }> }> = [];
  let nominal = 0;
  for (const [index, step] of steps.entries()) {
    const last = chains.at(-1);
    if (step.offset.from === 'previous' && last) {
      if (step.offset.days < 0) {
        const prev = last.members.at(-1)?.step.id ?? '';
        return { steps: [...steps], problem: { index, message: `step "${step.id}" counts ${-step.offset.days} days back from "${prev}": count it from the due date instead` } };
      }
      nominal += step.offset.days;
      last.members.push({ step, index, nominal });
    } else {
      nominal = step.offset.days;
      chains.push({ start: nominal, members: [{ step, index, nominal }] });
    }
  }
  const flat = chains
    .map((c, n) => ({ c, n }))
    .sort((a, b) => a.c.start - b.c.start || a.n - b.n)
    .flatMap(({ c }) => c.members);
  for (let i = 1; i < flat.length; i++) {
    const before = flat[i - 1]!;
    const here = flat[i]!;
    if (here.nominal >= before.nominal) continue;
    // The chain that ends later holds a step counted from the previous one; the other step is the one to move.
    const [chained, other] = here.step.offset.from === 'previous' ? [here, before] : [before, here];
    return {
      steps: [...steps],
      problem: {
        index: other.index,
        message: `step "${other.step.id}" (${dPlus(other.nominal)}) falls before step "${chained.step.id}" (${dPlus(chained.nominal)}), which counts from the step before it: count "${chained.step.id}" from the due date, or move "${other.step.id}"`,
      },
    };
  }
  return { steps: flat.map((m) => m.step), problem: null };
}

export const Policy = z
  .object({
    id: z.string().min(1),
    version: z.number().int().positive(),
    name: z.string(),
    language: z.string().default('en'),
    calendar: z.enum(CALENDARS).default('none'),
    groupBy: z.enum(['invoice', 'customer_currency']).default('invoice'),
    minAmount: Amount.default('0'),
    sendWindow: z
      .object({ startHour: z.number().int().min(0).max(23), endHour: z.number().int().min(1).max(24), businessDaysOnly: z.boolean().default(true) })
      .refine((w) => w.endHour > w.startHour, { message: 'endHour must be after startHour' })
      .optional(),
    penalties: z
      .object({ jurisdiction: z.enum(JURISDICTIONS), debtor: z.enum(['business', 'consumer']).default('business'), contractRate: z.string().optional() })
      .optional(),
    steps: z.array(PolicyStep).min(1),
    /**
     * Invoices already past due when the policy first meets them (a company just connected, a policy just applied)
     * start at this step, whatever their age: never at a letter, a formal notice or a hand-off.
     */
    catchUp: z.object({ startAt: z.string() }).optional(),
    /** Most customer messages (emails and letters) sent per day for one company; the rest roll over to the next send day. */
    dailyCap: z.number().int().positive().default(200),
    /**
     * Days a customer is left alone after an overdue message before the next one (a new invoice's reminder waits and
     * joins the next message; a courtesy note waits, and is dropped once stale). Reminders before the due date do not
     * start quiet days. 7 fits both shipped ladders.
     */
    quietDays: z.number().int().nonnegative().default(7),
    /** Days ahead a customer may promise to pay from the portal; a later date is a payment plan for the team to decide. */
    promiseMaxDays: z.number().int().positive().default(30),
    /** Days dunning waits after an e-invoicing platform reports the payment transmitted (status 211). */
    paymentTransmittedPauseDays: z.number().int().nonnegative().default(10),
    /** Days a customer's dunning waits after they reply to a reminder, for someone to read it (0: no pause). */
    replyPauseDays: z.number().int().nonnegative().default(5),
    customerOverrides: z.record(z.string(), Override).default({}),
    invoiceOverrides: z.record(z.string(), Override).default({}),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.steps.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `duplicate step id "${s.id}"` });
      seen.add(s.id);
      if (i === 0 && s.offset.from === 'previous') ctx.addIssue({ code: 'custom', path: ['steps', 0, 'offset', 'from'], message: 'the first step has no previous step' });
    });
    if (p.catchUp) {
      const start = p.steps.find((s) => s.id === p.catchUp?.startAt);
      if (!start) ctx.addIssue({ code: 'custom', path: ['catchUp', 'startAt'], message: `no step "${p.catchUp.startAt}" in this policy` });
      else if (start.channel !== 'email' || requiresPrevious(start)) ctx.addIssue({ code: 'custom', path: ['catchUp', 'startAt'], message: `overdue invoices cannot start at "${start.id}" (${start.channel}): choose an email reminder` });
    }
    const { problem } = orderSteps(p.steps);
    if (problem) ctx.addIssue({ code: 'custom', path: ['steps', problem.index, 'offset', 'days'], message: problem.message });
  })
  // Saved and evaluated in time order, whatever order the steps were written or added in.
  .transform((p) => ({ ...p, steps: orderSteps(p.steps).steps }));
export type Policy = z.infer<typeof Policy>;
export type PolicyInput = z.input<typeof Policy>;

/** Validates a policy document; throws with every problem listed. */
export function parsePolicy(doc: unknown): Policy {
  const r = Policy.safeParse(doc);
  if (!r.success) throw new Error(`invalid policy: ${r.error.issues.map((i) => `${i.path.join('.') || '(policy)'}: ${i.message}`).join('; ')}`);
  return r.data;
}
