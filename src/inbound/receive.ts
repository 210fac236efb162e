// One inbound message, from raw bytes to its effects: parse, classify, place it (token, then In-Reply-To/References,
// then sender), store it once per Message-ID, and act: a reply pauses the customer and asks for a "reply to read"
// task; a bounce marks the address failing and asks for a "bounced email" task; an auto-reply is only logged.
import { dateInZone } from '../model/index.js';
import type { OpenTask } from '../model/task.js';
import type { Sql } from '../store/db.js';
import { customersWithAddress, markFailing, storeInbound, threadsByMessageIds, threadsByTokens, type InboundKind, type MailThread, type MatchedBy } from '../store/mail.js';
import { getTenant } from '../store/tenants.js';
import { pauseForReply } from './effects.js';
import { classify, type Verdict } from './classify.js';
import { DEFAULT_PARSE_LIMITS, parseInbound, type InboundMail, type ParseLimits } from './parse.js';
import { tokensIn } from '../actions/reply-address.js';

export interface InboundDeps {
  sql: Sql;
  /** The base reply address (`relance@replies.example.com`); thread tokens ride on it as `relance+<token>@…`. */
  replyAddress: string;
  /** Asks the worklist for a task (idempotent by its sourceKey). */
  openTask: OpenTask;
  now?: () => Date;
  log?: (entry: Record<string, unknown>, message: string) => void;
  limits?: ParseLimits;
  /** Records a bounce against the reminder it answers (activity, fallback letter when the step says so). */
  bounced?: (tenantId: string, actionKey: string, reason: string) => Promise<void>;
}

export type Placement =
  | { placed: true; tenantId: string; connectionId: string | null; customerExternalId: string; thread: MailThread | null; by: Exclude<MatchedBy, 'hand'> }
  | { placed: false; tenantId: string | null; reason: 'no_match' | 'ambiguous_sender' | 'conflicting_thread' };

export interface Received {
  id: string;
  /** False when this Message-ID was already stored: nothing was done again. */
  fresh: boolean;
  kind: InboundKind;
  because: string;
  placement: Placement;
  /** The pause opened for a reply, and the address marked failing for a bounce (none when it was placed nowhere: no
   * company's address is marked). */
  pausedUntil: string | null;
  failing: string | null;
}

const onlyTenant = (threads: readonly MailThread[]) => (new Set(threads.map((t) => t.tenantId)).size === 1 ? threads[0]!.tenantId : null);

/**
 * Where a message belongs. A token or a Message-ID we generated names a company; two signals naming different
 * companies (a forged In-Reply-To, another company's token, a sender known only elsewhere) place it nowhere, so it is
 * never shown to the wrong company: it waits in the operator's unmatched list.
 */
export async function place(sql: Sql, replyAddress: string, mail: Pick<InboundMail, 'recipients' | 'threadIds' | 'bouncedMessageId' | 'from' | 'dsn'>, verdict: Verdict['kind']): Promise<Placement> {
  const byToken = await threadsByTokens(sql, tokensIn(replyAddress, mail.recipients));
  const refIds = [...mail.threadIds, ...(mail.bouncedMessageId ? [mail.bouncedMessageId] : [])];
  const byRef = await threadsByMessageIds(sql, refIds);
  const conflict: Placement = { placed: false, tenantId: null, reason: 'conflicting_thread' };
  if (byToken.length) {
    const tenantId = onlyTenant(byToken);
    if (!tenantId) return conflict;
    if (byRef.some((t) => t.tenantId !== tenantId)) return conflict;
    // A sender we know only as another company's customer, writing to this company's thread.
    if (verdict !== 'bounce' && mail.from) {
      const known = await customersWithAddress(sql, mail.from);
      if (known.length && !known.some((k) => k.tenantId === tenantId)) return conflict;
    }
    const thread = byToken.find((t) => byRef.some((r) => r.customerExternalId === t.customerExternalId)) ?? byToken[0]!;
    return { placed: true, tenantId, connectionId: thread.connectionId, customerExternalId: thread.customerExternalId, thread, by: 'token' };
  }
  if (byRef.length) {
    const tenantId = onlyTenant(byRef);
    if (!tenantId) return conflict;
    // In-Reply-To first, then References newest first: the message answered most directly.
    const order = [...mail.threadIds.slice(0, 1), ...mail.threadIds.slice(1).reverse(), ...(mail.bouncedMessageId ? [mail.bouncedMessageId] : [])];
    const thread = order.map((id) => byRef.find((t) => t.messageId === id)).find(Boolean) ?? byRef[0]!;
    return { placed: true, tenantId, connectionId: thread.connectionId, customerExternalId: thread.customerExternalId, thread, by: 'references' };
  }
  // A bounce comes from a mailer daemon: the address it reports is the customer's.
  const address = verdict === 'bounce' ? (mail.dsn?.recipient ?? null) : mail.from;
  const known = address ? await customersWithAddress(sql, address) : [];
  if (known.length === 1) return { placed: true, tenantId: known[0]!.tenantId, connectionId: known[0]!.connectionId, customerExternalId: known[0]!.customerExternalId, thread: null, by: 'sender' };
  if (known.length > 1) return { placed: false, tenantId: new Set(known.map((k) => k.tenantId)).size === 1 ? known[0]!.tenantId : null, reason: 'ambiguous_sender' };
  return { placed: false, tenantId: null, reason: 'no_match' };
}

/** Receives one message (SMTP listener, IMAP poll). Never throws on bad input: what cannot be read is stored as such. */
export async function receiveMail(deps: InboundDeps, raw: Buffer, meta: { source: 'smtp' | 'imap' | 'test'; envelopeTo?: readonly string[] }): Promise<Received> {
  const now = deps.now?.() ?? new Date();
  const mail = await parseInbound(raw, meta.envelopeTo ?? [], deps.limits ?? DEFAULT_PARSE_LIMITS);
  const verdict: Verdict = mail.unreadable ? { kind: 'reply', because: `unreadable: ${mail.unreadable}` } : classify(mail);
  const kind: InboundKind = mail.unreadable ? 'unreadable' : verdict.kind;
  let placement = await place(deps.sql, deps.replyAddress, mail, verdict.kind);
  // Unreadable mail is never put on a timeline: at most in its company's unmatched list, for a person to look at.
  if (mail.unreadable && placement.placed) placement = { placed: false, tenantId: placement.tenantId, reason: 'no_match' };
  const failedAddress = kind === 'bounce' ? (mail.dsn?.recipient ?? null) : null;
  const permanent = kind === 'bounce' && !!failedAddress && (mail.dsn?.action === 'failed' || (mail.dsn?.status ?? '').startsWith('5'));

  const outcome = await deps.sql.begin(async (tx) => {
    const db = tx as unknown as Sql;
    const stored = await storeInbound(db, {
      messageKey: mail.messageKey,
      tenantId: placement.tenantId,
      connectionId: placement.placed ? placement.connectionId : null,
      customerExternalId: placement.placed ? placement.customerExternalId : null,
      threadId: placement.placed ? (placement.thread?.id ?? null) : null,
      kind,
      matchedBy: placement.placed ? placement.by : null,
      unmatchedReason: mail.unreadable ? 'unreadable' : placement.placed ? null : placement.reason,
      source: meta.source,
      fromAddress: mail.from,
      subject: mail.subject,
      bodyText: mail.text,
      failedAddress,
      dsnStatus: mail.dsn?.status ?? null,
      sizeBytes: mail.sizeBytes,
      raw,
      attachments: mail.attachments,
    });
    let pausedUntil: string | null = null;
    if (!stored.fresh || !placement.placed) return { ...stored, pausedUntil, today: null as string | null };
    const tenant = await getTenant(db, placement.tenantId);
    const today = dateInZone(now, tenant?.timeZone ?? 'UTC');
    if (kind === 'reply' && placement.connectionId && tenant) {
      pausedUntil = await pauseForReply(db, tenant, { connectionId: placement.connectionId, customerExternalId: placement.customerExternalId, subject: mail.subject, owner: deps.replyAddress, today });
    }
    if (permanent) await markFailing(db, placement.tenantId, failedAddress!, { status: mail.dsn?.status ?? null, reason: mail.dsn?.diagnostic ?? 'delivery failed', inboundId: stored.id });
    return { ...stored, pausedUntil, today };
  });

  // Asked after the commit, and again on a redelivery: the worklist dedupes by sourceKey, so a task lost to a crash
  // between the commit and this call is asked for when the sender retries.
  if (placement.placed && placement.connectionId && (kind === 'reply' || permanent)) {
    const tenant = outcome.today ? null : await getTenant(deps.sql, placement.tenantId);
    const dueOn = outcome.today ?? dateInZone(now, tenant?.timeZone ?? 'UTC');
    await deps.openTask({
      tenantId: placement.tenantId,
      connectionId: placement.connectionId,
      kind: kind === 'reply' ? 'reply_to_read' : 'bounced_email',
      customerExternalId: placement.customerExternalId,
      invoiceExternalIds: placement.thread?.invoiceExternalIds ?? [],
      dueOn,
      sourceKey: `mail:${mail.messageKey}`,
      title: kind === 'reply' ? mail.subject.slice(0, 200) : `${failedAddress}`,
      detail: kind === 'reply' ? { inboundId: outcome.id, from: mail.from } : { inboundId: outcome.id, address: failedAddress, status: mail.dsn?.status ?? null },
    });
  }
  if (permanent && placement.placed && placement.thread && deps.bounced) {
    await deps.bounced(placement.tenantId, placement.thread.actionKey, `${failedAddress} ${mail.dsn?.status ?? ''} ${mail.dsn?.diagnostic ?? ''}`.trim());
  }
  deps.log?.({ inboundId: outcome.id, fresh: outcome.fresh, kind, because: verdict.because, placed: placement.placed, matchedBy: placement.placed ? placement.by : null, reason: placement.placed ? null : placement.reason, tenantId: placement.tenantId }, 'inbound mail');
  return { id: outcome.id, fresh: outcome.fresh, kind, because: verdict.because, placement, pausedUntil: outcome.pausedUntil, failing: permanent && placement.placed ? failedAddress : null };
}
