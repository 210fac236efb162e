// The real `relance start`, then a person in Chromium: sign in, create a company, connect the demo company from the
// page, and see its first sync succeed, without restarting the service. A sync that fails shows as failed, in red.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDemoPort } from '../../src/demo/host.js';
import { startCli, stopChild } from '../support/cli.js';
import { useIsolatedDatabase } from '../support/db.js';
import { freePort } from '../support/free-port.js';
import { createCompanyFromPicker, shoot, signInServiceAdmin } from './harness.js';

// Its own database: the service adopts every connection it finds.
const { sql, url } = useIsolatedDatabase();
const PASSWORD = 'a long enough password';
let service: ChildProcess | null = null;
let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
});
afterAll(async () => {
  await browser?.close();
  if (service) await stopChild(service, 'SIGKILL');
});

describe('a demo company connected from the page of a running service', () => {
  it('syncs at once, with no restart, and a failed sync shows in red', { timeout: 240_000 }, async () => {
    const port = await freePort();
    // The QuickBooks demo lands on a free port: the range starts where the provider's stable offset puts it there.
    const demoPort = await freePort();
    const from = demoPort - defaultDemoPort('quickbooks', 0);
    const env = { DATABASE_URL: url, RELANCE_HOME: mkdtempSync(join(tmpdir(), 'relance-demo-start-')), PORT: String(port), RELANCE_ADMIN_PASSWORD: PASSWORD, DEMO_PORTS_FROM: String(from), LOG_LEVEL: 'info' };
    const started = await startCli(['start'], /listening on/, { env, timeoutMs: 120_000 });
    service = started.child;
    expect(started.output()).toContain('0 connection(s) scheduled');
    const base = `http://127.0.0.1:${port}`;

    // An empty database: the admin creates the first company.
    const { context, page } = await signInServiceAdmin(browser, base, PASSWORD);
    await createCompanyFromPicker(page, 'Démo Sans Redémarrage');
    await Promise.all([page.waitForURL(/\/connections\?msg=/, { timeout: 120_000 }), page.click('form[action="/connections/demo/quickbooks"] button')]);

    // The service serves the demo and syncs it: the page shows invoices and a last sync, after a reload or two.
    const row = page.locator('tr[data-connection]').first();
    const deadline = Date.now() + 120_000;
    let invoices = 0;
    // Invoices show as soon as a first page is stored; the sync's end (its last_sync_at) comes after the last page.
    const finished = async () => (await sql<{ last_sync_at: Date | null }[]>`select last_sync_at from connections`)[0]?.last_sync_at != null;
    while (Date.now() < deadline) {
      await page.reload();
      invoices = Number((await row.locator('td.num').first().innerText()).replace(/\D/g, '') || 0);
      if (invoices > 0 && (await finished())) break;
      await page.waitForTimeout(1_000);
    }
    expect(invoices, started.output().slice(-3000)).toBeGreaterThan(0);
    expect(await row.innerText()).not.toMatch(/Échec de la synchronisation|ECONNREFUSED/);
    expect(started.output()).toMatch(/1 new connection\(s\) scheduled/);
    await shoot(page, 'demo-start-01-synced-fr');
    const [c] = await sql<{ id: string; last_sync_at: Date | null }[]>`select id, last_sync_at from connections`;
    expect(c!.last_sync_at).not.toBeNull();

    // Now the demo company stops answering (its port taken away): "Synchroniser" fails, and the page says so in red.
    await sql`update connections set settings = jsonb_set(settings, '{app,endpoints}', (select jsonb_object_agg(k, 'http://127.0.0.1:9/' || k) from jsonb_object_keys(settings->'app'->'endpoints') as k)) where id = ${c!.id}`;
    await page.click(`tr[data-connection="${c!.id}"] form[action$="/sync"] button`);
    const failed = Date.now() + 120_000;
    while (Date.now() < failed && !(await row.locator('.badge.bad').count())) {
      await page.waitForTimeout(1_000);
      await page.reload();
    }
    expect(await row.locator('.badge.bad').innerText()).toBe('Échec de la synchronisation');
    expect(await row.locator('.err').count()).toBe(1);
    await shoot(page, 'demo-start-02-sync-failed-fr');
    await context.close();
    expect(await stopChild(started.child)).toBe(0);
    service = null;
  });
});
