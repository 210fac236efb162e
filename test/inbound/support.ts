// Shared pieces of the inbound-mail tests: a seeded company whose reminder went out through the SMTP sink, a recorder
// standing in for the worklist (the real one is wired at merge), and raw messages as mail clients and servers write them.
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { executeDue } from '../../src/actions/executor.js';
import type { PlannedAction } from '../../src/model/collections.js';
import type { TaskRequest } from '../../src/model/task.js';
import type { Sql } from '../../src/store/db.js';
import { planActions } from '../../src/store/outbox.js';
import { NOW, customer, invoice, makeDeps, plan, seed, type Seeded } from '../actions/fixtures.js';
import type { Captured, SmtpSink } from '../actions/smtp-sink.js';

export const FROM_ADDRESS = 'compta@atelier-dupont.fr';

/** Stands in for the worklist: records every request, as the contract (src/model/task.ts) hands them over. */
export function taskRecorder() {
  const requests: TaskRequest[] = [];
  const openTask = async (req: TaskRequest) => {
    requests.push(req);
  };
  return { requests, openTask };
}

export interface SentReminder extends Seeded {
  customerId: string;
  email: string;
  message: Captured;
  replyTo: string;
  token: string;
}

export const header = (raw: string, name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(raw.replace(/\r?\n[ \t]+/g, ' '))?.[1]?.trim() ?? '';

/** Seeds a company with one overdue invoice for `customerId` and sends its first reminder through the sink. */
export async function sendReminder(sql: Sql, sink: SmtpSink, customerId: string, email: string, opts: { locale?: string } = {}): Promise<SentReminder> {
  const s = await seed(sql, { customers: [customer(customerId, { name: `Client ${customerId}`, email })], invoices: [invoice(`inv-${customerId}`, customerId, { dueDate: '2026-03-10' })], ...(opts.locale ? { locale: opts.locale } : {}) });
  await plan(sql, s);
  const deps = makeDeps(sql, sink.port);
  await executeDue(deps, s.tenantId, NOW);
  deps.smtp!.transport.close();
  const message = sink.messages.filter((m) => m.rcptTo.includes(email)).at(-1);
  if (!message) throw new Error(`no reminder went to ${email}`);
  const replyTo = header(message.raw, 'Reply-To');
  const token = /\+([a-z2-7]{26})@/.exec(replyTo)?.[1] ?? '';
  return { ...s, customerId, email, message, replyTo, token };
}

/** Plans the next reminder of this customer `days` after NOW (a copy of the one sent), as the evaluator would. */
export async function planNext(sql: Sql, r: SentReminder, days: number): Promise<string> {
  const [row] = await sql<{ payload: PlannedAction }[]>`select payload from outbox where tenant_id = ${r.tenantId} and kind = 'email' and state = 'sent' order by id limit 1`;
  const due = new Date(NOW.getTime() + days * 86_400_000);
  const key = `${row!.payload.idempotencyKey}|next-${days}`;
  await planActions(sql, r.tenantId, [{ idempotencyKey: key, kind: 'email', dueAt: due.toISOString(), payload: { ...row!.payload, idempotencyKey: key, dueOn: due.toISOString().slice(0, 10) }, connectionId: r.connectionId }]);
  return key;
}

export async function outboxState(sql: Sql, tenantId: string, key: string) {
  const [row] = await sql<{ state: string; result: { why?: unknown } | null }[]>`select state, result from outbox where tenant_id = ${tenantId} and idempotency_key = ${key}`;
  return row;
}

/** Sends a message to the inbound listener as a mail server would (nodemailer over SMTP). */
export async function deliver(port: number, mail: SendMailOptions | { raw: string | Buffer; envelope: { from: string; to: string[] } }) {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    return await t.sendMail(mail as SendMailOptions);
  } finally {
    t.close();
  }
}

/** A delivery-status notification (RFC 3464) as a receiving server sends it back to the Return-Path. */
export function dsn(opts: { to: string; failed: string; status?: string | null; action?: string | null; diagnostic?: string | null; originalMessageId: string | null; messageId: string }): string {
  // A field given as null is left out, as some servers leave it out.
  const field = (name: string, value: string | null | undefined, fallback: string) => (value === null ? [] : [`${name}: ${value ?? fallback}`]);
  const b = 'dsn-boundary-42';
  return [
    `From: Mail Delivery System <MAILER-DAEMON@mx.client.example>`,
    `To: ${opts.to}`,
    `Subject: Undelivered Mail Returned to Sender`,
    `Message-ID: ${opts.messageId}`,
    `Auto-Submitted: auto-replied`,
    `MIME-Version: 1.0`,
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${b}"`,
    ``,
    `--${b}`,
    `Content-Type: text/plain; charset=us-ascii`,
    ``,
    `This is the mail system. Your message could not be delivered to ${opts.failed}.`,
    ``,
    `--${b}`,
    `Content-Type: message/delivery-status`,
    ``,
    `Reporting-MTA: dns; mx.client.example`,
    ``,
    `Final-Recipient: rfc822; ${opts.failed}`,
    `Original-Recipient: rfc822;${opts.failed}`,
    ...field('Action', opts.action, 'failed'),
    ...field('Status', opts.status, '5.1.1'),
    ...field('Diagnostic-Code', opts.diagnostic, `smtp; 550 5.1.1 <${opts.failed}>: Recipient address rejected: User unknown`),
    ``,
    // The headers of the message that bounced, when the server quotes them (null: it does not).
    ...(opts.originalMessageId === null ? [] : [`--${b}`, `Content-Type: text/rfc822-headers`, ``, `From: ${FROM_ADDRESS}`, `To: ${opts.failed}`, `Message-ID: ${opts.originalMessageId}`, `Subject: Relance`, ``]),
    `--${b}--`,
    ``,
  ].join('\r\n');
}
