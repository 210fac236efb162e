// What a customer's reply does once it is placed on them, by a match or by hand: the pause (for the policy's
// replyPauseDays) and the "reply to read" task. Kept apart from parsing so the pages can use it without loading MIME code.
import { policyFor } from '../collections/run.js';
import { addDays, dateInZone } from '../model/index.js';
import type { OpenTask } from '../model/task.js';
import type { Sql } from '../store/db.js';
import type { InboundKind } from '../store/mail.js';
import { openPause } from '../store/pauses.js';
import type { Tenant } from '../store/tenants.js';

/**
 * Pauses the customer's dunning for the policy's replyPauseDays (none when 0), through the pause code every pause goes
 * through (store/pauses.ts openPause, which cancels what it covers). Returns the last paused day.
 */
export async function pauseForReply(db: Sql, tenant: Tenant, r: { connectionId: string; customerExternalId: string; subject: string; owner: string; today: string }): Promise<string | null> {
  const days = (await policyFor(db, tenant)).replyPauseDays;
  if (days <= 0) return null;
  const until = addDays(r.today, days);
  // Said in the company's language: its team reads the pause on the customer page.
  const fr = tenant.locale.startsWith('fr');
  const subject = r.subject.trim() || (fr ? '(sans objet)' : '(no subject)');
  await openPause(
    db,
    tenant.id,
    r.connectionId,
    { kind: 'hold', reason: `${fr ? 'Réponse du client : ' : 'Customer reply: '}${subject}`.slice(0, 500), owner: r.owner, startsOn: r.today, expiresOn: until, customerExternalId: r.customerExternalId, invoiceExternalId: null, instalments: [], amount: null, balanceAtOpen: null },
    'inbound mail',
  );
  return until;
}

/**
 * A reply a person placed on a customer by hand (the unmatched list) does what a matched one does: the pause and the
 * "reply to read" task. Other kinds (auto-replies, unreadable mail) are only placed.
 */
export async function replyPlacedByHand(sql: Sql, openTask: OpenTask | null, tenant: Tenant, m: { id: string; kind: InboundKind; subject: string; fromAddress: string | null; messageKey: string }, to: { connectionId: string; customerExternalId: string }, by: string, now: Date = new Date()): Promise<string | null> {
  if (m.kind !== 'reply') return null;
  const today = dateInZone(now, tenant.timeZone);
  const until = await pauseForReply(sql, tenant, { ...to, subject: m.subject, owner: by, today });
  await openTask?.({ tenantId: tenant.id, connectionId: to.connectionId, kind: 'reply_to_read', customerExternalId: to.customerExternalId, dueOn: today, sourceKey: `mail:${m.messageKey}`, title: m.subject.slice(0, 200), detail: { inboundId: m.id, from: m.fromAddress } });
  return until;
}

