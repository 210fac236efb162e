// What the outbox would report for steps already delivered: their keys as planned, and when each went out.
import type { EvaluateInput, StepRecord } from '../../src/rules/evaluate.js';

/** `sent(T, { 'inv:1|reminder-1': '2025-06-03' })`: steps delivered on those dates, under policy version 1. */
export function sent(tenantId: string, steps: Record<string, string>): Pick<EvaluateInput, 'alreadyPlanned' | 'history'> {
  return {
    alreadyPlanned: new Set(Object.keys(steps).map((k) => `${tenantId}|${k}|v1`)),
    history: new Map<string, StepRecord>(Object.entries(steps).map(([k, on]) => [`${tenantId}|${k}`, { on, delivered: true }])),
  };
}
