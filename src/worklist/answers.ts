// What an answer does, whoever brings it (the customer on the portal, src/portal; or a team member closing a call,
// outcomes.ts), in one transaction with the answer itself:
// a dispute opens a dispute pause on the invoice; a promise opens a promise pause (with its amount); "already paid"
// holds the invoice a few days while the team checks; a payment-plan request waits for the team to accept (then it
// becomes the payment-plan pause) or refuse it. Each answer also alerts the team (an outbox alert) and is logged.
// A portal answer also opens the team's task here; an answer's form nonce is unique per company: a replayed form is
// recognised and changes nothing.
import type { Alert, Instalment, Pause } from '../model/collections.js';
import { addDays } from '../model/index.js';
import { recordActivity } from '../store/activity.js';
import type { Sql } from '../store/db.js';
import { planActions } from '../store/outbox.js';
import { openPause } from '../store/pauses.js';
import { openTaskIn } from './open.js';

export type AnswerKind = 'dispute' | 'promise' | 'plan' | 'paid';
export const DISPUTE_REASONS = ['not_received', 'quality', 'quantity', 'price', 'not_ordered', 'other'] as const;
export type DisputeReason = (typeof DISPUTE_REASONS)[number];
/** Days an "already paid" claim holds the invoice while the team finds the payment. */
export const PAID_HOLD_DAYS = 7;
/** Who follows up what the portal opens, until someone takes it from the worklist (#23). */
export const PORTAL_OWNER = '—';

export type AnswerDetail =
  | { kind: 'dispute'; reason: DisputeReason; text: string }
  | { kind: 'promise'; on: string; amount: string | null; balance: string }
  | { kind: 'plan'; instalments: Instalment[]; text: string }
  | { kind: 'paid'; on: string; amount: string; reference: string };

export interface Attachment {
  bytes: Buffer;
  type: string;
  name: string;
}

/** Where an answer comes from: the portal (a link), or a call the team made (the worklist, no link). */
export interface AnswerScope {
  tenantId: string;
  connectionId: string;
  customerExternalId: string;
  /** The portal link it came by; null for a call. */
  linkId: string | null;
}

export interface AnswerInput {
  invoiceExternalId: string | null;
  detail: AnswerDetail;
  nonce: string;
  attachment?: Attachment | null;
  today: string;
  customerName: string;
  invoiceNumber: string | null;
  /** Said on a call and recorded by this team member (the pause's owner and actor); absent: the customer, on the portal. */
  call?: { by: string; invoiceExternalIds?: readonly string[] };
}

/**
 * The same, inside the caller's transaction (the worklist closes a call task and records what the customer said in
 * one commit). A portal answer also opens its task for the team (dispute, plan request, "already paid"); a call
 * answer does not (the person who took it is closing theirs) and alerts nobody.
 */
export async function recordAnswerIn(db: Sql, scope: AnswerScope, input: AnswerInput): Promise<'recorded' | 'replayed'> {
  const channel = input.call ? 'call' : 'portal';
  const owner = input.call?.by ?? PORTAL_OWNER;
  const actor = input.call?.by ?? 'portal';
  const a = input.attachment ?? null;
  const [row] = await db<{ id: string }[]>`
    insert into portal_answers (tenant_id, connection_id, customer_external_id, link_id, kind, invoice_external_id, detail, attachment, attachment_type, attachment_name, state, nonce)
    values (${scope.tenantId}, ${scope.connectionId}, ${scope.customerExternalId}, ${scope.linkId}, ${input.detail.kind}, ${input.invoiceExternalId},
      ${JSON.stringify(input.detail)}::text::jsonb, ${a?.bytes ?? null}, ${a?.type ?? null}, ${a?.name ?? null},
      ${input.detail.kind === 'plan' || input.detail.kind === 'paid' ? 'new' : 'done'}, ${input.nonce})
    on conflict (tenant_id, nonce) do nothing returning id::text`;
  if (!row) return 'replayed';
  const base: Omit<Pause, 'id' | 'createdAt' | 'kind' | 'reason'> = { owner, startsOn: input.today, expiresOn: null, customerExternalId: scope.customerExternalId, invoiceExternalId: input.invoiceExternalId, instalments: [] };
  const d = input.detail;
  if (d.kind === 'dispute') await openPause(db, scope.tenantId, scope.connectionId, { ...base, kind: 'dispute', reason: `${channel}: ${d.reason}${d.text ? ` — ${d.text}` : ''}` }, actor);
  if (d.kind === 'promise') await openPause(db, scope.tenantId, scope.connectionId, { ...base, kind: 'promise', reason: `${channel}: promise to pay`, expiresOn: d.on, amount: d.amount, balanceAtOpen: d.amount ? d.balance : null }, actor);
  if (d.kind === 'paid') await openPause(db, scope.tenantId, scope.connectionId, { ...base, kind: 'hold', reason: `${channel}: already paid on ${d.on} (${d.amount}${d.reference ? `, ${d.reference}` : ''}): to check`, expiresOn: addDays(input.today, PAID_HOLD_DAYS) }, actor);
  const invoices = input.invoiceExternalId ? [input.invoiceExternalId] : [...(input.call?.invoiceExternalIds ?? [])];
  await recordActivity(db, scope.tenantId, { connectionId: scope.connectionId, actionKey: `${channel}/${row.id}`, kind: 'answered', channel, customerExternalId: scope.customerExternalId, invoiceExternalIds: invoices, reason: `${channel}: ${d.kind}`, proof: { answer: row.id, detail: d }, actor: input.call ? actor : null });
  if (input.call) return 'recorded';
  // The team's work: a dispute to resolve, a plan to decide, a payment to find (a promise needs nobody until it breaks).
  const taskKind = ({ dispute: 'dispute', plan: 'payment_plan_request', paid: 'already_paid', promise: null } as const)[d.kind];
  if (taskKind) {
    await openTaskIn(db, { tenantId: scope.tenantId, connectionId: scope.connectionId, kind: taskKind, customerExternalId: scope.customerExternalId, invoiceExternalIds: invoices, dueOn: input.today, sourceKey: `portal/${row.id}`, title: `${input.customerName}${input.invoiceNumber ? ` — ${input.invoiceNumber}` : ''}`, detail: { answerId: row.id } });
  }
  const alert: Alert = {
    key: `${scope.tenantId}/${scope.connectionId}|alert|portal|${row.id}`,
    tenantId: scope.tenantId,
    kind: 'portal_answer',
    severity: d.kind === 'dispute' || d.kind === 'paid' ? 'warning' : 'info',
    raisedOn: input.today,
    customerExternalId: scope.customerExternalId,
    invoiceExternalId: input.invoiceExternalId,
    message: `${input.customerName} answered on the portal (${d.kind}${input.invoiceNumber ? `, invoice ${input.invoiceNumber}` : ''})${d.kind === 'plan' || d.kind === 'paid' ? ': to check on the customer page' : ''}`,
    data: { answer: row.id, kind: d.kind },
  };
  await planActions(db, scope.tenantId, [{ idempotencyKey: alert.key, kind: 'alert', dueAt: new Date().toISOString(), payload: alert, connectionId: scope.connectionId }]);
  return 'recorded';
}

