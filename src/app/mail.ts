// Inbound mail as the pages work it: a customer's mail and the addresses of theirs that bounce, an attachment to
// download, a bounced address cleared, and the unmatched list where a person places a message on a customer by hand.
import { replyPlacedByHand } from '../inbound/effects.js';
import { listDocuments } from '../store/documents.js';
import { assignInbound, clearFailing, customerMail, failingAmong, inboundAttachment, unmatchedMail, type FailingAddress, type StoredInbound } from '../store/mail.js';
import type { Tenant } from '../store/tenants.js';
import { nowOf, type AppDeps } from './deps.js';

/** A customer's mail (newest first) and which of the given addresses bounce. */
export async function customerMailbox(deps: AppDeps, tenantId: string, connectionId: string, customerId: string, emails: readonly string[]): Promise<{ mail: StoredInbound[]; failing: FailingAddress[] }> {
  const [mail, failing] = await Promise.all([customerMail(deps.sql, tenantId, connectionId, customerId), failingAmong(deps.sql, tenantId, emails)]);
  return { mail, failing };
}

/** One kept attachment of a customer's mail; null when it is not theirs or was not kept. */
export const mailAttachment = (deps: AppDeps, tenantId: string, connectionId: string, customerId: string, attachmentId: string) => inboundAttachment(deps.sql, tenantId, connectionId, customerId, attachmentId);

/** Clears a bounced address, only one of the customer's own; false when it is not theirs. */
export async function clearBouncedAddress(deps: AppDeps, tenantId: string, connectionId: string, customerId: string, address: string, by: string): Promise<boolean> {
  const [customer] = await listDocuments(deps.sql, tenantId, 'customer', { connectionId, externalIds: [customerId] });
  const emails = customer ? [customer.record.email, ...customer.record.emails].filter((e): e is string => !!e).map((e) => e.toLowerCase()) : [];
  if (!emails.includes(address.toLowerCase())) return false;
  await clearFailing(deps.sql, tenantId, address, by);
  return true;
}

export interface CustomerChoice {
  connectionId: string;
  id: string;
  name: string;
  email: string | null | undefined;
}

/**
 * The unmatched mail a sign-in may place (mail of no company too when `unowned`: the self-hosted admin), and the
 * customers to place it on (by name, at most 1,000; none when there is no mail).
 */
export async function unmatchedInbox(deps: AppDeps, tenantId: string, unowned: boolean): Promise<{ mail: StoredInbound[]; customers: CustomerChoice[] }> {
  const mail = await unmatchedMail(deps.sql, tenantId, { unowned });
  const customers = mail.length ? (await listDocuments(deps.sql, tenantId, 'customer', {})).map((d) => ({ connectionId: d.connectionId, id: d.record.externalId, name: d.record.name, email: d.record.email })).sort((a, b) => a.name.localeCompare(b.name)).slice(0, 1000) : [];
  return { mail, customers };
}

/**
 * Places an unmatched message on a customer by hand; a reply so placed pauses the customer and asks for its task, as
 * a matched one does. False when the customer or the message (among those this sign-in may place) is unknown.
 */
export async function placeMail(deps: AppDeps, tenant: Tenant, id: string, connectionId: string, customerId: string, unowned: boolean, by: string): Promise<boolean> {
  const [customer] = await listDocuments(deps.sql, tenant.id, 'customer', { connectionId, externalIds: [customerId] });
  if (!customer) return false;
  const mine = (await unmatchedMail(deps.sql, tenant.id, { unowned })).find((m) => m.id === id);
  const to = { connectionId, customerExternalId: customerId };
  if (!mine || !(await assignInbound(deps.sql, tenant.id, id, to, by))) return false;
  await replyPlacedByHand(deps.sql, deps.openTask ?? null, tenant, mine, to, by, nowOf(deps));
  return true;
}
