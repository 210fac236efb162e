// A customer's recovery file from the stored books, through the CLI command (issue #25 point 3): only its overdue
// invoices, figures from the engine with the stored rates, what is missing, the PDF written where asked.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { confirmRegNo } from '../../src/store/insolvency.js';
import { planActions } from '../../src/store/outbox.js';
import { customerRecoveryFile } from '../../src/recovery/service.js';
import { getTenant } from '../../src/store/tenants.js';
import { runCli } from '../support/cli.js';
import { useDatabase } from '../support/db.js';
import { NOW, customer, invoice, seed } from '../actions/fixtures.js';

const sql = useDatabase();

describe('customer recovery file from the books', () => {
  it('claims the overdue invoices of that customer only and lists what the books lack', async () => {
    const s = await seed(sql, {
      customers: [customer('c1'), customer('c2')],
      invoices: [invoice('a', 'c1'), invoice('later', 'c1', { dueDate: '2026-04-10' }), invoice('other', 'c2'), invoice('nopdf', 'c1', { pdfUrl: null, dueDate: '2026-03-01', total: '100.00', amountDue: '100.00' })],
    });
    const tenant = (await getTenant(sql, s.tenantId))!;
    // The books render every invoice's PDF except F-nopdf's.
    const invoicePdf = async (id: string) => (id === 'nopdf' ? null : new Uint8Array(Buffer.from(`%PDF-1.4\n% ${id}\n`)));
    const r = (await customerRecoveryFile(sql, tenant, s.connectionId, 'c1', NOW, { invoicePdf }))!;
    expect(r.statement.jurisdiction).toBe('FR');
    expect(r.statement.lines.map((l) => l.number)).toEqual(['F-nopdf', 'F-a']);
    const a = r.statement.lines[1]!;
    // 11–16 March 2026, 6 days on 1,240.00 at 12.15 % (MRO 2.15 + 10, H1 2026): 1240 × 12.15 % × 6/365 = 2.476… → 2.48.
    expect(a.segments.map((g) => [g.from, g.to, g.days, g.balance, g.rate, g.interest])).toEqual([['2026-03-11', '2026-03-16', 6, '1240.00', '12.15', '2.48']]);
    expect(a.interest).toBe('2.48');
    expect(a.total).toBe('1282.48');
    expect(a.compensation).toBe('40.00');
    expect(r.file.missing.map((m) => [m.code, m.ref])).toEqual([['DEBTOR_REGISTRATION', null], ['CREDITOR_ADDRESS', null], ['CREDITOR_REGISTRATION', null], ['INVOICE_PDF', 'F-nopdf'], ['FORMAL_NOTICE', null]]);
    expect(r.file.smallClaim).toBe(true);
    const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: r.file.pdf }).toString().replace(/\s+/g, ' ');
    expect(text).toContain('F-a');
    expect(text).toContain('5 avenue Foch');
    expect(text).not.toContain('F-later');
    expect(text).not.toContain('F-other');
    expect(r.csv.split('\r\n')[2]).toMatch(/^F-a,2026-01-10,2026-03-10,EUR,1240\.00,0\.00,1240\.00,/);
    expect(await customerRecoveryFile(sql, tenant, s.connectionId, 'nobody', NOW)).toBeNull();
    // The reminders already sent about these invoices are listed as evidence; a registered formal notice among them
    // is no longer missing.
    await planActions(sql, s.tenantId, [{ idempotencyKey: 'mise-c1', kind: 'letter', dueAt: '2026-03-20T08:00:00Z', connectionId: s.connectionId, payload: { customerExternalId: 'c1', templateId: 'fr.mise-en-demeure', invoices: [{ externalId: 'a', number: 'F-a' }] } }]);
    await sql`update outbox set state = 'sent', result = ${sql.json({ registered: true })} where tenant_id = ${s.tenantId} and idempotency_key = 'mise-c1'`;
    const withNotice = (await customerRecoveryFile(sql, tenant, s.connectionId, 'c1', NOW))!;
    expect(withNotice.file.missing.map((m) => m.code)).not.toContain('FORMAL_NOTICE');
    const bordereau = execFileSync('pdftotext', ['-layout', '-', '-'], { input: withNotice.file.pdf }).toString().replace(/\s+/g, ' ');
    expect(bordereau).toMatch(/Pièce n°\d+ : Mise en demeure du \d{2}\/\d{2}\/\d{4}/);
    // A SIREN a person confirmed on the customer's page fills the debtor's registration.
    await confirmRegNo(sql, s.tenantId, s.connectionId, 'c1', '552100554', 'marie');
    const withSiren = (await customerRecoveryFile(sql, tenant, s.connectionId, 'c1', NOW))!;
    expect(withSiren.json.debtor.registration).toBe('552100554');
    expect(withSiren.file.missing.map((m) => m.code)).not.toContain('DEBTOR_REGISTRATION');
  });

  it('relance recovery-file writes the PDF and prints the claim (real binary)', { timeout: 120_000 }, async () => {
    const s = await seed(sql, { customers: [customer('c1')], invoices: [invoice('a', 'c1')] });
    const dir = mkdtempSync(join(tmpdir(), 'relance-recovery-'));
    const out = join(dir, 'dossier.pdf');
    const env = { DATABASE_URL: inject('databaseUrl'), RELANCE_HOME: dir, LOG_LEVEL: 'warn' };
    const r = await runCli(['recovery-file', s.connectionId, 'c1', '--as-of', '2026-03-16', '--out', out], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/FR recovery file for c1: 1 invoice\(s\), principal 1240\.00, .*claimed \d+\.\d\d EUR/);
    expect(r.stdout).toContain('missing: DEBTOR_REGISTRATION');
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    const bad = await runCli(['recovery-file', s.connectionId, 'nobody', '--as-of', '2026-03-16'], { env });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('customer nobody has no overdue invoice');
  });
});
