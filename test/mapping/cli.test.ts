// `relance map`: one raw record on stdin → normalized JSON, failures as `path: reason`, usage errors exit 2.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadShippedMapping, runMapCli } from '../../src/mapping/index.js';
import { record, records } from './realdata.js';

const qboInvoice = () => record('fixtures', 'quickbooks', 'invoice', 'Id', '1102');

describe('relance map', () => {
  it('prints the normalized record with a 2-space indent', async () => {
    const res = await runMapCli(['quickbooks', 'invoice'], JSON.stringify(qboInvoice()));
    expect(res.code).toBe(0);
    expect(res.stdout.startsWith('{\n  "externalId": "1102",')).toBe(true);
    expect(JSON.parse(res.stdout)).toMatchObject({ total: '480.00', amountDue: '180.00', status: 'partially_paid' });
  });

  it('accepts a leading "map" and --context for the home currency', async () => {
    const raw = qboInvoice();
    delete raw.CurrencyRef;
    const res = await runMapCli(['map', 'quickbooks', 'invoice', '--context', '{"homeCurrency":"EUR"}'], JSON.stringify(raw));
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).currency).toBe('EUR');
  });

  it('fails with exit 1 and `path: reason`', async () => {
    const raw = qboInvoice();
    raw.Balance = 180.001;
    const res = await runMapCli(['quickbooks', 'invoice'], JSON.stringify(raw));
    expect(res).toMatchObject({ code: 1, stdout: '' });
    expect(res.stderr).toMatch(/^amountDue: 180\.001 has more than 2 decimals for USD/);
  });

  it('tries a mapping file with --mapping', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relance-map-'));
    const file = join(dir, 'invoice.jsonata');
    writeFileSync(file, loadShippedMapping('quickbooks', 'invoice').source.replace('"number": DocNumber', '"number": "X" & DocNumber'));
    const res = await runMapCli(['quickbooks', 'invoice', `--mapping=${file}`], JSON.stringify(qboInvoice()));
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).number).toBe(`X${qboInvoice().DocNumber as string}`);
    writeFileSync(file, '{ "a": ');
    const bad = await runMapCli(['quickbooks', 'invoice', '--mapping', file], '{}');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('(mapping): mapping does not compile');
  });

  it('reports a skipped record (a Xero bill) without output', async () => {
    const bill = records('fixtures', 'xero', 'invoice').find((r) => r.Type === 'ACCPAY');
    expect(bill).toBeDefined();
    const res = await runMapCli(['xero', 'invoice'], JSON.stringify(bill));
    expect(res).toMatchObject({ code: 0, stdout: '' });
    expect(res.stderr).toContain('skipped: ');
  });

  it('pennylane: one endpoint, two entities; an invoice mapped as a credit_note, and a credit note as an invoice, say "skipped" and why', async () => {
    const docs = records('fixtures', 'pennylane', 'invoice');
    const invoice = docs.find((r) => r.status === 'upcoming')!;
    const creditNote = docs.find((r) => r.status === 'credit_note')!;
    const asCredit = await runMapCli(['pennylane', 'credit_note'], JSON.stringify(invoice));
    expect(asCredit).toEqual({ code: 0, stdout: '', stderr: `skipped: invoice ${String(invoice.invoice_number)}: mapped as an invoice, not a credit_note\n` });
    const asInvoice = await runMapCli(['pennylane', 'invoice'], JSON.stringify(creditNote));
    expect(asInvoice).toEqual({ code: 0, stdout: '', stderr: `skipped: credit note ${String(creditNote.invoice_number)}: mapped as a credit_note, not an invoice\n` });
    // Each under its own entity maps.
    expect(JSON.parse((await runMapCli(['pennylane', 'invoice'], JSON.stringify(invoice))).stdout)).toMatchObject({ externalId: String(invoice.id), status: 'open' });
    expect(JSON.parse((await runMapCli(['pennylane', 'credit_note'], JSON.stringify(creditNote))).stdout)).toMatchObject({ externalId: String(creditNote.id), status: 'applied' });
  });

  it.each([
    [[], 'give a provider and an entity'],
    [['quickbooks'], 'give a provider and an entity'],
    [['quickbooks', 'bill'], 'unknown entity "bill"'],
    [['quickbooks', 'invoice', '--verbose'], 'unknown option --verbose'],
    [['quickbooks', 'invoice', '--context'], '--context needs a value'],
    [['quickbooks', 'invoice', '--context', '[1]'], '--context must be a JSON object'],
    [['quickbooks', 'invoice', '--context', '{x'], '--context is not valid JSON'],
    [['netsuite', 'invoice'], 'no shipped mapping for netsuite invoice'],
  ])('%j exits 2 with usage', async (argv, message) => {
    const res = await runMapCli(argv, '{}');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(message);
    expect(res.stderr).toContain('usage: relance map');
  });

  it('rejects stdin that is not one JSON object', async () => {
    expect((await runMapCli(['quickbooks', 'invoice'], 'nope')).stderr).toMatch(/^\(input\): stdin is not JSON/);
    expect((await runMapCli(['quickbooks', 'invoice'], '[{}]')).code).toBe(1);
  });
});
