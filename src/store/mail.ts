// Inbound mail's tables: the thread each reminder opened (token, Message-ID), the messages received with their
// attachments, and the addresses known to bounce. Every query takes the tenant, except the two lookups that find it:
// by a thread token (128 random bits, the capability itself) and by a Message-ID we generated.
import { atomically, type Sql } from './db.js';

export interface MailThread {
  id: string;
  tenantId: string;
  connectionId: string | null;
  customerExternalId: string;
  actionKey: string;
  invoiceExternalIds: string[];
  token: string;
  messageId: string | null;
}

type ThreadRow = { id: string; tenant_id: string; connection_id: string | null; customer_external_id: string; action_key: string; invoice_external_ids: string[]; token: string; message_id: string | null };
const toThread = (r: ThreadRow): MailThread => ({
  id: String(r.id),
  tenantId: r.tenant_id,
  connectionId: r.connection_id,
  customerExternalId: r.customer_external_id,
  actionKey: r.action_key,
  invoiceExternalIds: r.invoice_external_ids,
  token: r.token,
  messageId: r.message_id,
});

/**
 * The thread of one reminder, created on its first attempt with `token` and reused by every retry (same token, same
 * reply address), and the Message-ID it goes out with.
 */
export async function threadFor(
  sql: Sql,
  tenantId: string,
  t: { connectionId: string | null; customerExternalId: string; actionKey: string; invoiceExternalIds: readonly string[]; messageId: string },
  token: string,
): Promise<MailThread> {
  await sql`
    insert into mail_threads (tenant_id, connection_id, customer_external_id, action_key, invoice_external_ids, token, message_id)
    values (${tenantId}, ${t.connectionId}, ${t.customerExternalId}, ${t.actionKey}, ${sql.array([...t.invoiceExternalIds])}, ${token}, ${t.messageId})
    on conflict (tenant_id, action_key) do update set message_id = excluded.message_id`;
  const [row] = await sql<ThreadRow[]>`select * from mail_threads where tenant_id = ${tenantId} and action_key = ${t.actionKey}`;
  return toThread(row!);
}

export async function threadsByTokens(sql: Sql, tokens: readonly string[]): Promise<MailThread[]> {
  if (tokens.length === 0) return [];
  return (await sql<ThreadRow[]>`select * from mail_threads where token = any(${sql.array([...tokens])})`).map(toThread);
}

export async function threadsByMessageIds(sql: Sql, messageIds: readonly string[]): Promise<MailThread[]> {
  if (messageIds.length === 0) return [];
  return (await sql<ThreadRow[]>`select * from mail_threads where message_id = any(${sql.array([...messageIds])})`).map(toThread);
}

/** Customers, across companies, whose email (or one of their emails) is `address`: the last way to match a reply. */
export async function customersWithAddress(sql: Sql, address: string): Promise<{ tenantId: string; connectionId: string; customerExternalId: string }[]> {
  const a = address.toLowerCase();
  const rows = await sql<{ tenant_id: string; connection_id: string; external_id: string }[]>`
    select tenant_id, connection_id, external_id from customers
    where active and (lower(email) = ${a}
      or exists (select 1 from jsonb_array_elements_text(case when jsonb_typeof(data->'emails') = 'array' then data->'emails' else '[]'::jsonb end) e where lower(e) = ${a}))
    limit 20`;
  return rows.map((r) => ({ tenantId: r.tenant_id, connectionId: r.connection_id, customerExternalId: r.external_id }));
}

export type InboundKind = 'reply' | 'auto_reply' | 'bounce' | 'unreadable';
export type MatchedBy = 'token' | 'references' | 'sender' | 'hand';

export interface InboundInput {
  messageKey: string;
  tenantId: string | null;
  connectionId: string | null;
  customerExternalId: string | null;
  threadId: string | null;
  kind: InboundKind;
  matchedBy: MatchedBy | null;
  unmatchedReason: string | null;
  source: 'smtp' | 'imap' | 'test';
  fromAddress: string | null;
  subject: string;
  bodyText: string;
  failedAddress: string | null;
  dsnStatus: string | null;
  sizeBytes: number;
  raw: Buffer | null;
  attachments: { filename: string; contentType: string; size: number; content: Buffer | null }[];
}

export interface StoredInbound {
  id: string;
  messageKey: string;
  tenantId: string | null;
  connectionId: string | null;
  customerExternalId: string | null;
  kind: InboundKind;
  matchedBy: MatchedBy | null;
  unmatchedReason: string | null;
  source: string;
  fromAddress: string | null;
  subject: string;
  bodyText: string;
  failedAddress: string | null;
  dsnStatus: string | null;
  receivedAt: Date;
  /** Who placed it by hand (matchedBy 'hand'). */
  assignedBy: string | null;
  attachments: { id: string; filename: string; contentType: string; size: number; kept: boolean }[];
}

/** Stores a message and its attachments once: a second delivery of the same message key returns `fresh: false`. */
export async function storeInbound(sql: Sql, m: InboundInput): Promise<{ id: string; fresh: boolean }> {
  return atomically(sql, async (db) => {
    const [row] = await db<{ id: string }[]>`
      insert into inbound_messages (message_key, tenant_id, connection_id, customer_external_id, thread_id, kind, matched_by, unmatched_reason, source,
        from_address, subject, body_text, failed_address, dsn_status, size_bytes, raw)
      values (${m.messageKey}, ${m.tenantId}, ${m.connectionId}, ${m.customerExternalId}, ${m.threadId}, ${m.kind}, ${m.matchedBy}, ${m.unmatchedReason}, ${m.source},
        ${m.fromAddress}, ${m.subject}, ${m.bodyText}, ${m.failedAddress}, ${m.dsnStatus}, ${m.sizeBytes}, ${m.raw})
      on conflict (message_key) do nothing returning id`;
    if (!row) {
      const [old] = await db<{ id: string }[]>`select id from inbound_messages where message_key = ${m.messageKey}`;
      return { id: String(old!.id), fresh: false };
    }
    if (m.attachments.length) {
      await db`insert into inbound_attachments ${db(m.attachments.map((a) => ({ message_id: row.id, filename: a.filename, content_type: a.contentType, size_bytes: a.size, content: a.content })))}`;
    }
    return { id: String(row.id), fresh: true };
  });
}

type InboundRow = {
  id: string;
  message_key: string;
  tenant_id: string | null;
  connection_id: string | null;
  customer_external_id: string | null;
  kind: InboundKind;
  matched_by: MatchedBy | null;
  unmatched_reason: string | null;
  source: string;
  from_address: string | null;
  subject: string;
  body_text: string;
  failed_address: string | null;
  dsn_status: string | null;
  received_at: Date;
  assigned_by: string | null;
  attachments: { id: number; filename: string; content_type: string; size_bytes: number; kept: boolean }[] | null;
};

const inboundColumns = (sql: Sql) => sql`
  m.id, m.message_key, m.tenant_id, m.connection_id, m.customer_external_id, m.kind, m.matched_by, m.unmatched_reason, m.source, m.from_address, m.subject,
  m.body_text, m.failed_address, m.dsn_status, m.received_at, m.assigned_by,
  (select coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'filename', a.filename, 'content_type', a.content_type, 'size_bytes', a.size_bytes, 'kept', a.content is not null) order by a.id), '[]'::jsonb)
     from inbound_attachments a where a.message_id = m.id) as attachments`;

const toInbound = (r: InboundRow): StoredInbound => ({
  id: String(r.id),
  messageKey: r.message_key,
  tenantId: r.tenant_id,
  connectionId: r.connection_id,
  customerExternalId: r.customer_external_id,
  kind: r.kind,
  matchedBy: r.matched_by,
  unmatchedReason: r.unmatched_reason,
  source: r.source,
  fromAddress: r.from_address,
  subject: r.subject,
  bodyText: r.body_text,
  failedAddress: r.failed_address,
  dsnStatus: r.dsn_status,
  receivedAt: r.received_at,
  assignedBy: r.assigned_by,
  attachments: (r.attachments ?? []).map((a) => ({ id: String(a.id), filename: a.filename, contentType: a.content_type, size: a.size_bytes, kept: a.kept })),
});

/** A customer's mail, newest first: what their timeline shows. */
export async function customerMail(sql: Sql, tenantId: string, connectionId: string, customerExternalId: string, limit = 100): Promise<StoredInbound[]> {
  const rows = await sql<InboundRow[]>`
    select ${inboundColumns(sql)} from inbound_messages m
    where m.tenant_id = ${tenantId} and m.connection_id = ${connectionId} and m.customer_external_id = ${customerExternalId}
    order by m.received_at desc, m.id desc limit ${limit}`;
  return rows.map(toInbound);
}

/** Mail nobody could place: the company's own (known company, unknown customer), and with `unowned` the operator's (no company). */
export async function unmatchedMail(sql: Sql, tenantId: string, opts: { unowned: boolean; limit?: number }): Promise<StoredInbound[]> {
  const rows = await sql<InboundRow[]>`
    select ${inboundColumns(sql)} from inbound_messages m
    where m.customer_external_id is null and (m.tenant_id = ${tenantId} or (${opts.unowned} and m.tenant_id is null))
    order by m.received_at desc, m.id desc limit ${opts.limit ?? 200}`;
  return rows.map(toInbound);
}

export async function inboundById(sql: Sql, id: string): Promise<StoredInbound | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  const [row] = await sql<InboundRow[]>`select ${inboundColumns(sql)} from inbound_messages m where m.id = ${id}`;
  return row ? toInbound(row) : null;
}

/** An attachment's bytes, only through the company and customer it belongs to. */
export async function inboundAttachment(sql: Sql, tenantId: string, connectionId: string, customerExternalId: string, attachmentId: string) {
  if (!/^\d{1,18}$/.test(attachmentId)) return null;
  const [row] = await sql<{ filename: string; content_type: string; content: Buffer | null }[]>`
    select a.filename, a.content_type, a.content from inbound_attachments a join inbound_messages m on m.id = a.message_id
    where a.id = ${attachmentId} and m.tenant_id = ${tenantId} and m.connection_id = ${connectionId} and m.customer_external_id = ${customerExternalId}`;
  return row?.content ? { filename: row.filename, contentType: row.content_type, bytes: row.content } : null;
}

/**
 * Places an unmatched message on a customer (by hand): only mail of this company or of no company, and only while it
 * is unplaced. Returns false when it was not (already placed, another company's).
 */
export async function assignInbound(sql: Sql, tenantId: string, id: string, to: { connectionId: string; customerExternalId: string }, by: string): Promise<boolean> {
  if (!/^\d{1,18}$/.test(id)) return false;
  const res = await sql`
    update inbound_messages set tenant_id = ${tenantId}, connection_id = ${to.connectionId}, customer_external_id = ${to.customerExternalId},
      matched_by = 'hand', assigned_by = ${by}, assigned_at = now()
    where id = ${id} and customer_external_id is null and (tenant_id = ${tenantId} or tenant_id is null)`;
  return res.count === 1;
}

/** Records that an address bounced; a cleared address that bounces again is failing again. */
export async function markFailing(sql: Sql, tenantId: string, address: string, f: { status: string | null; reason: string; inboundId: string | null }): Promise<void> {
  await sql`
    insert into failing_addresses (tenant_id, address, status, reason, inbound_id)
    values (${tenantId}, ${address.toLowerCase()}, ${f.status}, ${f.reason}, ${f.inboundId})
    on conflict (tenant_id, address) do update set status = excluded.status, reason = excluded.reason, inbound_id = excluded.inbound_id,
      since = case when failing_addresses.cleared_at is null then failing_addresses.since else now() end, cleared_at = null, cleared_by = null`;
}

export interface FailingAddress {
  address: string;
  status: string | null;
  reason: string;
  since: Date;
}

/** Which of these addresses are failing for this company. */
export async function failingAmong(sql: Sql, tenantId: string, addresses: readonly string[]): Promise<FailingAddress[]> {
  if (addresses.length === 0) return [];
  const rows = await sql<{ address: string; status: string | null; reason: string; since: Date }[]>`
    select address, status, reason, since from failing_addresses
    where tenant_id = ${tenantId} and cleared_at is null and address = any(${sql.array(addresses.map((a) => a.toLowerCase()))})`;
  return rows;
}

export async function clearFailing(sql: Sql, tenantId: string, address: string, by: string): Promise<boolean> {
  const res = await sql`update failing_addresses set cleared_at = now(), cleared_by = ${by} where tenant_id = ${tenantId} and address = ${address.toLowerCase()} and cleared_at is null`;
  return res.count === 1;
}
