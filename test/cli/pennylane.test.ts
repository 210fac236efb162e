// `relance simulate pennylane` and `relance connect pennylane --demo` → sync → preview, through the real binary.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { createPennylaneSimulator } from '../../connectors/pennylane/simulator/index.js';
import { runCli, startCli, stopChild } from '../support/cli.js';
import { freePort } from '../support/free-port.js';

describe('relance simulate pennylane', () => {
  it('serves Pennylane’s OAuth and API v2 on one port, with its error bodies, until stopped', async () => {
    const port = await freePort();
    const { child, output } = await startCli(['simulate', 'pennylane', '--port', String(port), '--invoices', '10'], /127\.0\.0\.1/);
    try {
      const origin = `http://127.0.0.1:${port}`;
      expect(output()).toContain(origin);
      // A bad client at the token endpoint is refused, and the API wants a bearer token (Pennylane's error body).
      const token = await fetch(`${origin}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code&code=x&client_id=nobody&client_secret=no' });
      expect(token.status).toBe(401);
      const me = await fetch(`${origin}/api/external/v2/me`, { headers: { 'X-Use-2026-API-Changes': 'true' } });
      expect(me.status).toBe(401);
      expect(await me.json()).toMatchObject({ error: expect.any(String) });
    } finally {
      await stopChild(child);
    }
  });
});

describe('demo Pennylane company: connect → sync → preview', () => {
  it('connects through OAuth, syncs every receivable with a summary, then only the changes, and previews actions', { timeout: 150_000 }, async () => {
    const env = { DATABASE_URL: inject('databaseUrl'), RELANCE_HOME: mkdtempSync(join(tmpdir(), 'relance-cli-pl-')), LOG_LEVEL: 'warn' };
    const port = String(await freePort());
    // The demo company as `connect` seeds it (customers default to invoices / 8, credit notes to 6 %): the counts to expect.
    const options = { seed: 4, invoices: 80, customers: 10, payments: 12, creditNotes: 5 };
    const truth = createPennylaneSimulator(options).scenario;
    const connect = await runCli(['connect', 'pennylane', '--demo', '--invoices', '80', '--payments', '12', '--seed', '4', '--port', port], { env });
    expect(connect.code, connect.stderr).toBe(0);
    const id = connect.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(connect.stderr).toContain('to the demo Pennylane company 7412093');
    expect(connect.stderr).toContain(`Sending is off for this new company`);

    const sync = await runCli(['sync', id, '--json'], { env });
    expect(sync.code, sync.stderr).toBe(0);
    const report = JSON.parse(sync.stdout) as { status: string; streams: { stream: string; inserted: number }[]; throttled: number };
    expect(report.status).toBe('ok');
    const inserted = (stream: string) => report.streams.find((s) => s.stream === stream)!.inserted;
    expect(inserted('invoices')).toBe(truth.receivables('invoice').length);
    expect(inserted('credit_notes')).toBe(truth.receivables('credit_note').length);
    expect(inserted('customers')).toBe(truth.receivables('customer').length);
    expect(inserted('payments')).toBe(truth.receivables('payment').length);
    expect(inserted('payments')).toBeGreaterThan(0);

    // The second run reads the changelogs: nothing new, nothing throttled.
    const again = await runCli(['sync', id], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/Sync finished: pennylane connection .* 0 throttled/);
    expect(again.stdout).toMatch(/invoices\s+\d+\s+0\s+0/);

    const preview = await runCli(['preview', id, '--days', '30', '--json'], { env });
    expect(preview.code, preview.stderr).toBe(0);
    const days = (JSON.parse(preview.stdout) as { days: { actions: unknown[] }[] }).days;
    expect(days.flatMap((d) => d.actions).length).toBeGreaterThan(0);
  });
});
