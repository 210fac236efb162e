// IMAP polling (imapflow): reads the unseen messages of one mailbox, hands each to the inbound path, then flags it
// \Seen. A message over the size limit is not downloaded: its headers alone are stored, so it is still listed.
import { ImapFlow } from 'imapflow';

export interface ImapSource {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
  mailbox: string;
}

/** `imap[s]://user:pass@host:port/Mailbox` (mailbox defaults to INBOX). */
export function imapFromUrl(url: string): ImapSource {
  const u = new URL(url);
  const secure = u.protocol === 'imaps:';
  const mailbox = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'INBOX';
  return { host: u.hostname, port: Number(u.port || (secure ? 993 : 143)), secure, user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password), mailbox };
}

export interface PollResult {
  seen: number;
  received: number;
  tooLarge: number;
}

export async function pollImap(
  source: ImapSource,
  opts: { maxBytes: number; receive: (raw: Buffer) => Promise<unknown>; log?: (entry: Record<string, unknown>, message: string) => void; batch?: number },
): Promise<PollResult> {
  const client = new ImapFlow({ host: source.host, port: source.port, secure: source.secure, auth: { user: source.user, pass: source.pass }, logger: false, connectionTimeout: 15_000 });
  client.on('error', (err: Error) => opts.log?.({ err: err.message }, 'IMAP connection error'));
  await client.connect();
  const result: PollResult = { seen: 0, received: 0, tooLarge: 0 };
  try {
    const lock = await client.getMailboxLock(source.mailbox);
    try {
      const uids = ((await client.search({ seen: false }, { uid: true })) || []).slice(0, opts.batch ?? 200);
      for (const uid of uids) {
        result.seen++;
        const meta = await client.fetchOne(String(uid), { size: true, uid: true }, { uid: true });
        if (!meta) continue;
        let raw: Buffer;
        if ((meta.size ?? 0) > opts.maxBytes) {
          const head = await client.fetchOne(String(uid), { headers: true }, { uid: true });
          raw = Buffer.concat([head && head.headers ? head.headers : Buffer.alloc(0), Buffer.from('\r\n')]);
          result.tooLarge++;
          opts.log?.({ uid, size: meta.size, limit: opts.maxBytes }, 'IMAP message over the size limit: headers kept, body not downloaded');
        } else {
          const full = await client.fetchOne(String(uid), { source: true }, { uid: true });
          if (!full || !full.source) continue;
          raw = full.source;
        }
        // Flagged only once stored: a crash in between reads it again, and the Message-ID makes that a no-op.
        await opts.receive(raw);
        await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
        result.received++;
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return result;
}
