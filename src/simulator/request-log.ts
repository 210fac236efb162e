// What a simulator was asked, in order: method and URL of each request, so tests can hold clients to the provider's description.
import { http, type RequestHandler } from 'msw';

export interface LoggedRequest {
  method: string;
  /** The full URL as received, query string included. */
  url: string;
}

/** The requests a simulator received, oldest first; the oldest are dropped past `limit` so a long-running demo stays small. */
export interface RequestLog {
  readonly entries: readonly LoggedRequest[];
  clear(): void;
}

/** Ten thousand requests: a contract sync of a seeded company fits with room to spare. */
const DEFAULT_LIMIT = 10_000;

/**
 * Puts a recording handler in front of `sim.handlers`, one per origin the provider lives on. It answers nothing, so msw
 * goes on to the provider's own handler.
 */
export function attachRequestLog<S extends { handlers: RequestHandler[]; baseUrls: Record<string, string> }>(sim: S, limit = DEFAULT_LIMIT): S & { requestLog: RequestLog } {
  const entries: LoggedRequest[] = [];
  const origins = [...new Set(Object.values(sim.baseUrls).map((u) => new URL(u).origin))];
  const recorders = origins.map((origin) =>
    http.all(`${origin}/*`, ({ request }) => {
      if (entries.length >= limit) entries.shift();
      entries.push({ method: request.method, url: request.url });
    }),
  );
  sim.handlers.unshift(...recorders);
  return Object.assign(sim, { requestLog: { entries, clear: () => void entries.splice(0) } });
}
