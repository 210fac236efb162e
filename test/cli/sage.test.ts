// `relance simulate sage` and `relance connect sage --demo` → sync → preview, through the real binary.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import postgres from 'postgres';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { DEFAULT_BUSINESS_ID, createSageSimulator } from '../../connectors/sage/simulator/index.js';
import { runCli, startCli, stopChild } from '../support/cli.js';
import { freePort } from '../support/free-port.js';

describe('relance simulate sage', () => {
  it('serves Sage’s OAuth and API v3.1 on one port, with its error array, until stopped', async () => {
    const port = await freePort();
    const { child, output } = await startCli(['simulate', 'sage', '--port', String(port), '--invoices', '10'], /127\.0\.0\.1/);
    try {
      const origin = `http://127.0.0.1:${port}`;
      expect(output()).toContain(origin);
      // A bad client at the token endpoint is refused, and the API wants a bearer token (Sage's error array).
      const token = await fetch(`${origin}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code&code=x&client_id=nobody&client_secret=no' });
      expect(token.status).toBe(401);
      const contacts = await fetch(`${origin}/v3.1/contacts`, { headers: { 'X-Business': DEFAULT_BUSINESS_ID } });
      expect(contacts.status).toBe(401);
      expect(await contacts.json()).toEqual([expect.objectContaining({ $severity: 'error', $dataCode: 'AuthorizationFailure' })]);
    } finally {
      await stopChild(child);
    }
  });
});

describe('demo Sage company: connect → sync → preview', () => {
  it('connects through OAuth, syncs every receivable, then only the changes, previews actions, and writes a recovery ZIP with the invoices as the books render them', { timeout: 180_000 }, async () => {
    const env = { DATABASE_URL: inject('databaseUrl'), RELANCE_HOME: mkdtempSync(join(tmpdir(), 'relance-cli-sage-')), LOG_LEVEL: 'warn' };
    const port = String(await freePort());
    const options = { seed: 4, invoices: 80, customers: 10, payments: 12, creditNotes: 5 };
    const truth = createSageSimulator(options).scenario;
    const connect = await runCli(['connect', 'sage', '--demo', '--invoices', '80', '--payments', '12', '--seed', '4', '--port', port], { env });
    expect(connect.code, connect.stderr).toBe(0);
    const id = connect.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(connect.stderr).toContain(`to the demo Sage Accounting company ${DEFAULT_BUSINESS_ID}`);

    const sync = await runCli(['sync', id, '--json'], { env, timeoutMs: 120_000 });
    expect(sync.code, sync.stderr).toBe(0);
    const report = JSON.parse(sync.stdout) as { status: string; streams: { stream: string; inserted: number }[] };
    expect(report.status).toBe('ok');
    const inserted = (stream: string) => report.streams.find((s) => s.stream === stream)!.inserted;
    expect(inserted('invoices')).toBe(truth.receivables('invoice').length);
    expect(inserted('credit_notes')).toBe(truth.receivables('credit_note').length);
    expect(inserted('customers')).toBe(truth.receivables('customer').length);
    expect(inserted('payments')).toBe(truth.receivables('payment').length);
    expect(inserted('payments')).toBeGreaterThan(0);

    // The second run reads what changed since (nothing), from the saved demo state.
    const again = await runCli(['sync', id], { env, timeoutMs: 120_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/Sync finished: sage connection .* 0 throttled/);
    expect(again.stdout).toMatch(/invoices\s+\d+\s+0\s+0/);

    const preview = await runCli(['preview', id, '--days', '30', '--json'], { env });
    expect(preview.code, preview.stderr).toBe(0);
    const days = (JSON.parse(preview.stdout) as { days: { actions: unknown[] }[] }).days;
    expect(days.flatMap((d) => d.actions).length).toBeGreaterThan(0);

    // The recovery file of an overdue customer, with its documents: each invoice's PDF read from the demo books.
    const sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => undefined });
    try {
      // A British company (Sage's home market): its file is a Letter of Claim in pounds.
      await sql`update tenants set locale = 'en' where id = (select tenant_id from connections where id = ${id})`;
      const [late] = await sql<{ customer: string; n: number }[]>`
        select i.customer_external_id as customer, count(*)::int as n from invoices i join tenants t on t.id = i.tenant_id
        where i.connection_id = ${id} and i.status in ('open', 'partially_paid') and i.amount_due > 0 and i.currency = 'GBP'
          -- Overdue as of the company's own today (the file's as-of date), not the database server's.
          and i.due_date < (now() at time zone t.time_zone)::date
        group by i.customer_external_id order by count(*) desc, i.customer_external_id limit 1`;
      expect(late, 'the demo has an overdue customer').toBeTruthy();
      const zipPath = join(env.RELANCE_HOME, 'dossier.zip');
      const file = await runCli(['recovery-file', id, late!.customer, '--zip', zipPath], { env, timeoutMs: 120_000 });
      expect(file.code, file.stderr).toBe(0);
      expect(file.stdout).toContain(`ZIP written to ${zipPath}: ${late!.n} of ${late!.n} invoice(s) as the books render them`);
      const zip = unzipSync(new Uint8Array(readFileSync(zipPath)));
      const invoices = Object.keys(zip).filter((k) => k.startsWith('06-factures/'));
      expect(invoices).toHaveLength(late!.n);
      expect(invoices.filter((k) => /-(copie|copy)\.pdf$/.test(k))).toEqual([]);
      expect(execFileSync('pdftotext', ['-', '-'], { input: zip[invoices[0]!]! }).toString()).toMatch(/Invoice \S+/);
    } finally {
      await sql.end();
    }
  });
});
