// The product's commands through the real binary: penalty, map, connect --demo → sync → preview, simulate.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { record } from '../mapping/realdata.js';
import { runCli, startCli, stopChild } from '../support/cli.js';
import { freePort } from '../support/free-port.js';

describe('relance penalty', () => {
  it('prints the French B2B interest per half-year segment and the €40 compensation, exact to the cent', async () => {
    const r = await runCli(['penalty', '--jurisdiction', 'FR', '--amount', '10000.00', '--currency', 'EUR', '--due', '2025-05-15', '--as-of', '2025-09-01']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { segments: { from: string; to: string; days: number; rate: string; interest: string }[]; interest: string; compensation: string; total: string };
    // By hand: 10,000 × 13.15 % × 46/365 = 165.726… → 165.73; 10,000 × 12.15 % × 63/365 = 209.712… → 209.71.
    expect(out.segments.map((s) => [s.from, s.to, s.days, s.rate, s.interest])).toEqual([
      ['2025-05-16', '2025-06-30', 46, '13.15', '165.73'],
      ['2025-07-01', '2025-09-01', 63, '12.15', '209.71'],
    ]);
    expect(out.interest).toBe('375.44');
    expect(out.compensation).toBe('40.00');
    expect(out.total).toBe('415.44');
  });

  it('computes a period published after this build from the operator\'s RATES_FILE, and refuses a bad file', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relance-rates-'));
    const file = join(dir, 'rates.json');
    writeFileSync(file, JSON.stringify({ source: 'ECB decision of 11 June 2026', ecbMro: { knownThrough: '2026-12-31', changes: [['2026-06-17', '2.40']] } }));
    const args = ['penalty', '--jurisdiction', 'FR', '--amount', '10000.00', '--currency', 'EUR', '--due', '2026-09-30', '--as-of', '2026-10-30'];
    const missing = await runCli(args);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/RATE_MISSING\(2026-H2\)/);
    const r = await runCli(args, { env: { RATES_FILE: file } });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).interest).toBe('101.92');
    writeFileSync(file, JSON.stringify({ ecbMro: { knownThrough: '2026-12-31', changes: [] } }));
    const bad = await runCli(args, { env: { RATES_FILE: file } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/RATES_FILE=.*source/);
  });

  it('counts dated reductions (a credit note applied, a write-off) like payments: issue 16, 7.66 on 1000 − 100 − 400', async () => {
    const r = await runCli(['penalty', '--jurisdiction', 'FR', '--amount', '1000.00', '--currency', 'EUR', '--due', '2026-03-02', '--paid', '2026-03-10:100.00', '--reduction', '2026-03-20:400.00', '--as-of', '2026-04-01']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { segments: { balance: string; days: number; interest: string }[]; interest: string };
    // By hand at 12.15 %: 1000 × 8/365 = 2.66, 900 × 10/365 = 3.00, 500 × 12/365 = 2.00.
    expect(out.segments.map((s) => [s.balance, s.days, s.interest])).toEqual([['1000.00', 8, '2.66'], ['900.00', 10, '3.00'], ['500.00', 12, '2.00']]);
    expect(out.interest).toBe('7.66');
    const bad = await runCli(['penalty', '--jurisdiction', 'FR', '--amount', '1000.00', '--currency', 'EUR', '--due', '2026-03-02', '--reduction', '400', '--as-of', '2026-04-01']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--reduction "400" must be DATE:AMOUNT');
  });

  it('exits 2 with the reason on bad arguments', async () => {
    const r = await runCli(['penalty', '--amount', '12.5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--jurisdiction is required');
  });
});

describe('relance map', () => {
  const invoice = record('fixtures', 'quickbooks', 'invoice', 'Id', '1101');

  it('maps a QuickBooks invoice from stdin', async () => {
    const r = await runCli(['map', 'quickbooks', 'invoice'], { input: JSON.stringify(invoice) });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ externalId: '1101', number: '3101', total: '165.50', currency: 'USD', status: 'open', dueDate: '2026-04-01' });
  });

  it('exits 1 naming the failing path', async () => {
    const r = await runCli(['map', 'quickbooks', 'invoice'], { input: JSON.stringify({ ...invoice, TotalAmt: 'abc' }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/total/);
  });
});

describe('demo company: connect → sync → preview', () => {
  it('connects through OAuth, syncs with a summary, and previews actions with reasons', { timeout: 120_000 }, async () => {
    const env = { DATABASE_URL: inject('databaseUrl'), RELANCE_HOME: mkdtempSync(join(tmpdir(), 'relance-cli-')), LOG_LEVEL: 'warn' };
    const port = String(await freePort());
    const connect = await runCli(['connect', 'quickbooks', '--demo', '--invoices', '120', '--seed', '9', '--port', port], { env });
    expect(connect.code, connect.stderr).toBe(0);
    const id = connect.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(connect.stderr).toContain('Next: relance sync');
    expect(connect.stderr).toContain(`Sending is off for this new company: nothing goes out until you review the preview and run: relance sending ${id} on`);

    const sync = await runCli(['sync', id, '--json'], { env });
    expect(sync.code, sync.stderr).toBe(0);
    const report = JSON.parse(sync.stdout) as { status: string; streams: { stream: string; inserted: number }[]; requests: number };
    expect(report.status).toBe('ok');
    expect(report.streams.find((s) => s.stream === 'invoices')!.inserted).toBe(120);

    const again = await runCli(['sync', id], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/Sync finished: quickbooks connection .* 0 throttled/);
    expect(again.stdout).toMatch(/invoices\s+\d+\s+0\s+0/);

    const preview = await runCli(['preview', id, '--days', '30', '--json'], { env });
    expect(preview.code, preview.stderr).toBe(0);
    const days = (JSON.parse(preview.stdout) as { days: { date: string; actions: { stepId: string; explain: string }[] }[] }).days;
    expect(days.length).toBeGreaterThan(0);
    expect(days.flatMap((d) => d.actions).every((a) => /^step \d/.test(a.explain))).toBe(true);
    const text = await runCli(['preview', id, '--days', '30'], { env });
    expect(text.stdout).toContain(`Nothing was sent or written.\nSending is off for this connection: once this looks right, run: relance sending ${id} on\n`);
  });
});

describe('relance simulate', () => {
  it('serves the simulator on a port until stopped', async () => {
    const port = await freePort();
    const { child, output } = await startCli(['simulate', 'quickbooks', '--port', String(port), '--invoices', '10'], /127\.0\.0\.1/);
    expect(output()).toContain(`http://127.0.0.1:${port}`);
    const res = await fetch(`http://127.0.0.1:${port}/oauth2/v1/tokens/bearer`, { method: 'POST', body: 'grant_type=client_credentials' });
    expect(res.status).toBe(401);
    await stopChild(child);
  });
});
