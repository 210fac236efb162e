// WORK_CONCURRENCY: how many jobs a process runs at once, and a database pool that still serves them all when each holds a connection.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { openService } from '../../src/service.js';
import { useIsolatedDatabase } from '../support/db.js';
import { TEST_SECRET_KEY } from '../support/quickbooks.js';

const { url } = useIsolatedDatabase();

describe('WORK_CONCURRENCY', () => {
  it('defaults to 16 jobs at once and refuses a value outside 1 to 64, naming the variable', () => {
    expect(loadConfig({}).WORK_CONCURRENCY).toBe(16);
    expect(loadConfig({ WORK_CONCURRENCY: '20' }).WORK_CONCURRENCY).toBe(20);
    for (const bad of ['0', '65', 'many']) {
      expect(() => loadConfig({ WORK_CONCURRENCY: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ WORK_CONCURRENCY: bad })).toThrow(/WORK_CONCURRENCY/);
    }
  });

  it('runs that many jobs at once, each holding a connection as a sync holds its lock, and the pool still serves their other queries', { timeout: 60_000 }, async () => {
    // More jobs than the pool of a process that runs none (10): with a pool of that size, every connection would be
    // held by a job waiting for another connection, and nothing would finish.
    const concurrency = 12;
    const config = loadConfig({ DATABASE_URL: url, RELANCE_HOME: mkdtempSync(join(tmpdir(), 'relance-conc-')), RELANCE_SECRET_KEY: TEST_SECRET_KEY.toString('base64'), WORK_CONCURRENCY: String(concurrency), LOG_LEVEL: 'silent' });
    const service = await openService(config, []);
    try {
      const sql = service.runtime.sql;
      let open = 0;
      let peak = 0;
      let done = 0;
      let allOpen!: () => void;
      const everyoneOpen = new Promise<void>((r) => (allOpen = r));
      await service.queue.process(
        {
          // The shape of a sync (src/sync/run.ts): a transaction holding its advisory lock for the whole run, the writes
          // on the pool's other connections.
          reconcile: async ({ connectionId }) => {
            await sql.begin(async (tx) => {
              await tx`select pg_try_advisory_xact_lock(hashtextextended(${`relance:sync:${connectionId}`}, 0))`;
              peak = Math.max(peak, ++open);
              if (open === concurrency) allOpen();
              await everyoneOpen;
              await sql`select ${connectionId}::text as page_write`;
            });
            open--;
            done++;
          },
        },
        { concurrency: config.WORK_CONCURRENCY },
      );
      for (let i = 0; i < concurrency; i++) await service.queue.enqueue('reconcile', { tenantId: randomUUID(), connectionId: randomUUID() });
      const end = Date.now() + 20_000;
      while (done < concurrency && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      expect({ peak, done }).toEqual({ peak: concurrency, done: concurrency });
    } finally {
      await service.close();
    }
  });
});
