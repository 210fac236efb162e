// The invoices a recovery file encloses (#25 point 2): the books' PDF of each, read once per invoice version and kept;
// an older copy when the books cannot be reached; a copy from the recorded data, marked as such, when they have none.
import { execFileSync } from 'node:child_process';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { invoiceDocuments, renderInvoiceCopy } from '../../src/recovery/invoice-documents.js';
import { customerRecoveryFile } from '../../src/recovery/service.js';
import { recoveryZip } from '../../src/recovery/zip.js';
import { getTenant } from '../../src/store/tenants.js';
import { useDatabase } from '../support/db.js';
import { NOW, customer, invoice, seed } from '../actions/fixtures.js';

const sql = useDatabase();
const pdfOf = (text: string) => new Uint8Array(Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`));
const pdftotext = (pdf: Uint8Array) => execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString().replace(/\s+/g, ' ');

/** A source that counts what it is asked and answers from a table (null: the books have no PDF; 'down': unreachable). */
function books(answers: Record<string, Uint8Array | null | 'down'>) {
  const asked: string[] = [];
  const source = async (id: string) => {
    asked.push(id);
    const a = answers[id];
    if (a === 'down') throw new Error('503 from the books');
    return a ?? null;
  };
  return { asked, source };
}

describe('invoice documents for a recovery file', () => {
  it('reads each invoice once per version, again when it changed, keeps an older copy when the books are down, and never shows one company another’s', async () => {
    const s = await seed(sql, { customers: [customer('c1')], invoices: [invoice('a', 'c1'), invoice('b', 'c1'), invoice('c', 'c1')] });
    const inv = (id: string, v: string | null) => ({ externalId: id, externalVersion: v });
    const first = books({ a: pdfOf('a v1'), b: null, c: pdfOf('c') });
    const r1 = await invoiceDocuments(sql, s.tenantId, s.connectionId, [inv('a', '1'), inv('b', '1'), inv('c', null)], first.source, NOW);
    expect(first.asked).toEqual(['a', 'b', 'c']);
    expect([...r1.originals.keys()].sort()).toEqual(['a', 'c']);

    // Same versions: nothing read again except b, which the books had none of; a changed version is read afresh.
    const second = books({ a: pdfOf('a v2'), b: null });
    const r2 = await invoiceDocuments(sql, s.tenantId, s.connectionId, [inv('a', '2'), inv('b', '1'), inv('c', null)], second.source, NOW);
    expect(second.asked).toEqual(['a', 'b']);
    expect(Buffer.from(r2.originals.get('a')!).toString()).toContain('a v2');

    // Without a version, a stored PDF is read again after a day; the books down: the older copy, and it says so.
    const down = books({ c: 'down' });
    const r3 = await invoiceDocuments(sql, s.tenantId, s.connectionId, [inv('c', null)], down.source, new Date(NOW.getTime() + 25 * 3600_000));
    expect(down.asked).toEqual(['c']);
    expect(r3.unreachable).toEqual(['c']);
    expect(Buffer.from(r3.originals.get('c')!).toString()).toContain('% c');

    // No source (a command with no provider): only what is stored.
    const stored = await invoiceDocuments(sql, s.tenantId, s.connectionId, [inv('a', '3'), inv('b', '1')], undefined, NOW);
    expect([...stored.originals.keys()]).toEqual(['a']);

    // Another company with the same invoice ids sees none of it.
    const other = await seed(sql, { customers: [customer('c1')], invoices: [invoice('a', 'c1')] });
    expect((await invoiceDocuments(sql, other.tenantId, other.connectionId, [inv('a', '2')], undefined, NOW)).originals.size).toBe(0);
  });

  it('a copy from the recorded data says on its face that it is not the original (French and English)', async () => {
    const inv = { number: 'F-2026-007', externalId: '7', issueDate: '2026-01-10', dueDate: '2026-02-09', total: '1240.00', amountDue: '1040.00', currency: 'EUR', lines: [{ description: 'Łódź — conseil', amount: '1240.00' }] };
    const fr = pdftotext(await renderInvoiceCopy(inv, 'Ødegaard SARL', 'Atelier Martin', 'fr', '2026-03-16'));
    expect(fr).toContain('Facture F-2026-007');
    expect(fr).toContain('Copie établie à partir des écritures comptables');
    expect(fr).toContain("n'est pas l'original");
    expect(fr).toContain('1 240,00 €');
    expect(fr).toContain('1 040,00 €');
    expect(fr).toContain('Ødegaard SARL');
    expect(fr).toContain('Łódź');
    const en = pdftotext(await renderInvoiceCopy({ ...inv, currency: 'GBP' }, 'Acme Ltd', 'Atelier', 'en', '2026-03-16'));
    expect(en).toContain('This is not the original invoice');
    expect(en).toContain('£1,240.00');
  });

  it('the file counts an invoice as enclosed only when its original is, and the ZIP holds the original or a marked copy', async () => {
    const s = await seed(sql, { customers: [customer('c1')], invoices: [invoice('a', 'c1'), invoice('b', 'c1', { dueDate: '2026-03-01' })] });
    const tenant = (await getTenant(sql, s.tenantId))!;
    const { source } = books({ a: pdfOf('original of a') });
    const r = (await customerRecoveryFile(sql, tenant, s.connectionId, 'c1', NOW, { invoicePdf: source }))!;
    expect(r.file.missing.filter((m) => m.code === 'INVOICE_PDF').map((m) => m.ref)).toEqual(['F-b']);
    const zip = unzipSync(await recoveryZip(sql, s.tenantId, s.connectionId, 'c1', r));
    const invoices = Object.keys(zip).filter((k) => k.startsWith('06-factures/')).sort();
    expect(invoices).toEqual(['06-factures/01-F-b-copie.pdf', '06-factures/02-F-a.pdf']);
    expect(strFromU8(zip['06-factures/02-F-a.pdf']!)).toContain('original of a');
    expect(pdftotext(zip['06-factures/01-F-b-copie.pdf']!)).toContain('Copie établie à partir des écritures comptables');
  });
});
