// Serving a simulator on a port another process holds fails the call (found by the chaos suite: a `work` process that
// adopted a demo company whose port answered too slowly died on an unhandled EADDRINUSE instead of logging it).
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { serveHandlers } from '../../src/simulator/serve.js';

describe('serving on a port already taken', () => {
  it('rejects with EADDRINUSE, and the process lives on', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      await expect(serveHandlers([], { port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });
});
