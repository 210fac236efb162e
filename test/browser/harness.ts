// What every browser walk needs: the UI served by its own process (as the service runs it), Debian's Chromium, and
// screenshots at desktop and phone size into test-artifacts/screenshots/.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { freePort } from '../support/free-port.js';

export const SHOTS = join(process.cwd(), 'test-artifacts', 'screenshots');
export const ADMIN = { email: 'admin@example.com', password: 'a long enough password' };
export const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

export interface Walk {
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Starts `test/browser/serve-ui.ts` in its own process (through tsx, like the service) and launches Chromium. */
/** Debian's Chromium, headless, driven by playwright-core. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export async function startWalk(env: Record<string, string> = {}): Promise<Walk> {
  mkdirSync(SHOTS, { recursive: true });
  const port = await freePort();
  const demoPorts = { quickbooks: await freePort(), xero: await freePort() };
  const home = mkdtempSync(join(tmpdir(), 'relance-browser-'));
  // The demo company loads its simulator by dynamic import, as in the service.
  const server: ChildProcess = spawn(process.execPath, ['bin/run-ts.mjs', 'test/browser/serve-ui.ts'], {
    env: { ...process.env, DATABASE_URL: inject('databaseUrl'), PORT: String(port), RELANCE_HOME: home, DEMO_PORTS: JSON.stringify(demoPorts), ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  server.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
    server.once('exit', (code) => reject(new Error(`UI server exited (${code}): ${log}`)));
  });
  const browser = await launchChromium();
  return {
    base: `http://127.0.0.1:${port}`,
    browser,
    async close() {
      await browser.close();
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/**
 * Drop-downs, fields and text boxes that do not fit the screen's width (outside a box that scrolls sideways on
 * purpose, such as a wide table): on a phone a person could not see or reach them. Run in the page, written as a
 * string: the test's types have no DOM.
 */
export function fieldsPastTheEdge(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const scrolls = (e) => { for (let p = e.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
    return [...document.querySelectorAll('select, textarea, input:not([type=hidden]):not([type=checkbox]):not([type=radio])')]
      .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > window.innerWidth + 1 || r.left < -1) && !scrolls(e); })
      .map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : e.name ? '[name=' + e.name + ']' : ''));
  })()`);
}

/** Full-page screenshots at both sizes and the phone's first screen (long pages are too tall to judge at a glance), then back to desktop. */
export async function shoot(page: Page, name: string): Promise<void> {
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`), fullPage: true });
    if (size === 'phone') {
      const wide = await fieldsPastTheEdge(page);
      if (wide.length) throw new Error(`${name}: on a phone these fields run past the screen's edge: ${wide.join(', ')}`);
    }
  }
  await page.screenshot({ path: join(SHOTS, `${name}-phone-fold.png`) });
  await page.setViewportSize(SIZES.desktop);
}

/** Signs the admin in from the sign-in page and creates a French company from the picker; resolves on its connections page. */
export async function signInAndCreateCompany(page: Page, name: string): Promise<void> {
  await page.fill('#email', ADMIN.email);
  await page.fill('#password', ADMIN.password);
  await page.click('button[type=submit]');
  // The shared test database holds other tenants: the admin lands on the picker and creates a company.
  await page.waitForURL(/\/tenants$/);
  await page.fill('#tn', name);
  await page.selectOption('#tl', 'fr');
  await page.click('form[action="/tenants"] button[type=submit]');
  await page.waitForURL(/\/connections$/);
}

/**
 * The running service's self-hosted admin (admin@localhost) signs in from a French browser and lands on the company
 * picker: for walks on the real `relance start`.
 */
export async function signInServiceAdmin(browser: Browser, base: string, password: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: SIZES.desktop, locale: 'fr-FR', extraHTTPHeaders: { 'accept-language': 'fr-FR,fr;q=0.9' } });
  const page = await context.newPage();
  await page.goto(`${base}/signin`);
  await page.fill('#email', 'admin@localhost');
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/tenants$/);
  return { context, page };
}

/** From the picker, creates a company and waits for its connections page. */
export async function createCompanyFromPicker(page: Page, name: string): Promise<void> {
  await page.fill('#tn', name);
  await page.click('form[action="/tenants"] button[type=submit]');
  await page.waitForURL(/\/connections$/);
}
