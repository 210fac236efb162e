// What a customer answers on the portal: recorded (what each answer does is src/worklist/answers.ts, shared with the
// answers taken on a call), listed for the customer page, and decided by the team (a plan request, an "already paid").
import { closePause, openPause } from '../store/pauses.js';
import type { Sql } from '../store/db.js';
import { recordAnswerIn, type AnswerDetail, type AnswerInput, type AnswerKind, type AnswerScope } from '../worklist/answers.js';

export { DISPUTE_REASONS, PAID_HOLD_DAYS, PORTAL_OWNER, recordAnswerIn } from '../worklist/answers.js';
export type { AnswerDetail, AnswerInput, AnswerKind, AnswerScope, Attachment, DisputeReason } from '../worklist/answers.js';

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
