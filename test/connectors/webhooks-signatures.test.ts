// Webhook signature checks of each connector, without the ingress (issue #20: the mutants of connectors/*/webhooks.ts
// that the ingress tests leave alive). Signatures are computed here from each provider's documented scheme
// (shared/reference providers notes: QuickBooks A7, Xero B7, Pennylane A7), never with the connector's own helpers.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TOLERANCE_SEC, verifySignature, webhooks as pennylane } from '../../connectors/pennylane/webhooks.js';
import { webhooks as quickbooks } from '../../connectors/quickbooks/webhooks.js';
import { webhooks as sage } from '../../connectors/sage/webhooks.js';
import { webhooks as xero } from '../../connectors/xero/webhooks.js';

const SECRET = 'whsec-for-tests';
const body = '{"id":41,"event":"customer_invoice.e_invoicing_status_updated"}';
const raw = new TextEncoder().encode(body);
const hmac = (message: string, key = SECRET) => createHmac('sha256', key).update(message);
const NOW = 1_780_000_000;

describe('QuickBooks and Xero: base64 HMAC-SHA256 of the raw body in their own header', () => {
  it.each([
    ['QuickBooks', quickbooks, 'intuit-signature'],
    ['Xero', xero, 'x-xero-signature'],
  ] as const)('%s checks %s, and only that header', (_name, hooks, header) => {
    const good = hmac(body).digest('base64');
    expect(hooks.signatureHeader).toBe(header);
    expect(hooks.verify(raw, new Headers({ [header]: good }), SECRET)).toBe(true);
    expect(hooks.verify(raw, new Headers({ [header]: hmac(body, 'another-key').digest('base64') }), SECRET)).toBe(false);
    expect(hooks.verify(raw, new Headers({ [header]: hmac(`${body} `).digest('base64') }), SECRET)).toBe(false);
    expect(hooks.verify(raw, new Headers(), SECRET)).toBe(false);
    // The right signature under another provider's header is no signature.
    const other = header === 'intuit-signature' ? 'x-xero-signature' : 'intuit-signature';
    expect(hooks.verify(raw, new Headers({ [other]: good }), SECRET)).toBe(false);
  });

  it('Sage declares no webhooks (it is polled)', () => {
    expect(sage).toBeUndefined();
  });
});

describe('Pennylane: X-Pennylane-Signature', () => {
  const stamped = (t: number, key = SECRET, message = body) => `t=${t},v1=${hmac(`${t}.${message}`, key).digest('hex')}`;

  it('reads the signature from x-pennylane-signature', () => {
    expect(pennylane.signatureHeader).toBe('x-pennylane-signature');
    const now = Math.floor(Date.now() / 1000);
    expect(pennylane.verify(raw, new Headers({ 'x-pennylane-signature': stamped(now) }), SECRET)).toBe(true);
    expect(pennylane.verify(raw, new Headers({ 'x-pennylane-signature': stamped(now, 'another-key') }), SECRET)).toBe(false);
    expect(pennylane.verify(raw, new Headers({ 'x-xero-signature': stamped(now) }), SECRET)).toBe(false);
  });

  it('accepts t=<unix s>,v1=<hex HMAC of "t.body"> within five minutes either way, and nothing older or newer', () => {
    expect(TOLERANCE_SEC).toBe(300);
    expect(verifySignature(raw, stamped(NOW), SECRET, NOW)).toBe(true);
    expect(verifySignature(raw, stamped(NOW - 300), SECRET, NOW)).toBe(true);
    expect(verifySignature(raw, stamped(NOW + 300), SECRET, NOW)).toBe(true);
    expect(verifySignature(raw, stamped(NOW - 301), SECRET, NOW)).toBe(false);
    expect(verifySignature(raw, stamped(NOW + 301), SECRET, NOW)).toBe(false);
  });

  it('the timestamp is signed: the same v1 under another t fails, and so does a MAC of the body alone', () => {
    const v1 = hmac(`${NOW}.${body}`).digest('hex');
    expect(verifySignature(raw, `t=${NOW + 1},v1=${v1}`, SECRET, NOW)).toBe(false);
    expect(verifySignature(raw, `t=${NOW},v1=${hmac(body).digest('hex')}`, SECRET, NOW)).toBe(false);
    expect(verifySignature(raw, `t=${NOW},v1=${hmac(`${NOW}${body}`).digest('hex')}`, SECRET, NOW)).toBe(false);
  });

  it('reads the parts in any order, with spaces, and hex in either case', () => {
    const v1 = hmac(`${NOW}.${body}`).digest('hex');
    expect(verifySignature(raw, `v1=${v1}, t=${NOW}`, SECRET, NOW)).toBe(true);
    expect(verifySignature(raw, ` t=${NOW} , v1=${v1.toUpperCase()} `, SECRET, NOW)).toBe(true);
  });

  it('refuses a malformed stamped header without throwing', () => {
    const v1 = hmac(`${NOW}.${body}`).digest('hex');
    expect(verifySignature(raw, `t=${NOW}.5,v1=${v1}`, SECRET, NOW)).toBe(false);
    expect(verifySignature(raw, `t=soon,v1=${v1}`, SECRET, NOW)).toBe(false);
    // v1 must be exactly 64 hex digits: one short, one long, or not hex.
    expect(verifySignature(raw, `t=${NOW},v1=${v1.slice(0, 62)}`, SECRET, NOW)).toBe(false);
    expect(verifySignature(raw, `t=${NOW},v1=${v1}00`, SECRET, NOW)).toBe(false);
    expect(verifySignature(raw, `t=${NOW},v1=x${v1}`, SECRET, NOW)).toBe(false);
    expect(verifySignature(raw, `t=${NOW},v1=${v1}x`, SECRET, NOW)).toBe(false);
    expect(verifySignature(raw, `t=${NOW},v1=${'g'.repeat(64)}`, SECRET, NOW)).toBe(false);
  });

  it('also accepts a bare MAC of the raw body: hex, with or without sha256=, or base64', () => {
    const hex = hmac(body).digest('hex');
    expect(verifySignature(raw, hex, SECRET, NOW)).toBe(true);
    expect(verifySignature(raw, hex.toUpperCase(), SECRET, NOW)).toBe(true);
    expect(verifySignature(raw, `sha256=${hex}`, SECRET, NOW)).toBe(true);
    expect(verifySignature(raw, `SHA256=${hex}`, SECRET, NOW)).toBe(true);
    expect(verifySignature(raw, ` ${hex} `, SECRET, NOW)).toBe(true);
    expect(verifySignature(raw, hmac(body).digest('base64'), SECRET, NOW)).toBe(true);
    expect(verifySignature(raw, `sha256=${hmac(body).digest('base64')}`, SECRET, NOW)).toBe(true);
    // Another key, another body, a stray prefix, a truncated MAC: refused, never thrown.
    expect(verifySignature(raw, hmac(body, 'another-key').digest('hex'), SECRET, NOW)).toBe(false);
    expect(verifySignature(raw, hmac(`${body} `).digest('base64'), SECRET, NOW)).toBe(false);
    expect(verifySignature(raw, `x${hex}`, SECRET, NOW)).toBe(false);
    expect(verifySignature(raw, `${hex}x`, SECRET, NOW)).toBe(false);
    expect(verifySignature(raw, `${hex}sha256=`, SECRET, NOW)).toBe(false);
    expect(verifySignature(raw, `md5=${hex}`, SECRET, NOW)).toBe(false);
    expect(verifySignature(raw, hex.slice(0, 40), SECRET, NOW)).toBe(false);
    expect(verifySignature(raw, hmac(body).digest('base64').slice(0, 20), SECRET, NOW)).toBe(false);
    // A t without v1 (or v1 without t) is not the stamped form: read as a bare MAC, which it is not.
    expect(verifySignature(raw, `t=${NOW}`, SECRET, NOW)).toBe(false);
    expect(verifySignature(raw, `v1=${hex}`, SECRET, NOW)).toBe(false);
  });

  it('needs a header and a secret', () => {
    expect(verifySignature(raw, null, SECRET, NOW)).toBe(false);
    expect(verifySignature(raw, '', SECRET, NOW)).toBe(false);
    // With an empty secret even a MAC made with the empty key is refused.
    expect(verifySignature(raw, hmac(body, '').digest('hex'), '', NOW)).toBe(false);
    expect(verifySignature(raw, stamped(NOW, ''), '', NOW)).toBe(false);
  });
});
