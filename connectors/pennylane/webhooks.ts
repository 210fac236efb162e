// Pennylane webhooks (beta): customer_invoice.e_invoicing_status_updated names an invoice to re-read; changelogs stay the source of truth.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookPayloadError } from '../../src/connectors/errors.js';
import { isJsonObject, webhookJson } from '../../src/connectors/signature.js';
import type { ChangeEvent, ConnectorWebhooks } from '../../src/connectors/types.js';

export const SIGNATURE_HEADER = 'x-pennylane-signature';
/** A signed timestamp further than this from now is refused (replay). */
export const TOLERANCE_SEC = 300;

const equal = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

/**
 * Pennylane documents the header and an HMAC-SHA256 with the subscription's secret, but the text we could read stops
 * before the encoding (docs: authorization). Accepted, safest first: `t=<unix s>,v1=<hex>` over `t.body` within
 * 5 minutes (what a public client library implements and tests), then a bare hex or base64 HMAC of the raw body,
 * with or without `sha256=` (what other public integrations check). Every form needs the secret. UNCONFIRMED.
 */
export function verifySignature(rawBody: Uint8Array, header: string | null, secret: string, nowSec = Math.floor(Date.now() / 1000)): boolean {
  if (!header || !secret) return false;
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]).filter((p) => p.length === 2));
  if (parts['t'] !== undefined && parts['v1'] !== undefined) {
    const t = Number(parts['t']);
    if (!Number.isInteger(t) || Math.abs(nowSec - t) > TOLERANCE_SEC) return false;
    const mac = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
    return /^[0-9a-f]{64}$/i.test(parts['v1']) && equal(Buffer.from(parts['v1'], 'hex'), mac);
  }
  const mac = createHmac('sha256', secret).update(rawBody).digest();
  const given = header.trim().replace(/^sha256=/i, '');
  if (/^[0-9a-f]{64}$/i.test(given)) return equal(Buffer.from(given, 'hex'), mac);
  return equal(Buffer.from(given, 'base64'), mac);
}

export const webhooks: ConnectorWebhooks = {
  signatureHeader: SIGNATURE_HEADER,
  verify: (rawBody, headers, secret) => verifySignature(rawBody, headers.get(SIGNATURE_HEADER), secret),
  parse(rawBody) {
    const body = webhookJson(rawBody);
    if (!isJsonObject(body) || body['id'] === undefined || typeof body['event'] !== 'string' || !isJsonObject(body['data'])) throw new WebhookPayloadError('expected {id, event, data} (Pennylane webhook envelope)');
    const data = body['data'];
    // The docs show the payload at data.object and also say data.data: read both.
    const object = isJsonObject(data['object']) ? data['object'] : isJsonObject(data['data']) ? data['data'] : null;
    const context = isJsonObject(data['context']) ? data['context'] : {};
    if (body['event'] !== 'customer_invoice.e_invoicing_status_updated') return [];
    if (!object || object['id'] === undefined || context['company_id'] === undefined || context['company_id'] === null) throw new WebhookPayloadError('e-invoicing event without data.object.id or data.context.company_id');
    const created = Number(body['created']);
    // `created` is documented in seconds; the example shows milliseconds.
    const occurredAt = Number.isFinite(created) && created > 0 ? new Date(created > 1e12 ? created : created * 1000).toISOString() : null;
    const event: ChangeEvent = {
      externalTenantId: String(context['company_id']),
      stream: 'invoices',
      externalId: String(object['id']),
      operation: 'update',
      occurredAt,
      // The delivery id is Pennylane's deduplication key: a retried delivery keeps it.
      dedupeKey: `pennylane:${String(body['id'])}`,
    };
    return [event];
  },
};
