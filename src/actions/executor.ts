// Drives due outbox items planned → sending → sent | failed | cancelled: freshness check, render, send (email, letter, alert, task), record proof.
// Only items of a connection whose sending is switched on are claimed (outbox-lease.ts); the others wait in `planned`.
//
// Exactly-once argument (email, the channel with an outside receiver):
// 1. Planning is idempotent (unique key per tenant), and only the worker whose compare-and-set moves an item
//    planned → sending sends it; a second worker's CAS fails and it skips.
// 2. The Message-ID is a hash of the idempotency key, so every attempt for one action carries the same id.
// 3. `sent`, the activity row and any follow-up (write-back item, fallback letter) commit in ONE transaction.
// 4. While the message goes to the server, and before its end does (the server takes a message only at the end
//    of DATA), the attempt notes on the row that it is handing it over (markSubmitting: CAS on the attempt number,
//    which also stops a worker whose lease was taken over; email.ts holds the end until the note commits). The
//    remaining window is: that note committed, the server may have taken the message, and the process died
//    before step 3 committed. The item stays `sending`; once its lease expires a worker reclaims it (CAS on the
//    lease). A reclaimed item without the note died before its message left: it is sent normally, no doubt.
//    With the note the attempt is in doubt: the worker first asks `deps.delivered(messageId)` — the relay's own
//    record of accepted messages (message search by Message-ID) — and marks it sent without resending if the
//    relay has it. Without a reconciler, `inDoubt: 'resend'` (the executor's default) resends with the SAME
//    Message-ID, so the receiver sees one logical message (MTAs/mailboxes that dedupe on Message-ID drop it) and
//    the activity log records `resent_in_doubt`; `inDoubt: 'fail'` (the service's default, SMTP_IN_DOUBT=hold)
//    never resends: the item fails as in doubt and the team is alerted to check (at most once).
//    A connection that drops or times out after the note, before the server's answer, is the same doubt: the note
//    stays and the retry is reconciled the same way. A refusal from the server (any non-2xx reply) withdraws the note
//    (clearSubmitting): the server did not take the message, and the retry sends it normally.
import { createHash } from 'node:crypto';
import { Dec, dateInZone, type Customer, type Invoice } from '../model/index.js';
import { Alert as AlertSchema, PlannedAction as PlannedActionSchema, type Alert, type CancelWhy, type PlannedAction } from '../model/collections.js';
import { listPauses, pausedReason } from '../store/pauses.js';
import { pauseHolding } from '../rules/pause-cover.js';
import type { Sql } from '../store/db.js';
import { planActions, transition } from '../store/outbox.js';
import { recordActivity, saveLetter, type ActivityInput } from '../store/activity.js';
import { EmailSendFailed, SendWithdrawn, messageIdFor, sendEmail, type SmtpTransport } from './email.js';
import { failingAmong, threadFor } from '../store/mail.js';
import { newReplyToken, replyAddressFor } from './reply-address.js';
import { pickLanguage, type Language } from './format.js';
import { renderLetter } from './letter.js';
import { claimPlanned, clearSubmitting, dueItems, heldItems, itemByKey, markSubmitting, reclaimStale, renewLease, retryLater, submittedBefore, type DueItem } from './outbox-lease.js';
import { TemplateRejected, familyOf, isFormalTemplate, renderMessage, shippedTemplate, type RenderedMessage, type TemplateParts } from './templates.js';
import { heldLetterReason, letterGaps, withEmailFooter, type Gap } from './letterhead.js';
import { RateMissing, type RateBook } from '../rules/rate-tables.js';
import { untimely } from '../rules/evaluate.js';
import { ownDependencyDown } from '../dependency-errors.js';
import { buildVars, penaltiesFor, type CompanyProfile, type MessageVars } from './vars.js';
import type { OpenTask, TaskKind } from '../model/task.js';

export interface ExecutionContext {
  tenantId: string;
  connectionId: string | null;
}

export interface TenantProfile {
  locale: string;
  timeZone: string;
  company: CompanyProfile;
}

export interface ActionAlert {
  /** Stable per cause, so a sink that sees it twice (at-least-once delivery) can drop the copy. */
  key: string;
  tenantId: string;
  severity: 'info' | 'warning' | 'critical';
  kind: 'action_failed' | 'letter_to_post' | 'letter_held' | 'task' | 'in_doubt' | 'bounced' | 'rule';
  message: string;
  body?: string;
  actionKey: string;
  customerExternalId?: string | null;
}

/**
 * Points between steps where a test can kill the process to prove crash safety. `handing`: an email is on its way to
 * the mail server, its end held until the hand-over note commits (the hook may hold it there by returning a promise).
 */
export type CrashPoint = 'claimed' | 'handing' | 'accepted' | 'recorded';

export interface ExecutorOptions {
  /** How long a `sending` item may stay claimed before another worker may take it over. */
  leaseMs: number;
  maxAttempts: number;
  backoffMs: (attempt: number) => number;
  /** Days given to pay in reminders and letters (law §3.3: 8–15 days is common for a mise en demeure). */
  deadlineDays: number;
  batchSize: number;
  /** Items in flight at once; the compare-and-set claim makes any value safe. */
  concurrency: number;
  /** Without a reconciler: resend an in-doubt email with the same Message-ID, or fail it and alert. */
  inDoubt: 'resend' | 'fail';
  /** Whether a refused address turns this reminder into a letter; defaults to the payload's `fallback: 'letter'`. */
  fallbackToLetter: (action: PlannedAction) => boolean;
}

export interface ExecutorDeps {
  sql: Sql;
  /**
   * `replyTo` is the base reply address (default: `from`): each reminder goes out with `<local>+<token>@<domain>` as
   * its Reply-To and Return-Path, the token naming its thread (src/inbound), so replies and bounces find their customer.
   */
  smtp?: { transport: SmtpTransport; from: string; replyTo?: string | null };
  /** Current state of these invoices (from the store after a sync, or the ERP); a missing id means deleted. */
  freshness: (ctx: ExecutionContext, invoiceExternalIds: readonly string[]) => Promise<Invoice[]>;
  customer: (ctx: ExecutionContext, customerExternalId: string) => Promise<Customer | null>;
  profile: (tenantId: string) => Promise<TenantProfile>;
  alert: (alert: ActionAlert) => Promise<void>;
  /** Connector write-back (e.g. a note or reminder date on the ERP invoice); run as its own outbox item. */
  writeback?: (action: PlannedAction, proof: unknown, ctx: ExecutionContext) => Promise<void>;
  /** The relay's answer to "did you accept this Message-ID?"; null when it cannot tell. */
  delivered?: (messageId: string) => Promise<boolean | null>;
  /** Postal service (print and post); receives the action key to dedupe. Absent: an alert asks a person to post it. */
  post?: (letter: { actionKey: string; pdf: Buffer; sha256: string; registered: boolean }) => Promise<{ trackingNumber: string | null }>;
  /** Tenant-edited templates; validated before use. Null falls back to the shipped ones. */
  templates?: (tenantId: string, templateId: string, lang: Language) => Promise<TemplateParts | null>;
  hook?: (point: CrashPoint, item: DueItem) => void | Promise<void>;
  /**
   * Document addresses for invoices whose record has none (providers that give them one invoice at a time): asked
   * before rendering; a failure leaves the message without them rather than holding it.
   */
  documentLinks?: (ctx: ExecutionContext, invoiceExternalIds: readonly string[]) => Promise<Map<string, string>>;
  /** The customer's portal link for this message: a long one for an email, a short one to type for a letter. */
  portalLink?: (ctx: ExecutionContext, customerExternalId: string, actionKey: string, form: 'email' | 'letter') => Promise<string | null>;
  /**
   * The worklist (src/worklist taskOpener): work for a person (a call, a hand-off, a letter to post, a broken promise)
   * becomes a task with an owner, and the worklist alerts only urgent ones. Absent, every such work is an alert.
   */
  openTask?: OpenTask;
  /** Reference rates for the item's connection (src/demo/rates.ts rateBookFor), read at send time for penalty figures. */
  rates?: (ctx: { tenantId: string; connectionId: string | null }, today: string) => Promise<RateBook>;
  options?: Partial<ExecutorOptions>;
}

export interface ExecuteSummary {
  sent: number;
  cancelled: number;
  failed: number;
  retried: number;
  skipped: number;
  reconciled: number;
  resentInDoubt: number;
  /** Letters waiting for the company profile (or the debtor's address) to be completed; they go out once it is. */
  heldForProfile: number;
  /** Due items left `planned` because their connection's sending is off, per connection (nothing was sent for them). */
  held: { connectionId: string; due: number }[];
}

const DEFAULTS: ExecutorOptions = {
  leaseMs: 5 * 60_000,
  maxAttempts: 6,
  backoffMs: (attempt) => Math.min(60_000 * 2 ** (attempt - 1), 6 * 3_600_000),
  deadlineDays: 8,
  batchSize: 200,
  concurrency: 4,
  inDoubt: 'resend',
  fallbackToLetter: (a) => (a as PlannedAction & { fallback?: string }).fallback === 'letter',
};

/** How often a step waiting for a reference rate looks again (the rates refresh runs daily and at start-up). */
const RATE_WAIT_MS = 3 * 3_600_000;

/** How often a letter held for an incomplete company profile (or debtor address) looks again. */
const PROFILE_WAIT_MS = 3_600_000;

/**
 * A letter (or a formal notice by any channel) that cannot lawfully go out yet: the sender's identity lacks what
 * business correspondence must show, or the debtor has no postal address. It waits, like a missing rate, and goes
 * out by itself once fixed; the reason is in the tenant's language, and the team is alerted once per cause.
 */
export class LetterHeld extends Error {
  constructor(readonly gaps: readonly Gap[], message: string) {
    super(message);
    this.name = 'LetterHeld';
  }
}


/** A problem retrying cannot fix (bad data, bad template, refused address): the item fails and an alert goes out. */
export class PermanentActionError extends Error {
  constructor(message: string, readonly bounced = false) {
    super(message);
    this.name = 'PermanentActionError';
  }
}

/**
 * An email an earlier attempt handed to the server before its worker died, not known to the relay either way: with
 * `inDoubt: 'fail'` it is not sent again (it may have arrived); the item fails and the team is asked to check.
 */
export class SendInDoubt extends PermanentActionError {
  constructor(message: string) {
    super(message);
    this.name = 'SendInDoubt';
  }
}

/** Why a planned action must not go out any more, or null when every invoice is as it was planned. */
export function staleReason(action: PlannedAction, current: ReadonlyMap<string, Invoice>): string | null {
  for (const line of action.invoices) {
    const id = line.instalmentOf ?? line.externalId;
    const inv = current.get(id);
    const name = line.number ?? id;
    if (!inv) return `invoice ${name} no longer exists in the ERP`;
    if (inv.status === 'paid' || (inv.status !== 'void' && inv.status !== 'draft' && new Dec(inv.amountDue).lte(0))) return `invoice ${name} was paid since planning`;
    if (inv.status === 'void') return `invoice ${name} was voided or credited in full since planning`;
    if (inv.status === 'draft') return `invoice ${name} is back to draft`;
    if (line.instalmentOf) {
      const change = instalmentChange(line, inv);
      if (change) return `instalment due ${line.dueDate} of invoice ${name} ${change}`;
      continue;
    }
    if (inv.dueDate !== line.dueDate) return `invoice ${name} changed since planning: due date ${line.dueDate} → ${inv.dueDate}`;
    // A line dunning less than the invoice owes (an e-invoice partially approved) keeps the invoice's figure apart.
    const planned = line.invoiceAmountDue ?? line.amountDue;
    if (!sameAmount(inv.amountDue, planned)) return `invoice ${name} changed since planning: amount due ${planned} → ${inv.amountDue} (payment or credit note)`;
    if (inv.eInvoicing?.code === 210 || inv.eInvoicing?.code === 213) return `invoice ${name} was ${inv.eInvoicing.status} on the e-invoicing platform since planning`;
    if (inv.eInvoicing?.code === 207 || inv.eInvoicing?.code === 208) return `invoice ${name} is ${inv.eInvoicing.status} on the e-invoicing platform since planning`;
  }
  return null;
}

/**
 * How an instalment line went stale, or null. Its due date is the plan's, not the invoice's; its amount is a share of
 * the invoice's residual (older instalments settled first, rules/evaluate.ts), so a payment on the invoice since
 * planning may have paid it: cancelled here, the next run plans what is still owed.
 */
function instalmentChange(line: PlannedAction['invoices'][number], inv: Invoice): string | null {
  const before = line.invoiceAmountDue ?? null;
  // Planned before the invoice's amount was kept on the line: what the invoice still owes bounds the instalment.
  if (before === null) return new Dec(inv.amountDue).lt(line.amountDue) ? `changed since planning: the invoice owes ${inv.amountDue}, less than the instalment's ${line.amountDue} (payment or credit note)` : null;
  return sameAmount(inv.amountDue, before) ? null : `changed since planning: amount due on the invoice ${before} → ${inv.amountDue} (payment or credit note)`;
}

function sameAmount(a: string, b: string): boolean {
  return new Dec(a).eq(b);
}

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/** Runs every due item of a tenant once; safe to call concurrently from several workers. */
export async function executeDue(deps: ExecutorDeps, tenantId: string, now: Date = new Date()): Promise<ExecuteSummary> {
  const opts: ExecutorOptions = { ...DEFAULTS, ...deps.options };
  const summary: ExecuteSummary = { sent: 0, cancelled: 0, failed: 0, retried: 0, skipped: 0, reconciled: 0, resentInDoubt: 0, heldForProfile: 0, held: [] };
  const tally = (outcome: Outcome) => {
    if (outcome === 'reconciled') summary.reconciled++;
    else if (outcome === 'held') summary.heldForProfile++;
    else if (outcome === 'resent_in_doubt') {
      summary.resentInDoubt++;
      summary.sent++;
    } else summary[outcome]++;
  };
  // Batches until a short one: every processed item leaves the due set (sent, failed, cancelled, or retried later).
  for (let round = 0; round < 1_000; round++) {
    const items = await dueItems(deps.sql, tenantId, now, opts.leaseMs, opts.batchSize);
    for (let i = 0; i < items.length; i += opts.concurrency) {
      const outcomes = await Promise.all(items.slice(i, i + opts.concurrency).map((item) => runItem(deps, opts, tenantId, item, now)));
      outcomes.forEach(tally);
    }
    if (items.length < opts.batchSize) break;
  }
  summary.held = (await heldItems(deps.sql, tenantId, now)).filter((h) => h.due > 0).map(({ connectionId, due }) => ({ connectionId, due }));
  return summary;
}

type Outcome = 'sent' | 'cancelled' | 'failed' | 'retried' | 'skipped' | 'reconciled' | 'resent_in_doubt' | 'held';

interface Claimed {
  item: DueItem;
  attempts: number;
  /** Claimed from a `sending` left by a dead worker: the last attempt may have reached the server. */
  reclaimed: boolean;
  ctx: ExecutionContext;
  now: Date;
}

async function runItem(deps: ExecutorDeps, opts: ExecutorOptions, tenantId: string, item: DueItem, now: Date): Promise<Outcome> {
  let attempts: number;
  let reclaimed = false;
  if (item.state === 'planned') {
    // Not claimed: another worker has it, or sending was turned off for its connection since it was read.
    // The attempt number as claimed, not as read: another worker may have tried and put the item back since.
    const a = await claimPlanned(deps.sql, tenantId, item.id);
    if (a === null) return 'skipped';
    attempts = a;
  } else {
    const a = await reclaimStale(deps.sql, tenantId, item.id, opts.leaseMs);
    if (a === null) return 'skipped';
    attempts = a;
    reclaimed = true;
  }
  deps.hook?.('claimed', item);
  const c: Claimed = { item, attempts, reclaimed, ctx: { tenantId, connectionId: item.connectionId }, now };
  let action: PlannedAction | null = null;
  // The lease is renewed while this worker runs the item (a third of the lease apart): only a dead worker's item is
  // taken over. A lease of 0 (tests that reclaim at once) renews nothing.
  const heartbeat = opts.leaseMs > 0 ? setInterval(() => void renewLease(deps.sql, tenantId, item.id, attempts).catch(() => undefined), Math.max(250, Math.floor(opts.leaseMs / 3))) : null;
  heartbeat?.unref();
  try {
    const p = item.payload as Record<string, unknown> | null;
    if (item.kind === 'writeback') return await runWriteback(deps, c);
    if (p && typeof p === 'object' && 'idempotencyKey' in p) {
      const parsed = PlannedActionSchema.safeParse(p);
      if (!parsed.success) throw new PermanentActionError(`unreadable planned action: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      action = { ...parsed.data, ...(typeof p.fallback === 'string' ? { fallback: p.fallback } : {}) } as PlannedAction;
      return await runAction(deps, opts, c, action, now);
    }
    const alert = AlertSchema.safeParse(p);
    if (!alert.success) throw new PermanentActionError(`outbox item of kind ${item.kind} has an unknown payload`);
    return await runRuleAlert(deps, c, alert.data);
  } catch (err) {
    return await onError(deps, opts, c, action, err, now);
  } finally {
    if (heartbeat) clearInterval(heartbeat);
  }
}

async function complete(
  deps: ExecutorDeps,
  c: Claimed,
  to: 'sent' | 'cancelled' | 'failed',
  activity: Omit<ActivityInput, 'actionKey' | 'connectionId'>,
  extra: { result?: unknown; error?: string },
  more?: (tx: Sql) => Promise<unknown>,
): Promise<boolean> {
  const { tenantId } = c.ctx;
  return deps.sql.begin(async (tx) => {
    // A transaction handle runs the same queries as the pool; the store's functions take either.
    const s = tx as unknown as Sql;
    // Only this attempt's: one whose item another worker took over records nothing.
    if (!(await transition(s, tenantId, c.item.id, 'sending', to, { ...extra, attempt: c.attempts }))) return false;
    await recordActivity(s, tenantId, { ...activity, actionKey: c.item.idempotencyKey, connectionId: c.item.connectionId });
    if (more) await more(s);
    return true;
  });
}

function activityBase(action: PlannedAction): Pick<ActivityInput, 'channel' | 'customerExternalId' | 'invoiceExternalIds'> {
  return { channel: action.channel, customerExternalId: action.customerExternalId, invoiceExternalIds: [...new Set(action.invoices.map((l) => l.instalmentOf ?? l.externalId))] };
}

interface Prepared {
  lang: Language;
  vars: MessageVars;
  message: RenderedMessage;
  customer: Customer;
  today: string;
  family: ReturnType<typeof familyOf>;
  company: CompanyProfile;
}

/** Why a claimed action must not go out: the English sentence, and the same as data when the pages word it themselves. */
interface Cancel {
  cancel: string;
  why?: CancelWhy;
}

/**
 * Checks freshness and pauses, loads the parties, computes penalties on the send date and renders the template. A
 * pause opened after planning cancels the action here too (store/pauses.ts cancels what it covers when it opens; this
 * covers the action a worker had already claimed, and pauses written by any other path).
 */
async function prepare(deps: ExecutorDeps, opts: ExecutorOptions, c: Claimed, action: PlannedAction, now: Date): Promise<Prepared | Cancel> {
  const ids = [...new Set(action.invoices.map((l) => l.instalmentOf ?? l.externalId))];
  const current = new Map((await deps.freshness(c.ctx, ids)).map((i) => [i.externalId, i]));
  const stale = staleReason(action, current);
  if (stale) return { cancel: stale };
  const profile = await deps.profile(c.ctx.tenantId);
  const today = dateInZone(now, profile.timeZone);
  const pauses = await listPauses(deps.sql, c.ctx.tenantId, { ...(c.ctx.connectionId ? { connectionId: c.ctx.connectionId } : {}), states: ['active'], customerExternalId: action.customerExternalId });
  const pause = pauseHolding(action, pauses, today);
  if (pause) {
    const why: CancelWhy = { code: 'paused', pause: pause.kind, since: pause.startsOn, until: pause.expiresOn ?? null, by: pause.owner };
    return { cancel: pausedReason(why), why };
  }
  const customer = await deps.customer(c.ctx, action.customerExternalId);
  if (!customer) throw new PermanentActionError(`customer ${action.customerExternalId} is not in the store; run a sync, then retry the action`);
  const undocumented = [...current.values()].filter((i) => !i.pdfUrl).map((i) => i.externalId);
  if (undocumented.length && deps.documentLinks) {
    const links = await deps.documentLinks(c.ctx, undocumented).catch(() => new Map<string, string>());
    for (const [id, url] of links) {
      const inv = current.get(id);
      if (inv) current.set(id, { ...inv, pdfUrl: url });
    }
  }
  const lang = pickLanguage(customer.language, profile.locale);
  const late = untimely(action, today);
  if (late) return { cancel: late };
  const gaps = letterGaps(action, profile.company, customer);
  // Said in the tenant's language: its team reads the activity log and the alert.
  if (gaps.length) throw new LetterHeld(gaps, heldLetterReason(gaps, pickLanguage(null, profile.locale), customer.name));
  const family = familyOf(action.templateId);
  const penalties = action.penalties.length > 0 ? penaltiesFor(action, current, family, today, await deps.rates?.(c.ctx, today)) : null;
  const portal = (await deps.portalLink?.(c.ctx, action.customerExternalId, action.idempotencyKey, action.channel === 'letter' ? 'letter' : 'email')) ?? null;
  const vars = buildVars({ action, current, customer, company: profile.company, language: lang, family, today, deadlineDays: opts.deadlineDays, penalties, portal });
  const custom = (await deps.templates?.(c.ctx.tenantId, action.templateId, lang)) ?? null;
  let parts: TemplateParts;
  try {
    parts = custom ?? shippedTemplate(action.templateId, lang);
  } catch (e) {
    throw new PermanentActionError((e as Error).message);
  }
  const message = await renderMessage(parts, vars, { trusted: custom === null });
  return { lang, vars, message, customer, today, family, company: profile.company };
}

async function runAction(deps: ExecutorDeps, opts: ExecutorOptions, c: Claimed, action: PlannedAction, now: Date): Promise<Outcome> {
  if (action.channel === 'alert') {
    if (deps.openTask && action.stepId === 'broken-promise' && (await openTaskFor(deps, c, action, 'broken_promise', action.idempotencyKey, action.explain))) {
      return (await complete(deps, c, 'sent', { ...activityBase(action), kind: 'alerted', reason: action.explain }, { result: { alerted: true, task: true } })) ? 'sent' : 'skipped';
    }
    await deps.alert({ key: action.idempotencyKey, tenantId: c.ctx.tenantId, severity: 'warning', kind: 'rule', message: action.explain, actionKey: action.idempotencyKey, customerExternalId: action.customerExternalId });
    return (await complete(deps, c, 'sent', { ...activityBase(action), kind: 'alerted', reason: action.explain }, { result: { alerted: true } })) ? 'sent' : 'skipped';
  }
  // An email an earlier attempt may have handed over (its worker died, or its connection dropped before the server's
  // answer) is in doubt whatever the invoice does since: held, it must not be recorded cancelled (a payment meanwhile)
  // when the customer may have it. Checked before the freshness read.
  if (action.channel === 'email' && opts.inDoubt === 'fail' && submittedBefore(c.item)) {
    const messageId = deps.smtp ? messageIdFor(c.ctx.tenantId, action.idempotencyKey, deps.smtp.from) : null;
    const known = messageId && deps.delivered ? await deps.delivered(messageId) : null;
    if (known === null) throw new SendInDoubt(inDoubtMessage(messageId ?? action.idempotencyKey));
  }
  const prep = await prepare(deps, opts, c, action, now);
  if ('cancel' in prep) {
    const { cancel, why } = prep;
    return (await complete(deps, c, 'cancelled', { ...activityBase(action), kind: 'cancelled', reason: cancel, why }, { error: cancel, result: { cancelled: cancel, ...(why ? { why } : {}) } })) ? 'cancelled' : 'skipped';
  }
  switch (action.channel) {
    case 'email':
      return runEmail(deps, opts, c, action, prep);
    case 'letter':
      return runLetter(deps, c, action, prep);
    case 'handoff':
    case 'call':
    case 'writeback': {
      // Work for a person (call script, hand-off file): a task in the worklist, else the alert is the delivery.
      const kind: TaskKind = action.channel === 'handoff' ? 'handoff' : 'call';
      const tasked = action.channel !== 'writeback' && (await openTaskFor(deps, c, action, kind, action.idempotencyKey, prep.message.subject, { script: prep.message.text }));
      if (!tasked) await deps.alert({ key: action.idempotencyKey, tenantId: c.ctx.tenantId, severity: 'warning', kind: 'task', message: prep.message.subject, body: prep.message.text, actionKey: action.idempotencyKey, customerExternalId: action.customerExternalId });
      const hash = sha256(`${prep.message.subject}\u0000${prep.message.text}`);
      return (await complete(deps, c, 'sent', { ...activityBase(action), kind: 'sent', contentHash: hash, proof: { task: true } }, { result: { task: true, contentHash: hash } })) ? 'sent' : 'skipped';
    }
  }
}

async function runEmail(deps: ExecutorDeps, opts: ExecutorOptions, c: Claimed, action: PlannedAction, prep: Prepared): Promise<Outcome> {
  if (!deps.smtp) throw new PermanentActionError('no SMTP server is configured: set the SMTP settings, then retry the action');
  const all = [...new Set([prep.customer.email, ...prep.customer.emails].filter((e): e is string => !!e))];
  if (all.length === 0) throw new PermanentActionError(`customer ${prep.customer.name} has no email address: add one in the ERP`, true);
  // Addresses a bounce marked failing get nothing; when none is left, the reminder is not sent and says why.
  const failing = await failingAmong(deps.sql, c.ctx.tenantId, all);
  const to = all.filter((a) => !failing.some((f) => f.address === a.toLowerCase()));
  if (to.length === 0) {
    const why: CancelWhy = { code: 'address_failing', addresses: failing.map((f) => f.address), since: failing[0]!.since.toISOString() };
    const reason = `not sent: ${why.addresses.join(', ')} bounced (${failing.map((f) => f.status ?? f.reason).join(', ')}); fix the address in the ERP or clear it in Relance`;
    return (await complete(deps, c, 'cancelled', { ...activityBase(action), kind: 'cancelled', reason, why }, { error: reason, result: { cancelled: reason, why } })) ? 'cancelled' : 'skipped';
  }
  const messageId = messageIdFor(c.ctx.tenantId, action.idempotencyKey, deps.smtp.from);
  // The thread this reminder opens (the same on every retry): its token is in the reply address and the Return-Path.
  const thread = await threadFor(
    deps.sql,
    c.ctx.tenantId,
    { connectionId: c.item.connectionId, customerExternalId: action.customerExternalId, actionKey: action.idempotencyKey, invoiceExternalIds: activityBase(action).invoiceExternalIds ?? [], messageId },
    newReplyToken(),
  );
  const replyAddress = replyAddressFor(deps.smtp.replyTo || deps.smtp.from, thread.token);
  // The sender's identity under every email, added by code so an edited template cannot drop it.
  const mail = withEmailFooter(prep.message, prep.company, prep.lang);
  const hash = sha256(`${mail.subject}\u0000${mail.text}\u0000${mail.html}`);
  const base = activityBase(action);
  let inDoubt = false;
  if (c.attempts > 1) {
    const known = deps.delivered ? await deps.delivered(messageId) : null;
    if (known === true) {
      const proof = { messageId, response: 'reconciled: the relay already holds this Message-ID', reconciled: true };
      const ok = await complete(deps, c, 'sent', { ...base, kind: 'sent', contentHash: hash, proof, reason: 'reconciled after an interrupted attempt' }, { result: proof }, (tx) => followUps(deps, tx, c, action, proof));
      return ok ? 'reconciled' : 'skipped';
    }
    // In doubt only if an earlier attempt had handed the message over and never heard the server's answer.
    if (known === null && submittedBefore(c.item)) {
      if (opts.inDoubt === 'fail') throw new SendInDoubt(inDoubtMessage(messageId));
      inDoubt = true;
    }
  }
  // The hand-over note is written while the message is on its way and before its end reaches the server, which
  // alone lets the server take it: a worker that dies before the note sent nothing. No note (our lease ran out and
  // another worker took the item over): the message is withdrawn and that worker sends it.
  const handOver = async () => {
    await deps.hook?.('handing', c.item);
    return markSubmitting(deps.sql, c.ctx.tenantId, c.item.id, c.attempts, messageId);
  };
  const proof = await sendEmail(deps.smtp.transport, {
    tenantId: c.ctx.tenantId,
    idempotencyKey: action.idempotencyKey,
    from: deps.smtp.from,
    to,
    replyTo: replyAddress,
    envelopeFrom: replyAddress,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
  }, handOver).catch(async (err: unknown) => {
    if (err instanceof SendWithdrawn) return null;
    // The server answered with a refusal: it did not take the message, and the retry is no doubt. Without an answer
    // (the connection dropped or timed out), the note stays: the message may have arrived.
    if (err instanceof EmailSendFailed && err.responseCode !== null) await clearSubmitting(deps.sql, c.ctx.tenantId, c.item.id, c.attempts);
    throw err;
  });
  if (!proof) return 'skipped';
  deps.hook?.('accepted', c.item);
  const result = { ...proof, language: prep.lang, contentHash: hash, attempts: c.attempts, ...(inDoubt ? { resentInDoubt: true } : {}) };
  const ok = await complete(deps, c, 'sent', { ...base, kind: 'sent', contentHash: hash, proof: result, ...(inDoubt ? { reason: 'resent with the same Message-ID after an interrupted attempt' } : {}) }, { result }, async (tx) => {
    if (inDoubt) await recordActivity(tx, c.ctx.tenantId, { ...base, actionKey: action.idempotencyKey, connectionId: c.item.connectionId, kind: 'resent_in_doubt', proof: { messageId } });
    await followUps(deps, tx, c, action, result);
  });
  deps.hook?.('recorded', c.item);
  return ok ? (inDoubt ? 'resent_in_doubt' : 'sent') : 'skipped';
}

/** Plans the connector write-back as its own outbox item, in the transaction that records the send. */
async function followUps(deps: ExecutorDeps, tx: Sql, c: Claimed, action: PlannedAction, proof: unknown): Promise<void> {
  if (!deps.writeback) return;
  await planActions(tx, c.ctx.tenantId, [{ idempotencyKey: `${action.idempotencyKey}|writeback`, kind: 'writeback', dueAt: c.now.toISOString(), payload: { action, proof }, connectionId: c.item.connectionId }]);
}

async function runLetter(deps: ExecutorDeps, c: Claimed, action: PlannedAction, prep: Prepared): Promise<Outcome> {
  const formal = isFormalTemplate(action.templateId);
  const letter = await renderLetter({ date: prep.today, family: prep.family, language: prep.lang, formal, vars: prep.vars, message: prep.message, registered: formal, company: prep.company });
  // Stored before posting: a retry finds the same bytes (or the first ones, if the date moved) and posts those.
  const stored = await saveLetter(deps.sql, c.ctx.tenantId, { actionKey: action.idempotencyKey, templateId: action.templateId, language: prep.lang, formal, registered: formal, trackingNumber: null, sha256: letter.sha256, pdf: letter.pdf });
  let tracking: string | null = null;
  if (deps.post) {
    tracking = (await deps.post({ actionKey: action.idempotencyKey, pdf: stored.pdf, sha256: stored.sha256, registered: formal })).trackingNumber;
  } else {
    const what = formal ? (prep.family === 'FR' ? 'mise en demeure (lettre recommandée avec AR)' : 'letter before action (recorded delivery)') : 'reminder letter';
    const tasked = await openTaskFor(deps, c, action, 'letter_to_post', `${action.idempotencyKey}|post`, `${prep.customer.name}: ${what}`, { letterId: stored.id, formal });
    if (!tasked) await deps.alert({
      key: `${action.idempotencyKey}|post`,
      tenantId: c.ctx.tenantId,
      severity: 'warning',
      kind: 'letter_to_post',
      message: `Print and post the ${what} to ${prep.customer.name} (${prep.vars.total_due}); then record the registered-post number`,
      actionKey: action.idempotencyKey,
      customerExternalId: action.customerExternalId,
    });
  }
  deps.hook?.('accepted', c.item);
  const proof = { letterId: stored.id, sha256: stored.sha256, bytes: stored.pdf.length, formal, registered: formal, trackingNumber: tracking, posted: !!deps.post };
  const ok = await complete(deps, c, 'sent', { ...activityBase(action), kind: 'sent', contentHash: stored.sha256, proof }, { result: proof }, async (tx) => {
    if (tracking) await tx`update letters set tracking_number = ${tracking} where tenant_id = ${c.ctx.tenantId} and action_key = ${action.idempotencyKey}`;
    await followUps(deps, tx, c, action, proof);
  });
  deps.hook?.('recorded', c.item);
  return ok ? 'sent' : 'skipped';
}

/** Opens the worklist task for an action when there is a worklist and a connection; false otherwise (the caller alerts instead). */
async function openTaskFor(deps: ExecutorDeps, c: Claimed, action: PlannedAction, kind: TaskKind, sourceKey: string, title: string, detail: Record<string, unknown> = {}): Promise<boolean> {
  if (!deps.openTask || !c.ctx.connectionId) return false;
  const invoices = [...new Set(action.invoices.map((l) => l.instalmentOf ?? l.externalId))];
  await deps.openTask({ tenantId: c.ctx.tenantId, connectionId: c.ctx.connectionId, kind, customerExternalId: action.customerExternalId, invoiceExternalIds: invoices, amount: action.netDue, currency: action.currency, dueOn: action.dueOn, sourceKey, title, detail: { ...detail, actionKey: action.idempotencyKey } });
  return true;
}

async function runRuleAlert(deps: ExecutorDeps, c: Claimed, alert: Alert): Promise<Outcome> {
  // A broken promise is work for the promise's owner: a task (which alerts, being urgent), the same one whichever path raised it.
  if (alert.kind === 'broken_promise' && deps.openTask && c.ctx.connectionId) {
    await deps.openTask({ tenantId: c.ctx.tenantId, connectionId: c.ctx.connectionId, kind: 'broken_promise', customerExternalId: alert.customerExternalId, invoiceExternalIds: alert.invoiceExternalId ? [alert.invoiceExternalId] : [], dueOn: alert.raisedOn, sourceKey: alert.key, title: alert.message, detail: { ...alert.data } });
    const invoices = alert.invoiceExternalId ? [alert.invoiceExternalId] : [];
    return (await complete(deps, c, 'sent', { kind: 'alerted', channel: 'alert', customerExternalId: alert.customerExternalId, invoiceExternalIds: invoices, reason: alert.message }, { result: { alerted: true, task: true } })) ? 'sent' : 'skipped';
  }
  await deps.alert({ key: alert.key, tenantId: c.ctx.tenantId, severity: alert.severity, kind: 'rule', message: alert.message, actionKey: c.item.idempotencyKey, customerExternalId: alert.customerExternalId });
  const invoices = alert.invoiceExternalId ? [alert.invoiceExternalId] : [];
  return (await complete(deps, c, 'sent', { kind: 'alerted', channel: 'alert', customerExternalId: alert.customerExternalId, invoiceExternalIds: invoices, reason: alert.message }, { result: { alerted: true } })) ? 'sent' : 'skipped';
}

function inDoubtMessage(messageId: string): string {
  return `email ${messageId} may or may not have been sent (the worker stopped, or the connection to the mail server dropped, while handing it over); check the sent mail before sending it again`;
}

async function runWriteback(deps: ExecutorDeps, c: Claimed): Promise<Outcome> {
  const p = c.item.payload as { action: PlannedAction; proof: unknown };
  const base = activityBase(p.action);
  if (!deps.writeback) {
    const why = 'no connector write-back configured for this worker';
    return (await complete(deps, c, 'cancelled', { ...base, kind: 'cancelled', reason: why }, { error: why })) ? 'cancelled' : 'skipped';
  }
  await deps.writeback(p.action, p.proof, c.ctx);
  return (await complete(deps, c, 'sent', { ...base, kind: 'writeback', proof: { ok: true } }, { result: { ok: true } })) ? 'sent' : 'skipped';
}

async function onError(deps: ExecutorDeps, opts: ExecutorOptions, c: Claimed, action: PlannedAction | null, err: unknown, now: Date): Promise<Outcome> {
  const { tenantId } = c.ctx;
  const key = c.item.idempotencyKey;
  const permanent = err instanceof PermanentActionError || err instanceof TemplateRejected || (err instanceof EmailSendFailed && err.kind === 'permanent');
  const bounced = (err instanceof EmailSendFailed && err.recipientRejected) || (err instanceof PermanentActionError && err.bounced);
  const message = err instanceof Error ? err.message : String(err);
  const base = action ? activityBase(action) : { channel: c.item.kind };
  // A reference rate not yet published: the step waits (never sent with a guessed rate, never given up) and goes
  // out by itself once the rate is fetched; the team was alerted once for the period by the evaluation.
  const waitsForRate = err instanceof RateMissing;
  // Our own Redis or PostgreSQL unreachable (a restart, a failover) is no fault of the action: it is tried again a
  // backoff step later, however many attempts it has had, rather than given up because the outage outlasted them.
  const waitsForUs = ownDependencyDown(err);
  if (err instanceof LetterHeld) {
    const at = new Date(now.getTime() + PROFILE_WAIT_MS);
    if (!(await retryLater(deps.sql, tenantId, c.item.id, c.attempts, at, message))) return 'skipped';
    // Logged when the letter starts waiting or the reason changes, not at every hourly look.
    if (c.item.lastError !== message) await recordActivity(deps.sql, tenantId, { ...base, actionKey: key, connectionId: c.item.connectionId, kind: 'held', reason: message });
    // Once per cause (the same gaps), not once per letter or per hour.
    await deps.alert({ key: `${tenantId}|letter-held|${[...err.gaps].sort().join(',')}`, tenantId, severity: 'warning', kind: 'letter_held', message, actionKey: key, customerExternalId: action?.customerExternalId ?? null });
    return 'held';
  }
  if (!permanent && (c.attempts < opts.maxAttempts || waitsForRate || waitsForUs)) {
    const at = new Date(now.getTime() + (waitsForRate ? RATE_WAIT_MS : waitsForUs ? opts.backoffMs(1) : opts.backoffMs(c.attempts)));
    if (!(await retryLater(deps.sql, tenantId, c.item.id, c.attempts, at, message))) return 'skipped';
    await recordActivity(deps.sql, tenantId, { ...base, actionKey: key, connectionId: c.item.connectionId, kind: 'retry', reason: `attempt ${c.attempts} failed: ${message}; next at ${at.toISOString()}` });
    return 'retried';
  }
  const fallback = bounced && action && action.channel === 'email' && opts.fallbackToLetter(action);
  const reason = permanent ? message : `gave up after ${c.attempts} attempts: ${message}`;
  const ok = await complete(deps, c, 'failed', { ...base, kind: bounced ? 'bounced' : 'failed', reason }, { error: reason }, async (tx) => {
    if (bounced) await recordActivity(tx, tenantId, { ...base, actionKey: key, connectionId: c.item.connectionId, kind: 'failed', reason });
    if (fallback && action) await planFallbackLetter(tx, tenantId, action, c.item.connectionId, now);
  });
  if (!ok) return 'skipped';
  await deps.alert({
    key: `${key}|failed`,
    tenantId,
    severity: fallback ? 'info' : 'warning',
    kind: bounced ? 'bounced' : err instanceof SendInDoubt ? 'in_doubt' : 'action_failed',
    message: fallback
      ? `${reason} — a letter will be sent instead`
      : `${action?.stepId ?? c.item.kind} for customer ${action?.customerExternalId ?? '?'} ${err instanceof SendInDoubt ? 'not sent again' : 'not sent'}: ${reason}`,
    actionKey: key,
    customerExternalId: action?.customerExternalId ?? null,
  });
  return 'failed';
}

async function planFallbackLetter(tx: Sql, tenantId: string, action: PlannedAction, connectionId: string | null, now: Date): Promise<void> {
  const key = `${action.idempotencyKey}|letter`;
  const payload: PlannedAction = { ...action, idempotencyKey: key, covers: [], channel: 'letter' };
  await planActions(tx, tenantId, [{ idempotencyKey: key, kind: 'letter', dueAt: now.toISOString(), payload, connectionId }]);
}

/**
 * A bounce that arrived later (a DSN for a message the server had accepted): records it and, when the
 * step allows, plans the letter. Returns false when no sent email has that key.
 */
export async function recordBounce(deps: ExecutorDeps, tenantId: string, actionKey: string, reason: string, now: Date = new Date()): Promise<boolean> {
  const item = await itemByKey(deps.sql, tenantId, actionKey);
  if (!item || item.state !== 'sent' || item.kind !== 'email') return false;
  const parsed = PlannedActionSchema.safeParse(item.payload);
  if (!parsed.success) return false;
  const action = { ...parsed.data, ...((item.payload as { fallback?: string }).fallback ? { fallback: (item.payload as { fallback?: string }).fallback } : {}) } as PlannedAction;
  const opts: ExecutorOptions = { ...DEFAULTS, ...deps.options };
  const fallback = opts.fallbackToLetter(action);
  const fresh = await deps.sql.begin(async (tx) => {
    const s = tx as unknown as Sql;
    const added = await recordActivity(s, tenantId, { ...activityBase(action), actionKey, connectionId: item.connectionId, kind: 'bounced', reason });
    if (added && fallback) await planFallbackLetter(s, tenantId, action, item.connectionId, now);
    return added;
  });
  if (fresh) {
    await deps.alert({ key: `${actionKey}|bounced`, tenantId, severity: 'info', kind: 'bounced', message: `email to customer ${action.customerExternalId} bounced: ${reason}${fallback ? ' — a letter will be sent instead' : ''}`, actionKey, customerExternalId: action.customerExternalId });
  }
  return true;
}
