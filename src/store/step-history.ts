// What the outbox says about the steps already planned for one connection, in the terms the rules engine reads:
// which step keys are taken, when each went out (or is due to) and whether it was delivered, which cancelled steps
// may be planned again, and how many customer messages each send day already carries.
import { addDays, dateInZone } from '../model/index.js';
import { DUNNING_CHANNELS, MESSAGE_CHANNELS, baseKey, unversioned, type DayLoad, type StepRecord } from '../rules/evaluate.js';
import type { Sql } from './db.js';
import type { OutboxState } from './outbox.js';

export interface OutboxRow {
  key: string;
  covers: readonly string[];
  kind: string;
  state: OutboxState;
  dueAt: Date;
  updatedAt: Date;
  lastError: string | null;
  customer: string | null;
  /** A bounce recorded for this (sent) e-mail, with its reason. */
  bounced: string | null;
  /** The policy step it carries out, when it is a dunning action. */
  stepId?: string | null;
  /** Who cancelled it by hand (activity page), with their note: the step is then taken, never planned again. */
  cancelledBy?: { by: string; note: string } | null;
}

export interface StepHistory {
  /** Keys (and covers) of every action not cancelled, without revision suffix: never planned again. */
  planned: Set<string>;
  /** Per key without version: delivered on a date, planned for a date, or failed. */
  history: Map<string, StepRecord>;
  /** Keys (without version) whose every action was cancelled (the invoice changed): the revision to plan next. */
  revisions: Map<string, number>;
  /** Per send day: messages (e-mails and letters) and customers already written to, planned or sent. */
  load: Map<string, DayLoad>;
  /** Per customer, the last day an overdue message went out or is planned to (quiet days). */
  lastContact: Map<string, string>;
}

const LETTER_FALLBACK = '|letter';
const revisionOf = (key: string): number => Number(/\|r(\d+)$/.exec(key)?.[1] ?? 0);

/** Pure: folds outbox rows into the engine's view. Exported for tests. */
export function foldStepHistory(rows: readonly OutboxRow[], timeZone: string, preDueSteps: ReadonlySet<string> = new Set(), today?: string): StepHistory {
  const lastContact = new Map<string, string>();
  const planned = new Set<string>();
  const history = new Map<string, StepRecord>();
  const cancelled = new Map<string, number>();
  const live = new Set<string>();
  const load = new Map<string, { messages: number; customers: Set<string> }>();
  const day = (d: Date) => dateInZone(d, timeZone);
  // A fallback letter for a bounced e-mail delivers the e-mail's step.
  const letters = new Map<string, OutboxRow>();
  for (const r of rows) if (r.kind === 'letter' && r.key.endsWith(LETTER_FALLBACK)) letters.set(r.key.slice(0, -LETTER_FALLBACK.length), r);

  const recordOf = (r: OutboxRow): StepRecord | null => {
    if (r.state === 'cancelled') return r.cancelledBy ? { on: day(r.dueAt), delivered: false, failed: `cancelled by ${r.cancelledBy.by}: ${r.cancelledBy.note}`, cancelledBy: r.cancelledBy } : null;
    if (r.state === 'failed') return { on: day(r.updatedAt), delivered: false, failed: r.lastError ?? 'failed' };
    if (r.state === 'sent' && r.bounced) {
      const letter = letters.get(r.key);
      if (letter) return recordOf(letter);
      return { on: day(r.updatedAt), delivered: false, failed: `bounced: ${r.bounced}` };
    }
    if (r.state === 'sent') return { on: day(r.updatedAt), delivered: true };
    return { on: day(r.dueAt), delivered: false };
  };
  // Delivered beats planned beats failed; among equals, the later date (a re-plan after a cancellation) wins.
  const rank = (s: StepRecord) => (s.delivered ? 2 : s.failed ? 0 : 1);
  const better = (a: StepRecord, b: StepRecord | undefined) => !b || rank(a) > rank(b) || (rank(a) === rank(b) && a.on > b.on);

  for (const r of rows) {
    if (r.kind === 'letter' && r.key.endsWith(LETTER_FALLBACK)) continue;
    const keys = [r.key, ...r.covers];
    // Cancelled by a person: the step stays taken (as a failure the team owns), so it is not planned again.
    if (r.state === 'cancelled' && !r.cancelledBy) {
      if (!DUNNING_CHANNELS.has(r.kind)) continue;
      for (const k of keys) {
        const u = unversioned(k);
        cancelled.set(u, Math.max(cancelled.get(u) ?? 0, revisionOf(k) + 1));
      }
      continue;
    }
    for (const k of keys) {
      planned.add(baseKey(k));
      live.add(unversioned(k));
    }
    if (!DUNNING_CHANNELS.has(r.kind)) continue;
    const rec = recordOf(r);
    if (rec) for (const k of keys) if (better(rec, history.get(unversioned(k)))) history.set(unversioned(k), rec);
    if (r.state === 'failed' || r.state === 'cancelled' || !r.customer) continue;
    const on = r.state === 'sent' ? day(r.updatedAt) : day(r.dueAt);
    // A message still waiting to go (sending off, a retry) counts as going today: nothing new is planned for that
    // customer until it is out and the quiet days after it have passed, so switching sending on releases no pile.
    const contact = r.state !== 'sent' && today && on < today ? today : on;
    if (!(r.stepId && preDueSteps.has(r.stepId)) && (lastContact.get(r.customer) ?? '') < contact) lastContact.set(r.customer, contact);
    let l = load.get(on);
    if (!l) load.set(on, (l = { messages: 0, customers: new Set() }));
    l.customers.add(r.customer);
    if (MESSAGE_CHANNELS.has(r.kind)) l.messages++;
  }
  const revisions = new Map<string, number>();
  for (const [k, n] of cancelled) if (!live.has(k)) revisions.set(k, n);
  return { planned, history, revisions, load, lastContact };
}

/**
 * Reads a connection's outbox for the rules engine. The whole history is read (a step sent a year ago still
 * counts); the per-day load only from yesterday on, as no plan is made for a day already past.
 */
export async function stepHistory(sql: Sql, tenantId: string, connectionId: string, timeZone: string, today: string, preDueSteps: ReadonlySet<string> = new Set()): Promise<StepHistory> {
  const rows = await sql<{ key: string; covers: string[]; kind: string; state: OutboxState; due_at: Date; updated_at: Date; last_error: string | null; customer: string | null; step: string | null; bounced: string | null; cancelled_by: { by: string; note: string } | null }[]>`
    select o.idempotency_key as key, o.covers, o.kind, o.state, o.due_at, o.updated_at, o.last_error,
      case when o.state = 'cancelled' and o.result->'why'->>'code' = 'user'
        then jsonb_build_object('by', o.result->'why'->>'by', 'note', o.result->'why'->>'note') end as cancelled_by,
      o.payload->>'customerExternalId' as customer, o.payload->>'stepId' as step,
      (select a.reason from activities a
        where a.tenant_id = o.tenant_id and a.action_key = o.idempotency_key and a.kind = 'bounced'
        order by a.id desc limit 1) as bounced
    from outbox o
    where o.tenant_id = ${tenantId} and (o.connection_id = ${connectionId} or o.connection_id is null)
      and o.kind <> 'writeback'`;
  const folded = foldStepHistory(
    rows.map((r) => ({ key: r.key, covers: r.covers, kind: r.kind, state: r.state, dueAt: r.due_at, updatedAt: r.updated_at, lastError: r.last_error, customer: r.customer, stepId: r.step, bounced: r.state === 'sent' && r.kind === 'email' ? r.bounced : null, cancelledBy: r.cancelled_by })),
    timeZone,
    preDueSteps,
    today,
  );
  for (const d of [...folded.load.keys()]) if (d < addDays(today, -1)) folded.load.delete(d);
  return folded;
}
