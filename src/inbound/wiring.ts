// Inbound mail in the running service: the reply address from the configuration, the SMTP listener and the IMAP poll
// built from it (INBOUND_* variables, README "Configuration").
import { readFileSync } from 'node:fs';
import type { Config } from '../config.js';
import type { OpenTask } from '../model/task.js';
import type { Sql } from '../store/db.js';
import { imapFromUrl, pollImap, type PollResult } from './imap-poll.js';
import { receiveMail, type InboundDeps } from './receive.js';
import { bareAddress } from './reply-address.js';
import { startInboundSmtp, type InboundSmtp } from './smtp-listener.js';

type Log = (entry: Record<string, unknown>, message: string) => void;

/**
 * The base reply address: REPLY_ADDRESS, else the sender's own address (SMTP_FROM), else relance@ the SMTP host. With
 * the default, replies reach the sender's mailbox as `local+token@…` (plus addressing), which the IMAP poll can read.
 */
export function replyAddressOf(config: Pick<Config, 'REPLY_ADDRESS' | 'SMTP_FROM' | 'SMTP_URL'>): string {
  if (config.REPLY_ADDRESS) return config.REPLY_ADDRESS.toLowerCase();
  const from = bareAddress(config.SMTP_FROM);
  if (from) return from;
  const host = config.SMTP_URL ? new URL(config.SMTP_URL).hostname : 'localhost';
  return `relance@${host}`;
}

export function inboundDeps(sql: Sql, config: Config, openTask: OpenTask, log: Log): InboundDeps {
  return { sql, replyAddress: replyAddressOf(config), openTask, log };
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
