// A real local HTTP server for a test file: started before its tests, closed after them, answering with `handle`.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

/** Registers the server's start and stop in the calling file; `base` is its URL once started. */
export function useLocalServer(handle: RequestListener): { readonly base: string } {
  let server: Server;
  const local = { base: '' };
  beforeAll(async () => {
    server = createServer(handle);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    local.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  return local;
}
