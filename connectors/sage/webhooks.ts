// Sage Accounting v3.1 has no webhooks (no event or subscription endpoint in the SDK generated from its OpenAPI description): changes are polled (streams.ts).
import type { ConnectorWebhooks } from '../../src/connectors/types.js';

/** None: the connector declares no webhooks, so the engine syncs it on a schedule (every 15 minutes by default). */
export const webhooks: ConnectorWebhooks | undefined = undefined;
