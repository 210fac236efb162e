// QuickBooks webhooks: intuit-signature check over the raw body, then the classic and CloudEvents payloads as change events.
import { WebhookPayloadError } from '../../src/connectors/errors.js';
import { isJsonObject, verifyHmacBase64, webhookJson } from '../../src/connectors/signature.js';
import type { ChangeEvent, ConnectorWebhooks, StreamName } from '../../src/connectors/types.js';

const STREAM_OF: Record<string, StreamName> = { customer: 'customers', invoice: 'invoices', creditmemo: 'credit_notes', payment: 'payments' };
const OPERATION: Record<string, ChangeEvent['operation']> = {
  create: 'create', created: 'create', update: 'update', updated: 'update', emailed: 'update',
  delete: 'delete', deleted: 'delete', void: 'void', voided: 'void', merge: 'merge', merged: 'merge',
};

const isObject = isJsonObject;
const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);

/** Legacy format: one element per realm, entities listed under dataChangeEvent. */
function parseClassic(body: Record<string, unknown>): ChangeEvent[] {
  const notifications = body['eventNotifications'];
  if (!Array.isArray(notifications)) throw new WebhookPayloadError('eventNotifications must be an array');
  const events: ChangeEvent[] = [];
  for (const n of notifications) {
    if (!isObject(n)) throw new WebhookPayloadError('each event notification must be an object');
    const realmId = text(n['realmId']);
    const change = n['dataChangeEvent'];
    if (!realmId || !isObject(change) || !Array.isArray(change['entities'])) throw new WebhookPayloadError('event notification without realmId or dataChangeEvent.entities');
    for (const e of change['entities']) {
      if (!isObject(e)) throw new WebhookPayloadError('entity change must be an object');
      const name = text(e['name'])?.toLowerCase() ?? '';
      const id = text(e['id']);
      const op = text(e['operation'])?.toLowerCase() ?? '';
      if (!id) throw new WebhookPayloadError(`entity change for ${name || 'unknown entity'} without id`);
      const stream = STREAM_OF[name];
      if (!stream) continue;
      const lastUpdated = text(e['lastUpdated']);
      const base = { externalTenantId: realmId, stream, occurredAt: lastUpdated };
      events.push({ ...base, externalId: id, operation: OPERATION[op] ?? 'unknown', dedupeKey: `${realmId}:${name}:${id}:${op}:${lastUpdated ?? ''}` });
      const loser = text(e['deletedId']);
      if (op === 'merge' && loser) events.push({ ...base, externalId: loser, operation: 'delete', dedupeKey: `${realmId}:${name}:${loser}:merged-into:${id}` });
    }
  }
  return events;
}

/** CloudEvents format: a JSON array, one element per change, possibly several realms. */
function parseCloudEvents(body: unknown[]): ChangeEvent[] {
  const events: ChangeEvent[] = [];
  for (const e of body) {
    if (!isObject(e)) throw new WebhookPayloadError('each CloudEvent must be an object');
    const type = text(e['type']);
    const id = text(e['id']);
    const realmId = text(e['intuitaccountid']);
    const entityId = text(e['intuitentityid']);
    const match = type ? /^qbo\.([a-z]+)\.([a-z]+)\.v\d+$/.exec(type) : null;
    if (!id || !realmId || !entityId || !match) throw new WebhookPayloadError('CloudEvent without id, type qbo.<entity>.<action>.v1, intuitaccountid or intuitentityid');
    const stream = STREAM_OF[match[1]!];
    if (!stream) continue;
    const base = { externalTenantId: realmId, stream, occurredAt: text(e['time']) };
    events.push({ ...base, externalId: entityId, operation: OPERATION[match[2]!] ?? 'unknown', dedupeKey: id });
    const data = e['data'];
    const loser = isObject(data) ? text(data['deletedid'] ?? data['deletedId']) : null;
    if (match[2] === 'merged' && loser) events.push({ ...base, externalId: loser, operation: 'delete', dedupeKey: `${id}:deleted:${loser}` });
  }
  return events;
}

export const webhooks: ConnectorWebhooks = {
  signatureHeader: 'intuit-signature',
  verify: (rawBody, headers, verifierToken) => verifyHmacBase64(rawBody, headers.get('intuit-signature'), verifierToken),
  parse(rawBody) {
    const body = webhookJson(rawBody);
    if (Array.isArray(body)) return parseCloudEvents(body);
    if (isObject(body)) return parseClassic(body);
    throw new WebhookPayloadError('body must be a CloudEvents array or an eventNotifications object');
  },
};
