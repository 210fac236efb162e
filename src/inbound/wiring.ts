// Inbound mail in the running service: the reply address from the configuration, the SMTP listener and the IMAP poll
// built from it (INBOUND_* variables, README "Configuration").
import { readFileSync } from 'node:fs';
import type { Config } from '../config.js';
import type { OpenTask } from '../model/task.js';
import type { Sql } from '../store/db.js';
import { imapFromUrl, pollImap, type PollResult } from './imap-poll.js';
import { receiveMail, type InboundDeps } from './receive.js';
import { replyAddressOf } from '../actions/reply-address.js';

export { replyAddressOf };
import { startInboundSmtp, type InboundSmtp } from './smtp-listener.js';
import { recordBounce } from '../actions/executor.js';
import { storeLookups } from '../actions/store-lookups.js';

type Log = (entry: Record<string, unknown>, message: string) => void;

/**
 * A bounce recorded against its reminder as the executor records a refused address (store/activity 'bounced'), which
 * plans the step's fallback letter when it has one. Idempotent: a second DSN for the same reminder adds nothing.
 */
export function bounceRecorder(sql: Sql, log: Log): NonNullable<InboundDeps['bounced']> {
  return async (tenantId, actionKey, reason) => {
    await recordBounce({ sql, ...storeLookups(sql), alert: async (a) => log({ tenantId: a.tenantId, alert: a.kind, actionKey: a.actionKey }, a.message) }, tenantId, actionKey, reason);
  };
}

export function inboundDeps(sql: Sql, config: Config, openTask: OpenTask, log: Log): InboundDeps {
  return { sql, replyAddress: replyAddressOf(config), openTask, log, bounced: bounceRecorder(sql, log) };
}

/** Starts the SMTP listener when INBOUND_SMTP_PORT is set; null otherwise. */
export async function startConfiguredListener(config: Config, deps: InboundDeps, log: Log): Promise<InboundSmtp | null> {
  if (config.INBOUND_SMTP_PORT === undefined) return null;
  const tls = config.INBOUND_SMTP_TLS_KEY && config.INBOUND_SMTP_TLS_CERT ? { key: readFileSync(config.INBOUND_SMTP_TLS_KEY), cert: readFileSync(config.INBOUND_SMTP_TLS_CERT) } : null;
  return startInboundSmtp({
    host: config.INBOUND_SMTP_HOST ?? config.HOST,
    port: config.INBOUND_SMTP_PORT,
    maxBytes: config.INBOUND_MAX_BYTES,
    replyAddress: deps.replyAddress,
    tls,
    receive: (raw, to) => receiveMail(deps, raw, { source: 'smtp', envelopeTo: to }),
    log,
  });
}

/** One pass over the IMAP mailbox (the `inbound` job); null when INBOUND_IMAP_URL is not set. */
export async function pollConfiguredMailbox(config: Config, deps: InboundDeps, log: Log): Promise<PollResult | null> {
  if (!config.INBOUND_IMAP_URL) return null;
  return pollImap(imapFromUrl(config.INBOUND_IMAP_URL), { maxBytes: config.INBOUND_MAX_BYTES, receive: (raw) => receiveMail(deps, raw, { source: 'imap' }), log });
}
