// Webhook payloads of each connector read into change events, without the ingress (issue #20: mutants of
// connectors/*/webhooks.ts). Payload shapes are those of the providers notes: QuickBooks A7 (legacy eventNotifications
// and CloudEvents), Xero B7, Pennylane A7 (the documented envelope, payload at data.object or data.data).
import { describe, expect, it } from 'vitest';
import { webhooks as pennylane } from '../../connectors/pennylane/webhooks.js';
import { webhooks as quickbooks } from '../../connectors/quickbooks/webhooks.js';
import { webhooks as xero } from '../../connectors/xero/webhooks.js';
import { WebhookPayloadError } from '../../src/connectors/errors.js';
import type { ConnectorWebhooks } from '../../src/connectors/types.js';

const parse = (hooks: ConnectorWebhooks, body: unknown) => hooks.parse(new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body)), new Headers());
const refused = (hooks: ConnectorWebhooks, body: unknown, message: string) => {
  expect(() => parse(hooks, body)).toThrow(WebhookPayloadError);
  expect(() => parse(hooks, body)).toThrow(message);
};

describe('QuickBooks legacy eventNotifications', () => {
  const entity = (e: Record<string, unknown>, realmId: unknown = '9130') => ({ eventNotifications: [{ realmId, dataChangeEvent: { entities: [e] } }] });

  it('one event per AR entity change, keyed by realm, entity, id, operation and lastUpdated', () => {
    const body = {
      eventNotifications: [
        { realmId: '9130', dataChangeEvent: { entities: [
          { name: 'Invoice', id: '130', operation: 'Update', lastUpdated: '2026-06-12T10:00:00.000-0700' },
          { name: 'Payment', id: 7, operation: 'Create', lastUpdated: '2026-06-12T10:00:01.000-0700' },
          { name: 'Employee', id: '3', operation: 'Create', lastUpdated: '2026-06-12T10:00:02.000-0700' },
        ] } },
        { realmId: 4620, dataChangeEvent: { entities: [{ name: 'CreditMemo', id: '12', operation: 'Void' }, { name: 'customer', id: '5', operation: 'Delete', lastUpdated: '2026-06-12T10:00:03.000-0700' }] } },
      ],
    };
    expect(parse(quickbooks, body)).toEqual([
      { externalTenantId: '9130', stream: 'invoices', externalId: '130', operation: 'update', occurredAt: '2026-06-12T10:00:00.000-0700', dedupeKey: '9130:invoice:130:update:2026-06-12T10:00:00.000-0700' },
      { externalTenantId: '9130', stream: 'payments', externalId: '7', operation: 'create', occurredAt: '2026-06-12T10:00:01.000-0700', dedupeKey: '9130:payment:7:create:2026-06-12T10:00:01.000-0700' },
      { externalTenantId: '4620', stream: 'credit_notes', externalId: '12', operation: 'void', occurredAt: null, dedupeKey: '4620:creditmemo:12:void:' },
      { externalTenantId: '4620', stream: 'customers', externalId: '5', operation: 'delete', occurredAt: '2026-06-12T10:00:03.000-0700', dedupeKey: '4620:customer:5:delete:2026-06-12T10:00:03.000-0700' },
    ]);
  });

  it.each([
    ['Create', 'create'], ['Update', 'update'], ['Emailed', 'update'], ['Delete', 'delete'], ['Void', 'void'], ['Merge', 'merge'], ['Archive', 'unknown'],
  ])('operation %s reads as %s', (operation, expected) => {
    expect(parse(quickbooks, entity({ name: 'Invoice', id: '1', operation }))[0]!.operation).toBe(expected);
  });

  it('an entity without an operation is an unknown change, still keyed', () => {
    expect(parse(quickbooks, entity({ name: 'Invoice', id: '1' }))).toEqual([{ externalTenantId: '9130', stream: 'invoices', externalId: '1', operation: 'unknown', occurredAt: null, dedupeKey: '9130:invoice:1::' }]);
  });

  it('a customer merge also deletes the losing customer (deletedId); other operations never do', () => {
    expect(parse(quickbooks, entity({ name: 'Customer', id: '7', operation: 'Merge', deletedId: '9', lastUpdated: 'L' }))).toEqual([
      { externalTenantId: '9130', stream: 'customers', externalId: '7', operation: 'merge', occurredAt: 'L', dedupeKey: '9130:customer:7:merge:L' },
      { externalTenantId: '9130', stream: 'customers', externalId: '9', operation: 'delete', occurredAt: 'L', dedupeKey: '9130:customer:9:merged-into:7' },
    ]);
    expect(parse(quickbooks, entity({ name: 'Customer', id: '7', operation: 'Merge' }))).toHaveLength(1);
    expect(parse(quickbooks, entity({ name: 'Customer', id: '7', operation: 'Update', deletedId: '9' }))).toHaveLength(1);
  });

  it('refuses what is not the documented shape', () => {
    refused(quickbooks, { eventNotifications: {} }, 'eventNotifications must be an array');
    refused(quickbooks, {}, 'eventNotifications must be an array');
    refused(quickbooks, { eventNotifications: ['x'] }, 'each event notification must be an object');
    refused(quickbooks, { eventNotifications: [{ dataChangeEvent: { entities: [] } }] }, 'event notification without realmId or dataChangeEvent.entities');
    refused(quickbooks, { eventNotifications: [{ realmId: '1', dataChangeEvent: [] }] }, 'event notification without realmId or dataChangeEvent.entities');
    refused(quickbooks, { eventNotifications: [{ realmId: '1', dataChangeEvent: { entities: {} } }] }, 'event notification without realmId or dataChangeEvent.entities');
    refused(quickbooks, entity('x' as never), 'entity change must be an object');
    refused(quickbooks, entity({ name: 'Invoice', operation: 'Update' }), 'entity change for invoice without id');
    refused(quickbooks, entity({ operation: 'Update' }), 'entity change for unknown entity without id');
    refused(quickbooks, '42', 'body must be a CloudEvents array or an eventNotifications object');
    refused(quickbooks, 'null', 'body must be a CloudEvents array or an eventNotifications object');
    refused(quickbooks, 'not json', 'body is not JSON');
  });

  it('an empty notification list is no event', () => {
    expect(parse(quickbooks, { eventNotifications: [] })).toEqual([]);
  });
});

describe('QuickBooks CloudEvents', () => {
  const ce = (e: Record<string, unknown>) => [{ specversion: '1.0', id: 'ev-1', source: 'intuit', intuitaccountid: '9130', intuitentityid: '42', time: '2026-06-12T17:00:00Z', ...e }];

  it('one event per element, several realms in one delivery, keyed by the event id', () => {
    const body = [...ce({ type: 'qbo.invoice.updated.v1' }), ...ce({ id: 'ev-2', type: 'qbo.payment.created.v1', intuitaccountid: 4620, intuitentityid: 8, time: undefined }), ...ce({ id: 'ev-3', type: 'qbo.salesreceipt.updated.v1' })];
    expect(parse(quickbooks, body)).toEqual([
      { externalTenantId: '9130', stream: 'invoices', externalId: '42', operation: 'update', occurredAt: '2026-06-12T17:00:00Z', dedupeKey: 'ev-1' },
      { externalTenantId: '4620', stream: 'payments', externalId: '8', operation: 'create', occurredAt: null, dedupeKey: 'ev-2' },
    ]);
  });

  it.each([
    ['qbo.creditmemo.voided.v1', 'credit_notes', 'void'], ['qbo.customer.deleted.v1', 'customers', 'delete'], ['qbo.invoice.emailed.v1', 'invoices', 'update'],
    ['qbo.invoice.created.v12', 'invoices', 'create'], ['qbo.customer.merged.v1', 'customers', 'merge'], ['qbo.invoice.archived.v1', 'invoices', 'unknown'],
  ])('%s reads as %s %s', (type, stream, operation) => {
    expect(parse(quickbooks, ce({ type }))).toEqual([expect.objectContaining({ stream, operation })]);
  });

  it('a merge also deletes the losing customer (data.deletedid, or deletedId); nothing else does', () => {
    expect(parse(quickbooks, ce({ type: 'qbo.customer.merged.v1', intuitentityid: '7', data: { deletedid: '9' } }))).toEqual([
      { externalTenantId: '9130', stream: 'customers', externalId: '7', operation: 'merge', occurredAt: '2026-06-12T17:00:00Z', dedupeKey: 'ev-1' },
      { externalTenantId: '9130', stream: 'customers', externalId: '9', operation: 'delete', occurredAt: '2026-06-12T17:00:00Z', dedupeKey: 'ev-1:deleted:9' },
    ]);
    expect(parse(quickbooks, ce({ type: 'qbo.customer.merged.v1', data: { deletedId: '9' } })).map((e) => e.externalId)).toEqual(['42', '9']);
    expect(parse(quickbooks, ce({ type: 'qbo.customer.merged.v1' }))).toHaveLength(1);
    expect(parse(quickbooks, ce({ type: 'qbo.customer.merged.v1', data: 'x' }))).toHaveLength(1);
    expect(parse(quickbooks, ce({ type: 'qbo.customer.updated.v1', data: { deletedid: '9' } }))).toHaveLength(1);
  });

  it.each([
    [{ type: 'qbo.invoice.updated' }], [{ type: 'xqbo.invoice.updated.v1' }], [{ type: 'qbo.invoice.updated.v1x' }], [{ type: 'qbo.Invoice.updated.v1' }], [{ type: 'qbo.invoice.updated.vx' }],
    [{ type: undefined }], [{ type: 'qbo.invoice.updated.v1', id: undefined }], [{ type: 'qbo.invoice.updated.v1', intuitaccountid: undefined }], [{ type: 'qbo.invoice.updated.v1', intuitentityid: undefined }],
  ])('refuses a CloudEvent with %j', (change) => {
    refused(quickbooks, ce(change), 'CloudEvent without id, type qbo.<entity>.<action>.v1, intuitaccountid or intuitentityid');
  });

  it('refuses an element that is not an object; an empty array is no event', () => {
    refused(quickbooks, ['x'], 'each CloudEvent must be an object');
    expect(parse(quickbooks, [])).toEqual([]);
  });
});

describe('Xero events', () => {
  const event = (e: Record<string, unknown>) => ({ events: [{ resourceUrl: 'https://api.xero.com/api.xro/2.0/Invoices/inv-1', resourceId: 'inv-1', tenantId: 'org-1', tenantType: 'ORGANISATION', eventCategory: 'INVOICE', eventType: 'UPDATE', eventDateUtc: '2026-06-20T10:00:00.000', ...e }], firstEventSequence: 1, lastEventSequence: 1, entropy: 'x' });

  it('reads an event as a re-read of its resource, the date as UTC, keyed by tenant, category, resource, type and date', () => {
    expect(parse(xero, event({}))).toEqual([{ externalTenantId: 'org-1', stream: 'invoices', externalId: 'inv-1', operation: 'update', occurredAt: '2026-06-20T10:00:00.000Z', dedupeKey: 'org-1:INVOICE:inv-1:UPDATE:2026-06-20T10:00:00.000' }]);
  });

  it.each([
    [{ eventCategory: 'CONTACT', eventType: 'CREATE' }, 'customers', 'create'],
    [{ eventCategory: 'CREDITNOTE', eventType: 'UPDATE', data: { Type: 'ACCRECCREDIT', Status: 'AUTHORISED' } }, 'credit_notes', 'update'],
    [{ eventCategory: 'invoice', eventType: 'update' }, 'invoices', 'update'],
    [{ eventType: 'DELETE' }, 'invoices', 'unknown'],
    [{ eventType: undefined }, 'invoices', 'unknown'],
  ])('%j reads as %s %s', (change, stream, operation) => {
    expect(parse(xero, event(change))).toEqual([expect.objectContaining({ stream, operation })]);
  });

  it('an event without a type is keyed with an empty type', () => {
    expect(parse(xero, event({ eventType: undefined }))[0]!.dedupeKey).toBe('org-1:INVOICE:inv-1::2026-06-20T10:00:00.000');
  });

  it('keeps a date that says UTC, and states none when there is no date', () => {
    expect(parse(xero, event({ eventDateUtc: '2026-06-20T10:00:00Z' }))[0]!.occurredAt).toBe('2026-06-20T10:00:00Z');
    expect(parse(xero, event({ eventDateUtc: '2026-06-20T10:00:00z' }))[0]!.occurredAt).toBe('2026-06-20T10:00:00z');
    // Only a final Z says UTC: a z elsewhere in the text is no zone, and the UTC designator is still added.
    expect(parse(xero, event({ eventDateUtc: '2026-06-20z10:00:00.000' }))[0]!.occurredAt).toBe('2026-06-20z10:00:00.000Z');
    const undated = parse(xero, event({ eventDateUtc: undefined, eventType: 'update', eventCategory: 'Invoice' }))[0]!;
    expect([undated.occurredAt, undated.dedupeKey]).toEqual([null, 'org-1:Invoice:inv-1:UPDATE:']);
  });

  it('skips categories it does not sync (app subscriptions)', () => {
    expect(parse(xero, event({ eventCategory: 'SUBSCRIPTION', tenantType: 'APPLICATION' }))).toEqual([]);
  });

  it('refuses what is not the documented shape', () => {
    refused(xero, [], 'body must be an object with an events array');
    refused(xero, { events: {} }, 'body must be an object with an events array');
    refused(xero, { events: ['x'] }, 'each event must be an object');
    for (const missing of ['resourceId', 'tenantId', 'eventCategory']) refused(xero, event({ [missing]: undefined }), 'event without resourceId, tenantId or eventCategory');
    refused(xero, event({ resourceId: 42 }), 'event without resourceId, tenantId or eventCategory');
  });
});

describe('Pennylane e-invoicing status events', () => {
  const delivery = (over: Record<string, unknown> = {}, data: Record<string, unknown> = { context: { company_id: '31', firm_id: null }, object: { id: 5001 } }) => ({ id: 77, event: 'customer_invoice.e_invoicing_status_updated', retry_count: 0, created: 1_781_000_000, data, ...over });

  it('names the invoice to re-read for the company, keyed by the delivery id', () => {
    expect(parse(pennylane, delivery())).toEqual([{ externalTenantId: '31', stream: 'invoices', externalId: '5001', operation: 'update', occurredAt: new Date(1_781_000_000 * 1000).toISOString(), dedupeKey: 'pennylane:77' }]);
  });

  it('reads the payload at data.data too, and a company id given as a number', () => {
    expect(parse(pennylane, delivery({}, { context: { company_id: 31 }, data: { id: 5002 } }))).toEqual([expect.objectContaining({ externalTenantId: '31', externalId: '5002' })]);
  });

  it('reads created in seconds or in milliseconds; none when absent or not a positive number', () => {
    const at = (created: unknown) => parse(pennylane, delivery({ created }))[0]!.occurredAt;
    expect(at(1_781_000_000)).toBe('2026-06-09T10:13:20.000Z');
    expect(at(1_781_000_000_123)).toBe('2026-06-09T10:13:20.123Z');
    expect(at('1781000000')).toBe('2026-06-09T10:13:20.000Z');
    expect(at(undefined)).toBeNull();
    expect(at(0)).toBeNull();
    expect(at(-5)).toBeNull();
    expect(at('soon')).toBeNull();
  });

  it('other events (dms_file.created) are no change to re-read', () => {
    expect(parse(pennylane, delivery({ event: 'dms_file.created' }, { context: {}, object: {} }))).toEqual([]);
  });

  it('refuses an envelope or an e-invoicing event without what it needs', () => {
    const envelope = 'expected {id, event, data} (Pennylane webhook envelope)';
    refused(pennylane, [], envelope);
    refused(pennylane, delivery({ id: undefined }), envelope);
    refused(pennylane, delivery({ event: 7 }), envelope);
    refused(pennylane, delivery({ data: [] }), envelope);
    const incomplete = 'e-invoicing event without data.object.id or data.context.company_id';
    refused(pennylane, delivery({}, { context: { company_id: '31' } }), incomplete);
    refused(pennylane, delivery({}, { context: { company_id: '31' }, object: {} }), incomplete);
    refused(pennylane, delivery({}, { context: { company_id: null }, object: { id: 1 } }), incomplete);
    refused(pennylane, delivery({}, { context: {}, object: { id: 1 } }), incomplete);
    refused(pennylane, delivery({}, { object: { id: 1 } }), incomplete);
    refused(pennylane, delivery({}, { context: 'x', object: { id: 1 } }), incomplete);
  });
});
