// Intuit webhook deliveries: legacy eventNotifications or CloudEvents array, signed with intuit-signature.
import { createHmac, randomUUID } from 'node:crypto';
import type { WebhookEvent, WebhookOperation } from './types.js';

export type WebhookFormat = 'classic' | 'cloudevents';

const PAST: Record<WebhookOperation, string> = {
  Create: 'created',
  Update: 'updated',
  Delete: 'deleted',
  Merge: 'merged',
  Void: 'voided',
  Emailed: 'emailed',
};

export interface BuiltWebhook {
  body: string;
  headers: Record<string, string>;
}

/** base64(HMAC-SHA256(verifier token, raw body)), the value of `intuit-signature`. */
export function signIntuit(body: string, verifierToken: string): string {
  return createHmac('sha256', verifierToken).update(body, 'utf8').digest('base64');
}

export function buildWebhook(
  events: WebhookEvent[],
  opts: { format: WebhookFormat; realmId: string; verifierToken: string; nowMs: number; source: string },
): BuiltWebhook {
  const lastUpdated = (e: WebhookEvent) => e.lastUpdated ?? new Date(opts.nowMs).toISOString();
  let payload: unknown;
  if (opts.format === 'classic') {
    // One eventNotifications element per realm, entities in the order given.
    const byRealm = new Map<string, WebhookEvent[]>();
    for (const e of events) {
      const realm = e.realmId ?? opts.realmId;
      byRealm.set(realm, [...(byRealm.get(realm) ?? []), e]);
    }
    payload = {
      eventNotifications: [...byRealm.entries()].map(([realmId, list]) => ({
        realmId,
        dataChangeEvent: {
          entities: list.map((e) => ({
            name: e.name,
            id: e.id,
            operation: e.operation,
            lastUpdated: lastUpdated(e),
            ...(e.deletedId ? { deletedId: e.deletedId } : {}),
          })),
        },
      })),
    };
  } else {
    payload = events.map((e) => ({
      specversion: '1.0',
      id: randomUUID(),
      source: opts.source,
      type: `qbo.${e.name.toLowerCase()}.${PAST[e.operation]}.v1`,
      datacontenttype: 'application/json',
      time: lastUpdated(e),
      intuitentityid: e.id,
      intuitaccountid: e.realmId ?? opts.realmId,
      ...(e.operation === 'Merge' && e.deletedId ? { data: { deletedid: e.deletedId } } : {}),
    }));
  }
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'intuit-signature': signIntuit(body, opts.verifierToken),
      'intuit-created-time': new Date(opts.nowMs).toISOString(),
      'intuit-t-id': randomUUID(),
      'intuit-notification-schema-version': '0.1',
      'user-agent': 'intuit_notification_server/0.1',
    },
  };
}
