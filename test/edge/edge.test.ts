// The Cloudflare edge: it bundles (wrangler deploy --dry-run), and under `wrangler dev` (local workerd, offline) a signed webhook lands in the PostgreSQL inbox.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { pendingInbox, updateConnection } from '../../src/store/index.js';
import { newTenant, useDatabase } from '../support/db.js';
import { freePort } from '../support/free-port.js';
import { stopChild } from '../support/cli.js';

const sql = useDatabase();
const WRANGLER = join(process.cwd(), 'node_modules', '.bin', 'wrangler');
const quiet = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1', NO_COLOR: '1' };
let dev: ChildProcess | null = null;
afterAll(async () => {
  if (dev) await stopChild(dev, 'SIGTERM');
});

function run(args: string[], timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(WRANGLER, args, { env: quiet, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, out })));
  });
}

describe('edge worker', () => {
  it('bundles for Cloudflare', { timeout: 120_000 }, async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'relance-edge-'));
    const r = await run(['deploy', '--dry-run', '--outdir', outdir], 110_000);
    expect(r.code, r.out).toBe(0);
    expect(statSync(join(outdir, 'edge.js')).size).toBeGreaterThan(10_000);
  });

  it('stores a signed QuickBooks webhook in the inbox under wrangler dev', { timeout: 120_000 }, async () => {
    const t = await newTenant(sql, 'quickbooks');
    const realmId = `edge-${Date.now()}`;
    await updateConnection(sql, t.tenant.id, t.connection.id, { externalTenantId: realmId });
    const port = await freePort();
    const secret = 'edge-verifier-token';
    dev = spawn(WRANGLER, ['dev', '--port', String(port), '--ip', '127.0.0.1', '--var', `DATABASE_URL:${inject('databaseUrl')}`, '--var', `QUICKBOOKS_WEBHOOK_SECRET:${secret}`], { env: quiet, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    dev.stdout!.on('data', (d) => (out += d));
    dev.stderr!.on('data', (d) => (out += d));
    const end = Date.now() + 90_000;
    while (!/Ready on/.test(out)) {
      if (Date.now() > end || dev.exitCode !== null) throw new Error(`wrangler dev did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const body = JSON.stringify({ eventNotifications: [{ realmId, dataChangeEvent: { entities: [{ name: 'Invoice', id: '77', operation: 'Update', lastUpdated: '2026-11-22T10:00:00.000Z' }] } }] });
    const sign = (key: string) => createHmac('sha256', key).update(body).digest('base64');
    const bad = await fetch(`http://127.0.0.1:${port}/webhooks/quickbooks`, { method: 'POST', body, headers: { 'intuit-signature': sign('wrong') } });
    expect(bad.status).toBe(401);
    const res = await fetch(`http://127.0.0.1:${port}/webhooks/quickbooks`, { method: 'POST', body, headers: { 'intuit-signature': sign(secret), 'content-type': 'application/json' } });
    expect(res.status, out).toBe(200);
    const inbox = await pendingInbox(sql, t.tenant.id);
    expect(inbox.map((e) => (e.payload as { externalId: string }).externalId)).toEqual(['77']);
  });
});
