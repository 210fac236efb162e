// Closing a task with what came of it. A call's outcome acts exactly as the customer's own answer on the portal does
// (portal/answers.ts, the same code): a promise opens a promise pause with its date, a dispute a dispute pause, a
// payment-plan request waits on the customer page for the team to accept or refuse; no answer and a wrong number
// change nothing but the record. The task closes and the answer is recorded in one transaction.
import { z } from 'zod';
import { Dec, addDays } from '../model/index.js';
import { recordAnswerIn, type AnswerDetail } from './answers.js';
import type { Sql } from '../store/db.js';
import { closeTask, type Task } from './store.js';

export const CALL_OUTCOMES = ['promise', 'dispute', 'plan', 'no_answer', 'wrong_number'] as const;
export const OUTCOMES = [...CALL_OUTCOMES, 'done'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const OutcomeInput = z.object({
  outcome: z.enum(OUTCOMES),
  /** The promised date (promise only), a business date. */
  on: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  /** The amount promised, a decimal string; absent: all that the task covers. */
  amount: z.string().regex(/^\d{1,15}(\.\d{1,4})?$/).optional(),
  note: z.string().max(2000).default(''),
});
export type OutcomeInput = z.input<typeof OutcomeInput>;

export type OutcomeProblem = 'promiseDate' | 'amount' | 'outcome' | 'closed';

/** Checks an outcome against the task and today; the problem names the field to fix. */
export function checkOutcome(input: OutcomeInput, today: string): { ok: true; value: z.infer<typeof OutcomeInput> } | { ok: false; problem: OutcomeProblem } {
  const parsed = OutcomeInput.safeParse(input);
  if (!parsed.success) return { ok: false, problem: parsed.error.issues.some((i) => i.path[0] === 'amount') ? 'amount' : parsed.error.issues.some((i) => i.path[0] === 'on') ? 'promiseDate' : 'outcome' };
  const v = parsed.data;
  // A promise for a date already past would be broken the moment it is made; a year ahead is a plan, not a promise.
  if (v.outcome === 'promise' && (!v.on || v.on < today || v.on > addDays(today, 366))) return { ok: false, problem: 'promiseDate' };
  if (v.amount !== undefined && new Dec(v.amount).lte(0)) return { ok: false, problem: 'amount' };
  return { ok: true, value: v };
}

/** The answer a call outcome records, as the portal words it; null when the outcome opens nothing. */
function answerOf(task: Task, v: z.infer<typeof OutcomeInput>): AnswerDetail | null {
  switch (v.outcome) {
    case 'promise':
      return { kind: 'promise', on: v.on!, amount: v.amount ?? null, balance: task.amount ?? '0' };
    case 'dispute':
      return { kind: 'dispute', reason: 'other', text: v.note };
    case 'plan':
      return { kind: 'plan', instalments: [], text: v.note };
    default:
      return null;
  }
}

/** Closes the task with its outcome; false when it was already closed (nothing is recorded twice). */
export async function closeWithOutcome(sql: Sql, tenantId: string, task: Task, input: OutcomeInput, actor: string, today: string): Promise<{ ok: true } | { ok: false; problem: OutcomeProblem }> {
  const checked = checkOutcome(input, today);
  if (!checked.ok) return checked;
  const v = checked.value;
  const answer = answerOf(task, v);
  // One invoice: the pause is on it, as a portal answer on an invoice; several or none: on the customer.
  const invoice = task.invoiceExternalIds.length === 1 ? task.invoiceExternalIds[0]! : null;
  const closed = await closeTask(sql, tenantId, task.id, v.outcome, { ...(v.on ? { on: v.on } : {}), ...(v.amount ? { amount: v.amount } : {}), ...(v.note ? { note: v.note } : {}) }, actor, async (db) => {
    if (!answer) return;
    await recordAnswerIn(db, { tenantId, connectionId: task.connectionId, customerExternalId: task.customerExternalId, linkId: null }, {
      invoiceExternalId: invoice,
      detail: answer,
      nonce: `task/${task.id}`,
      today,
      customerName: task.customerName,
      invoiceNumber: invoice ? (task.invoiceNumbers[0] ?? null) : null,
      call: { by: actor, invoiceExternalIds: task.invoiceExternalIds },
    });
  });
  return closed ? { ok: true } : { ok: false, problem: 'closed' };
}
