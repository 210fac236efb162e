// Xero webhooks: x-xero-signature over the raw body; Intent to Receive is a signed empty delivery; events name records to re-read.
import { WebhookPayloadError } from '../../src/connectors/errors.js';
import { isJsonObject, verifyHmacBase64, webhookJson } from '../../src/connectors/signature.js';
import type { ChangeEvent, ConnectorWebhooks, StreamName } from '../../src/connectors/types.js';

/** There is no payment category: a payment shows up as an INVOICE update, and payments are polled. */
const STREAM_OF: Record<string, StreamName> = { INVOICE: 'invoices', CONTACT: 'customers', CREDITNOTE: 'credit_notes' };
const isObject = isJsonObject;

export const webhooks: ConnectorWebhooks = {
  signatureHeader: 'x-xero-signature',
  verify: (rawBody, headers, key) => verifyHmacBase64(rawBody, headers.get('x-xero-signature'), key),
  parse(rawBody) {
    const body = webhookJson(rawBody);
    if (!isObject(body) || !Array.isArray(body['events'])) throw new WebhookPayloadError('body must be an object with an events array');
    const events: ChangeEvent[] = [];
    for (const e of body['events']) {
      if (!isObject(e)) throw new WebhookPayloadError('each event must be an object');
      const { resourceId, tenantId, eventCategory, eventType, eventDateUtc } = e;
      if (typeof resourceId !== 'string' || typeof tenantId !== 'string' || typeof eventCategory !== 'string') throw new WebhookPayloadError('event without resourceId, tenantId or eventCategory');
      const stream = STREAM_OF[eventCategory.toUpperCase()];
      if (!stream) continue;
      const type = typeof eventType === 'string' ? eventType.toUpperCase() : '';
      events.push({
        externalTenantId: tenantId,
        stream,
        externalId: resourceId,
        operation: type === 'CREATE' ? 'create' : type === 'UPDATE' ? 'update' : 'unknown',
        // eventDateUtc carries no zone but is UTC.
        occurredAt: typeof eventDateUtc === 'string' ? (/[zZ]$/.test(eventDateUtc) ? eventDateUtc : `${eventDateUtc}Z`) : null,
        dedupeKey: `${tenantId}:${eventCategory}:${resourceId}:${type}:${String(eventDateUtc ?? '')}`,
      });
    }
    return events;
  },
};
