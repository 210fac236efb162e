// The reply address of a reminder: `<local>+<token>@<domain>`, the token naming one thread (tenant, connection,
// customer, action) in mail_threads. Tokens are random, never derived from ids, so one cannot be guessed from another.
import { randomBytes } from 'node:crypto';
import { base32 } from '../model/base32.js';
import type { Config } from '../config.js';

/** 128 random bits in lowercase base32 (26 characters): safe in a local part, and survives case-folding relays. */
export function newReplyToken(): string {
  return base32(randomBytes(16), 'abcdefghijklmnopqrstuvwxyz234567');
}

const TOKEN = /^[a-z2-7]{26}$/;

/** The bare address in "Name <a@b>" or "a@b", lowercased; null when there is none. */
export function bareAddress(text: string | null | undefined): string | null {
  if (!text) return null;
  const m = /<([^<>\s]+@[^<>\s]+)>/.exec(text) ?? /([^\s<>"',;:]+@[^\s<>"',;:]+)/.exec(text);
  return m ? m[1]!.toLowerCase().replace(/\.$/, '') : null;
}

/** Splits the configured base address ("relance@replies.acme.fr") into its local part and domain. */
export function splitBase(base: string): { local: string; domain: string } {
  const addr = bareAddress(base);
  const at = addr ? addr.lastIndexOf('@') : -1;
  if (!addr || at <= 0) throw new Error(`"${base}" is not an email address: set REPLY_ADDRESS to the address replies should reach, e.g. relance@replies.example.com`);
  return { local: addr.slice(0, at).split('+')[0]!, domain: addr.slice(at + 1) };
}

export function replyAddressFor(base: string, token: string): string {
  const { local, domain } = splitBase(base);
  return `${local}+${token}@${domain}`;
}

/** Whether `address` is the base address, with or without a plus part (what the inbound listener accepts). */
export function isOurAddress(base: string, address: string): boolean {
  const { local, domain } = splitBase(base);
  const a = bareAddress(address);
  if (!a) return false;
  const at = a.lastIndexOf('@');
  return a.slice(at + 1) === domain && a.slice(0, at).split('+')[0] === local;
}

/** The thread tokens named by these recipient addresses (ours only; anything else in the plus part is ignored). */
export function tokensIn(base: string, addresses: readonly string[]): string[] {
  const { local, domain } = splitBase(base);
  const out = new Set<string>();
  for (const raw of addresses) {
    const a = bareAddress(raw);
    if (!a) continue;
    const at = a.lastIndexOf('@');
    if (a.slice(at + 1) !== domain) continue;
    const [l, tag] = a.slice(0, at).split('+', 2);
    if (l === local && tag && TOKEN.test(tag)) out.add(tag);
  }
  return [...out];
}

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
