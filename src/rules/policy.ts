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
});
export type PolicyStep = z.infer<typeof PolicyStep>;

export const Override = z.object({
  /** Never dun (this customer / this invoice). */
  disabled: z.boolean().default(false),
  skipSteps: z.array(z.string()).default([]),
  minAmount: Amount.optional(),
  /** Extra days added to every step date (a customer with agreed longer tolerance). */
  delayDays: z.number().int().default(0),
});
export type Override = z.infer<typeof Override>;

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
  });
export type Policy = z.infer<typeof Policy>;
export type PolicyInput = z.input<typeof Policy>;

/** Validates a policy document; throws with every problem listed. */
export function parsePolicy(doc: unknown): Policy {
  const r = Policy.safeParse(doc);
  if (!r.success) throw new Error(`invalid policy: ${r.error.issues.map((i) => `${i.path.join('.') || '(policy)'}: ${i.message}`).join('; ')}`);
  return r.data;
}
