// A piece of work that needs a person (issue #23): what the rules, the actions, the portal and inbound mail ask the
// team to do. This is the request; the worklist (src/worklist/) owns how it is stored, assigned and worked.
import { z } from 'zod';
import { Amount, BusinessDate, Currency, ExternalId } from './primitives.js';

export const TaskKind = z.enum([
  'call', // a call step of the policy
  'letter_to_post', // a letter rendered and waiting to be posted by hand
  'handoff', // a hand-off to an agency or a court to decide
  'dispute', // a dispute to resolve
  'payment_plan_request', // a customer asked for a payment plan
  'already_paid', // a customer says they have paid
  'broken_promise', // a promised date passed without the payment
  'bounced_email', // a reminder bounced: the address needs fixing
  'reply_to_read', // a customer replied to a reminder
  'declare_claim', // a customer entered insolvency proceedings: declare the claim to the mandataire (Code de commerce R622-24)
]);
export type TaskKind = z.infer<typeof TaskKind>;

export const TaskRequest = z.object({
  tenantId: z.string().uuid(),
  connectionId: z.string().uuid(),
  kind: TaskKind,
  customerExternalId: ExternalId,
  invoiceExternalIds: z.array(ExternalId).default([]),
  /** What is at stake, a decimal string in `currency`; null when the task is not about an amount. */
  amount: Amount.nullable().default(null),
  currency: Currency.nullable().default(null),
  /** The day the work should be done by (the company's calendar). */
  dueOn: BusinessDate,
  /** Makes opening the same task twice a no-op: e.g. the outbox action key, the reply's Message-ID, the answer id. */
  sourceKey: z.string().min(1),
  /** Short, in the company's language; pages prefer rendering `kind` and `detail` in the reader's language. */
  title: z.string().default(''),
  /** Data for the page (e.g. `{ replyId }`, `{ address, status }`); never shown raw. */
  detail: z.record(z.string(), z.unknown()).default({}),
});
export type TaskRequest = z.input<typeof TaskRequest>;

/** Opens a task if none exists for (tenant, kind, sourceKey). Producers receive it through their deps. */
export type OpenTask = (req: TaskRequest) => Promise<void>;
