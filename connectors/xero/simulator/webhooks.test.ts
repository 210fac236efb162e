// Webhooks: the events envelope, x-xero-signature checked with an independent HMAC, Intent-to-Receive, drained change events.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createXeroSimulator, DEFAULT_WEBHOOK_KEY } from './index.js';
import { T0, type Rec } from './test-helpers.js';

const hmac = (body: string, key: string) => createHmac('sha256', key).update(body).digest('base64');

describe('Xero simulator webhooks', () => {
  it('builds a delivery signed with base64 HMAC-SHA256 of the raw body', () => {
    const sim = createXeroSimulator({ invoices: 20, clock: () => new Date(T0) });
    const inv = sim.data.list('Invoice')[0] as Rec;
    const cn = sim.data.list('CreditNote')[0] as Rec;
    const { body, headers } = sim.webhooks.build([
      { eventCategory: 'INVOICE', resourceId: String(inv.InvoiceID), eventType: 'UPDATE' },
      { entity: 'credit_note', resourceId: String(cn.CreditNoteID), eventType: 'CREATE' },
    ]);
    expect(headers['x-xero-signature']).toBe(hmac(body, DEFAULT_WEBHOOK_KEY));
    expect(headers['x-xero-signature']).not.toBe(hmac(body, 'another-key'));
    const payload = JSON.parse(body) as { events: Rec[]; firstEventSequence: number; lastEventSequence: number; entropy: string };
    expect(payload.lastEventSequence - payload.firstEventSequence).toBe(1);
    expect(payload.entropy).toMatch(/^[A-Z]{20}$/);
    expect(payload.events[0]).toEqual({
      resourceUrl: `https://api.xero.com/api.xro/2.0/Invoices/${String(inv.InvoiceID)}`,
      resourceId: inv.InvoiceID,
      eventDateUtc: '2026-07-15T10:00:00.000',
      eventType: 'UPDATE',
      eventCategory: 'INVOICE',
      tenantId: sim.tenantId,
      tenantType: 'ORGANISATION',
    });
    expect(payload.events[1]).toMatchObject({ eventCategory: 'CREDITNOTE', eventType: 'CREATE', data: { Type: cn.Type, Status: cn.Status } });
    // Sequence numbers keep growing across deliveries.
    const next = JSON.parse(sim.webhooks.build([{ eventCategory: 'CONTACT', resourceId: String((inv.Contact as Rec).ContactID) }]).body) as { firstEventSequence: number };
    expect(next.firstEventSequence).toBe(payload.lastEventSequence + 1);
    expect(() => sim.webhooks.build([{ entity: 'Payment', resourceId: 'x' }])).toThrow(/no payment events/);
  });

  it('builds Intent-to-Receive probes, correctly or wrongly signed', () => {
    const sim = createXeroSimulator({ invoices: 5, webhookSecret: 'k-123' });
    const good = sim.webhooks.buildIntentToReceive({ valid: true });
    const bad = sim.webhooks.buildIntentToReceive({ valid: false });
    for (const probe of [good, bad]) {
      const p = JSON.parse(probe.body) as Rec;
      expect(p).toMatchObject({ events: [], firstEventSequence: 0, lastEventSequence: 0 });
    }
    expect(good.headers['x-xero-signature']).toBe(hmac(good.body, 'k-123'));
    expect(bad.headers['x-xero-signature']).not.toBe(hmac(bad.body, 'k-123'));
  });

  it('drains the events Xero would send for data changes, with none for payments', () => {
    let now = T0;
    const sim = createXeroSimulator({ invoices: 40, clock: () => new Date(now) });
    expect(sim.webhooks.drain()).toEqual([]);
    const inv = sim.data.list('Invoice').find((i) => i.Type === 'ACCREC' && i.Status === 'AUTHORISED' && i.AmountPaid === 0) as Rec;
    now += 1000;
    sim.data.pay(String(inv.InvoiceID), '1.00');
    const contact = sim.data.create('Contact', { Name: 'Société Nouvelle', EmailAddress: 'compta@nouvelle.example' });
    const events = sim.webhooks.drain();
    expect(events.map((e) => [e.eventCategory, e.eventType, e.resourceId])).toEqual([
      ['INVOICE', 'UPDATE', inv.InvoiceID],
      ['CONTACT', 'CREATE', contact.ContactID],
    ]);
    expect(sim.webhooks.drain()).toEqual([]);
    const delivery = JSON.parse(sim.webhooks.build(events).body) as { events: Rec[] };
    expect(delivery.events[0]?.eventDateUtc).toBe('2026-07-15T10:00:01.000');
  });
});
