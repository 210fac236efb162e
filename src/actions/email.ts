// Email over SMTP (nodemailer): text + html, a Message-ID derived from the idempotency key, and SMTP errors sorted into transient and permanent.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';

export interface SmtpConfig {
  host: string;
  port: number;
  /** TLS from the first byte (465); false uses STARTTLS when the server offers it. */
  secure: boolean;
  auth?: { user: string; pass: string } | null;
  /** Sender, e.g. "Acme SAS <compta@acme.fr>"; its domain names the Message-IDs. */
  from: string;
  /** Pooled connections: without a pool the server's greeting delay caps throughput (~9 msg/s measured). */
  pool?: boolean;
  maxConnections?: number;
  /** Accept self-signed certificates (tests, private relays). */
  allowInvalidCertificates?: boolean;
}

export type SmtpTransport = Transporter<SMTPTransport.SentMessageInfo>;

/** SMTP settings from `smtp[s]://user:pass@host:port` (SMTP_URL). */
export function smtpFromUrl(url: string, from: string): SmtpConfig {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname,
    port: Number(u.port || (secure ? 465 : 587)),
    secure,
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : null,
    from,
    pool: true,
  };
}

export function createSmtpTransport(config: SmtpConfig): SmtpTransport {
  const opts: SMTPTransport.Options = {
    host: config.host,
    port: config.port,
    secure: config.secure,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
  if (config.auth) opts.auth = { user: config.auth.user, pass: config.auth.pass };
  if (config.allowInvalidCertificates) opts.tls = { rejectUnauthorized: false };
  if (config.pool) return nodemailer.createTransport({ ...opts, pool: true, maxConnections: config.maxConnections ?? 5 } as SMTPTransport.Options);
  return nodemailer.createTransport(opts);
}

/** The domain of an address such as "Acme <compta@acme.fr>". */
export function domainOf(address: string): string {
  const m = /@([^>\s]+)>?\s*$/.exec(address);
  return m?.[1] ?? 'relance.invalid';
}

/**
 * Message-ID from the idempotency key: a resend after a crash carries the same id, so the server-side
 * lookup (and receivers that dedupe on Message-ID) recognise it as the same message.
 */
export function messageIdFor(tenantId: string, idempotencyKey: string, from: string): string {
  const h = createHash('sha256').update(`${tenantId}\u0000${idempotencyKey}`).digest('hex').slice(0, 40);
  return `<${h}.relance@${domainOf(from)}>`;
}

export interface OutgoingEmail {
  tenantId: string;
  idempotencyKey: string;
  from: string;
  to: readonly string[];
  cc?: readonly string[];
  replyTo?: string | null;
  /** The SMTP envelope sender (Return-Path), where bounces go; defaults to `from`. */
  envelopeFrom?: string | null;
  subject: string;
  text: string;
  html: string;
  attachments?: Array<{ filename: string; content: Buffer; contentType: string }>;
}

export interface EmailProof {
  messageId: string;
  /** The server's final reply, e.g. "250 OK: queued as 4F1…". */
  response: string;
  accepted: string[];
  rejected: string[];
}

export type SmtpFailureKind = 'transient' | 'permanent';

/** A send that failed, with whether retrying can help and what the operator should do. */
export class EmailSendFailed extends Error {
  constructor(
    readonly kind: SmtpFailureKind,
    readonly responseCode: number | null,
    message: string,
    /** True when the recipient address itself was refused (5xx on RCPT): a bounce at submission. */
    readonly recipientRejected: boolean,
  ) {
    super(message);
    this.name = 'EmailSendFailed';
  }
}

interface NodemailerError {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message?: string;
}

const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EPROTOCOL']);

/** 4xx and connection trouble are transient; 5xx (550 mailbox unavailable, 553 bad address, 535 auth) are permanent. */
export function classifySmtpError(err: unknown): EmailSendFailed {
  const e = (err ?? {}) as NodemailerError;
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  const text = e.response ?? e.message ?? String(err);
  const rcpt = (e.command ?? '').toUpperCase().startsWith('RCPT') || e.code === 'EENVELOPE';
  if (code !== null && code >= 400 && code < 500) return new EmailSendFailed('transient', code, `SMTP ${code}: ${text} — the server asked to retry later`, false);
  if (code !== null && code >= 500) {
    const hint = code === 535 || e.code === 'EAUTH' ? 'check the SMTP user and password in the settings' : rcpt ? "check the customer's email address in the ERP" : 'the server refused the message';
    return new EmailSendFailed('permanent', code, `SMTP ${code}: ${text} — ${hint}`, rcpt && code !== 535);
  }
  if (e.code && TRANSIENT_CODES.has(e.code)) return new EmailSendFailed('transient', null, `SMTP connection problem (${e.code}): ${text}`, false);
  if (e.code === 'EAUTH') return new EmailSendFailed('permanent', null, `SMTP authentication failed: ${text} — check the SMTP user and password`, false);
  if (e.code === 'EENVELOPE') return new EmailSendFailed('permanent', null, `no valid recipient: ${text} — check the customer's email address`, true);
  // Unknown failures are retried: a lost reminder is costlier than one more attempt.
  return new EmailSendFailed('transient', null, `email send failed: ${text}`, false);
}

/**
 * Asked once the server has accepted DATA and the whole body has gone out, before the end of the message: true lets it
 * end, false withdraws it. The server takes a message only at its end (the lone "." line), so until this resolves
 * nothing can have been delivered: the sender may note "handing over" here and know that a crash before the note means
 * no message. A send refused earlier (the connection, a recipient) never asks.
 */
export type BeforeEnd = () => Promise<boolean>;

/** The send was withdrawn by its BeforeEnd before the message ended: the server holds nothing. */
export class SendWithdrawn extends Error {
  constructor() {
    super('the message was withdrawn before the mail server could take it');
    this.name = 'SendWithdrawn';
  }
}

/** Per-message data the stream plugin reads (nodemailer copies a message's own string keys onto `mail.data`). */
const GATE_KEY = 'relanceBeforeEnd';

/**
 * The message as the SMTP connection reads it, with its end held until the gate says so; a "no" or a failure errors
 * the stream instead, and the connection, closed mid-DATA, leaves the server nothing. Pulled lazily: nodemailer pipes
 * the message only once the server has answered DATA with 354, so the gate is asked after the whole body has gone
 * out, as late as can be, and the hand-over it notes covers only the final "." and the server's answer.
 */
function holdEnd(source: Readable, gate: BeforeEnd): Readable {
  async function* relay(): AsyncGenerator<Buffer> {
    for await (const chunk of source) yield chunk as Buffer;
    if (!(await gate())) throw new SendWithdrawn();
  }
  const out = Readable.from(relay(), { objectMode: false });
  // A reader that gives up (the connection failed) releases the message's own streams.
  out.once('close', () => source.destroy());
  return out;
}

const gated = new WeakSet<SmtpTransport>();

/** Adds (once per transport) the plugin that puts a message's gate in front of its end, whoever built the transport. */
function withGate(transport: SmtpTransport): SmtpTransport {
  if (gated.has(transport)) return transport;
  transport.use('stream', (mail, done) => {
    const gate = (mail.data as Record<string, unknown>)[GATE_KEY];
    if (typeof gate === 'function') {
      const message = mail.message;
      const compose = message.createReadStream.bind(message);
      message.createReadStream = (options?: unknown) => holdEnd(compose(options as never), gate as BeforeEnd);
    }
    done();
  });
  gated.add(transport);
  return transport;
}

/**
 * Sends one message; resolves with the server's proof or throws EmailSendFailed. With `beforeEnd`, the message's end
 * waits for it (see BeforeEnd), asked at most once; its "no" throws SendWithdrawn and its failure is rethrown as is.
 */
export async function sendEmail(transport: SmtpTransport, msg: OutgoingEmail, beforeEnd?: BeforeEnd): Promise<EmailProof> {
  const messageId = messageIdFor(msg.tenantId, msg.idempotencyKey, msg.from);
  let asked: Promise<boolean> | null = null;
  const gate = beforeEnd ? () => (asked ??= beforeEnd()) : null;
  try {
    const info = await withGate(transport).sendMail({
      ...(gate ? { [GATE_KEY]: gate } : {}),
      from: msg.from,
      to: [...msg.to],
      ...(msg.cc?.length ? { cc: [...msg.cc] } : {}),
      ...(msg.replyTo ? { replyTo: msg.replyTo } : {}),
      ...(msg.envelopeFrom ? { envelope: { from: msg.envelopeFrom, to: [...msg.to, ...(msg.cc ?? [])] } } : {}),
      subject: msg.subject,
      text: msg.text,
      html: msg.html,
      messageId,
      headers: { 'X-Relance-Key': createHash('sha256').update(msg.idempotencyKey).digest('hex').slice(0, 16) },
      ...(msg.attachments?.length ? { attachments: msg.attachments } : {}),
    });
    const rejected = (info.rejected ?? []).map(String);
    if ((info.accepted ?? []).length === 0 && rejected.length > 0) {
      throw Object.assign(new Error(`all recipients rejected: ${rejected.join(', ')}`), { code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' });
    }
    return { messageId, response: info.response, accepted: (info.accepted ?? []).map(String), rejected };
  } catch (err) {
    if (err instanceof EmailSendFailed) throw err;
    if (asked) {
      // The gate's own answer decides: a "no" or its failure is the reason, not the stream error nodemailer wraps it in.
      const ok = await asked;
      if (!ok) throw new SendWithdrawn();
    }
    throw classifySmtpError(err);
  }
}
