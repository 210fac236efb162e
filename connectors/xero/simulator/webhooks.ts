// Xero webhook deliveries: the events envelope, the Intent-to-Receive probe, and the x-xero-signature HMAC.
import { createHmac, randomBytes } from 'node:crypto';
import { utcString } from './format.js';
import type { EventCategory, WebhookEventInput } from './types.js';

export interface BuiltWebhook {
  body: string;
  headers: Record<string, string>;
}

/** base64(HMAC-SHA256(webhook key, raw body)), the `x-xero-signature` header. */
export function signXero(body: string, key: string): string {
  return createHmac('sha256', key).update(body, 'utf8').digest('base64');
}

const RESOURCE: Record<EventCategory, string> = { INVOICE: 'Invoices', CONTACT: 'Contacts', CREDITNOTE: 'CreditNotes' };

export function categoryOf(entity: string): EventCategory | undefined {
  const k = entity.replace(/[_\s-]/g, '').toLowerCase().replace(/s$/, '');
  if (k === 'invoice') return 'INVOICE';
  if (k === 'contact' || k === 'customer') return 'CONTACT';
  if (k === 'creditnote') return 'CREDITNOTE';
  return undefined;
}

export function entropy(): string {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return Array.from(randomBytes(20), (b) => letters[b % 26]).join('');
}

export function buildDelivery(
  events: WebhookEventInput[],
  o: {
    apiBase: string;
    tenantId: string;
    nowMs: number;
    key: string;
    sequence: () => number;
    /** CREDITNOTE events carry `{Type, Status}` of the note. */
    dataFor: (category: EventCategory, id: string) => Record<string, unknown> | undefined;
  },
): BuiltWebhook {
  const rendered = events.map((e) => {
    const category = e.eventCategory ?? (e.entity ? categoryOf(e.entity) : undefined);
    if (!category) throw new Error(`webhook event for ${e.resourceId}: eventCategory (INVOICE, CONTACT, CREDITNOTE) or entity is required; Xero sends no payment events`);
    const at = e.eventDateUtc ? Date.parse(/Z|[+-]\d\d:\d\d$/.test(e.eventDateUtc) ? e.eventDateUtc : `${e.eventDateUtc}Z`) : o.nowMs;
    const out: Record<string, unknown> = {
      resourceUrl: category === 'SUBSCRIPTION' ? `https://api.xero.com/appstore/2.0/Subscriptions/${e.resourceId}` : `${o.apiBase}/${RESOURCE[category]}/${e.resourceId}`,
      resourceId: e.resourceId,
      eventDateUtc: utcString(at, true),
      eventType: e.eventType ?? 'UPDATE',
      eventCategory: category,
      tenantId: e.tenantId ?? o.tenantId,
      tenantType: e.tenantType ?? (category === 'SUBSCRIPTION' ? 'APPLICATION' : 'ORGANISATION'),
    };
    const data = e.data ?? (category === 'SUBSCRIPTION' ? undefined : o.dataFor(category, e.resourceId));
    if (data) out.data = data;
    return out;
  });
  const first = rendered.length ? o.sequence() : 0;
  for (let i = 1; i < rendered.length; i++) o.sequence();
  const body = JSON.stringify({
    events: rendered,
    firstEventSequence: first,
    lastEventSequence: rendered.length ? first + rendered.length - 1 : 0,
    entropy: entropy(),
  });
  return { body, headers: { 'content-type': 'application/json; charset=utf-8', 'x-xero-signature': signXero(body, o.key) } };
}

/** The Intent-to-Receive probe: empty events; correctly signed when `valid`, else signed with a wrong key. */
export function buildIntentToReceive(valid: boolean, key: string): BuiltWebhook {
  const body = JSON.stringify({ events: [], firstEventSequence: 0, lastEventSequence: 0, entropy: entropy() });
  const signature = valid ? signXero(body, key) : signXero(body, `${key}-wrong-${randomBytes(4).toString('hex')}`);
  return { body, headers: { 'content-type': 'application/json; charset=utf-8', 'x-xero-signature': signature } };
}
