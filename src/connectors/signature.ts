// Webhook signatures: base64 HMAC-SHA256 of the exact raw body, compared in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookPayloadError } from './errors.js';

export function hmacBase64(rawBody: Uint8Array, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/** False for a missing, malformed or wrong signature; never throws. */
export function verifyHmacBase64(rawBody: Uint8Array, signature: string | null, secret: string): boolean {
  if (!signature || !secret) return false;
  const expected = Buffer.from(hmacBase64(rawBody, secret), 'base64');
  const given = Buffer.from(signature.trim(), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The parsed JSON of a verified webhook body; anything else is the provider's malformed delivery (400). */
export function webhookJson(rawBody: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(rawBody));
  } catch {
    throw new WebhookPayloadError('body is not JSON');
  }
}

export const isJsonObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
