// A task's priority and urgency, pure: amount × days past due × the customer's risk weight (rules/risk.ts segments).
import { Dec, daysBetween } from '../model/index.js';
import type { TaskKind } from '../model/task.js';

/** Weight of each risk segment in the priority: a bad payer's euro counts three times a reliable one's. */
export const RISK_WEIGHT: Record<string, number> = { reliable: 1, watch: 2, bad_payer: 3 };
export const riskWeight = (segment: string | null | undefined): number => RISK_WEIGHT[segment ?? 'reliable'] ?? 1;

/**
 * Days past due counted for the priority: from the oldest due date of the task's invoices to today, at least 1, so
 * a task about an amount not yet late still ranks by its amount (and one with no amount ranks at 0).
 */
export function priorityDays(overdueSince: string | null, today: string): number {
  return overdueSince ? Math.max(1, daysBetween(overdueSince, today)) : 1;
}

/** amount × days past due × risk weight, as a decimal string (2 places); 0 when the task is not about an amount. */
export function taskPriority(input: { amount: string | null; overdueSince: string | null; segment: string | null; today: string }): string {
  if (!input.amount) return '0.00';
  return new Dec(input.amount).abs().times(priorityDays(input.overdueSince, input.today)).times(riskWeight(input.segment)).toFixed(2);
}

/**
 * Kinds urgent whatever the amount: money promised and not paid, a case about to leave the company, or a claim to
 * declare before a legal deadline (a customer under insolvency proceedings: the team is alerted when it opens).
 */
const URGENT_KINDS = new Set<TaskKind>(['broken_promise', 'handoff', 'declare_claim']);
/** From this priority on (e.g. 5,000 × 10 days × reliable), a task is urgent. */
export const URGENT_PRIORITY = '50000';

/** Whether opening this task also sends an alert to the team (the others wait in the worklist). */
export function isUrgent(kind: TaskKind, priority: string, segment: string | null): boolean {
  return URGENT_KINDS.has(kind) || segment === 'bad_payer' || new Dec(priority).gte(URGENT_PRIORITY);
}
