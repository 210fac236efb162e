// Pennylane webhook deliveries: the documented envelope and the X-Pennylane-Signature header.
import { createHmac } from 'node:crypto';

export interface BuiltWebhook {
  body: string;
  headers: Record<string, string>;
}

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. Pennylane's page says every delivery carries
 * X-Pennylane-Signature but the text we could read stops before the encoding; this is the scheme a public client
 * library documents and tests (UNCONFIRMED). The connector also accepts a bare hex or base64 HMAC of the body.
 */
export function signPennylane(body: string, secret: string, nowSec: number): string {
  return `t=${nowSec},v1=${createHmac('sha256', secret).update(`${nowSec}.${body}`, 'utf8').digest('hex')}`;
}

export interface EInvoicingEvent {
  deliveryId: number;
  invoiceId: number;
  status: string;
  reason: string | null;
  previous: string | null;
  createdSec: number;
}

/** The envelope of `customer_invoice.e_invoicing_status_updated` (docs: authorization, and the event's reference page). */
export function buildDelivery(e: EInvoicingEvent, o: { companyId: number; secret: string; retryCount?: number }): BuiltWebhook {
  const body = JSON.stringify({
    id: e.deliveryId,
    event: 'customer_invoice.e_invoicing_status_updated',
    retry_count: o.retryCount ?? 0,
    created: e.createdSec,
    data: {
      context: { company_id: String(o.companyId), firm_id: null },
      object: { id: e.invoiceId, e_invoicing: { status: e.status, reason: e.reason } },
      previous_attributes: { e_invoicing: { status: e.previous } },
    },
  });
  return { body, headers: { 'content-type': 'application/json', 'user-agent': 'Pennylane-Webhooks', 'x-pennylane-signature': signPennylane(body, o.secret, e.createdSec) } };
}
