// Webhook deliveries of the QuickBooks simulator: both payload formats, intuit-signature checked by an independent HMAC.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createQuickBooksSimulator, DEFAULT_REALM_ID, DEFAULT_VERIFIER_TOKEN } from './index.js';
import type { Json } from './test-helpers.js';

const clock = () => new Date('2026-07-15T10:00:00Z');
const hmac = (key: string, body: string) => createHmac('sha256', Buffer.from(key, 'utf8')).update(Buffer.from(body, 'utf8')).digest('base64');

describe('QuickBooks simulator webhooks', () => {
  it('signs a classic eventNotifications delivery with base64 HMAC-SHA256 of the raw body', () => {
    const sim = createQuickBooksSimulator({ clock, customers: 3, invoices: 5 });
    const { body, headers } = sim.webhooks.build({
      format: 'classic',
      events: [
        { name: 'Payment', id: '301', operation: 'Create', lastUpdated: '2026-06-12T09:14:05.000Z' },
        { name: 'Invoice', id: '245', operation: 'Update', lastUpdated: '2026-06-12T09:14:05.000Z' },
      ],
    });
    expect(headers['intuit-signature']).toBe(hmac(DEFAULT_VERIFIER_TOKEN, body));
    expect(headers['intuit-signature']).not.toBe(hmac(DEFAULT_VERIFIER_TOKEN, `${body} `));
    expect(headers['intuit-signature']).not.toBe(hmac('another-token', body));
    expect(JSON.parse(body)).toEqual({
      eventNotifications: [
        {
          realmId: DEFAULT_REALM_ID,
          dataChangeEvent: {
            entities: [
              { name: 'Payment', id: '301', operation: 'Create', lastUpdated: '2026-06-12T09:14:05.000Z' },
              { name: 'Invoice', id: '245', operation: 'Update', lastUpdated: '2026-06-12T09:14:05.000Z' },
            ],
          },
        },
      ],
    });
  });

  it('builds CloudEvents arrays (one element per change, realms may mix) with the configured verifier token', () => {
    const sim = createQuickBooksSimulator({ clock, customers: 3, invoices: 5, webhookSecret: 'my-verifier' });
    const { body, headers } = sim.webhooks.build([
      { name: 'Invoice', id: '245', operation: 'Void' },
      { name: 'Customer', id: '58', operation: 'Merge', deletedId: '27', realmId: '9341455000000002' },
    ]);
    expect(headers['intuit-signature']).toBe(hmac('my-verifier', body));
    const events = JSON.parse(body) as Json[];
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      specversion: '1.0',
      type: 'qbo.invoice.voided.v1',
      datacontenttype: 'application/json',
      intuitentityid: '245',
      intuitaccountid: DEFAULT_REALM_ID,
      time: '2026-07-15T10:00:00.000Z',
    });
    expect(events[1]).toMatchObject({ type: 'qbo.customer.merged.v1', intuitaccountid: '9341455000000002', data: { deletedid: '27' } });
    expect(events[0]?.id).not.toBe(events[1]?.id);
  });

  it('drains the events that data changes produced', () => {
    const sim = createQuickBooksSimulator({ clock, customers: 5, invoices: 20 });
    const open = sim.data.list('Invoice').find((i) => Number(i.Balance) > 1) as Json;
    const payment = sim.data.pay(String(open.Id), '1.00');
    sim.data.remove('Invoice', String(sim.data.list('Invoice').find((i) => i.Id !== open.Id && (i.LinkedTxn as Json[]).length === 0)?.Id));
    const events = sim.webhooks.drain();
    expect(events.map((e) => `${e.name}:${e.operation}`)).toEqual(['Payment:Create', 'Invoice:Update', 'Invoice:Delete']);
    expect(events[0]?.id).toBe(payment.Id);
    expect(sim.webhooks.drain()).toEqual([]);
  });
});
