// What a `relance work` process carries: the workers' modules, not the HTTP side, the simulators, IMAP and MIME
// parsing or the PDF libraries, which cost a worker tens of megabytes of memory it never uses (issue #29).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startCli, stopChild } from '../support/cli.js';
import { useIsolatedDatabase } from '../support/db.js';

const { url } = useIsolatedDatabase();
const dir = mkdtempSync(join(tmpdir(), 'relance-loads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RECORDER = fileURLToPath(new URL('./fixtures/record-loads-register.mjs', import.meta.url));

describe('relance work', () => {
  it('starts without the HTTP side, the simulators, IMAP and MIME parsing, or the PDF libraries', { timeout: 120_000 }, async () => {
    const log = join(dir, 'loads.txt');
    const run = await startCli(['work'], /Workers running/, {
      env: { DATABASE_URL: url, REDIS_URL: inject('redisUrl'), RELANCE_HOME: dir, RECORD_LOADS: log, NODE_OPTIONS: `--import ${RECORDER}` },
    });
    const code = await stopChild(run.child);
    expect(code, run.output()).toBe(0);
    const loaded = [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))];
    // The recorder works: the queue and the sync engine are there.
    expect(loaded.some((u) => u.includes('/node_modules/bullmq/'))).toBe(true);
    expect(loaded.some((u) => /\/src\/sync\/[a-z-]+\.ts$/.test(u))).toBe(true);
    // src/simulator/rate-history.ts is data (the demo's rate book starts from it), without the simulators' HTTP layer.
    const unwanted = loaded.filter((u) =>
      /\/node_modules\/(msw|imapflow|mailparser|pdfkit|qrcode|smtp-server|@bull-board|@hono\/zod-openapi|@hono\/node-server|prom-client)\//.test(u) || /\/src\/(http|simulator|inbound)\/(?!rate-history\.ts$)/.test(u),
    );
    expect(unwanted).toEqual([]);
  });
});
