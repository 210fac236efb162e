// Activity log per invoice and customer (sent, cancelled, failed, retried… with content hash and proof) and stored letters; every query takes the tenant.
import type { Sql } from './db.js';

export type ActivityKind = 'sent' | 'cancelled' | 'failed' | 'retry' | 'bounced' | 'resent_in_doubt' | 'reconciled' | 'alerted' | 'writeback' | 'sending_on' | 'sending_off' | 'viewed' | 'answered' | 'held' | 'changed' | 'task';

export interface ActivityInput {
  connectionId?: string | null;
  actionKey: string;
  kind: ActivityKind;
  channel?: string | null;
  customerExternalId?: string | null;
  invoiceExternalIds?: readonly string[];
  reason?: string | null;
  contentHash?: string | null;
  proof?: unknown;
  /** Who caused it, when a person did (a sending switch turned on or off); null for the executor's own outcomes. */
  actor?: string | null;
  /** Why it was cancelled, as data the pages say in the reader's language (model CancelWhy); `reason` is the English sentence. */
  why?: unknown;
}

export interface Activity extends Required<Omit<ActivityInput, 'proof' | 'why'>> {
  id: string;
  proof: unknown;
  why: unknown;
  createdAt: Date;
}

/** Appends activities in one statement; a final outcome already recorded for the action is kept, not duplicated. */
export async function recordActivities(sql: Sql, tenantId: string, items: readonly ActivityInput[]): Promise<number> {
  if (items.length === 0) return 0;
  const rows = JSON.stringify(
    items.map((a) => ({
      connection_id: a.connectionId ?? null,
      action_key: a.actionKey,
      kind: a.kind,
      channel: a.channel ?? null,
      customer_external_id: a.customerExternalId ?? null,
      invoice_external_ids: a.invoiceExternalIds ?? [],
      reason: a.reason ?? null,
      content_hash: a.contentHash ?? null,
      proof: a.proof ?? null,
      actor: a.actor ?? null,
      why: a.why ?? null,
    })),
  );
  const res = await sql`
    insert into activities (tenant_id, connection_id, action_key, kind, channel, customer_external_id, invoice_external_ids, reason, content_hash, proof, actor, why)
    select ${tenantId}::uuid, r.connection_id, r.action_key, r.kind, r.channel, r.customer_external_id,
      array(select jsonb_array_elements_text(r.invoice_external_ids)), r.reason, r.content_hash, r.proof, r.actor, r.why
    from jsonb_to_recordset(${rows}::text::jsonb) as r(connection_id uuid, action_key text, kind text, channel text, customer_external_id text, invoice_external_ids jsonb, reason text, content_hash text, proof jsonb, actor text, why jsonb)
    on conflict do nothing`;
  return res.count;
}

export async function recordActivity(sql: Sql, tenantId: string, item: ActivityInput): Promise<boolean> {
  return (await recordActivities(sql, tenantId, [item])) === 1;
}

/** Activity of one tenant, newest first, optionally for one invoice, one customer or one action. */
export async function listActivity(
  sql: Sql,
  tenantId: string,
  filter: { invoiceExternalId?: string; customerExternalId?: string; actionKey?: string; limit?: number } = {},
): Promise<Activity[]> {
  const rows = await sql<{ id: string; connection_id: string | null; action_key: string; kind: Activity['kind']; channel: string | null; customer_external_id: string | null; invoice_external_ids: string[]; reason: string | null; content_hash: string | null; proof: unknown; actor: string | null; why: unknown; created_at: Date }[]>`
    select id::text, connection_id, action_key, kind, channel, customer_external_id, invoice_external_ids, reason, content_hash, proof, actor, why, created_at
    from activities
    where tenant_id = ${tenantId}
      and (${filter.invoiceExternalId ?? null}::text is null or invoice_external_ids @> array[${filter.invoiceExternalId ?? null}::text])
      and (${filter.customerExternalId ?? null}::text is null or customer_external_id = ${filter.customerExternalId ?? null})
      and (${filter.actionKey ?? null}::text is null or action_key = ${filter.actionKey ?? null})
    order by created_at desc, id desc
    limit ${filter.limit ?? 500}`;
  return rows.map((r) => ({
    id: r.id,
    connectionId: r.connection_id,
    actionKey: r.action_key,
    kind: r.kind,
    channel: r.channel,
    customerExternalId: r.customer_external_id,
    invoiceExternalIds: r.invoice_external_ids,
    reason: r.reason,
    contentHash: r.content_hash,
    proof: r.proof,
    actor: r.actor,
    why: r.why,
    createdAt: r.created_at,
  }));
}

export interface StoredLetter {
  id: string;
  actionKey: string;
  templateId: string;
  language: string;
  formal: boolean;
  registered: boolean;
  trackingNumber: string | null;
  sha256: string;
  pdf: Buffer;
}

/** Stores a letter once per action; when one exists already (a retry after a crash) the stored one is returned unchanged. */
export async function saveLetter(sql: Sql, tenantId: string, l: Omit<StoredLetter, 'id'>): Promise<StoredLetter> {
  await sql`
    insert into letters (tenant_id, action_key, template_id, language, formal, registered, tracking_number, sha256, pdf)
    values (${tenantId}, ${l.actionKey}, ${l.templateId}, ${l.language}, ${l.formal}, ${l.registered}, ${l.trackingNumber}, ${l.sha256}, ${l.pdf})
    on conflict (tenant_id, action_key) do nothing`;
  const stored = await getLetter(sql, tenantId, l.actionKey);
  if (!stored) throw new Error(`letter for ${l.actionKey} vanished after insert`);
  return stored;
}

export async function getLetter(sql: Sql, tenantId: string, actionKey: string): Promise<StoredLetter | null> {
  const [r] = await sql<{ id: string; action_key: string; template_id: string; language: string; formal: boolean; registered: boolean; tracking_number: string | null; sha256: string; pdf: Buffer }[]>`
    select id::text, action_key, template_id, language, formal, registered, tracking_number, sha256, pdf
    from letters where tenant_id = ${tenantId} and action_key = ${actionKey}`;
  return r ? { id: r.id, actionKey: r.action_key, templateId: r.template_id, language: r.language, formal: r.formal, registered: r.registered, trackingNumber: r.tracking_number, sha256: r.sha256, pdf: r.pdf } : null;
}
