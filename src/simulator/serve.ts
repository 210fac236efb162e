// Serves a simulator's msw handlers as a real HTTP server on loopback (for `relance simulate`, demos, benches).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { getResponse, type RequestHandler } from 'msw';
import { attachRequestLog } from './request-log.js';
import type { ContractSizes, ProviderSimulator, SeedOptions, SimulatorFactory } from './types.js';

export interface ServedHandlers {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Starts an HTTP server that answers every request with the first matching handler. Handlers match
 * absolute URLs, so requests are rewritten onto `publicBaseUrl` (the base the handlers were built for).
 */
export async function serveHandlers(
  handlers: RequestHandler[],
  options: { port?: number; host?: string; rewriteTo?: (path: string) => string } = {},
): Promise<ServedHandlers> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      const path = req.url ?? '/';
      const url = options.rewriteTo ? options.rewriteTo(path) : `http://${host}${path}`;
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      // A client that gives up (closes before the answer) aborts the request, so a hanging fault ends with it.
      const gone = new AbortController();
      res.on('close', () => gone.abort());
      const request = new Request(url, {
        method: req.method,
        headers,
        body: body.length && req.method !== 'GET' && req.method !== 'HEAD' ? body : undefined,
        signal: gone.signal,
      });
      const response = await getResponse(handlers, request);
      // A network error (HttpResponse.error()) is a reset connection here too: no status line, the socket just dies.
      if (response?.type === 'error') {
        req.socket.destroy();
        return;
      }
      if (!response) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `no simulated route for ${req.method} ${path}` }));
        return;
      }
      const out = Buffer.from(await response.arrayBuffer());
      res.writeHead(response.status, Object.fromEntries(response.headers.entries())).end(out);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(err) }));
    }
  });
  // A port already taken fails this call (EADDRINUSE) instead of an 'error' event nobody listens to, which would end
  // the process (a worker adopting a demo company whose port another process serves).
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${host}:${port}`,
    server,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Serves a simulator on one loopback port: `hostsAt(origin)` places each of the provider's hosts (API, authorize,
 * token…) under that origin at its own path; `options.baseUrls` still wins. For demo companies, the CLI and benches.
 */
async function serveSimulator<S extends { handlers: RequestHandler[] }, O extends { baseUrls?: object }>(
  create: (options: O) => S,
  options: O & { port?: number; host?: string },
  hostsAt: (origin: string) => Record<string, string>,
): Promise<{ url: string; close(): Promise<void>; simulator: S }> {
  return serveAtOrigin((origin) => create({ ...options, baseUrls: { ...hostsAt(origin), ...options.baseUrls } }), options);
}

/**
 * Serves the handlers `create` builds for the server's own origin on a loopback port. The port is known only once
 * listening, so the handler list is filled after start (serveHandlers reads it per request). For the provider
 * simulators and the publishers' (rates, BODACC, the company register).
 */
export async function serveAtOrigin<S extends { handlers: RequestHandler[] }>(create: (origin: string) => S, options: { port?: number; host?: string } = {}): Promise<{ url: string; close(): Promise<void>; simulator: S }> {
  const handlers: RequestHandler[] = [];
  let origin = '';
  const served = await serveHandlers(handlers, { ...(options.port !== undefined ? { port: options.port } : {}), host: options.host ?? '127.0.0.1', rewriteTo: (path) => `${origin}${path}` });
  origin = served.url;
  const simulator = create(origin);
  handlers.push(...simulator.handlers);
  return { url: origin, close: () => served.close(), simulator };
}

/**
 * A provider's SimulatorFactory from its constructor and where its hosts live under one origin: `create` runs behind
 * msw, `serve` on a real loopback port. Both keep a request log (request-log.ts).
 */
export function defineSimulator<S extends ProviderSimulator, O extends SeedOptions & { baseUrls?: object }>(
  provider: S['provider'],
  create: (options?: O) => S,
  hostsAt: (origin: string) => Record<string, string>,
  contractSizes?: ContractSizes,
): SimulatorFactory<S, O> {
  const logged = (options?: O) => attachRequestLog(create(options));
  return { provider, create: logged, serve: (options = {} as O & { port?: number; host?: string }) => serveSimulator((o: O) => logged(o), options, hostsAt), ...(contractSizes ? { contractSizes } : {}) };
}
