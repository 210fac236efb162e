// What a customer answers on the portal, and what each answer does, in one transaction with the answer itself:
// a dispute opens a dispute pause on the invoice; a promise opens a promise pause (with its amount); "already paid"
// holds the invoice a few days while the team checks; a payment-plan request waits for the team to accept (then it
// becomes the payment-plan pause) or refuse it. Each answer also alerts the team (an outbox alert) and is logged.
// An answer's form nonce is unique per company: a replayed form is recognised and changes nothing.
import type { Alert, Instalment, Pause } from '../model/collections.js';
import { addDays } from '../model/index.js';
import { recordActivity } from '../store/activity.js';
import type { Sql } from '../store/db.js';
import { planActions } from '../store/outbox.js';
import { closePause, openPause } from '../store/pauses.js';
import type { PortalScope } from './links.js';
import { openTaskIn } from '../worklist/open.js';

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

export interface StoredAnswer {
  id: string;
  kind: AnswerKind;
  invoiceExternalId: string | null;
  detail: AnswerDetail;
  state: 'new' | 'accepted' | 'refused' | 'done';
  hasAttachment: boolean;
  attachmentName: string | null;
  createdAt: Date;
  decidedBy: string | null;
}

/** Records the answer and acts on it; 'replayed' when this form was already received (nothing changes). */
export async function recordAnswer(sql: Sql, scope: AnswerScope, input: AnswerInput): Promise<'recorded' | 'replayed'> {
  return sql.begin((tx) => recordAnswerIn(tx as unknown as Sql, scope, input));
}

/** Where an answer comes from: the portal (a link), or a call the team made (the worklist, no link). */
export type AnswerScope = Pick<PortalScope, 'tenantId' | 'connectionId' | 'customerExternalId'> & { linkId: string | null };

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

export async function listAnswers(sql: Sql, tenantId: string, connectionId: string, customerExternalId: string): Promise<StoredAnswer[]> {
  const rows = await sql<{ id: string; kind: AnswerKind; invoice_external_id: string | null; detail: AnswerDetail; state: StoredAnswer['state']; has_attachment: boolean; attachment_name: string | null; created_at: Date; decided_by: string | null }[]>`
    select id::text, kind, invoice_external_id, detail, state, attachment is not null as has_attachment, attachment_name, created_at, decided_by from portal_answers
    where tenant_id = ${tenantId} and connection_id = ${connectionId} and customer_external_id = ${customerExternalId} order by created_at desc, id desc`;
  return rows.map((r) => ({ id: r.id, kind: r.kind, invoiceExternalId: r.invoice_external_id, detail: r.detail, state: r.state, hasAttachment: r.has_attachment, attachmentName: r.attachment_name, createdAt: r.created_at, decidedBy: r.decided_by }));
}

export async function answerAttachment(sql: Sql, tenantId: string, answerId: string): Promise<{ bytes: Buffer; type: string; name: string } | null> {
  const [row] = await sql<{ attachment: Buffer | null; attachment_type: string | null; attachment_name: string | null }[]>`
    select attachment, attachment_type, attachment_name from portal_answers where tenant_id = ${tenantId} and id = ${answerId}`;
  return row?.attachment ? { bytes: row.attachment, type: row.attachment_type ?? 'application/octet-stream', name: row.attachment_name ?? 'piece-jointe' } : null;
}

/**
 * The team decides a payment-plan request or an "already paid" claim. An accepted plan becomes the payment-plan pause
 * with the instalments proposed; a refused one changes nothing (dunning goes on). Decided once (compare-and-set).
 */
export async function decideAnswer(sql: Sql, tenantId: string, connectionId: string, answerId: string, decision: 'accepted' | 'refused', by: string, today: string): Promise<boolean> {
  return sql.begin(async (tx) => {
    const db = tx as unknown as Sql;
    const [row] = await db<{ kind: AnswerKind; detail: AnswerDetail; customer_external_id: string; invoice_external_id: string | null }[]>`
      update portal_answers set state = ${decision}, decided_by = ${by}
      where tenant_id = ${tenantId} and connection_id = ${connectionId} and id = ${answerId} and state = 'new'
      returning kind, detail, customer_external_id, invoice_external_id`;
    if (!row) return false;
    // A payment the team could not find: the hold ends now and dunning resumes.
    if (decision === 'refused' && row.detail.kind === 'paid') {
      const holds = await db<{ id: string }[]>`
        select id::text from pauses where tenant_id = ${tenantId} and connection_id = ${connectionId} and state = 'active' and kind = 'hold'
          and customer_external_id = ${row.customer_external_id} and invoice_external_id is not distinct from ${row.invoice_external_id} and reason like 'portal: already paid%'`;
      for (const h of holds) await closePause(db, tenantId, h.id, 'resolved', by, 'payment not found');
    }
    if (decision === 'accepted' && row.detail.kind === 'plan' && row.invoice_external_id) {
      await openPause(db, tenantId, connectionId, { kind: 'payment_plan', reason: 'portal: payment plan accepted', owner: by, startsOn: today, expiresOn: null, customerExternalId: row.customer_external_id, invoiceExternalId: row.invoice_external_id, instalments: row.detail.instalments }, by);
    }
    return true;
  });
}
