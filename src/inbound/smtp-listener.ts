// The inbound SMTP listener (smtp-server): the operator points an MX or a forwarding rule at it. It accepts mail for
// the reply address only (plain or plus-addressed), refuses anything over the size limit while it streams in, offers
// STARTTLS when a certificate is configured, and answers 250 only once the message is stored.
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { isOurAddress } from '../actions/reply-address.js';

export interface InboundSmtpOptions {
  host: string;
  port: number;
  /** Largest message accepted, in bytes (advertised in EHLO SIZE, enforced while reading). */
  maxBytes: number;
  replyAddress: string;
  /** PEM key and certificate: STARTTLS is offered with them, and the listener is plain-text only without. */
  tls?: { key: Buffer; cert: Buffer } | null;
  /** Stores and acts on one message; a throw answers 451 (try again later), so the sender keeps it. */
  receive: (raw: Buffer, envelopeTo: string[]) => Promise<unknown>;
  log?: (entry: Record<string, unknown>, message: string) => void;
}

export interface InboundSmtp {
  port: number;
  close(): Promise<void>;
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

export async function startInboundSmtp(opts: InboundSmtpOptions): Promise<InboundSmtp> {
  const options: SMTPServerOptions = {
    name: 'relance-inbound',
    banner: 'Relance inbound mail',
    size: opts.maxBytes,
    authOptional: true,
    disabledCommands: opts.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    logger: false,
    maxClients: 50,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    ...(opts.tls ? { key: opts.tls.key, cert: opts.tls.cert } : {}),
    onRcptTo(address, _session, cb) {
      if (!isOurAddress(opts.replyAddress, address.address)) return cb(smtpError(550, '5.1.1 no such mailbox here'));
      cb();
    },
    onMailFrom(address, _session, cb) {
      const args = address.args ? (address.args as Record<string, string>) : {};
      if (Number(args['SIZE'] ?? 0) > opts.maxBytes) return cb(smtpError(552, `5.3.4 message too large: the limit is ${opts.maxBytes} bytes`));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (c: Buffer) => {
        bytes += c.length;
        // Past the limit the rest is read and dropped: memory holds at most maxBytes per message.
        if (bytes <= opts.maxBytes) chunks.push(c);
      });
      stream.on('error', (err) => cb(err));
      stream.on('end', () => {
        if (stream.sizeExceeded || bytes > opts.maxBytes) {
          opts.log?.({ bytes, limit: opts.maxBytes, remote: session.remoteAddress }, 'inbound message refused: too large');
          return cb(smtpError(552, `5.3.4 message too large: the limit is ${opts.maxBytes} bytes`));
        }
        const to = session.envelope.rcptTo.map((r) => r.address);
        opts.receive(Buffer.concat(chunks), to).then(
          () => cb(),
          (err: unknown) => {
            opts.log?.({ err: err instanceof Error ? err.message : String(err) }, 'inbound message not stored; the sender will retry');
            cb(smtpError(451, '4.3.0 temporary failure, try again later'));
          },
        );
      });
    },
  };
  const server = new SMTPServer(options);
  server.on('error', (err) => opts.log?.({ err: err.message }, 'inbound SMTP connection error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = (server as unknown as { server: { address(): { port: number } } }).server.address();
  return {
    port: address.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
