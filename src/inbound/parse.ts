// Raw RFC 5322 bytes → what the inbound path needs (mailparser): addresses, threading headers, text, attachments, and
// the delivery-status part of a bounce. Never throws: mail that cannot be read is returned as `unreadable`.
import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { bareAddress } from '../actions/reply-address.js';

export interface InboundAttachment {
  filename: string;
  contentType: string;
  size: number;
  /** Null when over the per-file limit: the name and size are kept, the bytes are not. */
  content: Buffer | null;
}

export interface DeliveryStatus {
  /** The address that failed (Final-Recipient, else Original-Recipient). */
  recipient: string | null;
  /** failed | delayed | delivered | relayed | expanded */
  action: string | null;
  /** The enhanced status code, e.g. 5.1.1. */
  status: string | null;
  diagnostic: string | null;
}

export interface InboundMail {
  /** The Message-ID, or a hash of the bytes when there is none (or it is absurd): what makes a redelivery a no-op. */
  messageKey: string;
  messageId: string | null;
  from: string | null;
  /** Every address the message was sent to: the envelope's RCPT TO, To, Cc, Delivered-To, X-Original-To. */
  recipients: string[];
  /** In-Reply-To then References, newest last, as written. */
  threadIds: string[];
  subject: string;
  text: string;
  contentType: string;
  /** A multipart/report's report-type (RFC 6522), lowercased: delivery-status for a bounce, disposition-notification for a read receipt. */
  reportType: string | null;
  headers: ReadonlyMap<string, string>;
  attachments: InboundAttachment[];
  /** A bounce's delivery-status fields, and the Message-ID of the message that bounced when the DSN quotes it. */
  dsn: DeliveryStatus | null;
  bouncedMessageId: string | null;
  sizeBytes: number;
  /** Set when the MIME structure could not be read at all. */
  unreadable: string | null;
}

export interface ParseLimits {
  /** Bytes kept per attachment; a larger file is listed without its bytes. */
  maxAttachmentBytes: number;
  /** Characters of text kept (the raw message is stored whole). */
  maxTextChars: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxAttachmentBytes: 5 * 1024 * 1024, maxTextChars: 100_000 };

const MESSAGE_ID = /^<[^<>\s]{1,250}>$/;
/** PostgreSQL text cannot hold NUL, and control characters have no business on a page. */
const clean = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
const ids = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? v.split(/\s+/) : []).map((s) => s.trim()).filter((s) => MESSAGE_ID.test(s));
const addressesOf = (v: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(v) ? v : v ? [v] : []).flatMap((o) => o.value.flatMap((a) => [a.address ?? '', ...(a.group ?? []).map((g) => g.address ?? '')])).filter(Boolean).map((a) => a.toLowerCase());

function reportTypeOf(value: unknown): string | null {
  const params = value && typeof value === 'object' && 'params' in value ? (value as { params: Record<string, unknown> }).params : null;
  const type = params?.['report-type'];
  return typeof type === 'string' && type.trim() ? clean(type.trim().toLowerCase()).slice(0, 100) : null;
}

function headerText(value: unknown): string {
  if (typeof value === 'string') return value;
  // A structured header (Content-Type) is { value: 'text/plain', params }; an address header is { value: [addresses],
  // text: 'Name <a@b>' }, whose value would read "[object Object]".
  if (value && typeof value === 'object' && 'value' in value && typeof (value as { value: unknown }).value === 'string') return (value as { value: string }).value;
  if (value && typeof value === 'object' && 'text' in value) return String((value as { text: unknown }).text);
  return value == null ? '' : String(value);
}

/** The fields of a message/delivery-status body (RFC 3464): the first per-recipient block that names a recipient. */
export function readDeliveryStatus(text: string): DeliveryStatus {
  const unfolded = text.replace(/\r?\n[ \t]+/g, ' ');
  const blocks = unfolded.split(/\r?\n\s*\r?\n/);
  const field = (block: string, name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(block)?.[1]?.trim() ?? null;
  const block = blocks.find((b) => /^(final|original)-recipient:/im.test(b)) ?? unfolded;
  const rcpt = field(block, 'Final-Recipient') ?? field(block, 'Original-Recipient');
  return {
    recipient: rcpt ? bareAddress(rcpt.replace(/^[a-z0-9-]+;\s*/i, '')) : null,
    action: field(block, 'Action')?.toLowerCase() ?? null,
    status: /(\d\.\d{1,3}\.\d{1,3})/.exec(field(block, 'Status') ?? '')?.[1] ?? null,
    diagnostic: field(block, 'Diagnostic-Code')?.slice(0, 500) ?? null,
  };
}

/** Reads one message; `envelopeTo` are the SMTP RCPT TO addresses when it came by SMTP. */
export async function parseInbound(raw: Buffer, envelopeTo: readonly string[] = [], limits: ParseLimits = DEFAULT_PARSE_LIMITS): Promise<InboundMail> {
  const hashKey = `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, { keepDeliveryStatus: true, skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true, maxHtmlLengthToParse: 2_000_000 });
  } catch (err) {
    return {
      messageKey: hashKey,
      messageId: null,
      from: null,
      recipients: envelopeTo.map((a) => a.toLowerCase()),
      threadIds: [],
      subject: '',
      text: '',
      contentType: '',
      reportType: null,
      headers: new Map(),
      attachments: [],
      dsn: null,
      bouncedMessageId: null,
      sizeBytes: raw.length,
      unreadable: err instanceof Error ? err.message.slice(0, 300) : 'unreadable',
    };
  }
  const headers = new Map<string, string>();
  for (const [k, v] of parsed.headers) headers.set(k.toLowerCase(), clean(headerText(v)).slice(0, 2000));
  const messageId = parsed.messageId && MESSAGE_ID.test(parsed.messageId.trim()) ? parsed.messageId.trim() : null;
  const recipients = new Set<string>(envelopeTo.map((a) => a.toLowerCase()));
  for (const a of [...addressesOf(parsed.to), ...addressesOf(parsed.cc)]) recipients.add(a);
  for (const name of ['delivered-to', 'x-original-to']) {
    for (const line of parsed.headerLines.filter((h) => h.key === name)) {
      const a = bareAddress(line.line.slice(line.line.indexOf(':') + 1));
      if (a) recipients.add(a);
    }
  }
  const attachments: InboundAttachment[] = [];
  let dsn: DeliveryStatus | null = null;
  let bouncedMessageId: string | null = null;
  for (const a of parsed.attachments) {
    const type = (a.contentType || 'application/octet-stream').toLowerCase();
    // RFC 6533: an internationalized DSN (SMTPUTF8 mail) has the same fields, in UTF-8.
    if (type === 'message/delivery-status' || type === 'message/global-delivery-status') {
      dsn = readDeliveryStatus(a.content.toString('utf8'));
      continue;
    }
    if (type === 'message/rfc822' || type === 'text/rfc822-headers' || type === 'message/rfc822-headers') {
      const quoted = /^message-id:\s*(<[^<>\s]+>)/im.exec(a.content.toString('utf8', 0, Math.min(a.content.length, 64 * 1024)));
      if (quoted) bouncedMessageId = quoted[1]!;
    }
    const size = a.size ?? a.content.length;
    attachments.push({
      filename: clean(a.filename ?? 'attachment').replace(/[\r\n"\\/]/g, '_').slice(0, 200) || 'attachment',
      contentType: clean(type).slice(0, 100),
      size,
      content: size <= limits.maxAttachmentBytes ? a.content : null,
    });
  }
  const text = parsed.text ?? (typeof parsed.html === 'string' ? parsed.html.replace(/<[^>]*>/g, ' ') : '');
  return {
    messageKey: messageId ?? hashKey,
    messageId,
    from: (() => {
      const f = addressesOf(parsed.from)[0] ?? bareAddress(headers.get('from'));
      return f ? clean(f).slice(0, 320) : null;
    })(),
    recipients: [...recipients],
    threadIds: [...ids(parsed.inReplyTo), ...ids(parsed.references)],
    subject: clean(parsed.subject ?? '').slice(0, 500),
    text: clean(text).trim().slice(0, limits.maxTextChars),
    contentType: headers.get('content-type') ?? 'text/plain',
    reportType: reportTypeOf(parsed.headers.get('content-type')),
    headers,
    attachments,
    dsn,
    bouncedMessageId,
    sizeBytes: raw.length,
    unreadable: null,
  };
}
