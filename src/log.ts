// Structured JSON logs (pino) with tenant/connection ids and secrets redacted wherever they appear.
import { pino, type Logger } from 'pino';

/** Every key that may carry a secret, at any depth pino can address. */
const SECRET_KEYS = ['accessToken', 'refreshToken', 'access_token', 'refresh_token', 'id_token', 'clientSecret', 'client_secret', 'authorization', 'Authorization', 'password', 'secret', 'credentials', 'code', 'apiKey', 'api_key'];
export const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers.${k}`, `*.headers.${k}`]);

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: { service: 'relance' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}

export type { Logger };
