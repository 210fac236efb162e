// A real SMTP server on loopback (smtp-server) that keeps every accepted message, decoded enough to assert on, and can refuse some recipients.
import { createServer, type Server } from 'node:http';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from '../support/free-port.js';

export interface Captured {
  mailFrom: string;
  rcptTo: string[];
  messageId: string;
  subject: string;
  text: string;
  html: string;
  raw: string;
}

export interface SmtpSink {
  port: number;
  messages: Captured[];
  /** Recipients answered 550 at RCPT (mailbox unavailable). */
  reject: Set<string>;
  /** Recipients answered 451 at RCPT this many more times. */
  tempFail: Map<string, number>;
  /** Recipients whose message the server keeps, then drops the connection before its 250 (this many more times). */
  dropBeforeReply: Map<string, number>;
  /** Recipients whose message is answered 451 at the end of DATA (not taken) this many more times. */
  refuseAtEnd: Map<string, number>;
  delivered(messageId: string): boolean;
  /** How long the server takes to answer each RCPT (0: at once). */
  rcptDelayMs: number;
  /** Messages whose body had begun to arrive (DATA accepted, at least one byte), ended or not. */
  dataStarted: number;
  /**
   * Called with each message once the server holds it and before it answers 250 (the chaos suite kills the sending
   * process there: the message arrived, the sender never heard so). `remotePort` is the client's end of the session.
   */
  onAccepted: ((m: Captured, remotePort: number) => void | Promise<void>) | null;
  /** HTTP endpoint a child process can ask "was this Message-ID accepted?": GET /delivered?id=… → "true"/"false". */
  lookupUrl: string;
  stop(): Promise<void>;
}

function decodeQP(s: string): Buffer {
  const soft = s.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const ch = soft[i] as string;
    if (ch === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(ch, 'utf8'));
  }
  return Buffer.from(bytes);
}

function decodeWords(s: string): string {
  return s.replace(/\?=\s+=\?/g, '?==?').replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_m, enc: string, data: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQP(data.replace(/_/g, ' ')).toString('utf8'),
  );
}

function headerOf(head: string, name: string): string {
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded);
  return m?.[1]?.trim() ?? '';
}

function decodePart(part: string): { type: string; body: string } {
  const sep = part.search(/\r?\n\r?\n/);
  const head = part.slice(0, sep);
  const body = part.slice(sep).replace(/^\r?\n\r?\n/, '');
  const cte = headerOf(head, 'Content-Transfer-Encoding').toLowerCase();
  const text = cte === 'quoted-printable' ? decodeQP(body).toString('utf8') : cte === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : body;
  return { type: headerOf(head, 'Content-Type').toLowerCase(), body: text.replace(/\r\n/g, '\n') };
}

/** Minimal MIME reading: headers, and the text/html parts of a multipart/alternative message as nodemailer builds it. */
export function parseMessage(raw: string): Omit<Captured, 'mailFrom' | 'rcptTo'> {
  const sep = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, sep);
  const ctype = headerOf(head, 'Content-Type');
  let text = '';
  let html = '';
  const boundary = /boundary="?([^";]+)"?/i.exec(ctype)?.[1];
  if (boundary) {
    for (const part of raw.split(`--${boundary}`).slice(1)) {
      if (part.startsWith('--')) break;
      const p = decodePart(part.replace(/^\r?\n/, ''));
      if (p.type.startsWith('text/plain')) text = p.body;
      else if (p.type.startsWith('text/html')) html = p.body;
    }
  } else text = decodePart(raw).body;
  return { messageId: headerOf(head, 'Message-ID'), subject: decodeWords(headerOf(head, 'Subject')), text: text.trimEnd(), html: html.trimEnd(), raw };
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: Captured[] = [];
  // Filled once the server listens; the message handler reads its hook from here.
  const sink = { onAccepted: null, dataStarted: 0, rcptDelayMs: 0 } as SmtpSink;
  const reject = new Set<string>();
  const tempFail = new Map<string, number>();
  const dropBeforeReply = new Map<string, number>();
  const refuseAtEnd = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, done) {
      // A slow server: its answer to RCPT comes rcptDelayMs later.
      const cb = (err?: Error | null) => (sink.rcptDelayMs ? void setTimeout(() => done(err), sink.rcptDelayMs) : done(err));
      if (reject.has(address.address)) return cb(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
      const n = tempFail.get(address.address) ?? 0;
      if (n > 0) {
        tempFail.set(address.address, n - 1);
        return cb(Object.assign(new Error('4.2.0 try again later'), { responseCode: 451 }));
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => {
        if (chunks.length === 0) sink.dataStarted++;
        chunks.push(c);
      });
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const m: Captured = { mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', rcptTo: session.envelope.rcptTo.map((r) => r.address), ...parseMessage(raw) };
        const refuse = m.rcptTo.find((r) => (refuseAtEnd.get(r) ?? 0) > 0);
        if (refuse) {
          refuseAtEnd.set(refuse, refuseAtEnd.get(refuse)! - 1);
          return cb(Object.assign(new Error('4.3.0 try again later'), { responseCode: 451 }));
        }
        messages.push(m);
        const drop = m.rcptTo.find((r) => (dropBeforeReply.get(r) ?? 0) > 0);
        if (drop) {
          dropBeforeReply.set(drop, dropBeforeReply.get(drop)! - 1);
          const conn = [...(server as unknown as { connections: Set<{ remotePort: number; _socket: { destroy(): void } }> }).connections].find((c) => c.remotePort === session.remotePort);
          return conn?._socket.destroy();
        }
        const hook = sink.onAccepted;
        if (!hook) return cb();
        void Promise.resolve(hook(m, session.remotePort)).finally(() => cb());
      });
    },
  });
  // A client killed mid-session resets its socket; that is the point of the crash tests, not a failure.
  server.on('error', () => {});
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const delivered = (id: string) => messages.some((m) => m.messageId === id);
  const http: Server = createServer((req, res) => {
    const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? '';
    res.end(String(delivered(id)));
  });
  const httpPort = await freePort();
  await new Promise<void>((resolve) => http.listen(httpPort, '127.0.0.1', resolve));
  Object.assign(sink, {
    port,
    messages,
    reject,
    tempFail,
    dropBeforeReply,
    refuseAtEnd,
    delivered,
    lookupUrl: `http://127.0.0.1:${httpPort}/delivered`,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  });
  return sink;
}

/**
 * One sink for a test file: started before its tests, stopped after them. The returned object stands for the sink
 * (read it inside tests and hooks, not at import time).
 */
export function useSmtpSink(): SmtpSink {
  let started: SmtpSink | undefined;
  beforeAll(async () => {
    started = await startSmtpSink();
  });
  afterAll(async () => {
    await started?.stop();
  });
  return new Proxy({} as SmtpSink, {
    get(_target, prop) {
      if (!started) throw new Error('the SMTP sink starts in beforeAll: read it inside a test or a hook');
      const value: unknown = Reflect.get(started, prop);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(started) : value;
    },
    // `sink.onAccepted = …` in a test reaches the running server's hook.
    set(_target, prop, value) {
      if (!started) throw new Error('the SMTP sink starts in beforeAll: set it inside a test or a hook');
      return Reflect.set(started, prop, value);
    },
  });
}
