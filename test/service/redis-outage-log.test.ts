// While Redis is away the service's client logs one warning, not a stack trace per reconnection, and one line when back.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { logRedisOutages } from '../../src/service.js';
import { startRedisServer } from '../support/redis-server.js';

describe('logRedisOutages', () => {
  it('warns once while Redis is down, however many reconnections fail, and says when it is back', { timeout: 60_000 }, async () => {
    const server = await startRedisServer();
    const port = server.port;
    const lines: string[] = [];
    const log = { warn: (_o: unknown, m?: string) => void lines.push(`warn ${m}`), info: (m: unknown) => void lines.push(`info ${String(m)}`) };
    const redis = new Redis(server.url, { retryStrategy: () => 50, maxRetriesPerRequest: 1 });
    logRedisOutages(redis, log as never);
    const errors: unknown[] = [];
    redis.on('error', (e) => errors.push(e));
    try {
      await redis.ping();
      await server.stop();
      for (const end = Date.now() + 10_000; errors.length < 5 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
      expect(errors.length).toBeGreaterThanOrEqual(5);
      expect(lines).toEqual([expect.stringMatching(/^warn Redis is unreachable/)]);
      const again = await startRedisServer({ port });
      try {
        await redis.ping();
        expect(lines).toEqual([expect.stringMatching(/^warn Redis is unreachable/), 'info Redis is reachable again']);
      } finally {
        redis.disconnect();
        await again.stop();
      }
    } finally {
      redis.disconnect();
    }
  });
});
