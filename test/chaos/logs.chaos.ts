// Chaos, secrets in the logs (#26 point 5): the real `relance start`, at LOG_LEVEL=debug, connected to a demo company,
// syncs it (through the API, with an API token), evaluates it, answers a wrong and a right sign-in and a forged
// webhook. Then every line it wrote is scanned for every secret the run used: the secret key (base64 and hex), the
// OAuth access and refresh tokens it holds at the end and at the start, the demo app's client secret, the API token,
// the admin password. None may appear. The tokens are also checked unreadable in the database.
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OAuthTokens } from '../../src/connectors/types.js';
import { createApiToken } from '../../src/store/auth.js';
import { findConnectionById, loadCredentials } from '../../src/store/tenants.js';
import { runCli, startCli, stopChild } from '../support/cli.js';
import { useIsolatedDatabase } from '../support/db.js';
import { freePort } from '../support/free-port.js';
import { chaosSeed, record } from './report.js';

const { sql, url } = useIsolatedDatabase();
const SEED = chaosSeed();
let service: ChildProcess | null = null;
afterAll(async () => {
  if (service) await stopChild(service, 'SIGKILL');
});

const until = async (what: string, check: () => boolean | Promise<boolean>, ms: number) => {
  for (const end = Date.now() + ms; !(await check()); await new Promise((r) => setTimeout(r, 300))) if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
};

describe('chaos, secrets in the logs', () => {
  it('the service never writes a secret it holds, at debug level, through a sync, sign-ins and a forged webhook', { timeout: 300_000 }, async () => {
    const key = randomBytes(32);
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const home = mkdtempSync(join(tmpdir(), 'relance-chaos-logs-'));
    const base = { DATABASE_URL: url, RELANCE_HOME: home, RELANCE_SECRET_KEY: key.toString('base64'), LOG_LEVEL: 'debug' };
    const connected = await runCli(['connect', 'quickbooks', '--demo', '--invoices', '40', '--seed', String(SEED % 1000), '--port', String(await freePort()), '--tenant', 'Logs Ltd'], { env: base, timeoutMs: 120_000 });
    expect(connected.code, connected.stderr).toBe(0);
    const connectionId = connected.stdout.trim();
    const connection = (await findConnectionById(sql, connectionId))!;
    const first = (await loadCredentials<OAuthTokens>(sql, key, connection.tenantId, connectionId))!;
    const { token: apiToken } = await createApiToken(sql, connection.tenantId, 'logs');
    const [settings] = await sql<{ settings: { app?: { clientSecret?: string } } }[]>`select settings from connections where id = ${connectionId}`;

    const port = await freePort();
    const started = await startCli(['start'], /listening on/, { env: { ...base, PORT: String(port), RELANCE_ADMIN_PASSWORD: password }, timeoutMs: 120_000 });
    service = started.child;
    const origin = `http://127.0.0.1:${port}`;
    expect((await fetch(`${origin}/api/v1/connections/${connectionId}/sync`, { method: 'POST', headers: { authorization: `Bearer ${apiToken}` } })).status).toBe(202);
    await until('the sync and the evaluation', () => /evaluation finished/.test(started.output()), 120_000);
    // A wrong password, then the right one; a forged webhook; an API call with a wrong token.
    const signin = (pw: string) => fetch(`${origin}/signin`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin }, body: new URLSearchParams({ email: 'admin', password: pw }).toString() });
    await signin(`${password}-wrong`);
    await signin(password);
    await fetch(`${origin}/webhooks/quickbooks/${connectionId}`, { method: 'POST', headers: { 'content-type': 'application/json', 'intuit-signature': 'forged' }, body: '{"eventNotifications":[]}' });
    await fetch(`${origin}/api/v1/customers`, { headers: { authorization: `Bearer ${apiToken}x` } });
    await stopChild(service, 'SIGTERM');
    service = null;

    const last = (await loadCredentials<OAuthTokens>(sql, key, connection.tenantId, connectionId))!;
    const secrets: Record<string, string> = {
      'secret key (base64)': key.toString('base64'),
      'secret key (hex)': key.toString('hex'),
      'access token at the start': first.accessToken,
      'refresh token at the start': first.refreshToken,
      'access token at the end': last.accessToken,
      'refresh token at the end': last.refreshToken,
      'API token': apiToken,
      'admin password': password,
      ...(settings!.settings.app?.clientSecret ? { 'demo app client secret': settings!.settings.app.clientSecret } : {}),
    };
    const output = `${connected.stdout}\n${connected.stderr}\n${started.output()}`;
    const lines = output.split('\n').length;
    const found = Object.entries(secrets).filter(([, v]) => v.length >= 8 && output.includes(v)).map(([k]) => k);
    const [row] = await sql<{ credentials: Buffer }[]>`select credentials from connections where id = ${connectionId}`;
    const atRest = [last.accessToken, last.refreshToken].filter((v) => row!.credentials.toString('latin1').includes(v)).length;
    record('logs', SEED, [{ subject: 'relance start', logLines: lines, secretsWatched: Object.keys(secrets).length, secretsFound: found.length, tokensReadableAtRest: atRest }]);
    expect(lines, 'the run logged at debug level').toBeGreaterThan(20);
    expect(found, `secrets in the logs: ${found.join(', ')}`).toEqual([]);
    expect(atRest).toBe(0);
  });
});
